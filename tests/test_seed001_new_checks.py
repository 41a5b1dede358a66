"""The seed 001 checks of issue 12 (padding, the separable ξ, the generic product rank): each
gives its expected verdict in quick mode, and turns to FAIL when its construction breaks."""

from __future__ import annotations

import numpy as np
import pytest

from exactrank import theorems
from exactrank.operators import RELU


@pytest.mark.parametrize("name", ["padding_shared", "relu_sum_not_universal"])
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
