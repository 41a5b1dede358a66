"""The papers' constructions as families over all sizes, with their identity witnesses.

- :func:`lemma_a2_family`: seed 001, Lemma A.2, the pairwise-similarity relu RNN; one block
  is a pair of steps (paper steps 2k−1, 2k), the first of each pair a row mode (odd-even);
  T = 2n. Witness: states 0 and 1 (the score so far), A_n = J^{⊗n} − E^{⊗n}, J the M × M
  all-ones matrix, E = diag of min(M, R) ones.
- :func:`one_hot_family`: seed 001, Lemma 5.2, the relu RNN of rank 2 whose grid is the
  one-hot tensor E^(j); letter ℓ = j_t at each step, T = n + 2 (a first and a last step
  around n inner ones). Witness: Γ = e_{j_0} ⊗ … ⊗ e_{j_{T−1}} (the "all ones" term of the
  recursion has output 0).

Each family is read off the construction of :mod:`exactrank.constructions` at its smallest
size (so a change there changes the family); the checks compare the family's network with the
construction at every size of their quick table.
"""

from __future__ import annotations

from .automaton import BlockFamily
from .identity import IdentityTerm


def _steps(model, ts) -> tuple:
    return tuple((model.C[t], model.G[t]) for t in ts)


def lemma_a2_family(M: int, R: int, construction=None) -> BlockFamily:
    """The Lemma A.2 RNN as first = last = nothing, block = its steps 0 and 1 (T = 2)."""
    from ..constructions import pairwise_similarity_rnn

    model = (construction or pairwise_similarity_rnn)(M, R, 2)
    block = (_steps(model, (0, 1)),)
    return BlockFamily("relu", M, ((),), block, ((),), ((), (0,), ()), lemma_a2_witness(M, R))


def lemma_a2_witness(M: int, R: int) -> tuple[IdentityTerm, ...]:
    """A_n = J^{⊗n} − E^{⊗n}: state 1 is "some pair differs", state 0 "all pairs equal
    and below min(M, R)"; S^(0) = E^{⊗n} and S^(1) = J^{⊗n} − E^{⊗n}."""
    k = min(M, R)
    J = [[1] * M for _ in range(M)]
    E = [[int(i == j < k) for j in range(M)] for i in range(M)]
    return (
        IdentityTerm("J", (J,), {(1,): 1}),
        IdentityTerm("E", (E,), {(0,): 1, (1,): -1}),
    )


def one_hot_family(M: int, construction=None) -> BlockFamily:
    """Lemma 5.2's RNN (exactrank.constructions.one_hot_rnn) at T = 3, index (ℓ, ℓ, ℓ): its
    steps 0, 1, 2 are the first, inner and last step for the letter ℓ. Every mode is a row
    mode: the "matricization" is the vectorized grid (one column)."""
    from ..constructions import one_hot_rnn

    models = [(construction or one_hot_rnn)((ell, ell, ell), M) for ell in range(M)]
    parts = [tuple(_steps(m, (t,)) for m in models) for t in range(3)]
    return BlockFamily("relu", M, *parts, rows=((0,), (0,), (0,)), witness=one_hot_witness(M))


def one_hot_witness(M: int) -> tuple[IdentityTerm, ...]:
    """State (0, 1): every input so far matched j; (1, 1): some input did not. The matched
    inputs are e_ℓ ⊗ … (term "e"), the others 1 ⊗ … − e_ℓ ⊗ … (term "1" minus term "e")."""
    e = [[[int(m == ell)] for m in range(M)] for ell in range(M)]
    ones = [[[1] for _ in range(M)] for _ in range(M)]
    return (
        IdentityTerm("e", tuple(e), {(0, 1): 1, (1, 1): -1}, pre=tuple(e)),
        IdentityTerm("1", tuple(ones), {(1, 1): 1}, pre=tuple(ones)),
    )
