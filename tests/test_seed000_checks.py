"""The seed 000 proof checks (Claims 2 and 7, Theorems 3, 8 and 13): registered, their numbers
against independent oracles, and a broken construction turns each verdict.

Every check's quick run with its expected verdict, and the stand-alone verification of its
certificates, is tests/test_proofs.py (parametrized over all registered checks). Here each
check runs on a shortened table (its QUICK list monkeypatched) so that the broken variants
stay fast. Oracles: tests/oracles.py (the network run node by node, Fraction elimination).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from oracles import hierarchical_score, matricize_ref, rank_fraction

import exactrank as er
from exactrank.checks import theorems
from exactrank.geometry.trees import contiguous_tree, mirror_tree, width_for_rank
from exactrank.linalg.partitions import each_partition

NAMES = [
    "seed000_claim_2",
    "seed000_theorem_3",
    "seed000_theorem_8",
    "seed000_claim_7",
    "seed000_theorem_13",
]


def test_the_checks_are_registered():
    assert set(NAMES) <= set(theorems.available())
    for name in NAMES:
        module = theorems.load(name)
        assert module.EXPECTED == "PASS"
        assert name == module.NAME
        assert "seed 000" in module.__doc__ and "Instances" in module.__doc__


def _oracle_grid(model):
    """The model's grid as a dict, each entry from the network run node by node."""
    weights = [[w.tolist() for w in level] for level in model.weights]
    return {
        seq: hierarchical_score(
            model.tree, weights, model.output.tolist(), None, "identity", "product", seq
        )
        for seq in itertools.product(range(model.M), repeat=model.N)
    }


def _oracle_rank(model, rows):
    cols = tuple(m for m in range(model.N) if m not in rows)
    grid = _oracle_grid(model)
    return rank_fraction(matricize_ref(grid, (model.M,) * model.N, rows, cols))


# ---------------------------------------------------------------------------- Claim 2


@pytest.mark.parametrize("T", [2, 3, 4, 5, 6, 7])
def test_each_partition_is_every_split_once_up_to_complement(T):
    splits = set()  # every (I, J) by brute force over subsets, I and J non-empty
    for mask in range(1, 2**T - 1):
        rows = frozenset(m for m in range(T) if mask >> m & 1)
        splits.add(frozenset((rows, frozenset(range(T)) - rows)))
    parts = each_partition(T)
    assert len(parts) == len(splits) == 2 ** (T - 1) - 1
    assert {frozenset((frozenset(r), frozenset(c))) for r, c in parts} == splits
    assert all(0 in r and sorted(r + c) == list(range(T)) for r, c in parts)
    balanced = each_partition(T, balanced=True)
    assert balanced == [p for p in parts if abs(len(p.row_modes) - len(p.col_modes)) <= 1]
    with pytest.raises(er.InvalidInputError, match="T >= 2"):
        each_partition(1)


def test_claim_2_ranks_against_the_oracle():
    module = theorems.load("seed000_claim_2")
    model = module.build_cp(2, 4, 3, False, seed=5)
    for rows, cols in each_partition(4):
        expected = _oracle_rank(model, rows)
        assert er.rank(er.matricize(er.grid_tensor(model), (rows, cols))).rank == expected <= 3
        U, V = module.cp_factors(model, rows, cols)
        assert U.shape[1] == 3
        matrix = er.matricize(er.grid_tensor(model), (rows, cols)).to_fractions()
        assert np.array_equal(U.dot(V), matrix)


def test_claim_2_fails_on_a_network_wider_than_claimed(monkeypatch, tmp_path):
    module = theorems.load("seed000_claim_2")
    real = module.build_cp
    monkeypatch.setattr(module, "QUICK", [(2, 4, 1), (3, 4, 2)])
    assert module.check(certs=tmp_path).verdict == "PASS"
    monkeypatch.setattr(
        module, "build_cp", lambda M, N, r0, shared, seed: real(M, N, r0 + 1, shared, seed)
    )
    result = module.check(certs=tmp_path)
    assert result.verdict == "FAIL"
    assert any("> r0" in line for line in result.details)


def test_claim_2_fails_on_a_degenerate_grid(monkeypatch):
    """A zero output: ranks 0 <= r0 hold, but nothing was tested; the attainment check
    turns the verdict."""
    module = theorems.load("seed000_claim_2")
    real = module.build_cp

    def zero_output(M, N, r0, shared, seed):
        model = real(M, N, r0, shared, seed)
        return er.HierarchicalNetwork(model.tree, [list(model.weights[0])], [0] * r0)

    monkeypatch.setattr(module, "QUICK", [(2, 4, 2)])
    monkeypatch.setattr(module, "build_cp", zero_output)
    assert module.check().verdict == "FAIL"


# ---------------------------------------------------------------------------- Theorem 3


@pytest.mark.parametrize("M,r0,r,N", [(2, 2, 2, 4), (3, 2, 1, 4), (2, 3, 2, 4), (2, 2, 1, 8)])
def test_theorem_3_rank_against_the_oracle(M, r0, r, N):
    module = theorems.load("seed000_theorem_3")
    model = module.build_ht(M, r0, r, N, "QQ", seed=3)
    assert _oracle_rank(model, tuple(range(0, N, 2))) == min(r0, M) ** (N // 2)


@pytest.mark.parametrize("M,r0,r,N", [(2, 2, 2, 8), (3, 2, 2, 4), (2, 3, 1, 8), (4, 3, 2, 4)])
def test_theorem_3_shallow_network_equals_the_oracle_grid(M, r0, r, N):
    module = theorems.load("seed000_theorem_3")
    model = module.build_ht(M, r0, r, N, "QQ", seed=4)
    shallow = module.shallow_equivalent(model)
    assert shallow.widths == (min(r0, M) ** (N // 2),) and shallow.tree == tuple(range(N))
    expected = _oracle_grid(model)
    got = er.grid_tensor(shallow).to_fractions()
    assert all(got[seq] == value for seq, value in expected.items())


def test_theorem_3_column_space_witness():
    module = theorems.load("seed000_theorem_3")
    model = module.build_ht(3, 2, 2, 4, "QQ", seed=6)
    grid = er.grid_tensor(model)
    U, V = module.column_space_factors(model, grid)
    assert U.shape == (9, 4) and V.shape == (4, 9)
    assert module.product_equals(U, V, grid)
    V = V.copy()
    V[0, 0] += Fraction(1, 3)
    assert not module.product_equals(U, V, grid)


def test_theorem_3_fails_when_one_leaf_weight_is_zeroed(monkeypatch):
    module = theorems.load("seed000_theorem_3")
    real = module.build_ht
    monkeypatch.setattr(module, "QUICK", [(2, 2, 2, 8), (3, 2, 2, 4)])
    assert module.check().verdict == "PASS"

    def broken(M, r0, r, N, field, seed):
        model = real(M, r0, r, N, field, seed)
        weights = [list(level) for level in model.weights]
        weights[0][0] = weights[0][0].copy()
        weights[0][0][0, :] = 0  # leaf conv of mode 0 loses one channel: its pair has rank 1
        return er.HierarchicalNetwork(model.tree, weights, model.output)

    monkeypatch.setattr(module, "build_ht", broken)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("proven 8 <= rank <= 8" in line for line in result.details)


def test_theorem_3_fails_when_the_shallow_network_is_off(monkeypatch):
    module = theorems.load("seed000_theorem_3")
    real = module.shallow_equivalent

    def off(model):
        shallow = real(model)
        output = shallow.output.copy()
        output[0] += 1
        return er.HierarchicalNetwork(shallow.tree, [list(shallow.weights[0])], output)

    monkeypatch.setattr(module, "QUICK", [(2, 2, 2, 4)])
    monkeypatch.setattr(module, "shallow_equivalent", off)
    assert module.check().verdict == "FAIL"


# ---------------------------------------------------------------------------- Theorem 8


def test_theorem_8_partitions_and_oracle_ranks():
    module = theorems.load("seed000_theorem_8")
    parts = each_partition(8, balanced=True)
    assert len(parts) == 35 and len({frozenset(r) for r, _ in parts}) == 35
    expected = {  # I: (contiguous, mirror) generic ranks at M = r = 2, from the oracle
        (0, 1, 2, 3): (2, 16),
        (0, 2, 4, 6): (16, 16),
        (0, 1, 4, 5): (4, 16),
        (0, 3, 4, 7): (16, 2),
    }
    for t, tree in enumerate((contiguous_tree(8), mirror_tree(8))):
        model = module.build(tree, 2, 2, "QQ", seed=100 * 2 + t)
        for rows, ranks in expected.items():
            assert _oracle_rank(model, rows) == ranks[t]


def test_theorem_8_fails_when_the_network_is_pooled_along_another_tree(monkeypatch):
    module = theorems.load("seed000_theorem_8")
    real = module.build
    monkeypatch.setattr(module, "QUICK", [(2, 2, "QQ")])
    monkeypatch.setattr(
        module, "build", lambda tree, M, r, field, seed: real(mirror_tree(8), M, r, field, seed)
    )
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("contiguous, I=(0, 1, 2, 3): rank 16" in line for line in result.details)


# ---------------------------------------------------------------------------- Claim 7


def test_claim_7_decomposition_is_separable_and_exact():
    module = theorems.load("seed000_claim_7")
    base = er.random_hierarchical(contiguous_tree(4), 2, 2, seed=9)
    coef = er.grid_tensor(module.with_features(base, None))
    rows, cols = (0, 2), (1, 3)
    U, V = module.separable_decomposition(er.matricize(coef, (rows, cols)))
    assert U.shape == (4, 4) and V.shape == (4, 4)  # min(r0, M)^2 = 4 terms
    F = module.vandermonde([Fraction(1, 2), Fraction(-3), Fraction(7, 5)][:2])
    model = module.with_features(base, F)
    for seq in itertools.product(range(2), repeat=4):  # f at off-grid points, run by hand
        x = [[F[m][d] for d in range(2)] for m in seq]
        g = [
            sum(U[2 * a + b, k] * x[0][a] * x[2][b] for a in range(2) for b in range(2))
            for k in range(4)
        ]
        h = [
            sum(V[k, 2 * a + b] * x[1][a] * x[3][b] for a in range(2) for b in range(2))
            for k in range(4)
        ]
        assert sum(gk * hk for gk, hk in zip(g, h, strict=True)) == er.score(model, seq)


def test_claim_7_fails_when_a_term_is_dropped(monkeypatch):
    module = theorems.load("seed000_claim_7")
    real = module.separable_decomposition
    monkeypatch.setattr(module, "QUICK", module.QUICK[:1])
    assert module.check().verdict == "PASS"
    monkeypatch.setattr(module, "separable_decomposition", lambda A: _drop_last(*real(A)))
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("differs from f on the template grid" in line for line in result.details)


def _drop_last(U, V):
    return U[:, :-1], V[:-1, :]


# --------------------------------------------------------------------------- Theorem 13


def _theorem_13(monkeypatch, pairs=1):
    module = theorems.load("seed000_theorem_13")
    monkeypatch.setattr(module, "QUICK", [(2, 2, "QQ")])
    monkeypatch.setattr(module, "PAIRS", module.PAIRS[:pairs])
    return module


def test_theorem_13_needed_width_is_the_least_width_whose_bound_reaches():
    tree = contiguous_tree(8)
    left_right, odd_even = ((0, 1, 2, 3), (4, 5, 6, 7)), ((0, 2, 4, 6), (1, 3, 5, 7))
    # left-right is a node of the tree: rank <= r_(L-1) = w (and <= M^4), so w = target
    for target in (1, 2, 5, 16):
        assert width_for_rank(tree, left_right, 2, target) == target
    # odd-even splits the four first-level windows: rank <= min(w, M)^4
    assert width_for_rank(tree, odd_even, 3, 16) == 2
    assert width_for_rank(tree, odd_even, 3, 17) == 3


def test_theorem_13_the_mixture_of_the_check_against_the_oracle_ranks():
    """rho_M at left-right of the first instance: 4 = r + r (both trees have the node),
    recomputed from the network run sequence by sequence (Fractions) and Fraction rank."""
    module = theorems.load("seed000_theorem_13")
    name, second, mixture = module.PAIRS[0]
    model = er.random_mixed(contiguous_tree(8), second, 2, 2, mixture=mixture, seed=2000)
    grid = {seq: er.score(model, seq) for seq in itertools.product(range(2), repeat=8)}
    for rows, expected in (((0, 1, 2, 3), 4), ((0, 1, 4, 5), 16)):
        cols = tuple(m for m in range(8) if m not in rows)
        assert rank_fraction(matricize_ref(grid, (2,) * 8, rows, cols)) == expected


def test_theorem_13_fails_when_the_mixture_is_only_the_first_network(monkeypatch):
    module = _theorem_13(monkeypatch)
    assert module.check().verdict == "PASS"
    real = module.er.random_mixed
    monkeypatch.setattr(
        module.er, "random_mixed", lambda *a, **k: module.first_alone(real(*a, **k))
    )
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("tree 1 replicates M at width 2 < r^2" in line for line in result.details)


def test_theorem_13_fails_when_proposition_i_is_broken(monkeypatch):
    module = _theorem_13(monkeypatch)
    real = module.first_alone

    def leaky(model):  # the exchange into the first network is left on
        alone = real(model)
        mixture = [
            (n.modes, m.into_first, n.into_second)
            for n, m in zip(alone.mixture, model.mixture, strict=True)
        ]
        return module.MixedNetwork(alone.first, alone.second, mixture)

    monkeypatch.setattr(module, "first_alone", leaky)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("proposition (i) fails" in line for line in result.details)
