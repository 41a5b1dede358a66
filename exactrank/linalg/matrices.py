"""Bringing user matrices into exact integer form, and removing what cannot change the rank.

Rank is invariant under scaling by a nonzero rational, under removing zero rows and
columns, and under removing repeated rows and columns; grid tensors of ReLU networks are
full of all three, so every rank computation starts here.

It implements no paper result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np

from ..errors import DomainError, InvalidInputError
from ..numbers.domains import (
    QQ,
    Field,
    fraction_to_residue,
    galois_field,
    is_prime,
    parse_field,
    to_fraction,
)
from ..numbers.kernels import reduce_mod, storage_for, to_storage


def matrix_field(A, field=None) -> Field:
    """The field in which to take the rank of ``A``: the one asked for, else the one ``A``
    carries, else QQ.

    A galois array carries its field ``GF(p)`` (a prime-power field is refused), a FLINT
    ``nmod_mat`` the prime field of its modulus (a composite modulus is refused, never
    handed to FLINT), a :class:`~exactrank.models.grid.GridTensor` its field; ``fmpz_mat``,
    ``fmpq_mat`` and every other input are rational. ``field`` is anything
    :func:`~exactrank.numbers.domains.parse_field` reads; when ``A`` carries GF(p) or float, the
    field asked for must be the same (a rational matrix maps to GF(p) entry by entry).
    """
    carried = _carried_field(A)
    if field is None:
        return carried or QQ
    field = parse_field(field)
    if carried is not None and carried.kind != "QQ" and carried != field:
        raise DomainError(
            f"{_carrier(A)} is over {carried} and has no rank over {field}; ask for {carried} "
            "(or leave the field out)"
        )
    return field


def _carried_field(A) -> Field | None:
    from ..models.grid import GridTensor

    if isinstance(A, GridTensor):
        return A.field
    if isinstance(A, flint.nmod_mat):
        p = int(A.modulus())
        if not is_prime(p):
            raise DomainError(
                f"an nmod_mat modulo {p} has no rank: {p} is not prime, and exactrank "
                "computes over the prime fields GF(p)"
            )
        return Field("GF", p)
    if isinstance(A, flint.fmpz_mat | flint.fmpq_mat):
        return QQ
    if _is_galois_array(A):
        return galois_field(type(A))
    return None


def _is_galois_array(A) -> bool:
    return isinstance(A, np.ndarray) and type(A).__module__.partition(".")[0] == "galois"


def _carrier(A) -> str:
    if _is_galois_array(A):
        return "the galois array"
    return f"the {type(A).__name__}"


def integer_matrix(A, field: Field) -> np.ndarray:
    """``A`` as a 2-D integer array (int64 or Python integers) of the same rank over ``field``.

    Over QQ a rational matrix is multiplied by the lcm of its denominators; over GF(p) its
    entries are mapped to residues. Accepts numpy arrays, nested lists, python-flint
    matrices (``fmpz_mat``, ``fmpq_mat``, ``nmod_mat``), galois ``GF(p)`` arrays and
    :class:`~exactrank.models.grid.GridTensor` (2-D); a matrix that carries its field must be over
    ``field`` (:func:`matrix_field`). Floats are refused.
    """
    from ..models.grid import GridTensor

    field = matrix_field(A, field)
    if not field.exact:
        raise DomainError(f"{field} has no exact rank: an integer matrix is over QQ or GF(p)")
    if isinstance(A, GridTensor):
        if field.kind == "GF" and A.denominator % field.p == 0:
            raise DomainError(
                f"the grid tensor's denominator {A.denominator} is divisible by p = {field.p}"
            )
        A = A.values
    elif _is_galois_array(A):  # residues in [0, p): integer dtypes, or Python ints past int64
        A = A.view(np.ndarray)
    elif isinstance(A, flint.nmod_mat):
        residues = [int(v) for row in A.tolist() for v in row]
        A = np.array(residues, dtype=object).reshape(A.nrows(), A.ncols())
    elif isinstance(A, flint.fmpz_mat | flint.fmpq_mat):
        A = np.array(A.tolist(), dtype=object).reshape(A.nrows(), A.ncols())
    elif isinstance(A, np.matrix):  # a 2-D-only subclass: A @ w would stay 2-D
        A = np.asarray(A)
    elif not isinstance(A, np.ndarray):
        try:
            A = np.array(A, dtype=object)
        except ValueError as exc:
            raise InvalidInputError(f"matrix: not a rectangular array ({exc})") from None
    if A.ndim != 2:
        raise InvalidInputError(f"a matrix must be 2-D, got an array of shape {A.shape}")
    if A.dtype.kind == "f":
        raise DomainError(
            f"a float matrix ({A.dtype}) has no exact rank over {field}; pass integers, "
            "Fractions or 'p/q' strings, or ask for field 'float'"
        )
    if A.dtype.kind == "b":
        A = A.astype(np.int64)
    if A.dtype.kind in "iu":
        X = A.astype(np.int64, copy=False) if A.dtype != np.uint64 else A.astype(object)
    else:
        X = _rational_to_integers(A, field)
    return reduce_mod(X, field.p) if field.kind == "GF" else X


def _rational_to_integers(A: np.ndarray, field: Field) -> np.ndarray:
    """An object matrix as integers: Python integers as they are (e.g. past int64, the
    common case), other exact entries through Fractions over a common denominator (QQ) or
    as residues (GF(p))."""
    flat = A.ravel().tolist()
    if set(map(type, flat)) - {int}:  # map and set run in C: a third of the time of all(...)
        entries = [
            to_fraction(v, f"matrix entry [{i // A.shape[1]}][{i % A.shape[1]}]")
            for i, v in enumerate(flat)
        ]
        if field.kind == "GF":
            flat = [fraction_to_residue(q, field.p, "matrix entry") for q in entries]
        else:
            den = math.lcm(*(q.denominator for q in entries)) if entries else 1
            flat = [q.numerator * (den // q.denominator) for q in entries]
    X = np.array(flat, dtype=object).reshape(A.shape)
    bound = max(map(abs, flat), default=0)
    return to_storage(X, np.int64 if storage_for(bound) is not object else object)


def float_matrix(A) -> np.ndarray:
    """``A`` as float64 (exact inputs are rounded: this is the non-exact path).

    NaN and infinite entries are refused: they have no rank.
    """
    from ..models.grid import GridTensor

    matrix_field(A, "float")  # refuses a matrix over GF(p): it has no float rank
    if isinstance(A, GridTensor):
        values, den = A.values, (A.denominator if A.field.kind == "QQ" else 1)
        if values.dtype == object or den != 1:
            out = np.array([float(Fraction(int(v), den)) for v in values.flat]).reshape(
                values.shape
            )
        else:
            out = values.astype(np.float64)
    else:
        if isinstance(A, flint.fmpz_mat | flint.fmpq_mat):
            A = A.tolist()
        X = np.asarray(A)
        if X.dtype.kind in "fiub":
            out = X.astype(np.float64)
        else:
            out = np.array(
                [
                    v if isinstance(v, float) else float(to_fraction(v, "matrix entry"))
                    for v in X.flat
                ],
                dtype=np.float64,
            ).reshape(X.shape)
    if out.ndim != 2:
        raise InvalidInputError(f"a matrix must be 2-D, got an array of shape {out.shape}")
    bad = np.argwhere(~np.isfinite(out))
    if bad.size:
        i, j = bad[0]
        raise InvalidInputError(f"matrix entry [{i}, {j}] is {out[i, j]}: entries must be finite")
    return out


@dataclass(frozen=True, eq=False)
class Reduced:
    """The distinct nonzero rows and columns of a matrix, with where each came from."""

    matrix: np.ndarray
    rows: np.ndarray  # rows[i] = index in the original matrix of reduced row i
    cols: np.ndarray


def distinct_nonzero(A: np.ndarray) -> Reduced:
    """Drop zero and repeated rows, then zero and repeated columns (rank is unchanged)."""
    rows = _distinct_nonzero_rows(A)
    B = A if len(rows) == A.shape[0] else A[rows]
    cols = _distinct_nonzero_rows(B.T)
    return Reduced(B if len(cols) == B.shape[1] else B[:, cols], rows, cols)


_FINGERPRINT_SEED = 0x5EED  # fixed: the fingerprints only route the exact comparisons
_COMPARE_ENTRIES = 1 << 22  # entries compared at once when checking duplicates


def _distinct_nonzero_rows(A: np.ndarray) -> np.ndarray:
    """Indices (ascending) of the first occurrence of each distinct nonzero row.

    int64 rows are grouped by a fingerprint, their product with a fixed random vector
    computed modulo 2^64 (equal rows have equal fingerprints); every row is then compared
    in full with the first row of its group, so the answer never rests on the fingerprint.
    If two different rows share one, the rows are sorted and compared instead.
    """
    if 0 in A.shape:
        return np.zeros(0, dtype=np.int64)
    if A.dtype == object:
        seen, keep = set(), []
        for i, row in enumerate(A.tolist()):
            key = tuple(row)
            if key not in seen and any(row):
                seen.add(key)
                keep.append(i)
        return np.array(keep, dtype=np.int64)
    nonzero = np.flatnonzero(np.any(A != 0, axis=1))
    if nonzero.size == 0 or A.dtype != np.int64:
        return _distinct_rows_by_sorting(A, nonzero)
    # A @ w wraps modulo 2^64 on purpose: the keys are a hash, never a value
    keys = (A @ _fingerprint_vector(A.shape[1]))[nonzero]
    _, first, group = np.unique(keys, return_index=True, return_inverse=True)
    leaders = nonzero[first][group]
    copies = np.flatnonzero(leaders != nonzero)
    if not _rows_equal(A, nonzero[copies], leaders[copies]):
        return _distinct_rows_by_sorting(A, nonzero)
    return np.sort(nonzero[first])


def _fingerprint_vector(n: int) -> np.ndarray:
    return np.random.default_rng(_FINGERPRINT_SEED).integers(-(2**62), 2**62, size=n)


def _rows_equal(A: np.ndarray, i: np.ndarray, j: np.ndarray) -> bool:
    """Whether A[i[k]] == A[j[k]] for every k, compared a block of rows at a time."""
    step = max(1, _COMPARE_ENTRIES // A.shape[1])
    return all(
        np.array_equal(A[i[s : s + step]], A[j[s : s + step]]) for s in range(0, len(i), step)
    )


def _distinct_rows_by_sorting(A: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """The first occurrence of each distinct row among ``candidates`` (ascending indices)."""
    if candidates.size == 0:
        return candidates
    rows = np.ascontiguousarray(A[candidates])
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    _, first = np.unique(keys, return_index=True)
    return np.sort(candidates[first])
