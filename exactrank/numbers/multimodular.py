"""Exact integer arrays from their residues modulo several primes (Chinese remaindering).

An integer array whose entries are proven to satisfy |x| <= bound is computed modulo
primes p_1, …, p_k below 2^CRT_PRIME_BITS (the float64 BLAS kernels of
:mod:`exactrank.numbers.ple`) with P = p_1 ⋯ p_k > 2·bound, and rebuilt from the residues in
balanced mixed radix (Garner):

    x = d_1 + p_1 (d_2 + p_2 (d_3 + …)),   |d_i| <= (p_i − 1)/2.

The map from such digits to integers is a bijection onto [−(P−1)/2, (P−1)/2] (the largest
value is Σ_i (p_i − 1)/2 · p_1⋯p_{i−1} = (P − 1)/2), so the digits of the residues of x
give x itself: no sign fix-up, and every digit is computed in float64 with products below
2^52. Pairs of digits are joined in int64 (|d_i + p_i d_{i+1}| < 2^51), and the pairs by
Horner's rule, in int64 when bound < 2^62, in Python integers otherwise.

:class:`ResidueArray` keeps such an array in its residues (int32, a few words an entry)
until its integers are asked for; its primes carry one spare: the product of the primes
without any single one of them still exceeds 2·bound. Then a wrong residue cannot go
unseen. If the residue modulo p_i alone is off, any x' the residues give is ≡ x modulo
every other prime and not modulo p_i, so x' − x is a nonzero multiple of P/p_i and
|x'| >= P/p_i − |x| > 2·bound − bound = bound; :meth:`ResidueArray.integers` and
:meth:`ResidueArray.entry` check |x| <= bound on every value they return.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import flint
import numpy as np

from .kernels import INT64_SAFE, dgemm, max_abs
from .ple import _float_residues, _max_inner, _reduce_rows, _reduce_vec
from .residues import centered_product

CRT_PRIME_BITS = 25
"""The primes are below 2^25: centered residues are at most 2^24 + 1, so dgemm sums 31
products of them exactly (:func:`exactrank.numbers.ple._max_inner`), a bond dimension up to 31
in one product."""


def primes_for(bound: int, spare: bool = False) -> list[int]:
    """The largest primes below 2^CRT_PRIME_BITS, as few (at least one) as make P > 2·bound;
    with ``spare``, as few as make P / p > 2·bound for each of them (one more prime)."""
    primes, modulus, candidate = [], 1, (1 << CRT_PRIME_BITS) - 1
    while not primes or (modulus // primes[0] if spare else modulus) <= 2 * bound:
        while not flint.fmpz(candidate).is_prime():
            candidate -= 2
        primes.append(candidate)
        modulus *= candidate
        candidate -= 2
    return primes


def balanced(x: np.ndarray, p: int) -> np.ndarray:
    """Centered float64 residues (|x| <= p/2 + 2, as :mod:`exactrank.numbers.ple` leaves them)
    moved into [−(p−1)/2, (p−1)/2], in place (p odd)."""
    half = (p - 1) // 2
    np.subtract(x, p, out=x, where=x > half)
    np.add(x, p, out=x, where=x < -half)
    return x


def crt(residues, primes: list[int], bound: int) -> np.ndarray:
    """The integers x with x ≡ residues[i] (mod primes[i]) and |x| <= bound.

    ``residues``: float64 arrays of one shape, centered (|r| <= p/2 + 2), one per prime, an
    iterable read once (a generator forms each only when it is needed); primes odd,
    distinct, below 2^CRT_PRIME_BITS, with product > 2·bound. The digits are kept as int32
    (|d| < 2^24). Returns int64 when bound < 2^62, else an object array of Python
    integers, built in slices of _SLICE entries so that the temporaries stay small beside
    the result.
    """
    digits = []
    for i, (p, r) in enumerate(zip(primes, residues, strict=True)):
        if i == 0:
            digits.append(balanced(r, p).astype(np.int32))
            continue
        # t = (d_1 + p_1 (d_2 + … p_{i−2} d_{i−1})) mod p, by Horner from the top digit
        t = digits[-1].astype(np.float64)
        for j in range(i - 2, -1, -1):
            t *= primes[j]  # |t| <= p/2 + 2 and p_j < 2^25: below 2^50
            t += digits[j]
            _reduce_vec(t, p)
        inverse = pow(int(np.prod([q % p for q in primes[:i]], dtype=object)) % p, -1, p)
        inverse = inverse - p if inverse > p // 2 else inverse
        np.subtract(r, t, out=t)  # |r − t| <= p + 4
        del r
        t *= inverse  # below (p + 4)·p/2 < 2^52
        _reduce_vec(t, p)
        digits.append(balanced(t, p).astype(np.int32))
        del t
    words, radices = [], []
    for i in range(0, len(digits), 2):
        word = digits[i].astype(np.int64)
        radix = primes[i]
        if i + 1 < len(digits):
            word += digits[i + 1].astype(np.int64) * primes[i]
            radix *= primes[i + 1]
        digits[i : i + 2] = [None] * len(digits[i : i + 2])
        words.append(word)
        radices.append(radix)
    if bound < INT64_SAFE:
        return _horner(words, radices)
    x = np.empty(words[0].shape, dtype=object)
    flat = x.reshape(-1)
    flat_words = [word.reshape(-1) for word in words]
    for start in range(0, flat.size, _SLICE):
        part = [word[start : start + _SLICE].astype(object) for word in flat_words]
        flat[start : start + _SLICE] = _horner(part, radices)
    return x


_SLICE = 1 << 16  # entries of the Python-integer temporaries built at once


def _horner(words: list[np.ndarray], radices: list[int]) -> np.ndarray:
    """words[0] + radices[0]·(words[1] + radices[1]·(…)), in the words' storage."""
    x = words[-1]
    for word, radix in zip(words[-2::-1], radices[-2::-1], strict=True):
        x = x * radix + word
    return x


def multimodular_product(left: np.ndarray, right: np.ndarray, bound: int) -> np.ndarray:
    """left @ right exactly, for integer matrices whose product is proven to satisfy
    |entry| <= ``bound``: one float64 dgemm modulo each prime of :func:`primes_for`, each
    formed only when :func:`crt` reads it, then :func:`crt`."""
    primes = primes_for(bound)
    return crt((centered_product(left, right, p) for p in primes), primes, bound)


_ROW_BLOCK = 1 << 16  # entries of a product block formed and reduced at once (cache-sized)


@dataclass(frozen=True, eq=False)
class ResidueArray:
    """Integers x with |x| <= ``bound``, held as residues, one int32 array per prime.

    ``residues[i]`` ≡ x mod primes[i] (centered, |r| <= p_i/2 + 2, as the products leave
    them; any int32 is read correctly); ``primes`` carry a spare (:func:`primes_for` with
    ``spare``), which makes every single wrong residue seen (module docstring).
    """

    residues: np.ndarray  # int32, (len(primes), *shape)
    primes: tuple[int, ...]
    bound: int

    @property
    def shape(self) -> tuple[int, ...]:
        return self.residues.shape[1:]

    def integers(self) -> np.ndarray:
        """The integers (int64 when bound < 2^62, else Python integers), each checked."""
        flat = self.residues.reshape(len(self.primes), -1)  # 0-d selections too
        x = crt(map(_centered, flat, self.primes), list(self.primes), self.bound)
        self._check(max_abs(x))
        return x.reshape(self.shape)

    @cached_property
    def _basis(self) -> tuple[int, list[int]]:
        """(P, e_i) with e_i ≡ 1 mod p_i and ≡ 0 mod the other primes."""
        P = math.prod(self.primes)
        return P, [(P // p) * pow(P // p, -1, p) for p in self.primes]

    def entry(self, index) -> int:
        """The integer at ``index`` (one integer per axis), checked."""
        P, basis = self._basis
        column = self.residues[(slice(None), *index)]
        x = sum(int(r) * e for r, e in zip(column, basis, strict=True)) % P
        x = x - P if x > P // 2 else x
        self._check(abs(x))
        return x

    def _check(self, largest: int) -> None:
        if largest > self.bound:
            raise ArithmeticError(
                f"Chinese remaindering gave an integer of {largest.bit_length()} bits past its "
                f"proven bound 2^{self.bound.bit_length()}: a residue is wrong"
            )

    def select(self, key) -> ResidueArray:
        """The residues of ``integers()[key]`` for any numpy key, without the integers: the
        key indexes the grid's axes of the residues with the primes' axis moved last (a
        trailing full slice, so advanced indices place their axes as they would in the
        integers), and only the selection is copied."""
        key = key if isinstance(key, tuple) else (key,)
        key += (slice(None),) if any(k is Ellipsis for k in key) else (Ellipsis, slice(None))
        picked = np.moveaxis(self.residues, 0, -1)[key]
        return ResidueArray(
            np.ascontiguousarray(np.moveaxis(picked, -1, 0)), self.primes, self.bound
        )

    def rearranged(self, axes, shape) -> ResidueArray:
        """The residues of ``np.transpose(integers(), axes).reshape(shape)``."""
        moved = np.transpose(self.residues, (0, *(1 + a for a in axes)))
        return ResidueArray(moved.reshape(len(self.primes), *shape), self.primes, self.bound)


def _centered(r: np.ndarray, p: int) -> np.ndarray:
    """int32 residues as the centered float64 residues :func:`crt` reads, whatever their
    range (|r| < 2^31: exact in float64, and so is the reduction)."""
    x = np.array(r, dtype=np.float64, order="C")  # a C-ordered copy: reshape(-1) is a view
    _reduce_vec(x.reshape(-1), p)
    return x


def residue_product(left: np.ndarray, right: np.ndarray, bound: int) -> ResidueArray:
    """left @ right as a :class:`ResidueArray`, for integer matrices whose product is proven
    to satisfy |entry| <= ``bound``: per prime, one exact dgemm per block of rows of at
    most _ROW_BLOCK entries (inner dimension within :func:`exactrank.numbers.ple._max_inner`, else
    :func:`~exactrank.numbers.residues.centered_product` whole), reduced and stored as int32
    (centered: |r| <= p/2 + 2 < 2^24), so only the result is a full array."""
    primes = primes_for(bound, spare=True)
    n, m = left.shape[0], right.shape[1]
    out = np.empty((len(primes), n, m), dtype=np.int32)
    rows = max(1, _ROW_BLOCK // max(1, m))
    scratch = np.empty((min(rows, n), m))
    for i, p in enumerate(primes):
        if left.shape[1] > _max_inner(p):
            out[i] = centered_product(left, right, p)
            continue
        L, R = _float_residues(left, p), _float_residues(right, p, "B")
        for start in range(0, n, rows):
            block = out[i, start : start + rows]
            product = dgemm(L[start : start + rows], R)  # below inner·(p/2 + 2)^2 < 2^53
            reduced = scratch[: len(block)]
            _reduce_rows(product, reduced, p)
            block[...] = reduced
    return ResidueArray(out, tuple(primes), bound)
