"""Arithmetic modulo a prime p < 2^23 on float64 BLAS, and the PLE decomposition on it.

The engine behind :mod:`exactrank.linalg.modular`'s small primes. Residues live in float64 arrays,
*centered* (|x| <= p/2 + 2); a product of such matrices with inner dimension k, minus one
more residue, has partial sums of magnitude at most k·(p/2 + 2)² + p/2 + 2, kept below
2^53 by cutting k (:func:`_max_inner`), so that dgemm computes it exactly whatever its
order of summation, and each result is reduced by a rounded quotient (:func:`_reduce_rows`).
On these products runs a recursive PLE decomposition (row echelon form ``E`` and a unit
lower triangular ``L``, Jeannerod-Pernet-Storjohann style): panels of ``_PANEL_COLS``
columns eliminated column by column, the rest by blocked products and triangular solves
through explicit inverses of at most ``_TRIANGLE_ROWS`` rows.

Also here: integer inputs reduced to residues in [0, p) (:func:`_residues`), which both
paths of :mod:`exactrank.linalg.modular` use.

It implements no paper result: modular arithmetic on floating-point BLAS, and the PLE decomposition
after Jeannerod, Pernet & Storjohann.
"""

from __future__ import annotations

import operator

import numpy as np

from .kernels import dgemm

_INT64_BOUND = 1 << 63  # residues below this fit in int64
_EXACT_BOUND = 1 << 53  # every integer of magnitude below this is a float64
_PANEL_COLS = 16  # the PLE recursion eliminates panels this narrow column by column
_TRIANGLE_ROWS = 64  # triangular solves this small go through an explicit inverse
_REDUCE_BLOCK = 1 << 15  # elements per chunk of a reduction, so that the chunk stays in cache
_PRODUCT_BLOCK = 1 << 21  # elements of scratch space for products: 16 MiB, whatever the size


def _residue_dtype(p: int) -> type:
    return np.int64 if p < _INT64_BOUND else object


def _residues(A: np.ndarray, p: int, name: str = "A") -> np.ndarray:
    """``A`` reduced mod ``p``: int64 in [0, p), or Python ints (object) if p >= 2**63."""
    if A.dtype.kind == "O":
        flat = A.ravel().tolist()
        if set(map(type, flat)) - {int}:  # the common case, all Python ints, checked in C
            flat = [_integer(x, name) for x in flat]
        flat = [x % p for x in flat]
        return np.array(flat, dtype=_residue_dtype(p)).reshape(A.shape)
    if p >= _INT64_BOUND:
        return np.mod(A.astype(object), p)
    if A.size and A.min() >= 0 and A.max() < p:
        return A.astype(np.int64, copy=False)
    if A.dtype == np.uint64:
        return np.mod(A, np.uint64(p)).astype(np.int64)
    return np.mod(A.astype(np.int64), p)


def _integer(x, name: str) -> int:
    """An entry of an object array as a Python int; floats and fractions are refused."""
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(
            f"{name} must hold integers, got an entry {x!r} of type {type(x).__name__}"
        ) from None


# --------------------------------------------------------------------------- float kernels
#
# Residues live in float64 arrays, centered: |x| <= _bound(p). A product of such matrices
# with inner dimension k, minus one more residue, has partial sums of magnitude at most
# k * _bound(p)**2 + _bound(p), kept below _budget(p) <= 2**53 by splitting k
# (_max_inner), so that dgemm computes it exactly whatever its order of summation.


def _budget(p: int) -> int:
    """Largest magnitude (exclusive) an integer may reach before it is reduced mod ``p``.

    2**53 keeps integers exact; below p = 5 it is lowered so that :func:`_reduce_rows`
    rounds exactly (see there).
    """
    return _EXACT_BOUND if p >= 5 else _EXACT_BOUND >> 3


def _bound(p: int) -> int:
    """Largest magnitude of a residue after :func:`_reduce_rows` (see there)."""
    return p // 2 + 2


def _max_inner(p: int) -> int:
    """Longest inner dimension of an exact product of residues plus one residue."""
    h = _bound(p)
    return (_budget(p) - 1 - h) // (h * h)


def _float_residues(A: np.ndarray, p: int, name: str = "A") -> np.ndarray:
    """Integers ``A`` mod ``p`` as a C-contiguous float64 array of centered residues.

    Integers below the budget convert exactly and are reduced in floating point, which is
    much faster than an int64 ``np.mod``; others are reduced as integers first.
    """
    small = A.dtype.kind in "biu" and (A.size == 0 or max(-int(A.min()), int(A.max())) < _budget(p))
    if not small:
        A = _residues(A, p, name)
    W = np.empty(A.shape)
    step = max(1, _REDUCE_BLOCK // max(1, A.shape[1]))
    for i in range(0, A.shape[0], step):
        chunk = A[i : i + step].astype(np.float64)
        _reduce_rows(chunk, W[i : i + step], p)
    return W


def _to_int(W: np.ndarray, p: int) -> np.ndarray:
    """Centered float64 residues as int64 residues in [0, p) (``W`` is clobbered).

    ``|W| < p`` (see :func:`_reduce_rows`), so adding ``p`` to the negative entries is enough.
    """
    np.add(W, p, out=W, where=W < 0)
    return W.astype(np.int64)


def _reduce_rows(T: np.ndarray, out: np.ndarray, p: int) -> None:
    """``out = T mod p``, centered, for integers ``|T| < _budget(p)``; clobbers ``T``.

    With ``q = rint(T * fl(1/p))`` the two roundings put ``T * fl(1/p)`` within
    ``|T|/p * 2**-52`` of ``T/p``. For ``|T| < 2**53`` that is below ``2/p``, so
    ``|T - q p| <= p/2 + 2`` (:func:`_bound`), which is below ``p`` when ``p >= 5``: a
    residue is zero mod p exactly when it is 0. For p = 2 the quotient is exact, and for
    p = 3 the budget 2**50 makes the error below 1/12, so residues are in {-1, 0, 1}.
    ``T - q p`` is exact: ``q p`` and the result are integers below 2**53. Works in row
    chunks that stay in cache.
    """
    pinv = 1.0 / p
    step = max(1, _REDUCE_BLOCK // max(1, T.shape[1]))
    for i in range(0, T.shape[0], step):
        t, o = T[i : i + step], out[i : i + step]
        np.multiply(t, pinv, out=o)
        np.rint(o, out=o)
        o *= -p
        o += t


def _reduce_vec(v: np.ndarray, p: int) -> None:
    """In-place centered reduction of a 1-D array (see :func:`_reduce_rows`)."""
    q = np.rint(v * (1.0 / p))
    q *= p
    v -= q


def _scratch_buffer(cols: int) -> np.ndarray:
    """Scratch space for products with up to ``cols`` columns (at least one row of them)."""
    return np.empty(max(_PRODUCT_BLOCK, cols))


def _scratch(buf: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """A C-contiguous ``rows x cols`` view on the flat scratch buffer ``buf``."""
    return buf[: rows * cols].reshape(rows, cols)


def _sub_matmul(C: np.ndarray, A: np.ndarray, B: np.ndarray, p: int, buf: np.ndarray) -> None:
    """``C = (C - A @ B) mod p`` in place, exactly, on centered residues.

    The inner dimension is cut into pieces of at most :func:`_max_inner`. The product is
    formed a block of rows at a time in the scratch buffer ``buf`` (of
    :func:`_scratch_buffer`), which bounds the memory used whatever the size of ``C``.
    """
    m, k = A.shape
    n = B.shape[1]
    if m == 0 or n == 0 or k == 0:
        return
    step = _max_inner(p)
    rows = max(1, len(buf) // n)
    for i in range(0, m, rows):
        Ci, Ai = C[i : i + rows], A[i : i + rows]
        T = _scratch(buf, len(Ci), n)
        for s in range(0, k, step):
            dgemm(Ai[:, s : s + step], B[s : s + step], out=T)
            np.subtract(Ci, T, out=T)
            _reduce_rows(T, Ci, p)


def _reduced(X: np.ndarray, p: int) -> np.ndarray:
    """A new array ``X mod p`` (centered); for small matrices."""
    out = np.empty_like(X)
    _reduce_rows(X.copy(), out, p)
    return out


def _centered_inverse(x: float, p: int) -> float:
    """The inverse of the nonzero residue ``x`` mod ``p``, as a centered float."""
    inv = pow(int(x) % p, -1, p)
    return float(inv - p if inv > p // 2 else inv)


def _unit_lower_inverse(L: np.ndarray, p: int) -> np.ndarray:
    """Inverse mod ``p`` of the unit lower triangular matrix whose strict lower part is L's.

    With ``N`` that strict lower part (nilpotent), ``(I + N)^-1 = (I - N)(I + N^2)(I + N^4)...``
    up to the first zero power: about 2 log2(r) small products, no loop over rows.
    """
    N = np.tril(L, -1)
    inv = np.eye(len(L)) - N
    power = N
    while True:
        power = _reduced(power @ power, p)
        if not power.any():
            return inv
        inv = _reduced(inv + inv @ power, p)


def _upper_inverse(U: np.ndarray, p: int) -> np.ndarray:
    """Inverse mod ``p`` of the upper triangular ``U`` (nonzero diagonal).

    ``U = D (I + M)`` with ``D`` its diagonal and ``M = D^-1 U - I`` strictly upper, so
    ``U^-1 = (I + M)^-1 D^-1``, where ``(I + M)^-1`` is a transposed unit lower inverse.
    """
    d_inv = np.array([_centered_inverse(x, p) for x in np.diagonal(U)])
    M = _reduced(np.triu(U, 1) * d_inv[:, None], p)
    return _reduced(_unit_lower_inverse(M.T, p).T * d_inv, p)


def _apply_inverse(T_inv: np.ndarray, B: np.ndarray, p: int, buf: np.ndarray) -> None:
    """``B = T_inv @ B mod p`` in place, a block of columns at a time in the scratch ``buf``.

    ``T_inv`` has at most _TRIANGLE_ROWS rows, a width the exact products allow.
    """
    r, n = B.shape
    cols = max(1, len(buf) // r)
    for j in range(0, n, cols):
        Bj = B[:, j : j + cols]
        T = _scratch(buf, r, Bj.shape[1])
        dgemm(T_inv, Bj, out=T)
        _reduce_rows(T, Bj, p)


def _trsm_unit_lower(L: np.ndarray, B: np.ndarray, p: int, buf: np.ndarray) -> None:
    """``B = L^-1 B mod p`` in place, for ``L`` unit lower triangular.

    Only the strict lower triangle of ``L`` is read (its diagonal and upper part may hold
    anything: it is the compact L\\E storage). Recursive, so that most of the work is
    :func:`_sub_matmul`; small blocks use an explicit inverse.
    """
    r = L.shape[0]
    if r <= _TRIANGLE_ROWS:
        _apply_inverse(_unit_lower_inverse(L, p), B, p, buf)
        return
    h = r // 2
    _trsm_unit_lower(L[:h, :h], B[:h], p, buf)
    _sub_matmul(B[h:], L[h:, :h], B[:h], p, buf)
    _trsm_unit_lower(L[h:, h:], B[h:], p, buf)


def _trsm_upper(U: np.ndarray, B: np.ndarray, p: int, buf: np.ndarray) -> None:
    """``B = U^-1 B mod p`` in place, for ``U`` upper triangular with nonzero diagonal.

    Only the upper triangle of ``U`` is read.
    """
    r = U.shape[0]
    if r <= _TRIANGLE_ROWS:
        _apply_inverse(_upper_inverse(U, p), B, p, buf)
        return
    h = r // 2
    _trsm_upper(U[h:, h:], B[h:], p, buf)
    _sub_matmul(B[:h], U[:h, h:], B[h:], p, buf)
    _trsm_upper(U[:h, :h], B[:h], p, buf)


# --------------------------------------------------------------------------- PLE


def _swap_rows(A: np.ndarray, i: int, j: int) -> None:
    A[[i, j]] = A[[j, i]]


def _apply_panel_pivots(x: np.ndarray, Lp: np.ndarray, Linv: np.ndarray, t: int, p: int) -> None:
    """Bring column ``x`` of a panel up to date with the panel's first ``t`` pivots.

    Left-looking: the entries on the ``t`` pivot rows become ``E = L11^-1 x[:t]`` and the
    entries below lose ``L21 E``, two matrix-vector products (``Linv`` is ``L11^-1``).
    """
    u = Linv[:t, :t] @ x[:t]
    _reduce_vec(u, p)
    x[:t] = u
    y = x[t:] - Lp[t:, :t] @ u
    _reduce_vec(y, p)
    x[t:] = y


def _column_major_copy(block: np.ndarray) -> np.ndarray:
    """A Fortran-ordered copy of a narrow block of long rows.

    Copying the rows first and transposing the compact copy is several times faster than
    ``np.asfortranarray``, which gathers one column at a time across the long rows.
    """
    return np.ascontiguousarray(np.array(block).T).T  # np.array always copies: S never aliases W


def _ple_panel(
    W: np.ndarray, perm: np.ndarray, pivots: list[int], r0: int, c0: int, c1: int, p: int
) -> int:
    """Base case of :func:`_ple`: eliminate the narrow panel ``W[r0:, c0:c1]`` column by column.

    The panel is copied to column-major storage, where a column is contiguous. Each column
    is first updated with the panel's earlier pivots (left-looking, matrix-vector products
    against the multipliers ``Lp`` and the inverse ``Linv`` of their unit lower triangle), then
    searched for its first nonzero entry below the pivot rows; a column without one is
    skipped. The pivot row is swapped into place in whole rows of ``W`` (and in ``perm``)
    and the entries below it become its multipliers. Once every row is a pivot row the
    remaining columns still get their echelon entries.
    """
    block = W[r0:, c0:c1]
    if not block.any():
        return 0
    S = _column_major_copy(block)
    m, w = S.shape
    Lp = np.zeros((m, w), order="F")
    Linv = np.zeros((w, w))
    t = 0
    for j in range(w):
        x = S[:, j]
        if t:
            _apply_panel_pivots(x, Lp, Linv, t, p)
        nonzero = np.flatnonzero(x[t:])
        if nonzero.size == 0:
            continue
        if nonzero[0]:
            i = t + int(nonzero[0])
            for A in (S, Lp):
                _swap_rows(A, t, i)
            _swap_rows(W, r0 + t, r0 + i)
            _swap_rows(perm, r0 + t, r0 + i)
        below = x[t + 1 :] * _centered_inverse(x[t], p)
        _reduce_vec(below, p)
        x[t + 1 :] = below
        Lp[t + 1 :, t] = below
        if t:
            row = Lp[t, :t] @ Linv[:t, :t]
            _reduce_vec(row, p)
            Linv[t, :t] = -row
        Linv[t, t] = 1.0
        pivots.append(c0 + j)
        t += 1
    block[...] = S
    return t


def _pivot_columns(W: np.ndarray, r0: int, cols: list[int], buf: np.ndarray) -> np.ndarray:
    """``W[r0:, cols]``: a view if the columns are consecutive, else a copy into ``buf``."""
    if cols[-1] - cols[0] == len(cols) - 1:
        return W[r0:, cols[0] : cols[-1] + 1]
    L = _scratch(buf, W.shape[0] - r0, len(cols))
    np.take(W[r0:], np.array(cols), axis=1, out=L)
    return L


def _ple(
    W: np.ndarray,
    perm: np.ndarray,
    pivots: list[int],
    r0: int,
    c0: int,
    c1: int,
    p: int,
    bufs: tuple[np.ndarray, np.ndarray],
) -> int:
    """Row echelon form of ``W[r0:, c0:c1]`` in place; returns its rank mod ``p``.

    Recursive on columns: eliminate the left half, apply its transformation to the right
    half (a unit lower triangular solve on the new pivot rows and one matrix product on the
    rows below), then eliminate what is left of the right half below the new pivot rows.
    On return, rows ``r0 .. r0+rank-1`` are the pivot rows, holding the echelon form ``E``;
    below each pivot, its column holds the multipliers ``L`` (unit lower triangular, stored
    compactly in the pivot columns), so that ``W[r0:, c0:c1]`` before = ``L E`` after the row
    swaps recorded in ``perm``. Pivot columns are appended to ``pivots`` in increasing order.
    Row swaps act on whole rows of ``W``, which keeps the multipliers of earlier columns and
    the not yet updated later columns consistent. ``bufs`` are two scratch buffers, for
    gathered multipliers and for products.
    """
    if r0 == W.shape[0] or c0 == c1:
        return 0
    if c1 - c0 <= _PANEL_COLS:
        return _ple_panel(W, perm, pivots, r0, c0, c1, p)
    mid = (c0 + c1) // 2
    r1 = _ple(W, perm, pivots, r0, c0, mid, p, bufs)
    if r1:
        L = _pivot_columns(W, r0, pivots[-r1:], bufs[0])
        top = W[r0 : r0 + r1, mid:c1]
        _trsm_unit_lower(L[:r1], top, p, bufs[1])
        _sub_matmul(W[r0 + r1 :, mid:c1], L[r1:], top, p, bufs[1])
    return r1 + _ple(W, perm, pivots, r0 + r1, mid, c1, p, bufs)


def _float_rank_profile(A: np.ndarray, p: int) -> tuple[list[int], list[int]]:
    """Pivot rows and columns of ``A`` (nonempty) by a PLE decomposition mod ``p``.

    The decomposition runs on whichever of ``A`` and ``A^T`` has fewer rows: once every
    row holds a pivot, the remaining columns cost one triangular solve, while a tall
    matrix needs every column eliminated down its long columns.
    """
    transposed = A.shape[0] > A.shape[1]
    perm, pivots = _ple_float(_float_residues(A.T if transposed else A, p), p)
    rows = sorted(perm[: len(pivots)].tolist())
    return (pivots, rows) if transposed else (rows, pivots)


def _ple_float(W: np.ndarray, p: int) -> tuple[np.ndarray, list[int]]:
    """PLE decomposition, in place, of the centered residues ``W`` (C-contiguous float64).

    Afterwards ``W`` holds the compact L\\E factors. Returns ``(perm, pivots)``: the row
    order (``W_before[perm] = L E``) and the pivot columns, ascending; rank = len(pivots).
    """
    m, n = W.shape
    perm = np.arange(m)
    pivots: list[int] = []
    half = n - n // 2
    bufs = (np.empty(m * half), _scratch_buffer(half))
    _ple(W, perm, pivots, 0, 0, n, p, bufs)
    return perm, pivots
