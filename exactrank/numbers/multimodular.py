"""Exact integer arrays from their residues modulo several primes (Chinese remaindering).

An integer array whose entries are proven to satisfy |x| <= bound is computed modulo
primes p_1, …, p_k below 2^CRT_PRIME_BITS (the float64 BLAS kernels of
:mod:`exactrank.ple`) with P = p_1 ⋯ p_k > 2·bound, and rebuilt from the residues in
balanced mixed radix (Garner):

    x = d_1 + p_1 (d_2 + p_2 (d_3 + …)),   |d_i| <= (p_i − 1)/2.

The map from such digits to integers is a bijection onto [−(P−1)/2, (P−1)/2] (the largest
value is Σ_i (p_i − 1)/2 · p_1⋯p_{i−1} = (P − 1)/2), so the digits of the residues of x
give x itself: no sign fix-up, and every digit is computed in float64 with products below
2^52. Pairs of digits are joined in int64 (|d_i + p_i d_{i+1}| < 2^51), and the pairs by
Horner's rule, in int64 when bound < 2^62, in Python integers otherwise.
"""

from __future__ import annotations

import flint
import numpy as np

from .kernels import INT64_SAFE
from .ple import _reduce_vec
from .residues import centered_product

CRT_PRIME_BITS = 25
"""The primes are below 2^25: centered residues are at most 2^24 + 1, so dgemm sums 31
products of them exactly (:func:`exactrank.ple._max_inner`), a bond dimension up to 31
in one product."""


def primes_for(bound: int) -> list[int]:
    """The largest primes below 2^CRT_PRIME_BITS, as few (at least one) as make P > 2·bound."""
    primes, modulus, candidate = [], 1, (1 << CRT_PRIME_BITS) - 1
    while not primes or modulus <= 2 * bound:
        while not flint.fmpz(candidate).is_prime():
            candidate -= 2
        primes.append(candidate)
        modulus *= candidate
        candidate -= 2
    return primes


def balanced(x: np.ndarray, p: int) -> np.ndarray:
    """Centered float64 residues (|x| <= p/2 + 2, as :mod:`exactrank.ple` leaves them)
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
