"""The papers' constructions as families over all sizes, with their identity witnesses.

- :func:`lemma_a2_family`: seed 001, Lemma A.2, the pairwise-similarity relu RNN; one block
  is a pair of steps (paper steps 2k−1, 2k), the first of each pair a row mode (odd-even);
  T = 2n. Witness: states 0 and 1 (the score so far), A_n = J^{⊗n} − E^{⊗n}, J the M × M
  all-ones matrix, E = diag of min(M, R) ones.
- :func:`one_hot_family`: seed 001, Lemma 5.2, the relu RNN of rank 2 whose grid is the
  one-hot tensor E^(j); letter ℓ = j_t at each step, T = n + 2 (a first and a last step
  around n inner ones). Witness: Γ = e_{j_0} ⊗ … ⊗ e_{j_{T−1}} (the "all ones" term of the
  recursion has output 0).

Each family is built from the definitions of its cores (:func:`lemma_a2_cores`,
:func:`one_hot_cores`: the entries as functions of their indices, M and R, written after the
paper), so what is proven for every n is a statement about that family and does not depend
on :mod:`exactrank.constructions`. That the construction there *is* the family's network at
size n is checked core by core (:meth:`~.automaton.BlockFamily.same_network`) at every size
of the checks' tables, not proven for every n. Given a ``construction``, a family is instead
read off it at its smallest size (tests use this to break a family).
"""

from __future__ import annotations

import numpy as np

from .automaton import BlockFamily
from .identity import IdentityTerm


def _steps(model, ts) -> tuple:
    return tuple((model.C[t], model.G[t]) for t in ts)


def _array(shape, entry) -> np.ndarray:
    """The integer array of ``shape`` whose entry at an index tuple x is entry(*x)."""
    out = np.empty(shape, dtype=object)
    for x in np.ndindex(shape):
        out[x] = int(entry(*x))
    return out


def lemma_a2_cores(M: int, R: int) -> tuple:
    """The pair of steps of seed 001, Lemma A.2 from their definitions
    (:func:`~.symbolic.symbolic_cores` at M, R, k = min(M, R)): C1 = 1 − I (M × M),
    G1 = I_(M,R) as M × 1 × R; C2 = [1 − I; 1] ((M + 1) × M), G2 = [I_(M,R); b] as
    (M + 1) × R × 1 with b = (1 − k)·e_0."""
    from .symbolic import symbolic_cores

    C1, G1, C2, G2 = symbolic_cores(M, R, min(M, R))
    return (
        (_array((M, M), C1), _array((M, 1, R), lambda i, _, j: G1(i, j))),
        (_array((M + 1, M), C2), _array((M + 1, R, 1), lambda i, j, _: G2(i, j))),
    )


def lemma_a2_family(M: int, R: int, construction=None) -> BlockFamily:
    """The seed 001, Lemma A.2 RNN as first = last = nothing, block = the pair of steps: from
    the cores' definitions (:func:`lemma_a2_cores`), or read off ``construction`` at T = 2."""
    if construction is None:
        block = (lemma_a2_cores(M, R),)
    else:
        block = (_steps(construction(M, R, 2), (0, 1)),)
    return BlockFamily("relu", M, ((),), block, ((),), ((), (0,), ()), lemma_a2_witness(M, R))


def lemma_a2_witness(M: int, R: int) -> tuple[IdentityTerm, ...]:
    """A_n = J^{⊗n} − E^{⊗n} (seed 001, Lemma A.2's proof: all ones but min(M, R)^{T/2}
    zeros on the diagonal): state 1 is "some pair differs", state 0 "all pairs equal
    and below min(M, R)"; S^(0) = E^{⊗n} and S^(1) = J^{⊗n} − E^{⊗n}."""
    k = min(M, R)
    J = [[1] * M for _ in range(M)]
    E = [[int(i == j < k) for j in range(M)] for i in range(M)]
    return (
        IdentityTerm("J", (J,), {(1,): 1}),
        IdentityTerm("E", (E,), {(0,): 1, (1,): -1}),
    )


def one_hot_cores(M: int) -> tuple:
    """(first, inner, last): per letter ℓ the step of seed 001, Lemma 5.2's RNN, from the
    definition of
    exactrank.constructions.one_hot_rnn: the width-2 shallow network 1 − (1 − E^(j)), terms
    v_0^(t) = 1 − e_(j_t) with λ_0 = −1 and v_1^(t) = 1 with λ_1 = 1 (Prop. A.4), added as
    in Lemma 5.1. C = [1 − e_ℓ; 1] (2 × M) at every step; G = the identity as 2 × 1 × 2
    (first), G[i, j, k] = δ_ij δ_jk (inner), G[i, j, 0] = λ_i δ_ij (last)."""

    def C(ell):
        return _array((2, M), lambda i, m: 1 if i == 1 else int(m != ell))

    lam = (-1, 1)
    G = (
        _array((2, 1, 2), lambda i, _, k: i == k),
        _array((2, 2, 2), lambda i, j, k: i == j == k),
        _array((2, 2, 1), lambda i, j, _: lam[i] * (i == j)),
    )
    return tuple(tuple(((C(ell), g),) for ell in range(M)) for g in G)


def one_hot_family(M: int, construction=None) -> BlockFamily:
    """Seed 001, Lemma 5.2's RNN: the first, inner and last step for the letter ℓ from their
    definitions (:func:`one_hot_cores`), or read off ``construction`` at T = 3, index (ℓ, ℓ, ℓ).
    Every mode is a row mode: the "matricization" is the vectorized grid (one column)."""
    if construction is None:
        parts = one_hot_cores(M)
    else:
        models = [construction((ell, ell, ell), M) for ell in range(M)]
        parts = [tuple(_steps(m, (t,)) for m in models) for t in range(3)]
    return BlockFamily("relu", M, *parts, rows=((0,), (0,), (0,)), witness=one_hot_witness(M))


def one_hot_witness(M: int) -> tuple[IdentityTerm, ...]:
    """The grid of seed 001, Lemma 5.2, the one-hot E^(j) = e_{j_0} ⊗ … ⊗ e_{j_{T−1}}.

    State (0, 1): every input so far matched j; (1, 1): some input did not. The matched
    inputs are e_ℓ ⊗ … (term "e"), the others 1 ⊗ … − e_ℓ ⊗ … (term "1" minus term "e")."""
    e = [[[int(m == ell)] for m in range(M)] for ell in range(M)]
    ones = [[[1] for _ in range(M)] for _ in range(M)]
    return (
        IdentityTerm("e", tuple(e), {(0, 1): 1, (1, 1): -1}, pre=tuple(e)),
        IdentityTerm("1", tuple(ones), {(1, 1): 1}, pre=tuple(ones)),
    )
