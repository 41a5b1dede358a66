"""Shared cores (seed 001, §5 "Shared case"): the constructions against the Fraction oracle,
the rank-1 relu realizability procedure against brute force, and the four proof checks
(their verdicts, and that a broken construction turns them)."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oracles import frac_nested, grid, grid_to_nested, rnn_score, shallow_score

import exactrank as er
from exactrank.checks import theorems
from exactrank.checks.realizability import rank_one_shallow_network, relu_rank_one_shallow
from exactrank.constructions import (
    nonnegative_tt_as_relu_rnn,
    shared_pairwise_similarity_rnn,
    shared_universal_rnn,
)

Q = Fraction


def oracle_grid(model: er.GeneralizedRNN):
    """The grid by running the network on every sequence with Fractions (tests/oracles.py)."""
    C, G = frac_nested(list(model.C)), frac_nested(list(model.G))
    F = frac_nested(model.F)
    score = lambda seq: rnn_score(C, G, F, model.xi.name, seq)  # noqa: E731
    return grid_to_nested(grid(score, model.M, model.T), model.M, model.T)


def as_nested(A) -> list:
    return frac_nested(np.asarray(A, dtype=object))


def random_F(M: int, rng: random.Random):
    while True:
        F = [[Q(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(M)] for _ in range(M)]
        if er.rank(F).rank == M:
            return F


def inner_equal(model) -> bool:
    return all(
        np.array_equal(model.C[t], model.C[1]) and np.array_equal(model.G[t], model.G[1])
        for t in range(1, model.T - 1)
    )


# ---------------------------------------------------------------- shared_universal_rnn


@pytest.mark.parametrize("xi", ["relu", "product"])
@pytest.mark.parametrize("M,T", [(1, 3), (2, 2), (2, 3), (2, 4), (3, 3)])
@pytest.mark.parametrize("with_F", [False, True])
def test_shared_universal_rnn_realizes_H(xi, M, T, with_F):
    rng = random.Random(M * 100 + T * 10 + with_F)
    H = np.array([Q(rng.randint(-9, 9), rng.randint(1, 3)) for _ in range(M**T)], dtype=object)
    H = H.reshape((M,) * T)
    F = random_F(M, rng) if with_F else None
    model = shared_universal_rnn(H, xi, F=F)
    assert oracle_grid(model) == as_nested(H)
    assert model.shared and inner_equal(model)
    prefixes = sum(M**k for k in range(1, T))
    assert max(model.ranks) == prefixes + (xi == "relu")
    assert max(model.L) == M + (xi == "relu")


def test_shared_universal_rnn_survives_a_model_file(tmp_path):
    H = np.arange(8, dtype=object).reshape(2, 2, 2) - 3
    model = shared_universal_rnn(H, "relu")
    er.save_model(model, tmp_path / "m.json")
    again = er.load_model(tmp_path / "m.json")
    assert again.shared and oracle_grid(again) == as_nested(H)


@pytest.mark.parametrize(
    "H,xi,message",
    [
        (np.zeros(3, dtype=object), "relu", "T >= 2"),
        (np.zeros((2, 3), dtype=object), "relu", r"got shape \(2, 3\)"),
        (np.zeros((2, 2), dtype=object), "sum", "not 'sum'"),
        (np.array([[0.5, 1], [1, 1]], dtype=object), "relu", "float"),
    ],
)
def test_shared_universal_rnn_refuses(H, xi, message):
    with pytest.raises(er.InvalidInputError, match=message):
        shared_universal_rnn(H, xi)


def test_shared_universal_rnn_refuses_a_singular_F():
    with pytest.raises(er.InvalidModelError, match="singular"):
        shared_universal_rnn(np.ones((2, 2, 2), dtype=object), "relu", F=[[1, 1], [1, 1]])


# ---------------------------------------------------------------- shared pairwise similarity


def paired_zero(K: int, sequence) -> int:
    pairs = zip(sequence[::2], sequence[1::2], strict=True)
    return 0 if all(a == b < K for a, b in pairs) else 1


@pytest.mark.parametrize(
    "M,R,T", [(1, 2, 2), (2, 2, 4), (2, 3, 2), (2, 3, 4), (3, 2, 4), (3, 3, 4), (3, 4, 4)]
)
@pytest.mark.parametrize("with_F", [False, True])
def test_shared_pairwise_similarity_rnn(M, R, T, with_F):
    F = random_F(M, random.Random(M + R + T)) if with_F else None
    model = shared_pairwise_similarity_rnn(M, R, T, F=F)
    K = min(M, R - 1)
    expected = {s: paired_zero(K, s) for s in itertools.product(range(M), repeat=T)}
    assert oracle_grid(model) == grid_to_nested(expected, M, T)
    assert model.shared and inner_equal(model) and max(model.ranks) == K + 1 <= R


@pytest.mark.parametrize(
    "args,message", [((2, 1, 4), "R >= 2"), ((2, 2, 3), "T must be even"), ((0, 2, 2), "M must")]
)
def test_shared_pairwise_similarity_rnn_refuses(args, message):
    with pytest.raises(er.InvalidInputError, match=message):
        shared_pairwise_similarity_rnn(*args)


# ---------------------------------------------------------------- nonnegative TT → relu


def _positive_tt(M, R, T, rng, shared=True, F=None):
    def w(*shape):
        return np.array([rng.randint(0, 9) for _ in range(int(np.prod(shape)))]).reshape(shape)

    eye = np.eye(M, dtype=np.int64)
    if shared:
        return er.GeneralizedRNN.with_shared_cores(
            "product", (eye, w(M, 1, R)), (eye, w(M, R, R)), (eye, w(M, R, 1)), T
        )
    Rs = [1] + [R] * (T - 1) + [1]
    return er.GeneralizedRNN("product", [eye] * T, [w(M, Rs[t], Rs[t + 1]) for t in range(T)])


@pytest.mark.parametrize("M,R,T", [(2, 2, 2), (2, 2, 3), (2, 2, 4), (3, 2, 3), (2, 3, 4)])
@pytest.mark.parametrize("shared", [True, False])
def test_nonnegative_tt_as_relu_rnn_keeps_the_grid(M, R, T, shared):
    rng = random.Random(7 * M + R + T)
    tt = _positive_tt(M, R, T, rng, shared)
    relu = nonnegative_tt_as_relu_rnn(tt)
    assert relu.xi.name == "relu" and relu.ranks == tt.ranks and relu.shared == shared
    assert oracle_grid(relu) == oracle_grid(tt)
    if shared:
        assert inner_equal(relu)


def test_nonnegative_tt_as_relu_rnn_with_features():
    """F ≠ I: the effective cores are C·F^T·G; the relu RNN uses C·F^(−T)."""
    rng = random.Random(3)
    tt = _positive_tt(2, 2, 4, rng)
    F = np.array([[2, 1], [1, 1]], dtype=object)
    inverse_T = np.array([[1, -1], [-1, 2]], dtype=object)  # (F^T)^(−1)
    model = er.GeneralizedRNN("product", [c @ inverse_T for c in tt.C], tt.G, F=F, shared=True)
    relu = nonnegative_tt_as_relu_rnn(model)
    assert oracle_grid(relu) == oracle_grid(tt) == oracle_grid(model)


def test_nonnegative_tt_as_relu_rnn_refuses_a_negative_core():
    tt = er.GeneralizedRNN("product", [np.eye(2, dtype=np.int64)] * 2, [[[[1]], [[-1]]]] * 2)
    with pytest.raises(er.InvalidInputError, match=r"E_0\[1, 0, 0\] = -1"):
        nonnegative_tt_as_relu_rnn(tt)
    relu = shared_pairwise_similarity_rnn(2, 2, 2)
    with pytest.raises(er.InvalidInputError, match="product GeneralizedRNN"):
        nonnegative_tt_as_relu_rnn(relu)


# ---------------------------------------------------------------- rank-1 relu realizability


def rank_one(lam, U):
    """λ·max(U[0][i_0], …, U[T−1][i_{T−1}], 0) by brute force, as a nested list."""
    T, M = len(U), len(U[0])
    entries = {
        s: lam * max([U[t][s[t]] for t in range(T)] + [0])
        for s in itertools.product(range(M), repeat=T)
    }
    return grid_to_nested(entries, M, T)


def reproduces(grid_nested, found, M: int, T: int) -> bool:
    """The returned (λ, U) as a width-1 GeneralizedShallow reproduces the grid exactly, both
    through exactrank's grid and through the shallow oracle."""
    lam, U = found
    model = er.GeneralizedShallow("relu", [lam], np.asarray(U, dtype=object).reshape(1, T, M))
    ours = er.grid_tensor(model).to_fractions().tolist()
    lam_list, V = [frac_nested(lam)], frac_nested(np.asarray(U).reshape(1, T, M))
    oracle = grid_to_nested(grid(lambda s: shallow_score(lam_list, V, None, "relu", s), M, T), M, T)
    return ours == oracle == frac_nested(grid_nested)


@pytest.mark.parametrize(
    "G,realizable",
    [
        ([[1, 2], [3, 3]], True),
        ([[1, 2], [3, 4]], False),
        ([[0, 0], [0, 0]], True),
        ([[-1, -2], [-3, -3]], True),
        ([[1, -1], [1, 1]], False),
        ([5, 0, Q(1, 2)], True),  # T = 1: any vector of one sign
        ([[[7]]], True),  # M = 1
        ([[2, 2], [2, 2]], True),
        ([[0, 1], [1, 1]], True),
        ([[0, 1], [1, 0]], False),
    ],
)
def test_relu_rank_one_table(G, realizable):
    found = relu_rank_one_shallow(G)
    assert (found is not None) == realizable
    if found is not None:
        A = np.asarray(G, dtype=object)
        assert reproduces(G, found, A.shape[0], A.ndim)


def _brute_force_set(M: int, T: int) -> set:
    """Every tensor s·max(u_0[i_0], …, 0) with s = ±1 and u entries in S = {−1, 0, 1, 2}.

    Complete for tensors with entries in {−2, …, 2}, independently of the procedure: for
    G' = max(w, 0) with values in {0, 1, 2}, rounding each w_t[m] down to the largest
    element of S below it changes no entry (the maximizer's value is in S already, and the
    others only drop); λ scales into w by positive homogeneity."""
    out = set()
    for flat in itertools.product((-1, 0, 1, 2), repeat=M * T):
        U = [flat[t * M : (t + 1) * M] for t in range(T)]
        entries = tuple(
            max([U[t][s[t]] for t in range(T)] + [0]) for s in itertools.product(range(M), repeat=T)
        )
        out.add(entries)
        out.add(tuple(-v for v in entries))
    return out


def test_relu_rank_one_matches_brute_force_2x2():
    reachable = _brute_force_set(2, 2)
    for flat in itertools.product(range(-2, 3), repeat=4):
        G = np.array(flat, dtype=object).reshape(2, 2)
        found = relu_rank_one_shallow(G)
        assert (found is not None) == (flat in reachable), flat
        if found is not None:
            assert reproduces(G, found, 2, 2)


@pytest.mark.parametrize("M,T", [(2, 3), (3, 2)])
def test_relu_rank_one_matches_brute_force_sampled(M, T):
    reachable = _brute_force_set(M, T)
    for flat in reachable:  # every reachable tensor is accepted
        assert relu_rank_one_shallow(np.array(flat, dtype=object).reshape((M,) * T)) is not None
    rng = random.Random(11)
    for _ in range(1500):  # random tensors: accepted exactly when reachable
        flat = tuple(rng.randint(-2, 2) for _ in range(M**T))
        found = relu_rank_one_shallow(np.array(flat, dtype=object).reshape((M,) * T))
        assert (found is not None) == (flat in reachable), flat


rationals = st.builds(Q, st.integers(-50, 50), st.integers(1, 7))


@st.composite
def rank_one_terms(draw):
    M, T = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    lam = draw(rationals.filter(lambda q: q != 0))
    U = [[draw(rationals) for _ in range(M)] for _ in range(T)]
    return lam, U


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rank_one_terms())
@example((Q(1), [[Q(0), Q(0)], [Q(0), Q(0)]]))
@example((Q(-3), [[Q(-1)]]))
def test_relu_rank_one_accepts_every_rank_one_grid(term):
    lam, U = term
    G = rank_one(lam, U)
    found = relu_rank_one_shallow(G)
    assert found is not None
    assert reproduces(G, found, len(U[0]), len(U))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rank_one_terms(), st.data())
def test_relu_rank_one_after_changing_one_entry(term, data):
    """A changed entry: either rejected, or the returned network reproduces the new grid."""
    lam, U = term
    M, T = len(U[0]), len(U)
    G = np.array(rank_one(lam, U), dtype=object)
    index = tuple(data.draw(st.integers(0, M - 1)) for _ in range(T))
    G[index] += data.draw(rationals.filter(lambda q: q != 0))
    found = relu_rank_one_shallow(G)
    if found is not None:
        assert reproduces(G, found, M, T)


def test_relu_rank_one_usually_rejects_a_changed_entry():
    rng, rejected = random.Random(5), 0
    for _ in range(200):
        M, T = rng.randint(2, 3), rng.randint(2, 3)
        U = [[Q(rng.randint(-9, 9)) for _ in range(M)] for _ in range(T)]
        G = np.array(rank_one(Q(rng.choice([-2, 1, 3])), U), dtype=object)
        G[tuple(rng.randrange(M) for _ in range(T))] += rng.choice([-1, 1])
        rejected += relu_rank_one_shallow(G) is None
    assert rejected >= 150


def test_rank_one_shallow_network_with_features():
    F = [[2, 1, 0], [0, 1, 1], [1, 0, 3]]
    G = rank_one(Q(3, 2), [[Q(1), Q(4), Q(-2)], [Q(0), Q(5, 3), Q(2)]])
    shallow = rank_one_shallow_network(G, F=F)
    assert shallow.R == 1 and np.array_equal(shallow.F, np.array(frac_nested(F), dtype=object))
    assert er.grid_tensor(shallow).to_fractions().tolist() == frac_nested(G)
    assert rank_one_shallow_network([[0, 1], [1, 0]]) is None


def test_relu_rank_one_takes_a_grid_tensor():
    model = er.GeneralizedShallow("relu", [Q(-1, 3)], [[[1, 7], [2, -4], [0, 3]]])
    assert reproduces(
        er.grid_tensor(model).to_fractions(),
        relu_rank_one_shallow(er.grid_tensor(model)),
        2,
        3,
    )


@pytest.mark.parametrize(
    "value,message",
    [
        ([[0.5, 1], [1, 1]], "float"),
        ([[1, 2, 3], [1, 2, 3]], "shape"),
        ([], "shape"),
    ],
)
def test_relu_rank_one_refuses(value, message):
    with pytest.raises(er.InvalidInputError, match=message):
        relu_rank_one_shallow(value)


def test_relu_rank_one_refuses_a_grid_mod_p():
    model = er.GeneralizedShallow("product", [1], [[[1, 2], [3, 4]]])
    with pytest.raises(er.InvalidInputError, match="over QQ"):
        relu_rank_one_shallow(er.grid_tensor(model, "GF(101)"))


# ---------------------------------------------------------------- the Jacobian of the grid


def _derivative_by_interpolation(values: list[Fraction]) -> Fraction:
    """p'(0) of the polynomial through (k, values[k]), k = 0 … n (Lagrange, exact)."""
    n = len(values) - 1
    total = Fraction(0)
    for k, y in enumerate(values):
        others = [j for j in range(n + 1) if j != k]
        denominator = 1
        for j in others:
            denominator *= k - j
        # d/dx Π_j (x − j) at x = 0 = Σ_i Π_{j ≠ i} (−j)
        numerator = sum(math.prod(-j for j in others if j != i) for i in others)
        total += y * Fraction(numerator) / denominator
    return total


@pytest.mark.parametrize("xi", ["product", "relu"])
def test_forward_jacobian_against_the_oracle(xi):
    """Columns of the Jacobian against p'(0) of the oracle's grid along θ + ε·e_k, a
    polynomial of degree <= T in ε (for relu near a point where every max is strict)."""
    module = theorems.load("shared_bounded_rank")
    M, R, T, rng = 2, 2, 4, random.Random(1)
    eye = np.eye(M, dtype=object)
    A, B, Z = (
        np.array([rng.randint(1, 3) for _ in range(int(np.prod(s)))], dtype=object).reshape(s)
        for s in ((M, 1, R), (M, R, R), (M, R, 1))
    )
    tt = er.GeneralizedRNN.with_shared_cores("product", (eye, A), (eye, B), (eye, Z), T)
    model = tt if xi == "product" else nonnegative_tt_as_relu_rnn(tt)
    C = [np.array(model.C[t], dtype=object) for t in (0, 1, T - 1)]
    G = [np.array(model.G[t], dtype=object) for t in (0, 1, T - 1)]
    C = [np.vectorize(int, otypes=[object])(c) for c in C]
    G = [np.vectorize(int, otypes=[object])(g) for g in G]
    steps = [0] + [1] * (T - 2) + [2]
    differentiate_C = xi == "relu"
    J = module.forward_jacobian(C, G, eye, steps, xi, None, differentiate_C)
    arrays = [a for c in range(3) for a in ((C[c], G[c]) if differentiate_C else (G[c],))]
    sizes = np.cumsum([0] + [a.size for a in arrays])
    step = Fraction(1, 10**9) if xi == "relu" else Fraction(1)
    for q in random.Random(2).sample(range(J.shape[1]), 8):
        a = next(i for i in range(len(arrays)) if sizes[i] <= q < sizes[i + 1])
        values = []
        for k in range(T + 1):
            moved = [np.array(x, dtype=object) for x in arrays]
            moved[a].flat[q - sizes[a]] += k * step
            Cs = moved[0::2] if differentiate_C else C
            Gs = moved[1::2] if differentiate_C else moved
            probe = er.GeneralizedRNN(xi, [Cs[c] for c in steps], [Gs[c] for c in steps])
            values.append(np.array(oracle_grid(probe), dtype=object).ravel())
        for row in range(M**T):
            expected = _derivative_by_interpolation([v[row] for v in values]) / step
            assert J[row, q] == expected, (row, q)


def test_determinantal_bound():
    module = theorems.load("shared_bounded_rank")
    assert module.determinantal_bound(2, 3, 4) == 15  # the 4 × 4 middle matricization, rank 3
    assert module.determinantal_bound(2, 2, 4) == 12
    assert module.determinantal_bound(3, 9, 4) == 81  # R >= every min(a, b): no constraint


# ---------------------------------------------------------------- the proof checks

CHECKS = {
    "shared_universality": "REFUTED",
    "shared_bounded_rank": "PASS",
    "shared_theorem_5_3": "PASS",
    "shared_theorem_5_2": "PASS",
}


@pytest.mark.parametrize("name,verdict", CHECKS.items())
def test_check_gives_its_verdict(name, verdict, tmp_path):
    result = theorems.run(name, certs=tmp_path)
    assert result.expected == verdict and result.verdict == verdict, result.details
    if verdict == "PASS":
        assert result.certificates
    else:
        assert list(tmp_path.glob("shared_universality_*_H.json"))


def _keep_shared(model, C, G):
    return type(model)(model.xi, C, G, F=model.F, shared=model.shared)


def test_universality_needs_working_counterexamples(monkeypatch):
    module = theorems.load("shared_universality")
    real = module.shared_universal_rnn

    def broken(H, xi="relu", F=None):
        model = real(H, xi, F=F)
        G = [np.array(g, dtype=object) for g in model.G]
        G[-1].flat[G[-1].size // 2] += 1
        return _keep_shared(model, model.C, G)

    monkeypatch.setattr(module, "shared_universal_rnn", broken)
    assert module.check().verdict == "FAIL"


def test_universality_needs_shared_cores(monkeypatch):
    """The same cores without the shared flag (a plain per-step RNN) refute nothing."""
    module = theorems.load("shared_universality")
    real = module.shared_universal_rnn

    def unshared(H, xi="relu", F=None):
        model = real(H, xi, F=F)
        return type(model)(model.xi, model.C, model.G, F=model.F)

    monkeypatch.setattr(module, "shared_universal_rnn", unshared)
    assert module.check().verdict == "FAIL"


def test_theorem_5_3_needs_equal_inner_cores(monkeypatch):
    module = theorems.load("shared_theorem_5_3")
    real = module.perturbation_base_rnn

    def broken(M, R, T, F=None):
        model = real(M, R, T, F=F)
        C = [np.array(c, dtype=object) for c in model.C]
        if T >= 4:
            C[2][0, 0] += 1
        return type(model)(model.xi, C, model.G, F=model.F)

    monkeypatch.setattr(module, "perturbation_base_rnn", broken)
    assert module.check().verdict == "FAIL"


def test_theorem_5_3_fails_for_large_perturbations(monkeypatch):
    module = theorems.load("shared_theorem_5_3")
    real = module._perturbed
    monkeypatch.setattr(module, "_perturbed", lambda A, rng: A + (real(A, rng) - A) * 10**4)
    assert module.check().verdict == "FAIL"


def test_theorem_5_2_needs_the_pairwise_grid(monkeypatch):
    module = theorems.load("shared_theorem_5_2")
    real = module.shared_pairwise_similarity_rnn

    def broken(M, R, T, F=None):
        model = real(M, R, T, F=F)
        G = [np.array(g, dtype=object) for g in model.G]
        G[-1].flat[0] += 1
        return _keep_shared(model, model.C, G)

    monkeypatch.setattr(module, "shared_pairwise_similarity_rnn", broken)
    assert module.check().verdict == "FAIL"


def test_theorem_5_2_needs_the_tt_simulation(monkeypatch):
    module = theorems.load("shared_theorem_5_2")
    real = module.nonnegative_tt_as_relu_rnn

    def broken(model):
        relu = real(model)
        G = [np.array(g, dtype=object) for g in relu.G]
        G[-1].flat[-1] += 1
        return _keep_shared(relu, relu.C, G)

    monkeypatch.setattr(module, "nonnegative_tt_as_relu_rnn", broken)
    assert module.check().verdict == "FAIL"


def test_theorem_5_2_fails_without_a_high_rank_network(monkeypatch):
    """Rank-1 TT cores (all ones) and the pairwise network for R = 2 stay below the bound."""
    module = theorems.load("shared_theorem_5_2")
    tt, relu = module.random_positive_shared_tt, module.random_shared_relu
    monkeypatch.setattr(
        module, "random_positive_shared_tt", lambda M, R, T, rng: tt(M, R, T, rng, high=1)
    )
    monkeypatch.setattr(
        module, "random_shared_relu", lambda M, R, T, rng: relu(M, R, T, rng, high=0)
    )
    assert module.check().verdict == "FAIL"


def test_bounded_rank_needs_a_right_jacobian(monkeypatch):
    module = theorems.load("shared_bounded_rank")
    real = module.forward_jacobian

    def broken(*args, **kwargs):
        J = real(*args, **kwargs)
        J[0, 0] += 1
        return J

    monkeypatch.setattr(module, "forward_jacobian", broken)
    assert module.check().verdict == "FAIL"
