"""The seed 001 checks of issue 12 (padding, the separable ξ, the generic product rank): each
gives its expected verdict in quick mode, and turns to FAIL when its construction breaks."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactrank as er
from exactrank.checks import theorems
from exactrank.models.operators import RELU
from exactrank.sampling import random_rnn, random_shallow


@pytest.mark.parametrize(
    "name", ["padding_shared", "relu_sum_not_universal", "product_generic_rank"]
)
def test_quick_verdict(name):
    result = theorems.run(name)
    assert result.verdict == result.expected == "PASS", result.details
    assert result.instances > 0


def test_padding_with_a_changed_weight_fails(monkeypatch):
    """One weight of the padded network's shared core changed by 1: the grids differ."""
    module = theorems.load("padding_shared")
    real = module.padded_rnn

    def broken(model):
        padded = real(model)
        inner = padded.G[1].copy()
        inner.flat[0] += 1
        return type(padded).with_shared_cores(
            padded.xi,
            (padded.C[0], padded.G[0]),
            (padded.C[1], inner),
            (padded.C[-1], padded.G[-1]),
            padded.T,
            F=padded.F,
        )

    monkeypatch.setattr(module, "padded_rnn", broken)
    assert module.check().verdict == "FAIL"


def test_padding_without_sharing_fails(monkeypatch):
    """A padded model that is not a shared model does not satisfy the statement."""
    module = theorems.load("padding_shared")
    real = module.padded_rnn

    def unshared(model):
        padded = real(model)
        G = [np.array(g, dtype=object) for g in padded.G]
        return type(padded)(padded.xi, padded.C, G, F=padded.F)

    monkeypatch.setattr(module, "padded_rnn", unshared)
    assert module.check().verdict == "FAIL"


def test_relu_sum_with_max_xi_fails(monkeypatch):
    """With ξ = max(x, y, 0) in place of max(x, 0) + max(y, 0) the grids are not separable:
    the identities break and the check must FAIL."""
    module = theorems.load("relu_sum_not_universal")
    monkeypatch.setattr(module, "XI_SUM_RELU", RELU)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("separable (NO" in line for line in result.details), result.details


def test_relu_sum_needs_a_violating_tensor(monkeypatch):
    """A separable tensor in place of the one-hot one proves nothing: FAIL."""
    module = theorems.load("relu_sum_not_universal")
    monkeypatch.setattr(module, "one_hot", lambda M, T: np.ones((M,) * T, dtype=object))
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("satisfies D_(0," in line for line in result.details), result.details


def test_product_rank_below_the_bound_fails(monkeypatch):
    """Networks of ranks R − 1 in place of R have a smaller generic rank: the proven rank
    no longer meets the min-cut bound, and the check must FAIL."""
    module = theorems.load("product_generic_rank")
    real = module.product_rnn
    monkeypatch.setattr(
        module, "product_rnn", lambda M, R, T, rng, high: real(M, max(1, R - 1), T, rng, high)
    )
    assert module.check().verdict == "FAIL"


def test_product_rank_is_not_bounded_by_min_m_r_power(monkeypatch):
    """With min(M, R)^(T/2) as the upper bound for all weights (the reading of the issue),
    the rows with 1 < R < M contradict it: FAIL."""
    module = theorems.load("product_generic_rank")
    monkeypatch.setattr(module, "min_cut", lambda M, R, T: min(M, R) ** (T // 2))
    result = module.check()
    assert result.verdict == "FAIL"
    assert "M=3 R=2 T=4: rank at a point mod p 6, over QQ 6" in "\n".join(result.details)


@pytest.mark.parametrize(
    "M,R,T,expected",
    [
        (2, 2, 4, 4),  # M^(T/2) = R^(T/2)
        (3, 2, 4, 6),  # M·R: one row core on the column side
        (5, 2, 4, 8),  # R^(T−1): every bond cut
        (2, 9, 4, 4),  # M^(T/2): bonds capped at min(R, M^(t+1), M^(T−1−t)) = 2, 4, 2
        (3, 2, 2, 2),  # min(M, R) at T = 2
    ],
)
def test_min_cut_known_values(M, R, T, expected):
    """The min-cut bound against values worked out by hand."""
    assert theorems.load("product_generic_rank").min_cut(M, R, T) == expected


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    xi=st.sampled_from(["product", "relu"]),
    M=st.integers(1, 3),
    R=st.integers(1, 3),
    T=st.integers(2, 4),
)
def test_padding_keeps_every_grid(seed, xi, M, R, T):
    """Property: for any shared RNN the padded one is shared, has T + 2 steps, and its grid
    is the original whatever the two boundary templates."""
    module = theorems.load("padding_shared")
    model = module.random_shared_rnn(xi, M, R, T, random.Random(seed))
    padded = module.padded_rnn(model)
    H, P = (er.grid_tensor(m).to_fractions() for m in (model, padded))
    assert padded.shared and padded.T == T + 2
    for a, b in itertools.product(range(M), repeat=2):
        assert np.array_equal(P[a, ..., b], H)


def test_padding_refuses_an_unshared_rnn():
    module = theorems.load("padding_shared")
    model = random_rnn("product", 2, 3, random.Random(0))
    with pytest.raises(er.InvalidInputError, match="expected a shared product or relu RNN"):
        module.padded_rnn(model)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), M=st.integers(1, 3), T=st.integers(2, 4), R=st.integers(1, 3))
def test_relu_sum_shallow_grids_are_separable(seed, M, T, R):
    """Property: every shallow network with ξ = max(x, 0) + max(y, 0) satisfies every
    mixed-difference identity, and RNNs satisfy those with the last mode."""
    module = theorems.load("relu_sum_not_universal")
    rng = random.Random(seed)
    shallow = random_shallow(module.XI_SUM_RELU, M, T, R, rng)
    H = er.grid_tensor(shallow).to_fractions()
    assert module.violations(H, itertools.combinations(range(T), 2)) == []
    G = er.grid_tensor(random_rnn(module.XI_SUM_RELU, M, T, rng)).to_fractions()
    assert module.violations(G, [(s, T - 1) for s in range(T - 1)]) == []
