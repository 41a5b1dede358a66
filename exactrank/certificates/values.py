"""Reading a certificate's values: the rejection a checker raises, expected types, index lists
and exact numbers (docs/certificates.md, "Numbers everywhere ...": JSON integers or "p/q"
strings; over GF(p) a/b is a·b⁻¹ mod p, refused when p divides b).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import shown
from ..numbers.domains import Field, fraction_to_residue, to_fraction
from ..numbers.kernels import INT64_SAFE, max_abs, reduce_mod


class _Rejected(Exception):
    """A certificate whose claim does not follow (verdict NOT VERIFIED)."""


def _expect(value, kind, where: str):
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Rejected(f"{where}: expected {getattr(kind, '__name__', kind)}, got {shown(value)}")
    return value


def _index_list(value, bound: int, where: str) -> list[int]:
    items = _expect(value, list, where)
    for i in items:
        if type(i) is not int or not 0 <= i < bound:
            raise _Rejected(f"{where}: {shown(i, 40)} is not an index in 0 … {shown(bound - 1)}")
    if len(set(items)) != len(items):
        raise _Rejected(f"{where}: an index is repeated")
    return items


def _exact_values(items: list, field: Field, where: str) -> tuple[np.ndarray, int]:
    """Numbers of a certificate as (integer array, denominator) over QQ, residues over GF(p)."""
    if all(type(item) is int for item in items):  # the common case, without Fractions
        X = _narrow(np.array(items, dtype=object))
        return (reduce_mod(X, field.p) if field.kind == "GF" else X), 1
    fractions = []
    for i, item in enumerate(items):
        if type(item) is not int and not isinstance(item, str):
            raise _Rejected(
                f"{where}[{i}]: expected an integer or a 'p/q' string, got {item!r:.40}"
            )
        fractions.append(to_fraction(item, f"{where}[{i}]"))
    if field.kind == "GF":
        flat, den = [fraction_to_residue(q, field.p, where) for q in fractions], 1
    else:
        den = math.lcm(*(q.denominator for q in fractions)) if fractions else 1
        flat = [q.numerator * (den // q.denominator) for q in fractions]
    return _narrow(np.array(flat, dtype=object)), den


def _narrow(X: np.ndarray) -> np.ndarray:
    """Integers as int64 when they fit (fast paths), else as Python integers."""
    try:
        Y = np.array(X, dtype=np.int64)
    except OverflowError:
        return np.asarray(X, dtype=object)
    return Y if max_abs(Y) < INT64_SAFE else np.asarray(X, dtype=object)
