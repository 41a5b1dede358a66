"""Grid tensors of generalized RNNs and shallow networks against the oracles of tests/oracles.py.

Every expected value comes from plain-Python brute force over itertools.product (seed 001
eq. 14 / 16, run on one sequence at a time), never from exactrank itself.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from oracles import (
    UNIT,
    XI,
    frac_nested,
    grid,
    identity,
    inverse_fraction,
    matmul_fraction,
    rank_fraction,
    residue,
    rnn_score,
    shallow_score,
    transpose,
    tt_cores,
    tt_score,
)
from strategies import (
    DENS,
    EXACT_XIS,
    MODULAR_XIS,
    Q,
    abs_bound,
    build_rnn,
    build_shallow,
    map_nested,
    rationals,
    rnn_oracle,
    rnn_specs,
    shallow_oracle,
    shallow_specs,
    tensor,
)

import exactrank as er

P61 = 2**61 - 1  # a 61-bit (Mersenne) prime
PRIMES = (2, 3, 101, P61)
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------- assertions


def assert_exact_grid(gt, expected: dict, shape):
    assert gt.field == er.QQ and gt.exact
    assert gt.shape == tuple(shape)
    assert gt.values.dtype in (np.int64, np.dtype(object))
    assert isinstance(gt.denominator, int) and gt.denominator > 0
    fractions = gt.to_fractions()
    biggest = 0
    for index, value in expected.items():
        got = gt.entry(index)
        assert isinstance(got, Fraction)
        assert got == value, f"entry {index}: got {got}, expected {value}"
        assert Fraction(int(gt.values[index]), gt.denominator) == value
        assert fractions[index] == value
        biggest = max(biggest, abs(int(gt.values[index])))
    if biggest >= 2**63:
        assert gt.storage == "bigint"
    assert gt.storage in ("int64", "bigint")
    if gt.storage == "int64":
        assert gt.values.dtype == np.int64


def assert_modular_grid(gt, expected: dict, p: int, shape):
    assert gt.field == er.Field("GF", p) and gt.exact
    assert gt.shape == tuple(shape)
    for index, value in expected.items():
        got = gt.entry(index)
        assert isinstance(got, int)
        assert 0 <= int(gt.values[index]) < p
        assert got == residue(value, p), f"entry {index} mod {p}: got {got}"


def assert_float_grid(gt, spec, expected: dict, shape):
    assert gt.field == er.FLOAT and not gt.exact
    assert gt.storage == "float64" and gt.values.dtype == np.float64
    assert gt.shape == tuple(shape)
    for index, value in expected.items():
        tol = 1e-12 * float(abs_bound(spec, index)) + 1e-300
        got = gt.entry(index)
        assert isinstance(got, float)
        assert math.isclose(got, float(value), rel_tol=0, abs_tol=tol), (index, got, value)


# ---------------------------------------------------------------------------- RNN grids

CORNER_RNNS = [
    # T = 1, M = 1
    {"xi": "relu", "C": [[[Q(-3, 2)]]], "G": [[[[Q(5)]]]], "F": None},
    {"xi": "product", "C": [[[Q(2, 3)], [Q(-1)]]], "G": [[[[Q(1)]], [[Q(7, 5)]]]], "F": None},
    # M = 1, T = 4
    {
        "xi": "relu",
        "C": [[[Q(-1)]], [[Q(2)]], [[Q(-1, 3)]], [[Q(1)]]],
        "G": [[[[Q(1), Q(-1)]]], [[[Q(1)], [Q(-2)]]], [[[Q(3)]]], [[[Q(-1)]]]],
        "F": [[Q(-2)]],
    },
    # all-zero weights
    {
        "xi": "product",
        "C": [[[Q(0), Q(0)]], [[Q(0), Q(0)]]],
        "G": [[[[Q(0)]]], [[[Q(0)]]]],
        "F": None,
    },
    {
        "xi": "relu",
        "C": [[[Q(0)] * 3] * 2] * 3,
        "G": [[[[Q(0)] * 2]] * 2, [[[Q(0)] * 2] * 2] * 2, [[[Q(0)]] * 2] * 2],
        "F": None,
    },
    # relu with a negative input at every step: the unit 0 is not a binary unit
    {
        "xi": "relu",
        "C": [[[Q(-1), Q(1)]], [[Q(-1), Q(1)]]],
        "G": [[[[Q(1)]]], [[[Q(1)]]]],
        "F": None,
    },
    # sum, with a feature matrix F
    {
        "xi": "sum",
        "C": [[[Q(1), Q(2)]], [[Q(3), Q(5)]], [[Q(7), Q(-11)]]],
        "G": [[[[Q(1, 2), Q(1)]]], [[[Q(2)], [Q(-1)]]], [[[Q(3)]]]],
        "F": [[Q(0), Q(1)], [Q(1), Q(1, 2)]],
    },
]


def with_examples(specs):
    """Hypothesis @example for each corner case (weights given as Fractions)."""

    def decorate(test):
        for spec in specs:
            test = example(dict(spec, rep="fraction"))(test)
        return test

    return decorate


@with_examples(CORNER_RNNS)
@SETTINGS
@given(rnn_specs())
def test_rnn_grid_over_QQ(spec):
    model = build_rnn(spec)
    M, T = len(spec["C"][0][0]), len(spec["C"])
    assert (model.M, model.T, model.exact) == (M, T, True)
    assert tuple(len(c) for c in spec["C"]) == model.L
    assert model.ranks == tuple(len(g[0][0]) for g in spec["G"][:-1])
    assert model.xi.name == spec["xi"]
    assert_exact_grid(er.grid_tensor(model, "QQ"), rnn_oracle(spec), (M,) * T)


@st.composite
def modular_cases(draw, shallow=False):
    p = draw(st.sampled_from(PRIMES))
    dens = tuple(d for d in DENS if d % p)
    spec_strategy = shallow_specs(MODULAR_XIS, dens) if shallow else rnn_specs(MODULAR_XIS, dens)
    return p, draw(spec_strategy)


@SETTINGS
@given(modular_cases())
@example((2, dict(CORNER_RNNS[1], rep="fraction")))
@example((3, dict(CORNER_RNNS[3], rep="array")))
@example((P61, dict(CORNER_RNNS[6], rep="string")))
def test_rnn_grid_over_GFp(case):
    p, spec = case
    model = build_rnn(spec)
    M, T = model.M, model.T
    gt = er.grid_tensor(model, f"GF({p})")
    assert gt.storage == "int64"
    assert_modular_grid(gt, rnn_oracle(spec), p, (M,) * T)


@SETTINGS
@given(rnn_specs())
def test_rnn_grid_over_float(spec):
    model = build_rnn(spec)
    expected = rnn_oracle(spec)
    shape = (model.M,) * model.T
    assert_float_grid(er.grid_tensor(model, "float"), spec, expected, shape)
    # the same weights given as float arrays: a float model, only evaluable in float
    float_spec = {k: (None if spec[k] is None else map_nested(spec[k], float)) for k in "CGF"}
    float_model = er.GeneralizedRNN(
        spec["xi"],
        [np.array(c, dtype=np.float64) for c in float_spec["C"]],
        [np.array(g, dtype=np.float64) for g in float_spec["G"]],
        F=None if spec["F"] is None else np.array(float_spec["F"], dtype=np.float64),
    )
    assert float_model.exact is False
    assert_float_grid(er.grid_tensor(float_model, "float"), spec, expected, shape)
    with pytest.raises(er.DomainError):
        er.grid_tensor(float_model, "QQ")


@SETTINGS
@given(rnn_specs(), st.data())
def test_grid_entries_equal_the_grid(spec, data):
    model = build_rnn(spec)
    M, T = model.M, model.T
    B = data.draw(st.integers(1, 10))
    indices = [tuple(data.draw(st.integers(0, M - 1)) for _ in range(T)) for _ in range(B)]
    expected = rnn_oracle(spec)
    entries = er.grid_entries(model, np.array(indices, dtype=np.int64), "QQ")
    assert entries.shape == (B,) and entries.field == er.QQ
    for b, index in enumerate(indices):
        assert entries.entry((b,)) == expected[index]
    as_lists = er.grid_entries(model, [list(i) for i in indices], "float")
    for b, index in enumerate(indices):
        tol = 1e-12 * float(abs_bound(spec, index)) + 1e-300
        assert math.isclose(as_lists.entry((b,)), float(expected[index]), abs_tol=tol)
    full = er.grid_tensor(model)
    for b, index in enumerate(indices):
        assert entries.entry((b,)) == full.entry(index)
    # the library's brute-force evaluator agrees as well
    assert er.score(model, indices[0]) == expected[indices[0]]


def test_grid_entries_of_an_empty_batch():
    model = build_rnn(dict(CORNER_RNNS[6], rep="fraction"))
    entries = er.grid_entries(model, np.zeros((0, 3), dtype=np.int64))
    assert entries.shape == (0,)


# ---------------------------------------------------------------------------- Lemma 3.1


@SETTINGS
@given(rnn_specs(xis=("product",)))
def test_product_rnn_is_the_tensor_train(spec):
    """Lemma 3.1 + Prop. A.1: for ξ = product the RNN grid is the TT contraction of the
    cores G'[l, j, k] = Σ_i C[t][i, l] G[t][i, j, k] (C[t] absorbed into G[t])."""
    model = build_rnn(spec)
    M, T = model.M, model.T
    cores = tt_cores(spec["C"], spec["G"])
    tt = grid(lambda s: tt_score(cores, spec["F"], s), M, T)
    gt = er.grid_tensor(model)
    for index, value in tt.items():
        assert gt.entry(index) == value
    # the absorbed cores as an RNN with C = identity give the same grid (Prop. A.1)
    absorbed = er.GeneralizedRNN("product", [identity(M)] * T, cores, F=spec["F"])
    assert_exact_grid(er.grid_tensor(absorbed), tt, (M,) * T)


# ---------------------------------------------------------------------------- F and C


@st.composite
def invertible_relu_cases(draw):
    spec = draw(rnn_specs(xis=("relu",)))
    M = len(spec["C"][0][0])
    F = tensor(draw, (M, M), rationals(bound=5))
    assume(rank_fraction(F) == M)
    return spec, F


@SETTINGS
@given(invertible_relu_cases())
def test_relu_rnn_with_invertible_features(case):
    """Lemma A.2 remark: with F invertible, (C F^{-T}, F) realizes the grid of (C, I);
    and any (C, F) realizes the grid of (C F^T, I), since C f(x^(m)) = (C F^T)[:, m]."""
    spec, F = case
    M, T = len(spec["C"][0][0]), len(spec["C"])
    plain = dict(spec, F=None)
    expected = rnn_oracle(plain)
    F_inv_T = transpose(inverse_fraction(F))
    moved = dict(spec, C=[matmul_fraction(c, F_inv_T) for c in spec["C"]], F=F)
    assert rnn_oracle(moved) == expected  # the oracle agrees with the algebra
    assert_exact_grid(er.grid_tensor(build_rnn(moved)), expected, (M,) * T)
    with_F = dict(spec, F=F)
    absorbed = dict(spec, C=[matmul_fraction(c, transpose(F)) for c in spec["C"]], F=None)
    expected_F = rnn_oracle(with_F)
    assert_exact_grid(er.grid_tensor(build_rnn(with_F)), expected_F, (M,) * T)
    assert_exact_grid(er.grid_tensor(build_rnn(absorbed)), expected_F, (M,) * T)


# ---------------------------------------------------------------------------- shallow


CORNER_SHALLOW = [
    {"xi": "product", "lambda": [Q(3)], "V": [[[Q(-1)]]], "F": None},
    {"xi": "product", "lambda": [Q(0), Q(0)], "V": [[[Q(0)] * 2] * 3] * 2, "F": None},
    {
        "xi": "relu",
        "lambda": [Q(1), Q(-2)],
        "V": [[[Q(-1)], [Q(-2)]], [[Q(1, 2)], [Q(-3)]]],
        "F": [[Q(-1)]],
    },
]


@with_examples(CORNER_SHALLOW)
@SETTINGS
@given(shallow_specs())
def test_shallow_grid(spec):
    """eq. 20: Σ_r λ_r (F v_r^(0)) ⊗ξ … ⊗ξ (F v_r^(T−1)) against eq. 14 on each sequence."""
    model = build_shallow(spec)
    R, T, M = len(spec["V"]), len(spec["V"][0]), len(spec["V"][0][0])
    assert (model.R, model.T, model.M, model.exact) == (R, T, M, True)
    expected = shallow_oracle(spec)
    assert_exact_grid(er.grid_tensor(model), expected, (M,) * T)
    indices = list(expected)[:: max(1, len(expected) // 5)]
    entries = er.grid_entries(model, indices)
    for b, index in enumerate(indices):
        assert entries.entry((b,)) == expected[index]
    floats = er.grid_tensor(model, "float")
    for index, value in expected.items():
        assert math.isclose(floats.entry(index), float(value), rel_tol=1e-9, abs_tol=1e-6)


@SETTINGS
@given(modular_cases(shallow=True))
def test_shallow_grid_over_GFp(case):
    p, spec = case
    model = build_shallow(spec)
    assert_modular_grid(
        er.grid_tensor(model, f"GF({p})"), shallow_oracle(spec), p, (model.M,) * model.T
    )


@pytest.mark.parametrize("xi", ["relu", "l2", "product", "sum"])
def test_shallow_with_one_step(xi):
    """T = 1: the n-ary ξ of one operand is max(a, 0) for relu (DESIGN.md: "relu:
    max(a_1, …, a_n, 0)") and √(a²) = |a| for l2, as for the width-1 RNN of Prop. A.4,
    whose state starts at the unit: h^(0) = ξ(a, u)."""
    lam, V = [Q(3), Q(1, 2)], [[[Q(-1), Q(2)]], [[Q(5), Q(-7, 3)]]]
    spec = {"xi": xi, "lambda": lam, "V": V, "F": None}
    expected = {
        (0,): 3 * XI[xi](UNIT[xi], Q(-1)) + XI[xi](UNIT[xi], Q(5)) / 2,
        (1,): 3 * XI[xi](UNIT[xi], Q(2)) + XI[xi](UNIT[xi], Q(-7, 3)) / 2,
    }
    rnn = er.GeneralizedRNN(xi, [[[-1, 2], [5, "-7/3"]]], [[[[3]], [["1/2"]]]])
    if xi == "l2":
        model = er.GeneralizedShallow(xi, [3.0, 0.5], [[[-1.0, 2.0]], [[5.0, -7 / 3]]])
        for m in (0, 1):
            assert math.isclose(er.grid_tensor(rnn, "float").entry((m,)), expected[(m,)])
            assert math.isclose(er.grid_tensor(model, "float").entry((m,)), expected[(m,)])
        return
    assert er.grid_tensor(rnn).to_fractions().tolist() == [expected[(0,)], expected[(1,)]]
    got = er.grid_tensor(build_shallow(spec)).to_fractions().tolist()
    assert got == [expected[(0,)], expected[(1,)]]
    assert [er.score(build_shallow(spec), [m]) for m in (0, 1)] == got


def shallow_as_rnn(spec):
    """Prop. A.4 + Lemma 5.1: a width-R shallow network as an RNN with L_t = R_t = R.

    C[t] = (v_r^(t))_r, G[0][i, 0, k] = δ_ik, G[t][i, j, k] = δ_ijk, G[T−1][i, j, 0] = λ_i δ_ij,
    so that h^(t)_r = ξ(⟨f(x^(t)), v_r^(t)⟩, h^(t−1)_r) and the score is Σ_r λ_r h^(T−1)_r.
    """
    lam, V = spec["lambda"], spec["V"]
    R, T = len(V), len(V[0])
    C = [[V[r][t] for r in range(R)] for t in range(T)]
    zero, one = Q(0), Q(1)
    if T == 1:
        G = [[[[lam[i]]] for i in range(R)]]
    else:
        first = [[[one if k == i else zero for k in range(R)]] for i in range(R)]
        inner = [
            [[one if i == j == k else zero for k in range(R)] for j in range(R)] for i in range(R)
        ]
        last = [[[lam[i] if i == j else zero] for j in range(R)] for i in range(R)]
        G = [first] + [inner] * (T - 2) + [last]
    return {"xi": spec["xi"], "C": C, "G": G, "F": spec["F"], "rep": "fraction"}


@SETTINGS
@given(shallow_specs())
def test_shallow_network_as_rnn(spec):
    rnn = shallow_as_rnn(spec)
    expected = shallow_oracle(spec)
    assert rnn_oracle(rnn) == expected  # the construction is right (oracle vs oracle)
    model = build_rnn(rnn)
    assert_exact_grid(er.grid_tensor(model), expected, (model.M,) * model.T)


# ---------------------------------------------------------------------------- Lemma 5.1


def _block(shape, blocks):
    """A zero tensor of ``shape`` with each (offsets, sub-tensor) of ``blocks`` written in."""
    out = np.zeros(shape, dtype=object)
    out[...] = Q(0)
    for offsets, sub in blocks:
        sub = np.array(sub, dtype=object)
        out[tuple(slice(o, o + n) for o, n in zip(offsets, sub.shape, strict=True))] = sub
    return out.tolist()


def rnn_sum(a, A, b, B):
    """Lemma 5.1: an RNN whose grid is a·Γ_A + b·Γ_B (block-diagonal cores)."""
    T = len(A["C"])
    C, G = [], []
    for t in range(T):
        CA, CB, GA, GB = A["C"][t], B["C"][t], A["G"][t], B["G"][t]
        C.append(CA + CB)
        LA, LB = len(GA), len(GB)
        RA0, RA1 = len(GA[0]), len(GA[0][0])
        RB0, RB1 = len(GB[0]), len(GB[0][0])
        first, last = t == 0, t == T - 1
        r0 = 1 if first else RA0 + RB0
        r1 = 1 if last else RA1 + RB1
        ga = map_nested(GA, lambda v: a * v) if last else GA
        gb = map_nested(GB, lambda v: b * v) if last else GB
        G.append(
            _block(
                (LA + LB, r0, r1),
                [((0, 0, 0), ga), ((LA, 0 if first else RA0, 0 if last else RA1), gb)],
            )
        )
    return {"xi": A["xi"], "C": C, "G": G, "F": A["F"], "rep": "fraction"}


@st.composite
def rnn_pairs(draw):
    A = draw(rnn_specs())
    M, T = len(A["C"][0][0]), len(A["C"])
    B = draw(rnn_specs(xis=(A["xi"],), M=M, T=T))
    B["F"] = A["F"]
    return A, B, draw(rationals()), draw(rationals())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rnn_pairs())
def test_linear_combination_of_rnns(case):
    A, B, a, b = case
    combined = rnn_sum(a, A, b, B)
    gA, gB = rnn_oracle(A), rnn_oracle(B)
    expected = {i: a * gA[i] + b * gB[i] for i in gA}
    model = build_rnn(combined)
    assert_exact_grid(er.grid_tensor(model), expected, (model.M,) * model.T)


# ---------------------------------------------------------------------------- shared cores


@pytest.mark.parametrize("xi", EXACT_XIS)
@pytest.mark.parametrize("T", [2, 3, 5])
def test_shared_cores(xi, T):
    first = ([[1, "1/2"], [-2, 3]], [[[1, -1, 2]], [[0, 1, "2/3"]]])
    inner = ([[2, -1]], [[[1, 0, -1], [0, 1, 1], ["-1/3", 2, 0]]])
    last = ([[-1, 1], [1, 1]], [[[1], [2], [-1]], [[0], [-1], [3]]])
    model = er.GeneralizedRNN.with_shared_cores(xi, first, inner, last, T)
    assert model.shared and model.T == T and model.M == 2
    steps = [first] + [inner] * (T - 2) + [last]
    spec = {
        "xi": xi,
        "C": [frac_nested(c) for c, _ in steps],
        "G": [frac_nested(g) for _, g in steps],
        "F": None,
    }
    assert model.ranks == (3,) * (T - 1)
    assert_exact_grid(er.grid_tensor(model), rnn_oracle(spec), (2,) * T)


# ---------------------------------------------------------------------------- float-only ξ


@pytest.mark.parametrize("xi", ["softplus", "l2"])
def test_float_only_operators(xi):
    rng = np.random.default_rng(7)
    M, T = 3, 3
    L, R = [2, 3, 2], [1, 2, 3, 1]
    C = [rng.normal(size=(L[t], M)) for t in range(T)]
    G = [rng.normal(size=(L[t], R[t], R[t + 1])) for t in range(T)]
    F = rng.normal(size=(M, M))
    model = er.GeneralizedRNN(xi, C, G, F=F)
    assert not model.exact
    gt = er.grid_tensor(model, "float")
    Cl, Gl, Fl = [c.tolist() for c in C], [g.tolist() for g in G], F.tolist()
    for index in itertools.product(range(M), repeat=T):
        expected = rnn_score(Cl, Gl, Fl, xi, index)
        assert math.isclose(gt.entry(index), expected, rel_tol=1e-9, abs_tol=1e-9)
    lam, V = rng.normal(size=3), rng.normal(size=(3, T, M))
    shallow = er.GeneralizedShallow(xi, lam, V, F=F)
    gs = er.grid_tensor(shallow, "float")
    for index in itertools.product(range(M), repeat=T):
        expected = shallow_score(lam.tolist(), V.tolist(), Fl, xi, index)
        assert math.isclose(gs.entry(index), expected, rel_tol=1e-9, abs_tol=1e-9)


# ---------------------------------------------------------------------------- big numbers


def _check_big(spec, min_bits):
    model = build_rnn(spec)
    expected = rnn_oracle(spec)
    assert max(abs(v) for v in expected.values()) >= 2**min_bits  # the test is what it says
    gt = er.grid_tensor(model)
    assert gt.storage == "bigint"
    assert_exact_grid(gt, expected, (model.M,) * model.T)
    indices = list(expected)
    entries = er.grid_entries(model, indices)
    for b, index in enumerate(indices):
        assert entries.entry((b,)) == expected[index]
    return gt


def test_product_rnn_entries_just_past_int64():
    """Entries between 2^63 and 2^64: int64 would wrap, float64 would round."""
    spec = {
        "xi": "product",
        "C": [[[Q(2**32), Q(3)]], [[Q(2**31 + 1), Q(-(2**31) - 5)]]],
        "G": [[[[Q(1)]]], [[[Q(1)]]]],
        "F": None,
    }
    _check_big(spec, 63)


def test_product_rnn_entries_past_2_200():
    rng = np.random.default_rng(1)
    T, M = 4, 2
    spec = {
        "xi": "product",
        "C": [[[Q(int(v)) + 2**60 for v in rng.integers(-1000, 1000, M)]] for _ in range(T)],
        "G": [[[[Q(2**10 + 3)]]] for _ in range(T)],
        "F": [[Q(1), Q(-1)], [Q(3), Q(1)]],
    }
    _check_big(spec, 200)


def _big(rng, shape, bits):
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        out[index] = Q(
            int(rng.integers(-(2**30), 2**30)) * 2 ** (bits - 30) + int(rng.integers(0, 999))
        )
    return out.tolist()


@pytest.mark.parametrize("xi", EXACT_XIS)
def test_rnn_entries_past_2_200(xi):
    rng = np.random.default_rng(2)
    M, T, L, R = 2, 3, [2, 2, 2], [1, 2, 2, 1]
    spec = {
        "xi": xi,
        "C": [_big(rng, (L[t], M), 100) for t in range(T)],
        "G": [_big(rng, (L[t], R[t], R[t + 1]), 100) for t in range(T)],
        "F": None,
    }
    # positive G for relu so that large states survive the max
    if xi == "relu":
        spec["G"] = [map_nested(g, abs) for g in spec["G"]]
    _check_big(spec, 200)


def test_shallow_entries_past_2_200():
    lam = [Q(2**70 + 1), Q(-(2**69) - 7)]
    V = [[[Q(2**40 + 3), Q(-(2**41))]] * 4, [[Q(2**39), Q(5)]] * 4]
    for xi in EXACT_XIS:
        spec = {"xi": xi, "lambda": lam, "V": V, "F": None}
        expected = shallow_oracle(spec)
        gt = er.grid_tensor(build_shallow(spec))
        assert gt.storage == "bigint"
        assert_exact_grid(gt, expected, (2,) * 4)


@pytest.mark.parametrize("xi", EXACT_XIS)
def test_large_rational_denominators(xi):
    dens = [2**61 - 1, 10**30 + 57, 3**40, 2**89 - 1, 7]
    rng = np.random.default_rng(3)

    def q(shape):
        out = np.empty(shape, dtype=object)
        for index in np.ndindex(shape):
            out[index] = Q(int(rng.integers(-(10**6), 10**6)), dens[int(rng.integers(len(dens)))])
        return out.tolist()

    M, T, L, R = 2, 3, [2, 1, 2], [1, 2, 2, 1]
    spec = {
        "xi": xi,
        "C": [q((L[t], M)) for t in range(T)],
        "G": [q((L[t], R[t], R[t + 1])) for t in range(T)],
        "F": q((M, M)),
        "rep": "string",
    }
    expected = rnn_oracle(spec)
    assert_exact_grid(er.grid_tensor(build_rnn(spec)), expected, (M,) * T)
    if xi != "relu":
        # no denominator above is divisible by 101
        assert_modular_grid(er.grid_tensor(build_rnn(spec), "GF(101)"), expected, 101, (M,) * T)


@pytest.mark.parametrize("p", [P61, 2**64 - 59, 2**127 - 1])
def test_modular_grid_with_large_weights_and_primes(p):
    """Residue products near p^2 overflow int64: they must be reduced exactly."""
    rng = np.random.default_rng(4)

    def big(shape):
        out = np.empty(shape, dtype=object)
        for index in np.ndindex(shape):
            out[index] = Q(int(rng.integers(0, 2**62)) * 2**70 + int(rng.integers(0, 2**62)))
        return out.tolist()

    M, T, L, R = 3, 3, [2, 3, 2], [1, 3, 2, 1]
    for xi in MODULAR_XIS:
        spec = {
            "xi": xi,
            "C": [big((L[t], M)) for t in range(T)],
            "G": [big((L[t], R[t], R[t + 1])) for t in range(T)],
            "F": big((M, M)),
        }
        gt = er.grid_tensor(build_rnn(spec), f"GF({p})")
        assert_modular_grid(gt, rnn_oracle(spec), p, (M,) * T)


@pytest.mark.parametrize("xi", EXACT_XIS)
@pytest.mark.parametrize(
    "v", [2**53 - 1, 2**53, 2**53 + 1, 2**62 - 1, 2**62, 2**63 - 1, 2**63, 2**64 + 1]
)
def test_entries_at_storage_boundaries(xi, v):
    """Values next to 2^53 (float64 exact), 2^62 and 2^63 (int64) come back exact."""
    spec = {
        "xi": xi,
        "C": [[[Q(v), Q(-v)], [Q(v - 1), Q(1)]], [[Q(1), Q(2)]]],
        "G": [[[[Q(1)]], [[Q(1)]]], [[[Q(1)]]]],
        "F": None,
        "rep": "string",
    }
    expected = rnn_oracle(spec)
    gt = er.grid_tensor(build_rnn(spec))
    assert_exact_grid(gt, expected, (2, 2))
    if xi != "relu":
        assert_modular_grid(er.grid_tensor(build_rnn(spec), f"GF({P61})"), expected, P61, (2, 2))


@pytest.mark.parametrize("p", [2**63 + 29, 2**64 - 59, 2**127 - 1])
@pytest.mark.parametrize("xi", MODULAR_XIS)
def test_modular_grid_of_small_weights_over_primes_past_int64(xi, p):
    """GF(p) with p >= 2^63: small weights (int64 storage) must still reduce modulo p."""
    spec = {
        "xi": xi,
        "C": [[[Q(1), Q(-2)]], [[Q(3), Q(1, 2)]]],
        "G": [[[[Q(1), Q(2)]]], [[[Q(-1)], [Q(5)]]]],
        "F": None,
    }
    gt = er.grid_tensor(build_rnn(spec), f"GF({p})")
    assert_modular_grid(gt, rnn_oracle(spec), p, (2, 2))


# ------------------------------------------------ product grids past int64 by CRT (issue 11)


def _big_product_spec(seed, M=2, T=6, bits=30, den=1):
    """A product RNN with weights of up to ``bits`` bits: grid entries far past 2^63."""
    rng = np.random.default_rng(seed)

    def draw(shape):
        top = 2**bits
        return [
            Q(int(rng.integers(-top, top)), int(rng.integers(1, den + 1)))
            for _ in range(int(np.prod(shape)))
        ]

    L = [int(rng.integers(1, 4)) for _ in range(T)]
    R = [1] + [int(rng.integers(1, 4)) for _ in range(T - 1)] + [1]
    C = [np.array(draw((L[t], M)), dtype=object).reshape(L[t], M).tolist() for t in range(T)]
    G = [
        np.array(draw((L[t], R[t], R[t + 1])), dtype=object).reshape(L[t], R[t], R[t + 1]).tolist()
        for t in range(T)
    ]
    return {"xi": "product", "C": C, "G": G, "F": None}


@pytest.mark.parametrize(
    "seed,M,T,bits,den", [(0, 2, 6, 30, 1), (1, 3, 4, 62, 1), (2, 2, 7, 20, 5)]
)
def test_product_grid_past_int64_is_rebuilt_by_crt(monkeypatch, seed, M, T, bits, den):
    """Entries past 2^63 go through the CRT route (spied on) and match the Fraction oracle."""
    from exactrank.models import rnn_grid as grid_module

    calls = []
    for route in ("multimodular_product", "residue_product"):  # int64 / residues past 2^62
        real = getattr(grid_module, route)
        spy = lambda *a, real=real: calls.append(a[2]) or real(*a)  # noqa: E731
        monkeypatch.setattr(grid_module, route, spy)
    spec = _big_product_spec(seed, M, T, bits, den)
    expected = rnn_oracle(spec)
    gt = er.grid_tensor(build_rnn(spec))
    assert calls and calls[0] >= 2**53
    assert max(abs(v.numerator) for v in expected.values()) >= 2**63
    assert_exact_grid(gt, expected, (M,) * T)
    assert gt.storage == "bigint"


@SETTINGS
@given(rnn_specs(xis=("product",)), st.integers(40, 70))
def test_product_grid_with_scaled_weights_matches_the_oracle(spec, shift):
    """Random shapes with weights scaled by 2^shift: the float64 route or the CRT route,
    whichever the bound picks, gives the oracle's grid."""
    spec = dict(spec, C=map_nested(spec["C"], lambda q: q * 2**shift), rep="fraction")
    assert_exact_grid(er.grid_tensor(build_rnn(spec)), rnn_oracle(spec), _rnn_shape(spec))


def _rnn_shape(spec):
    return (len(spec["C"][0][0]),) * len(spec["C"])


def test_crt_with_one_prime_too_few_is_caught_by_the_oracle(monkeypatch):
    """Dropping primes of the CRT makes the product grid wrong, and the brute-force
    oracle (or the grid's own bound check) sees it: the test above would fail on such a
    reduction. The grid held in residues carries a spare prime: one prime too few there
    is two below the spare."""
    from exactrank.numbers import multimodular

    spec = _big_product_spec(0)
    expected = rnn_oracle(spec)
    real = multimodular.primes_for
    monkeypatch.setattr(
        multimodular, "primes_for", lambda bound, spare=False: real(bound, spare)[: -1 - spare]
    )
    gt = er.grid_tensor(build_rnn(spec))

    def wrong(index, value):
        try:
            return gt.entry(index) != value
        except ArithmeticError:  # the bound check saw it
            return True

    assert any(wrong(i, v) for i, v in expected.items())


@pytest.mark.parametrize("p", [2, 3, 2**26 - 5, 2**26 + 15, P61, 2**62 - 57])
@pytest.mark.parametrize("xi", MODULAR_XIS)
def test_rnn_grid_over_the_residue_kernels_primes(xi, p):
    """GF(p) through exactrank.numbers.residues: both of its regimes and the primes at their
    ends."""
    spec = dict(_big_product_spec(p % 97, M=2, T=5, bits=62, den=1), xi=xi)
    assert_modular_grid(er.grid_tensor(build_rnn(spec), f"GF({p})"), rnn_oracle(spec), p, (2,) * 5)
