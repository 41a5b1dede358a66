"""Linear algebra over GF(p) for numpy integer matrices: rank, rank profile, solve, det.

Three regimes, chosen by the size of the prime ``p``:

* ``p < FAST_PRIME_BOUND`` (2**23): our own recursive PLE decomposition (row echelon form
  ``E`` and a unit lower triangular ``L``, Jeannerod-Pernet-Storjohann style) on float64
  matrices of *centered* residues, about (-p/2, p/2]. The heavy work is dgemm on
  integer-valued float64 matrices, each followed by an exact reduction mod p; products stay
  exact because every partial sum is kept below 2**53 (long inner dimensions are split).
* ``p < 2**64``: FLINT's ``nmod_mat`` through python-flint; also for small primes when the
  matrix is tiny (at most ``_FLINT_ENTRIES`` entries), where FLINT's C loops beat the
  per-column Python overhead of the BLAS path.
* larger ``p``: FLINT's ``fmpz_mod_mat``.

``p`` is always checked to be prime first: FLINT aborts the whole process when asked for a
rank or an echelon form modulo a composite.

Residues come back as int64 in [0, p), or as an object array of Python ints when
``p >= 2**63`` (they do not fit in int64).
"""

from __future__ import annotations

import operator
import random
from dataclasses import dataclass

import flint
import numpy as np

from .kernels import dgemm

FAST_PRIME_BITS = 23
"""Primes of at most this many bits take the BLAS path: ``random_prime(FAST_PRIME_BITS, rng)``."""

FAST_PRIME_BOUND = 1 << FAST_PRIME_BITS
"""Primes below this bound take the BLAS path (matrices of a few thousand entries or fewer
go to FLINT, which is faster there)."""

_NMOD_BOUND = 1 << 64  # nmod_mat takes any word-size modulus
_INT64_BOUND = 1 << 63  # residues below this fit in int64
_EXACT_BOUND = 1 << 53  # every integer of magnitude below this is a float64
_FLINT_ENTRIES = 2500  # matrices this small go to FLINT even for small primes (measured)
_PANEL_COLS = 16  # the PLE recursion eliminates panels this narrow column by column
_TRIANGLE_ROWS = 64  # triangular solves this small go through an explicit inverse
_REDUCE_BLOCK = 1 << 15  # elements per chunk of a reduction, so that the chunk stays in cache
_PRODUCT_BLOCK = 1 << 21  # elements of scratch space for products: 16 MiB, whatever the size


@dataclass(frozen=True)
class RankProfile:
    """Rank of a matrix mod p with a nonsingular maximal minor.

    ``A[rows][:, cols]`` is nonsingular mod ``p`` and ``rank`` is the rank of ``A`` mod ``p``;
    ``rows`` and ``cols`` are sorted ascending and both have ``rank`` entries.
    """

    rank: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    p: int


# --------------------------------------------------------------------------- public API


def rank_profile_mod_p(A: np.ndarray, p: int) -> RankProfile:
    """Rank of ``A`` mod ``p`` with pivot rows and columns whose minor is nonsingular mod ``p``.

    ``A``: 2-D integer array (any int dtype, or object array of Python ints), reduced here.
    Which maximal minor is returned is not specified beyond the contract of RankProfile.
    """
    p = _check_prime(p)
    A = _matrix(A)
    if 0 in A.shape:
        return RankProfile(0, (), (), p)
    if _blas_path(A, p):
        rows, cols = _float_rank_profile(A, p)
    else:
        rows, cols = _flint_rank_profile(_residues(A, p), p)
    return RankProfile(len(cols), tuple(rows), tuple(cols), p)


def rank_mod_p(A: np.ndarray, p: int) -> int:
    """Rank of ``A`` mod ``p`` (see :func:`rank_profile_mod_p` for the accepted inputs)."""
    p = _check_prime(p)
    A = _matrix(A)
    if 0 in A.shape:
        return 0
    if _blas_path(A, p):
        return len(_float_rank_profile(A, p)[1])
    return _flint_matrix(_residues(A, p), p).rank()


def solve_mod_p(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    """The ``X`` with ``A X = B`` mod ``p``, for ``A`` square and nonsingular mod ``p``.

    ``B`` is a matrix (``X`` has its shape) or a vector (so is ``X``). Returns residues in
    [0, p) (int64, or Python ints if ``p >= 2**63``). Raises ValueError if ``A`` is
    singular mod ``p``.
    """
    p = _check_prime(p)
    A = _matrix(A)
    _check_square(A)
    vector = np.ndim(B) == 1
    B = _matrix(np.reshape(B, (-1, 1)) if vector else B, "B")
    if B.shape[0] != A.shape[0]:
        raise ValueError(f"B must have {A.shape[0]} rows to match A {A.shape}, got {B.shape}")
    X = _solve(A, B, p)
    return X[:, 0] if vector else X


def det_mod_p(A: np.ndarray, p: int) -> int:
    """Determinant of the square matrix ``A`` mod ``p``, in [0, p)."""
    p = _check_prime(p)
    A = _matrix(A)
    _check_square(A)
    n = A.shape[0]
    if n == 0:
        return 1
    if not _blas_path(A, p):
        return int(_flint_matrix(_residues(A, p), p).det())
    W = _float_residues(A, p)
    perm, pivots = _ple_float(W, p)
    if len(pivots) < n:
        return 0
    det = _permutation_sign(perm) % p
    for x in np.diagonal(W).tolist():
        det = det * int(x) % p
    return det


def matmul_mod_p(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    """``(A @ B) mod p``, exactly, as residues in [0, p) (int64, or Python ints if p >= 2**63)."""
    p = _check_prime(p)
    A, B = _matrix(A), _matrix(B, "B")
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"cannot multiply A {A.shape} by B {B.shape}: inner dimensions differ")
    m, n = A.shape[0], B.shape[1]
    if 0 in (m, n, A.shape[1]):
        return np.zeros((m, n), dtype=_residue_dtype(p))
    if p < FAST_PRIME_BOUND:
        C = np.zeros((m, n))
        minus_A = -_float_residues(A, p)
        _sub_matmul(C, minus_A, _float_residues(B, p, "B"), p, _scratch_buffer(n))
        return _to_int(C, p)
    product = _flint_matrix(_residues(A, p), p) * _flint_matrix(_residues(B, p, "B"), p)
    return _from_flint(product, p)


def random_prime(bits: int, rng: random.Random | np.random.Generator) -> int:
    """A uniformly random prime with exactly ``bits`` bits (``2**(bits-1) <= p < 2**bits``).

    ``rng`` is a ``random.Random`` (the package's convention: reproducible from a seed); a
    numpy ``Generator`` is accepted too.
    """
    bits = operator.index(bits)
    if bits < 2:
        raise ValueError(f"a prime has at least 2 bits, got bits = {bits}")
    while True:
        candidate = _random_bits(bits, rng) | (1 << (bits - 1))
        if flint.fmpz(candidate).is_prime():
            return candidate


# --------------------------------------------------------------------------- inputs


def _check_prime(p: int) -> int:
    """``p`` as a Python int, after checking it is prime (FLINT aborts on composites)."""
    p = operator.index(p)
    if p < 2 or not flint.fmpz(p).is_prime():
        raise ValueError(f"p = {p} is not prime; arithmetic mod p needs a prime modulus")
    return p


def _matrix(A, name: str = "A") -> np.ndarray:
    """``A`` as a 2-D numpy array of integers (any integer dtype, bool, or object)."""
    A = np.asarray(A)
    if A.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got an array of shape {A.shape}")
    if A.dtype.kind not in "biuO":
        raise TypeError(
            f"{name} must be an integer array (int64, or object of Python ints), "
            f"got dtype {A.dtype}"
        )
    return A


def _blas_path(A: np.ndarray, p: int) -> bool:
    """Whether to eliminate ``A`` mod ``p`` with the BLAS kernels rather than with FLINT."""
    return p < FAST_PRIME_BOUND and A.size > _FLINT_ENTRIES


def _check_square(A: np.ndarray) -> None:
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be square, got shape {A.shape}")


def _residue_dtype(p: int) -> type:
    return np.int64 if p < _INT64_BOUND else object


def _residues(A: np.ndarray, p: int, name: str = "A") -> np.ndarray:
    """``A`` reduced mod ``p``: int64 in [0, p), or Python ints (object) if p >= 2**63."""
    if A.dtype.kind == "O":
        flat = [_integer(x, name) % p for x in A.flat]
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


def _random_bits(bits: int, rng: random.Random | np.random.Generator) -> int:
    """A uniformly random integer in [0, 2**bits) from either kind of generator."""
    if isinstance(rng, random.Random):
        return rng.getrandbits(bits)
    if isinstance(rng, np.random.Generator):
        nbytes = (bits + 7) // 8
        return int.from_bytes(rng.bytes(nbytes), "little") >> (8 * nbytes - bits)
    raise TypeError(f"rng must be a random.Random or a numpy Generator, got {type(rng).__name__}")


def _permutation_sign(perm: np.ndarray) -> int:
    """+1 or -1: the sign of the permutation ``perm`` (parity of n minus its cycle count)."""
    perm = perm.tolist()
    seen = [False] * len(perm)
    parity = 0
    for start in range(len(perm)):
        if seen[start]:
            continue
        length, i = 0, start
        while not seen[i]:
            seen[i] = True
            i = perm[i]
            length += 1
        parity ^= (length - 1) & 1
    return -1 if parity else 1


# --------------------------------------------------------------------------- FLINT path


def _flint_matrix(R: np.ndarray, p: int):
    """Residues ``R`` as an ``nmod_mat`` (word-size ``p``) or ``fmpz_mod_mat``.

    python-flint rejects numpy integers, so entries go through ``tolist()`` (Python ints),
    the cheapest conversion measured.
    """
    m, n = R.shape
    if p < _NMOD_BOUND:
        return flint.nmod_mat(R.tolist(), p) if m and n else flint.nmod_mat(m, n, p)
    ctx = flint.fmpz_mod_ctx(p)
    return flint.fmpz_mod_mat(R.tolist(), ctx) if m and n else flint.fmpz_mod_mat(m, n, ctx)


def _from_flint(M, p: int) -> np.ndarray:
    """A FLINT matrix as a numpy array of residues in [0, p)."""
    flat = [int(x) for x in M.entries()]
    return np.array(flat, dtype=_residue_dtype(p)).reshape(M.nrows(), M.ncols())


def _echelon_pivots(E, rank: int) -> list[int]:
    """Pivot columns of a reduced row echelon form: the first nonzero of each nonzero row.

    The pivots increase from row to row, so one left-to-right sweep reads at most
    ``rank + ncols`` entries.
    """
    pivots, j = [], 0
    for i in range(rank):
        while int(E[i, j]) == 0:
            j += 1
        pivots.append(j)
        j += 1
    return pivots


def _flint_rank_profile(R: np.ndarray, p: int) -> tuple[list[int], list[int]]:
    """Pivot rows and columns with FLINT: two reduced row echelon forms.

    The columns are the column rank profile of ``R``; the rows are the row rank profile of
    ``R[:, cols]``. Any ``rank`` independent rows of the independent columns give a
    nonsingular minor. When every row is independent the second form is skipped.
    """
    E, rank = _flint_matrix(R, p).rref()
    cols = _echelon_pivots(E, rank)
    if rank in (0, R.shape[0]):
        return list(range(rank)), cols
    F, _ = _flint_matrix(R[:, cols].T, p).rref()
    return _echelon_pivots(F, rank), cols


def _flint_solve(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    try:
        X = _flint_matrix(A, p).solve(_flint_matrix(B, p))
    except ZeroDivisionError:
        raise ValueError(f"A is singular mod {p}: cannot solve A X = B") from None
    return _from_flint(X, p)


def _solve(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    """:func:`solve_mod_p` on validated 2-D matrices."""
    n, k = B.shape
    if n == 0:
        return np.zeros((0, k), dtype=_residue_dtype(p))
    if not _blas_path(A, p):
        if k == 0:  # FLINT has nothing to solve; still, a singular A is an error
            _flint_solve(_residues(A, p), np.zeros((n, 1), dtype=np.int64), p)
            return np.zeros((n, 0), dtype=_residue_dtype(p))
        return _flint_solve(_residues(A, p), _residues(B, p, "B"), p)
    W = _float_residues(A, p)
    perm, pivots = _ple_float(W, p)
    if len(pivots) < n:
        raise ValueError(f"A is singular mod {p} (rank {len(pivots)} < {n}): cannot solve A X = B")
    X = _float_residues(B, p, "B")[perm]
    buf = _scratch_buffer(k)
    _trsm_unit_lower(W, X, p, buf)
    _trsm_upper(W, X, p, buf)
    return _to_int(X, p)


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
