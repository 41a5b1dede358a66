"""The papers' constructions against what the papers say they compute."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
from oracles import rank_fraction

import exactrank as er
from exactrank.constructions import pairwise_similarity_rnn

SIZES = [(M, R, T) for M in (1, 2, 3) for R in (1, 2, 3, 4) for T in (2, 4)] + [(2, 3, 6)]


def paired_zero(M: int, R: int, sequence) -> int:
    """Seed 001, Lemma A.2 (proof): 0 on (i_1, i_1, …, i_{T/2}, i_{T/2}) with every
    i_k < min(M, R) (0-based), 1 on every other sequence."""
    pairs = list(zip(sequence[::2], sequence[1::2], strict=True))
    return 0 if all(a == b < min(M, R) for a, b in pairs) else 1


def random_invertible(M: int, rng: random.Random):
    while True:
        F = [[Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(M)] for _ in range(M)]
        if rank_fraction(F) == M:
            return F


@pytest.mark.parametrize("M,R,T", SIZES)
@pytest.mark.parametrize("features", ["identity", "random"])
def test_pairwise_similarity_grid(M, R, T, features):
    rng = random.Random(M * 100 + R * 10 + T)
    F = None if features == "identity" else random_invertible(M, rng)
    model = pairwise_similarity_rnn(M, R, T, F=F)
    grid = er.grid_tensor(model).to_fractions()
    for sequence in itertools.product(range(M), repeat=T):
        assert grid[sequence] == paired_zero(M, R, sequence), sequence
    assert er.score(model, [0] * T) == paired_zero(M, R, [0] * T)


@pytest.mark.parametrize("M,R,T", SIZES)
def test_pairwise_similarity_rank(M, R, T):
    """The lemma's count: R^{T/2} + 1 if R < M, else M^{T/2} (a 1 × 1 all-zero grid for
    M = 1 <= R has rank 0: the formula's M^{T/2} = 1 counts the zero diagonal entry)."""
    A = er.matricize(er.grid_tensor(pairwise_similarity_rnn(M, R, T)), "odd-even")
    result = er.rank(A)
    expected = R ** (T // 2) + 1 if R < M else M ** (T // 2)
    if M == 1:
        expected = 0
    assert result.exact and result.rank == expected


def test_pairwise_similarity_refuses_bad_sizes_and_singular_F():
    with pytest.raises(er.InvalidInputError, match="even"):
        pairwise_similarity_rnn(2, 2, 3)
    with pytest.raises(er.InvalidInputError, match="M"):
        pairwise_similarity_rnn(0, 2, 2)
    with pytest.raises(er.InvalidModelError, match="singular"):
        pairwise_similarity_rnn(2, 2, 2, F=[[1, 2], [2, 4]])
