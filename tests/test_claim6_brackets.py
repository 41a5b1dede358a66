"""Claim 6's two-sided brackets (seed 000, issue 12): the certified radius r_lo and the
constructed point of exactrank.checks.collapse_points at r_hi, held against independent routes.

* the witnesses recomputed on scores of the evaluator of tests/oracles.py (seed 000, §3–4
  written out), and the whole grid decided not replicable (max pooling);
* the same construction at r_lo replicated by an explicit shallow network, evaluated entry by
  entry (tests/oracles.py, Fractions; F^(−1) by Fraction elimination);
* max pooling: the certifier and the witness against the closed form of the root window's
  bounds (Hypothesis over rational δ), so neither can drift from the hand derivation;
* the singular-features witness refuses what it must.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import hierarchical_score, inverse_fraction, shallow_score

import exactrank as er
from exactrank.checks import theorems
from exactrank.checks.collapse_points import (
    SingularFeatures,
    max_pooling_point,
    mean_pooling_point,
    singular_features,
)
from exactrank.checks.realizability import relu_mean_rank_one, relu_rank_one_shallow
from exactrank.constructions import collapsing_conv
from exactrank.errors import InvalidInputError

QUICK = [(2, 4, 2), (3, 4, 2), (2, 8, 2)]


@pytest.fixture(scope="module")
def claim6():
    return theorems.load("seed000_claim_6")


def oracle_value(model, pooling):
    def value(x):
        return hierarchical_score(
            model.tree, model.weights, model.output, model.F, "relu", pooling, list(x)
        )

    return value


def nested(A):
    return [[Fraction(v) for v in row] for row in np.asarray(A)]


@pytest.mark.parametrize("pooling", ["max", "mean"])
@pytest.mark.parametrize("M,N,r", QUICK)
def test_bracket_is_tight_and_its_witness_holds_by_the_oracle(claim6, pooling, M, N, r):
    base = claim6.collapsing_conv(M, N, r, pooling)
    r_lo = claim6.largest_certified(base)
    r_hi, model, witness = claim6.upper_bracket(base, r_lo)
    assert 0 < r_hi / r_lo - 1 <= Fraction(1, 10**4)
    assert not claim6.certified_box(base, r_hi)
    value = oracle_value(model, pooling)
    if pooling == "max":
        assert witness.holds(value)
        assert relu_rank_one_shallow(er.grid_tensor(model)) is None
    else:
        assert r_hi == Fraction(1, M)
        assert witness.holds(nested(model.F), value, N)


@pytest.mark.parametrize("M,N,r", QUICK)
def test_max_point_at_r_lo_is_an_explicit_shallow_network(claim6, M, N, r):
    """At r_lo the constructed point's grid is λ·max(⟨F[x_t], v^(t)⟩, 0) with the weights of
    the decision, v^(t) = F^(−1)·U[t], at every entry (both sides by the oracles)."""
    base = claim6.collapsing_conv(M, N, r, "max")
    model, witness = claim6.bracket_point(base, claim6.largest_certified(base))
    value = oracle_value(model, "max")
    assert not witness.holds(value)
    lam, U = relu_rank_one_shallow(er.grid_tensor(model))
    F = nested(model.F)
    Finv = inverse_fraction(F)
    V = [[[sum(Finv[n][m] * U[t][m] for m in range(M)) for n in range(M)] for t in range(N)]]
    for x in itertools.product(range(M), repeat=N):
        assert shallow_score([lam], V, F, "relu", x) == value(x)


@pytest.mark.parametrize("M,N,r", QUICK)
def test_mean_point_below_one_over_M_is_an_explicit_shallow_network(claim6, M, N, r):
    """Below 1/M, F is invertible and the point's grid is λ·mean_t relu(⟨F[x_t], v^(t)⟩)."""
    base = claim6.collapsing_conv(M, N, r, "mean")
    model, witness = claim6.bracket_point(base, claim6.largest_certified(base))
    F = nested(model.F)
    value = oracle_value(model, "mean")
    assert not witness.holds(F, value, N)
    lam, B = relu_mean_rank_one(er.grid_tensor(model))
    Finv = inverse_fraction(F)
    V = [[sum(Finv[n][m] * B[t][m] for m in range(M)) for n in range(M)] for t in range(N)]
    for x in itertools.product(range(M), repeat=N):
        inputs = [sum(F[m][n] * V[t][n] for n in range(M)) for t, m in enumerate(x)]
        assert lam * sum(max(u, 0) for u in inputs) / N == value(x)


def root_window_crossed(M: int, L: int, d: Fraction) -> bool:
    """The hand derivation: the root's right child's largest channel, r^(L−1)(1 + δ)^(L−1)·
    (1 + δ)(1 + Mδ), above the left child's smallest, r^(L−1)(1 − δ)^(L−1)·((2 − δ)(1 − δ)
    − (M − 1)(2 + δ)δ) (the factor r^(L−1) cancels)."""
    high = (1 + d) ** (L - 1) * (1 + d) * (1 + M * d)
    low = (1 - d) ** (L - 1) * ((2 - d) * (1 - d) - (M - 1) * (2 + d) * d)
    return high > low


@settings(max_examples=25, deadline=None)
@given(
    size=st.sampled_from(QUICK + [(3, 8, 3)]),
    k=st.integers(min_value=1, max_value=2**20 - 1),
)
def test_max_certifier_and_witness_meet_at_the_closed_form(claim6, size, k):
    """For δ in (0, 1/(2M)): the certifier proves the box iff the root window is not crossed,
    and the constructed point's witness holds (oracle scores) iff it is."""
    M, N, r = size
    delta = Fraction(k, 2**21 * M)
    base = claim6.collapsing_conv(M, N, r, "max")
    crossed = root_window_crossed(M, base.L, delta)
    assert claim6.certified_box(base, delta) is (not crossed)
    model, witness = claim6.bracket_point(base, delta)
    assert witness.holds(oracle_value(model, "max")) is crossed


def test_singular_features_refuses_what_it_must():
    F = singular_features(3, Fraction(1, 3))
    positive = lambda x: Fraction(1)  # noqa: E731
    assert SingularFeatures((1, 1, 1)).holds(F, positive, 2)
    assert not SingularFeatures((1, 1, 1)).holds(singular_features(3, Fraction(1, 4)), positive, 2)
    assert not SingularFeatures((1, 2, 1)).holds(F, positive, 2)  # c·F ≠ 0
    assert not SingularFeatures((1, 1, 1)).holds(F, lambda x: Fraction(x != (2, 0)), 2)
    assert not SingularFeatures((1, 1)).holds(F, positive, 2)  # wrong shape
    for c in [(), (1, -1, 1), (0, 0)]:
        with pytest.raises(InvalidInputError, match="expected a vector c >= 0 with a positive"):
            SingularFeatures(c)


def test_singular_features_soundness_by_brute_force():
    """Every one-channel mean network on F = singular_features(2, 1/2) with small integer
    weights has a zero entry: the witness's conclusion, checked directly."""
    F = nested(singular_features(2, Fraction(1, 2)))
    for v in itertools.product(range(-2, 3), repeat=4):
        V = [v[:2], v[2:]]
        grid = [
            sum(max(sum(F[m][n] * V[t][n] for n in range(2)), 0) for t, m in enumerate(x))
            for x in itertools.product(range(2), repeat=2)
        ]
        assert 0 in grid


@pytest.mark.parametrize("pooling", ["max", "mean"])
def test_points_refuse_one_channel(pooling):
    point = {"max": max_pooling_point, "mean": mean_pooling_point}[pooling]
    with pytest.raises(InvalidInputError, match=r"expected r >= .*got r = 1"):
        point(collapsing_conv(2, 4, 1, pooling), Fraction(1, 10))
