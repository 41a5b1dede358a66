"""Seed 001, Lemma A.2 symbolic in M and R: the identity A_n = J^{⊗n} − D_k^{⊗n} and its rank.

J is the M × M all-ones matrix and D_k = diag(1, …, 1, 0, …, 0) with k = min(M, R) ones.

**Identity** (:func:`symbolic_identity`). The cores as functions of their indices
(:func:`symbolic_cores`; the numeric families of :func:`~.families.lemma_a2_family` are built
from the same function, so they are these cores at each M, R): C1[i, m] = 1 − δ_im,
G1[i, 0, j] = δ_ij; C2[i, m] = 1 − δ_im (i < M), C2[M, m] = 1, G2[i, j, 0] = δ_ij (i < M),
G2[M, j, 0] = (1 − k) δ_j0. One pair of steps from the state h ∈ {0, 1} on inputs (a, b) is
the recursion (eq. 16) on these cores, ξ = max(x, y, 0), derived by :func:`one_pair` with
nothing written by hand:

    h1_j = Σ_{i<M} G1[i, 0, j] ξ(C1[i, a], h),
    h'   = Σ_{i<=M} Σ_{j<R} G2[i, j, 0] ξ(C2[i, b], h1_j).

sympy's delta summation collapses Σ_i δ_ij f(i) (leaving "j <= M − 1" conditions); the row
i = M is the last term of the sum over i; the sum over j < R is taken by
:func:`~.deltas.range_sum` in the cases R <= M (k = R, M = k + d) and R > M (k = M,
R = k + 1 + e, the range split at k), where each condition is decided on its range; the
relu of deltas, e.g. max(1 − δ_jb, 1 − δ_ja, 0), becomes a polynomial in the deltas by exact
interpolation on their 0/1 values (:func:`~.deltas.on_deltas`). The result is compared with
h' = 1 − δ_ab·[a < k] from h = 0 and h' = 1 from h = 1, in both cases, for a < k and a >= k:
the states {0, 1} are closed for every M, R, and P(0 → 0) = D_k, P(0 → 1) = J − D_k,
P(1 → 1) = J, P(1 → 0) = 0 as functions of (a, b). The base case and the inductive step of
:mod:`.identity` with the terms J (c = 0, 1) and D_k (c = 1, −1) are then sympy identities in
a, b, k, decided in the cases a < k and a >= k.

**Rank**: the rules of :mod:`.rules`, with their side conditions decided for symbolic M, k:

- rank D_k = k (a diagonal matrix: its nonzero entries), so rank(−D_k^{⊗n}) = k^n;
- J^{⊗n} = u vᵀ with u = v = 1^{⊗n}; col D_k = span(e_0, …, e_{k−1}) and 1 has no zero
  coordinate, so 1 ∈ col D_k exactly when k = M (and likewise for rows);
- k < M: neither is in B's spans, rank k^n + 1;
- k = M: D_M = I, x = −1^{⊗n}, 1 + vᵀx = 1 − M^n, and M^n − 1 > 0 for all M >= 2, n >= 1
  (with M = a + 2, n = b + 1: (a + 2)·(a + 2)^b − 1 >= a + 1, as (a + 2)^b >= 1; sympy),
  so the rank stays M^n.

The result Piecewise((k^n + 1, k < M), (M^n, True)) at k = min(M, R) is compared with the
lemma's Piecewise((R^{T/2} + 1, R < M), (M^{T/2}, True)) at T = 2n in the two cases R = M − d
(d >= 1) and R = M + e (e >= 0), which cover every R; sympy decides each. Not proven: that
exactrank.constructions.pairwise_similarity_rnn(M, R, T) is this family's network for every
M, R, T (lemma_a2_all_sizes compares it core by core at the sizes of its table).
"""

from __future__ import annotations

import sympy

from .deltas import range_sum
from .identity import ProofStepFailed
from .rules import RankStep, n

M, R, k = (sympy.Symbol(s, integer=True, positive=True) for s in ("M", "R", "k"))
a, b, i = (sympy.Symbol(s, integer=True, nonnegative=True) for s in ("a", "b", "i"))
delta = sympy.KroneckerDelta


def symbolic_cores(size_M, size_R, kk):
    """(C1, G1, C2, G2) of one pair of steps of seed 001, Lemma A.2 (C^(t), G^(t) for t odd and
    even) as functions of indices (see above); with
    numbers for size_M, size_R, kk they give the construction's entries."""

    def C2(row, m):
        return 1 if row == size_M else 1 - delta(row, m)

    def G2(row, j):
        return (1 - kk) * delta(j, 0) if row == size_M else delta(row, j)

    return (lambda row, m: 1 - delta(row, m)), delta, C2, G2


def _equal_for_all_a(x, y) -> bool:
    """x = y for every integer a >= 0, in the cases a = k − 1 − e and a = k + e (e >= 0)."""
    e = sympy.Symbol("e", integer=True, nonnegative=True)
    return all(sympy.simplify((x - y).subs(a, value)) == 0 for value in (k - 1 - e, k + e))


def relu(x, y):
    """ξ of a relu RNN (seed 001, §4.1): max(x, y, 0)."""
    return sympy.Max(x, y, 0)


def one_pair(h) -> dict:
    """The state after one pair of steps (seed 001, eq. 16 on Lemma A.2's cores) from the
    state h on inputs (a, b), derived from
    :func:`symbolic_cores` by sympy (see above): {case: expression in a, b, k} for the cases
    "R <= M" and "R > M"."""
    j, i1, d, e = (sympy.Symbol(s, integer=True, nonnegative=True) for s in ("j", "i1", "d", "e"))
    C1, G1, C2, G2 = symbolic_cores(M, R, k)
    h1 = sympy.Sum(G1(i1, j) * relu(C1(i1, a), h), (i1, 0, M - 1)).doit()
    rows = sympy.Sum(G2(i, j) * relu(C2(i, b), h1), (i, 0, M - 1)).doit()
    summand = rows + G2(M, j) * relu(C2(M, b), h1)  # Σ_{i<=M}: the rows i < M, then i = M
    small = summand.subs(M, k + d).subs(R, k)
    large = summand.subs(R, k + 1 + e).subs(M, k)
    return {
        "R <= M": range_sum(small, j, 0, k - 1),
        "R > M": range_sum(large, j, 0, k - 1) + range_sum(large, j, k, k + e, from_top=False),
    }


def symbolic_identity() -> dict:
    """The transition tables P(s → s') of one pair of seed 001, Lemma A.2's steps, symbolic in
    a, b, k (every M, R), after
    checking each step above; raises :class:`ProofStepFailed` naming the failing one."""
    D = sympy.Piecewise((delta(a, b), a < k), (0, True))
    want = {0: 1 - D, 1: sympy.Integer(1)}
    for h in (0, 1):
        for case, got in one_pair(h).items():
            if not _equal_for_all_a(got, want[h]):
                raise ProofStepFailed(
                    f"identity (symbolic): one pair from state {h} ({case}) gives "
                    f"{sympy.simplify(got)}, not {want[h]}"
                )
    P = {(0, 0): D, (0, 1): 1 - D, (1, 0): sympy.Integer(0), (1, 1): sympy.Integer(1)}
    terms = {"J": ({0: 0, 1: 1}, sympy.Integer(1)), "D_k": ({0: 1, 1: -1}, D)}
    for s in (0, 1):  # n = 0: S^(s) = [s = 0], the unit state 0
        if sum(c[s] for c, _ in terms.values()) != int(s == 0):
            raise ProofStepFailed(f"identity (symbolic): base case, state {s}")
    for name, (c, X) in terms.items():
        for target in (0, 1):
            lhs = sum(c[s] * P[(s, target)] for s in (0, 1))
            if not _equal_for_all_a(lhs, c[target] * X):
                raise ProofStepFailed(
                    f"identity (symbolic): inductive step of term {name}, state {target}"
                )
    return P  # the score is the state: A_n = S^(1) = J^{⊗n} − D_k^{⊗n}


def power_minus_one_positive() -> bool:
    """M^n − 1 > 0 for all integers M >= 2, n >= 1, decided by sympy as explained above (no
    paper equation: a side condition of the rank rule)."""
    a, b, z = (sympy.Symbol(s, integer=True, nonnegative=True) for s in ("a", "b", "z"))
    if sympy.ask(sympy.Q.ge((a + 2) ** b, 1)) is not True:
        return False
    shifted = sympy.expand((a + 2) * (1 + z) - 1)  # (a + 2)^b = 1 + z, z >= 0
    poly = sympy.Poly(shifted, a, z)
    return all(c >= 0 for c in poly.coeffs()) and shifted.subs({a: 0, z: 0}) > 0


def diagonal_update_rank() -> RankStep:
    """rank(J^{⊗n} − D_k^{⊗n}) for symbolic M >= 2, 1 <= k <= M, every n >= 1: the rank step
    of seed 001, Lemma A.2's proof ("Rank of such a matrix is R^{T/2} + 1 if R < M")."""
    if not power_minus_one_positive():
        raise ProofStepFailed("rank_one_update (symbolic): 1 − M^n ≠ 0 is not proven")
    rank = sympy.Piecewise((k**n + 1, k < M), (M**n, True))
    return RankStep(
        "rank_one_update (symbolic in M, k)",
        rank,
        "1 ∈ col D_k iff k = M; then 1 − M^n ≠ 0 (M >= 2)",
    )


def lemma_a2_symbolic() -> sympy.Expr:
    """The rank derived for every M >= 2, R >= 1, n >= 1, after checking that it equals seed
    001, Lemma A.2's formula in both cases R < M and R >= M."""
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
