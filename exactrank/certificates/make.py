"""Making a certificate (docs/certificates.md, "Worked example" and "A model too large to write
out"): :func:`certify` writes the tensor (a model as such, else its entries) and a witness:
the minor and the basis of the exact rank of the whole matrix, a factorization the caller
knows, or, when the matrix is too large, a minor given or found by
:mod:`exactrank.linalg.minor_search` for a "ge" claim. What it writes is checked with
:func:`.verify.verify_certificate`.

It implements no paper result: a certificate holds the evidence for a rank claim about any grid
tensor, whichever paper's result the claim comes from.
"""

from __future__ import annotations

import datetime
import math
import random
from fractions import Fraction

import flint
import numpy as np

from ..errors import CertificateFormatError, ExactRankError, InvalidInputError, LimitError, shown
from ..limits import MAX_DIGITS, MAX_GRID_ENTRIES, MAX_MINOR, digits_allowed
from ..linalg.minor_search import search_minor
from ..linalg.modular import random_prime, rank_profile_mod_p, solve_mod_p
from ..linalg.partitions import parse_partition
from ..linalg.rank import rank
from ..models import OverlappingNetwork
from ..models.grid import GridTensor, grid_tensor
from ..models.modelfile import model_to_dict
from ..numbers.domains import Field, fraction_to_text, parse_field, to_fraction
from ..version import __version__
from .format import FORMAT, MAX_PRIME, VERSION
from .tensor import MODEL_FORMS, _Tensor
from .values import _index_list, _Rejected
from .verify import verify_certificate


def certify(
    source,
    partition,
    field: str | Field = "QQ",
    *,
    claim: str | None = None,
    r: int | None = None,
    rows=None,
    cols=None,
    seed: int | None = None,
    theorem: str | None = None,
    factors=None,
) -> dict:
    """A certificate of the rank of a matricization of ``source`` (a model or exact tensor).

    ``claim`` None gives the strongest claim: "eq" with the exact rank. "le" and "eq" need
    the whole grid. "ge" needs only a minor: ``rows`` and ``cols`` (matricization indices)
    if given, else the exact minor of the whole matrix when it can be built, else a search
    (:mod:`exactrank.linalg.minor_search`): pools of rows and columns (first 2r + 8 each, r = 64
    when none is given) that keep the pivots of their rank profile modulo a prime, carry the
    rows' digits over to columns (principal minors), change one digit of a pivot, and keep
    a random quarter; an r above MAX_MINOR is refused before searching. The result is
    checked with :func:`verify_certificate` before it is returned.

    A generalized RNN, shallow, hierarchical or mixed network is written as its model
    (``tensor.model``, as :func:`~exactrank.models.modelfile.model_to_dict` writes it), so the
    checkers evaluate the entries they need; an overlapping network as its grid's entries.

    ``factors`` = (U, V), exact matrices with U·V equal to the matrix, replaces the basis
    witness of the upper bound (a construction often knows one with small entries, where
    the basis coefficients of a generic matrix are ratios of large minors).

    Numbers of up to MAX_DIGITS digits are written; a certificate that would hold a larger
    one, or be beyond another limit of :mod:`exactrank.limits`, is a :class:`LimitError`.
    """
    try:
        with digits_allowed():
            return _certify(source, partition, field, claim, r, rows, cols, seed, theorem, factors)
    except ValueError as exc:  # Python's int/str limit, set to MAX_DIGITS
        if isinstance(exc, ExactRankError) or "integer string conversion" not in str(exc):
            raise
        raise LimitError(
            f"the certificate would hold an integer of more than MAX_DIGITS = {MAX_DIGITS} digits"
        ) from None


def _certify(source, partition, field, claim, r, rows, cols, seed, theorem, factors) -> dict:
    field = parse_field(field)
    if field.kind == "float" or (field.kind == "GF" and field.p >= MAX_PRIME):
        raise InvalidInputError(f"certificates are over QQ or GF(p) with p < 3.3e24, not {field}")
    if claim not in (None, "ge", "le", "eq"):
        raise InvalidInputError(f"claim must be 'ge', 'le' or 'eq', got {shown(claim)}")
    if r is not None and (type(r) is not int or r < 0):
        raise InvalidInputError(f"r must be an integer >= 0, got {shown(r)}")
    tensor_json, dims = _tensor_json(source, field)
    partition = parse_partition(partition, len(dims))
    try:
        tensor = _Tensor.from_json(tensor_json, field, len(dims))
    except _Rejected as exc:
        raise InvalidInputError(str(exc)) from None
    rng = random.Random(seed)
    lazy = rows is not None or cols is not None or math.prod(dims) > MAX_GRID_ENTRIES
    if claim == "ge" and lazy:
        r, witness = _lazy_minor(tensor, partition, field, r, rows, cols, rng)
    else:
        if rows is not None or cols is not None:
            raise InvalidInputError(
                f"rows/cols choose the minor of a 'ge' certificate; a '{claim or 'eq'}' "
                "certificate is made from the whole matrix (leave them out)"
            )
        if lazy:
            raise InvalidInputError(
                f"a '{claim or 'eq'}' certificate needs all {shown(math.prod(dims))} entries; only "
                "'ge' certificates are made from a minor (give --rows/--cols or let it search)"
            )
        claim, r, witness = _whole_matrix(tensor, partition, field, claim, r, seed, factors)
    cert = {
        "format": FORMAT,
        "version": VERSION,
        "claim": {
            "kind": claim,
            "r": r,
            "field": str(field),
            "row_modes": list(partition.row_modes),
            "col_modes": list(partition.col_modes),
        },
        "tensor": tensor_json,
        "witness": witness,
        "provenance": {
            "tool": f"exactrank {__version__}",
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            **({"theorem": theorem} if theorem else {}),
        },
    }
    try:
        verdict = verify_certificate(cert)
    except CertificateFormatError as exc:
        raise LimitError(f"the certificate made is beyond the limits: {exc}") from None
    if not verdict and (rows is not None or factors is not None):
        raise InvalidInputError(f"the witness given does not prove the claim: {verdict.reason}")
    if not verdict:
        raise ExactRankError(f"the certificate made does not verify: {verdict.reason}")
    return cert


def _tensor_json(source, field: Field) -> tuple[dict, tuple[int, ...]]:
    if isinstance(source, OverlappingNetwork):  # no model form in version 1: its entries
        source = grid_tensor(source, field)
    if isinstance(source, MODEL_FORMS):
        if not source.exact:
            raise InvalidInputError(
                f"{type(source).__name__} has float weights: a certificate holds an exact "
                "model (integers, Fractions or 'p/q' strings)"
            )
        return {"model": model_to_dict(source)}, (source.M,) * source.T
    if isinstance(source, GridTensor):
        if source.field != field:
            raise InvalidInputError(f"a grid over {source.field} has no certificate over {field}")
        if field.kind == "GF":
            flat = [int(v) for v in source.values.flat]
        else:
            flat = [
                fraction_to_text(Fraction(int(v), source.denominator)) for v in source.values.flat
            ]
        return {"dims": list(source.shape), "entries": flat}, source.shape
    array = source if isinstance(source, np.ndarray) else np.asarray(source, dtype=object)
    return {"dims": list(array.shape), "entries": _json_numbers(array)}, array.shape


def _whole_matrix(tensor: _Tensor, partition, field: Field, claim, r, seed, factors):
    """Claim, r and witness from the rank of the whole matrix (and the factors, if given)."""
    A, _ = tensor.matrix(partition)
    exact = claim != "ge" and factors is None
    result = rank(A, field, seed=seed, prove="exact" if exact else "lower")
    lower = result.lower
    if factors is not None:
        factorization = _factorization_json(factors, field)
        upper = len(factorization["V"])
    else:
        upper = result.upper if result.exact else None
    if claim in ("le", "eq") and upper is None:
        raise ExactRankError(f"the rank could not be proven exactly ({result.method})")
    if claim is None:
        claim = "eq" if lower == upper else "le"
    if r is None:
        r = lower if claim in ("ge", "eq") else upper
    holds = {"ge": r <= lower, "le": upper is not None and r >= upper}
    holds["eq"] = holds["ge"] and holds["le"]
    if not holds[claim]:
        raise InvalidInputError(
            f"the claim rank {claim} {shown(r)} does not follow: proven {lower} <= rank <= {upper}"
        )
    witness = {}
    if claim in ("ge", "eq"):
        witness["minor"] = _sub_minor(A, list(result.rows), list(result.cols), r, field)
    if claim in ("le", "eq"):
        if factors is not None:
            witness["factorization"] = factorization
        else:
            witness["basis"] = _basis(A, list(result.rows), list(result.cols), field)
    return claim, r, witness


def _factorization_json(factors, field: Field) -> dict:
    """A user's factorization (U, V) as the witness: exact numbers, checked like the rest."""
    try:
        U, V = factors
    except (TypeError, ValueError):
        raise InvalidInputError("factors must be a pair (U, V) of exact matrices") from None
    out = {}
    for name, X in (("U", U), ("V", V)):
        X = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
        if X.ndim != 2:
            raise InvalidInputError(f"factors: {name} must be 2-D, got shape {X.shape}")
        numbers = _json_numbers(X)
        width = X.shape[1]
        out[name] = [numbers[i * width : (i + 1) * width] for i in range(X.shape[0])]
    return out


def _sub_minor(A: np.ndarray, rows: list, cols: list, r: int, field: Field) -> dict:
    """An r × r nonsingular minor inside the nonsingular minor rows × cols (r <= its size)."""
    rows = rows[:r]  # any r rows of a nonsingular matrix are independent
    return {"rows": rows, "cols": _independent_cols(A[np.ix_(rows, cols)], cols, field)}


def _basis(A: np.ndarray, rows: list, cols: list, field: Field) -> dict:
    """Every other row as an exact combination of the pivot rows (solved on the pivot columns)."""
    chosen = set(rows)
    others = [i for i in range(A.shape[0]) if i not in chosen]
    if not (others and rows):
        return {"rows": rows, "coefficients": [[i, []] for i in others]}
    K, B = A[np.ix_(rows, cols)].T, A[np.ix_(others, cols)].T
    if field.kind == "GF":
        X = solve_mod_p(K, B, field.p).tolist()
    else:
        solution = flint.fmpz_mat(K.tolist()).solve(flint.fmpz_mat(B.tolist()))
        X = [[Fraction(int(x.p), int(x.q)) for x in row] for row in solution.tolist()]
    coefficients = [
        [i, [[k, fraction_to_text(Fraction(X[k][j]))] for k in range(len(rows)) if X[k][j]]]
        for j, i in enumerate(others)
    ]
    return {"rows": rows, "coefficients": coefficients}


def _lazy_minor(tensor: _Tensor, partition, field: Field, r, rows, cols, rng):
    """A 'ge' witness from the given minor, or from the documented search (:func:`_search`)."""
    if rows is None or cols is None:
        if rows is not None or cols is not None:
            raise InvalidInputError("give both rows and cols of the minor, or neither")
        rows, cols = _search(tensor, partition, field, r, rng)
    m, n = tensor.shape(partition)
    for name, items, bound in (("rows", rows, m), ("cols", cols, n)):
        try:
            _index_list(list(items), bound, name)
        except _Rejected as exc:
            raise InvalidInputError(str(exc)) from None
    rows, cols = [int(i) for i in rows], [int(j) for j in cols]
    if len(rows) != len(cols) or (r is not None and r != len(rows)):
        raise InvalidInputError(
            f"the minor has {len(rows)} rows and {len(cols)} cols for r = {shown(r)}"
        )
    return len(rows), {"minor": {"rows": rows, "cols": cols}}  # checked by verify_certificate


def _search(tensor: _Tensor, partition, field: Field, r, rng) -> tuple[list, list]:
    """A minor found by :func:`~exactrank.linalg.minor_search.search_minor` (random, principal and
    perturbed pools of rows and columns); with a target r, r rows and r independent columns.
    """
    if r is not None and r > MAX_MINOR:  # refused before pools of 2r + 8 are evaluated
        raise LimitError(f"r = {shown(r)} is more than MAX_MINOR = {MAX_MINOR} rows of a minor")
    p = field.p if field.kind == "GF" else None
    best = search_minor(tensor, partition, p, r, rng)
    if r is None:
        return best
    if len(best[0]) >= r:
        K, _ = tensor.submatrix(partition, best[0][:r], best[1])
        return best[0][:r], _independent_cols(K, best[1], field)
    raise InvalidInputError(
        f"the search found a nonsingular minor of size {len(best[0])} only, fewer than "
        f"r = {shown(r)}; give the minor's rows and cols"
    )


def _independent_cols(K: np.ndarray, cols: list, field: Field) -> list:
    """Columns of ``cols`` on which the full-row-rank K (its rows × cols) is nonsingular.

    The rank profile is taken modulo a prime: independent there, independent over QQ.
    """
    p = field.p if field.kind == "GF" else random_prime(62, random.Random(len(cols)))
    return [cols[j] for j in rank_profile_mod_p(K, p).cols]


def _json_numbers(X) -> list:
    """The entries of an exact array, flat in C order, as JSON integers and "p/q" strings."""
    X = np.asarray(X) if not isinstance(X, np.ndarray) else X
    if X.dtype.kind in "iu":
        return X.ravel().tolist()
    return [fraction_to_text(to_fraction(v, "an exact number")) for v in X.flat]
