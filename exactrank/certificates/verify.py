"""Checking a certificate (docs/certificates.md, "claim", "witness", and the exit codes of
"Limits and exit codes"): :func:`verify_certificate` reads the claim, the tensor
(:mod:`.tensor`) and the witness, recomputes every entry it uses and trusts no other number:
a "minor" is nonsingular over the field (rank ≥ r); a "basis" gives every other row as the
stated combination of at most r rows, or a "factorization" U·V with s ≤ r equals the matrix
(rank ≤ r). A claim of kind "formula" (a rank for every size) goes to
:func:`exactrank.allsizes.certificate.verify_structural` ("Structural certificates").

It implements no paper result: the checks are linear algebra (a nonsingular minor, an exact span, a
factorization), whichever paper's result the claim comes from.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

import flint
import numpy as np

from ..errors import CertificateFormatError, ExactRankError, LimitError, ResourceError, shown
from ..io.progress import Progress
from ..limits import MAX_GRID_ENTRIES, digits_allowed
from ..linalg.modular import matmul_mod_p, random_prime, rank_mod_p
from ..linalg.partitions import Partition
from ..numbers.domains import QQ, Field, is_prime
from ..numbers.kernels import exact_matmul, to_storage
from .format import MAX_PRIME, check_header
from .tensor import _Tensor
from .values import _exact_values, _expect, _index_list, _narrow, _Rejected

# what malformed content inside a certificate can raise while it is checked
_CHECK_ERRORS = (
    ExactRankError,
    ValueError,
    TypeError,
    ArithmeticError,
    RuntimeError,
    IndexError,
    KeyError,
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a certificate: ``verified`` and, if not, the reason; for a
    structural certificate (claim kind "formula") that is verified, ``proven`` says what its
    proof established (the rank for every size)."""

    verified: bool
    reason: str = ""
    proven: str = ""

    def __bool__(self) -> bool:
        return self.verified


def verify_certificate(cert: dict) -> Verdict:
    """Check a certificate (a dict, as loaded) and say whether its claim is proven.

    Never a verdict: :class:`CertificateFormatError` for what is not a certificate at all or
    is beyond a limit of :mod:`exactrank.limits` (``exactrank verify`` exits 2), and
    :class:`ResourceError` when memory ran out while checking a well-formed one (exit 3).
    """
    check_header(cert)
    try:
        with digits_allowed(), Progress("checking") as progress:
            proven = _verify(cert, progress)
    except LimitError as exc:
        raise CertificateFormatError(str(exc)) from None
    except (MemoryError, RecursionError) as exc:
        raise ResourceError(
            f"{type(exc).__name__} while checking the certificate (not a verdict on its claim)"
        ) from None
    except _Rejected as exc:
        return Verdict(False, str(exc))
    except _CHECK_ERRORS as exc:
        return Verdict(False, f"{type(exc).__name__}: {str(exc)[:200]}")
    return Verdict(True, proven=proven)


def _verify(cert: dict, progress) -> str:
    """Raises :class:`_Rejected` (or what malformed content raises) unless the claim holds;
    returns what a structural certificate proves ("" for the others)."""
    if isinstance(cert["claim"], dict) and cert["claim"].get("kind") == "formula":
        from ..allsizes.certificate import verify_structural  # a rank for every size (issue 14)

        return verify_structural(cert)
    kind, r, field, partition = _claim(cert["claim"])
    tensor = _Tensor.from_json(cert["tensor"], field, partition.T, progress)
    if kind in ("le", "eq") and tensor.model is not None:
        entries = math.prod(tensor.shape(partition))
        if entries > MAX_GRID_ENTRIES:
            raise LimitError(
                f"an upper bound needs all {shown(entries)} entries of the matrix, more than "
                f"MAX_GRID_ENTRIES = 2^30"
            )
    witness = _expect(cert["witness"], dict, "witness")
    if kind in ("ge", "eq"):
        _check_minor(tensor, partition, field, r, _expect(witness.get("minor"), dict, "minor"))
    if kind in ("le", "eq"):
        _check_upper(tensor, partition, field, r, witness)
    return ""


def _claim(claim) -> tuple[str, int, Field, Partition]:
    claim = _expect(claim, dict, "claim")
    kind = claim.get("kind")
    if kind not in ("ge", "le", "eq"):
        raise _Rejected(f"claim.kind: expected 'ge', 'le' or 'eq', got {shown(kind, 40)}")
    r = claim.get("r")
    if type(r) is not int or r < 0:
        raise _Rejected(f"claim.r: expected an integer >= 0, got {shown(r, 40)}")
    field = _field(claim.get("field"))
    rows, cols = claim.get("row_modes"), claim.get("col_modes")
    T = len(_expect(rows, list, "claim.row_modes")) + len(_expect(cols, list, "claim.col_modes"))
    modes = _index_list(rows + cols, T, "claim.row_modes + col_modes")
    return kind, r, field, Partition(tuple(modes[: len(rows)]), tuple(modes[len(rows) :]))


def _field(text) -> Field:
    """Exactly "QQ" or "GF(p)" (decimal p, a prime below 3.3e24), as the format says.

    A p of more than MAX_DIGITS digits never gets here (:func:`check_header` refuses it).
    """
    match = re.fullmatch(r"GF\(([1-9][0-9]{0,24})\)", text) if isinstance(text, str) else None
    if text == "QQ":
        return QQ
    if match is None or int(match.group(1)) >= MAX_PRIME or not is_prime(int(match.group(1))):
        raise _Rejected(f"claim.field: {shown(text, 40)} is not QQ or GF(p) with p prime < 3.3e24")
    return Field("GF", int(match.group(1)))


def _check_minor(tensor: _Tensor, partition, field: Field, r: int, minor: dict) -> None:
    m, n = tensor.shape(partition)
    rows = _index_list(minor.get("rows"), m, "minor.rows")
    cols = _index_list(minor.get("cols"), n, "minor.cols")
    if len(rows) != r or len(cols) != r:
        raise _Rejected(f"minor: {len(rows)} rows and {len(cols)} columns for r = {shown(r)}")
    if r and not _nonsingular(tensor.submatrix(partition, rows, cols)[0], field):
        raise _Rejected(f"the {r} × {r} minor is singular over {field}")


def _nonsingular(K: np.ndarray, field: Field) -> bool:
    """Whether the square integer matrix K is nonsingular over QQ (or mod p over GF(p)).

    Over QQ: a nonzero determinant modulo any prime proves it nonzero; a few random 62-bit
    primes are tried, and only if all divide it does an exact FLINT rank decide.
    """
    r = K.shape[0]
    if field.kind == "GF":
        return rank_mod_p(K, field.p) == r
    rng = random.Random()
    for _ in range(3):
        if rank_mod_p(K, random_prime(62, rng)) == r:
            return True
    return flint.fmpz_mat(K.tolist()).rank() == r


def _check_upper(tensor: _Tensor, partition, field: Field, r: int, witness: dict) -> None:
    if "basis" in witness:
        _check_basis(tensor, partition, field, r, _expect(witness["basis"], dict, "basis"))
    elif "factorization" in witness:
        _check_factorization(tensor, partition, field, r, witness["factorization"])
    else:
        raise _Rejected("witness: an upper bound needs 'basis' or 'factorization'")


def _check_basis(tensor: _Tensor, partition, field: Field, r: int, basis: dict) -> None:
    m, _ = tensor.shape(partition)
    rows = _index_list(basis.get("rows"), m, "basis.rows")
    if len(rows) > r:
        raise _Rejected(f"basis: {len(rows)} rows for r = {shown(r)}")
    others, coefficients = [], []
    for pair in _expect(basis.get("coefficients"), list, "basis.coefficients"):
        if not isinstance(pair, list) or len(pair) != 2:
            raise _Rejected(f"basis.coefficients: expected [row, terms], got {pair!r:.60}")
        terms = _expect(pair[1], list, "basis.coefficients terms")
        if not all(isinstance(t, list) and len(t) == 2 for t in terms):
            raise _Rejected("basis.coefficients: a term is not a pair [k, c]")
        slots = _index_list([t[0] for t in terms], len(rows), "basis.coefficients k")
        others.append(pair[0])
        coefficients.append((slots, [t[1] for t in terms]))
    others = _index_list(others, m, "basis.coefficients rows")
    if set(others) & set(rows) or len(others) + len(rows) != m:
        raise _Rejected("basis: the basis and coefficient rows must cover every row exactly once")
    A, _ = tensor.matrix(partition)
    N = np.zeros((len(others), len(rows)), dtype=object)
    scale = np.ones((len(others), 1), dtype=object)
    for i, (slots, numbers) in enumerate(coefficients):
        values, den = _exact_values(numbers, field, f"coefficients of row {others[i]}")
        N[i, slots], scale[i] = values, den
    Z = A[others] if np.all(scale == 1) else scale * to_storage(A[others], object)
    if not _product_equals(_narrow(N), A[rows], Z, field):
        raise _Rejected("basis: a row is not the stated combination of the basis rows")


def _check_factorization(tensor: _Tensor, partition, field: Field, r: int, fac) -> None:
    fac = _expect(fac, dict, "factorization")
    m, n = tensor.shape(partition)
    U, du = _exact_matrix(fac.get("U"), m, "U", field)
    V, dv = _exact_matrix(fac.get("V"), None, "V", field)
    s = U.shape[1]
    if s == 0 and V.shape[0] == 0:  # V = []: an s = 0 factorization, of the zero matrix
        V = np.zeros((0, n), dtype=np.int64)
    if V.shape != (s, n) or s > r:
        raise _Rejected(
            f"factorization: U is {U.shape}, V is {V.shape}, matrix {m} × {n}, r = {shown(r)}"
        )
    A, den = tensor.matrix(partition)
    if not _product_equals(U, V, (du * dv) * to_storage(A, object), field, den):
        raise _Rejected("factorization: U·V differs from the matrix")


def _exact_matrix(value, rows: int | None, where: str, field: Field):
    value = _expect(value, list, where)
    if rows is not None and len(value) != rows:
        raise _Rejected(f"{where}: {len(value)} rows, expected {rows}")
    widths = {len(_expect(row, list, where)) for row in value}
    if len(widths) > 1:
        raise _Rejected(f"{where}: rows of different lengths")
    width = widths.pop() if widths else 0
    values, den = _exact_values([x for row in value for x in row], field, where)
    return values.reshape(len(value), width), den


def _product_equals(X, Y, Z, field: Field, scale: int = 1) -> bool:
    """Whether scale·(X @ Y) == Z exactly (over GF(p): modulo p); integer arrays."""
    if field.kind == "GF":
        p = field.p
        return bool(np.all((matmul_mod_p(X, Y, p).astype(object) * scale - Z) % p == 0))
    product, _ = exact_matmul(X, Y)
    if scale == 1 and product.dtype != object and Z.dtype != object:
        return bool(np.array_equal(to_storage(product, np.int64), Z))
    return bool(np.array_equal(to_storage(product, object) * scale, to_storage(Z, object)))
