"""Pooling geometry (seed 000, §5): tree builders, image partitions, rank bounds.

Expected trees are written out by hand or derived here from the QUAD2 permutation of the
ICLR 2017 experiments (caffe-simnets ``permutation_layer.cpp``), re-implemented in this file.
Ranks come from tests/oracles.py: the network run node by node on every sequence
(``hierarchical_score``) and Fraction elimination (``rank_fraction``).
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracles import hierarchical_score, matricize_ref, rank_fraction

import exactrank as er
from exactrank.geometry.trees import (
    contiguous_tree,
    mirror_tree,
    mirror_tree_2d,
    rank_bounds,
    square_tree,
)
from exactrank.linalg.partitions import left_right_2d, parse_partition, top_bottom
from exactrank.models.hierarchical import parse_tree

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------- trees by hand

HAND = [
    (contiguous_tree(2), (0, 1)),
    (contiguous_tree(4), ((0, 1), (2, 3))),
    (contiguous_tree(8), (((0, 1), (2, 3)), ((4, 5), (6, 7)))),
    (contiguous_tree(9, 3), ((0, 1, 2), (3, 4, 5), (6, 7, 8))),
    (contiguous_tree(6, [2, 3]), ((0, 1), (2, 3), (4, 5))),
    (contiguous_tree(6, [3, 2]), ((0, 1, 2), (3, 4, 5))),
    (contiguous_tree(4, 4), (0, 1, 2, 3)),
    (contiguous_tree(4, [4, 1]), ((0, 1, 2, 3),)),
    (contiguous_tree(1, [1]), (0,)),
    (mirror_tree(2), (0, 1)),
    (mirror_tree(4), ((0, 3), (1, 2))),
    (mirror_tree(8), (((0, 7), (3, 4)), ((1, 6), (2, 5)))),
    (mirror_tree(8, recursive=False), (((0, 7), (1, 6)), ((2, 5), (3, 4)))),
    (square_tree(2, 2), (0, 1, 2, 3)),
    (square_tree(4, 4), ((0, 1, 4, 5), (2, 3, 6, 7), (8, 9, 12, 13), (10, 11, 14, 15))),
    (square_tree(3, 3, 3), (0, 1, 2, 3, 4, 5, 6, 7, 8)),
    (mirror_tree_2d(2, 2), (0, 1, 2, 3)),
    (mirror_tree_2d(4, 4), ((0, 3, 12, 15), (1, 2, 13, 14), (4, 7, 8, 11), (5, 6, 9, 10))),
]


@pytest.mark.parametrize("built,expected", HAND)
def test_trees_written_by_hand(built, expected):
    assert built == expected
    parse_tree(built)  # level-balanced, each mode once


def _leaves(node):
    return [node] if isinstance(node, int) else [m for child in node for m in _leaves(child)]


def _nodes(node, depth=0):
    yield node, depth
    if not isinstance(node, int):
        for child in node:
            yield from _nodes(child, depth + 1)


def _check_invariants(tree, N):
    leaves = _leaves(tree)
    assert sorted(leaves) == list(range(N))
    depths = {d for node, d in _nodes(tree) if isinstance(node, int)}
    assert len(depths) == 1
    parse_tree(tree)


@given(st.integers(2, 4), st.integers(1, 3))
@SETTINGS
def test_contiguous_windows_are_intervals(k, L):
    N = k**L
    tree = contiguous_tree(N, k)
    _check_invariants(tree, N)
    for node, _ in _nodes(tree):
        modes = _leaves(node)
        assert modes == list(range(modes[0], modes[0] + len(modes)))


@given(st.lists(st.integers(1, 3), min_size=1, max_size=4))
@SETTINGS
def test_contiguous_tree_with_sizes_per_level(sizes):
    N = 1
    for k in sizes:
        N *= k
    tree = contiguous_tree(N, sizes)
    _check_invariants(tree, N)
    for node, depth in _nodes(tree):
        if not isinstance(node, int):
            assert len(node) == sizes[len(sizes) - 1 - depth]


@pytest.mark.parametrize("L", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("recursive", [True, False])
def test_mirror_tree_pools_reflections_first(L, recursive):
    N = 2**L
    tree = mirror_tree(N, recursive=recursive)
    _check_invariants(tree, N)
    first = [
        node for node, _ in _nodes(tree) if isinstance(node, tuple) and isinstance(node[0], int)
    ]
    assert sorted(first) == [(j, N - 1 - j) for j in range(N // 2)]
    if recursive:  # every node holds its modes' reflections
        for node, _ in _nodes(tree):
            if isinstance(node, tuple):
                modes = set(_leaves(node))
                assert modes == {N - 1 - m for m in modes}


def _quad2(labels):
    """caffe-simnets QUAD2 along one axis: output h takes input h/2 (h even) or n−1−h//2."""
    n = len(labels)
    return [labels[h // 2] if h % 2 == 0 else labels[n - 1 - h // 2] for h in range(n)]


def _quad2_windows(N):
    """Mode sets of the nodes of each level of the ICLR 2017 mirror network, 1D: QUAD2 then
    contiguous pooling of 2, repeated."""
    layer = [frozenset([m]) for m in range(N)]
    levels = []
    while len(layer) > 1:
        layer = _quad2(layer)
        layer = [layer[i] | layer[i + 1] for i in range(0, len(layer), 2)]
        levels.append(set(layer))
    return levels


def _quad2_windows_2d(n):
    layer = [[frozenset([h * n + w]) for w in range(n)] for h in range(n)]
    levels = []
    while len(layer) > 1:
        layer = _quad2([_quad2(row) for row in layer])
        size = len(layer) // 2
        layer = [
            [
                layer[2 * a][2 * b]
                | layer[2 * a][2 * b + 1]
                | layer[2 * a + 1][2 * b]
                | layer[2 * a + 1][2 * b + 1]
                for b in range(size)
            ]
            for a in range(size)
        ]
        levels.append({s for row in layer for s in row})
    return levels


def _tree_levels(tree):
    _, levels = parse_tree(tree)
    return [{frozenset(_leaves(node)) for node in level} for level in levels[1:]]


@pytest.mark.parametrize("N", [2, 4, 8, 16, 32])
def test_mirror_tree_is_the_quad2_network(N):
    assert _tree_levels(mirror_tree(N)) == _quad2_windows(N)


@pytest.mark.parametrize("n", [2, 4, 8])
def test_mirror_tree_2d_is_the_quad2_network(n):
    assert _tree_levels(mirror_tree_2d(n, n)) == _quad2_windows_2d(n)


@pytest.mark.parametrize("n,k", [(2, 2), (4, 2), (8, 2), (9, 3)])
def test_square_windows_are_square_blocks(n, k):
    tree = square_tree(n, n, k)
    _check_invariants(tree, n * n)
    for node, _ in _nodes(tree):
        pixels = _leaves(node)
        rows = sorted({p // n for p in pixels})
        cols = sorted({p % n for p in pixels})
        assert len(rows) == len(cols) and len(rows) ** 2 == len(pixels)
        assert rows == list(range(rows[0], rows[0] + len(rows)))
        assert cols == list(range(cols[0], cols[0] + len(cols)))
        if isinstance(node, tuple) and all(isinstance(child, int) for child in node):
            assert pixels == [h * n + w for h in rows for w in cols]  # a window: row-major


ERRORS = [
    (lambda: contiguous_tree(6), "got N = 6; give one window size per level"),
    (lambda: contiguous_tree(6, [2, 2]), "multiply to 4"),
    (lambda: contiguous_tree(8, 1), "window must be an integer >= 2"),
    (lambda: contiguous_tree(8, [2, 0, 4]), "window[1] must be an integer >= 1"),
    (lambda: contiguous_tree(8, []), "non-empty list"),
    (lambda: contiguous_tree(0), "N must be an integer >= 1"),
    (lambda: contiguous_tree(1), "N = 1"),
    (lambda: mirror_tree(6), "need N = 2^L with L >= 1 (2, 4, 8, …), got N = 6"),
    (lambda: mirror_tree(True), "N must be an integer"),
    (lambda: square_tree(4, 8), "H = 4, W = 8"),
    (lambda: square_tree(6, 6), "need H = 2^L with L >= 1 (2, 4, 8, …), got H = 6"),
    (lambda: mirror_tree_2d(3, 3), "got H = 3"),
]


@pytest.mark.parametrize("call,words", ERRORS)
def test_builder_errors_name_the_problem(call, words):
    with pytest.raises(er.InvalidInputError) as info:
        call()
    assert words in str(info.value)


# ---------------------------------------------------------------------------- partitions


def test_top_bottom_and_left_right_of_an_image():
    assert top_bottom(4, 4) == er.Partition(tuple(range(8)), tuple(range(8, 16)))
    assert top_bottom(3, 2) == er.Partition((0, 1, 2, 3), (4, 5))
    assert left_right_2d(2, 4) == er.Partition((0, 1, 4, 5), (2, 3, 6, 7))
    assert left_right_2d(3, 3) == er.Partition((0, 1, 3, 4, 6, 7), (2, 5, 8))


@pytest.mark.parametrize(
    "spec,T,rows",
    [
        ("top-bottom:4x4", 16, tuple(range(8))),
        (" Top-Bottom:2x3 ", 6, (0, 1, 2)),
        ("left-right:2x4", 8, (0, 1, 4, 5)),
        ("LEFT-RIGHT:1x2", 2, (0,)),
        ("left-right", 8, (0, 1, 2, 3)),  # the 1D names are unchanged
        ("odd-even", 6, (0, 2, 4)),
        ("rows=1,3", 4, (1, 3)),
    ],
)
def test_partition_spellings(spec, T, rows):
    assert parse_partition(spec, T).row_modes == rows


def test_top_bottom_of_a_row_major_image_is_the_1d_left_right():
    for H, W in [(2, 2), (4, 4), (2, 5), (6, 3)]:  # H even (for H odd the top is larger)
        assert parse_partition(f"top-bottom:{H}x{W}", H * W) == parse_partition("left-right", H * W)


@pytest.mark.parametrize(
    "spec,T,words",
    [
        ("top-bottom:4x3", 16, "4 x 3 = 12"),
        ("top-bottom:4", 16, "image size as HxW"),
        ("left-right:axb", 4, "image size as HxW"),
        ("top-bottom:0x16", 16, "H·W must equal"),
        ("mirror", 8, "unknown partition 'mirror'"),
        ("top-bottom", 8, "unknown partition"),
    ],
)
def test_partition_errors(spec, T, words):
    with pytest.raises(er.InvalidInputError, match=words):
        parse_partition(spec, T)


def test_image_partition_functions_refuse_bad_sizes():
    with pytest.raises(er.InvalidInputError, match="W must be an integer >= 1"):
        top_bottom(2, 0)
    with pytest.raises(er.InvalidInputError, match="H must be an integer >= 1"):
        left_right_2d(True, 2)


# ---------------------------------------------------------------------------- rank bounds


def _oracle_rank(tree, M, widths, partition, rng, high=2**30):
    """The rank of a random network's matricization: oracle grid, Fraction elimination."""
    _, levels = parse_tree(tree)
    L = len(levels) - 1
    inputs = [M, *widths]

    def draw(rows, cols):
        return [[Fraction(rng.randint(-high, high)) for _ in range(cols)] for _ in range(rows)]

    weights = [[draw(widths[l], inputs[l]) for _ in levels[l]] for l in range(L)]
    output = [Fraction(rng.randint(-high, high)) for _ in range(widths[-1])]
    N = len(levels[0])
    grid = {
        seq: hierarchical_score(tree, weights, output, None, "identity", "product", seq)
        for seq in itertools.product(range(M), repeat=N)
    }
    rows, cols = partition
    return rank_fraction(matricize_ref(grid, (M,) * N, rows, cols))


KNOWN = [  # tree, M, widths, rows, (lower, upper, paper_upper)
    (contiguous_tree(8), 2, (2, 2, 2), (0, 2, 4, 6), (16, 16, 16)),
    (contiguous_tree(8), 2, (2, 2, 2), (0, 1, 2, 3), (1, 2, 2)),
    (contiguous_tree(8), 3, (2, 5, 1), (0, 2, 4, 6), (16, 16, 81)),
    (contiguous_tree(4), 4, (2, 2), (0, 2), (4, 4, 8)),  # paper_upper is not sharp here
    (contiguous_tree(4), 3, (3, 3), (0, 1), (1, 3, 3)),
    (mirror_tree(8), 2, (2, 2, 2), (0, 1, 2, 3), (16, 16, 16)),
    (mirror_tree(8), 2, (2, 2, 2), (0, 3, 4, 7), (1, 2, 2)),
    (contiguous_tree(5, 5), 2, (3,), (0, 1), (2, 3, 3)),
    (contiguous_tree(5, 5), 3, (20,), (0, 1), (3, 9, 9)),
    (square_tree(4, 4), 2, (2, 2), tuple(range(8)), (1, 2, 2)),
    (mirror_tree_2d(4, 4), 2, (2, 2), tuple(range(8)), (16, 16, 32)),
]


@pytest.mark.parametrize("tree,M,widths,rows,expected", KNOWN)
def test_rank_bounds_known_values(tree, M, widths, rows, expected):
    N = len(_leaves(tree))
    cols = tuple(m for m in range(N) if m not in rows)
    b = rank_bounds(tree, (rows, cols), M, widths)
    assert (b.lower, b.upper, b.paper_upper) == expected
    assert b.exact == (expected[0] == expected[1])


def _small_case(draw):
    sizes = draw(st.sampled_from([[2, 2], [4], [2, 2, 1], [3, 2], [2, 3], [2, 1, 2], [1, 4]]))
    N = 1
    for k in sizes:
        N *= k
    mirrored = sizes == [2, 2] and draw(st.booleans())
    tree = mirror_tree(4) if mirrored else contiguous_tree(N, sizes)
    M = draw(st.integers(2, 3 if N <= 5 else 2))
    widths = tuple(draw(st.integers(1, 4)) for _ in sizes)
    k = draw(st.integers(1, N - 1))
    rows = tuple(sorted(draw(st.permutations(range(N)))[:k]))
    return tree, M, widths, rows, N


@given(st.data())
@SETTINGS
def test_generic_rank_lies_within_the_bounds_against_the_oracle(data):
    tree, M, widths, rows, N = _small_case(data.draw)
    cols = tuple(m for m in range(N) if m not in rows)
    b = rank_bounds(tree, (rows, cols), M, widths)
    value = _oracle_rank(tree, M, widths, (rows, cols), random.Random(len(rows) * 31 + M))
    assert b.lower <= value <= b.upper <= b.paper_upper
    assert value == b.upper  # observed for generic weights on every case tried


@given(st.data())
@SETTINGS
def test_upper_bounds_hold_for_any_weights(data):
    """Small integer weights are not generic: only the upper bounds must hold."""
    tree, M, widths, rows, N = _small_case(data.draw)
    cols = tuple(m for m in range(N) if m not in rows)
    b = rank_bounds(tree, (rows, cols), M, widths)
    high = data.draw(st.sampled_from([0, 1, 2]))
    value = _oracle_rank(
        tree, M, widths, (rows, cols), random.Random(data.draw(st.integers())), high
    )
    assert value <= b.upper <= b.paper_upper


def test_rank_bounds_errors():
    tree = contiguous_tree(4)
    with pytest.raises(er.InvalidInputError, match="L = 2 ints"):
        rank_bounds(tree, "odd-even", 2, (2, 2, 2))
    with pytest.raises(er.InvalidInputError, match="widths\\[1\\] \\(r_1\\) must be"):
        rank_bounds(tree, "odd-even", 2, (2, 0))
    with pytest.raises(er.InvalidInputError, match="T = 4"):
        rank_bounds(tree, "rows=0,1,2,3,4", 2, 2)
    with pytest.raises(er.InvalidModelError, match="same depth"):
        rank_bounds(((0, 1), 2), "odd-even", 2, 2)
