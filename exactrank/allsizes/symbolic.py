"""Seed 001, Lemma A.2's rank symbolic in M and R, from its identity A_n = J^{⊗n} − D_k^{⊗n}.

J is the M × M all-ones matrix and D_k = diag(1, …, 1, 0, …, 0) with k = min(M, R) ones. The
rules of :mod:`.rules`, with their side conditions decided for symbolic M and k:

- rank D_k = k (a diagonal matrix: its nonzero entries), so rank(−D_k^{⊗n}) = k^n;
- J^{⊗n} = u vᵀ with u = v = 1^{⊗n}; col D_k = span(e_0, …, e_{k−1}) and 1 has no zero
  coordinate, so 1 ∈ col D_k exactly when k = M (and likewise for rows);
- k < M: neither is in B's spans, rank k^n + 1;
- k = M: D_M = I, x = −1^{⊗n}, 1 + vᵀx = 1 − M^n, and M^n − 1 > 0 for all M >= 2, n >= 1
  (with M = a + 2, n = b + 1: (a + 2)·(a + 2)^b − 1 >= a + 1, as (a + 2)^b >= 1; sympy),
  so the rank stays M^n.

The result Piecewise((k^n + 1, k < M), (M^n, True)) at k = min(M, R) is compared with the
lemma's Piecewise((R^{T/2} + 1, R < M), (M^{T/2}, True)) at T = 2n in the two cases R = M − d
(d >= 1) and R = M + e (e >= 0), which cover every R; sympy decides each. The identity itself
is proven per (M, R) (:func:`~.families.lemma_a2_family`); this module derives the rank from
it for every M >= 2 and R >= 1 at once.
"""

from __future__ import annotations

import sympy

from .identity import ProofStepFailed
from .rules import RankStep, n

M, R, k = (sympy.Symbol(s, integer=True, positive=True) for s in ("M", "R", "k"))


def power_minus_one_positive() -> bool:
    """M^n − 1 > 0 for all integers M >= 2, n >= 1, decided by sympy as explained above."""
    a, b, z = (sympy.Symbol(s, integer=True, nonnegative=True) for s in ("a", "b", "z"))
    if sympy.ask(sympy.Q.ge((a + 2) ** b, 1)) is not True:
        return False
    shifted = sympy.expand((a + 2) * (1 + z) - 1)  # (a + 2)^b = 1 + z, z >= 0
    poly = sympy.Poly(shifted, a, z)
    return all(c >= 0 for c in poly.coeffs()) and shifted.subs({a: 0, z: 0}) > 0


def diagonal_update_rank() -> RankStep:
    """rank(J^{⊗n} − D_k^{⊗n}) for symbolic M >= 2, 1 <= k <= M, every n >= 1."""
    if not power_minus_one_positive():
        raise ProofStepFailed("rank_one_update (symbolic): 1 − M^n ≠ 0 is not proven")
    rank = sympy.Piecewise((k**n + 1, k < M), (M**n, True))
    return RankStep(
        "rank_one_update (symbolic in M, k)",
        rank,
        "1 ∈ col D_k iff k = M; then 1 − M^n ≠ 0 (M >= 2)",
    )


def lemma_a2_symbolic() -> sympy.Expr:
    """The rank derived for every M >= 2, R >= 1, n >= 1, after checking that it equals the
    lemma's formula in both cases R < M and R >= M."""
    derived = diagonal_update_rank().rank.subs(k, sympy.Min(M, R))
    paper = sympy.Piecewise((R**n + 1, R < M), (M**n, True))
    d = sympy.Symbol("d", integer=True, positive=True)
    e = sympy.Symbol("e", integer=True, nonnegative=True)
    for case, values in (("R < M", {R: M - d}), ("R >= M", {R: M + e})):
        if sympy.simplify(derived.subs(values) - paper.subs(values)) != 0:
            raise ProofStepFailed(
                f"formula ({case}): the rules give {sympy.simplify(derived.subs(values))}, "
                f"the lemma {sympy.simplify(paper.subs(values))}"
            )
    return derived
