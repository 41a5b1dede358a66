"""Turning user arrays into validated weights: exact rationals or float64.

A model is exact when every weight is an exact number (int, Fraction, flint number or a
string "p/q"): its weights are then stored as numpy object arrays of Fraction. A model built
from float arrays is a float model: it can only be evaluated in the float field.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np

from ..errors import InvalidInputError, InvalidModelError, LimitError, shown
from ..limits import MAX_MODES, MAX_TEMPLATES, MAX_WIDTH
from ..numbers.domains import to_fraction

_LIMITS = {"MAX_MODES": MAX_MODES, "MAX_TEMPLATES": MAX_TEMPLATES, "MAX_WIDTH": MAX_WIDTH}


def check_limit(value: int, name: str, what: str) -> None:
    """Refuse a size beyond the limit ``name`` of :mod:`exactrank.limits` (MAX_MODES for T,
    MAX_TEMPLATES for M, MAX_WIDTH for every other dimension), naming what it sizes."""
    if value > _LIMITS[name]:
        raise LimitError(f"{what} = {shown(value)} is more than {name} = {_LIMITS[name]}")


def _index_text(index: tuple[int, ...]) -> str:
    return "".join(f"[{i}]" for i in index)


def as_array(value, where: str) -> np.ndarray:
    """``value`` as a numpy array, with ragged nesting reported as a model error."""
    if isinstance(value, flint.fmpz_mat | flint.fmpq_mat):
        value = value.tolist()
    if isinstance(value, np.ndarray):
        return value
    try:
        A = np.asarray(value, dtype=object)
    except ValueError as exc:
        raise InvalidModelError(f"{where}: not a rectangular array ({exc})") from None
    if A.ndim > 4:  # no weight has more axes (and numpy iterates over at most 32)
        raise InvalidModelError(
            f"{where}: nested {A.ndim} levels deep; a weight array has at most 4 dimensions"
        )
    if A.dtype == object and any(isinstance(v, list | tuple) for v in A.flat):
        raise InvalidModelError(f"{where}: not a rectangular array (rows of different lengths)")
    return A


def is_float_array(A: np.ndarray) -> bool:
    """True when an array holds floats (a float dtype or a float among its objects)."""
    if A.dtype.kind == "f":
        return True
    if A.dtype == object:
        return any(isinstance(v, float | np.floating) for v in A.flat)
    return False


def convert(A: np.ndarray, where: str, exact: bool) -> np.ndarray:
    """Exact weights as an object array of Fraction, or float weights as float64."""
    if not exact:
        try:
            return np.array(A.tolist() if A.dtype == object else A, dtype=np.float64).reshape(
                A.shape
            )
        except (TypeError, ValueError):
            out = np.empty(A.shape, dtype=np.float64)
            for index in np.ndindex(A.shape):
                out[index] = float(to_fraction(A[index], f"{where}{_index_text(index)}"))
            return out
    if A.dtype.kind in "iu":
        out = np.empty(A.shape, dtype=object)
        out.flat[:] = [Fraction(int(v)) for v in A.flat]
        return out
    out = np.empty(A.shape, dtype=object)
    values = A.ravel()
    try:  # the place of a bad weight is spelled out only when there is one
        out.flat[:] = [v if type(v) is Fraction else to_fraction(v) for v in values]
    except InvalidInputError:
        for flat, v in enumerate(values):
            index = np.unravel_index(flat, A.shape)
            try:
                to_fraction(v, f"{where}{_index_text(index)}")
            except InvalidInputError as exc:
                raise InvalidModelError(str(exc)) from None
        raise
    return out


def check_ndim(A: np.ndarray, ndim: int, where: str, meaning: str) -> None:
    """Refuse an array of the wrong order, naming the array and the shape expected."""
    if A.ndim != ndim:
        raise InvalidModelError(
            f"{where} must be a {ndim}-D array {meaning}, got shape {A.shape} ({A.ndim}-D)"
        )


def feature_matrix(F, M: int, exact: bool) -> np.ndarray:
    """The feature matrix of the templates (seed 001, eq. 19): row m is f_θ(x^(m))."""
    if F is None:
        eye = np.eye(M, dtype=np.int64)
        return convert(eye, "F", exact)
    F = as_array(F, "F")
    check_ndim(F, 2, "F", "(M, M)")
    if F.shape != (M, M):
        raise InvalidModelError(f"F must have shape ({M}, {M}) for M = {M}, got {F.shape}")
    return convert(F, "F", exact)


def fmpq_matrix(A: np.ndarray):
    """A 2-D array of exact rationals (Fractions or ints) as a python-flint fmpq_mat."""
    return flint.fmpq_mat([[flint.fmpq(q.numerator, q.denominator) for q in row] for row in A])


def require_invertible_features(model, needed_for: str) -> None:
    """Check exactly that the feature matrix F (seed 001, eq. 19) is invertible.

    Constructions that pass from a grid tensor back to the cores (seed 001, Lemma A.2 and
    the universality of Theorem 5.2) need F invertible. The determinant is computed over QQ
    by FLINT, so the check is exact; a float model cannot be checked and is refused.
    """
    if not model.exact:
        raise InvalidModelError(
            f"{needed_for} needs an invertible F, which can only be checked exactly for a model "
            "with exact weights; this one has float weights"
        )
    F = fmpq_matrix(model.F)
    if F.det() == 0:
        raise InvalidModelError(
            f"{needed_for} needs an invertible F, but F (M = {model.M}) is singular: "
            f"its rank is {F.rank()} < {model.M}"
        )
