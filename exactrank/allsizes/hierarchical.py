"""Seed 000, Theorem 3 for every N = 2^L: the HT network's odd-even rank reaches ρ^{N/2}.

ρ = min(r_0, M). The proof's weight setting (COLT 2016, proof of Theorem 1; F = I, identity
activation, product pooling, the contiguous tree of pairs): leaf convs a^{0,j,α} = e_α for
α < ρ and 0 otherwise; level-1 convs a^{1,j,γ}_α = [α < ρ]; inner convs at levels 2 … L−1
a^{l,j,γ}_α = [α = 0]; the dense output all ones. :func:`proof_weights` defines the family
by these per-level weights; :func:`proof_network` places them on the tree of N = 2^L leaves
(every node of a level carries its level's weights). The proof reads the weights from
:func:`proof_weights` only, so it is a proof for the family they define, at every L; that
:func:`proof_network` (the network the cross-checks evaluate) is that family's network is its
definition, compared weight by weight at the checked sizes.

Proof for every L by induction over the network's own recursion (the tree, level by level).
Invariant: the odd-even matricization of every level-l conv output γ (l >= 1) is
c_{l,γ} · D^{⊗2^{l−1}}, D = diag of ρ ones. The odd-even matricization of an outer product of
two such tensors on consecutive blocks of modes is the Kronecker product of theirs (rows:
the left block's row modes first, in C order), so product pooling maps (c, c) to c ∘ c and
the next conv to c' = W (c ∘ c):

- base (level 1): the level-1 conv outputs are computed exactly as M × M matrices from the
  leaf and level-1 weights and each is checked to be c_{1,γ} · D;
- step: the coefficient vectors reachable from c_1 under c ↦ W (c ∘ c) are finitely many and
  closed (a finite exact check), and the output's coefficient κ(c) = Σ_α out_α c_α² is
  nonzero on each of them (and for N = 2 the output is checked directly).

So A_N = κ · D^{⊗N/2} with κ ≠ 0 and the Kronecker rule gives rank ρ^{N/2} for every N.

Why one weight setting suffices for generic weights: every entry of the grid is a
polynomial in the weights, so every ρ^{N/2} × ρ^{N/2} minor is one too. At the proof's
weights one such minor is nonzero, so that polynomial is not identically zero, and its zero
set has measure zero: the rank is >= ρ^{N/2} for almost every weight setting, at every N.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from ..geometry.trees import contiguous_tree
from ..models import HierarchicalNetwork
from .identity import ProofStepFailed
from .rules import KroneckerTerm, RankStep, kronecker_rank

MAX_VECTORS = 64  # reachable coefficient vectors c_l


def _frac(A) -> np.ndarray:
    return np.vectorize(Fraction, otypes=[object])(np.asarray(A, dtype=object))


def proof_weights(M: int, r0: int, r: int) -> tuple:
    """(leaf, level 1, inner, output): the proof's weights per level, as Fraction arrays; the
    output has width r (r_0 at N = 2, where it follows the leaves)."""
    rho = min(r0, M)
    leaf = [[int(g == m < rho) for m in range(M)] for g in range(r0)]
    level1 = [[int(a < rho) for a in range(r0)] for _ in range(r)]
    inner = [[int(a == 0) for a in range(r)] for _ in range(r)]
    return tuple(_frac(w) for w in (leaf, level1, inner, [1] * r))


def proof_network(M: int, r0: int, r: int, N: int, weights=proof_weights) -> HierarchicalNetwork:
    """The HT network at N = 2^L modes whose every node of level l carries the level's
    weights from ``weights(M, r0, r)`` (default: the proof's)."""
    leaf, level1, inner, out = weights(M, r0, r)
    L = N.bit_length() - 1
    levels = [leaf, level1] + [inner] * (L - 2)
    tree_weights = [[w] * (N >> l) for l, w in enumerate(levels[:L])]
    output = out if L > 1 else _frac([1] * leaf.shape[0])
    return HierarchicalNetwork(contiguous_tree(N), tree_weights, output)


def same_network(a: HierarchicalNetwork, b: HierarchicalNetwork) -> bool:
    """The same tree, and the same weights at every node and output (exactly)."""
    shapes = [[len(level) for level in net.weights] for net in (a, b)]
    if a.tree != b.tree or shapes[0] != shapes[1]:
        return False
    arrays = [
        (x, y)
        for la, lb in zip(a.weights, b.weights, strict=True)
        for x, y in zip(la, lb, strict=True)
    ] + [(a.output, b.output)]
    return all(
        _frac(x).shape == _frac(y).shape and bool((_frac(x) == _frac(y)).all()) for x, y in arrays
    )


def prove_ht_rank(weights=proof_weights, M=2, r0=2, r=2) -> tuple[RankStep, str]:
    """The Kronecker rank of A_N = κ D^{⊗N/2} for every N = 2^L >= 4, and the states seen,
    for the family of the per-level ``weights(M, r0, r)`` (leaf, level 1, inner, output);
    raises :class:`ProofStepFailed` naming the failing step."""
    rho = min(r0, M)
    D = _frac([[int(i == j < rho) for j in range(M)] for i in range(M)])
    leaf, level1, inner, out = weights(M, r0, r)
    c = []
    for g in range(level1.shape[0]):
        conv = sum(level1[g, a] * np.outer(leaf[a], leaf[a]) for a in range(leaf.shape[0]))
        scale = next((conv[i, j] for i, j in zip(*np.nonzero(D), strict=True)), Fraction(0))
        if not (conv == scale * D).all():
            raise ProofStepFailed(f"base case: the level-1 conv output {g} is not c · D")
        c.append(scale)
    seen, state = [], tuple(c)
    while state not in seen:
        seen.append(state)
        if len(seen) > MAX_VECTORS:
            raise ProofStepFailed(f"inductive step: more than {MAX_VECTORS} coefficient vectors")
        if max(max(x.numerator.bit_length(), x.denominator.bit_length()) for x in state) > 1024:
            raise ProofStepFailed(  # squaring doubles the digits: stop before it hangs
                "inductive step: a coefficient past 1024 bits, the vectors are not a finite set"
            )
        squares = np.array([x * x for x in state], dtype=object)
        state = tuple(inner.dot(squares))
    kappas = [sum(o * x * x for o, x in zip(out, s, strict=True)) for s in seen]
    if any(k == 0 for k in kappas):
        raise ProofStepFailed("output: κ = Σ out_α c_α² is 0 at a reachable level")
    step = kronecker_rank(KroneckerTerm(kappas[0], [[1]], D.tolist(), [[1]]))
    return step, f"{len(seen)} coefficient vector(s) {[tuple(map(str, s)) for s in seen]}"


def ht_formula() -> sympy.Expr:
    """The theorem's rank, min(r_0, M)^{N/2}, in the symbols of exactrank.allsizes."""
    M, r0, N = sympy.symbols("M r_0 N", integer=True, positive=True)
    return sympy.Min(r0, M) ** (N / 2)
