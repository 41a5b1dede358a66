"""Rank rules for matrices built from fixed exact factors by Kronecker powers (issue 14).

Every rule checks its side conditions exactly, on the *fixed* factors only, and returns the
rank as a sympy expression in the size n, valid for every n >= 1; when a side condition fails
it raises :class:`RuleRefused` naming the rule and the condition. The facts used are those of
linear algebra (not of the papers):

- rank(A ⊗ B) = rank A · rank B, so rank(P ⊗ E^{⊗n} ⊗ Q) = rank P · (rank E)^n · rank Q;
- col(A ⊗ B) = col A ⊗ col B, so for nonzero vectors x ⊗ y ∈ col(A ⊗ B) exactly when
  x ∈ col A and y ∈ col B: membership in the column space of a Kronecker power is decided
  on one factor;
- rank(B + u vᵀ) = rank B + 1 when u ∉ col B and v ∉ row B; rank B when exactly one of them
  is in; when both are (u = B x, vᵀ = yᵀ B) it is rank B − 1 if 1 + vᵀ x = 0, else rank B;
- rank(A ⊕ B) = rank A + rank B; rank(A + B) <= rank A + rank B; rank(P A Q) = rank A for
  permutation matrices P, Q;
- rank(U Vᵀ) <= the inner dimension of the factorization.

The Lemma A.2 matrix of seed 001, J − E^{⊗n} with J = 1 1ᵀ (of size M^n), is the update rule
applied to B = −E^{⊗n}, u = v = 1^{⊗n} (docs/all-sizes.md works it through).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np
import sympy

from ..errors import ExactRankError, shown
from ..numbers.domains import to_fraction

n = sympy.Symbol("n", integer=True, positive=True)  # the size of a family: n >= 1


class AllSizesError(ExactRankError):
    """An all-sizes proof that does not go through: the message names the failing step."""


class RuleRefused(AllSizesError):
    """A rank rule whose side condition does not hold on the given factors."""


@dataclass(frozen=True)
class RankStep:
    """A rank derived by a rule: the sympy expression (in n), the relation ("eq": the rank
    equals it for every n >= 1; "le": the rank is at most it) and why."""

    rule: str
    rank: sympy.Expr
    reason: str
    relation: str = "eq"


@dataclass(frozen=True)
class KroneckerTerm:
    """coefficient · pre ⊗ base^{⊗n} ⊗ post, with fixed exact matrices (lists of rows)."""

    coefficient: Fraction
    pre: tuple
    base: tuple
    post: tuple

    def __post_init__(self):
        object.__setattr__(self, "coefficient", to_fraction(self.coefficient, "coefficient"))
        for name in ("pre", "base", "post"):
            object.__setattr__(self, name, exact_matrix(getattr(self, name), name))

    @property
    def factors(self) -> tuple:
        return (self.pre, self.base, self.post)

    def matrix(self, size: int) -> np.ndarray:
        """The explicit matrix at n = size (object array of exact numbers), for cross-checks;
        integral factors are multiplied as Python ints (Fractions are ~10 times slower)."""
        out = _exact_array(self.pre)
        for F in [self.base] * size + [self.post]:
            out = np.kron(out, _exact_array(F))
        return out * _exact_array(((self.coefficient,),))[0, 0]

    def is_zero(self) -> bool:
        """Zero for every n >= 1 (a zero coefficient or a zero factor)."""
        return self.coefficient == 0 or any(_is_zero(F) for F in self.factors)


def exact_matrix(A, where: str = "matrix") -> tuple:
    """A 2-D matrix of exact rationals as a tuple of tuples of Fractions (floats refused)."""
    rows = tuple(
        tuple(to_fraction(v, f"{where}[{i}][{j}]") for j, v in enumerate(row))
        for i, row in enumerate(_rows(A))
    )
    if not rows or not rows[0] or len({len(r) for r in rows}) != 1:
        raise RuleRefused(f"{where}: expected a non-empty rectangular matrix, got {shown(A)}")
    return rows


def _exact_array(A: tuple) -> np.ndarray:
    """An object array of the Fractions of A, as ints when every one is integral."""
    integral = all(v.denominator == 1 for row in A for v in row)
    return np.array([[v.numerator if integral else v for v in row] for row in A], dtype=object)


def _rows(A):
    return A.tolist() if hasattr(A, "tolist") else list(A)


def _is_zero(A: tuple) -> bool:
    return all(v == 0 for row in A for v in row)


def _flint(A: tuple):
    return flint.fmpq_mat([[flint.fmpq(v.numerator, v.denominator) for v in row] for row in A])


def matrix_rank(A) -> int:
    """The exact rank of a fixed matrix (FLINT over QQ)."""
    return _flint(exact_matrix(A)).rank()


def transpose(A: tuple) -> tuple:
    return tuple(zip(*A, strict=True))


def solve_in_span(A: tuple, u: tuple) -> tuple | None:
    """Some x with A x = u (u a column given as a tuple), or None when u ∉ col A."""
    augmented = _flint(tuple(row + (b,) for row, b in zip(A, u, strict=True)))
    reduced, r = augmented.rref()
    cols = len(A[0])
    x = [Fraction(0)] * cols
    for i in range(r):
        pivot = next(j for j in range(cols + 1) if reduced[i, j] != 0)
        if pivot == cols:
            return None  # a pivot in the appended column: inconsistent
        value = reduced[i, cols]
        x[pivot] = Fraction(int(value.p), int(value.q))
    return tuple(x)


def rank_one_factors(A: tuple) -> tuple[tuple, tuple]:
    """(u, v) with A = u vᵀ, for a matrix of rank exactly 1 (else refused)."""
    if matrix_rank(A) != 1:
        raise RuleRefused(f"rank_one_factors: the matrix has rank {matrix_rank(A)}, not 1")
    i, j = next((i, j) for i, row in enumerate(A) for j, v in enumerate(row) if v != 0)
    u = tuple(row[j] for row in A)
    v = tuple(A[i][k] / A[i][j] for k in range(len(A[0])))
    return u, v


# ----------------------------------------------------------------------------- the rules


def kronecker_rank(term: KroneckerTerm) -> RankStep:
    """rank(c · P ⊗ E^{⊗n} ⊗ Q) = rank P · (rank E)^n · rank Q, for c ≠ 0."""
    if term.coefficient == 0:
        raise RuleRefused("kronecker_rank: the coefficient is 0 (the term is the zero matrix)")
    p, e, q = (matrix_rank(F) for F in term.factors)
    return RankStep(
        "kronecker_rank",
        sympy.Integer(p) * sympy.Integer(e) ** n * sympy.Integer(q),
        f"rank(A ⊗ B) = rank A · rank B: ranks {p}, {e}^n, {q}",
    )


def rank_one_update(B: KroneckerTerm, U: KroneckerTerm) -> RankStep:
    """rank(B + U) for every n >= 1, where U has rank one in every factor (U = s u vᵀ with
    u, v Kronecker products), membership of u in col B and of v in row B decided factor by
    factor (u^{⊗n} ∈ col E^{⊗n} ⇔ u ∈ col E, for u ≠ 0)."""
    base = kronecker_rank(B)
    if U.coefficient == 0:
        raise RuleRefused("rank_one_update: the update's coefficient is 0 (no update)")
    for name, F in zip(("pre", "base", "post"), U.factors, strict=True):
        if matrix_rank(F) != 1:
            raise RuleRefused(
                f"rank_one_update: the update's {name} factor has rank {matrix_rank(F)}, not 1"
            )
    pairs = [rank_one_factors(F) for F in U.factors]
    shapes = [(len(F), len(F[0])) for F in B.factors]
    if [(len(u), len(v)) for u, v in pairs] != shapes:
        raise RuleRefused(
            f"rank_one_update: the factors' shapes differ: {shapes} (B) and "
            f"{[(len(u), len(v)) for u, v in pairs]} (update)"
        )
    xs = [solve_in_span(F, u) for F, (u, _) in zip(B.factors, pairs, strict=True)]
    ys = [solve_in_span(transpose(F), v) for F, (_, v) in zip(B.factors, pairs, strict=True)]
    u_in, v_in = all(x is not None for x in xs), all(y is not None for y in ys)
    if not u_in and not v_in:
        return RankStep(
            "rank_one_update",
            base.rank + 1,
            "u ∉ col B and v ∉ row B (decided on the factors): rank B + 1",
        )
    if u_in != v_in:
        return RankStep("rank_one_update", base.rank, "exactly one of u, v in B's span: rank B")
    # both in: rank B − 1 exactly when 1 + (s/b) vᵀx = 0, vᵀx = c_pre · c^n · c_post
    cs = [
        sum(a * b for a, b in zip(v, x, strict=True)) for (_, v), x in zip(pairs, xs, strict=True)
    ]
    target = -B.coefficient / U.coefficient  # the rank drops where c_pre c^n c_post = target
    k = _power_hits(cs[1], target, cs[0] * cs[2])
    if k is not None:
        raise RuleRefused(
            f"rank_one_update: u ∈ col B, v ∈ row B and 1 + vᵀB⁺u = 0 at n = {k}: the rank "
            "drops there, no formula uniform in n"
        )
    return RankStep(
        "rank_one_update",
        base.rank,
        f"u ∈ col B, v ∈ row B and 1 + (s/b)·vᵀx ≠ 0 for every n >= 1 (vᵀx = "
        f"{_show(cs[0] * cs[2])}·{_show(cs[1])}^n, s/b = "
        f"{_show(U.coefficient / B.coefficient)}): rank B",
    )


def _show(x: Fraction) -> str:
    """A number for a reason, at most ~40 digits (else its size: str() of a 5000-digit int
    is refused by Python outside exactrank.limits.digits_allowed)."""
    bits = max(abs(x.numerator).bit_length(), x.denominator.bit_length())
    return str(x) if bits <= 128 else f"(a number of about {int(bits * 0.30103)} digits)"


def _power_hits(c: Fraction, target: Fraction, scale: Fraction) -> int | None:
    """The least n >= 1 with scale · c^n = target, or None when there is none (exact)."""
    if scale == 0 or c == 0:
        return 1 if scale * c == target else None
    goal = target / scale
    if goal == 0:  # c ≠ 0: no power of c is 0
        return None
    if abs(c) == 1:
        return next((k for k in (1, 2) if c**k == goal), None)
    value, k = c, 1
    while (abs(value) <= abs(goal)) if abs(c) > 1 else (abs(value) >= abs(goal)):
        if value == goal:
            return k
        value, k = value * c, k + 1
    return None


def direct_sum_rank(*steps: RankStep) -> RankStep:
    """rank(A ⊕ B ⊕ …) = rank A + rank B + … (the blocks' ranks, already derived)."""
    if not steps:
        raise RuleRefused("direct_sum_rank: no blocks")
    relation = "le" if any(s.relation == "le" for s in steps) else "eq"
    return RankStep("direct_sum_rank", sympy.Add(*(s.rank for s in steps)), "ranks add", relation)


def sum_bound(step: RankStep, copies) -> RankStep:
    """rank(A_1 + … + A_c) <= rank A_1 + … + rank A_c (subadditivity), for ``copies``
    matrices each of rank bounded (or given) by ``step``."""
    return RankStep(
        "sum_bound", sympy.sympify(copies) * step.rank, "the rank of a sum is at most the sum", "le"
    )


def permuted_rank(P, step: RankStep, Q) -> RankStep:
    """rank(P A Q) = rank A, once P and Q are checked to be permutation matrices."""
    for name, X in (("P", P), ("Q", Q)):
        X = exact_matrix(X, name)
        ones = sorted((i, j) for i, row in enumerate(X) for j, v in enumerate(row) if v != 0)
        if (
            len(X) != len(X[0])
            or any(X[i][j] != 1 for i, j in ones)
            or (
                sorted(i for i, _ in ones) != list(range(len(X)))
                or sorted(j for _, j in ones) != list(range(len(X)))
            )
        ):
            raise RuleRefused(f"permuted_rank: {name} is not a permutation matrix")
    return RankStep("permuted_rank", step.rank, "permutations keep the rank", step.relation)


def factorization_bound(inner: sympy.Expr | int) -> RankStep:
    """rank(U Vᵀ) <= the number of columns of U (= of V): the inner terms."""
    return RankStep(
        "factorization_bound", sympy.sympify(inner), "U Vᵀ with this many inner terms", "le"
    )


def nonnegative_for_all(expr, lower: dict) -> bool:
    """Decide expr >= 0 for all integers var >= lower[var] by shifting var = lower + k
    (k >= 0) and expanding: True when every coefficient is >= 0 (a proof); False means
    "not proven this way", not "false"."""
    shifted = sympy.expand(
        sympy.sympify(expr).subs(
            {v: sympy.Symbol(f"_{v}", nonnegative=True) + b for v, b in lower.items()}
        )
    )
    if shifted.free_symbols - {sympy.Symbol(f"_{v}", nonnegative=True) for v in lower}:
        return False
    poly = (
        sympy.Poly(shifted, *sorted(shifted.free_symbols, key=str))
        if shifted.free_symbols
        else None
    )
    if poly is None:
        return bool(shifted >= 0)
    return all(c >= 0 for c in poly.coeffs())
