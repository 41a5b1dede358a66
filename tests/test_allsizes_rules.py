"""The rank rules of exactrank.allsizes.rules against exact ranks of the explicit matrices
(Fraction elimination, tests/oracles.py) on random instances, and their refusals."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from oracles import rank_fraction

from exactrank.allsizes.rules import (
    KroneckerTerm,
    RuleRefused,
    _power_hits,
    direct_sum_rank,
    factorization_bound,
    kronecker_rank,
    n,
    nonnegative_for_all,
    permuted_rank,
    rank_one_update,
    sum_bound,
)


def explicit(term: KroneckerTerm, k: int) -> np.ndarray:
    """coefficient · pre ⊗ base^{⊗k} ⊗ post, as an object array."""
    out = np.array(term.pre, dtype=object)
    for _ in range(k):
        out = np.kron(out, np.array(term.base, dtype=object))
    return np.kron(out, np.array(term.post, dtype=object)) * term.coefficient


small = st.integers(-2, 2)


def matrices(rows, cols):
    return st.lists(st.lists(small, min_size=cols, max_size=cols), min_size=rows, max_size=rows)


@settings(max_examples=40, deadline=None)
@given(matrices(1, 2), matrices(2, 2), matrices(2, 1), st.integers(-3, 3).filter(bool))
@example([[1, 0]], [[0, 0], [0, 0]], [[1], [1]], 1)  # a zero base
def test_kronecker_rank_matches_exact_ranks(pre, base, post, c):
    term = KroneckerTerm(c, pre, base, post)
    step = kronecker_rank(term)
    for k in (1, 2, 3):
        assert step.rank.subs(n, k) == rank_fraction(explicit(term, k).tolist())


def test_kronecker_rank_refuses_a_zero_coefficient():
    with pytest.raises(RuleRefused, match="the coefficient is 0"):
        kronecker_rank(KroneckerTerm(0, [[1]], [[1, 0], [0, 1]], [[1]]))


def vectors(size):
    return st.lists(small, min_size=size, max_size=size).filter(any)


@settings(max_examples=80, deadline=None)
@given(
    matrices(2, 2),
    vectors(2),
    vectors(2),
    st.integers(-2, 2).filter(bool),
    st.integers(-2, 2).filter(bool),
    st.integers(-2, 2).filter(bool),
)
@example([[1, 0], [0, 0]], [1, 1], [1, 1], -1, 1, 1)  # Lemma A.2, M = 2, R = 1: J − E
@example([[1, 0], [0, 1]], [1, 1], [1, 1], -1, 1, 1)  # Lemma A.2, M = R = 2: J − I
@example([[1, 0], [0, 1]], [1, 0], [1, 0], -1, 1, 1)  # 1 + vᵀx = 0 at n = 1: refused
def test_rank_one_update_matches_exact_ranks_or_refuses(E, u, v, b, s, post):
    B = KroneckerTerm(b, [[1]], E, [[post]])
    U = KroneckerTerm(s, [[1]], [[x * y for y in v] for x in u], [[1]])
    try:
        step = rank_one_update(B, U)
    except RuleRefused as exc:
        if "rank" in str(exc) and "not 1" in str(exc):  # E = 0 … cannot happen: u v ≠ 0
            raise
        if "at n = " in str(exc):  # the rank drops at the named n: check that it does
            k = int(str(exc).split("at n = ")[1].split(":")[0])
            total = explicit(B, k) + explicit(U, k)
            assert rank_fraction(total.tolist()) == rank_fraction(explicit(B, k).tolist()) - 1
            return
        assert "coefficient" in str(exc)
        return
    for k in (1, 2, 3):
        total = explicit(B, k) + explicit(U, k)
        assert step.rank.subs(n, k) == rank_fraction(total.tolist()), (k, step.reason)


def test_rank_one_update_refuses_an_update_of_rank_two():
    with pytest.raises(RuleRefused, match="base factor has rank 2, not 1"):
        rank_one_update(
            KroneckerTerm(1, [[1]], [[1, 0], [0, 0]], [[1]]),
            KroneckerTerm(1, [[1]], [[1, 0], [0, 1]], [[1]]),
        )


def test_rank_one_update_refuses_when_the_rank_drops_at_some_n():
    # −E^{⊗n} + 4 (e_0 e_0ᵀ)^{⊗n}, E = diag(2, 1): x = e_0/2, 1 − 4·(1/2)^n = 0 at n = 2
    E = [[2, 0], [0, Fraction(1)]]
    B = KroneckerTerm(-1, [[1]], E, [[1]])
    U = KroneckerTerm(4, [[1]], [[1, 0], [0, 0]], [[1]])
    with pytest.raises(RuleRefused, match="at n = 2"):
        rank_one_update(B, U)
    assert rank_fraction((explicit(B, 2) + explicit(U, 2)).tolist()) == 3


@given(
    st.fractions(min_value=-3, max_value=3, max_denominator=3),
    st.fractions(min_value=-9, max_value=9, max_denominator=9),
    st.fractions(min_value=-2, max_value=2, max_denominator=2),
)
@example(Fraction(1, 2), Fraction(0), Fraction(1))  # no power of 1/2 is 0 (once looped)
def test_power_hits_is_the_first_solution(c, target, scale):
    found = _power_hits(c, target, scale)
    brute = next((k for k in range(1, 40) if scale * c**k == target), None)
    assert found == brute


def test_direct_sum_and_permutations():
    a = kronecker_rank(KroneckerTerm(1, [[1]], [[1, 0], [0, 1]], [[1]]))
    assert direct_sum_rank(a, a).rank == 2 * 2**n
    P = [[0, 1], [1, 0]]
    assert permuted_rank(P, a, P).rank == 2**n
    with pytest.raises(RuleRefused, match="P is not a permutation matrix"):
        permuted_rank([[1, 1], [0, 1]], a, P)
    with pytest.raises(RuleRefused, match="no blocks"):
        direct_sum_rank()
    assert factorization_bound(sympy.Symbol("r_0")).relation == "le"
    assert sum_bound(a, 3).rank == 3 * 2**n and sum_bound(a, 3).relation == "le"


def test_nonnegative_for_all():
    M, W = sympy.symbols("M W")
    assert nonnegative_for_all(W * (2 * n * M) - W * (n * M + 1), {n: 1, M: 1, W: 1})
    assert not nonnegative_for_all(n - 2, {n: 1})


@pytest.mark.parametrize("M", [2, 3, 4])
def test_the_symbolic_lemma_a2_rule_matches_exact_ranks(M):
    from exactrank.allsizes import symbolic

    rule = symbolic.diagonal_update_rank().rank
    for k in range(1, M + 1):
        J = np.ones((M, M), dtype=object)
        D = np.diag([1] * k + [0] * (M - k)).astype(object)
        for size in (1, 2):
            A = B = np.array([[1]], dtype=object)
            for _ in range(size):
                A, B = np.kron(A, J), np.kron(B, D)
            expected = rule.subs({symbolic.M: M, symbolic.k: k, n: size})
            assert expected == rank_fraction((A - B).tolist()), (M, k, size)


def test_the_symbolic_lemma_a2_rank_refuses_without_its_side_condition(monkeypatch):
    from exactrank.allsizes import ProofStepFailed, symbolic

    assert symbolic.lemma_a2_symbolic().subs({symbolic.M: 3, symbolic.R: 2}) == 2**n + 1
    monkeypatch.setattr(symbolic, "power_minus_one_positive", lambda: False)
    with pytest.raises(ProofStepFailed, match="1 − M\\^n ≠ 0 is not proven"):
        symbolic.lemma_a2_symbolic()


@settings(max_examples=30, deadline=None)
@given(matrices(2, 1), matrices(2, 2), matrices(1, 2), vectors(2), vectors(1), vectors(2))
def test_rank_one_update_with_boundary_factors(pre, E, post, u, p, q):
    """The update's u and v are checked factor by factor, pre and post included."""
    B = KroneckerTerm(-1, pre, E, post)
    U = KroneckerTerm(1, [[p[0]], [2 * p[0]]], [[x * y for y in u] for x in u], [q])
    try:
        step = rank_one_update(B, U)
    except RuleRefused as exc:
        assert "at n = " in str(exc)
        return
    for k in (1, 2):
        total = explicit(B, k) + explicit(U, k)
        assert step.rank.subs(n, k) == rank_fraction(total.tolist()), (k, step.reason)


def test_exact_matrices_refuse_floats_and_ragged_rows():
    from exactrank.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="float"):
        KroneckerTerm(1, [[0.5]], [[1]], [[1]])
    with pytest.raises(RuleRefused, match="non-empty rectangular matrix"):
        KroneckerTerm(1, [[1, 2], [3]], [[1]], [[1]])


def test_derive_rank_refuses_three_terms():
    from exactrank.allsizes import derive_rank

    terms = [KroneckerTerm(c, [[1]], [[1, 0], [0, c]], [[1]]) for c in (1, 2, 3)]
    with pytest.raises(RuleRefused, match="no rule for a sum of 3 Kronecker terms"):
        derive_rank(terms)
    with pytest.raises(RuleRefused, match="neither term has rank one in every factor"):
        derive_rank(terms[:2])
