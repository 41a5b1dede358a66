"""Integer arrays held exactly as two int64 words, for the p-adic lifting of
:mod:`exactrank.linalg.padic` when a matrix's entries are too large for float64.

A value x is the pair (hi, lo) with x = hi·2^32 + lo and 0 <= lo < 2^32; :func:`normalize`
restores that form, which is unique, so a value is zero exactly when both words are. The
callers keep |x| below 2^92 (:data:`BOUND`): then |hi| <= 2^60, and every sum below of a few
words, or of a word and a product of a matrix entry's word (entries below 2^62: words below
2^32) by a residue below 2^30, stays inside int64.

Products with a matrix M come from float64 BLAS on its two limbs (:func:`limbs`),
M = M_1·2^s + M_0 with 0 <= M_0 < 2^s and M_1 = ⌊M / 2^s⌋, 1 <= s <= 31: dgemm(M_t, Y) is
an integer below 2^53 in size, hence exact in any summation order, whenever the caller keeps
r·max|M_t|·max|Y| < 2^53 (:func:`exactrank.linalg.padic.wide_plan` does), and exact again as
int64. A product P (|P| < 2^53) shifted by k bits (0 <= k < 32) enters the words as
P·2^k = ⌊P / 2^(32−k)⌋·2^32 + (P mod 2^(32−k))·2^k: an arithmetic shift and a mask, both exact
for negative P (two's complement), the second part below 2^32. Nothing here wraps.

It implements no paper result.
"""

from __future__ import annotations

import numpy as np

from .kernels import dgemm

WORD = 32
BOUND = 1 << 92  # the callers keep |x| below this (module docstring)
_MASK = (1 << WORD) - 1


def split(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An int64 array as its normalized words (hi, lo)."""
    X = X.astype(np.int64, copy=False)
    return X >> WORD, X & _MASK


def from_integers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An array of Python integers (or int64) below :data:`BOUND` in size as words."""
    if values.dtype != object:
        return split(values)
    hi = np.array([int(v) >> WORD for v in values.flat], dtype=np.int64).reshape(values.shape)
    lo = np.array([int(v) & _MASK for v in values.flat], dtype=np.int64).reshape(values.shape)
    return hi, lo


def to_integers(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """The words as an object array of Python integers (for tests and reports)."""
    return hi.astype(object) * (1 << WORD) + lo.astype(object)


def normalize(hi: np.ndarray, lo: np.ndarray) -> None:
    """Move the carries of ``lo`` (any int64) into ``hi`` in place: then 0 <= lo < 2^32 (the
    floor shift carries negative values down, as two's complement does)."""
    hi += lo >> WORD
    lo &= _MASK


def limbs(M: np.ndarray, s: int) -> tuple[np.ndarray, np.ndarray]:
    """(M_0, M_1) as float64: M = M_1·2^s + M_0, 0 <= M_0 < 2^s, for an int64 matrix M."""
    M = M.astype(np.int64, copy=False)
    return (M & ((1 << s) - 1)).astype(np.float64), (M >> s).astype(np.float64)


def add_product(hi, lo, parts, s: int, Y: np.ndarray, sign: int) -> None:
    """(hi, lo) += sign·(M·Y) in place, exactly, for M given by ``parts`` = limbs(M, s) and a
    float64 integer matrix Y within the caller's bound (module docstring); normalized after."""
    for shift, part in ((0, parts[0]), (s, parts[1])):
        P = dgemm(part, Y).astype(np.int64)  # exact: an integer below 2^53 in size
        if sign < 0:
            np.negative(P, out=P)
        hi += P >> (WORD - shift)
        lo += (P & ((1 << (WORD - shift)) - 1)) << shift
    normalize(hi, lo)


def add_scaled(hi, lo, words: tuple[np.ndarray, np.ndarray], delta: int) -> None:
    """(hi, lo) += delta·w in place for the words w = (w_hi, w_lo) of a matrix with entries
    below 2^62 in size (|w_hi| <= 2^30) and |delta| < 2^30: each product is below 2^62."""
    if delta:
        hi += delta * words[0]
        lo += delta * words[1]
        normalize(hi, lo)


def divide_exact(hi, lo, p: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(hi, lo) / p as normalized words when the prime p < 2^30 divides every value, else None.

    With hi = q_h·p + r_h (0 <= r_h < p) and t = r_h·2^32 + lo < 2^62, t = q_l·p + rem:
    x = p·(q_h·2^32 + q_l) + rem, so p | x exactly when rem = 0, and the quotient is
    q_h·2^32 + q_l (q_l < 2^62 / p, normalized into the words).
    """
    q_hi, r_hi = np.divmod(hi, p)
    t = (r_hi << WORD) + lo
    q_lo, rem = np.divmod(t, p)
    if rem.any():
        return None
    normalize(q_hi, q_lo)
    return q_hi, q_lo


def mod(hi, lo, p: int) -> np.ndarray:
    """The values mod p < 2^30, in [0, p): (hi mod p)·(2^32 mod p) + lo mod p, below 2^61."""
    return ((hi % p) * (pow(2, WORD, p)) + lo % p) % p


def zero_columns(hi, lo) -> np.ndarray:
    """Per column, whether every value in it is 0 (normalized words: both words zero)."""
    return ~(hi.any(axis=0) | lo.any(axis=0))
