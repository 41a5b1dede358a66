"""exactrank.checks.growth (fitted growth rates of exact ranks) and the fits that seed 000's
Theorem 10 and Claim 11 report next to their statements (issue 12)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import exactrank as er
from exactrank.checks import theorems
from exactrank.checks.growth import exponential_rate, power_exponent, shown


@pytest.mark.parametrize(
    "xs,ranks,base,ceiling,rate",
    [
        ([1, 2, 3], [2, 4, 8], 2, None, 1.0),
        ([2, 3, 4, 5], [3, 27, 243, 729], 3, 729, 2.0),  # 729 is the ceiling: left out
        ([1, 4], [2, 24], 2, 256, math.log2(12) / 3),
        ([1, 2], [256, 256], 2, 256, None),  # nothing below the ceiling
    ],
)
def test_exponential_rate_table(xs, ranks, base, ceiling, rate):
    got = exponential_rate(xs, ranks, base, ceiling)
    assert got == pytest.approx(rate) if rate is not None else got is None


@given(
    st.integers(1, 5), st.floats(0.5, 3.0), st.lists(st.integers(1, 20), min_size=2, unique=True)
)
def test_power_exponent_recovers_exact_powers(a, k, xs):
    ranks = [a * x**k for x in xs]
    assert power_exponent(xs, ranks) == pytest.approx(k)


def test_bad_input_messages():
    with pytest.raises(er.InvalidInputError, match="as many sizes as ranks, got 2 and 3"):
        exponential_rate([1, 2], [1, 2, 3], 2)
    with pytest.raises(er.InvalidInputError, match=r"sizes >= 1, got \[0, 1\]"):
        power_exponent([0, 1], [1, 2])
    assert shown(None).startswith("n/a") and shown(1.234) == "1.23"


@pytest.mark.parametrize("name", ["seed000_theorem_10", "seed000_claim_11"])
def test_checks_report_the_fits(name):
    result = theorems.load(name).check()
    assert result.verdict == "PASS"
    assert "rank ~ C^k: 1D N=8 M=4 R=" in result.quantity
    assert result.largest.startswith("1D N=16, M = 2, C = 2, R = ")
    fits = [line for line in result.details if "(fitted)" in line]
    assert len(fits) >= 5
    if name == "seed000_theorem_10":
        assert any("ranks [1, 4, 9, 16] (GF(p)) for C = [1, 2, 3, 4]" in f for f in fits)
        assert any("k = 2.00" in f for f in fits)


def test_a_width_sweep_whose_rank_decreases_fails(monkeypatch):
    """The sweep must be non-decreasing in C: run backwards, the check fails."""
    module = theorems.load("seed000_theorem_10")
    monkeypatch.setattr(module, "WIDTHS", (4, 3, 2, 1))
    monkeypatch.setattr(module, "QUICK", module.QUICK[:1])
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("the rank decreases as C grows" in line for line in result.details)
