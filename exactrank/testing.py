"""Assertions for a researcher's own test suite: rank claims and grid equalities, proven.

``assert_rank(model, "odd-even", ">=", 64)`` passes only when the claim is proven (by a
certificate that the checker accepted) and fails with an ``AssertionError`` that states the
claim, what was found, and where the certificate of what was found is saved, so a failing
test leaves evidence that ``exactrank verify`` or ``proofs/verify_certificate.py`` re-checks.
Nothing here uses floats: a float rank proves nothing, so the float field is refused.
``assert_rank_formula(family, "odd-even", formula)`` proves a rank formula for every size.
"""

from __future__ import annotations

import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np

from .certificates import certify, save_certificate
from .errors import ExactRankError, InvalidInputError
from .limits import whole_grid
from .models import Model
from .models.grid import GridTensor, grid_tensor
from .numbers.domains import Field, fraction_to_residue, parse_field

_OPERATORS = {
    "==": lambda k, r: k == r,
    "!=": lambda k, r: k != r,
    ">=": lambda k, r: k >= r,
    ">": lambda k, r: k > r,
    "<=": lambda k, r: k <= r,
    "<": lambda k, r: k < r,
}


def assert_rank(
    source, partition, op: str, r: int, *, field="QQ", certs=None, rows=None, cols=None
) -> dict:
    """Assert ``rank(matricization of source) op r`` over QQ or GF(p), with a certificate.

    ``source``: a model or an exact tensor; ``partition``: "odd-even", "left-right",
    "rows=0,2" or a :class:`~exactrank.linalg.partitions.Partition`; ``op``: one of ==, !=, >=, >,
    <=, <. A lower-bound claim (>=, >) is proven by a minor: ``rows`` and ``cols``
    (matricization indices) when given, else the exact one of a grid that can be built, else
    one found by :func:`~exactrank.certificates.certify`'s random search, which can miss the
    minors of a structured matrix (then give them). Every other claim, and the report of a
    failing one, needs the exact rank of the whole matricization. Returns the certificate of
    the claim (saved in ``certs`` when a folder is given); on failure the certificate of what
    was found is saved in ``certs`` or a new temporary folder, and named in the message.
    """
    if op not in _OPERATORS:
        raise InvalidInputError(f"op must be one of {' '.join(_OPERATORS)}, got {op!r}")
    if type(r) is not int or r < 0:
        raise InvalidInputError(f"r must be an integer >= 0, got {r!r}")
    field = parse_field(field)
    if field.kind == "float":
        raise InvalidInputError("assert_rank proves ranks over QQ or GF(p); a float rank is not")
    claim = f"rank of the {_describe(partition)} matricization over {field} {op} {r}"
    if op in (">=", ">"):
        need = r + (op == ">")
        try:
            cert = certify(source, partition, field, claim="ge", r=need, rows=rows, cols=cols)
            return _kept(cert, certs, "rank.json")
        except ExactRankError as exc:
            if not _buildable(source):
                raise AssertionError(
                    f"{claim}: not proven ({exc}), and the grid is too large for the exact rank"
                ) from None
    cert = certify(source, partition, field)
    found = cert["claim"]["r"]
    if not _OPERATORS[op](found, r):
        path = _kept_path(cert, certs, f"rank-eq-{found}.json")
        raise AssertionError(f"{claim}: found rank {found} (proven; certificate {path})")
    return _kept(cert, certs, "rank.json")


def assert_grid_equal(actual, expected, *, field="QQ", show: int = 5) -> None:
    """Assert that two grid tensors are equal entry by entry, exactly, over ``field``.

    Each of ``actual`` and ``expected`` is a model of any kind (its grid tensor over
    ``field`` is computed), a :class:`~exactrank.models.grid.GridTensor` over ``field``, or an
    exact array of shape M × … × M (integers or Fractions, taken in ``field``: reduced
    modulo p over GF(p)). The message lists the first ``show`` differing entries (0-based
    indices) and how many differ. Floats are refused: a float grid proves nothing.
    """
    field = parse_field(field)
    if field.kind == "float":
        raise InvalidInputError(
            "assert_grid_equal compares exact grids over QQ or GF(p), not float"
        )
    a, b = _grid(actual, field, "actual"), _grid(expected, field, "expected")
    if a.shape != b.shape:
        raise AssertionError(f"grid shapes differ: {a.shape} (actual) vs {b.shape} (expected)")
    wrong = [i for i in np.ndindex(a.shape) if a[i] != b[i]]
    if wrong:
        listed = "; ".join(f"{list(i)}: {a[i]} instead of {b[i]}" for i in wrong[:show])
        raise AssertionError(
            f"the grids differ at {len(wrong)} of {a.size} entries: {listed}"
            + (" …" if len(wrong) > show else "")
        )


def assert_rank_formula(family, partition, formula) -> str:
    """Assert that the rank of ``family``'s matricization by ``partition`` is ``formula``
    (a sympy expression in n, the family's size, or in T, its number of steps) for every
    n >= 1, proven by :mod:`exactrank.allsizes`: the family's identity by induction, the
    rank by rules with exact side conditions, the formula by symbolic comparison.

    ``family``: a :class:`~exactrank.allsizes.BlockFamily` carrying its witness (e.g.
    :func:`~exactrank.allsizes.lemma_a2_family`); ``partition``: the one its proof is for
    ("odd-even" for Lemma A.2), compared with the family's modes at n = 1, 2, 3. Returns
    what was proven; fails with an ``AssertionError`` naming the first failing step.
    """
    from .allsizes import AllSizesError, prove_rank_formula
    from .linalg.partitions import parse_partition

    for size in (1, 2, 3):
        rows, cols = family.modes(size)
        wanted = parse_partition(partition, family.length(size))
        if (list(wanted.row_modes), list(wanted.col_modes)) != (rows, cols):
            raise InvalidInputError(
                f"the family's proof is for the matricization rows={rows} (n = {size}), "
                f"not {_describe(partition)}"
            )
    try:
        return prove_rank_formula(family, formula).describe()
    except AllSizesError as exc:
        raise AssertionError(f"rank = {formula} not proven for all sizes: {exc}") from None


def _grid(source, field: Field, where: str) -> np.ndarray:
    """The values of ``source`` in ``field``, as an object array."""
    if isinstance(source, Model):
        source = grid_tensor(source, field)
    if isinstance(source, GridTensor):
        if source.field != field:
            raise InvalidInputError(
                f"the {where} grid is over {source.field}, the comparison over {field}; "
                f"pass field={str(source.field)!r}"
            )
        return np.asarray(source, dtype=object)
    array = np.asarray(source, dtype=object)
    if any(isinstance(v, float) for v in array.flat):
        raise InvalidInputError(f"the {where} grid holds floats; exact numbers are expected")
    if field.kind == "GF":
        residues = [
            fraction_to_residue(Fraction(v), field.p, f"the {where} grid") for v in array.flat
        ]
        array = np.array(residues, dtype=object).reshape(array.shape)
    return array


def _buildable(source) -> bool:
    if isinstance(source, Model):
        return whole_grid(source.M, source.T)
    return True


def _describe(partition) -> str:
    if isinstance(partition, str):
        return partition
    rows, cols = partition  # a Partition or a (rows, cols) pair
    return f"rows {list(rows)} | cols {list(cols)}"


def _kept(cert: dict, certs, name: str) -> dict:
    if certs is not None:
        _kept_path(cert, certs, name)
    return cert


def _kept_path(cert: dict, certs, name: str) -> Path:
    folder = Path(certs) if certs is not None else Path(tempfile.mkdtemp(prefix="exactrank-"))
    folder.mkdir(parents=True, exist_ok=True)
    save_certificate(cert, folder / name)
    return folder / name
