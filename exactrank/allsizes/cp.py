"""Seed 000, Claim 2 for every N and all weights: a CP grid's matricizations have rank <= r_0.

The shallow network (seed 000, eq. 1, fig. 3(b); unshared weights a^{j,γ}) computes its
score by one product pooling over all N modes, i.e. by the running product
p_γ^(k) = p_γ^(k−1) · a^{k,γ}_{d_k}, p_γ^(0) = 1, and A = Σ_γ λ_γ p_γ^(N). For a partition
(I, J) of the modes the invariant is p_γ^(k) = u_γ · v_γ, u_γ the product over the modes of
I seen so far and v_γ over those of J. Induction over k, with symbolic weights (sympy):

- base: p_γ^(0) = 1 = u_γ v_γ with u_γ = v_γ = 1 (empty products);
- step: adding mode k to I: p a = (u a) v; adding it to J: p a = u (v a) (sympy expands
  both sides; every partition is built by one choice per step).

So A = U diag(λ) V with U[rows, γ] = u_γ and V[γ, cols] = v_γ, r_0 inner terms, and the
factorization rule gives rank <= r_0 for every N, every partition and all weights.
:func:`symbolic_factorization` checks the same identity entry by entry at small sizes with
every weight a sympy symbol.
"""

from __future__ import annotations

import itertools

import sympy

from .identity import ProofStepFailed
from .rules import RankStep, factorization_bound

R0 = sympy.Symbol("r_0", integer=True, positive=True)


def running_product(p, a):
    """One step of the network's product pooling: the running product times the new factor
    (the CP decomposition of seed 000, eq. 1, one mode at a time)."""
    return p * a


def row_step(u, v, a):
    """The factorization after adding the mode to I (rows): (u · a, v); seed 000, Claim 2's
    induction step."""
    return u * a, v


def col_step(u, v, a):
    """The factorization after adding the mode to J (columns): (u, v · a); seed 000, Claim 2's
    induction step."""
    return u, v * a


def prove_cp_bound() -> RankStep:
    """rank <= r_0 for every N, partition and weights, by the induction above (sympy): seed
    000, §4, Claim 2 for the shallow network of eq. 1."""
    u, v, a = sympy.symbols("u v a")
    if sympy.expand(running_product(sympy.Integer(1), 1) - 1) != 0:
        raise ProofStepFailed("base case: the empty product is not 1 = u v with u = v = 1")
    for side, step in (("I", row_step), ("J", col_step)):
        new_u, new_v = step(u, v, a)
        if sympy.expand(running_product(u * v, a) - new_u * new_v) != 0:
            raise ProofStepFailed(
                f"inductive step (mode added to {side}): p·a = {sympy.expand(u * v * a)} but "
                f"the factorization gives {sympy.expand(new_u * new_v)}"
            )
    return factorization_bound(R0)


def symbolic_factorization(M: int, N: int, r0: int, rows, terms: int | None = None) -> None:
    """Check A = U diag(λ) V entry by entry with every weight a symbol (N modes, partition
    rows | the rest), U and V built with ``terms`` inner terms (default r_0): seed 000, Claim 2
    at one size, the CP decomposition of eq. 1 with unshared weights."""
    terms = r0 if terms is None else terms
    lam = sympy.symbols(f"lambda0:{r0}")
    a = [[sympy.symbols(f"a{j}_{g}_0:{M}") for g in range(r0)] for j in range(N)]
    cols = [j for j in range(N) if j not in rows]
    for d in itertools.product(range(M), repeat=N):
        entry = sum(lam[g] * sympy.Mul(*(a[j][g][d[j]] for j in range(N))) for g in range(r0))
        U = [sympy.Mul(*(a[j][g][d[j]] for j in rows)) for g in range(terms)]
        V = [lam[g] * sympy.Mul(*(a[j][g][d[j]] for j in cols)) for g in range(terms)]
        if sympy.expand(entry - sum(x * y for x, y in zip(U, V, strict=True))) != 0:
            raise ProofStepFailed(
                f"factorization: the entry {d} of the partition {list(rows)} | {cols} is not "
                f"(U diag(λ) V) with {terms} inner terms"
            )
