"""Lemma A.1's structured search (issue 12): the bound (†) 1 + R⌊T/2⌋(M − 1) of
proofs/lemma_a1.py, against an independent oracle, and mutations that turn the verdict."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import rank_fraction, shallow_score

from exactrank.checks import theorems


@pytest.fixture(scope="module")
def lemma_a1():
    return theorems.load("lemma_a1")


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda M: st.integers(1, 5).flatmap(
            lambda T: st.integers(1, 2).flatmap(
                lambda R: st.tuples(
                    st.just((M, T, R)),
                    st.lists(st.integers(-3, 3), min_size=R, max_size=R),
                    st.lists(st.integers(-4, 4), min_size=R * T * M, max_size=R * T * M),
                )
            )
        )
    )
)
def test_dagger_bound_holds_by_the_oracle(case):
    """(†) on random small integer weights (many ties), the grid evaluated by eq. 14 in
    tests/oracles.py and its odd-even rank by Fraction elimination."""
    (M, T, R), lam, flat = case
    V = [[flat[(r * T + t) * M : (r * T + t + 1) * M] for t in range(T)] for r in range(R)]
    rows = [list(x) for x in itertools.product(range(M), repeat=(T + 1) // 2)]
    cols = [list(x) for x in itertools.product(range(M), repeat=T // 2)]

    def interleave(a, b):
        return [a[k // 2] if k % 2 == 0 else b[k // 2] for k in range(T)]

    matrix = [[shallow_score(lam, V, None, "relu", interleave(a, b)) for b in cols] for a in rows]
    assert rank_fraction(matrix) <= 1 + R * (T // 2) * (M - 1)


def test_structured_search_meets_the_bound(lemma_a1):
    result = lemma_a1.check()
    assert result.verdict == "PASS"
    structured = [line for line in result.details if "best structured rank" in line]
    assert len(structured) == 3 and all(" met;" in line for line in structured)
    assert result.largest == "M = 4, T = 6, R = 2"
    assert result.quantity.startswith("best structured rank 19 = 0.396·RTM (RTM = 48)")


def test_a_rank_past_the_bound_turns_the_verdict(lemma_a1, monkeypatch):
    """A rank reported above (†) (a broken rank or construction) is a FAIL, named."""
    real = lemma_a1.best_structured

    def inflated(M, T, R, rng, tries):
        rank, family, model = real(M, T, R, rng, tries)
        return rank + 2, family, model

    monkeypatch.setattr(lemma_a1, "best_structured", inflated)
    result = lemma_a1.check()
    assert result.verdict == "FAIL"
    assert sum("EXCEEDED" in line for line in result.details) == 3
