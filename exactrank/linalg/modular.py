"""Linear algebra over GF(p) for numpy integer matrices: rank, rank profile, solve, det.

Three regimes, chosen by the size of the prime ``p``:

* ``p < FAST_PRIME_BOUND`` (2**23): our own recursive PLE decomposition (row echelon form
  ``E`` and a unit lower triangular ``L``, Jeannerod-Pernet-Storjohann style, in
  :mod:`exactrank.numbers.ple`) on float64 matrices of *centered* residues, about (-p/2, p/2].
  The heavy work is dgemm on
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

from ..numbers.ple import (
    _float_rank_profile,
    _float_residues,
    _ple_float,
    _residue_dtype,
    _residues,
    _scratch_buffer,
    _sub_matmul,
    _to_int,
    _trsm_unit_lower,
    _trsm_upper,
)

FAST_PRIME_BITS = 23
"""Primes of at most this many bits take the BLAS path: ``random_prime(FAST_PRIME_BITS, rng)``."""

FAST_PRIME_BOUND = 1 << FAST_PRIME_BITS
"""Primes below this bound take the BLAS path (matrices of a few thousand entries or fewer
go to FLINT, which is faster there)."""

_NMOD_BOUND = 1 << 64  # nmod_mat takes any word-size modulus
_FLINT_ENTRIES = 2500  # matrices this small go to FLINT even for small primes (measured)


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
