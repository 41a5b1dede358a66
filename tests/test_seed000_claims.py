"""Seed 000, Claims 5 and 6 (rectifier networks): their constructions against plain loops,
the exact decision for one channel of average pooling, and checks that can fail."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import hierarchical_score

import exactrank as er
from exactrank.checks import theorems
from exactrank.checks.realizability import relu_mean_rank_one
from exactrank.constructions import collapsing_conv, pairwise_similarity_conv


def _oracle_grid(model):
    weights = [[np.array(W).tolist() for W in level] for level in model.weights]
    acts = [a.name for a in model.activation]
    pools = [p.name for p in model.pooling]
    return {
        seq: hierarchical_score(model.tree, weights, list(model.output), None, acts, pools, seq)
        for seq in itertools.product(range(model.M), repeat=model.N)
    }


@pytest.mark.parametrize("pooling", ["max", "mean"])
@pytest.mark.parametrize("M,N", [(2, 2), (3, 2), (2, 4), (3, 4)])
def test_pairwise_similarity_conv_against_the_oracle(pooling, M, N):
    """The network run on every sequence by tests/oracles.py gives 1 − D (max) or D (mean)."""
    for seq, value in _oracle_grid(pairwise_similarity_conv(M, N, pooling)).items():
        paired = int(all(seq[k] == seq[k + 1] for k in range(0, N, 2)))
        assert value == (1 - paired if pooling == "max" else paired)


@pytest.mark.parametrize("pooling", ["max", "mean"])
def test_collapsing_conv_is_constant(pooling):
    values = set(_oracle_grid(collapsing_conv(2, 4, 3, pooling)).values())
    assert len(values) == 1 and values.pop() > 0


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.sampled_from([-2, -1, 1, 3]),
    st.data(),
)
def test_relu_mean_rank_one_recovers_sums_of_nonnegative_parts(N, M, lam, data):
    B = [
        [Fraction(data.draw(st.integers(0, 9)), data.draw(st.integers(1, 4))) for _ in range(M)]
        for _ in range(N)
    ]
    G = np.empty((M,) * N, dtype=object)
    for i in itertools.product(range(M), repeat=N):
        G[i] = Fraction(lam, N) * sum(B[t][i[t]] for t in range(N))
    found = relu_mean_rank_one(G)
    assert found is not None
    got_lam, got_B = found
    assert (got_B >= 0).all()
    for i in itertools.product(range(M), repeat=N):
        assert G[i] == got_lam / N * sum(got_B[t][i[t]] for t in range(N))
    if N >= 2 and M >= 2:  # one changed entry breaks additive separability
        G[(0,) * N] += 1
        assert relu_mean_rank_one(G) is None


@pytest.mark.parametrize(
    "G,expected",
    [
        ([[1, 0], [0, 1]], None),  # not a sum of one-input functions
        ([[-5, 1], [1, 7]], None),  # a sum, but of both signs
        ([[0, 1], [1, 2]], 2),
        ([[0, -1], [-1, -2]], -2),
        ([[0, 0], [0, 0]], 2),
    ],
)
def test_relu_mean_rank_one_by_hand(G, expected):
    found = relu_mean_rank_one(np.array(G, dtype=object))
    assert (found is None) if expected is None else found[0] == expected


def test_claim_6_mean_box_is_the_open_box_of_radius_one_half_at_M_2():
    """r_lo = 1/M for mean pooling (seed000_claim_6's docstring: F may turn singular beyond;
    the leaf pre-activations need not be >= 0, relu at a leaf acts on one input): every
    radius below 1/2 is certified, 1/2 itself (the open box's edge) and beyond are not."""
    module = theorems.load("seed000_claim_6")
    base = collapsing_conv(2, 4, 2, "mean")
    assert module.certified_box(base, Fraction(1, 3) + Fraction(1, 10**9))
    assert module.certified_box(base, Fraction(1, 2) - Fraction(1, 10**9))
    assert not module.certified_box(base, Fraction(1, 2))


@pytest.mark.parametrize("name", ["seed000_claim_5", "seed000_claim_6"])
def test_the_checks_pass(name):
    assert theorems.run(name).as_expected


def test_a_broken_claim_5_construction_fails(monkeypatch):
    module = theorems.load("seed000_claim_5")
    real = module.pairwise_similarity_conv

    def broken(M, N, pooling):
        model = real(M, N, pooling)
        weights = [[np.array(W, dtype=object) for W in level] for level in model.weights]
        weights[0][0][0, 0] += 1
        return er.HierarchicalNetwork(
            model.tree, weights, model.output, activation="relu", pooling=pooling
        )

    monkeypatch.setattr(module, "pairwise_similarity_conv", broken)
    assert module.check().verdict == "FAIL"


def test_a_broken_claim_6_construction_fails(monkeypatch):
    """Without the doubled leaf of mode 0 no branch dominates: no box is certified."""
    module = theorems.load("seed000_claim_6")
    real = module.collapsing_conv

    def broken(M, N, r, pooling):
        model = real(M, N, r, pooling)
        if pooling == "mean":
            return model
        weights = [[np.array(W, dtype=object) for W in level] for level in model.weights]
        weights[0][0] = weights[0][1]
        return er.HierarchicalNetwork(
            model.tree, weights, model.output, activation="relu", pooling=pooling
        )

    monkeypatch.setattr(module, "collapsing_conv", broken)
    assert module.check().verdict == "FAIL"
