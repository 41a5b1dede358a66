"""Seed 001, Lemma A.2 for every even T: odd-even rank = R^(T/2) + 1 if R < M, else M^(T/2).

For each (M, R) of the table, a proof for all T = 2n (exactrank.allsizes, docs/all-sizes.md):

1. family identity: the pairwise-similarity RNN (exactrank.constructions, F = I) repeats one
   pair of steps; its hidden state after each pair is the score so far, and the states
   reachable from h^(−1) = 0 are {0, 1}, closed under one more pair (a finite exact check).
   By induction over n (base case and inductive step checked exactly on the pair's
   transition tables) the odd-even matricization is A_n = J^{⊗n} − E^{⊗n}, J the M × M
   all-ones matrix and E the diagonal of min(M, R) ones;
2. rank by rules: rank(E^{⊗n}) = min(M, R)^n; the update J^{⊗n} = 1^{⊗n} (1^{⊗n})ᵀ adds 1
   when 1 ∉ col E (R < M) and keeps the rank when 1 ∈ col E (R >= M; then 1 + vᵀB⁺u =
   1 − M^n ≠ 0 for every n >= 1, decided exactly);
3. the derived expression in n is compared with the lemma's formula, a sympy Piecewise in
   M, R and T with T = 2n: their difference simplifies to 0.

What is proven for every T is a statement about the family built from the cores'
definitions (exactrank.allsizes.families.lemma_a2_cores: C1 = 1 − I, G1 = I_(M,R),
C2 = [1 − I; 1], G2 = [I_(M,R); b], as functions of M and R; the symbolic proof uses the same
function). That exactrank.constructions.pairwise_similarity_rnn(M, R, T) is that family's
network is checked core by core at every T = 2, 4, … up to the quick table's largest, where
the grid is also compared with J − E^(⊗n) and the exact rank (exactrank.rank) with the
formula; beyond those T it is read off the construction's code, not proven. With --certs
each (M, R) saves a structural certificate (claim kind "formula") that `exactrank verify`
re-checks.
"""

from __future__ import annotations

import sympy

import exactrank as er
from exactrank.allsizes import (
    AllSizesError,
    lemma_a2_family,
    make_certificate,
    n,
    prove_rank_formula,
)
from exactrank.allsizes.rules import exact_matrix
from exactrank.allsizes.structural import SYMBOLS
from exactrank.allsizes.symbolic import lemma_a2_symbolic, symbolic_identity
from exactrank.certificates import verify_certificate
from exactrank.checks.theorems import CheckResult, keep, outcome, run_script
from exactrank.constructions import pairwise_similarity_rnn

NAME = "lemma_a2_all_sizes"
CLAIM = (
    "all sizes: odd-even rank of the Lemma A.2 grid = R^(T/2) + 1 if R < M, else M^(T/2), "
    "for every even T (proof by induction and rank rules)"
)
EXPECTED = "PASS"
QUICK = [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3), (4, 2), (4, 3), (5, 2)]
FULL = QUICK + [(5, 4), (6, 3), (7, 5), (8, 8), (9, 2)]
CROSS_CHECK_ENTRIES = 1 << 14  # exact ranks at T = 2, 4, … while M^T is at most this
M_, R_, T_ = SYMBOLS["M"], SYMBOLS["R"], SYMBOLS["T"]
PAPER = sympy.Piecewise((R_ ** (T_ / 2) + 1, R_ < M_), (M_ ** (T_ / 2), True))
construction = pairwise_similarity_rnn  # tests replace it (or the family) by a broken one
family_of = lemma_a2_family  # the family proven for all T, from the cores' definitions


def paper_formula(M: int, R: int) -> sympy.Expr:
    """The lemma's rank at (M, R), in T (the Piecewise resolved)."""
    return PAPER.subs({M_: M, R_: R})


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, failures, instances = [], [], 0, 1
    try:
        tables = symbolic_identity()
        symbolic = lemma_a2_symbolic()
        details.append(
            "symbolic in M, R: one pair of the cores as functions of M, R, derived by sympy "
            "(delta sums collapsed, relu of deltas interpolated on their 0/1 values, conditions "
            f"decided in the cases R <= M, R > M), gives P(0 → 0) = {tables[(0, 0)]}, so "
            "A_n = J^(⊗n) − D_k^(⊗n), k = min(M, R), for every M, R, n "
            f"(sympy); the rules give {symbolic}, the lemma's formula for every M >= 2, R >= 1 "
            "(cases R < M, R >= M by sympy); the numeric families below are built from the "
            "same core functions, and their identity is also proven numerically"
        )
    except AllSizesError as exc:
        symbolic, failures = None, 1
        details.append(f"symbolic in M, R: {exc}")
    for M, R in FULL if full else QUICK:
        family = family_of(M, R)
        formula = paper_formula(M, R)
        instances += 1
        try:
            proof = prove_rank_formula(family, formula)
            _is_j_minus_d(proof, M, R, symbolic)
        except AllSizesError as exc:
            failures += 1
            details.append(f"M={M} R={R}: no proof for all T: {exc}")
            continue
        checked, wrong = _cross_check(family, M, R, proof)
        failures += bool(wrong)
        instances += checked
        details.append(
            f"M={M} R={R}: {proof.describe()}; pairwise_similarity_rnn(M, R, T) is the "
            f"family's network, its grid J − E^(⊗n) and exact ranks agree at T = 2 … "
            f"{2 * checked}" + (f"; {wrong}" if wrong else "")
        )
        if certs is not None:
            cert = make_certificate(family, str(formula), "seed 001, Lemma A.2")
            verdict = verify_certificate(cert)
            failures += not verdict
            saved += keep(certs, f"lemma_a2_all_sizes_M{M}_R{R}.json", cert)
    details.append(
        "proven for every even T: the rank of the family built from the cores' definitions "
        "(lemma_a2_cores); checked at the T above only, not proven beyond: that "
        "exactrank.constructions.pairwise_similarity_rnn is that family's network"
    )
    largest = max(FULL if full else QUICK)
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=f"all sizes (every even T), {len(FULL if full else QUICK)} (M, R) up to "
        f"M = {largest[0]}",
        quantity=f"rank {paper_formula(*largest)} at M = {largest[0]}, R = {largest[1]}",
    )


def _is_j_minus_d(proof, M: int, R: int, symbolic) -> None:
    """The proven identity is J^(⊗n) − D_min(M,R)^(⊗n), so the symbolic rank applies, and it
    agrees with the rank proven for this (M, R)."""
    J = [[1] * M for _ in range(M)]
    D = [[int(i == j < min(M, R)) for j in range(M)] for i in range(M)]
    terms = [
        (t.coefficient * t.pre[0][0] * t.post[0][0], t.base)
        for t in proof.identity.kronecker_terms()
    ]
    if sorted(terms, key=str) != sorted([(1, exact_matrix(J)), (-1, exact_matrix(D))], key=str):
        raise AllSizesError(f"the identity is not J^(⊗n) − D_{min(M, R)}^(⊗n)")
    if symbolic is not None:
        value = symbolic.subs({SYMBOLS["M"]: M, SYMBOLS["R"]: R})
        if sympy.simplify(value - proof.formula) != 0:
            raise AllSizesError(f"the symbolic rank gives {value}, the proof {proof.formula}")


def _cross_check(family, M: int, R: int, proof) -> tuple[int, str]:
    """The construction at T = 2, 4, … (M^T <= CROSS_CHECK_ENTRIES): its odd-even matrix
    against the identity's expression, its exact rank against the formula; how many sizes
    were checked, and the first disagreement ("" if none)."""
    formula, terms, k = proof.formula, proof.identity.kronecker_terms(), 1
    while M ** (2 * k) <= CROSS_CHECK_ENTRIES:
        model = construction(M, R, 2 * k)
        if not family.same_network(model, k):
            return k, f"T={2 * k}: the construction's network is not the family's"
        A = er.matricize(er.grid_tensor(model).to_fractions(), "odd-even")
        result = er.rank(A)  # both bounds proven (exact), or it is no cross-check
        got = result.rank if result.exact else None
        if not (sum(t.matrix(k) for t in terms) == A).all():
            return k, f"T={2 * k}: the grid is not the identity's expression"
        if got != formula.subs(n, k):
            return k, f"T={2 * k}: exact rank {got}, formula {formula.subs(n, k)}"
        k += 1
    return k - 1, ""


if __name__ == "__main__":
    run_script(check)
