"""The fast routes of the grid evaluators (issue 11, item 2) against independent oracles.

* :func:`exactrank.models.arithmetic.split_product` (float64 integers times a small integer matrix,
  two dgemms joined in int64) against Python-integer products, and its refusals;
* relu RNN grids whose states pass 2^53 (so the split product runs) against the
  plain-Fraction brute force of tests/oracles.py;
* the identity-F shortcut of the RNN cores against a model with the same F written out.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oracles import rnn_score

import exactrank as er
from exactrank.models.arithmetic import split_product

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def python_product(Z: np.ndarray, G: np.ndarray) -> list:
    """Z @ G in Python integers, row by row (the oracle)."""
    Zi = [[int(v) for v in row] for row in Z]
    Gi = [[int(v) for v in row] for row in G]
    return [[sum(a * Gi[k][c] for k, a in enumerate(row)) for c in range(len(Gi[0]))] for row in Zi]


@st.composite
def split_cases(draw):
    n, k, m = draw(st.integers(1, 6)), draw(st.integers(1, 9)), draw(st.integers(1, 4))
    z_bits = draw(st.integers(40, 53))
    g_bits = draw(st.integers(1, 8))
    z = st.integers(-(2**z_bits) + 1, 2**z_bits - 1)
    Z = np.array(draw(st.lists(z, min_size=n * k, max_size=n * k)), dtype=np.float64)
    g = st.integers(-(2**g_bits), 2**g_bits)
    G = np.array(draw(st.lists(g, min_size=k * m, max_size=k * m)), dtype=np.float64)
    return Z.reshape(n, k), G.reshape(k, m)


@given(split_cases())
@example((np.full((2, 3), 2.0**53 - 1), np.full((3, 1), 255.0)))  # Z at its largest
@example((np.full((2, 3), -(2.0**53) + 1), np.full((3, 2), -255.0)))  # all negative
@example((np.array([[2.0**52, 1.0]]), np.array([[1.0], [-1.0]])))  # low limb cancels
@SETTINGS
def test_split_product_is_the_exact_product(case):
    Z, G = case
    bound = int(np.max(np.abs(Z)))
    out = split_product(Z, G, bound)
    expected = python_product(Z, G)
    c = max(sum(abs(int(v)) for v in col) for col in G.T)
    if bound * c >= 2**62:
        assert out is None  # the result might not fit int64: refused, never wrapped
        return
    assert out is not None
    assert out.tolist() == expected
    if bound * c >= 2**53:
        assert out.dtype == np.int64


def test_split_product_refuses_what_it_cannot_hold():
    G = np.array([[1.0], [1.0]])
    Z = np.array([[2.0**52, 2.0**52]])
    assert split_product(Z, G, 2**53) is None  # Z not below 2^53
    assert split_product(Z, np.full((2, 1), 2.0**10), 2**52) is None  # result past 2^62
    big = np.array([[2.0**30]])  # a column sum past 2^26 leaves no limb width
    assert split_product(np.array([[2.0**40]]), big, 2**40) is None


def test_split_product_trusts_only_the_bound_it_is_given():
    """The bound decides the route: one dgemm below 2^53, else the split; a bound that
    understates max |Z| is a caller's bug, so the callers take it from the operands."""
    Z = np.array([[2.0**52 + 1.0, 3.0]])
    G = np.array([[3.0], [5.0]])
    exact = python_product(Z, G)
    assert split_product(Z, G, 2**52 + 1).tolist() == exact
    # a one-dgemm product of this Z rounds (3·(2^52 + 1) is odd and past 2^53)
    assert int((Z @ G)[0, 0]) != exact[0][0]


@st.composite
def big_relu_rnns(draw):
    """relu RNNs whose integer states pass 2^53 but whose grids stay below 2^62."""
    M, T = draw(st.integers(1, 3)), draw(st.integers(2, 3))
    L, R = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ranks = [1] + [R] * (T - 1) + [1]
    big = st.integers(-(2**44), 2**44)
    small = st.integers(-(2**4), 2**4)
    C = [[[draw(big) for _ in range(M)] for _ in range(L)] for _ in range(T)]
    G = [
        [[[draw(small) for _ in range(ranks[t + 1])] for _ in range(ranks[t])] for _ in range(L)]
        for t in range(T)
    ]
    den = draw(st.sampled_from([1, 2**7, 3]))
    C = [[[Fraction(v, den) for v in row] for row in c] for c in C]
    return C, G


@given(big_relu_rnns())
@SETTINGS
def test_relu_grid_past_2_53_equals_brute_force(case):
    C, G = case
    model = er.GeneralizedRNN("relu", C, G)
    M, T = model.M, model.T
    grid = er.grid_tensor(model)
    for seq in itertools.product(range(M), repeat=T):
        assert grid.entry(seq) == rnn_score(C, G, None, "relu", seq)


def test_relu_grid_in_the_split_regime_is_exercised(monkeypatch):
    """A grid whose last product needs the split (its bound is past 2^53, below 2^62)."""
    import exactrank.models.arithmetic as arithmetic

    split_results = []

    def spy(Z, G, bound):
        out = split_product(Z, G, bound)
        split_results.append(None if out is None else out.dtype)
        return out

    monkeypatch.setattr(arithmetic, "split_product", spy)
    rng = np.random.default_rng(1)
    C = [rng.integers(-(2**44), 2**44, size=(2, 2)) for _ in range(3)]
    shapes = ((2, 1, 3), (2, 3, 3), (2, 3, 1))
    G = [rng.integers(-64, 65, size=shape) for shape in shapes]
    model = er.GeneralizedRNN("relu", C, G)
    grid = er.grid_tensor(model)
    assert np.dtype(np.int64) in split_results  # two dgemms joined in int64 ran (step 1)
    C_ = [[[Fraction(int(v)) for v in row] for row in c] for c in C]
    G_ = [[[[int(v) for v in k] for k in j] for j in g] for g in G]
    for seq in itertools.product(range(2), repeat=3):
        assert grid.entry(seq) == rnn_score(C_, G_, None, "relu", seq)


@pytest.mark.parametrize("xi", ["relu", "product"])
def test_identity_features_shortcut_matches_a_permuted_f(xi):
    """F = I takes the shortcut (C[t] is C[t]·F^T); a permutation F does not, and its grid
    is the grid of the model with the templates permuted."""
    rng = np.random.default_rng(3)
    M, T = 3, 3
    C = [rng.integers(-3, 4, size=(2, M)) for _ in range(T)]
    G = [rng.integers(-3, 4, size=(2, r0, r1)) for r0, r1 in ((1, 2), (2, 2), (2, 1))]
    perm = [2, 0, 1]
    F = np.eye(M, dtype=np.int64)[perm]
    plain = er.grid_tensor(er.GeneralizedRNN(xi, C, G))
    permuted = er.grid_tensor(er.GeneralizedRNN(xi, C, G, F=F))
    for seq in itertools.product(range(M), repeat=T):
        assert permuted.entry(seq) == plain.entry(tuple(perm[m] for m in seq))


# ---------------------------------------------------------------------------- relu_step


def dense_last_step(A, a_den, S, s_den, G):
    """eq. 16 at a last step in Fractions, pair by pair (the oracle of relu_last_step)."""
    L, M = len(A), len(A[0])
    R = len(S[0])
    return [
        sum(
            G[i * R + j] * max(Fraction(A[i][m], a_den), Fraction(S[p][j], s_den), 0)
            for i in range(L)
            for j in range(R)
        )
        for p in range(len(S))
        for m in range(M)
    ]


@st.composite
def last_steps(draw):
    L, M, R, P = (draw(st.integers(1, 4)) for _ in range(4))
    bits = draw(st.sampled_from([3, 20, 45, 61]))
    # few distinct values, so that ties between inputs and states are common
    pool = draw(st.lists(st.integers(-(2**bits), 2**bits), min_size=1, max_size=5))
    value = st.sampled_from(pool) | st.integers(-(2**bits), 2**bits)
    A = [[draw(value) for _ in range(M)] for _ in range(L)]
    S = [[draw(value) for _ in range(R)] for _ in range(P)]
    G = [draw(st.integers(-100, 100)) for _ in range(L * R)]
    a_den, s_den = draw(st.sampled_from([1, 4, 6])), draw(st.sampled_from([1, 2, 9]))
    return A, a_den, S, s_den, G


@given(last_steps())
@example(([[0]], 1, [[0]], 1, [5]))  # everything zero
@example(([[3, 3]], 1, [[3], [2], [4]], 1, [7]))  # ties between a and s
@example(([[2**61]], 1, [[2**61]], 1, [100]))  # bound past 2^62: refused
@SETTINGS
def test_relu_last_step_equals_the_pairwise_sum(case):
    from exactrank.models.rnn_relu_step import relu_last_step

    A, a_den, S, s_den, G = case
    result = relu_last_step(
        np.array(A, dtype=object),
        a_den,
        np.array(S, dtype=object),
        s_den,
        np.array(G, dtype=object).reshape(-1, 1),
    )
    expected = dense_last_step(A, a_den, S, s_den, G)
    if result is None:  # refused only when an int64 bound fails
        biggest = max(abs(v) for row in A + S for v in row) * a_den * s_den
        assert biggest * sum(abs(g) for g in G) >= 2**62
        return
    values, den = result
    assert values.dtype == np.int64
    assert [Fraction(int(v), den) for v in values] == expected


def test_relu_grids_take_the_sorted_last_step(monkeypatch):
    """The relu grid over QQ runs its last step sorted; its grid equals the dense route's."""
    import exactrank.models.rnn_grid as grid_module

    rng = np.random.default_rng(5)
    C = [rng.integers(-9, 10, size=(3, 3)) for _ in range(3)]
    G = [rng.integers(-9, 10, size=s) for s in ((3, 1, 2), (3, 2, 2), (3, 2, 1))]
    model = er.GeneralizedRNN("relu", C, G)
    calls = []
    real = grid_module.relu_last_step
    monkeypatch.setattr(grid_module, "relu_last_step", lambda *a: calls.append(1) or real(*a))
    sorted_grid = er.grid_tensor(model)
    monkeypatch.setattr(grid_module, "relu_last_step", lambda *a: None)
    dense_grid = er.grid_tensor(model)
    assert calls and np.array_equal(sorted_grid.values, dense_grid.values)
    assert sorted_grid.denominator == dense_grid.denominator


@pytest.mark.parametrize("p", [2**61 - 1, 2**26 - 5, 3])
@pytest.mark.parametrize("shape", [(2, 2, 4), (4, 8, 8), (4, 8, 9), (16, 8, 64)])
def test_residue_products_on_both_sides_of_the_object_threshold(p, shape):
    """ResidueArithmetic.matmul: Python integers up to _OBJECT_PRODUCT multiply-adds (4·8·8
    = 256), the split dgemms beyond (4·8·9); both equal the Python-integer product mod p."""
    from exactrank.models.arithmetic import _OBJECT_PRODUCT, ResidueArithmetic

    n, k, m = shape
    rng = np.random.default_rng(n * k * m)
    Z = rng.integers(0, p, size=(n, k), dtype=np.int64)
    G = rng.integers(0, p, size=(k, m), dtype=np.int64)
    out = ResidueArithmetic(p).matmul(Z, G)
    assert out.dtype == np.int64 and out.shape == (n, m)
    assert out.tolist() == [[v % p for v in row] for row in python_product(Z, G)]
    assert (n * k * m <= _OBJECT_PRODUCT) == (shape in [(2, 2, 4), (4, 8, 8)])
