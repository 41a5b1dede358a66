"""Exact interval arithmetic encloses every point result, and the Theorem 5.3 box it proves."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import exactrank as er
from exactrank.checks import theorems
from exactrank.checks.realizability import rank_one_shallow_network
from exactrank.numbers.intervals import Interval, hull, interval_max, interval_sum

Q = st.builds(Fraction, st.integers(-50, 50), st.integers(1, 7))


@st.composite
def interval_and_point(draw):
    a, b, t = draw(Q), draw(Q), draw(st.fractions(0, 1))
    lo, hi = min(a, b), max(a, b)
    return Interval(lo, hi), lo + t * (hi - lo)


@given(interval_and_point(), interval_and_point())
def test_operations_enclose_the_point_results(xa, yb):
    (x, a), (y, b) = xa, yb
    for box, value in (
        (x + y, a + b),
        (x - y, a - b),
        (x * y, a * b),
        (-x, -a),
        (interval_max(x, y, 0), max(a, b, 0)),
        (interval_sum([x, y, x]), a + b + a),
        (hull([x, y]), a),
        (hull([x, y]), b),
        (3 * x, 3 * a),
    ):
        assert box.lo <= value <= box.hi


@given(interval_and_point(), interval_and_point())
def test_products_are_tight(xa, yb):
    """The product's end points are attained (at end points of the operands)."""
    (x, _), (y, _) = xa, yb
    corners = {p * q for p in (x.lo, x.hi) for q in (y.lo, y.hi)}
    assert {(x * y).lo, (x * y).hi} <= corners


def test_bad_intervals():
    with pytest.raises(er.InvalidInputError, match=r"lo <= hi, got \[1, 0\]"):
        Interval(1, 0)
    with pytest.raises(er.InvalidInputError, match="float"):
        Interval(0.5, 1)


def test_theorem_5_3_box_matches_the_hand_computed_radius():
    """M = 2, T = 3, states and inputs of step 1 enclosed apart: the smallest state after
    step 0 is (2 − δ)((1 − δ)² − δ²) = (2 − δ)(1 − 2δ) and the largest input (1 + δ)² + δ²,
    so the step-1 condition reads δ <= 1/7 exactly (the row route of exactrank.checks.row_boxes
    goes further: tests/test_row_boxes.py)."""
    module = theorems.load("theorem_5_3")
    for R in (1, 2):
        for delta, holds in ((Fraction(1, 7), True), (Fraction(1, 7) + Fraction(1, 10**9), False)):
            states, inputs = next(module.enclosures(2, R, 3, delta))
            assert module.states_dominate_inputs(states, inputs) is holds
    # F = I: (2 − δ)(1 − δ) >= 1 + δ up to δ = 2 − √3; k = 2^41 − ⌈√(3·2^80)⌉
    k = 2**41 - (math.isqrt(3 * 2**80) + 1)
    assert module.largest_certified(2, 1, 3, moves_F=False) == Fraction(k, 2**40)


@pytest.mark.parametrize("M,R,T", [(2, 2, 3), (3, 2, 3)])
def test_theorem_5_3_box_is_sound_on_its_corners(M, R, T):
    """Random vertices of the certified box (the worst points for the interval argument):
    each grid is decided rank-1 realizable by the exact procedure, independently, and the
    network it returns reproduces the grid."""
    module = theorems.load("theorem_5_3")
    delta = module.largest_certified(M, R, T)
    base, rng = module.perturbation_base_rnn(M, R, T), random.Random(7)
    for mode in ["low"] + ["random"] * 30:
        model = module.perturbed(base, delta, rng, mode)
        grid = er.grid_tensor(model)
        shallow = rank_one_shallow_network(grid, model.F)
        assert shallow is not None
        assert (grid.to_fractions() == er.grid_tensor(shallow).to_fractions()).all()
