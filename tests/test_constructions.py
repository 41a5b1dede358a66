"""The papers' constructions against what the papers say they compute."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
from oracles import frac_nested, grid_to_nested, inverse_fraction, rank_fraction, shallow_score

import exactrank as er
from exactrank.constructions import (
    coefficient_network,
    direct_sum,
    one_hot_rnn,
    pairwise_similarity_rnn,
    pairwise_similarity_shallow,
    perturbation_base_rnn,
    shallow_as_rnn,
    template_coefficients,
    universal_rnn,
)

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


def _random_rnn(xi, M, T, rng):
    L = [rng.randint(1, 3) for _ in range(T)]
    R = [1] + [rng.randint(1, 3) for _ in range(T - 1)] + [1]
    C = [
        [[Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(M)] for _ in range(L[t])]
        for t in range(T)
    ]
    G = [
        [[[rng.randint(-5, 5) for _ in range(R[t + 1])] for _ in range(R[t])] for _ in range(L[t])]
        for t in range(T)
    ]
    return er.GeneralizedRNN(xi, C, G)


@pytest.mark.parametrize("xi", ["relu", "product", "sum"])
@pytest.mark.parametrize("T", [1, 2, 3])
def test_direct_sum_against_brute_force(xi, T):
    """Lemma 5.1, every sequence by the brute-force evaluator (eq. 16), rational a and b."""
    rng = random.Random(T)
    A, B = _random_rnn(xi, 2, T, rng), _random_rnn(xi, 2, T, rng)
    a, b = Fraction(-3, 7), Fraction(5, 2)
    S = direct_sum(A, B, "-3/7", "5/2")
    for sequence in itertools.product(range(2), repeat=T):
        assert er.score(S, sequence) == a * er.score(A, sequence) + b * er.score(B, sequence)


@pytest.mark.parametrize("xi", ["relu", "product", "sum"])
def test_shallow_as_rnn_against_brute_force(xi):
    """Prop. A.4 + Lemma 5.1: the RNN scores every sequence as the shallow network (eq. 14)."""
    rng = random.Random(7)
    V = [[[Fraction(rng.randint(-5, 5), 2) for _ in range(3)] for _ in range(3)] for _ in range(2)]
    shallow = er.GeneralizedShallow(xi, [3, "-1/2"], V, F=random_invertible(3, rng))
    rnn = shallow_as_rnn(shallow)
    assert rnn.ranks == (2, 2)
    for sequence in itertools.product(range(3), repeat=3):
        assert er.score(rnn, sequence) == er.score(shallow, sequence)


def test_direct_sum_refuses_mismatched_models():
    rng = random.Random(0)
    with pytest.raises(er.InvalidInputError, match="differ"):
        direct_sum(_random_rnn("relu", 2, 2, rng), _random_rnn("relu", 3, 2, rng))
    with pytest.raises(er.InvalidInputError, match="differ"):
        direct_sum(_random_rnn("relu", 2, 2, rng), _random_rnn("sum", 2, 2, rng))
    A = _random_rnn("relu", 2, 2, rng)
    B = er.GeneralizedRNN("relu", A.C, A.G, F=[[1, 1], [0, 1]])
    with pytest.raises(er.InvalidInputError, match="feature"):
        direct_sum(A, B)


@pytest.mark.parametrize("M,R,T", [(2, 2, 2), (2, 1, 4), (3, 2, 4), (2, 3, 4), (3, 3, 2)])
def test_pairwise_similarity_shallow(M, R, T):
    """Width min(M, R)^{T/2} + 1, and the Lemma A.2 grid at every sequence (brute force)."""
    model = pairwise_similarity_shallow(M, R, T)
    width = model.R
    assert width == min(M, R) ** (T // 2) + 1
    for sequence in itertools.product(range(M), repeat=T):
        assert er.score(model, sequence) == paired_zero(M, R, sequence), sequence


@pytest.mark.parametrize("xi", ["relu", "product"])
@pytest.mark.parametrize("features", ["identity", "random"])
def test_universal_rnn_against_brute_force(xi, features):
    """Theorem 5.1 / Prop. A.5: every entry of H, by the brute-force evaluator."""
    rng = random.Random(11)
    H = [
        [[Fraction(rng.randint(-9, 9), rng.randint(1, 2)) for _ in range(2)] for _ in range(2)]
        for _ in range(2)
    ]
    F = None if features == "identity" else random_invertible(2, rng)
    model = universal_rnn(H, xi, F=F)
    for sequence in itertools.product(range(2), repeat=3):
        i, j, k = sequence
        assert er.score(model, sequence) == H[i][j][k]


def test_one_hot_rnn_and_its_errors():
    model = one_hot_rnn((2, 0), 3)
    for sequence in itertools.product(range(3), repeat=2):
        assert er.score(model, sequence) == (sequence == (2, 0))
    with pytest.raises(er.InvalidInputError):
        one_hot_rnn((3, 0), 3)
    with pytest.raises(er.InvalidInputError):
        universal_rnn([[1, 2], [3, 4]], "sum")
    with pytest.raises(er.InvalidModelError, match="singular"):
        universal_rnn([[1, 2], [3, 4]], "relu", F=[[1, 1], [1, 1]])


@pytest.mark.parametrize("M,R,T", [(2, 1, 1), (2, 2, 3), (3, 2, 2)])
def test_perturbation_base_rnn_is_constant(M, R, T):
    """Theorem 5.3's base network: 2(MR)^{T−1} at every sequence, with F = I and random F."""
    for F in (None, random_invertible(M, random.Random(M + R + T))):
        model = perturbation_base_rnn(M, R, T, F=F)
        for sequence in itertools.product(range(M), repeat=T):
            assert er.score(model, sequence) == 2 * (M * R) ** (T - 1)


@pytest.mark.parametrize("M,T", [(2, 2), (2, 3), (3, 2)])
def test_template_coefficients_against_loops(M, T):
    """Prop. A.5 (corrected): Ĥ_n = Σ_j H_j Π_t (F^(−1))_{n_t j_t}, summed by plain loops on
    Fractions, and ⟨Ĥ, Φ⟩ = H on the templates by the oracle's shallow score."""
    rng = random.Random(M * 10 + T)
    F = [[Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(M)] for _ in range(M)]
    while rank_fraction(F) < M:
        F[0][0] += 1
    inverse = inverse_fraction(F)
    H = {j: rng.randint(-9, 9) for j in itertools.product(range(M), repeat=T)}
    H_hat = template_coefficients(np.array(grid_to_nested(H, M, T), dtype=object), F)
    for n in itertools.product(range(M), repeat=T):
        expected = sum(
            (H[j] * np.prod([inverse[n[t]][j[t]] for t in range(T)]) for j in H), Fraction(0)
        )
        assert H_hat[n] == expected
    net = coefficient_network(H_hat, F)
    lam, V = frac_nested(net.lambda_), frac_nested(net.V)
    for seq in itertools.product(range(M), repeat=T):
        assert shallow_score(lam, V, F, "product", seq) == H[seq]


def test_coefficient_network_of_zero_is_zero():
    net = coefficient_network(np.zeros((2, 2, 2), dtype=object))
    assert net.R == 1 and not any(er.grid_tensor(net).to_fractions().flat)
