"""Exact integer array arithmetic that never wraps.

numpy's int64 wraps silently on overflow, so every operation here is preceded by a proven
magnitude bound, and the bound picks the storage:

* ``float64`` holding integers, while every value and every partial sum stays below 2**53:
  then BLAS matrix products are exact (each product and each partial sum is an integer
  that float64 represents exactly, whatever the summation order);
* ``int64`` below 2**62;
* ``object`` arrays of Python integers beyond that (slow, unbounded, always correct).

Products that exceed 2**53 are still computed with BLAS by splitting the operands into
limbs of a few bits and recombining the exact partial products in int64 or Python integers.
"""

from __future__ import annotations

import numpy as np

FLOAT_EXACT = 2**53
_LIMBED_BITS = 1024  # products past this many bits: Python integers, not float64 limbs
INT64_SAFE = 2**62


def storage_for(bound: int):
    """The cheapest dtype that holds every integer of magnitude at most ``bound`` exactly."""
    if bound < FLOAT_EXACT:
        return np.float64
    if bound < INT64_SAFE:
        return np.int64
    return object


def to_storage(X: np.ndarray, dtype) -> np.ndarray:
    """Convert an array of integers (held in any storage) to ``dtype`` without loss.

    The caller guarantees that ``dtype`` can hold the values (see :func:`storage_for`).
    float64 goes through int64 on its way to Python integers, because ``astype(object)``
    of a float array would give Python floats.
    """
    if X.dtype == dtype:
        return X
    if dtype is object:
        if X.dtype == np.float64:
            X = X.astype(np.int64)
        return X.astype(object)
    if X.dtype == object:
        return np.array(X.tolist(), dtype=dtype).reshape(X.shape) if X.size else X.astype(dtype)
    return X.astype(dtype)


_STORAGES = (np.float64, np.int64, object)


def align(arrays, bound: int) -> list[np.ndarray]:
    """The arrays in one common storage, wide enough for each of them and for ``bound``.

    Mixing storages in one numpy operation is unsafe (float64 with int64 gives float64,
    which rounds integers above 2**53), so operands are converted together; never narrowed.
    """
    widest = max(
        [_STORAGES.index(storage_for(bound))]
        + [_STORAGES.index(X.dtype.type if X.dtype != object else object) for X in arrays]
    )
    return [to_storage(X, _STORAGES[widest]) for X in arrays]


def max_abs(X: np.ndarray) -> int:
    """The exact maximum absolute value of an integer array, as a Python int (0 if empty)."""
    if X.size == 0:
        return 0
    if X.dtype.kind == "u":
        return int(X.max())
    # np.abs would allocate a copy (and wrap at -2**63); on Python integers (object arrays)
    # min and max compare without allocating, several times faster than abs of each
    lo, hi = int(X.min()), int(X.max())
    return max(-lo, hi)


def column_abs_sums(B: np.ndarray) -> int:
    """max over columns c of sum_k |B[k, c]|: with max|A| it bounds every entry of A @ B."""
    if B.size == 0:
        return 0
    if B.dtype == object:
        return int(max(sum(abs(int(v)) for v in column) for column in B.T))
    if B.dtype.kind in "iu":
        # Column sums of |B| in Python ints: int64 sums of large entries could wrap.
        if max_abs(B) * B.shape[0] < INT64_SAFE:
            return int(np.abs(B).sum(axis=0).max())
        return column_abs_sums(B.astype(object))
    return int(np.abs(B).sum(axis=0).max())


_ONE_THREAD_PRODUCT = 1 << 18  # OpenBLAS runs a dgemm of at most this m·n·k on one thread
_BLOCKED_PRODUCT = 1 << 24  # products up to this many multiply-adds run in such blocks


def dgemm(A: np.ndarray, B: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """A @ B for float64 matrices (into ``out`` if given), small products kept off BLAS
    threads.

    A product of at most _BLOCKED_PRODUCT multiply-adds (a few milliseconds) runs in blocks
    of rows of at most _ONE_THREAD_PRODUCT, which OpenBLAS computes on the calling thread:
    when the machine's cores are busy, waking BLAS threads for such a product costs tens of
    milliseconds (measured on 2 busy cores: a hierarchical grid over GF(2^61 − 1), 3 ms
    with OPENBLAS_NUM_THREADS=1 and 70 ms without). Larger products go to BLAS whole.
    """
    n, k = A.shape
    m = B.shape[1]
    if n * k * m <= _ONE_THREAD_PRODUCT or n * k * m > _BLOCKED_PRODUCT:
        return np.matmul(A, B, out=out)
    rows = max(1, _ONE_THREAD_PRODUCT // max(1, k * m))
    out = np.empty((n, m)) if out is None else out
    for start in range(0, n, rows):
        np.matmul(A[start : start + rows], B, out=out[start : start + rows])
    return out


def _split_limbs(X: np.ndarray, width: int, count: int) -> list[np.ndarray]:
    """X = sum_l limbs[l] * 2**(width*l), as float64 limbs of magnitude at most 2**width.

    Every limb but the last lies in [0, 2**width); the last carries the sign (arithmetic
    shifts floor towards minus infinity, for int64 and Python integers alike).
    """
    if X.dtype == np.float64:
        X = X.astype(np.int64)
    mask = (1 << width) - 1
    limbs = []
    for _ in range(count - 1):
        limbs.append(to_storage(X & mask, np.float64))
        X = X >> width
    limbs.append(to_storage(X, np.float64))
    return limbs


def exact_matmul(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, int]:
    """The exact integer product ``A @ B`` and a proven bound on its entries.

    ``A`` and ``B`` are 2-D integer arrays in any of the three storages. The result comes
    back in the storage its bound requires. Bound: max|A| * max_c sum_k |B[k, c]|, which
    also bounds every partial sum, so float64 BLAS is exact below 2**53.
    """
    if 0 in A.shape or 0 in B.shape:  # nothing to multiply: casting B could overflow
        return np.zeros((A.shape[0], B.shape[1]), dtype=np.int64), 0
    a_max, b_colsum = max_abs(A), column_abs_sums(B)
    bound = a_max * b_colsum
    if bound == 0:  # a zero factor: casting the other to float64 could overflow
        return np.zeros((A.shape[0], B.shape[1]), dtype=np.int64), 0
    if bound.bit_length() > _LIMBED_BITS:  # hundreds of limb passes cost more than bigints
        return to_storage(A, object).dot(to_storage(B, object)), bound
    out_dtype = storage_for(bound)
    if bound < FLOAT_EXACT:
        C = to_storage(A, np.float64) @ to_storage(B, np.float64)
        return C, bound
    a_bits, b_bits = a_max.bit_length(), b_colsum.bit_length()
    # Split A into limbs of a_width bits and B into limbs of b_width bits so that every
    # partial product stays below 2**53: |A_l| <= 2**a_width, colsum|B_m| <= k * 2**b_width.
    k_bits = max(1, B.shape[0]).bit_length()
    if b_bits <= 26:
        b_width, b_count = b_bits, 1
        a_width = 52 - b_bits
    else:
        a_width = b_width = (52 - k_bits) // 2
        b_count = -(-max_abs(B).bit_length() // b_width)
    a_count = max(1, -(-a_bits // a_width))
    A_limbs = _split_limbs(to_storage(A, object) if A.dtype == object else A, a_width, a_count)
    B_limbs = (
        [to_storage(B, np.float64)]
        if b_count == 1
        else _split_limbs(B if B.dtype != np.float64 else B.astype(np.int64), b_width, b_count)
    )
    C = np.zeros((A.shape[0], B.shape[1]), dtype=np.int64 if out_dtype is np.int64 else object)
    for i, A_l in enumerate(A_limbs):
        for j, B_m in enumerate(B_limbs):
            partial = A_l @ B_m
            if not partial.any():
                continue
            shift = a_width * i + b_width * j
            if out_dtype is np.int64:
                C += partial.astype(np.int64) << shift
            else:
                C += partial.astype(np.int64).astype(object) * (1 << shift)
    return C, bound


def reduce_mod(X: np.ndarray, p: int) -> np.ndarray:
    """Residues of an integer array in [0, p), as int64 when p fits (object otherwise)."""
    if X.dtype == np.float64:
        X = X.astype(np.int64)
    if p >= INT64_SAFE and X.dtype != object:
        X = to_storage(X, object)  # p itself does not fit a machine integer
    R = np.mod(X, p)
    if p < INT64_SAFE and R.dtype == object:
        return to_storage(R, np.int64)
    return R
