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

import exactrank as er
from exactrank.checks import row_boxes, theorems


@pytest.fixture
def theorem_5_3():
    return theorems.load("theorem_5_3")


@pytest.fixture(scope="module")
def theorem_5_3_result():
    return theorems.load("theorem_5_3").check()


def small(module, monkeypatch, size=(2, 1, 3)):
    """Run ``module``'s check on one size only (mutations need not pay for the table)."""
    monkeypatch.setattr(module, "SIZES", [size])
    monkeypatch.setattr(module, "CERTIFIED_ONLY", [])
    return module


def test_theorem_5_3_passes_unmutated(theorem_5_3_result):
    result = theorem_5_3_result
    assert result.verdict == "PASS"
    assert sum("re-verified exactly" in line for line in result.details) == 10


def test_theorem_5_3_fails_without_the_domination_test(theorem_5_3, monkeypatch):
    """With "states dominate inputs" always true the search certifies δ just below 1/M
    ((2^39 − 1)/2^40 for M = 3's 1/3 box likewise); the re-verification finds a point of
    that box whose grid no rank-1 network has (the bracket point at a smaller radius, inside
    the box), and names it. The row route of M = 2 starts below r_hi, so its r_lo does not
    move, but it then certifies the box of radius r_hi, which holds the witness point."""
    monkeypatch.setattr(theorem_5_3, "states_dominate_inputs", lambda states, inputs: True)
    assert theorem_5_3.largest_certified(2, 2, 3, moves_F=False) == Fraction(2**40 - 1, 2**40)
    result = small(theorem_5_3, monkeypatch, (3, 2, 3)).check()
    assert result.verdict == "FAIL"
    broken = [line for line in result.details if "NOT re-verified" in line]
    assert broken and broken[0].startswith("M=3 R=2 T=3: C, G, F box: r_lo = ")
    assert "holds at the bracket point of radius" in broken[0] and "in the box" in broken[0]
    result = small(theorem_5_3, monkeypatch, (2, 2, 3)).check()
    assert result.verdict == "FAIL"
    assert any(
        line.startswith("M=2 R=2 T=3: C, G, F box")
        and line.endswith("yet the certifier proves the box of radius r_hi")
        for line in result.details
    )


def test_theorem_5_3_fails_without_the_cross_condition(theorem_5_3, monkeypatch):
    """The row route with the R >= 2 condition of the lemma dropped (a cross factor of 0)
    certifies past the witness point of order_point: the verdict turns."""
    monkeypatch.setattr(row_boxes, "cross_factor", lambda G0, G1: Fraction(0))
    result = small(theorem_5_3, monkeypatch, (2, 2, 3)).check()
    assert result.verdict == "FAIL"
    assert any("yet the certifier proves the box of radius r_hi" in line for line in result.details)


def test_theorem_5_3_domination_test_is_the_hand_computed_one(theorem_5_3):
    """States [1, 2] dominate inputs up to 1, not an input of 1 + 1/10^9, nor (with every
    input negative) states reaching below 0."""
    Interval = theorem_5_3.Interval
    states = [Interval(1, 2), Interval(3, 4)]
    assert theorem_5_3.states_dominate_inputs(states, [Interval(-5, 1)])
    assert not theorem_5_3.states_dominate_inputs(states, [Interval(0, 1 + Fraction(1, 10**9))])
    assert not theorem_5_3.states_dominate_inputs([Interval(-1, 2)], [Interval(-5, -4)])


def test_theorem_5_3_point_outside_the_box_is_caught(theorem_5_3):
    """The re-verification alone, at 3/2 of the certified radius (past the first violation
    the search reports for M = 2, R = 1, T = 3), names a failing point; at δ it finds none;
    with the bracket point left out, a sampled point of the larger box is named."""
    delta = theorem_5_3.largest_certified(2, 1, 3)
    assert theorem_5_3.reverify(2, 1, 3, delta, random.Random(1), 4) is None
    problem = theorem_5_3.reverify(2, 1, 3, 3 * delta / 2, random.Random(1), 4)
    assert problem is not None and "the bracket point of radius" in problem
    problem = theorem_5_3.reverify(2, 1, 3, 3 * delta / 2, random.Random(2), 8, bracket=False)
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
    always true: the bracket point at the radius it then certifies, decided exactly, is not
    replicated by one hidden channel; with that re-verification disabled too, the bracket
    point's witness holding at r_lo still turns the verdict."""
    module = theorems.load("seed000_claim_6")
    assert module.check().verdict == "PASS"
    monkeypatch.setattr(module, "dominates", lambda dominant, other: True)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any(
        line.startswith(
            "max M=2 N=8 r=2: box of radius r_lo = 0.50000000 (= 536870911/1073741824) "
            "certified; the bracket point of radius 536870911/1073741824 is NOT replicated"
        )
        for line in result.details
    )
    monkeypatch.setattr(module, "reverified", lambda *args: (0, None))
    result = module.check()
    assert result.verdict == "FAIL"
    broken = [line for line in result.details if line.startswith("max ")]
    assert len(broken) == 3
    assert all(
        line.endswith("yet its witness holds at r_lo, in the certified box") for line in broken
    )


def test_seed000_claim_6_fails_without_diagonal_dominance(monkeypatch):
    """Mean pooling's certifier without δ·M < 1 (F invertible): the box of radius 1/M, which
    holds the singular-F point, is certified, and the check says so."""
    module = theorems.load("seed000_claim_6")
    monkeypatch.setattr(module, "diagonally_dominant", lambda M, delta: True)
    result = module.check()
    assert result.verdict == "FAIL"
    mean = [line for line in result.details if line.startswith("mean ")]
    assert mean[0].endswith("at or below r_lo: the certified box holds this point")
    assert mean[1].endswith("yet the certifier proves the box of radius r_hi")


def _bracket_lines(result):
    return [line for line in result.details if ": r_lo = " in line]


def test_theorem_5_3_brackets_are_tight_where_stated(theorem_5_3_result):
    """Every (M, R, T) of the quick table and both boxes: 0 < r_hi/r_lo − 1 <= 10^-4; for
    M = 2, R >= 2 with F moving r_hi is order_point's, below (5 − √17)/4; the quantity
    names both."""
    result = theorem_5_3_result
    lines = _bracket_lines(result)
    assert len(lines) == 10
    for line in lines:
        gap = float(line.rsplit("r_hi/r_lo − 1 = ", 1)[1])
        assert gap > 0
        assert gap <= 1e-4, line
        if line.startswith(("M=2 R=2 ", "M=2 R=3 ")) and "C, G, F" in line:
            r_hi = Fraction(line.split("r_hi = ", 1)[1].split("(= ", 1)[1].split(")", 1)[0])
            assert (4 * r_hi - 5) ** 2 > 17, line  # below (5 − √17)/4: order_point's
    assert result.largest == "M = 4, R = 4, T = 6"
    assert "C, G, F box: r_lo = 0.12917" in result.quantity
    assert "C, G box (F = I): r_lo = 0.26794" in result.quantity


def test_theorem_5_3_inflated_r_lo_turns_the_verdict(theorem_5_3, monkeypatch):
    """r_lo claimed 10^-3 past the truth: the bracket point at that radius (re-verified with
    the sampled points) has a grid no rank-1 network realizes, and the check says so."""
    real = theorem_5_3.largest_certified

    def inflated(M, R, T, moves_F=True):
        return real(M, R, T, moves_F) * Fraction(1001, 1000)

    monkeypatch.setattr(theorem_5_3, "largest_certified", inflated)
    result = small(theorem_5_3, monkeypatch, (3, 2, 3)).check()
    assert result.verdict == "FAIL"
    broken = [line for line in result.details if "NOT re-verified" in line]
    assert broken and "at the bracket point" in broken[0]


def test_theorem_5_3_wrong_witness_turns_the_verdict(theorem_5_3, monkeypatch):
    """A witness pointing at the wrong entries (j^1 in row 0, where grid[0, 1, …] itself
    is) does not hold at any radius, so no r_hi is found: FAIL."""
    from exactrank.checks.realizability import NotRankOne

    real = theorem_5_3.bracket_point

    def wrong(M, R, T, delta, moves_F=True):
        offsets, witness = real(M, R, T, delta, moves_F)
        others = (witness.others[0], witness.entry, *witness.others[2:])
        return offsets, NotRankOne("above", witness.entry, others)

    monkeypatch.setattr(theorem_5_3, "bracket_point", wrong)
    result = small(theorem_5_3, monkeypatch, (3, 2, 3)).check()
    assert result.verdict == "FAIL"
    assert any("no point found past it" in line for line in result.details)


@pytest.mark.parametrize(
    "M,R,T,moves_F",
    [(2, 1, 3, True), (3, 2, 3, True), (2, 2, 3, False), (2, 2, 3, True), (2, 3, 4, True)],
)
def test_theorem_5_3_witness_recomputed_with_fractions(theorem_5_3, M, R, T, moves_F):
    """The r_hi point's witness, its scores recomputed by the independent eq. 16 evaluator
    of tests/oracles.py in Fractions; and its whole grid decided not rank-1 by the
    exact procedure, while the same construction at r_lo is rank-1."""
    from oracles import rnn_score

    from exactrank.checks.realizability import relu_rank_one_shallow

    r_lo = theorem_5_3.largest_certified(M, R, T, moves_F)
    r_hi, model, witness = theorem_5_3.upper_bracket(M, R, T, r_lo, moves_F)

    def value(x):
        return rnn_score(model.C, model.G, model.F, "relu", list(x))

    assert witness.holds(value)
    assert relu_rank_one_shallow(er.grid_tensor(model)) is None
    base = theorem_5_3.perturbation_base_rnn(M, R, T)
    offsets, _ = theorem_5_3.bracket_point(M, R, T, r_lo, moves_F)
    inside = theorem_5_3.box_point(base, r_lo, offsets)
    assert relu_rank_one_shallow(er.grid_tensor(inside)) is not None


@pytest.mark.parametrize("pooling", ["max", "mean"])
def test_seed000_claim_6_upper_bracket_witness_by_the_oracle(pooling):
    """The r_hi vertex of Claim 6's bracket: its witness holds on values recomputed by the
    independent evaluator of tests/oracles.py (seed 000, §3–4 written out)."""
    from oracles import hierarchical_score

    module = theorems.load("seed000_claim_6")
    base = module.collapsing_conv(3, 4, 2, pooling)
    r_lo = module.largest_certified(base)
    r_hi, model, witness = module.upper_bracket(base, r_lo)
    assert r_hi > r_lo

    def value(x):
        return hierarchical_score(
            model.tree, model.weights, model.output, model.F, "relu", pooling, list(x)
        )

    assert witness.holds(value) if pooling == "max" else witness.holds(model.F, value, 4)


def test_seed000_claim_6_wrong_witness_turns_the_verdict(monkeypatch):
    """Witnesses pointing at entries where nothing is violated: FAIL, said in the line."""
    from exactrank.checks.collapse_points import SingularFeatures
    from exactrank.checks.realizability import NotRankOne

    module = theorems.load("seed000_claim_6")
    monkeypatch.setattr(module, "QUICK", module.QUICK[1:2])

    def wrong(kind):
        real = module.POINT[kind]

        def point(base, delta):
            weights, output, F, witness = real(base, delta)
            T = base.N
            if kind == "max":
                return weights, output, F, NotRankOne("above", (0,) * T, ((0,) * T,) * T)
            return weights, output, F, SingularFeatures((1, 2, 1))

        return point

    monkeypatch.setattr(module, "POINT", {"max": wrong("max"), "mean": wrong("mean")})
    result = module.check()
    assert result.verdict == "FAIL"
    assert sum("no point found past it whose witness holds" in line for line in result.details) == 1
    assert sum("the witness does NOT hold" in line for line in result.details) == 1
