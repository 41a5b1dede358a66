"""The row-by-row certificate of Theorem 5.3's box for M = 2, R = 1 (exactrank.row_boxes)
and the witness point of M = 2, R >= 2 (exactrank.bracket_points.order_point), against
exact decisions of rank-1 realizability and the independent evaluator of tests/oracles.py."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactrank as er
from exactrank import row_boxes, theorems
from exactrank.bracket_points import order_point
from exactrank.constructions import perturbation_base_rnn
from exactrank.intervals import Interval
from exactrank.realizability import relu_rank_one_shallow

STAR = (5 - math.sqrt(17)) / 4  # where a state can fall below the input of its own template


@pytest.fixture(scope="module")
def theorem_5_3():
    return theorems.load("theorem_5_3")


def _dominate(states, inputs):
    return min(x.lo for x in states) >= max(max(a.hi for a in inputs), 0)


@pytest.mark.parametrize("R", [1, 2])
def test_rows_dominate_up_to_the_hand_computed_radius(R):
    """Same-row domination holds (proven by bisection) at 0.2192 and fails at 0.2193 on both
    sides of (5 − √17)/4, the root of 2δ² − 5δ + 1 (state (2 − δ)((1 − δ)² − δ²) = input
    (1 + δ)(1 − δ) + δ² at the corner f = (1 − δ, ±δ)): past it the corners alone fail."""
    base = perturbation_base_rnn(2, R, 3)
    below, above = Fraction(2192, 10**4), Fraction(2193, 10**4)
    assert below < STAR < above
    assert row_boxes.rows_dominate(base, below, _dominate)
    assert not row_boxes.rows_dominate(base, above, _dominate, corners_only=True)
    assert not row_boxes.rows_dominate(base, above, _dominate)


def test_row_dominates_needs_the_shared_row():
    """Enclosed with the row's box apart (one whole-box evaluation, no bisection), the same
    test fails at 0.2, far below the radius the bisection proves."""
    base = perturbation_base_rnn(2, 1, 3)
    delta = Fraction(1, 5)
    assert row_boxes.rows_dominate(base, delta, _dominate)
    assert not row_boxes.row_dominates(
        *(
            np.vectorize(lambda g: Interval.around(g, delta), otypes=[object])(A)
            for A in (base.C[0], base.G[0], base.C[1])
        ),
        [Interval.around(1, delta), Interval.around(0, delta)],
        _dominate,
        budget=1,
    )


def test_r_lo_of_the_row_route_is_within_1e_5_of_the_corner_threshold(theorem_5_3):
    r_lo = theorem_5_3.largest_certified(2, 1, 3)
    assert 0 < STAR / float(r_lo) - 1 <= 1.1e-5


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=22, max_size=22))
def test_points_of_the_row_certified_box_are_rank_one(offsets):
    """The lemma of exactrank.row_boxes, independently: rational points of the box of radius
    r_lo (M = 2, R = 1, T = 3, F moving) have grids the exact procedure decides rank-1."""
    module = theorems.load("theorem_5_3")
    delta = Fraction(21922, 10**5)  # below r_lo = 0.2192214…
    base = perturbation_base_rnn(2, 1, 3)
    it = iter(Fraction(o, 1000) for o in offsets)

    def take(A):
        return np.array([next(it) for _ in range(np.size(A))], dtype=object).reshape(np.shape(A))

    point = {"F": [take(np.eye(2))], "C": [take(c) for c in base.C], "G": [take(g) for g in base.G]}
    model = module.box_point(base, delta, point)
    assert relu_rank_one_shallow(er.grid_tensor(model)) is not None


@pytest.mark.parametrize("R,T", [(2, 3), (3, 4)])
def test_order_point_is_refuted_below_the_same_row_radius(R, T):
    """At δ = 0.2 < (5 − √17)/4 (R = 2; 0.19 for R = 3) the point's witness holds on values
    from the oracle evaluator and the exact procedure agrees; at δ = 0.17 it is rank-1, and
    every state still dominates the input of its own template (so the R = 1 lemma's
    hypothesis holds there, its conclusion not)."""
    from oracles import rnn_score

    base = perturbation_base_rnn(2, R, T)
    module = theorems.load("theorem_5_3")
    for delta, refuted in (
        (Fraction(2, 10) if R == 2 else Fraction(19, 100), True),
        (Fraction(17, 100), False),
    ):
        offsets, witness = order_point(R, T, delta)
        assert all(abs(o) <= 1 for arrays in offsets.values() for A in arrays for o in A.flat)
        model = module.box_point(base, delta, offsets)
        holds = witness.holds(lambda x, m=model: rnn_score(m.C, m.G, m.F, "relu", list(x)))
        assert holds is refuted
        assert (relu_rank_one_shallow(er.grid_tensor(model)) is None) is refuted
    assert row_boxes.rows_dominate(base, Fraction(2, 10), _dominate)
