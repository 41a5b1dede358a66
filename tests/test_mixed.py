"""Mixed networks of two hierarchical networks (seed 000, §8) against an independent oracle.

The definition under test is the docstring of :mod:`exactrank.models.mixed`: two
hierarchical networks over the same modes run side by side; at a mixture node v (a node of
both trees, neither leaf nor root) conv_1(v) = W_1 pool_1(v) + A pool_2(v) and
conv_2(v) = W_2 pool_2(v) + B pool_1(v); the output is the sum of both outputs.

Everything expected here comes from code in this file, written from that definition: a
recursive evaluator of the mixed network on one sequence (over Fractions, over GF(p) with
every operation reduced mod p, or over floats), its own tree walk (levels, mode sets,
common nodes), a forward simulation of a dilated causal convolution's taps, and numbers
computed by hand. Nothing expected is computed by exactrank.models.hierarchical_grid or
exactrank.models.mixed_grid.
tests/oracles.py is used read-only (rank_fraction, rank_mod_p_ref, residue, frac).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracles import frac, matricize_ref, rank_fraction, rank_mod_p_ref, residue

import exactrank as er
from exactrank.errors import InvalidInputError, InvalidModelError, ModelFileError
from exactrank.geometry.trees import dilated_tree
from exactrank.models import common_nodes

ROOT = Path(__file__).resolve().parents[1]
STANDALONE = ROOT / "proofs" / "verify_certificate.py"
Q = Fraction
P31 = 2**31 - 1
P61 = 2**61 - 1
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONTIGUOUS8 = (((0, 1), (2, 3)), ((4, 5), (6, 7)))
HT4 = ((0, 1), (2, 3))

# σ/P per level: a name for every level, or a list (leaves first) built per test
OPS = [
    ("identity", "product"),
    ("relu", "max"),
    ("relu", "mean"),
    ("identity", "mean"),
]
MODULAR_OPS = [("identity", "product"), ("identity", "mean")]


# ---------------------------------------------------------------------------- the oracle


def is_mode(node) -> bool:
    return isinstance(node, int)


def leaves_of(node) -> list[int]:
    if is_mode(node):
        return [node]
    return [m for child in node for m in leaves_of(child)]


def height_of(node) -> int:
    return 0 if is_mode(node) else 1 + height_of(node[0])


def levels_of(tree) -> list[list]:
    """Nodes per height (leaves: modes 0 … N−1 in order), pre-order left to right above."""
    out: dict[int, list] = {}

    def walk(node):
        out.setdefault(height_of(node), []).append(node)
        if not is_mode(node):
            for child in node:
                walk(child)

    walk(tree)
    out[0] = sorted(out[0])
    return [out[h] for h in range(len(out))]


def internal_nodes(tree) -> dict:
    """frozenset(modes) → (height, index within the height) of every node that is neither a
    leaf nor the root; a mode set held by two nodes (a window of one over a window) maps to
    the highest of them, the mixture node of the specification."""
    levels = levels_of(tree)
    out = {}
    for h in range(1, len(levels) - 1):
        for k, node in enumerate(levels[h]):
            out[frozenset(leaves_of(node))] = (h, k)  # a higher level overwrites
    return out


def my_common_nodes(t1, t2) -> list[tuple[int, ...]]:
    shared = internal_nodes(t1).keys() & internal_nodes(t2).keys()
    return sorted((tuple(sorted(s)) for s in shared), key=lambda m: (len(m), m))


class Ring:
    """Scalar arithmetic: Fractions (QQ), residues reduced after every step (GF(p)), floats."""

    def __init__(self, kind: str, p: int | None = None):
        self.kind, self.p = kind, p

    def num(self, v):
        if self.kind == "QQ":
            return frac(v)
        if self.kind == "GF":
            return residue(v, self.p)
        return float(frac(v)) if not isinstance(v, float) else v

    def add(self, a, b):
        return (a + b) % self.p if self.kind == "GF" else a + b

    def mul(self, a, b):
        return a * b % self.p if self.kind == "GF" else a * b

    def dot(self, row, vector):
        total = self.num(0)
        for w, v in zip(row, vector, strict=True):
            total = self.add(total, self.mul(self.num(w), v))
        return total

    def sigma(self, name, z):
        if name == "identity":
            return z
        assert self.kind != "GF", "relu has no meaning over GF(p)"
        return max(z, self.num(0))

    def pool(self, name, values):
        if name == "product":
            return functools.reduce(self.mul, values)
        if name == "max":
            assert self.kind != "GF"
            return max(values)
        total = functools.reduce(self.add, values)  # mean = sum / window size
        if self.kind == "GF":
            return total * pow(len(values), -1, self.p) % self.p
        return total / len(values)


def per_level(value, L):
    return [value] * L if isinstance(value, str) else list(value)


def mixed_oracle(spec1, spec2, mixture, seq, ring: Ring):
    """The mixed network on one sequence, by recursion from both roots.

    ``spec``: dict with tree, weights (per level, leaves by mode, then pre-order per height),
    output, F (None: identity), activation, pooling (a name or one per level).
    ``mixture``: {frozenset(modes): (into_first, into_second)}.
    """
    specs = (spec1, spec2)
    info = []
    for spec in specs:
        levels = levels_of(spec["tree"])
        L = len(levels) - 1
        index = {id(node): k for h in range(1, L + 1) for k, node in enumerate(levels[h])}
        by_modes = {}
        for h in range(1, L):
            for node in levels[h]:
                by_modes[frozenset(leaves_of(node))] = node
        M = len(spec["weights"][0][0][0])
        F = (
            spec["F"]
            if spec["F"] is not None
            else [[int(i == j) for j in range(M)] for i in range(M)]
        )
        info.append(
            {
                "L": L,
                "index": index,
                "by_modes": by_modes,
                "F": F,
                "act": per_level(spec["activation"], L),
                "pool": per_level(spec["pooling"], L),
            }
        )
    for key in mixture:  # a mixture node is internal in both trees, once
        assert all(key in i["by_modes"] for i in info), sorted(key)

    conv_memo, pool_memo = {}, {}

    def pooled(n, node):
        """pool_n(v): P_{h−1}{σ_{h−1}(conv_n(c)) : c child of v}, channel by channel."""
        if (n, id(node)) in pool_memo:
            return pool_memo[n, id(node)]
        h, net = height_of(node), info[n]
        children = [conv(n, child) for child in node]
        sigma, pool = net["act"][h - 1], net["pool"][h - 1]
        out = [
            ring.pool(pool, [ring.sigma(sigma, child[g]) for child in children])
            for g in range(len(children[0]))
        ]
        pool_memo[n, id(node)] = out
        return out

    def conv(n, node):
        """conv_n(v), before σ; the dense output at the root."""
        if (n, id(node)) in conv_memo:
            return conv_memo[n, id(node)]
        spec, net = specs[n], info[n]
        if is_mode(node):
            features = [ring.num(v) for v in net["F"][seq[node]]]
            out = [ring.dot(row, features) for row in spec["weights"][0][node]]
        else:
            h = height_of(node)
            z = pooled(n, node)
            if h == net["L"]:
                out = [ring.dot(spec["output"], z)]
            else:
                W = spec["weights"][h][net["index"][id(node)]]
                out = [ring.dot(row, z) for row in W]
                key = frozenset(leaves_of(node))
                if key in mixture and net["by_modes"][key] is node:  # the highest such node
                    cross = mixture[key][n]  # into_first for n = 0, into_second for n = 1
                    other = info[1 - n]["by_modes"][key]
                    z_other = pooled(1 - n, other)
                    extra = [ring.dot(row, z_other) for row in cross]
                    out = [ring.add(a, b) for a, b in zip(out, extra, strict=True)]
        conv_memo[n, id(node)] = out
        return out

    y1 = conv(0, spec1["tree"])[0]
    y2 = conv(1, spec2["tree"])[0]
    return ring.add(y1, y2)


def oracle_grid(spec1, spec2, mixture, M, N, ring=None) -> dict:
    ring = ring or Ring("QQ")
    return {
        seq: mixed_oracle(spec1, spec2, mixture, seq, ring)
        for seq in itertools.product(range(M), repeat=N)
    }


# ---------------------------------------------------------------------------- building models


def draw_matrix(rows, cols, rng, high=9, den=3):
    return [
        [Q(rng.randint(-high, high), rng.randint(1, den)) for _ in range(cols)] for _ in range(rows)
    ]


def make_spec(tree, M, widths, rng, activation="identity", pooling="product", F=None):
    levels = levels_of(tree)
    L = len(levels) - 1
    assert len(widths) == L
    inputs = [M, *widths]
    weights = [[draw_matrix(widths[l], inputs[l], rng) for _ in levels[l]] for l in range(L)]
    output = [Q(rng.randint(-9, 9), rng.randint(1, 3)) for _ in range(widths[-1])]
    return {
        "tree": tree,
        "weights": weights,
        "output": output,
        "F": F,
        "activation": activation,
        "pooling": pooling,
        "widths": list(widths),
    }


def net_of(spec) -> er.HierarchicalNetwork:
    return er.HierarchicalNetwork(
        spec["tree"],
        spec["weights"],
        spec["output"],
        spec["F"],
        spec["activation"],
        spec["pooling"],
    )


def cross_shapes(spec1, spec2, modes):
    """(shape of into_first, shape of into_second) from the docstring: A is
    (r_l, r̄_{l̄−1}), B is (r̄_{l̄}, r_{l−1}), l and l̄ the node's levels in T_1 and T_2."""
    key = frozenset(modes)
    l1, _ = internal_nodes(spec1["tree"])[key]
    l2, _ = internal_nodes(spec2["tree"])[key]
    r, rb = spec1["widths"], spec2["widths"]
    return (r[l1], rb[l2 - 1]), (rb[l2], r[l1 - 1])


def make_mixture(spec1, spec2, nodes, rng) -> dict:
    out = {}
    for modes in nodes:
        sa, sb = cross_shapes(spec1, spec2, modes)
        out[frozenset(modes)] = (draw_matrix(*sa, rng), draw_matrix(*sb, rng))
    return out


def mixed_of(spec1, spec2, mixture, shuffle_rng=None) -> er.MixedNetwork:
    entries = []
    for key, (A, B) in mixture.items():
        modes = sorted(key)
        if shuffle_rng is not None:  # "modes: … (any order)"
            shuffle_rng.shuffle(modes)
        entries.append((modes, A, B))
    if shuffle_rng is not None:
        shuffle_rng.shuffle(entries)
    return er.MixedNetwork(net_of(spec1), net_of(spec2), entries)


def grid_dict(gt, M, N) -> dict:
    values = gt.to_fractions()
    return {seq: values[seq] for seq in itertools.product(range(M), repeat=N)}


def assert_matches_oracle(model, spec1, spec2, mixture, M, N, *, modular=True, rnd=None):
    expected = oracle_grid(spec1, spec2, mixture, M, N)
    got = grid_dict(er.grid_tensor(model, "QQ"), M, N)
    bad = [s for s in expected if got[s] != expected[s]]
    assert not bad, f"{len(bad)} entries differ, e.g. {bad[0]}: {got[bad[0]]} != {expected[bad[0]]}"
    floats = er.grid_tensor(model, "float").values
    for seq, value in expected.items():
        assert math.isclose(floats[seq], float(value), rel_tol=1e-9, abs_tol=1e-9), seq
    if modular:
        ring = Ring("GF", P31)
        gf = er.grid_tensor(model, f"GF({P31})").values
        for seq in expected:
            assert int(gf[seq]) == mixed_oracle(spec1, spec2, mixture, seq, ring), seq
    rnd = rnd or random.Random(0)
    sample = [rnd.choice(sorted(expected)) for _ in range(6)]
    entries = er.grid_entries(model, [list(s) for s in sample])
    assert list(entries.to_fractions()) == [expected[s] for s in sample]
    assert er.score(model, sample[0]) == expected[sample[0]]
    return expected


# ---------------------------------------------------------------------------- tree pairs

PAIRS = {
    # name: (first tree, second tree, widths of first, widths of second, M)
    "HT4 with itself": (HT4, HT4, [2, 3], [3, 2], 2),
    "HT4, windows reversed": (HT4, ((1, 0), (3, 2)), [2, 2], [1, 3], 3),
    "HT4 vs mirror (no common node)": (HT4, ((0, 3), (1, 2)), [2, 2], [2, 2], 2),
    "HT4 vs levels padded with windows of one": (
        HT4,
        (((0,), (1,)), ((2,), (3,))),
        [2, 3],
        [2, 3, 2],
        2,
    ),
    "windows of 3 over 6": (((0, 1, 2), (3, 4, 5)), ((2, 0, 1), (5, 3, 4)), [2, 2], [3, 1], 2),
    "windows of 3 vs a padded window of one": (
        ((0, 1, 2), (3, 4, 5)),
        ((0, 1), (2,), (3, 4, 5)),
        [2, 2],
        [2, 3],
        2,
    ),
    "dilated (1,2,4) vs (2,1,4)": (
        dilated_tree((1, 2, 4)),
        dilated_tree((2, 1, 4)),
        [2, 3, 2],
        [3, 2, 1],
        2,
    ),
    "dilated (1,2,4) vs (1,4,2)": (
        dilated_tree((1, 2, 4)),
        dilated_tree((1, 4, 2)),
        [2, 2, 2],
        [2, 2, 2],
        2,
    ),
    "dilated (1,2,4) vs (4,2,1)": (
        dilated_tree((1, 2, 4)),
        dilated_tree((4, 2, 1)),
        [2, 1, 2],
        [1, 2, 2],
        2,
    ),
    "contiguous vs a tree of no dilated net": (
        CONTIGUOUS8,
        (((0, 1), (2, 7)), ((4, 5), (3, 6))),
        [2, 2, 3],
        [3, 2, 2],
        2,
    ),
    "dilated (1,2,4) vs windows of 4 (levels differ)": (
        dilated_tree((1, 2, 4)),
        ((0, 1, 2, 3), (4, 5, 6, 7)),
        [2, 3, 2],
        [2, 3],
        2,
    ),
    "size-3 dilations (1,3) vs windows reordered": (
        dilated_tree((1, 3), 3),
        ((2, 1, 0), (3, 4, 5), (8, 7, 6)),
        [2, 2],
        [2, 2],
        2,
    ),
}


def n_modes(tree) -> int:
    return len(leaves_of(tree))


@pytest.mark.parametrize("name", list(PAIRS))
def test_common_nodes_against_our_own_tree_walk(name):
    t1, t2, *_ = PAIRS[name]
    assert common_nodes(t1, t2) == my_common_nodes(t1, t2)
    assert common_nodes(t2, t1) == my_common_nodes(t1, t2)


def test_common_nodes_of_the_papers_pairs_written_out():
    base = dilated_tree((1, 2, 4))
    assert common_nodes(base, dilated_tree((2, 1, 4))) == [(0, 1, 2, 3), (4, 5, 6, 7)]
    assert common_nodes(base, dilated_tree((1, 4, 2))) == [(0, 1), (2, 3), (4, 5), (6, 7)]
    assert common_nodes(base, dilated_tree((4, 2, 1))) == []
    assert common_nodes(base, base) == [
        (0, 1),
        (2, 3),
        (4, 5),
        (6, 7),
        (0, 1, 2, 3),
        (4, 5, 6, 7),
    ]


@pytest.mark.parametrize("name", list(PAIRS))
@pytest.mark.parametrize("ops", OPS, ids=["id-prod", "relu-max", "relu-mean", "id-mean"])
def test_grid_against_the_oracle_every_common_node_mixed(name, ops):
    t1, t2, w1, w2, M = PAIRS[name]
    N = n_modes(t1)
    if N > 6 and ops[0] != "identity":
        M = 2
    rng = random.Random(f"{name}/{ops}")
    F1 = draw_matrix(M, M, rng, high=3, den=2)
    spec1 = make_spec(t1, M, w1, rng, *ops, F=F1)
    spec2 = make_spec(t2, M, w2, rng, *ops, F=F1)
    mixture = make_mixture(spec1, spec2, my_common_nodes(t1, t2), rng)
    model = mixed_of(spec1, spec2, mixture, shuffle_rng=rng)
    modular = ops[0] == "identity"
    assert_matches_oracle(model, spec1, spec2, mixture, M, N, modular=modular, rnd=rng)


@st.composite
def mixed_cases(draw):
    name = draw(st.sampled_from(sorted(PAIRS)))
    t1, t2, _, _, M = PAIRS[name]
    L1, L2 = len(levels_of(t1)) - 1, len(levels_of(t2)) - 1
    w1 = [draw(st.integers(1, 3)) for _ in range(L1)]
    w2 = [draw(st.integers(1, 3)) for _ in range(L2)]
    common = my_common_nodes(t1, t2)
    chosen = [node for node in common if draw(st.booleans())]
    if draw(st.booleans()):  # one σ/P for all levels, or one per level (mixed kinds)
        ops1 = ops2 = draw(st.sampled_from(OPS))
    else:
        ops1 = draw(st.sampled_from(OPS))
        ops2 = draw(st.sampled_from(OPS))
    seed = draw(st.integers(0, 2**32))
    return name, w1, w2, chosen, ops1, ops2, seed


@given(mixed_cases())
@SETTINGS
def test_random_mixtures_against_the_oracle(case):
    name, w1, w2, chosen, ops1, ops2, seed = case
    t1, t2, _, _, M = PAIRS[name]
    N = n_modes(t1)
    rng = random.Random(seed)
    F = draw_matrix(M, M, rng, high=3, den=2) if rng.random() < 0.5 else None
    spec1 = make_spec(t1, M, w1, rng, *ops1, F=F)
    spec2 = make_spec(t2, M, w2, rng, *ops2, F=F)
    mixture = make_mixture(spec1, spec2, chosen, rng)
    model = mixed_of(spec1, spec2, mixture, shuffle_rng=rng)
    modular = ops1[0] == ops2[0] == "identity"
    assert_matches_oracle(model, spec1, spec2, mixture, M, N, modular=modular, rnd=rng)


def test_activations_and_poolings_per_level_differ_between_the_networks():
    t1, t2 = dilated_tree((1, 2, 4)), dilated_tree((2, 1, 4))
    rng = random.Random(5)
    spec1 = make_spec(
        t1, 2, [2, 2, 2], rng, ["relu", "identity", "relu"], ["max", "product", "mean"]
    )
    spec2 = make_spec(
        t2, 2, [1, 2, 3], rng, ["identity", "relu", "identity"], ["mean", "max", "product"]
    )
    mixture = make_mixture(spec1, spec2, [(0, 1, 2, 3), (4, 5, 6, 7)], rng)
    model = mixed_of(spec1, spec2, mixture)
    assert_matches_oracle(model, spec1, spec2, mixture, 2, 8, modular=False)


@pytest.mark.parametrize("seed", [0, 1])
def test_random_mixed_over_GFp_against_the_modular_oracle(seed):
    """random_mixed over GF(p) draws residues: the grid is compared with the oracle run with
    every operation reduced mod p (not the QQ value reduced at the end)."""
    t1, t2 = dilated_tree((1, 2, 4)), dilated_tree((1, 4, 2))
    field = f"GF({P61})"
    model = er.random_mixed(t1, t2, 2, [2, 2, 1], field=field, seed=seed)
    spec1, spec2, mixture = specs_of(model)
    gf = er.grid_tensor(model, field).values
    ring = Ring("GF", P61)
    for seq in itertools.product(range(2), repeat=8):
        assert int(gf[seq]) == mixed_oracle(spec1, spec2, mixture, seq, ring), seq


def specs_of(model: er.MixedNetwork):
    """The oracle's specs read back from a model's stored numbers."""

    def spec(net):
        return {
            "tree": net.tree,
            "weights": [[np.asarray(w).tolist() for w in level] for level in net.weights],
            "output": np.asarray(net.output).tolist(),
            "F": np.asarray(net.F).tolist(),
            "activation": [a.name for a in net.activation],
            "pooling": [p.name for p in net.pooling],
            "widths": list(net.widths),
        }

    mixture = {
        frozenset(node.modes): (node.into_first.tolist(), node.into_second.tolist())
        for node in model.mixture
    }
    return spec(model.first), spec(model.second), mixture


@pytest.mark.parametrize("ops", [("identity", "product"), ("relu", "max")])
def test_random_mixed_over_QQ_against_the_oracle(ops):
    t1, t2 = HT4, (((0,), (1,)), ((2,), (3,)))
    model = er.random_mixed(t1, t2, 3, 2, seed=7, activation=ops[0], pooling=ops[1])
    assert [n.modes for n in model.mixture] == [(0, 1), (2, 3)]  # default: every common node
    spec1, spec2, mixture = specs_of(model)
    assert_matches_oracle(model, spec1, spec2, mixture, 3, 4, modular=ops[0] == "identity")


# ---------------------------------------------------------------------------- hand computed


def test_hand_computed_product_example():
    """N = 4, M = 2, every width 1, F = I, identity/product over ((0, 1), (2, 3)) twice.

    First: leaf convs x = [1, 2] at every mode, all inner weights and the output 1, so its
    pooled vectors are P(i, j) = x_i x_j. Second: leaves y = [1, −1], Q(i, j) = y_i y_j.
    Mixture at {0, 1}: A = 2, B = 3. conv_1(01) = P01 + 2 Q01 = 3, 0, 0, 6 and
    conv_2(01) = Q01 + 3 P01 = 4, 5, 5, 13 (for i0 i1 = 00, 01, 10, 11);
    y = conv_1(01) · P23 + conv_2(01) · Q23 with P23 = 1, 2, 2, 4 and Q23 = 1, −1, −1, 1.
    """
    first = er.HierarchicalNetwork(HT4, [[[[1, 2]]] * 4, [[[1]], [[1]]]], [1])
    second = er.HierarchicalNetwork(HT4, [[[[1, -1]]] * 4, [[[1]], [[1]]]], [1])
    model = er.MixedNetwork(first, second, [((0, 1), [[2]], [[3]])])
    expected = [
        [7, 2, 2, 16],  # i0 i1 = 00: 3·P23 + 4·Q23
        [5, -5, -5, 5],  # 01: 0·P23 + 5·Q23
        [5, -5, -5, 5],  # 10
        [19, -1, -1, 37],  # 11: 6·P23 + 13·Q23
    ]
    got = er.grid_tensor(model).to_fractions().reshape(4, 4).tolist()
    assert got == expected
    # without the mixture: P01 P23 + Q01 Q23
    plain = er.MixedNetwork(first, second, [])
    P, Qv = [1, 2, 2, 4], [1, -1, -1, 1]
    assert er.grid_tensor(plain).to_fractions().reshape(4, 4).tolist() == [
        [P[a] * P[b] + Qv[a] * Qv[b] for b in range(4)] for a in range(4)
    ]


def test_hand_computed_relu_max_example_mixes_before_the_activation():
    """N = 4, M = 2, widths 1, relu/max, F = I, ((0, 1), (2, 3)) twice, mixture at {0, 1}.

    First: leaves a = [1, −2] (relu: 1, 0), so pool_1(i, j) = 1, 1, 1, 0; inner weights 1,
    output 1. Second: leaves b = [−1, 3] (relu: 0, 3), pool_2 = 0, 3, 3, 3; inner weight −1
    at {0, 1}, 1 at {2, 3}, output −1. A = −1, B = 2:
    conv_1(01) = pool_1 − pool_2 = 1, −2, −2, −3 (relu: 1, 0, 0, 0);
    conv_2(01) = −pool_2 + 2 pool_1 = 2, −1, −1, −3 (relu: 2, 0, 0, 0);
    conv(23) = pool(23); y = max(relu conv_1(01), conv_1(23)) − max(relu conv_2(01), conv_2(23)).
    """
    first = er.HierarchicalNetwork(HT4, [[[[1, -2]]] * 4, [[[1]], [[1]]]], [1], None, "relu", "max")
    second = er.HierarchicalNetwork(
        HT4, [[[[-1, 3]]] * 4, [[[-1]], [[1]]]], [-1], None, "relu", "max"
    )
    model = er.MixedNetwork(first, second, [([1, 0], [[-1]], [[2]])])
    expected = [
        [-1, -2, -2, -2],  # i0 i1 = 00: [1, 1, 1, 1] − [2, 3, 3, 3]
        [1, -2, -2, -3],  # 01: [1, 1, 1, 0] − [0, 3, 3, 3]
        [1, -2, -2, -3],  # 10
        [1, -2, -2, -3],  # 11
    ]
    assert er.grid_tensor(model).to_fractions().reshape(4, 4).tolist() == expected
    assert er.score(model, (0, 0, 0, 1)) == -2


# ---------------------------------------------------------------------------- structure


def _random_pair(name, seed, ops=("identity", "product")):
    t1, t2, w1, w2, M = PAIRS[name]
    rng = random.Random(seed)
    spec1 = make_spec(t1, M, w1, rng, *ops)
    spec2 = make_spec(t2, M, w2, rng, *ops)
    return spec1, spec2, rng


STRUCTURE_PAIRS = [
    "HT4 with itself",
    "HT4 vs levels padded with windows of one",
    "dilated (1,2,4) vs (2,1,4)",
    "dilated (1,2,4) vs windows of 4 (levels differ)",
]


@pytest.mark.parametrize("name", STRUCTURE_PAIRS)
@pytest.mark.parametrize("ops", [("identity", "product"), ("relu", "max"), ("relu", "mean")])
def test_no_mixture_node_is_the_sum_of_the_two_networks(name, ops):
    spec1, spec2, _ = _random_pair(name, 11, ops)
    model = mixed_of(spec1, spec2, {})
    a = er.grid_tensor(net_of(spec1)).to_fractions()
    b = er.grid_tensor(net_of(spec2)).to_fractions()
    got = er.grid_tensor(model).to_fractions()
    assert (got == a + b).all()


@given(st.sampled_from(STRUCTURE_PAIRS), st.integers(0, 2**32), st.sampled_from(OPS))
@settings(max_examples=15, deadline=None)
def test_proposition_i_second_silent_gives_the_first_network(name, seed, ops):
    """Second output zero and into_first zero: M's grid is N_1's whatever into_second is
    (seed 000, proposition (i))."""
    spec1, spec2, rng = _random_pair(name, seed, ops)
    t1, t2 = spec1["tree"], spec2["tree"]
    nodes = [n for n in my_common_nodes(t1, t2) if rng.random() < 0.7]
    mixture = make_mixture(spec1, spec2, nodes, rng)
    silent = dict(spec2, output=[0] * len(spec2["output"]))
    zeroed = {k: ([[0] * len(A[0]) for _ in A], B) for k, (A, B) in mixture.items()}
    model = mixed_of(spec1, silent, zeroed)
    expected = er.grid_tensor(net_of(spec1)).to_fractions()
    assert (er.grid_tensor(model).to_fractions() == expected).all()
    # and the converse with the roles swapped: first silent, into_second zero
    silent1 = dict(spec1, output=[0] * len(spec1["output"]))
    zeroed2 = {k: (A, [[0] * len(B[0]) for _ in B]) for k, (A, B) in mixture.items()}
    model2 = mixed_of(silent1, spec2, zeroed2)
    expected2 = er.grid_tensor(net_of(spec2)).to_fractions()
    assert (er.grid_tensor(model2).to_fractions() == expected2).all()


def test_proposition_i_is_not_vacuous():
    """With into_first nonzero the silent second network does change the grid."""
    spec1, spec2, rng = _random_pair("HT4 with itself", 3)
    mixture = make_mixture(spec1, spec2, [(0, 1)], rng)
    silent = dict(spec2, output=[0] * len(spec2["output"]))
    model = mixed_of(spec1, silent, mixture)
    expected = er.grid_tensor(net_of(spec1)).to_fractions()
    assert not (er.grid_tensor(model).to_fractions() == expected).all()


@pytest.mark.parametrize("name", STRUCTURE_PAIRS + ["windows of 3 vs a padded window of one"])
@pytest.mark.parametrize("ops", [("identity", "product"), ("relu", "max")])
def test_swapping_first_and_second_keeps_the_grid(name, ops):
    spec1, spec2, rng = _random_pair(name, 23, ops)
    nodes = my_common_nodes(spec1["tree"], spec2["tree"])
    mixture = make_mixture(spec1, spec2, nodes, rng)
    swapped = {k: (B, A) for k, (A, B) in mixture.items()}
    a = er.grid_tensor(mixed_of(spec1, spec2, mixture)).to_fractions()
    b = er.grid_tensor(mixed_of(spec2, spec1, swapped)).to_fractions()
    assert (a == b).all()


def test_mixture_nodes_are_sorted_and_placed_in_both_trees():
    t1, t2 = dilated_tree((1, 2, 4)), ((0, 1, 2, 3), (4, 5, 6, 7))
    model = er.random_mixed(t1, t2, 2, 1, mixture=[[7, 5, 6, 4], (3, 2, 1, 0)])
    assert [n.modes for n in model.mixture] == [(0, 1, 2, 3), (4, 5, 6, 7)]
    for node in model.mixture:
        for net, (l, k) in zip(model.components, (node.first, node.second), strict=True):
            assert sorted(leaves_of(net.levels[l][k])) == list(node.modes)
        assert node.first[0] == 2 and node.second[0] == 1


# ---------------------------------------------------------------------------- dilated_tree


def simulate_dilated(dilations, size):
    """Run the taps of a dilated causal convolution forward over every time step.

    Layer 0 at time t is input t (t = 0 … N−1, N = size^L); layer l at time t reads layer
    l − 1 at t − (size − 1)·d_l, …, t − d_l, t (time order); a time before 0 is padding
    (None). Returns what the last layer at time N − 1 reads, as nested tuples.
    """
    N = size ** len(dilations)
    layer = {t: t for t in range(N)}
    for d in dilations:
        layer = {t: tuple(layer.get(t - c * d) for c in range(size - 1, -1, -1)) for t in range(N)}
    return layer[N - 1]


def receptive_fields(dilations, size):
    """R[l][t]: the set of inputs layer l at time t depends on (padding contributes none)."""
    N = size ** len(dilations)
    R = [{t: {t} for t in range(N)}]
    for d in dilations:
        prev = R[-1]
        R.append(
            {t: set().union(*(prev.get(t - c * d, set()) for c in range(size))) for t in range(N)}
        )
    return R


def _flat(node):
    if node is None or is_mode(node):
        return [node]
    return [x for child in node for x in _flat(child)]


def test_dilated_tree_examples_of_the_docstring():
    assert dilated_tree([1, 2, 4]) == CONTIGUOUS8
    assert dilated_tree((1, 2, 4)) == CONTIGUOUS8
    assert dilated_tree([4, 2, 1]) == (((0, 4), (2, 6)), ((1, 5), (3, 7)))
    assert dilated_tree([1]) == (0, 1)
    assert dilated_tree([1, 3], 3) == ((0, 1, 2), (3, 4, 5), (6, 7, 8))
    assert dilated_tree([3, 1], size=3) == ((0, 3, 6), (1, 4, 7), (2, 5, 8))
    assert dilated_tree([1, 2, 4, 8]) == (
        (((0, 1), (2, 3)), ((4, 5), (6, 7))),
        (((8, 9), (10, 11)), ((12, 13), (14, 15))),
    )


@pytest.mark.parametrize(
    "size,dilations",
    [(2, d) for L in (1, 2, 3, 4) for d in itertools.permutations([2**e for e in range(L)])]
    + [(3, d) for L in (1, 2, 3) for d in itertools.permutations([3**e for e in range(L)])]
    + [(4, (4, 1)), (4, (1, 4))],
)
def test_dilated_tree_is_the_simulated_receptive_structure(size, dilations):
    tree = dilated_tree(list(dilations), size)
    assert tree == simulate_dilated(dilations, size)
    N = size ** len(dilations)
    assert sorted(leaves_of(tree)) == list(range(N))
    # each node of layer l is the node at the time of its last input: its modes are exactly
    # what layer l at that time depends on, and its children are in time order
    R = receptive_fields(dilations, size)
    for l, level in enumerate(levels_of(tree)):
        for node in level:
            modes = leaves_of(node)
            assert set(modes) == R[l][max(modes)], (l, node)
            if l:
                times = [max(leaves_of(child)) for child in node]
                assert times == sorted(times)
                d = dilations[l - 1]
                assert all(b - a == d for a, b in itertools.pairwise(times))


@pytest.mark.parametrize("size,L", [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2)])
def test_dilated_tree_accepts_exactly_the_dilations_that_read_every_input_once(size, L):
    """Over every tuple of dilations 1 … size^L + 1: accepted iff the simulated last output
    reads each input 0 … N − 1 exactly once and no padding."""
    N = size**L
    for d in itertools.product(range(1, N + 2), repeat=L):
        flat = _flat(simulate_dilated(d, size))
        exact_cover = None not in flat and sorted(flat) == list(range(N))
        try:
            tree = dilated_tree(list(d), size)
        except InvalidInputError as exc:
            assert not exact_cover, (d, str(exc))
            assert "permutation of" in str(exc)
        else:
            assert exact_cover, d
            assert tree == simulate_dilated(d, size)


@pytest.mark.parametrize(
    "dilations,size,needles",
    [
        ([1, 2, 2], 2, ["permutation of [1, 2, 4]", "size = 2", "N = 8"]),
        ([1, 1], 2, ["permutation of [1, 2]"]),
        ([2, 4], 2, ["permutation of [1, 2]"]),
        ([1, 2, 3], 2, ["permutation of [1, 2, 4]"]),
        ([1, 2], 3, ["permutation of [1, 3]", "size = 3", "N = 9"]),
        ([0, 1], 2, ["dilations[0]", "integer >= 1", "0"]),
        ([1, -2], 2, ["dilations[1]", "integer >= 1"]),
        ([1, 2.0], 2, ["dilations[1]", "integer >= 1"]),
        ([True, 2], 2, ["dilations[0]", "integer >= 1"]),
        ([1, "2"], 2, ["dilations[1]", "integer >= 1"]),
        ([], 2, ["non-empty list"]),
        ("124", 2, ["non-empty list"]),
        (None, 2, ["non-empty list"]),
        (4, 2, ["non-empty list"]),
        ({1: 1}, 2, ["non-empty list"]),
        ([1, 2], 1, ["size", "integer >= 2"]),
        ([1, 2], 2.0, ["size", "integer >= 2"]),
    ],
)
def test_bad_dilations_are_refused_saying_what_is_expected(dilations, size, needles):
    with pytest.raises(InvalidInputError) as info:
        dilated_tree(dilations, size)
    for needle in needles:
        assert needle in str(info.value), (needle, str(info.value))


# ---------------------------------------------------------------------------- validation


def _nets(t1=HT4, t2=HT4, w1=(2, 3), w2=(4, 5), M=2, F2=None, seed=0):
    rng = random.Random(seed)
    s1 = make_spec(t1, M, list(w1), rng)
    s2 = make_spec(t2, M, list(w2), rng, F=F2)
    return net_of(s1), net_of(s2)


def _zeros(r, c):
    return [[0] * c for _ in range(r)]


def _refused(first, second, mixture, *needles):
    with pytest.raises(InvalidModelError) as info:
        er.MixedNetwork(first, second, mixture)
    message = str(info.value)
    for needle in needles:
        assert needle in message, (needle, message)
    return message


def test_a_mixture_node_not_in_the_first_tree_lists_the_common_nodes():
    a, b = _nets()
    _refused(
        a,
        b,
        [((0, 2), _zeros(3, 4), _zeros(5, 2))],
        "mixture[0]",
        "[0, 2]",
        "first tree",
        "nodes common to both trees: [0, 1], [2, 3]",
    )


def test_a_mixture_node_only_in_the_first_tree_names_the_second():
    a, b = _nets(dilated_tree((1, 2, 4)), dilated_tree((2, 1, 4)), (1, 1, 1), (1, 1, 1))
    _refused(
        a,
        b,
        [((0, 1, 2, 3), _zeros(1, 1), _zeros(1, 1)), ((0, 1), _zeros(1, 1), _zeros(1, 1))],
        "mixture[1]",
        "[0, 1]",
        "second tree",
        "nodes common to both trees: [0, 1, 2, 3], [4, 5, 6, 7]",
    )


def test_trees_without_common_nodes_say_so():
    a, b = _nets(HT4, ((0, 3), (1, 2)), (1, 1), (1, 1))
    _refused(a, b, [((0, 1), [[0]], [[0]])], "second tree", "none")


@pytest.mark.parametrize("modes", [(0, 1, 2, 3), (3, 1, 0, 2), (0,), (3,)])
def test_the_root_or_a_leaf_is_not_a_mixture_node(modes):
    a, b = _nets(w1=(1, 1), w2=(1, 1))
    _refused(a, b, [(modes, [[0]], [[0]])], "not an internal node", "[0, 1], [2, 3]")


def test_a_window_of_one_over_a_leaf_is_an_internal_node():
    t = ((0, 1), (2,))
    a, b = _nets(t, t, (1, 2), (3, 1), M=2)
    model = er.MixedNetwork(a, b, [((2,), _zeros(2, 3), _zeros(1, 1))])
    assert [n.modes for n in model.mixture] == [(2,)]


@pytest.mark.parametrize("second_modes", [(0, 1), (1, 0), [1, 0]])
def test_a_duplicate_mixture_node_is_refused(second_modes):
    a, b = _nets()
    _refused(
        a,
        b,
        [((0, 1), _zeros(3, 4), _zeros(5, 2)), (second_modes, _zeros(3, 4), _zeros(5, 2))],
        "mixture[1]",
        "[0, 1]",
        "already mixture[0]",
    )


def test_shapes_of_the_exchange_weights_same_levels():
    """HT4 twice, widths (2, 3) and (4, 5): at {0, 1} (level 1 in both) A is (r_1, r̄_0)
    = (3, 4) and B is (r̄_1, r_0) = (5, 2)."""
    a, b = _nets()
    assert er.MixedNetwork(a, b, [((0, 1), _zeros(3, 4), _zeros(5, 2))]).mixture
    _refused(a, b, [((0, 1), _zeros(4, 3), _zeros(5, 2))], "into_first", "(4, 3)", "(3, 4)")
    _refused(a, b, [((0, 1), _zeros(3, 4), _zeros(2, 5))], "into_second", "(2, 5)", "(5, 2)")
    _refused(a, b, [((0, 1), _zeros(3, 4), _zeros(5, 3))], "mixture[0].into_second", "(5, 2)")


def test_shapes_of_the_exchange_weights_different_levels():
    """{0, 1} is level 1 of HT4 (widths 2, 3) and level 2 of the padded tree (widths 4, 5,
    6): A is (r_1, r̄_1) = (3, 5), B is (r̄_2, r_0) = (6, 2)."""
    a, b = _nets(HT4, (((0,), (1,)), ((2,), (3,))), (2, 3), (4, 5, 6))
    model = er.MixedNetwork(a, b, [((0, 1), _zeros(3, 5), _zeros(6, 2))])
    assert model.mixture[0].first == (1, 0) and model.mixture[0].second == (2, 0)
    _refused(a, b, [((0, 1), _zeros(3, 4), _zeros(6, 2))], "into_first", "(3, 5)")
    _refused(a, b, [((0, 1), _zeros(3, 5), _zeros(5, 2))], "into_second", "(6, 2)")


@pytest.mark.parametrize(
    "entry,needles",
    [
        (((0, 1), [1, 2, 3], _zeros(5, 2)), ["mixture[0].into_first", "2-D"]),
        (((0, 1), _zeros(3, 4), 7), ["mixture[0].into_second", "2-D"]),
        (((0, 1), [[1, 2], [3]], _zeros(5, 2)), ["mixture[0].into_first", "rectangular"]),
        (((0, 1), _zeros(3, 4)), ["mixture[0]", "expected (modes, into_first, into_second)"]),
        ("abc", ["mixture[0]", "expected (modes, into_first, into_second)"]),
        (((), _zeros(3, 4), _zeros(5, 2)), ["mixture[0]", "non-empty list"]),
        ((0, _zeros(3, 4), _zeros(5, 2)), ["mixture[0]", "non-empty list"]),
        (("01", _zeros(3, 4), _zeros(5, 2)), ["mixture[0]", "non-empty list"]),
        (((0, "1"), _zeros(3, 4), _zeros(5, 2)), ["mixture[0]", "integers", "'1'"]),
        (((0, 1.0), _zeros(3, 4), _zeros(5, 2)), ["mixture[0]", "integers"]),
        (((True, 1), _zeros(3, 4), _zeros(5, 2)), ["mixture[0]", "integers"]),
    ],
)
def test_malformed_mixture_entries_are_refused(entry, needles):
    a, b = _nets()
    _refused(a, b, [entry], *needles)


@pytest.mark.parametrize("mixture", [None, {"modes": [0, 1]}, 5, "01"])
def test_a_mixture_that_is_not_a_list_is_refused(mixture):
    a, b = _nets()
    _refused(a, b, mixture, "mixture must be a list")


def test_numpy_integer_modes_are_accepted():
    a, b = _nets()
    modes = np.array([1, 0])
    model = er.MixedNetwork(a, b, [(list(modes), _zeros(3, 4), _zeros(5, 2))])
    assert model.mixture[0].modes == (0, 1)


def test_N_or_M_mismatch_is_refused():
    a, _ = _nets()
    b8, _ = _nets(CONTIGUOUS8, CONTIGUOUS8, (1, 1, 1), (1, 1, 1))
    _refused(a, b8, [], "share N and M", "first has N = 4, M = 2", "second has N = 8, M = 2")
    _refused(b8, a, [], "first has N = 8", "second has N = 4")
    _, b3 = _nets(M=2)
    a3, _ = _nets(M=3)
    _refused(a3, b3, [], "share N and M", "M = 3", "M = 2")


def test_different_F_is_refused():
    a, b = _nets(F2=[[1, 1], [0, 1]])
    _refused(a, b, [], "representation F")
    _refused(b, a, [], "representation F")
    c, d = _nets(F2=[[1, 0], [0, 1]])  # the identity written out is the default F
    assert er.MixedNetwork(c, d, []).M == 2


@pytest.mark.parametrize("which", ["first", "second"])
def test_components_that_are_not_hierarchical_networks_are_refused(which):
    a, b = _nets()
    shallow = er.GeneralizedShallow("product", [1], [[[1, 0]] * 4])
    for bad, name in [(shallow, "GeneralizedShallow"), ({"tree": HT4}, "dict"), (None, "NoneType")]:
        args = (bad, b) if which == "first" else (a, bad)
        msg = _refused(*args, [], f"{which}: expected a HierarchicalNetwork", name)
        assert msg.count(which) == 1


def test_float_exchange_weights_make_a_float_model():
    spec1, spec2, rng = _random_pair("HT4 with itself", 4)
    mixture = make_mixture(spec1, spec2, [(0, 1)], rng)
    ((key, (A, B)),) = mixture.items()
    floats = {key: ([[float(v) for v in row] for row in A], B)}
    model = mixed_of(spec1, spec2, floats)
    assert model.exact is False
    with pytest.raises(er.ExactRankError):
        er.grid_tensor(model, "QQ")
    with pytest.raises(InvalidModelError):
        er.model_to_dict(model)
    expected = oracle_grid(spec1, spec2, mixture, 2, 4)
    got = er.grid_tensor(model, "float").values
    for seq, value in expected.items():
        assert math.isclose(got[seq], float(value), rel_tol=1e-9, abs_tol=1e-9)


def test_relu_in_a_component_is_refused_over_GFp():
    spec1, spec2, _ = _random_pair("HT4 with itself", 4)
    spec2 = dict(spec2, activation="relu", pooling="max")
    model = mixed_of(spec1, spec2, {})
    with pytest.raises(er.ExactRankError, match="GF"):
        er.grid_tensor(model, "GF(101)")


# ---------------------------------------------------------------------------- model files


def _file_model(seed=3):
    t1, t2 = dilated_tree((1, 2, 4)), dilated_tree((2, 1, 4))
    rng = random.Random(seed)
    spec1 = make_spec(t1, 2, [2, 1, 2], rng, ["identity", "relu", "relu"], "max")
    spec2 = make_spec(t2, 2, [1, 2, 2], rng, "relu", ["mean", "max", "max"])
    mixture = make_mixture(spec1, spec2, [(0, 1, 2, 3), (4, 5, 6, 7)], rng)
    return mixed_of(spec1, spec2, mixture), spec1, spec2, mixture


def test_model_file_round_trip(tmp_path):
    model, spec1, spec2, mixture = _file_model()
    path = tmp_path / "mixed.json"
    er.save_model(model, path)
    data = json.loads(path.read_text())
    assert data["kind"] == "mixed" and data["M"] == 2 and data["T"] == 8
    assert data["first"]["kind"] == data["second"]["kind"] == "hierarchical"
    assert [e["modes"] for e in data["mixture"]] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # the exchange weights are written exactly ("p/q" strings)
    first_entry = data["mixture"][0]["into_first"]
    assert [[frac(v) for v in row] for row in first_entry] == mixture[frozenset(range(4))][0]
    loaded = er.load_model(path)
    assert isinstance(loaded, er.MixedNetwork)
    expected = oracle_grid(spec1, spec2, mixture, 2, 8)
    assert grid_dict(er.grid_tensor(loaded), 2, 8) == expected
    assert er.model_to_dict(loaded) == er.model_to_dict(model)


def test_shared_components_round_trip(tmp_path):
    t = dilated_tree((1, 2, 4))
    first = er.random_hierarchical(t, 2, 2, seed=1, shared=True)
    second = er.random_hierarchical(dilated_tree((1, 4, 2)), 2, 2, seed=2)
    model = er.MixedNetwork(first, second, [((0, 1), [["1/2", 3], [0, -1]], [[1, 2], [3, 4]])])
    path = tmp_path / "shared.json"
    er.save_model(model, path)
    loaded = er.load_model(path)
    assert loaded.first.shared and not loaded.second.shared
    assert (er.grid_tensor(loaded).to_fractions() == er.grid_tensor(model).to_fractions()).all()


def _mixed_dict():
    model, *_ = _file_model()
    return er.model_to_dict(model)


@pytest.mark.parametrize(
    "path",
    [
        ("mixture", 0, "into_first", 0, 0),
        ("mixture", 1, "into_second", 1, 0),
        ("mixture", 0, "modes", 2),
    ],
)
def test_a_json_float_in_the_mixture_is_refused(tmp_path, path):
    data = _mixed_dict()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = 0.5
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(data))
    with pytest.raises(ModelFileError) as info:
        er.load_model(file)
    message = str(info.value)
    assert str(file) in message and "JSON float" in message and "1/2" in message
    assert "mixture[" in message


@pytest.mark.parametrize(
    "which,change,needle",
    [
        ("first", lambda c: c.pop("tree"), "missing key 'tree'"),
        ("second", lambda c: c.__setitem__("output", [1, 2, 3]), "output has 3 entries"),
        ("first", lambda c: c["weights"][0][0][0].__setitem__(0, 0.25), "JSON float"),
        ("second", lambda c: c.__setitem__("version", 2), "unsupported version"),
        ("first", lambda c: c.__setitem__("kind", "overlapping"), "missing key"),
        ("second", lambda c: c.__setitem__("tree", [[0, 1], [2, 3]]), "L = 2"),
    ],
)
def test_a_bad_component_is_named_once(which, change, needle):
    data = _mixed_dict()
    change(data[which])
    with pytest.raises(ModelFileError) as info:
        er.model_from_dict(data, where="m.json")
    message = str(info.value)
    # named once: "m.json: first: …", or by the value's path "m.json: first.weights[0]…"
    assert re.match(rf"m\.json: {which}[:.]", message), message
    assert len(re.findall(rf"\b{which}[:.]", message)) == 1, message
    assert message.count("m.json") == 1, message
    assert needle in message, message


def test_a_component_of_another_kind_is_refused():
    data = _mixed_dict()
    data["second"] = er.model_to_dict(er.GeneralizedShallow("product", [1], [[[1, 0]] * 8]))
    with pytest.raises(ModelFileError, match='"second" must be a hierarchical model'):
        er.model_from_dict(data, where="m.json")


@pytest.mark.parametrize(
    "change,needles",
    [
        (lambda d: d.pop("mixture"), ["missing key 'mixture'"]),
        (lambda d: d.__setitem__("mixture", {"modes": [0, 1]}), ['"mixture" must be a list']),
        (lambda d: d["mixture"][0].pop("into_second"), ["mixture[0]", "exactly the keys"]),
        (lambda d: d["mixture"][0].__setitem__("extra", 1), ["mixture[0]", "exactly the keys"]),
        (lambda d: d["mixture"].__setitem__(1, [0, 1]), ["mixture[1]", "exactly the keys"]),
        (
            lambda d: d["mixture"][0].__setitem__("modes", [0, 1]),
            ["mixture[0]", "second tree", "[0, 1, 2, 3], [4, 5, 6, 7]"],
        ),
        (lambda d: d["mixture"][1].__setitem__("into_first", [[1]]), ["mixture", "needs shape"]),
        (lambda d: d.__setitem__("T", 4), ['"T": 4 disagrees', "T = 8"]),
        (lambda d: d.__setitem__("M", 3), ['"M": 3 disagrees', "M = 2"]),
    ],
)
def test_bad_mixed_files_are_refused(change, needles):
    data = _mixed_dict()
    change(data)
    with pytest.raises(ModelFileError) as info:
        er.model_from_dict(data, where="m.json")
    message = str(info.value)
    assert message.startswith("m.json: ") and message.count("m.json") == 1, message
    for needle in needles:
        assert needle in message, (needle, message)


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "exactrank", *map(str, args)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_rank_command_on_mixed_model_files(tmp_path):
    model, spec1, spec2, mixture = _file_model()
    good = tmp_path / "mixed.json"
    er.save_model(model, good)
    proc = _cli("rank", good, "--partition", "odd-even", "--field", "QQ", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    grid = oracle_grid(spec1, spec2, mixture, 2, 8)
    matrix = matricize_ref(grid, (2,) * 8, (0, 2, 4, 6), (1, 3, 5, 7))
    assert out["exact"] is True and out["field"] == "QQ"
    assert out["row_modes"] == [0, 2, 4, 6] and out["shape"] == [16, 16]
    assert out["rank"] == rank_fraction(matrix)

    data = er.model_to_dict(model)
    data["mixture"][0]["modes"] = [0, 1]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    proc = _cli("rank", bad, "--partition", "odd-even", "--field", "QQ")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr and "mixture[0]" in proc.stderr


def test_the_rank_command_in_process_on_a_malformed_component(tmp_path):
    from exactrank.cli import main

    data = _mixed_dict()
    data["first"]["weights"][1] = "nope"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["rank", str(bad), "--partition", "odd-even", "--field", "QQ"])
    assert code == 2 and out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and "first: " in lines[0] and lines[0].count("first:") == 1


# ---------------------------------------------------------------------------- certificates


@functools.cache
def standalone():
    spec = importlib.util.spec_from_file_location("verify_certificate_mixed", STANDALONE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name,rows",
    [
        ("dilated (1,2,4) vs (2,1,4)", (0, 2, 4, 6)),
        ("dilated (1,2,4) vs (1,4,2)", (0, 1, 4, 5)),
        ("contiguous vs a tree of no dilated net", (0, 3, 5, 6)),
    ],
)
def test_certificates_of_mixed_networks(tmp_path, name, rows):
    t1, t2, w1, w2, M = PAIRS[name]
    rng = random.Random(name)
    spec1 = make_spec(t1, M, w1, rng)
    spec2 = make_spec(t2, M, w2, rng)
    mixture = make_mixture(spec1, spec2, my_common_nodes(t1, t2), rng)
    model = mixed_of(spec1, spec2, mixture)
    cols = tuple(m for m in range(8) if m not in rows)
    cert = er.certify(model, (rows, cols), "QQ")
    assert er.verify_certificate(cert)
    ok, reason = standalone().check(json.loads(json.dumps(cert)))
    assert ok, reason
    grid = oracle_grid(spec1, spec2, mixture, M, 8)
    # the certificate holds the model; the stand-alone checker's evaluation of it is the oracle
    assert cert["tensor"] == {"model": er.model_to_dict(model)}
    dims, entry, _ = standalone().load_tensor(cert["tensor"], None, 8)
    assert dims == [M] * 8
    assert all(frac(entry(s)) == grid[s] for s in itertools.product(range(M), repeat=8))
    truth = rank_fraction(matricize_ref(grid, (M,) * 8, rows, cols))
    assert cert["claim"]["kind"] == "eq" and cert["claim"]["r"] == truth
    assert cert["claim"]["row_modes"] == list(rows)
    path = tmp_path / "cert.json"
    er.save_certificate(cert, path)
    proc = subprocess.run(
        [sys.executable, str(STANDALONE), str(path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout == "s VERIFIED\n", proc.stdout + proc.stderr


def test_certificate_over_GFp_of_a_mixed_network():
    model = er.random_mixed(
        dilated_tree((1, 2, 4)), dilated_tree((2, 1, 4)), 2, 2, field=f"GF({P31})", seed=4
    )
    spec1, spec2, mixture = specs_of(model)
    cert = er.certify(model, "odd-even", f"GF({P31})")
    assert er.verify_certificate(cert)
    ok, reason = standalone().check(json.loads(json.dumps(cert)))
    assert ok, reason
    ring = Ring("GF", P31)
    grid = {
        s: mixed_oracle(spec1, spec2, mixture, s, ring)
        for s in itertools.product(range(2), repeat=8)
    }
    matrix = matricize_ref(grid, (2,) * 8, (0, 2, 4, 6), (1, 3, 5, 7))
    assert cert["claim"]["r"] == rank_mod_p_ref(matrix, P31)


# ---------------------------------------------------------------------------- generic ranks


def balanced_partitions(N):
    for rest in itertools.combinations(range(1, N), N // 2 - 1):
        rows = (0, *rest)
        yield rows, tuple(m for m in range(N) if m not in rows)


@pytest.mark.parametrize(
    "t2,mixture",
    [
        (dilated_tree((2, 1, 4)), None),
        (dilated_tree((2, 1, 4)), [(0, 1, 2, 3)]),
        (dilated_tree((1, 4, 2)), None),
        (dilated_tree((4, 2, 1)), []),
        ((((0, 1), (2, 7)), ((4, 5), (3, 6))), None),
    ],
)
def test_generic_mixture_rank_dominates_each_component(t2, mixture):
    field = f"GF({P61})"
    model = er.random_mixed(dilated_tree((1, 2, 4)), t2, 2, 2, mixture=mixture, field=field, seed=9)
    grids = [er.grid_tensor(net, field) for net in (model.first, model.second, model)]
    for part in balanced_partitions(8):
        r1, r2, rm = (er.rank(er.matricize(g, part), field).rank for g in grids)
        assert rm >= max(r1, r2), (part, r1, r2, rm)


def test_generic_weights_over_GFp_are_residues():
    model = er.random_mixed(HT4, HT4, 2, 2, field=f"GF({P61})", seed=1)
    values = [
        int(v)
        for net in model.components
        for level in net.weights
        for w in level
        for v in np.asarray(w).flat
    ] + [
        int(v)
        for node in model.mixture
        for A in (node.into_first, node.into_second)
        for v in A.flat
    ]
    assert all(0 <= v < P61 for v in values)
    assert max(values) > 2**40  # drawn from the whole field, not small integers


def test_generic_weights_over_QQ_are_large_integers():
    model = er.random_mixed(dilated_tree((1, 2, 4)), dilated_tree((2, 1, 4)), 2, 2, seed=0)
    arrays = {
        "first": [w for level in model.first.weights for w in level] + [model.first.output],
        "second": [w for level in model.second.weights for w in level] + [model.second.output],
        "mixture": [A for node in model.mixture for A in (node.into_first, node.into_second)],
    }
    for where, group in arrays.items():
        values = [Fraction(v) for A in group for v in np.asarray(A).flat]
        assert all(v.denominator == 1 for v in values), where
        assert max(abs(v) for v in values) > 2**20, where
        assert max(abs(v) for v in values) <= 2**30, where
    # reproducible from the seed, and another seed draws other weights
    again = er.random_mixed(dilated_tree((1, 2, 4)), dilated_tree((2, 1, 4)), 2, 2, seed=0)
    other = er.random_mixed(dilated_tree((1, 2, 4)), dilated_tree((2, 1, 4)), 2, 2, seed=1)
    assert er.model_to_dict(again) == er.model_to_dict(model)
    assert er.model_to_dict(other) != er.model_to_dict(model)


def test_generic_mixture_rank_over_QQ_on_four_modes():
    model = er.random_mixed(HT4, HT4, 2, 2, seed=5)
    spec1, spec2, mixture = specs_of(model)
    grid = oracle_grid(spec1, spec2, mixture, 2, 4)
    for rows, cols in balanced_partitions(4):
        matrix = matricize_ref(grid, (2,) * 4, rows, cols)
        result = er.rank(er.matricize(er.grid_tensor(model), (rows, cols)))
        assert result.exact and result.rank == rank_fraction(matrix)
        parts = [
            rank_fraction(matricize_ref(grid_of_net(net), (2,) * 4, rows, cols))
            for net in model.components
        ]
        assert result.rank >= max(parts)


def grid_of_net(net):
    values = er.grid_tensor(net).to_fractions()
    return {s: values[s] for s in itertools.product(range(net.M), repeat=net.N)}


def test_random_mixed_refuses_bad_arguments():
    with pytest.raises(InvalidInputError, match="float"):
        er.random_mixed(HT4, HT4, 2, 2, field="float")
    with pytest.raises(InvalidModelError, match="not an internal node"):
        er.random_mixed(HT4, HT4, 2, 2, mixture=[(0, 2)])
    with pytest.raises(InvalidInputError, match="mixture must be a list"):
        er.random_mixed(HT4, HT4, 2, 2, mixture=5)


# ------------------------------------------------- windows of one: repeated mode sets

# Two bugs found by these tests and fixed: (1) a window of one node above level 1 (a node
# whose single child is a window, e.g. ((0, 1),) over (0, 1), or a root over one window)
# made the grid computation crash (nodes were processed in groups of equal mode count);
# (2) where two nodes of a tree have the same modes, random_mixed drew the exchange for the
# lowest while MixedNetwork placed it at the highest. The mixture node is the highest.
WINDOWS_OF_ONE = [
    ((((0, 1),), ((2, 3),)), (((0, 1),), ((2, 3),))),  # windows of one at level 2
    (((0, 1, 2, 3),), ((0, 1, 2, 3),)),  # a root over one window (CP under a window)
    ((((0, 1), (2, 3)),), HT4),  # a root over one window, against a plain tree
]


@pytest.mark.parametrize("trees", range(len(WINDOWS_OF_ONE)))
def test_windows_of_one_above_the_first_level(trees):
    t1, t2 = WINDOWS_OF_ONE[trees]
    rng = random.Random(trees)
    L1, L2 = len(levels_of(t1)) - 1, len(levels_of(t2)) - 1
    spec1 = make_spec(t1, 2, [2] * L1, rng)
    spec2 = make_spec(t2, 2, [2] * L2, rng)
    model = mixed_of(spec1, spec2, {})
    # no mixture: the grid must be the sum of the two hierarchical grids
    expected = (
        er.grid_tensor(net_of(spec1)).to_fractions() + er.grid_tensor(net_of(spec2)).to_fractions()
    )
    assert (er.grid_tensor(model).to_fractions() == expected).all()


def test_a_repeated_mode_set_is_mixed_at_its_highest_node():
    t = (((0, 1),), ((2, 3),))
    model = er.random_mixed(t, t, 2, [2, 3, 4])
    assert [n.modes for n in model.mixture] == [(0, 1), (2, 3)]
    assert [n.first for n in model.mixture] == [(2, 0), (2, 1)]
    assert [n.into_first.shape for n in model.mixture] == [(4, 3), (4, 3)]
    rng = random.Random(7)
    spec1, spec2 = make_spec(t, 2, [2, 3, 4], rng), make_spec(t, 2, [3, 2, 2], rng)
    mixture = make_mixture(spec1, spec2, [(0, 1), (2, 3)], rng)
    assert_matches_oracle(mixed_of(spec1, spec2, mixture), spec1, spec2, mixture, 2, 4)


def test_a_mode_named_twice_in_a_mixture_node_is_refused():
    model = er.random_mixed(*WINDOWS_OF_ONE[0], 2, 2)
    A, B = model.mixture[0].into_first, model.mixture[0].into_second
    with pytest.raises(InvalidModelError, match=r"modes \[0, 1, 1\] name a mode twice"):
        er.MixedNetwork(model.first, model.second, [([0, 1, 1], A, B)])


# ------------------------------------------------------------------ the documented example


def test_the_documented_example_is_the_example_file_and_its_numbers_hold():
    text = (ROOT / "docs" / "model-files.md").read_text("utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
    (data,) = [b for b in blocks if b.get("kind") == "mixed"]
    assert json.loads((ROOT / "examples" / "mixed_N4.json").read_text("utf-8")) == data
    model = er.model_from_dict(data)

    def exact(v):
        return [exact(x) for x in v] if isinstance(v, list) else frac(v)

    def spec(part):  # read from the JSON itself, not from the model
        tree = tuple(tuple(node) for node in part["tree"])
        weights, output = exact(part["weights"]), exact(part["output"])
        return {"tree": tree, "weights": weights, "output": output, "F": None}

    spec1, spec2 = (
        {**spec(data[key]), "activation": "identity", "pooling": "product"}
        for key in ("first", "second")
    )
    mixture = {
        frozenset(n["modes"]): (exact(n["into_first"]), exact(n["into_second"]))
        for n in data["mixture"]
    }
    grid = oracle_grid(spec1, spec2, mixture, 2, 4)
    assert grid[0, 0, 0, 0] == 1 == er.grid_tensor(model).entry((0, 0, 0, 0))
    odd_even = [
        [grid[a, b, c, d] for b in range(2) for d in range(2)] for a in range(2) for c in range(2)
    ]
    assert rank_fraction(odd_even) == 4
    for net in model.components:  # width 1: every matricization of a component has rank 1
        assert er.rank(er.matricize(er.grid_tensor(net), "odd-even")).rank == 1
