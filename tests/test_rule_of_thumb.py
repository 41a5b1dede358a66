"""Seed 000 §7's rule of thumb as a check (issue 12): its partitions, its verdict, and a
mutation of the layer split that turns it."""

from __future__ import annotations

import numpy as np
import pytest
from oracles import matricize_ref, rank_mod_p_ref

import exactrank as er
from exactrank.checks import theorems
from exactrank.geometry.trees import contiguous_tree


@pytest.fixture(scope="module")
def rule():
    return theorems.load("seed000_rule_of_thumb")


@pytest.mark.parametrize(
    "N,D,I",
    [
        (8, 1, [0, 2, 4, 6]),
        (8, 2, [0, 1, 4, 5]),
        (16, 4, [0, 1, 2, 3, 8, 9, 10, 11]),
        (8, 3, [0, 1, 2, 6, 7]),
    ],
)
def test_feature_partitions(rule, N, D, I):
    rows, cols = rule.feature_partition(N, D)
    assert rows == I and sorted(rows + cols) == list(range(N))


def test_shallow_layers_are_zero_to_ceil_log2(rule):
    assert [list(rule.shallow_layers(D)) for D in (1, 2, 3, 4, 8)] == [
        [0],
        [0, 1],
        [0, 1, 2],
        [0, 1, 2],
        [0, 1, 2, 3],
    ]


def test_rank_matches_the_reference_elimination(rule):
    """N = 8, M = 3, D = 2, widths [3, 3, 2]: the rank over GF(p) recomputed from the grid
    by tests/oracles.py (its own matricization and elimination mod p)."""
    p = 2**31 - 1
    model = er.random_hierarchical(contiguous_tree(8), 3, [3, 3, 2], field=f"GF({p})", seed=5)
    grid = er.grid_tensor(model, f"GF({p})")
    rows, cols = rule.feature_partition(8, 2)
    tensor = {i: int(grid.values[i]) for i in np.ndindex(grid.values.shape)}
    matrix = matricize_ref(tensor, [3] * 8, rows, cols)
    assert (
        rank_mod_p_ref(matrix, p)
        == rule.measured(contiguous_tree(8), 3, [3, 3, 2], (rows, cols), 5)[0]
        == 9
    )


def test_the_rule_holds(rule):
    result = rule.check()
    assert result.verdict == "PASS" and result.instances == 4
    assert result.largest == "N = 16, M = 2, D = 4"
    assert "shallow widths [3, 3, 3, 2]: rank 9" in result.quantity


def test_a_split_one_layer_too_low_turns_the_verdict(rule, monkeypatch):
    """Layers 0 … ⌈log₂ D⌉ − 1 only: the deep profile then widens layer ⌈log₂ D⌉, which
    does matter, so the 'deep' rank rises and the check fails."""
    monkeypatch.setattr(rule, "shallow_layers", lambda D: range(max(1, (D - 1).bit_length())))
    monkeypatch.setattr(rule, "QUICK", rule.QUICK[1:3])
    result = rule.check()
    assert result.verdict == "FAIL"
    assert any("the rule does NOT hold" in line for line in result.details)
