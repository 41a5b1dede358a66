"""Arrays of residues modulo a prime p < 2^62 on float64 BLAS: products, sums, matrix products.

Residues are int64 arrays with values in [0, p). Every operation is exact (matrix products
are in :mod:`exactrank.numbers.residue_products`); two regimes:

* ``p < 2^SMALL_PRIME_BITS`` (2^26): the float64 kernels of :mod:`exactrank.numbers.ple`
  (centered residues of magnitude at most p/2 + 2, dgemm on pieces of the inner dimension
  short enough that every partial sum stays below 2^53, reduction by a rounded quotient).
  A product of two residues is below 2^52, so elementwise products are exact in float64 too.
* larger p: the *split product*. With h = ⌈bits(p)/2⌉ a residue b is b = H·2^h + G
  (0 <= G < 2^h, 0 <= H < 2^h), and the other factor is cut into limbs of w bits,
  a = Σ_l a_l 2^{wl} (0 <= a_l < 2^w). With b_l = 2^{wl}·b mod p (reduced beforehand, on
  the right operand of a matrix product: the small one in the grids),

      a·b ≡ 2^h·E_hi + E_lo (mod p),  E_hi = Σ_l a_l H_l,  E_lo = Σ_l a_l G_l,

  and the same for a matrix product, where the sums also run over the inner dimension. A sum
  of K terms is below K·(2^w − 1)(2^h − 1), kept below 2^53 (:func:`_plan`), so dgemm
  computes E_hi and E_lo exactly in any summation order. :func:`_combine` then reduces
  V = 2^h·E_hi + E_lo (below 2^(54+h)) with a float64 quotient and int64 arithmetic modulo
  2^64 (see there for the proof that nothing is lost).

The int64 operations of :func:`_reduce_wrapped` wrap modulo 2^64 on purpose: the exact
result is known to lie in (−p, p), an interval of int64, so its value modulo 2^64 *is* it.
That is the only place where anything wraps, and its bound is proven there.
"""

from __future__ import annotations

import math

import numpy as np

from .kernels import dgemm
from .ple import (
    _float_residues,
    _max_inner,
    _reduce_rows,
    _reduce_vec,
    _scratch_buffer,
    _sub_matmul,
    _to_int,
)

SMALL_PRIME_BITS = 26
"""Primes below 2^SMALL_PRIME_BITS use the kernels of :mod:`exactrank.numbers.ple`: products of
centered residues are at most about 2^50, so dgemm sums seven or more of them exactly
between reductions (:func:`exactrank.numbers.ple._max_inner`; longer sums are cut there)."""

RESIDUE_PRIME_BOUND = 1 << 62
"""Residue arrays here need p below this (:func:`_combine` needs (−p, p) inside int64, with
room for one more p)."""

_EXACT = 1 << 53  # float64 holds every integer below this
_BLOCK = 1 << 17  # entries of a block of a product reduced at once (1 MiB)
_OBJECT_ENTRIES = 256  # elementwise products this small run faster on Python integers


def is_small(p: int) -> bool:
    """Whether ``p`` takes the float64 kernels of :mod:`exactrank.numbers.ple`."""
    return p < 1 << SMALL_PRIME_BITS


def residues(X: np.ndarray, p: int) -> np.ndarray:
    """An integer array (int64, float64 holding integers, or Python integers) mod p, int64."""
    if X.dtype == object:
        return np.array([int(v) % p for v in X.flat], dtype=np.int64).reshape(X.shape)
    return np.mod(X.astype(np.int64, copy=False), p)


def add_mod(a: np.ndarray, b: np.ndarray, p: int) -> np.ndarray:
    """(a + b) mod p elementwise (broadcasting). a + b < 2p < 2^63: no wrapping."""
    if np.ndim(a) == np.ndim(b) == 0:
        return add_mod(np.reshape(a, 1), np.reshape(b, 1), p).reshape(())
    s = np.add(a, b)
    s -= p
    np.add(s, p, out=s, where=s < 0)
    return s


def mul_mod(a: np.ndarray, b: np.ndarray, p: int) -> np.ndarray:
    """(a · b) mod p elementwise (broadcasting), for residue arrays a and b."""
    if np.ndim(a) == np.ndim(b) == 0:
        return mul_mod(np.reshape(a, 1), np.reshape(b, 1), p).reshape(())
    if is_small(p):
        x = np.multiply(a, b, dtype=np.float64)  # below p^2 < 2^52: exact
        _reduce_vec(x, p)  # centered, |x| <= p/2 + 2 < p
        return _to_int(x, p)
    if math.prod(np.broadcast_shapes(np.shape(a), np.shape(b))) <= _OBJECT_ENTRIES:
        return (np.multiply(a, b, dtype=object) % p).astype(np.int64)  # Python integers
    w, h, limbs, _ = _plan(p)
    H, G = _shifted_halves(np.asarray(b), p, w, h, limbs)  # (limbs, *b.shape)
    A = _limbs(np.asarray(a), w, limbs, axis=0)  # (limbs, *a.shape)
    # each term below 2^(w+h) <= 2^47 and `limbs` <= 4 of them: the sums are exact
    return _combine(np.einsum("l...,l...->...", A, H), np.einsum("l...,l...->...", A, G), h, p)


def centered_product(left: np.ndarray, right: np.ndarray, p: int) -> np.ndarray:
    """left @ right mod p, centered float64 residues, for integer matrices (any storage).

    One dgemm writes the product into the result, which is then reduced in place a block
    of rows (about _BLOCK entries) at a time through a small scratch copy: only the result
    is a full array. (Many small dgemms instead of one stall multithreaded BLAS on a busy
    machine: measured 0.05 s against 0.28 s for a 2^10 × 8 × 2^10 product.)
    """
    L, R = _float_residues(left, p), _float_residues(right, p, "B")
    if L.shape[1] > _max_inner(p):
        C = np.zeros((L.shape[0], R.shape[1]))
        _sub_matmul(C, L, -R, p, _scratch_buffer(R.shape[1]))  # C − L·(−R)
        return C
    C = dgemm(L, R)  # |entries| <= inner·(p/2 + 2)^2 < 2^53: exact
    rows = max(1, _BLOCK // max(1, R.shape[1]))
    buffer = np.empty(min(rows, L.shape[0]) * R.shape[1])
    for start in range(0, L.shape[0], rows):
        block = C[start : start + rows]
        T = buffer[: block.size].reshape(block.shape)
        np.copyto(T, block)
        _reduce_rows(T, block, p)
    return C


def _plan(p: int) -> tuple[int, int, int, int]:
    """(w, h, limbs, terms) of the split product mod p (see the module docstring).

    h = ⌈bits/2⌉ halves the residue b. Limbs of at most 47 − h bits make a term a_l·H_l
    below 2^(w+h) <= 2^47; their number ``limbs`` is then spread evenly, w = ⌈bits/limbs⌉,
    which keeps w·(limbs − 1) <= 48 for every bits <= 62 (the bound :func:`_shifted_halves`
    needs). ``terms`` = ⌊(2^53 − 1) / ((2^w − 1)(2^h − 1))⌋ >= 64 terms sum exactly.
    """
    bits = p.bit_length()
    h = (bits + 1) // 2
    limbs = -(-bits // max(1, min(bits, 47 - h)))
    w = -(-bits // limbs)
    terms = (_EXACT - 1) // (((1 << w) - 1) * ((1 << h) - 1))
    return w, h, limbs, terms


def _limbs(a: np.ndarray, w: int, limbs: int, axis: int) -> np.ndarray:
    """The w-bit limbs of the residues ``a`` (0 <= a_l < 2^w) as float64, stacked on a new
    ``axis`` (limb l at index l)."""
    shifts = np.arange(0, w * limbs, w, dtype=np.int64).reshape((-1,) + (1,) * (a.ndim - axis))
    a = a.reshape(a.shape[:axis] + (1,) + a.shape[axis:])
    return ((a >> shifts) & ((1 << w) - 1)).astype(np.float64)


def _shifted_halves(b: np.ndarray, p: int, w: int, h: int, limbs: int):
    """(H, G), float64 of shape (limbs, *b.shape): the halves b_l = H_l·2^h + G_l of
    b_l = 2^{wl}·b mod p for l = 0 … limbs−1.

    2^{wl}·b < 2^{wl}·p, so z = fl(fl(b)·fl(2^{wl}/p)) is within 3·2^-53·2^{wl} <= 3·2^-5 of
    2^{wl}·b/p (wl <= 48, :func:`_plan`), and (2^{wl}·b) − rint(z)·p lies in (−p, p):
    :func:`_reduce_wrapped` applies.
    """
    shifts = np.arange(0, w * limbs, w, dtype=np.int64).reshape((-1,) + (1,) * b.ndim)
    factors = np.array([(1 << int(s)) / p for s in shifts.flat]).reshape(shifts.shape)
    shifted = _reduce_wrapped(b[None] << shifts, b.astype(np.float64)[None] * factors, p)
    return (shifted >> h).astype(np.float64), (shifted & ((1 << h) - 1)).astype(np.float64)


def _combine(hi: np.ndarray, lo: np.ndarray, h: int, p: int) -> np.ndarray:
    """(2^h·hi + lo) mod p for float64 integers 0 <= hi, lo < 2^53, as int64 residues
    (``hi`` and ``lo`` are clobbered: on a large result every new array costs its page
    faults, so the work is done in place in two int64 arrays).

    Let V = 2^h·hi + lo < 2^(54+h) and bits = bits(p) >= 27, h = ⌈bits/2⌉. The quotient
    z = fl(fl(hi·fl(2^h/p)) + fl(lo·fl(1/p))) has only nonnegative terms, so each of the
    five roundings is relative: |z − V/p| <= ((1 + 2^-53)^5 − 1)·V/p < 2^-50.6·V/p, and
    V/p < 2^(54 + h − bits + 1) <= 2^(55.5 − bits/2) <= 2^42, so the error is below 2^-8.
    Hence q = rint(z) has |V/p − q| < 1/2 + 2^-8 and V − q·p lies in (−p, p).
    """
    V = hi.astype(np.int64)
    V <<= h  # modulo 2^64 (see _reduce_wrapped)
    scratch = lo.astype(np.int64)
    V += scratch
    hi *= (1 << h) / p
    lo *= 1.0 / p
    hi += lo
    return _reduce_wrapped(V, hi, p, scratch)


def _reduce_wrapped(V: np.ndarray, z: np.ndarray, p: int, scratch=None) -> np.ndarray:
    """The residue of integers known modulo 2^64 (``V``, int64, clobbered) and nearly as
    fractions of p (``z``, float64, clobbered): the caller proves that the true integer
    minus rint(z)·p lies in (−p, p) for p < 2^62. Then the int64 arithmetic below, exact
    modulo 2^64, gives exactly that number (it is an int64), and adding p to the negative
    ones gives the residue in [0, p). ``scratch``: an int64 array of V's shape to clobber.
    """
    np.rint(z, out=z)  # |z| < 2^43: the quotient is an exact float64 integer
    if scratch is None:
        q = z.astype(np.int64)
    else:
        q = scratch
        np.copyto(q, z, casting="unsafe")
    q *= p  # modulo 2^64
    V -= q
    _add_p_where_negative(V, q, p)
    return V


def _add_p_where_negative(X: np.ndarray, scratch: np.ndarray, p: int) -> None:
    """X += p where X < 0, in place, for int64 X in (−p, p) (``scratch`` clobbered)."""
    np.right_shift(X, 63, out=scratch)  # −1 where X < 0, else 0
    scratch &= p
    X += scratch
