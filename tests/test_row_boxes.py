"""The row-by-row certificate of Theorem 5.3's box for M = 2, R = 1 (exactrank.checks.row_boxes)
and the witness point of M = 2, R >= 2 (exactrank.checks.bracket_points.order_point), against
exact decisions of rank-1 realizability and the independent evaluator of tests/oracles.py."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactrank as er
from exactrank.checks import row_boxes, theorems
from exactrank.checks.bracket_points import order_point
from exactrank.checks.realizability import relu_rank_one_shallow
from exactrank.constructions import perturbation_base_rnn
from exactrank.numbers.intervals import Interval

STAR = (5 - math.sqrt(17)) / 4  # where a state can fall below the input of its own template


@pytest.fixture(scope="module")
def theorem_5_3():
    return theorems.load("theorem_5_3")


def _dominate(states, inputs):
    return min(x.lo for x in states) >= max(max(a.hi for a in inputs), 0)


def test_rows_dominate_up_to_the_hand_computed_radius():
    """R = 1: the lemma's conditions are proven at 0.2192 and refused at 0.2193, on both
    sides of (5 − √17)/4, the root of 2δ² − 5δ + 1 (state (2 − δ)((1 − δ)² − δ²) = input
    (1 + δ)(1 − δ) + δ² at the corner f = (1 − δ, ±δ) of a row of F)."""
    base = perturbation_base_rnn(2, 1, 3)
    below, above = Fraction(2192, 10**4), Fraction(2193, 10**4)
    assert below < STAR < above
    assert row_boxes.rows_dominate(base, below, _dominate)
    assert not row_boxes.rows_dominate(base, above, _dominate)


def test_the_shared_row_is_what_proves_it(theorem_5_3):
    """At 0.2 the states and inputs of step 1 enclosed apart (every row of F free in each)
    do not dominate, while the row route proves the box."""
    base = perturbation_base_rnn(2, 1, 3)
    delta = Fraction(1, 5)
    states, inputs = next(theorem_5_3.enclosures(2, 1, 3, delta))
    assert not theorem_5_3.states_dominate_inputs(states, inputs)
    assert row_boxes.rows_dominate(base, delta, _dominate)
    assert theorem_5_3.certified_box(2, 1, 3, delta)


@pytest.mark.parametrize("R,T", [(2, 3), (3, 4)])
def test_cross_condition_meets_the_order_point(R, T):
    """R >= 2: the lemma's conditions hold 10^-5 below the radius where order_point's
    witness starts to hold, and fail at that radius; the cross factor is ρ − (ρ − 1)β
    computed by hand for the box: ρ = (2 + δ)/(2 − δ), β = (1 − δ)/((1 − δ) + (R − 1)(1 + δ))."""
    module = theorems.load("theorem_5_3")
    base = perturbation_base_rnn(2, R, T)
    r_hi = module.upper_bracket(2, R, T, Fraction(0))[0]
    assert row_boxes.rows_dominate(base, r_hi * (1 - Fraction(1, 10**5)), _dominate)
    assert not row_boxes.rows_dominate(base, r_hi, _dominate)
    d = r_hi

    def box(A):
        return np.vectorize(lambda g: Interval.around(g, d), otypes=[object])(np.asarray(A))

    rho, beta = (2 + d) / (2 - d), (1 - d) / ((1 - d) + (R - 1) * (1 + d))
    assert row_boxes.cross_factor(box(base.G[0]), box(base.G[1])) == rho - (rho - 1) * beta


def test_r_lo_of_the_row_route_is_within_1e_5_of_the_corner_threshold(theorem_5_3):
    r_lo = theorem_5_3.largest_certified(2, 1, 3)
    assert 0 < STAR / float(r_lo) - 1 <= 1.1e-5


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from([(1, Fraction(21922, 10**5)), (2, Fraction(19172, 10**5))]),
    st.lists(st.sampled_from([-1, 1]), min_size=32, max_size=32),
    st.lists(st.integers(-1000, 1000), min_size=32, max_size=32),
    st.booleans(),
)
def test_points_of_the_row_certified_box_are_rank_one(size, signs, offsets, vertex):
    """The lemma of exactrank.checks.row_boxes, independently: vertices and rational points of the
    box of radius just below r_lo (M = 2, T = 3, R = 1: r_lo = 0.2192214…, R = 2:
    0.1917294…; F moving) have grids the exact procedure decides rank-1."""
    R, delta = size
    module = theorems.load("theorem_5_3")
    base = perturbation_base_rnn(2, R, 3)
    it = iter(
        Fraction(s) if vertex else Fraction(o, 1000) for s, o in zip(signs, offsets, strict=True)
    )

    def take(A):
        return np.array([next(it) for _ in range(np.size(A))], dtype=object).reshape(np.shape(A))

    point = {"F": [take(np.eye(2))], "C": [take(c) for c in base.C], "G": [take(g) for g in base.G]}
    model = module.box_point(base, delta, point)
    assert relu_rank_one_shallow(er.grid_tensor(model)) is not None


@pytest.mark.parametrize("R,T", [(2, 3), (3, 4)])
def test_order_point_is_refuted_below_the_same_row_radius(R, T):
    """At δ = 0.2 < (5 − √17)/4 (R = 2; 0.19 for R = 3) the point's witness holds on values
    from the oracle evaluator and the exact procedure agrees; at δ = 0.17 it is rank-1, and
    every state still dominates the input of its own template (the conditions for R = 1
    hold at 0.2), and the lemma's cross condition for R >= 2 is refused there."""
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
    assert not row_boxes.rows_dominate(base, Fraction(2, 10), _dominate)  # the cross condition
    assert row_boxes.rows_dominate(perturbation_base_rnn(2, 1, T), Fraction(2, 10), _dominate)
