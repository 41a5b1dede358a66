"""Seed 001, Lemma A.1 and Theorem 5.2 (corrected) for every even T = 2n.

Lemma A.1: the odd-even rank of a width-W shallow relu network (eq. 14, ξ = max(x, y, 0)) is
at most W·T·M. Proof for every n, along the fold of ξ: a term is λ·max(x_0, …, x_{T−1}, 0),
x_t = u_t[i_t]; by associativity (checked in sympy) it is λ·max(a, b) with a the running
maximum over the row modes, a ← max(a, x_t) from the unit 0, and b the same over the column
modes, so rows with equal a are equal and the rank is at most the number of values a takes.
That number, c(k) after k row modes, satisfies c(0) = 1 (a = 0) and c(k + 1) <= c(k) + M
(the new values are the M values u_t[m]); its solution 1 + k·M is checked by sympy. With
n row modes and W terms (ranks add at most): rank <= W·(n·M + 1), and W·T·M − W·(n·M + 1) =
W·(n·M − 1) >= 0 for all n, M, W >= 1 is proven by :func:`~.rules.nonnegative_for_all`.

Theorem 5.2 (corrected): a width-W shallow relu network whose grid is the Lemma A.2 grid has
rank(A_n) <= W·(n·M + 1) <= W·T·M, and rank(A_n) >= min(M, R)^n for every n (the Lemma A.2
formula proven for all n by :mod:`.structural`), so W >= min(M, R)^{T/2} / (MT), and the
sharper W >= rank(A_n) / (n·M + 1).
"""

from __future__ import annotations

import sympy

from .identity import ProofStepFailed
from .rules import RankStep, n, nonnegative_for_all, sum_bound

M, W, k = sympy.symbols("M W k", integer=True, positive=True)


def fold_split() -> bool:
    """max(x_0, …, x_3, 0) = max(max(x_0, x_2, 0), max(x_1, x_3, 0)): the odd-even split of
    the n-ary relu (associativity and commutativity of max, checked by sympy): the fold of
    seed 001, eq. 14 with ξ = max(x, y, 0), split for Lemma A.1."""
    x = sympy.symbols("x0:4", real=True)
    whole = sympy.Max(*x, 0)
    split = sympy.Max(sympy.Max(x[0], x[2], 0), sympy.Max(x[1], x[3], 0))
    return sympy.simplify(whole - split) == 0


def value_count(step=M) -> sympy.Expr:
    """The number of values of the running maximum after k row modes: the solution of
    c(0) = 1, c(k + 1) = c(k) + step (sympy's rsolve), checked by substitution (seed 001,
    Lemma A.1's count, proof in the module docstring)."""
    c = sympy.Function("c")
    solution = sympy.rsolve(c(k + 1) - c(k) - step, c(k), {c(0): 1})
    if solution is None or sympy.simplify(solution.subs(k, 0) - 1) != 0:
        raise ProofStepFailed("Lemma A.1: the count recursion has no solution with c(0) = 1")
    if sympy.simplify(solution.subs(k, k + 1) - solution - step) != 0:
        raise ProofStepFailed(f"Lemma A.1: {solution} does not grow by {step} per row mode")
    return sympy.expand(solution)


def lemma_a1_bound(step=M) -> RankStep:
    """rank <= W·(n·M + 1) for every n (T = 2n), W terms, M templates; and <= W·T·M: seed 001,
    Lemma A.1 (odd-even matricization)."""
    if not fold_split():
        raise ProofStepFailed("Lemma A.1: max(x, …, 0) does not split into rows and columns")
    per_term = RankStep("distinct_rows", value_count(step).subs(k, n), "rows with equal a", "le")
    bound = sympy.expand(sum_bound(per_term, W).rank)
    if not nonnegative_for_all(W * 2 * n * M - bound, {W: 1, n: 1, M: 1}):
        raise ProofStepFailed(f"Lemma A.1: {bound} <= W·T·M is not proven")
    return RankStep("lemma_a1", bound, "W terms of at most n·M + 1 distinct rows each", "le")


def width_bound(rank_formula, M_value: int, R_value: int) -> tuple[sympy.Expr, sympy.Expr]:
    """(the printed-corrected bound min(M, R)^n / (2nM), the sharper rank/(nM + 1)), after
    checking rank_formula >= min(M, R)^n for every n (its difference is a constant >= 0): the
    width bound of seed 001, Theorem 5.2, by Lemma A.1 and Lemma A.2."""
    floor = sympy.Integer(min(M_value, R_value)) ** n
    gap = sympy.simplify(rank_formula - floor)
    if gap.free_symbols or gap < 0:
        raise ProofStepFailed(f"Theorem 5.2: rank − min(M, R)^n = {gap} is not a constant >= 0")
    lemma_a1_bound()
    return floor / (2 * n * M_value), rank_formula / value_count().subs({k: n, M: M_value})
