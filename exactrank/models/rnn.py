"""The generalized RNN (seed 001, eq. 16–17), the ξ-analogue of the tensor train.

h^(−1) = [unit of ξ];  h^(t)_k = Σ_{i,j} G[t][i, j, k] · ξ((C[t] f(x^(t)))_i, h^(t−1)_j);
score = h^(T−1)_0. C[t] has shape (L_t, M) and G[t] shape (L_t, R_{t−1}, R_t) with
R_{−1} = R_{T−1} = 1; L_t and R_t are free per step. With ξ = product the recursion is the
TT score (seed 001, Lemma 3.1, eq. 8–9).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidModelError
from ..numbers.domains import Field
from ._weights import as_array, check_limit, check_ndim, convert, feature_matrix, is_float_array
from .operators import Xi, get_xi


@dataclass(frozen=True, eq=False)
class GeneralizedRNN:
    """Per-step cores C[t] (L_t, M) and G[t] (L_t, R_{t−1}, R_t), t = 0 … T−1, and F.

    ``shared`` records that the inner steps 1 … T−2 use one C and one G (seed 001, §5,
    G(2) = … = G(T−1)); build such a model with :meth:`with_shared_cores`.
    """

    xi: Xi
    C: tuple
    G: tuple
    F: np.ndarray | None = None
    shared: bool = False
    exact: bool = field(init=False)

    kind = "generalized-rnn"

    def __post_init__(self):
        xi = get_xi(self.xi)
        C, G = _steps(self.C, "C"), _steps(self.G, "G")
        if not C:
            raise InvalidModelError("an RNN needs T >= 1 steps: C is empty")
        if len(C) != len(G):
            raise InvalidModelError(f"C has {len(C)} steps but G has {len(G)}; both need T")
        check_limit(len(C), "MAX_MODES", "T (the steps of C and G)")
        C = [as_array(c, f"C[{t}]") for t, c in enumerate(C)]
        G = [as_array(g, f"G[{t}]") for t, g in enumerate(G)]
        for t, (c, g) in enumerate(zip(C, G, strict=True)):
            check_ndim(c, 2, f"C[{t}]", "(L_t, M)")
            check_ndim(g, 3, f"G[{t}]", "(L_t, R_{t-1}, R_t)")
        M = C[0].shape[1]
        _validate_shapes(C, G, M)
        F = self.F if self.F is None else as_array(self.F, "F")
        exact = not any(is_float_array(A) for A in C + G + ([] if F is None else [F]))
        C = tuple(convert(c, f"C[{t}]", exact) for t, c in enumerate(C))
        G = tuple(convert(g, f"G[{t}]", exact) for t, g in enumerate(G))
        if self.shared:
            _check_shared(C, G)
        object.__setattr__(self, "xi", xi)
        object.__setattr__(self, "C", C)
        object.__setattr__(self, "G", G)
        object.__setattr__(self, "F", feature_matrix(F, M, exact))
        object.__setattr__(self, "exact", exact)

    @classmethod
    def with_shared_cores(cls, xi, first, inner, last, T: int, F=None) -> GeneralizedRNN:
        """An RNN whose inner steps 1 … T−2 share one (C, G) (seed 001, eq. 12).

        ``first``, ``inner`` and ``last`` are (C, G) pairs: shapes (L, M), (L, 1, R) for the
        first step, (L, M), (L, R, R) for the inner ones and (L, M), (L, R, 1) for the last.
        """
        if not isinstance(T, int | np.integer) or isinstance(T, bool):
            raise InvalidModelError(f"T must be an integer, got {type(T).__name__}")
        if T < 2:
            raise InvalidModelError(f"shared cores need T >= 2 (a first and a last step), got {T}")
        check_limit(T, "MAX_MODES", "T")
        if T == 2:  # no inner step, but a bad inner core is still refused (a reader checks it)
            for name, A, ndim in (("C", inner[0], 2), ("G", inner[1], 3)):
                A = as_array(A, f"{name}[1]")
                check_ndim(A, ndim, f"{name}[1]", "(the inner core)")
                convert(A, f"{name}[1]", not is_float_array(A))
        # the inner core as arrays once: its T − 2 steps then share the arrays, not copies
        inner = tuple(as_array(A, f"{name}[1]") for name, A in zip("CG", inner, strict=True))
        steps = [first] + [inner] * (T - 2) + [last]
        return cls(xi, [c for c, _ in steps], [g for _, g in steps], F=F, shared=True)

    @property
    def T(self) -> int:
        return len(self.C)

    @property
    def M(self) -> int:
        return self.C[0].shape[1]

    @property
    def L(self) -> tuple[int, ...]:
        """L_t, the number of rows of C[t], per step."""
        return tuple(c.shape[0] for c in self.C)

    @property
    def ranks(self) -> tuple[int, ...]:
        """R_0 … R_{T−2}: the hidden-state sizes between steps (the TT-ranks)."""
        return tuple(g.shape[2] for g in self.G[:-1])

    def check_field(self, field: Field) -> None:
        """Refuse a domain in which ξ is not exact (no paper equation: a domain check)."""
        self.xi.check_field(field)

    def __repr__(self) -> str:
        return (
            f"GeneralizedRNN(xi={self.xi.name}, M={self.M}, T={self.T}, L={self.L}, "
            f"ranks={self.ranks}, shared={self.shared}, exact={self.exact})"
        )


def _steps(value, name: str) -> list:
    """The per-step list of ``C`` or ``G``; anything else is refused by name."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, np.ndarray) and value.ndim >= 1:
        return list(value)
    raise InvalidModelError(
        f"{name} must be a list with one array per step t = 0 … T−1, got {type(value).__name__}"
    )


def _validate_shapes(C: list, G: list, M: int) -> None:
    """Every mismatch names the step, the arrays and both sizes."""
    T = len(C)
    check_limit(M, "MAX_TEMPLATES", "M (the columns of C[0])")
    for t in range(T):
        L_t, M_t = C[t].shape
        check_limit(L_t, "MAX_WIDTH", f"L_{t} (the rows of C[{t}])")
        check_limit(G[t].shape[2], "MAX_WIDTH", f"R_{t} (G[{t}].shape[2])")
        if M_t != M:
            raise InvalidModelError(f"C[{t}] has {M_t} columns but C[0] has M = {M}")
        if G[t].shape[0] != L_t:
            raise InvalidModelError(
                f"step {t}: G[{t}] has L = {G[t].shape[0]} (shape {G[t].shape}) "
                f"but C[{t}] has L_{t} = {L_t} rows (shape {C[t].shape})"
            )
        R_prev = 1 if t == 0 else G[t - 1].shape[2]
        if G[t].shape[1] != R_prev:
            what = (
                "R_{-1} = 1 at the first step" if t == 0 else f"G[{t - 1}] has R_{t - 1} = {R_prev}"
            )
            raise InvalidModelError(
                f"step {t}: G[{t}] has R_{t - 1} = {G[t].shape[1]} (shape {G[t].shape}) but {what}"
            )
    if G[T - 1].shape[2] != 1:
        raise InvalidModelError(
            f"step {T - 1}: the last core G[{T - 1}] must have R_{T - 1} = 1 (one score), "
            f"got shape {G[T - 1].shape}"
        )
    if M < 1:
        raise InvalidModelError(f"C[0] must have M >= 1 columns, got shape {C[0].shape}")


def _check_shared(C: tuple, G: tuple) -> None:
    for t in range(2, len(C) - 1):
        for name, A in (("C", C), ("G", G)):
            if A[t].shape != A[1].shape or not np.array_equal(A[t], A[1]):
                raise InvalidModelError(
                    f"shared cores: {name}[{t}] differs from {name}[1] (inner steps must be equal)"
                )
