"""Hierarchical networks over a mode tree (seed 000, §3–4) against independent oracles.

Expected grids come from tests/oracles.py: ``hierarchical_score`` runs the network on one
sequence, node by node, in plain Python Fractions (itertools.product over every sequence);
``cp_score`` is seed 000 eq. 1 written out. Nothing expected is computed by exactrank.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oracles import (
    cp_score,
    frac_nested,
    hierarchical_score,
    rank_fraction,
    rank_mod_p_ref,
    residue,
    tree_levels,
)
from strategies import rationals, tensor

import exactrank as er
from exactrank.checks import theorems
from exactrank.testing import assert_rank

ROOT = Path(__file__).resolve().parents[1]
Q = Fraction
P31 = 2**31 - 1
ACTIVATIONS = ("identity", "relu")
POOLINGS = ("product", "max", "mean")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TREES = {
    "HT over 4": ((0, 1), (2, 3)),
    "mirror over 4": ((0, 3), (1, 2)),
    "ternary over 6": ((0, 1, 2), (3, 4, 5)),
    "unequal windows over 5": ((0, 1, 2), (3, 4)),
    "out of order over 6": (((5, 0), (2,)), ((1, 4), (3,))),
    "three levels over 5": (((0, 1), (2,)), ((3, 4),)),
    "CP over 4": (0, 1, 2, 3),
    "CP under a window of one": ((0, 1, 2),),
    "one mode": (0,),
    "HT over 8": (((0, 1), (2, 3)), ((4, 5), (6, 7))),
}


# ---------------------------------------------------------------------------- helpers


def random_weights(tree, M, widths, rng, high=9, den=3):
    """Per-node weights (level 0 by mode) and output, as nested lists of Fractions."""
    levels = tree_levels(tree)
    inputs = [M] + list(widths)

    def draw(rows, cols):
        return [
            [Q(rng.randint(-high, high), rng.randint(1, den)) for _ in range(cols)]
            for _ in range(rows)
        ]

    weights = [[draw(widths[l], inputs[l]) for _ in levels[l]] for l in range(len(levels) - 1)]
    output = [Q(rng.randint(-high, high), rng.randint(1, den)) for _ in range(widths[-1])]
    return weights, output


def oracle_grid(tree, weights, output, F, activation, pooling, M, N):
    return {
        seq: hierarchical_score(tree, weights, output, F, activation, pooling, seq)
        for seq in itertools.product(range(M), repeat=N)
    }


def assert_grid(gt, expected: dict):
    fractions = gt.to_fractions()
    for index, value in expected.items():
        assert fractions[index] == value, f"entry {index}: got {fractions[index]}, expected {value}"


def n_modes(tree):
    return len(tree_levels(tree)[0])


def build(tree, M, widths, seed, activation="identity", pooling="product", F=None, den=3):
    rng = random.Random(seed)
    weights, output = random_weights(tree, M, widths, rng, den=den)
    model = er.HierarchicalNetwork(tree, weights, output, F, activation, pooling)
    return model, weights, output


# ---------------------------------------------------------------------------- the oracle


@pytest.mark.parametrize("name", list(TREES))
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("pooling", POOLINGS)
def test_grid_against_the_network_run_node_by_node(name, activation, pooling):
    tree = TREES[name]
    N = n_modes(tree)
    M = 2 if N > 5 else 3
    L = len(tree_levels(tree)) - 1
    widths = [2, 3, 2][:L]
    F = [[Q(2), Q(1), Q(0)], [Q(-1), Q(1, 2), Q(1)], [Q(0), Q(3), Q(-2)]]
    F = [row[:M] for row in F[:M]]
    seed = sorted(TREES).index(name)
    model, weights, output = build(tree, M, widths, seed, activation, pooling, F)
    expected = oracle_grid(tree, weights, output, F, activation, pooling, M, N)
    gt = er.grid_tensor(model)
    assert gt.shape == (M,) * N
    assert_grid(gt, expected)
    sample = random.Random(1).sample(sorted(expected), min(20, len(expected)))
    entries = er.grid_entries(model, [list(s) for s in sample])
    assert [entries.entry((b,)) for b in range(len(sample))] == [expected[s] for s in sample]
    assert all(er.score(model, s) == expected[s] for s in sample)
    floats = er.grid_tensor(model, "float").values
    for index, value in expected.items():
        assert math.isclose(floats[index], float(value), rel_tol=1e-9, abs_tol=1e-9)


@st.composite
def trees(draw, max_modes=6):
    """A random level-balanced tree: shuffled modes grouped level by level."""
    N = draw(st.integers(1, max_modes))
    L = draw(st.integers(1, 3))
    nodes = draw(st.permutations(list(range(N))))
    for _ in range(L - 1):
        grouped, i = [], 0
        while i < len(nodes):
            size = draw(st.integers(1, 3))
            grouped.append(tuple(nodes[i : i + size]))
            i += size
        nodes = grouped
    return tuple(nodes)


@st.composite
def hierarchical_specs(draw):
    tree = draw(trees())
    L = len(tree_levels(tree)) - 1
    N = n_modes(tree)
    M = draw(st.integers(1, 3 if N <= 5 else 2))
    widths = [draw(st.integers(1, 3)) for _ in range(L)]
    q = rationals(bound=6)
    levels = tree_levels(tree)
    inputs = [M] + widths
    weights = [[tensor(draw, (widths[l], inputs[l]), q) for _ in levels[l]] for l in range(L)]
    output = tensor(draw, (widths[-1],), q)
    per_level = draw(st.booleans())
    if per_level:
        activation = [draw(st.sampled_from(ACTIVATIONS)) for _ in range(L)]
        pooling = [draw(st.sampled_from(POOLINGS)) for _ in range(L)]
    else:
        activation = draw(st.sampled_from(ACTIVATIONS))
        pooling = draw(st.sampled_from(POOLINGS))
    F = tensor(draw, (M, M), rationals(bound=3)) if draw(st.booleans()) else None
    return tree, M, weights, output, F, activation, pooling


@given(hierarchical_specs(), st.randoms(use_true_random=False))
@example(((0,), 1, [[[[Q(0)]]]], [Q(5)], None, "relu", "max"), random.Random(0)).via("zero")
@example(
    ((0, 1), 1, [[[[Q(2)]], [[Q(-3)]]]], [Q(-1)], None, "identity", "mean"), random.Random(0)
).via("M = 1")
@SETTINGS
def test_random_trees_against_the_oracle(spec, rnd):
    tree, M, weights, output, F, activation, pooling = spec
    N = n_modes(tree)
    model = er.HierarchicalNetwork(tree, weights, output, F, activation, pooling)
    expected = oracle_grid(tree, weights, output, F, activation, pooling, M, N)
    assert_grid(er.grid_tensor(model), expected)
    seqs = [rnd.choice(sorted(expected)) for _ in range(rnd.randint(1, 8))]
    entries = er.grid_entries(model, [list(s) for s in seqs])
    assert list(entries.to_fractions()) == [expected[s] for s in seqs]


# ---------------------------------------------------------------------------- special cases


@pytest.mark.parametrize("N,M,r0", [(1, 3, 2), (4, 2, 3), (5, 3, 2)])
def test_cp_tree_is_the_shallow_network_and_eq_1(N, M, r0):
    rng = random.Random(N)
    a0 = [[Q(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(M)] for _ in range(r0)]
    a1 = [Q(rng.randint(-9, 9)) for _ in range(r0)]
    model = er.HierarchicalNetwork(tuple(range(N)), [[a0]], a1, shared=True)
    gt = er.grid_tensor(model)
    assert_grid(gt, {s: cp_score(a0, a1, None, s) for s in itertools.product(range(M), repeat=N)})
    shallow = er.GeneralizedShallow("product", a1, [[row] * N for row in a0])
    assert np.array_equal(gt.to_fractions(), er.grid_tensor(shallow).to_fractions())
    # unshared: the shallow network with per-mode rows V[γ, j] = a^{0,j,γ}
    weights = [[[[Q(rng.randint(-5, 5)) for _ in range(M)] for _ in range(r0)] for _ in range(N)]]
    unshared = er.HierarchicalNetwork(tuple(range(N)), weights, a1)
    V = [[weights[0][j][g] for j in range(N)] for g in range(r0)]
    assert np.array_equal(
        er.grid_tensor(unshared).to_fractions(),
        er.grid_tensor(er.GeneralizedShallow("product", a1, V)).to_fractions(),
    )


def test_cp_tree_with_relu_max_is_the_relu_shallow_network():
    """P{σ(a_j)} = max_j max(a_j, 0) = ξ_relu(a_1, …, a_N) (seed 001, eq. 14)."""
    model, weights, output = build((0, 1, 2, 3), 3, [3], 7, "relu", "max")
    V = [[weights[0][j][g] for j in range(4)] for g in range(3)]
    shallow = er.GeneralizedShallow("relu", output, V)
    assert np.array_equal(
        er.grid_tensor(model).to_fractions(), er.grid_tensor(shallow).to_fractions()
    )


def test_cp_tree_with_mean_is_the_sum_network_divided_by_N():
    model, weights, output = build((0, 1, 2), 2, [2], 3, "identity", "mean")
    V = [[weights[0][j][g] for j in range(3)] for g in range(2)]
    shallow = er.grid_tensor(er.GeneralizedShallow("sum", output, V)).to_fractions()
    assert np.array_equal(er.grid_tensor(model).to_fractions() * 3, shallow)


def test_a_window_of_one_over_cp_folds_its_conv_into_the_output():
    """((0, 1, 2),): output a after a conv W (r_1 × r_0) is the CP network with W^T a."""
    model, weights, output = build(((0, 1, 2),), 2, [3, 2], 5)
    W = weights[1][0]
    folded = [sum((W[k][g] * output[k] for k in range(2)), Q(0)) for g in range(3)]
    flat = er.HierarchicalNetwork((0, 1, 2), [weights[0]], folded)
    assert np.array_equal(er.grid_tensor(model).to_fractions(), er.grid_tensor(flat).to_fractions())


@pytest.mark.parametrize("activation,pooling", list(itertools.product(ACTIVATIONS, POOLINGS)))
def test_shared_weights_equal_unshared_with_equal_weights(activation, pooling):
    tree = TREES["HT over 8"]
    rng = random.Random(11)
    inputs, widths = [2, 2, 3], [2, 3, 2]
    one = [
        [[Q(rng.randint(-4, 4)) for _ in range(inputs[l])] for _ in range(widths[l])]
        for l in range(3)
    ]
    output = [Q(1), Q(-2)]
    shared = er.HierarchicalNetwork(
        tree, [[w] for w in one], output, None, activation, pooling, shared=True
    )
    counts = [len(level) for level in tree_levels(tree)[:3]]
    unshared = er.HierarchicalNetwork(
        tree, [[w] * n for w, n in zip(one, counts, strict=True)], output, None, activation, pooling
    )
    assert shared.shared and not unshared.shared
    assert np.array_equal(
        er.grid_tensor(shared).to_fractions(), er.grid_tensor(unshared).to_fractions()
    )
    # the per-node form of a shared model is accepted when the arrays agree
    again = er.HierarchicalNetwork(
        tree, unshared.weights, output, None, activation, pooling, shared=True
    )
    assert np.array_equal(er.grid_tensor(again).values, er.grid_tensor(shared).values)


def test_mirror_tree_grid_is_in_mode_order():
    """The mirror tree pools modes 0 and 3: its grid equals the contiguous tree's grid with
    the modes permuted (the weights follow their modes)."""
    model, weights, output = build(((0, 3), (1, 2)), 2, [2, 2], 9)
    contiguous = er.HierarchicalNetwork(
        ((0, 1), (2, 3)), [[weights[0][j] for j in (0, 3, 1, 2)], weights[1]], output
    )
    assert model.leaf_order == (0, 3, 1, 2)
    got = er.grid_tensor(model).to_fractions()
    assert np.array_equal(got, er.grid_tensor(contiguous).to_fractions().transpose(0, 2, 3, 1))


# ---------------------------------------------------------------------------- fields


@pytest.mark.parametrize("p", [5, 7, 101, P31, 2**61 - 1])
@pytest.mark.parametrize("pooling", ["product", "mean"])
@pytest.mark.parametrize("name", ["HT over 4", "ternary over 6", "out of order over 6"])
def test_GFp_grid_is_the_QQ_grid_mod_p(p, pooling, name):
    tree = TREES[name]
    L = len(tree_levels(tree)) - 1
    model, _, _ = build(tree, 2, [2, 2, 2][:L], p, "identity", pooling)
    gq, gp = er.grid_tensor(model), er.grid_tensor(model, f"GF({p})")
    assert gp.field == er.Field("GF", p) and gp.values.dtype == np.int64
    expected = [residue(q, p) for q in gq.to_fractions().flat]
    assert [int(v) for v in gp.values.flat] == expected
    seq = (1,) * model.N
    assert er.score(model, seq, f"GF({p})") == residue(gq.entry(seq), p)
    assert er.grid_entries(model, [seq], f"GF({p})").entry((0,)) == residue(gq.entry(seq), p)


@pytest.mark.parametrize(
    "activation,pooling,needle",
    [
        ("relu", "product", "activation relu (level 0) is meaningless over GF(7)"),
        ("identity", "max", "pooling max (level 0) is meaningless over GF(7)"),
        (["identity", "relu"], "product", "activation relu (level 1)"),
    ],
)
def test_operators_without_an_order_are_refused_over_GFp(activation, pooling, needle):
    model, _, _ = build(((0, 1), (2, 3)), 2, [2, 2], 1, activation, pooling)
    for call in (
        lambda: er.grid_tensor(model, "GF(7)"),
        lambda: er.grid_entries(model, [[0, 1, 0, 1]], "GF(7)"),
        lambda: er.score(model, [0, 1, 0, 1], "GF(7)"),
    ):
        with pytest.raises(er.DomainError, match=needle.replace("(", r"\(").replace(")", r"\)")):
            call()
    with pytest.raises(er.DomainError, match="needs an order"):
        er.random_hierarchical(
            ((0, 1), (2, 3)), 2, 2, field="GF(7)", activation=activation, pooling=pooling
        )


@pytest.mark.parametrize("p", [2, 3])
def test_mean_over_a_window_divisible_by_p_is_refused(p):
    tree = (0, 1) if p == 2 else (0, 1, 2)
    model, _, _ = build(tree, 2, [2], 1, "identity", "mean", den=1)
    with pytest.raises(er.DomainError, match=f"window size {p}, which is 0 in GF\\({p}\\)"):
        er.grid_tensor(model, f"GF({p})")
    other = 3 if p == 2 else 2
    assert er.grid_tensor(model, f"GF({other})").shape == (2,) * len(tree)


def test_float_weights_make_a_float_model():
    model = er.HierarchicalNetwork((0, 1), [[[[0.5, 1.0]], [[1.0, -1.0]]]], [2.0])
    assert not model.exact
    assert er.grid_tensor(model, "float").values.tolist() == [[1.0, -1.0], [2.0, -2.0]]
    with pytest.raises(er.DomainError, match="float weights"):
        er.grid_tensor(model)
    with pytest.raises(er.InvalidModelError, match="only exact models"):
        er.model_to_dict(model)


def test_weights_beyond_int64_stay_exact():
    """Generic QQ weights (|w| <= 2^30) make HT entries of hundreds of bits."""
    tree = TREES["HT over 8"]
    model = er.random_hierarchical(tree, 2, 2, seed=3)
    gt = er.grid_tensor(model)
    assert gt.storage == "bigint"
    weights = frac_nested([[w.tolist() for w in level] for level in model.weights])
    output = frac_nested(model.output)
    for seq in random.Random(0).sample(list(itertools.product(range(2), repeat=8)), 12):
        assert gt.entry(seq) == hierarchical_score(
            tree, weights, output, None, "identity", "product", seq
        )


# ---------------------------------------------------------------------------- Theorem 3


def _ht(lo, n):
    return (lo, lo + 1) if n == 2 else (_ht(lo, n // 2), _ht(lo + n // 2, n // 2))


@pytest.mark.parametrize("N", [4, 8])
@pytest.mark.parametrize("seed", [0, 1])
def test_theorem_3_odd_even_rank_of_random_HT_is_min_r0_M_to_the_N_over_2(N, seed):
    """Seed 000, Theorem 3 (DESIGN.md: exactly min(r_0, M)^{N/2}) for r_0 = r = M = 2; the
    contiguous tree's left-right rank is capped by the root's r_{L−1} = 2 (seed 000, §5)."""
    field = f"GF({P31})"
    model = er.random_hierarchical(_ht(0, N), 2, 2, field=field, seed=seed)
    grid = er.grid_tensor(model, field)
    assert er.rank(er.matricize(grid, "odd-even"), field).rank == 2 ** (N // 2)
    assert er.rank(er.matricize(grid, "left-right"), field).rank == 2


def test_theorem_3_over_QQ_against_a_Fraction_rank():
    model = er.random_hierarchical(_ht(0, 4), 2, 2, seed=5)
    grid = er.grid_tensor(model)
    matrix = er.matricize(grid.to_fractions(), "odd-even").tolist()
    assert rank_fraction(matrix) == 4
    assert er.rank(er.matricize(grid, "odd-even")).rank == 4


# ---------------------------------------------------------------------------- random models


def test_random_hierarchical_is_reproducible_and_generic():
    tree = TREES["ternary over 6"]
    a = er.random_hierarchical(tree, 2, [2, 3], seed=4)
    b = er.random_hierarchical(tree, 2, [2, 3], seed=4)
    c = er.random_hierarchical(tree, 2, [2, 3], seed=5)
    assert a.widths == (2, 3) and a.M == 2 and a.N == 6 and a.L == 2
    assert er.model_to_dict(a) == er.model_to_dict(b) != er.model_to_dict(c)
    values = [w for level in a.weights for arr in level for w in arr.flat]
    assert all(abs(w) <= 2**30 and w.denominator == 1 for w in values)
    assert max(abs(w) for w in values) > 2**20
    gf = er.random_hierarchical(tree, 2, 2, field="GF(101)", seed=4, shared=True)
    assert all(0 <= w < 101 for level in gf.weights for arr in level for w in arr.flat)
    assert len({id(arr) for arr in gf.weights[0]}) == 6 and gf.shared


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"widths": [2]}, "widths has 1 entries but the tree has L = 2 levels"),
        ({"widths": [2, 0]}, r"widths\[1\] \(r_1\) must be an integer >= 1, got 0"),
        ({"widths": True}, "widths must be an int or a list"),
        ({"widths": [2, 2.0]}, r"widths\[1\] \(r_1\) must be an integer >= 1, got 2.0"),
        ({"M": 0}, "M must be an integer >= 1, got 0"),
        ({"field": "float"}, "draws exact weights"),
        ({"field": "GF(8)"}, "8 is not prime"),
        ({"pooling": "avg"}, "pooling: unknown name 'avg'; expected one of product, max, mean"),
    ],
)
def test_random_hierarchical_refuses_bad_arguments(kwargs, needle):
    args = {"M": 2, "widths": 2} | kwargs
    with pytest.raises(er.ExactRankError, match=needle):
        er.random_hierarchical(((0, 1), (2, 3)), args.pop("M"), args.pop("widths"), **args)


# ---------------------------------------------------------------------------- bad models

GOOD_W = [[[[1, 0]]] * 4, [[[1]]] * 2]


@pytest.mark.parametrize(
    "tree,needle",
    [
        (3, r"tree: expected nested tuples of 0-based modes, got int 3; .* \(3,\)"),
        ((), r"tree: an empty window"),
        (((0, 1), ()), r"tree\[1\]: an empty window"),
        (((0, 1), (2, 2)), r"tree\[1\]\[1\]: mode 2 appears twice \(also at tree\[1\]\[0\]\)"),
        (((0, 1), (2, 5)), r"tree\[1\]\[1\]: mode 5 is outside 0 … 3; .* \(mode 3 is missing\)"),
        (((0, 1), (2, -1)), r"tree\[1\]\[1\]: mode -1 is outside 0 … 3"),
        (((0, 1), (2, 3.0)), r"tree\[1\]\[1\]: expected a mode .* got float 3.0"),
        (((0, True), (2, 3)), r"tree\[0\]\[1\]: expected a mode .* got bool True"),
        (((0, 1), (2, "3")), r"tree\[1\]\[1\]: expected a mode .* got str '3'"),
        (
            ((0, 1), 2, 3),
            r"every leaf must be at the same depth .* mode 2 at tree\[1\] is at depth 1 but "
            r"mode 0 at tree\[0\]\[0\] is at depth 2; .* \(2,\) in place of 2",
        ),
    ],
)
def test_bad_trees_are_refused_naming_the_node(tree, needle):
    with pytest.raises(er.InvalidModelError, match=needle):
        er.HierarchicalNetwork(tree, GOOD_W, [1])


@pytest.mark.parametrize(
    "weights,output,kwargs,needle",
    [
        ("W", [1], {}, "weights must be a list with one list of conv arrays per level"),
        ([GOOD_W[0]], [1], {}, "weights has 1 levels but the tree has L = 2"),
        ([[[[1, 0]]] * 3, GOOD_W[1]], [1], {}, r"weights\[0\] has 3 arrays but level 0 has 4"),
        ([GOOD_W[0], [[[1]]]], [1], {}, r"weights\[1\] has 1 arrays but level 1 has 2 nodes"),
        (
            [[[[1, 0]]] * 3 + [[[1, 0, 0]]], GOOD_W[1]],
            [1],
            {},
            r"weights\[0\]\[3\] \(mode 3\) has shape \(1, 3\): level 0 takes M = 2 inputs",
        ),
        (
            [[[[1, 0]]] * 3 + [[[1, 0], [0, 1]]], GOOD_W[1]],
            [1],
            {},
            r"weights\[0\]\[3\] \(mode 3\) has 2 output channels but weights\[0\]\[0\] has r_0 = 1",
        ),
        (
            [GOOD_W[0], [[[1]], [[1, 2]]]],
            [1],
            {},
            r"weights\[1\]\[1\] \(node \(2, 3\)\) has shape \(1, 2\): level 1 takes r_0 = 1",
        ),
        ([GOOD_W[0], [[1], [1]]], [1], {}, r"weights\[1\]\[0\] must be a 2-D array"),
        (GOOD_W, [1, 2], {}, "output has 2 entries but the last level has r_1 = 1 channels"),
        (GOOD_W, [[1]], {}, "output must be a 1-D array"),
        (GOOD_W, [0.5], {}, None),
        (GOOD_W, ["1/0"], {}, "zero denominator"),
        (GOOD_W, [1], {"activation": "tanh"}, "activation: unknown name 'tanh'"),
        (GOOD_W, [1], {"pooling": ["max"]}, "pooling has 1 entries but the tree has L = 2"),
        (GOOD_W, [1], {"pooling": ["max", "sum"]}, r"pooling\[1\]: unknown name 'sum'"),
        (GOOD_W, [1], {"shared": 1}, "shared must be true or false, got 1"),
        (
            [[[[1, 0]], [[0, 1]]], GOOD_W[1]],
            [1],
            {"shared": True},
            r"weights\[0\] has 2 arrays but level 0 has 4 nodes \(one array \(shared\)",
        ),
        (
            [[[[1, 0]]] * 3 + [[[0, 1]]], GOOD_W[1]],
            [1],
            {"shared": True},
            r"shared weights: weights\[0\]\[3\] \(mode 3\) differs from weights\[0\]\[0\]",
        ),
        (GOOD_W, [1], {"F": [[1, 0]]}, r"F must have shape \(2, 2\)"),
    ],
)
def test_bad_weights_are_refused_naming_the_array(weights, output, kwargs, needle):
    if needle is None:  # a float output makes a float model: accepted
        assert not er.HierarchicalNetwork(((0, 1), (2, 3)), weights, output, **kwargs).exact
        return
    with pytest.raises(er.InvalidModelError, match=needle):
        er.HierarchicalNetwork(((0, 1), (2, 3)), weights, output, **kwargs)


def test_one_3d_array_per_level_is_accepted():
    model, weights, output = build(((0, 1), (2, 3)), 2, [2, 1], 2)
    stacked = er.HierarchicalNetwork(
        ((0, 1), (2, 3)), [np.array(w, dtype=object) for w in weights], output
    )
    assert np.array_equal(er.grid_tensor(model).values, er.grid_tensor(stacked).values)


# ---------------------------------------------------------------------------- model files


def _models():
    yield build(TREES["mirror over 4"], 2, [2, 1], 1, F=[[Q(2), Q(1, 3)], [Q(0), Q(-1)]])[0]
    yield build(
        TREES["out of order over 6"],
        2,
        [1, 2, 2],
        2,
        ["relu", "identity", "relu"],
        ["max", "mean", "product"],
    )[0]
    yield er.random_hierarchical(
        TREES["HT over 8"], 2, [2, 3, 2], seed=1, shared=True, activation="relu", pooling="mean"
    )
    yield er.random_hierarchical((0, 1, 2), 3, 2, field="GF(101)", seed=2)


@pytest.mark.parametrize("index", range(4))
def test_model_file_round_trip(tmp_path, index):
    model = list(_models())[index]
    path = tmp_path / "model.json"
    er.save_model(model, path)
    data = json.loads(path.read_text(encoding="utf-8"), parse_float=lambda s: pytest.fail(s))
    assert data["kind"] == "hierarchical" and data["T"] == model.N
    assert data["widths"] == list(model.widths)
    if model.shared:
        assert all(len(level) == 1 for level in data["weights"])
    loaded = er.load_model(path)
    assert loaded.tree == model.tree and loaded.shared == model.shared
    assert [a.name for a in loaded.activation] == [a.name for a in model.activation]
    assert [p.name for p in loaded.pooling] == [p.name for p in model.pooling]
    assert np.array_equal(er.grid_tensor(loaded).values, er.grid_tensor(model).values)
    assert er.model_to_dict(loaded) == er.model_to_dict(model)


HT_FILE = {
    "format": "exactrank-model",
    "version": 1,
    "kind": "hierarchical",
    "tree": [[0, 3], [1, 2]],
    "weights": [
        [[[1, 0], [0, 1]], [[1, 1], [1, -1]], [[2, "1/2"], [0, 1]], [[1, 0], [3, 1]]],
        [[[1, 1]], [[1, -1]]],
    ],
    "output": [1],
}


@pytest.mark.parametrize(
    "change,needle",
    [
        ({"tree": None}, "missing key 'tree' (a hierarchical needs it)"),
        ({"output": None}, "missing key 'output'"),
        ({"output": [0.5]}, "output[0] is the JSON float 0.5; model files hold integers and"),
        ({"weights": [[[[1, 0.25]]]]}, "weights[0][0][0][1] is the JSON float 0.25"),
        ({"tree": [[0, 3], [1, 1]]}, "tree[1][1]: mode 1 appears twice"),
        ({"tree": [[0, 3], 1, 2]}, "every leaf must be at the same depth"),
        ({"T": 5}, '"T": 5 disagrees with the weights, which give T = 4'),
        ({"widths": [2, 2]}, '"widths": [2, 2] disagrees with the weights, which give widths'),
        ({"pooling": "sum"}, "pooling: unknown name 'sum'"),
        ({"shared": "yes"}, "shared must be true or false, got 'yes'"),
    ],
)
def test_bad_model_files_are_refused(tmp_path, change, needle):
    data = dict(HT_FILE)
    for key, value in change.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(er.ModelFileError) as info:
        er.load_model(path)
    assert str(info.value).startswith(f"{path}: ")
    assert needle in str(info.value)


def test_documented_example_files_load():
    text = (ROOT / "docs" / "model-files.md").read_text("utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
    examples = [b for b in blocks if b.get("kind") == "hierarchical"]
    assert len(examples) == 2
    ht, shared = (er.model_from_dict(b) for b in examples)
    assert ht.tree == ((0, 3), (1, 2)) and ht.widths == (2, 1)
    assert shared.shared and [p.name for p in shared.pooling] == ["max", "mean"]
    expected = oracle_grid(
        ht.tree, frac_nested(HT_FILE["weights"]), [Q(1)], None, "identity", "product", 2, 4
    )
    assert_grid(er.grid_tensor(ht), expected)


def test_the_rank_command_reads_a_hierarchical_model_file(tmp_path):
    model = er.random_hierarchical(_ht(0, 4), 2, 2, field="GF(101)", seed=1)
    path = tmp_path / "ht.json"
    er.save_model(model, path)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "exactrank",
            "rank",
            str(path),
            "--partition",
            "odd-even",
            "--field",
            f"GF({P31})",
            "--json",
        ],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    grid = er.grid_tensor(model)
    matrix = er.matricize(grid.to_fractions(), "odd-even").tolist()
    assert out["rank"] == rank_mod_p_ref([[residue(q, P31) for q in row] for row in matrix], P31)
    assert out["rank"] == 4


def test_certificates_of_hierarchical_grids_verify():
    model = er.random_hierarchical(_ht(0, 4), 2, 2, seed=2)
    cert = er.certify(er.grid_tensor(model), "odd-even")
    assert cert["claim"]["r"] == 4 and er.verify_certificate(cert)


def test_a_certificate_of_the_grid_holds_for_the_model_form_too():
    """The grid's certificate with its tensor replaced by the model: the same claim."""
    model = er.random_hierarchical(_ht(0, 4), 2, 2, seed=2)
    cert = er.certify(er.grid_tensor(model), "odd-even")
    cert["tensor"] = {"model": er.model_to_dict(model)}
    assert er.verify_certificate(cert)


def test_certify_takes_a_hierarchical_model_as_its_model(tmp_path):
    """certify(model) writes the model itself; the stand-alone checker evaluates it and
    confirms the rank."""
    model = er.random_hierarchical(_ht(0, 4), 2, 2, seed=3)
    cert = er.certify(model, "odd-even")
    assert cert["tensor"] == {"model": er.model_to_dict(model)} and cert["claim"]["r"] == 2**2
    path = tmp_path / "ht.json"
    er.save_certificate(cert, path)
    proc = subprocess.run(
        [sys.executable, str(theorems.PROOFS / "verify_certificate.py"), str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout
    assert_rank(model, "odd-even", "==", 4)


# ------------------------------------------- GF(p) on the residue kernels (issue 11)

RESIDUE_PRIMES = [2, 3, 2**26 - 5, 2**26 + 15, 2**61 - 1, 2**62 - 57]
FUSED_TREES = [
    "HT over 4",
    "ternary over 6",
    "unequal windows over 5",
    "three levels over 5",
    "CP over 4",
    "CP under a window of one",
    "out of order over 6",
]


def _windows(tree):
    return {len(node) for level in tree_levels(tree)[1:] for node in level}


@pytest.mark.parametrize("pooling", ["product", "mean"])
@pytest.mark.parametrize("name", FUSED_TREES)
@pytest.mark.parametrize("p", RESIDUE_PRIMES)
def test_GFp_grid_with_weights_up_to_p_against_the_oracle(p, name, pooling):
    """Weights of the size of p (and beyond it, negative, rational): the pooled products of
    both regimes of exactrank.numbers.residues, windows of 1 to 4 children, mean's inverse."""
    tree = TREES[name]
    if pooling == "mean" and any(k % p == 0 for k in _windows(tree)):
        pytest.skip(f"mean over a window of {sorted(_windows(tree))} has no meaning mod {p}")
    L = len(tree_levels(tree)) - 1
    rng = random.Random(p + len(name))
    den = 1 if p < 5 else 7
    weights, output = random_weights(tree, 2, [3, 2, 3][:L], rng, high=2 * p, den=den)
    model = er.HierarchicalNetwork(tree, weights, output, None, "identity", pooling)
    expected = {
        seq: residue(value, p)
        for seq, value in oracle_grid(
            tree, weights, output, None, "identity", pooling, 2, model.N
        ).items()
    }
    gp = er.grid_tensor(model, f"GF({p})")
    assert gp.values.dtype == np.int64
    assert {seq: gp.entry(seq) for seq in expected} == expected


def test_a_missing_residue_correction_is_caught_by_the_oracle(monkeypatch):
    """A reduction that leaves remainders in (−p, p) instead of [0, p) gives a wrong grid
    (and negative values), which the comparison above detects."""
    from exactrank.numbers import residues

    p, tree = 2**61 - 1, TREES["HT over 8"]
    rng = random.Random(8)
    weights, output = random_weights(tree, 2, [3, 3, 3], rng, high=p, den=1)
    model = er.HierarchicalNetwork(tree, weights, output)
    expected = {
        seq: residue(value, p)
        for seq, value in oracle_grid(
            tree, weights, output, None, "identity", "product", 2, 8
        ).items()
    }
    assert {seq: er.grid_tensor(model, f"GF({p})").entry(seq) for seq in expected} == expected

    def no_correction(V, z, p, scratch=None):
        np.rint(z, out=z)
        V -= z.astype(np.int64) * p
        return V

    monkeypatch.setattr(residues, "_reduce_wrapped", no_correction)
    broken = er.grid_tensor(model, f"GF({p})")
    assert {seq: broken.entry(seq) for seq in expected} != expected
