"""The generalized shallow network (seed 001, eq. 14–15), the ξ-analogue of CP.

score(X) = Σ_r λ_r · ξ(⟨f(x^(0)), v_r^(0)⟩, …, ⟨f(x^(T−1)), v_r^(T−1)⟩), with the n-ary ξ
the fold of the binary one. With ξ = product it is the CP decomposition (seed 001, eq. 5–6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidModelError
from ..numbers.domains import Field
from ._weights import as_array, check_limit, check_ndim, convert, feature_matrix, is_float_array
from .operators import Xi, get_xi


@dataclass(frozen=True, eq=False)
class GeneralizedShallow:
    """λ (R,), V (R, T, M), F (M, M): a width-R generalized shallow network (seed 001, eq. 14,
    parameters eq. 15, F of eq. 19).

    Weights are exact (object arrays of Fraction) unless some were given as floats, in
    which case the whole model is a float model (``exact`` is False).
    """

    xi: Xi
    lambda_: np.ndarray
    V: np.ndarray
    F: np.ndarray | None = None
    exact: bool = field(init=False)

    kind = "generalized-shallow"

    def __post_init__(self):
        xi = get_xi(self.xi)
        lam, V = as_array(self.lambda_, "lambda"), as_array(self.V, "V")
        check_ndim(lam, 1, "lambda", "(R,)")
        check_ndim(V, 3, "V", "(R, T, M)")
        R, T, M = V.shape
        if lam.shape[0] != R:
            raise InvalidModelError(
                f"lambda has {lam.shape[0]} entries but V has R = {R} rows (shape {V.shape})"
            )
        if T < 1 or M < 1:
            raise InvalidModelError(f"V must have T >= 1 and M >= 1, got shape {V.shape}")
        check_limit(T, "MAX_MODES", "T (V.shape[1])")
        check_limit(M, "MAX_TEMPLATES", "M (V.shape[2])")
        check_limit(R, "MAX_WIDTH", "R (V.shape[0], the length of lambda)")
        F = self.F if self.F is None else as_array(self.F, "F")
        exact = not any(is_float_array(A) for A in (lam, V) + (() if F is None else (F,)))
        object.__setattr__(self, "xi", xi)
        object.__setattr__(self, "lambda_", convert(lam, "lambda", exact))
        object.__setattr__(self, "V", convert(V, "V", exact))
        object.__setattr__(self, "F", feature_matrix(F, M, exact))
        object.__setattr__(self, "exact", exact)

    @property
    def R(self) -> int:
        return self.V.shape[0]

    @property
    def T(self) -> int:
        return self.V.shape[1]

    @property
    def M(self) -> int:
        return self.V.shape[2]

    def check_field(self, field: Field) -> None:
        """Refuse a domain in which ξ is not exact (no paper equation: a domain check)."""
        self.xi.check_field(field)

    def __repr__(self) -> str:
        return (
            f"GeneralizedShallow(xi={self.xi.name}, M={self.M}, T={self.T}, R={self.R}, "
            f"exact={self.exact})"
        )
