"""Witnesses that no rank-1 shallow relu network (max form) or one-channel mean-pooling
network realizes a grid (exactrank.checks.realizability, issue 12): complete and sound against
the decision procedures, and checked from the values alone."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import exactrank as er
from exactrank.checks.realizability import (
    MeanNotRankOne,
    NotRankOne,
    mean_not_rank_one_witness,
    not_rank_one_witness,
    relu_mean_rank_one,
    relu_rank_one_shallow,
)


@st.composite
def grids(draw):
    M, T = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["any", "max-form", "separable"]))
    if kind == "any":
        flat = draw(st.lists(st.integers(-3, 3), min_size=M**T, max_size=M**T))
        return np.array(flat, dtype=object).reshape((M,) * T)
    U = draw(st.lists(st.lists(st.integers(-3, 3), min_size=M, max_size=M), min_size=T, max_size=T))
    sign = draw(st.sampled_from([1, -1]))
    G = np.empty((M,) * T, dtype=object)
    for i in itertools.product(range(M), repeat=T):
        parts = [U[t][i[t]] for t in range(T)]
        G[i] = sign * (max([0, *parts]) if kind == "max-form" else sum(parts))
    return G


@given(grids())
@example(np.zeros((2, 2), dtype=object))
@example(np.array([[1, 1], [-1, -1]], dtype=object))
def test_max_form_witness_iff_not_realizable(G):
    witness = not_rank_one_witness(G)
    assert (witness is None) == (relu_rank_one_shallow(G) is not None)
    if witness is not None:
        assert witness.holds(lambda i: G[i])


@given(grids())
@example(np.array([[1, 0], [0, 0]], dtype=object))
def test_mean_witness_iff_not_realizable(G):
    witness = mean_not_rank_one_witness(G)
    assert (witness is None) == (relu_mean_rank_one(G) is not None)
    if witness is not None:
        assert witness.holds(lambda i: G[i])


def test_witnesses_say_what_they_show():
    G = np.array([[0, 1], [1, 3]], dtype=object)  # 3 > max(0, 1, 1): not max(u0, u1, 0)
    witness = not_rank_one_witness(G)
    assert witness == NotRankOne("above", (1, 1), ((1, 0), (0, 1)))
    assert (
        witness.describe(lambda i: G[i])
        == "grid[1, 1] = 3 exceeds 0 and grid[1, 0] by 2, grid[0, 1] by 2"
    )
    mean = mean_not_rank_one_witness(G)
    assert mean == MeanNotRankOne("inseparable", (1, 1), (0, 1, 0, 0))
    assert mean.describe(lambda i: G[i]).endswith("= 1 ≠ 0 (not additively separable)")


def test_a_wrong_witness_does_not_hold_and_bad_ones_are_refused():
    G = np.array([[0, 1], [1, 1]], dtype=object)  # max form: max(u0, u1) with u = (0, 1)
    assert not NotRankOne("above", (1, 1), ((1, 0), (0, 1))).holds(lambda i: G[i])
    assert not NotRankOne("above", (1, 1), ((0, 0), (0, 1))).holds(lambda i: G[i])  # slab
    with pytest.raises(er.InvalidInputError, match="'above' witness for T = 2 needs 2 other"):
        NotRankOne("above", (1, 1), ((1, 0),))
    with pytest.raises(er.InvalidInputError, match="kind is 'above', 'below' or 'mixed'"):
        NotRankOne("sideways", (0,), ((0,),))
