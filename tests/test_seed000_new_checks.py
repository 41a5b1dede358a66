"""The seed 000 checks of proposition (i) (§4, §6, §8) and of the generalized decomposition
D_g (§4.1): registered, PASS in quick mode, and a broken construction turns each verdict.

The independent references: D_g written out in the check script itself, and here the
network run node by node in Fractions (tests/oracles.py).
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from oracles import hierarchical_score

import exactrank as er
from exactrank.checks import theorems

NAMES = ["seed000_proposition_i", "seed000_generalized_decomposition"]


def test_the_checks_are_registered():
    assert set(NAMES) <= set(theorems.available())
    for name in NAMES:
        module = theorems.load(name)
        assert module.EXPECTED == "PASS" and name == module.NAME
        assert "seed 000" in module.__doc__ and "Instances" in module.__doc__


@pytest.mark.parametrize("name", NAMES)
def test_quick_run_passes(name):
    result = theorems.run(name)
    assert result.verdict == "PASS", result.details
    assert result.instances >= 20
    assert result.seconds < 20


# ------------------------------------------------------------------ proposition (i)


def _only(module, monkeypatch, section):
    """Keep one section's quick table, empty the others."""
    for table in ("DEPTH_QUICK", "OVERLAP_QUICK", "MIXED_QUICK"):
        if table != section:
            monkeypatch.setattr(module, table, [])


def test_depth_fails_when_a_hidden_conv_is_not_the_identity(monkeypatch):
    module = theorems.load("seed000_proposition_i")
    _only(module, monkeypatch, "DEPTH_QUICK")
    real = module.identity_hidden

    def almost(deep):
        net = real(deep)
        weights = [list(level) for level in net.weights]
        W = weights[1][0].copy()
        W[0, 1] += 1
        weights[1] = [W] * len(weights[1]) if net.shared else [W, *weights[1][1:]]
        return er.HierarchicalNetwork(
            net.tree, weights, net.output, net.F, net.activation, net.pooling, net.shared
        )

    assert module.check().verdict == "PASS"
    monkeypatch.setattr(module, "identity_hidden", almost)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("identity hidden convs differ from the one-window tree" in d for d in result.details)


def test_depth_certificates_verify_and_a_nonzero_difference_is_refused(monkeypatch, tmp_path):
    module = theorems.load("seed000_proposition_i")
    _only(module, monkeypatch, "DEPTH_QUICK")
    monkeypatch.setattr(module, "DEPTH_QUICK", module.DEPTH_QUICK[:1] + module.DEPTH_QUICK[3:4])
    result = module.check(certs=tmp_path)
    assert result.verdict == "PASS" and len(result.certificates) == 4
    for path in result.certificates:
        proc = subprocess.run(
            [sys.executable, str(theorems.PROOFS / "verify_certificate.py"), path],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, (path, proc.stdout, proc.stderr)
    deep = module.identity_hidden(er.random_hierarchical(((0, 1), (2, 3)), 2, 2, seed=1))
    flat = module.shallow_networks(deep)["the one-window tree"]
    assert not np.any(er.grid_tensor(module.difference(deep, flat)).values)
    doubled = er.HierarchicalNetwork(flat.tree, flat.weights, 2 * flat.output, flat.F)
    with pytest.raises(er.InvalidInputError, match="the claim rank le 0 does not follow"):
        er.certify(module.difference(deep, doubled), "odd-even", claim="le", r=0)


def test_depth_identity_hidden_needs_equal_widths():
    module = theorems.load("seed000_proposition_i")
    deep = er.random_hierarchical(((0, 1), (2, 3)), 2, (2, 3), seed=1)
    with pytest.raises(er.InvalidInputError, match=r"equal widths, got \(2, 3\)"):
        module.identity_hidden(deep)


def test_overlap_fails_when_the_overlaps_are_not_switched_off(monkeypatch):
    module = theorems.load("seed000_proposition_i")
    _only(module, monkeypatch, "OVERLAP_QUICK")
    assert module.check().verdict == "PASS"
    monkeypatch.setattr(module.er, "without_overlaps", lambda model: model)
    result = module.check()
    assert result.verdict == "FAIL" and result.instances == len(module.OVERLAP_QUICK)
    assert any("differs from the R = S network, the baseline" in d for d in result.details)


def test_overlap_fails_when_the_baseline_puts_a_kernel_at_the_wrong_position(monkeypatch):
    """The baseline's node at block position k must get W_l[k]: the kernels reversed, the
    hierarchical network is another function (and only the baseline comparison fails)."""
    module = theorems.load("seed000_proposition_i")
    _only(module, monkeypatch, "OVERLAP_QUICK")
    real = module.baseline

    def reversed_kernels(model):
        weights = [W[(slice(None, None, -1),) * model.ndim] for W in model.weights]
        return real(er.OverlappingNetwork(model.shape, model.strides, weights, model.output))

    monkeypatch.setattr(module, "baseline", reversed_kernels)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("differs from the baseline" in d for d in result.details)


@pytest.mark.parametrize("shape,strides", [((8,), [2, 2, 2]), ((4, 4), [2, 2]), ((8,), [2, 2])])
def test_the_baseline_against_the_network_run_node_by_node(shape, strides):
    module = theorems.load("seed000_proposition_i")
    layers = [(S, S, C) for S, C in zip(strides, [2, 3, 1], strict=False)]
    model = er.random_overlapping(shape, 2, layers, seed=4)
    net = module.baseline(model)
    weights = [[w.tolist() for w in level] for level in net.weights]
    grid = er.grid_tensor(model).to_fractions()
    rng = random.Random(5)
    for _ in range(200):
        seq = tuple(rng.randrange(2) for _ in range(model.N))
        args = (net.tree, weights, net.output.tolist(), None, "identity", "product", seq)
        assert hierarchical_score(*args) == grid[seq]


def test_mixing_fails_when_the_exchange_into_the_kept_network_stays(monkeypatch):
    module = theorems.load("seed000_proposition_i")
    _only(module, monkeypatch, "MIXED_QUICK")
    assert module.check().verdict == "PASS"

    def output_only(model):  # the second output zeroed, the exchange into the first kept
        second = model.second
        silent = er.HierarchicalNetwork(
            second.tree,
            second.weights,
            0 * second.output,
            second.F,
            second.activation,
            second.pooling,
        )
        mixture = [(n.modes, n.into_first, n.into_second) for n in model.mixture]
        return module.MixedNetwork(model.first, silent, mixture)

    monkeypatch.setattr(module, "first_alone", output_only)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any(
        "(a) exchange into it and the other output zero: M differs from" in d
        for d in result.details
    )


def test_mixing_reading_b_fails_when_the_other_network_is_not_zeroed(monkeypatch):
    module = theorems.load("seed000_proposition_i")
    _only(module, monkeypatch, "MIXED_QUICK")
    monkeypatch.setattr(module, "zero_weights", lambda net: net)
    result = module.check()
    assert result.verdict == "FAIL"
    failing = [d for d in result.details if "differs" in d]
    assert failing and all("(b) every weight of the other network zero" in d for d in failing)


def test_mixing_reading_b_fails_when_the_exchange_into_the_zeroed_network_stays(monkeypatch):
    """What N_2 receives from N_1 at a mixture node reaches N_1 back at the mixture node
    above it (the NESTED tree): only those instances fail."""
    module = theorems.load("seed000_proposition_i")
    _only(module, monkeypatch, "MIXED_QUICK")

    def keep_into_second(model):
        mixture = [(n.modes, n.into_first, n.into_second) for n in model.mixture]
        return module.MixedNetwork(model.first, module.zero_weights(model.second), mixture)

    monkeypatch.setattr(module, "first_by_zeroed_second", keep_into_second)
    result = module.check()
    assert result.verdict == "FAIL"
    failing = [d for d in result.details if "differs" in d]
    assert failing and all(str(module.NESTED) in d and "(b) every" in d for d in failing)


def test_the_swapped_mixture_has_the_same_grid():
    module = theorems.load("seed000_proposition_i")
    from exactrank.geometry.trees import dilated_tree

    model = er.random_mixed(dilated_tree((1, 2, 4)), dilated_tree((2, 1, 4)), 2, 2, seed=3)
    swapped = module.swapped(model)
    assert swapped.first is model.second and swapped.second is model.first
    assert module.same_grid(er.grid_tensor(swapped), er.grid_tensor(model))


# ------------------------------------------------------------------- D_g (§4.1)


def test_generalized_product_is_the_definition():
    module = theorems.load("seed000_generalized_decomposition")
    A = np.array([[1, -2], [3, 0]], dtype=object)
    B = np.array([5, -7, 0], dtype=object)
    out = module.generalized_product(A, B, lambda a, b: 10 * a + b)
    assert out.shape == (2, 2, 3)
    for i, j, k in itertools.product(range(2), range(2), range(3)):
        assert out[i, j, k] == 10 * A[i, j] + B[k]


@pytest.mark.parametrize("sigma,pool", [("relu", "max"), ("relu", "mean"), ("identity", "product")])
def test_decomposition_against_the_network_run_node_by_node(sigma, pool):
    module = theorems.load("seed000_generalized_decomposition")
    tree = ((0, 2), (1, 3))
    model = module.build(tree, 3, sigma, pool, "QQ", seed=9)
    D = module.decomposition(model, sigma, pool, None)
    weights = [[w.tolist() for w in level] for level in model.weights]
    F = model.F.tolist()
    for seq in itertools.product(range(3), repeat=4):
        expected = hierarchical_score(tree, weights, model.output.tolist(), F, sigma, pool, seq)
        assert D[seq] == expected and type(D[seq]) in (int, Fraction)


def test_decomposition_refuses_to_leave_exact_arithmetic(monkeypatch):
    module = theorems.load("seed000_generalized_decomposition")
    monkeypatch.setitem(module.POOL, "mean", lambda a, b: float(a + b) / 2)
    model = module.build((0, 1), 2, "relu", "mean", "QQ", seed=1)
    with pytest.raises(er.ExactRankError, match="D_g left exact arithmetic: float"):
        module.decomposition(model, "relu", "mean", None)


def test_dg_fails_when_g_forgets_the_activation(monkeypatch):
    module = theorems.load("seed000_generalized_decomposition")
    assert module.check().verdict == "PASS"
    monkeypatch.setitem(module.SIGMA, "relu", lambda x: x)
    result = module.check()
    assert result.verdict == "FAIL"
    failing = [d for d in result.details if "differs from D_g" in d]
    assert failing and all(d.startswith("relu/") for d in failing)


def test_dg_fails_when_the_network_is_built_with_another_pooling(monkeypatch):
    module = theorems.load("seed000_generalized_decomposition")
    real = module.build
    swap = {"max": "mean", "mean": "max", "product": "product"}

    def other_pooling(tree, M, activation, pooling, field, seed):
        if field != "QQ":
            return real(tree, M, activation, pooling, field, seed)
        return real(tree, M, activation, swap[pooling], field, seed)

    monkeypatch.setattr(module, "build", other_pooling)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any(d.startswith("relu/max") and "differs from D_g" in d for d in result.details)
