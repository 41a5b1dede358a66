"""A check must fail when the certifier it relies on is broken (issue 12).

Each test disables one piece of a check's interval certifier by monkeypatching and asserts
that the check's independent re-verification (exact evaluation at sampled vertices and
interior rational points of the certified box, the stand-alone certificate checker) turns
its verdict to FAIL; the unmutated check still passes.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from exactrank import theorems


@pytest.fixture
def theorem_5_3():
    return theorems.load("theorem_5_3")


def test_theorem_5_3_passes_unmutated(theorem_5_3):
    result = theorem_5_3.check()
    assert result.verdict == "PASS"
    assert sum("re-verified exactly" in line for line in result.details) == 5


def test_theorem_5_3_fails_without_the_domination_test(theorem_5_3, monkeypatch):
    """With "states dominate inputs" always true the bisection certifies δ just below 1/M
    (2047/4096 for M = 2); the re-verification finds a point of that box where the paper's
    rank-1 network does not reproduce the grid (or no rank-1 network does), and names it."""
    monkeypatch.setattr(theorem_5_3, "states_dominate_inputs", lambda states, inputs: True)
    assert theorem_5_3.largest_certified(2, 1, 3) == Fraction(2047, 4096)
    result = theorem_5_3.check()
    assert result.verdict == "FAIL"
    broken = [line for line in result.details if "NOT re-verified" in line]
    assert broken and broken[0].startswith("M=2 R=1 T=3: box of radius 2047/4096")
    assert "has another grid" in broken[0] or "not realizable by a rank-1" in broken[0]
    assert "point base + δ·(F(0) = " in broken[0]


def test_theorem_5_3_domination_test_is_the_hand_computed_one(theorem_5_3):
    """States [1, 2] dominate inputs up to 1, not an input of 1 + 1/10^9, nor (with every
    input negative) states reaching below 0."""
    Interval = theorem_5_3.Interval
    states = [Interval(1, 2), Interval(3, 4)]
    assert theorem_5_3.states_dominate_inputs(states, [Interval(-5, 1)])
    assert not theorem_5_3.states_dominate_inputs(states, [Interval(0, 1 + Fraction(1, 10**9))])
    assert not theorem_5_3.states_dominate_inputs([Interval(-1, 2)], [Interval(-5, -4)])


def test_theorem_5_3_point_outside_the_box_is_caught(theorem_5_3):
    """The re-verification alone, at 3× the certified radius (past the first violation the
    search reports for M = 2, R = 1, T = 3), names a failing point; at δ it finds none."""
    delta = theorem_5_3.largest_certified(2, 1, 3)
    assert theorem_5_3.reverify(2, 1, 3, delta, random.Random(1), 4) is None
    problem = theorem_5_3.reverify(2, 1, 3, 3 * delta, random.Random(1), 4)
    assert problem is not None and "point base + δ·(F(0) = " in problem


def test_theorem_5_3_stand_alone_checker_rejects_another_grid(theorem_5_3, monkeypatch):
    """If the paper's rank-1 network is built wrong (λ doubled), the certificate route fails:
    the difference certificate cannot be made, and the check says so."""
    real = theorem_5_3.rank_one_shallow

    def doubled(model):
        shallow = real(model)
        return type(shallow)(
            shallow.xi, [2 * lam for lam in shallow.lambda_], shallow.V, F=shallow.F
        )

    monkeypatch.setattr(theorem_5_3, "rank_one_shallow", doubled)
    base = theorem_5_3.perturbation_base_rnn(2, 1, 3)
    problem = theorem_5_3.point_problem(base, random.Random(0))
    assert problem is not None and "another grid" in problem


def test_seed000_claim_6_fails_without_the_max_pooling_domination_test(monkeypatch):
    """Claim 6's max-pooling certifier with "the child holding mode 0 dominates its siblings"
    always true: the vertices of the box it then certifies, decided exactly, are not all
    replicated by one hidden channel."""
    module = theorems.load("seed000_claim_6")
    assert module.check().verdict == "PASS"
    monkeypatch.setattr(module, "dominates", lambda dominant, other: True)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any(
        line.startswith("max M=2 N=8 r=2: box of radius 2047/4096") for line in result.details
    )
