"""Matrix products of residues mod a prime p < 2^62, a block of rows at a time.

The contraction of a hierarchical grid over GF(p) (seed 000, eq. 3: Z @ B at every node,
the root's an outer-product-sized 2^(N/2) × r by r × 2^(N/2)) has a short inner dimension
and a large output. Its cost is in passes over the output and in the page faults of fresh
output-sized arrays, not in multiply-adds: here every pass runs on a block of at most
``_BLOCK`` entries held in one scratch buffer, and the only output-sized array is the result.

Two regimes, with u = 2^-53 and a block's dgemm written into float64 scratch:

* ``p < 2^26`` (:func:`exactrank.numbers.residues.is_small`): centered float64 residues
  (|x| <= p/2 + 2) and dgemm on pieces of the inner dimension of at most
  :func:`exactrank.numbers.ple._max_inner` terms, each piece plus the previous centered residue
  below 2^53 (exact in any order of summation), reduced by
  :func:`exactrank.numbers.ple._reduce_rows`.
* larger p: the split product of :mod:`exactrank.numbers.residues`. With bits = bits(p),
  h = ⌈bits/2⌉, the right operand's entries are shifted, b_l = 2^{wl}·b mod p, and cut in
  halves b_l = H_l·2^h + G_l (0 <= H_l, G_l < 2^h); the left operand's in w-bit limbs a_l.
  Then V = Σ a_l·b_l (summed over limbs and the inner dimension) is 2^h·E_hi + E_lo with
  E_hi = Σ a_l H_l, E_lo = Σ a_l G_l, and V ≡ (A @ B)[i, j] (mod p). :func:`_plan` keeps
  every sum of ``terms`` products below 2^51 (so E_hi, E_lo are exact, from one dgemm), and
  :func:`_combine_block` reduces V exactly (its docstring holds the proof).

Integers reach int64 by the *magic number* M = 1.5·2^52: for a float64 x with |x| < 2^51,
fl(x + M) lies in [2^52, 2^53), where float64 spacing is 1, so fl(x + M) = M + rint(x)
(ties to even), and its bits read as an int64 are bits(M) + rint(x). One float add and one
integer operation replace a float-to-int conversion, several times slower.
"""

from __future__ import annotations

import functools

import numpy as np

from . import residues
from .kernels import dgemm
from .ple import _float_residues, _max_inner, _reduce_rows

_BLOCK = 1 << 15  # entries of a block of the product (256 KiB per float64 scratch array)
_SUM_BOUND = 1 << 51  # every dgemm sum below this: exact, and convertible by the magic number
_MAGIC = 1.5 * 2.0**52
_MAGIC_BITS = int(np.array(_MAGIC).view(np.int64))
_WRAP = 1 << 64


def matmul_mod(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    """(A @ B) mod p as int64 residues in [0, p), for int64 residue matrices (entries in
    [0, p)) and a prime p < 2^62."""
    n, k = A.shape
    m = B.shape[1]
    out = np.empty((n, m), dtype=np.int64)
    if n == 0 or m == 0:
        return out
    if k == 0:
        out[...] = 0
        return out
    rows = max(1, _BLOCK // m)
    scratch = np.empty(4 * min(rows, n) * m)  # T (two parts), Z and S of _combine_block
    if residues.is_small(p):
        _small_product(A, B, p, out, rows, scratch)
    else:
        _split_product(A, B, p, out, rows, scratch)
    return out


def _views(scratch: np.ndarray, rows: int, m: int):
    """The scratch buffer as (T (2, rows, m) float64, Z (rows, m) float64, S (rows, m) int64)."""
    size = rows * m
    T = scratch[: 2 * size].reshape(2, rows, m)
    Z = scratch[2 * size : 3 * size].reshape(rows, m)
    S = scratch[3 * size : 4 * size].view(np.int64).reshape(rows, m)
    return T, Z, S


def _small_product(A, B, p: int, out: np.ndarray, rows: int, scratch: np.ndarray) -> None:
    """``out`` = A @ B mod p for p < 2^26 on centered float64 residues (module docstring)."""
    L, R = _float_residues(A, p), _float_residues(B, p, "B")
    k, m = B.shape
    step = _max_inner(p)
    for i in range(0, A.shape[0], rows):
        O = out[i : i + rows]
        (T, _), Z, S = _views(scratch, len(O), m)
        for s in range(0, k, step):
            dgemm(L[i : i + rows, s : s + step], R[s : s + step], out=T)
            if s:
                T += Z  # the previous piece's centered residue: counted by _max_inner
            _reduce_rows(T, Z, p)  # Z in (−p, p): far inside (−2^51, 2^51)
        Z += _MAGIC
        np.subtract(Z.view(np.int64), _MAGIC_BITS, out=O)
        residues._add_p_where_negative(O, S, p)


@functools.lru_cache(maxsize=256)
def _plan(bits: int, k: int) -> tuple[int, int, int, int]:
    """(h, limbs, w, terms) of the split product mod a prime of ``bits`` bits with inner
    dimension k: the fewest pieces of the stacked inner dimension (limbs·k terms, summed
    ``terms`` at a time), then the fewest limbs.

    ``terms`` = ⌊(2^51 − 1) / ((2^w − 1)(2^h − 1))⌋ products of a limb (below 2^w) and a
    half (below 2^h) sum below 2^51. w <= 48 keeps the shifts of :func:`_shifted_halves`
    exact; h = ⌈bits/2⌉ <= 31 with bits <= 62, so w <= 19 always gives terms >= 1.
    """
    h = (bits + 1) // 2
    best = None
    for limbs in range(1, bits + 1):
        w = -(-bits // limbs)
        terms = (_SUM_BOUND - 1) // (((1 << w) - 1) * ((1 << h) - 1))
        if w > 48 or terms < 1:
            continue
        cost = (-(-limbs * k // terms), limbs)
        if best is None or cost < best[0]:
            best = (cost, (h, limbs, w, terms))
    return best[1]


def _shifted_halves(B: np.ndarray, p: int, h: int, limbs: int, w: int) -> np.ndarray:
    """HG (2, limbs·k, m) float64: row l·k + γ of HG[0] (HG[1]) holds H_l[γ] (G_l[γ]), the
    halves of b_l = 2^{wl}·B[γ] mod p.

    b_{j+i} = 2^{wi}·b_j mod p for the shifts wi <= 48 (at least one: w <= 48), all at once:
    with z = fl(fl(b_j)·fl(2^{wi}/p)), |z − 2^{wi}·b_j/p| <= 3.01·u·2^{wi} <= 2^-3, so
    2^{wi}·b_j − rint(z)·p lies in (−p, p) and :func:`exactrank.numbers.residues._reduce_wrapped`
    recovers it from 2^{wi}·b_j modulo 2^64.
    """
    k, m = B.shape
    shifted = np.empty((limbs, k, m), dtype=np.int64)
    shifted[0] = B
    done = 1
    while done < limbs:
        base, count = shifted[done - 1], min(limbs - done, 48 // w)
        shifts, factors = _shift_factors(p, w, count)
        z = base.astype(np.float64) * factors
        shifted[done : done + count] = residues._reduce_wrapped(base << shifts, z, p)
        done += count
    HG = np.empty((2, limbs * k, m))
    HG[0] = (shifted >> h).reshape(limbs * k, m)
    HG[1] = (shifted & ((1 << h) - 1)).reshape(limbs * k, m)
    return HG


@functools.lru_cache(maxsize=256)
def _shift_factors(p: int, w: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The shifts wi and the float64 quotients fl(2^{wi}/p) for i = 1 … count, shaped to
    broadcast against a (k, m) matrix (cached: read-only arrays)."""
    shifts = np.arange(w, w * count + 1, w, dtype=np.int64)[:, None, None]
    factors = np.array([(1 << int(s)) / p for s in shifts.flat])[:, None, None]
    shifts.flags.writeable = factors.flags.writeable = False
    return shifts, factors


def _split_product(A, B, p: int, out: np.ndarray, rows: int, scratch: np.ndarray) -> None:
    """``out`` = A @ B mod p for 2^26 <= p < 2^62 by the split product (module docstring)."""
    k, m = B.shape
    h, limbs, w, terms = _plan(p.bit_length(), k)
    HG = _shifted_halves(B, p, h, limbs, w)
    shifts = np.arange(0, w * limbs, w, dtype=np.int64)[None, :, None]
    constant = _combine_constant(h)
    extra = None
    for i in range(0, A.shape[0], rows):
        O = out[i : i + rows]
        T, Z, S = _views(scratch, len(O), m)
        limbs_i = ((A[i : i + rows, None, :] >> shifts) & ((1 << w) - 1)).reshape(len(O), -1)
        limbs_i = limbs_i.astype(np.float64)
        for s in range(0, limbs * k, terms):
            for half in (0, 1):
                dgemm(limbs_i[:, s : s + terms], HG[half, s : s + terms], out=T[half])
            if not s:
                _combine_block(T, Z, S, O, h, p, constant)
                continue
            extra = np.empty_like(O) if extra is None or extra.shape != O.shape else extra
            _combine_block(T, Z, S, extra, h, p, constant)
            O += extra  # both in [0, p): the sum is below 2p < 2^63
            O -= p
            residues._add_p_where_negative(O, S, p)


def _combine_constant(h: int) -> int:
    """K = −(2^h + 1)·bits(M) modulo 2^64, as an int64 value: what the magic numbers add to
    (hi' << h) + lo' in :func:`_combine_block`."""
    K = (-_MAGIC_BITS * ((1 << h) + 1)) % _WRAP
    return K - _WRAP if K >= 1 << 63 else K


def _combine_block(T, Z, S, O, h: int, p: int, constant: int) -> None:
    """O = (2^h·hi + lo) mod p for T = (hi, lo) (float64 integers, 0 <= hi, lo < 2^51);
    T, Z and S are clobbered.

    V = 2^h·hi + lo < 2^(52+h). The quotient z = fl(fl(hi·fl(2^h/p)) + fl(lo·fl(1/p)))
    has nonnegative terms and five relative roundings: |z − V/p| <= ((1 + u)^5 − 1)·V/p
    < 2^-50.6·V/p, and V/p < 2^(52 + h − (bits − 1)) <= 2^(53.5 − bits/2) <= 2^40 for
    bits >= 27, so the error is below 2^-10 and q = rint(z) has |V/p − q| < 1: V − q·p lies
    in (−p, p), as :func:`exactrank.numbers.residues._reduce_wrapped` needs. V itself is known
    modulo 2^64: with the magic number, hi' = bits(M) + hi and lo' = bits(M) + lo as int64,
    and V = (hi' << h) + lo' + K (mod 2^64) with K = −(2^h + 1)·bits(M) (``constant``).
    """
    hi, lo = T
    F = S.view(np.float64)
    np.multiply(hi, (1 << h) / p, out=Z)
    np.multiply(lo, 1.0 / p, out=F)
    Z += F
    T += _MAGIC
    Ti = T.view(np.int64)
    np.left_shift(Ti[0], h, out=O)  # modulo 2^64
    O += Ti[1]
    O += constant
    residues._reduce_wrapped(O, Z, p, S)
