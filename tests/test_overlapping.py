"""Overlapping networks of GC layers (seed 000, §6) against independent oracles.

Expected grids come from tests/oracles.py: ``overlapping_score`` runs the network on one
sequence with coordinates in a dict and plain Fractions (itertools.product over every
sequence), following the definition of exactrank/models/overlapping.py; the R = S networks
are compared with hierarchical networks over contiguous trees (a different model and a
different recursion). Nothing expected is computed by the code under test.
"""

from __future__ import annotations

import itertools
import json
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
from oracles import frac_nested, overlapping_score, rank_fraction, rank_mod_p_ref, residue

import exactrank as er
from exactrank.checks import theorems

ROOT = Path(__file__).resolve().parents[1]
Q = Fraction
P31 = 2**31 - 1

# id: (shape, M, layers as (R, S, C) bottom first)
CONFIGS = {
    "1D R=S over 4": ((4,), 2, [(2, 2, 2), (2, 2, 1)]),
    "1D R=S=3 then 2 over 6": ((6,), 2, [(3, 3, 2), (2, 2, 2)]),
    "1D R=3 S=2 (blocks to the right)": ((8,), 2, [(3, 2, 2), (3, 2, 2), (3, 2, 2)]),
    "1D R=4 S=2 (centred)": ((8,), 2, [(4, 2, 2), (4, 2, 3), (2, 2, 1)]),
    "1D stride 1, then R=5 S=3": ((6,), 2, [(3, 1, 2), (2, 2, 2), (5, 3, 2)]),
    "1D M=3, global pooling of 2": ((4,), 3, [(3, 1, 2), (2, 2, 2)]),
    "1D one stride-1 layer, global pooling of 5": ((5,), 2, [(3, 1, 2)]),
    "1D R larger than the input": ((4,), 2, [(6, 2, 2), (2, 2, 1)]),
    "2D R=S 2x2, M=3": ((2, 2), 3, [(2, 2, 2)]),
    "2D 2x4 R=3 S=2, global pooling": ((2, 4), 2, [(3, 2, 2)]),
    "2D 3x3 stride 1 then R=S=3": ((3, 3), 2, [(3, 1, 2), (3, 3, 1)]),
    "2D 2x2 R=4 S=2": ((2, 2), 2, [(4, 2, 2)]),
}


# ---------------------------------------------------------------------------- helpers


def draw_spec(shape, M, layers, rng, *, bias=False, den=1, high=3):
    """Random weights p/q (|p| <= high, 1 <= q <= den) as nested lists of Fractions."""

    def draw(dims):
        if not dims:
            return Q(rng.randint(-high, high), rng.randint(1, den))
        return [draw(dims[1:]) for _ in range(dims[0])]

    d, inputs = len(shape), M
    weights, biases = [], []
    for R, _, C in layers:
        weights.append(draw((R,) * d + (C, inputs)))
        biases.append(draw((R,) * d + (C,)) if bias else None)
        inputs = C
    return {
        "shape": shape,
        "strides": [S for _, S, _ in layers],
        "weights": weights,
        "biases": biases if bias else None,
        "output": draw((inputs,)),
    }


def build(spec, F=None):
    return er.OverlappingNetwork(
        spec["shape"], spec["strides"], spec["weights"], spec["output"], F, spec["biases"]
    )


def oracle(spec, seq, F=None):
    return overlapping_score(
        spec["shape"],
        spec["strides"],
        spec["weights"],
        spec["output"],
        F,
        spec["biases"],
        seq,
    )


def spec_of(model):
    """The nested Fraction lists of an exactrank model (for the oracle)."""
    return {
        "shape": model.shape,
        "strides": list(model.strides),
        "weights": [frac_nested(W) for W in model.weights],
        "biases": None
        if model.biases is None
        else [None if b is None else frac_nested(b) for b in model.biases],
        "output": frac_nested(model.output),
    }


def sequences(shape, M):
    return itertools.product(range(M), repeat=int(np.prod(shape)))


def assert_grid_is_oracle(model, spec, F=None, field="QQ"):
    grid = er.grid_tensor(model, field)
    for seq in sequences(spec["shape"], model.M):
        expected = oracle(spec, seq, F)
        if field == "QQ":
            assert grid.entry(seq) == expected, seq
        else:
            assert grid.entry(seq) == residue(expected, int(field[3:-1])), seq


# ---------------------------------------------------------------------------- the grid


@pytest.mark.parametrize("bias,den", [(False, 1), (True, 3)])
@pytest.mark.parametrize("name", CONFIGS)
def test_grid_against_the_network_run_block_by_block(name, bias, den):
    shape, M, layers = CONFIGS[name]
    spec = draw_spec(shape, M, layers, random.Random(f"{name}{bias}"), bias=bias, den=den)
    assert_grid_is_oracle(build(spec), spec)


def test_grid_with_a_feature_matrix():
    rng = random.Random(4)
    F = [[Q(rng.randint(-3, 3), rng.randint(1, 4)) for _ in range(3)] for _ in range(3)]
    spec = draw_spec((4,), 3, [(3, 2, 2), (2, 2, 1)], rng, bias=True)
    assert_grid_is_oracle(build(spec, F), spec, F)


@pytest.mark.parametrize("seed", [0, 1])
def test_4x4_image_with_generic_weights_against_the_oracle_on_samples(seed):
    """2^16 entries of thousand-bit integers: sampled entries against the oracle, and every
    entry of grid_entries against the grid."""
    model = er.random_overlapping((4, 4), 2, [(3, 2, 2), (3, 2, 2)], seed=seed, bias=seed == 1)
    grid, spec = er.grid_tensor(model), spec_of(model)
    rng = random.Random(seed)
    batch = np.array([[rng.randrange(2) for _ in range(16)] for _ in range(40)])
    entries = er.grid_entries(model, batch)
    for i, seq in enumerate(batch.tolist()):
        expected = oracle(spec, seq)
        assert grid.entry(seq) == expected
        assert Q(int(entries.values[i]), entries.denominator) == expected


@pytest.mark.parametrize("name", CONFIGS)
def test_grid_entries_and_score_agree_with_the_grid(name):
    shape, M, layers = CONFIGS[name]
    spec = draw_spec(shape, M, layers, random.Random(name), bias=True, den=2)
    model = build(spec)
    grid = er.grid_tensor(model)
    everything = np.array(list(sequences(shape, M)))
    for batch in (everything, everything[::3], everything[:1]):
        entries = er.grid_entries(model, batch)
        for i, seq in enumerate(batch.tolist()):
            assert Q(int(entries.values[i]), entries.denominator) == grid.entry(seq)
    for seq in everything[:: max(1, len(everything) // 7)].tolist():
        assert er.score(model, seq) == grid.entry(seq)


@st.composite
def small_specs(draw):
    """1 or 2 layers with S in {1, 2}, R in S … S + 2, C in {1, 2}; N = ΠS · extra, M <= 2."""
    n_layers = draw(st.integers(1, 2))
    layers = []
    for _ in range(n_layers):
        S = draw(st.integers(1, 2))
        layers.append((draw(st.integers(S, S + 2)), S, draw(st.integers(1, 2))))
    N = int(np.prod([S for _, S, _ in layers])) * draw(st.integers(1, 2))
    M = draw(st.integers(1, 2))
    rng = random.Random(draw(st.integers(0, 10**6)))
    bias = draw(st.booleans())
    return draw_spec((N,), M, layers, rng, bias=bias, den=draw(st.sampled_from([1, 2, 5])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_specs())
@example({"shape": (1,), "strides": [1], "weights": [[[[Q(2)]]]], "biases": None, "output": [Q(3)]})
@example({"shape": (2,), "strides": [1], "weights": [[[[Q(0)]]]], "biases": None, "output": [Q(1)]})
def test_random_1d_networks_against_the_oracle(spec):
    assert_grid_is_oracle(build(spec), spec)


def test_a_zero_weight_gives_the_zero_tensor():
    spec = draw_spec((4,), 2, [(3, 1, 1)], random.Random(0))
    spec["weights"][0][1] = [[Q(0), Q(0)]]  # the centre of every block
    grid = er.grid_tensor(build(spec))
    assert not np.any(grid.values)
    assert rank_fraction(er.matricize(grid.to_fractions(), "left-right").tolist()) == 0


@pytest.mark.parametrize("p", [2, 3, P31])
@pytest.mark.parametrize("name", ["1D R=4 S=2 (centred)", "2D 3x3 stride 1 then R=S=3"])
def test_GFp_grid_is_the_QQ_grid_mod_p(name, p):
    shape, M, layers = CONFIGS[name]
    spec = draw_spec(shape, M, layers, random.Random(p), bias=True, high=50)
    model = build(spec)
    qq, gf = er.grid_tensor(model), er.grid_tensor(model, f"GF({p})")
    for seq in sequences(shape, M):
        assert gf.entry(seq) == residue(qq.entry(seq), p)


def test_generic_integer_weights_evaluated_mod_p_are_the_integer_grid_mod_p():
    """What seed000_theorem_10 / claim_11 rely on: the grid of integer weights reduced mod p
    is the integer grid reduced mod p (rank mod p is then a lower bound over QQ)."""
    model = er.random_overlapping(8, 2, [(4, 2, 2)] * 3, seed=5)
    qq, gf = er.grid_tensor(model), er.grid_tensor(model, f"GF({P31})")
    assert qq.denominator == 1
    assert all(int(v) % P31 == int(w) for v, w in zip(qq.values.flat, gf.values.flat, strict=True))
    matrix = er.matricize(gf, "left-right").values.tolist()
    assert rank_mod_p_ref(matrix, P31) == 12
    assert er.rank(er.matricize(qq, "left-right")).rank == 12


def test_float_grid_approximates_the_exact_grid():
    spec = draw_spec((6,), 2, [(3, 2, 2), (3, 3, 1)], random.Random(3), bias=True, den=4)
    model = build(spec)
    exact = er.grid_tensor(model).to_fractions().astype(float)
    assert np.allclose(er.grid_tensor(model, "float").values, exact, rtol=1e-12)
    floats = er.OverlappingNetwork((6,), [2, 3], [np.ones((3, 2, 2)), np.ones((3, 1, 2))], [0.5])
    assert not floats.exact and er.grid_tensor(floats, "float").entry((0,) * 6) == 4.0  # 0.5 · 2³
    with pytest.raises(er.DomainError, match="float weights"):
        er.grid_tensor(floats)


# ------------------------------------------------------------------- R = S is the baseline


def _stack(W, count):
    return np.array([np.asarray(W, dtype=object)] * count, dtype=object)


@pytest.mark.parametrize(
    "tree,shape,strides",
    [
        ((((0, 1), (2, 3)), ((4, 5), (6, 7))), (8,), [2, 2, 2]),
        (((0, 1, 2), (3, 4, 5), (6, 7, 8)), (9,), [3, 3]),
        (((0, 1, 4, 5), (2, 3, 6, 7), (8, 9, 12, 13), (10, 11, 14, 15)), (4, 4), [2, 2]),
    ],
)
@pytest.mark.parametrize("field", ["QQ", "GF(101)"])
def test_R_equals_S_with_shared_kernels_is_the_shared_hierarchical_network(
    tree, shape, strides, field
):
    """Seed 000 §6: with R = S the GC layer is the conv-pool pair of the baseline (§3)."""
    levels = len(strides)
    widths = [2, 3, 2][:levels]
    ht = er.random_hierarchical(tree, 2, widths, field=field, seed=7, shared=True)
    d = len(shape)
    weights = [
        _stack(ht.weights[l][0], S**d).reshape((S,) * d + ht.weights[l][0].shape)
        for l, S in enumerate(strides)
    ]
    net = er.OverlappingNetwork(shape, strides, weights, ht.output)
    assert np.array_equal(er.grid_tensor(net, field).values, er.grid_tensor(ht, field).values)


def test_R_equals_S_with_global_pooling_is_a_hierarchical_level_with_identity_conv():
    tree = (((0, 1), (2, 3)), ((4, 5), (6, 7)))
    rng = random.Random(2)
    W0 = [[rng.randint(-9, 9) for _ in range(2)] for _ in range(3)]
    W1 = [[rng.randint(-9, 9) for _ in range(3)] for _ in range(2)]
    out = [rng.randint(-9, 9) for _ in range(2)]
    ht = er.HierarchicalNetwork(tree, [[W0], [W1], [np.eye(2, dtype=int)]], out, shared=True)
    net = er.OverlappingNetwork((8,), [2, 2], [_stack(W0, 2), _stack(W1, 2)], out)
    assert net.sizes[-1] == (2,)  # two positions left: the global product pooling
    assert np.array_equal(er.grid_tensor(net).values, er.grid_tensor(ht).values)


def test_R_equals_S_with_per_position_kernels_is_the_unshared_hierarchical_network():
    """W_l[k] differing with the block position k: the unshared tree network whose node
    weights repeat with the position of the node in its window (1D: node q of level l has
    weights W_l[q mod S_l])."""
    tree = (((0, 1, 2), (3, 4, 5)), ((6, 7, 8), (9, 10, 11)))
    strides, widths = [3, 2, 2], [2, 2, 1]
    rng = random.Random(8)
    kernels, inputs = [], 2
    for S, C in zip(strides, widths, strict=True):
        kernels.append(
            [[[rng.randint(-5, 5) for _ in range(inputs)] for _ in range(C)] for _ in range(S)]
        )
        inputs = C
    out = [rng.randint(-5, 5)]
    counts = [12, 4, 2]
    hw = [[kernels[l][q % strides[l]] for q in range(counts[l])] for l in range(3)]
    ht = er.HierarchicalNetwork(tree, hw, out)
    net = er.OverlappingNetwork((12,), strides, kernels, out)
    assert np.array_equal(er.grid_tensor(net).values, er.grid_tensor(ht).values)


@pytest.mark.parametrize(
    "shape,layers",
    [
        ((8,), [(4, 2, 2), (3, 2, 2), (5, 2, 2)]),
        ((4, 4), [(3, 2, 2), (4, 2, 2)]),
        ((6,), [(3, 1, 2), (4, 3, 2), (2, 2, 1)]),
    ],
)
def test_without_overlaps_computes_the_network_of_the_stride_windows(shape, layers):
    """Seed 000 §6, Proposition (i): weights 0 and bias 1 outside the S window turn the
    overlapping network into the R = S network of the stride windows of its kernels."""
    model = er.random_overlapping(shape, 2, layers, field="GF(101)", seed=3, bias=True)
    reduced = er.without_overlaps(model)
    assert reduced.receptive_fields == model.receptive_fields
    d = len(shape)
    weights, biases = [], []
    for l, (W, b) in enumerate(zip(model.weights, model.biases, strict=True)):
        o, S = model.offsets[l], model.strides[l]
        window = (slice(o, o + S),) * d
        weights.append(W[window])
        biases.append(b[window])
    baseline = er.OverlappingNetwork(shape, model.strides, weights, model.output, None, biases)
    assert baseline.receptive_fields == model.strides
    grid = er.grid_tensor(reduced, "GF(101)")
    assert np.array_equal(grid.values, er.grid_tensor(baseline, "GF(101)").values)
    half = er.left_right(int(np.prod(shape)))
    assert er.rank(er.matricize(grid, half), "GF(101)").rank <= model.widths[-1]


def test_without_overlaps_needs_exact_weights():
    floats = er.OverlappingNetwork((4,), [2], [np.ones((3, 1, 2))], [1.0])
    with pytest.raises(er.InvalidModelError, match="exact weights"):
        er.without_overlaps(floats)


def test_geometry():
    model = er.random_overlapping((4, 8), 2, [(3, 2, 2), (4, 1, 3), (2, 2, 1)], seed=0)
    assert model.sizes == ((4, 8), (2, 4), (2, 4), (1, 2))  # then a global pooling of 2
    assert model.receptive_fields == (3, 4, 2) and model.widths == (2, 3, 1)
    assert model.offsets == (0, 1, 0) and model.N == 32 and model.ndim == 2
    assert model.total_strides == (2, 2, 4) and model.total_receptive_fields == (3, 9, 11)
    # layer 0, output (1, 3): rows 2 … 4 (4 is outside), columns 6 … 8 (8 is outside)
    assert model.blocks(0)[1 * 4 + 3].tolist() == [22, 23, -1, 30, 31, -1, -1, -1, -1]
    # layer 1 (R = 4, S = 1, o = 1), output (0, 0): rows −1 … 2, columns −1 … 2 of 2 × 4
    block = model.blocks(1)[0].reshape(4, 4)
    assert block[1:3, 1:4].tolist() == [[0, 1, 2], [4, 5, 6]] and (block[0] == -1).all()


# ------------------------------------------------------------------- files and errors


def _models():
    yield er.random_overlapping(6, 2, [(3, 2, 2), (4, 3, 1)], seed=1)
    yield er.random_overlapping((2, 4), 3, [(3, 2, 2)], field="GF(101)", seed=2, bias=True)
    spec = draw_spec((4,), 2, [(3, 1, 2), (2, 2, 1)], random.Random(1), bias=True, den=3)
    spec["biases"][1] = None
    yield build(spec, [[Q(1), Q(1, 2)], [Q(0), Q(3)]])


@pytest.mark.parametrize("index", range(3))
def test_model_file_round_trip(tmp_path, index):
    model = list(_models())[index]
    path = tmp_path / "model.json"
    er.save_model(model, path)
    data = json.loads(path.read_text(encoding="utf-8"), parse_float=lambda s: pytest.fail(s))
    assert data["kind"] == "overlapping" and data["T"] == model.N
    assert data["receptive_fields"] == list(model.receptive_fields)
    loaded = er.load_model(path)
    assert loaded.shape == model.shape and loaded.strides == model.strides
    assert (loaded.biases is None) == (model.biases is None)
    assert np.array_equal(er.grid_tensor(loaded).values, er.grid_tensor(model).values)
    assert er.model_to_dict(loaded) == er.model_to_dict(model)


def _doc_example():
    text = (ROOT / "docs" / "model-files.md").read_text("utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    (block,) = [b for b in blocks if json.loads(b).get("kind") == "overlapping"]
    return json.loads(block)


def test_documented_example_loads_and_matches_the_oracle():
    data = _doc_example()
    model = er.model_from_dict(data)
    assert model.receptive_fields == (3, 4) and model.widths == (2, 1)
    spec = {
        "shape": tuple(data["shape"]),
        "strides": data["strides"],
        "weights": frac_nested(data["weights"]),
        "biases": [None, frac_nested(data["biases"][1])],
        "output": frac_nested(data["output"]),
    }
    assert_grid_is_oracle(model, spec)
    assert [row.tolist() for row in model.blocks(0)] == [[0, 1, 2], [2, 3, 4], [4, 5, -1]]


@pytest.mark.parametrize(
    "change,needle",
    [
        ({"strides": None}, "missing key 'strides' (a overlapping needs it)"),
        ({"shape": None}, "missing key 'shape'"),
        ({"output": [0.5]}, "output[0] is the JSON float 0.5"),
        ({"biases": [None, [[0.5], [1], [1], [0]]]}, "biases[1][0][0] is the JSON float 0.5"),
        ({"receptive_fields": [3, 3]}, '"receptive_fields": [3, 3] disagrees with the weights'),
        ({"widths": [2, 2]}, '"widths": [2, 2] disagrees with the weights'),
        ({"T": 5}, '"T": 5 disagrees with the weights, which give T = 6'),
        ({"shape": [8]}, "layer 1: stride S = 3 does not divide the 4 of its input"),
        ({"strides": [2]}, "weights has 2 entries but strides gives L = 1 GC layers"),
    ],
)
def test_bad_model_files_are_refused(tmp_path, change, needle):
    data = _doc_example()
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


W22 = np.ones((2, 2, 2), dtype=int)  # R = 2, C = 2, D = 2


@pytest.mark.parametrize(
    "args,kwargs,needle",
    [
        (((4,), [2], [W22], [1, 1]), {}, None),
        (((3,), [2], [W22], [1, 1]), {}, "layer 0: stride S = 2 does not divide the 3 of its"),
        (((4, 3), [2], [np.ones((2, 2, 2, 2))], [1, 1]), {}, "does not divide the 3 columns"),
        (((4,), [3], [W22], [1, 1]), {}, "receptive field R = 2 is smaller than the stride S = 3"),
        (((4,), [2], [np.ones((2, 2, 3))], [1, 1]), {"F": np.eye(2)}, "F must have shape (3, 3)"),
        (((4,), [2, 2], [W22, np.ones((2, 1, 3))], [1]), {}, "layer 1 takes C_0 = 2 input"),
        (((4,), [2], [W22], [1, 1, 1]), {}, "output has 3 entries but the last layer has C_0 = 2"),
        (((4, 4), [2], [np.ones((2, 3, 2, 2))], [1, 1]), {}, "square R × R block, got 2 × 3"),
        (((4, 4), [2], [W22], [1, 1]), {}, "weights[0] must be a 4-D array"),
        (((4,), [2], W22, [1, 1]), {}, "weights must be a list with one array per GC layer"),
        (((4,), [], [], [1]), {}, "strides must be a non-empty list"),
        (((4,), [0], [W22], [1, 1]), {}, "strides[0] must be an integer >= 1, got 0"),
        (((4,), [2.0], [W22], [1, 1]), {}, "strides[0] must be an integer >= 1, got 2.0"),
        (((4, 4, 4), [2], [W22], [1, 1]), {}, "shape must be (N,) for a sequence or (H, W)"),
        (((0,), [2], [W22], [1, 1]), {}, "sizes must be integers >= 1"),
        (((4,), [2], [W22], [1, 1]), {"biases": [np.ones((2, 3))]}, "biases[0] has shape (2, 3)"),
        (((4,), [2], [W22], [1, 1]), {"biases": [None, None]}, "biases has 2 entries but"),
        (((4,), [2], [[[[1, "x"]]] * 2], [1]), {}, "weights[0][0][0][1]"),
        (((4,), [2], [W22], [[1, 1]]), {}, "output must be a 1-D array"),
    ],
)
def test_bad_networks_are_refused_naming_the_layer(args, kwargs, needle):
    if needle is None:
        er.OverlappingNetwork(*args, **kwargs)
        return
    with pytest.raises(er.InvalidModelError) as info:
        er.OverlappingNetwork(*args, **kwargs)
    assert needle in str(info.value)


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"field": "float"}, "random_overlapping draws exact weights"),
        ({"M": 0}, "M must be an integer >= 1, got 0"),
        ({"layers": []}, "layers must be a non-empty list of (R, S, C) triples"),
        ({"layers": [(2, 2)]}, "layers[0] must be an (R, S, C) triple"),
        ({"layers": [(2, 2, 0)]}, "layers[0] must be an (R, S, C) triple of integers >= 1"),
        ({"layers": [(2, 3, 1)]}, "receptive field R = 2 is smaller than the stride S = 3"),
    ],
)
def test_random_overlapping_refuses_bad_arguments(kwargs, needle):
    args = {"shape": 6, "M": 2, "layers": [(3, 2, 1)], **kwargs}
    with pytest.raises((er.InvalidInputError, er.InvalidModelError)) as info:
        er.random_overlapping(args.pop("shape"), args.pop("M"), args.pop("layers"), **args)
    assert needle in str(info.value)


def test_random_overlapping_is_reproducible_and_generic():
    a = er.random_overlapping((4, 4), 2, [(3, 2, 2)] * 2, field=f"GF({P31})", seed=4)
    b = er.random_overlapping((4, 4), 2, [(3, 2, 2)] * 2, field=f"GF({P31})", seed=4)
    assert er.model_to_dict(a) == er.model_to_dict(b)
    assert a.weights[0].shape == (3, 3, 2, 2) and a.biases is None
    q = er.random_overlapping(8, 2, [(3, 2, 2)] * 3, seed=4, bias=True)
    assert max(abs(v) for W in q.weights for v in W.flat) > 2**20
    assert all(b.shape == W.shape[:-1] for W, b in zip(q.weights, q.biases, strict=True))


def test_the_rank_command_and_certificates_take_an_overlapping_model(tmp_path):
    model = er.random_overlapping(8, 2, [(4, 2, 2)] * 3, field="GF(101)", seed=1)
    path = tmp_path / "net.json"
    er.save_model(model, path)
    proc = subprocess.run(
        [sys.executable, "-m", "exactrank", "rank", str(path), "--partition", "left-right"]
        + ["--field", f"GF({P31})", "--json"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    grid = er.grid_tensor(model, f"GF({P31})")
    matrix = er.matricize(grid, "left-right").values.tolist()
    assert json.loads(proc.stdout)["rank"] == rank_mod_p_ref(matrix, P31)
    cert = er.certify(er.grid_tensor(model), "left-right")
    assert er.verify_certificate(cert) and cert["claim"]["kind"] == "eq"


# ---------------------------------------------------------------------------- checks

CHECKS = ["seed000_theorem_10", "seed000_claim_11"]


@pytest.mark.parametrize("name", CHECKS)
def test_check_passes(name):
    result = theorems.run(name)
    assert result.verdict == "PASS", result.details
    assert result.instances >= 10


@pytest.mark.parametrize("name", CHECKS)
def test_switching_the_overlaps_off_turns_the_verdict(name, monkeypatch):
    """The construction broken as Proposition (i) allows: the overlapping part of every
    kernel switched off (weights 0, bias 1). The ranks fall to the baseline's: FAIL."""
    module = theorems.load(name)
    real = module.network

    def broken(family, R, field, seed):
        return er.without_overlaps(real(family, R, field, seed))

    monkeypatch.setattr(module, "network", broken)
    monkeypatch.setattr(module, "QUICK", module.QUICK[:1])
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("<= C_(L-1)" in line for line in result.details)


def test_theorem_10_criteria_catch_a_rank_that_stops_growing():
    module = theorems.load("seed000_theorem_10")
    family = module.QUICK[1]  # 1D N=16, R = 2 … 6, ceiling 256
    assert module._problems(family, [2, 8, 48, 48, 256], 2, 256) == []
    assert "no growth past R = 3" in module._problems(family, [2, 8, 8, 8, 8], 2, 256)
    assert "the rank decreases as R grows" in module._problems(family, [2, 8, 4, 8, 9], 2, 256)
    assert module._problems(family, [3, 8, 48, 48, 256], 2, 256) == [
        "baseline rank 3 > C_(L-1) = 2"
    ]


def test_claim_11_size_criterion():
    """Some R must beat the network's own weight count, or, where the ceiling M^(N/2) is
    below every overlapping network's size, reach the ceiling."""
    module = theorems.load("seed000_claim_11")
    family = module.QUICK[0]  # 1D N=16, ceiling 256, R = 1 … 4
    sizes = [50, 66, 82, 98]
    assert module._problems(family, [2, 24, 256, 256], sizes) == []
    assert module._problems(family, [2, 24, 64, 64], sizes) == [
        "no R gives a rank above the network's own number of weights"
    ]
    small = module.Family("tiny", (8,), 2, 2, 3, (1, 2, 3), False)  # ceiling 16 < sizes
    assert module._problems(small, [2, 8, 16], [38, 50, 62]) == []
    assert module._problems(small, [2, 8, 12], [38, 50, 62]) == [
        "the ceiling 16 (below every network's size) is not reached"
    ]
    assert module._problems(small, [3, 8, 16], [38, 50, 62]) == ["R=1: rank 3 > C_(L-1) = 2"]
