"""The symbolic Lemma A.2 step (exactrank.allsizes.symbolic, .deltas): one pair of steps derived
from the cores by sympy, against the network run on every input (Fractions), and refusals when
a step is broken or cannot be decided."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
import sympy

from exactrank.allsizes import ProofStepFailed, lemma_a2_family
from exactrank.allsizes import symbolic as sym
from exactrank.allsizes.automaton import run_steps
from exactrank.allsizes.deltas import on_deltas, range_sum
from exactrank.checks.theorems import load

j = sympy.Symbol("j", integer=True, nonnegative=True)
delta = sympy.KroneckerDelta
REAL_CORES = sym.symbolic_cores


def test_on_deltas_derives_the_relu_of_deltas_by_interpolation():
    expr = sym.relu(1 - delta(j, sym.a), sym.relu(1 - delta(j, sym.b), 0))
    poly = on_deltas(expr)
    assert sympy.expand(poly - (1 - delta(j, sym.a) * delta(j, sym.b))) == 0
    for x, y, z in itertools.product(range(3), repeat=3):  # brute force on index values
        values = {j: x, sym.a: y, sym.b: z}
        assert poly.subs(values) == expr.subs(values) == int(not x == y == z)


def test_on_deltas_refuses_what_the_deltas_do_not_decide():
    x = sympy.Symbol("x", real=True)
    with pytest.raises(ProofStepFailed, match="is not decided by its Kronecker deltas"):
        on_deltas(sympy.Max(x, delta(j, sym.a)))


def test_range_sum_decides_the_conditions_on_its_range():
    M, R, d = sym.M, sym.R, sympy.Symbol("d", integer=True, nonnegative=True)
    summand = sympy.Piecewise((delta(j, sym.a), j <= M - 1), (0, True))
    total = range_sum(summand.subs(M, R + d), j, 0, R - 1)  # R <= M: always the first branch
    for r, dd, a in itertools.product(range(1, 4), range(3), range(5)):
        brute = sum(int(x == a) for x in range(r) if x <= r + dd - 1)
        assert total.subs({R: r, d: dd, sym.a: a}) == brute
    with pytest.raises(ProofStepFailed, match="is not decided on j = 0 … R - 1"):
        range_sum(summand, j, 0, R - 1)  # M and R unrelated: "j <= M − 1" is open


@pytest.mark.parametrize(("M", "R"), [(1, 1), (2, 1), (2, 2), (2, 3), (3, 2), (4, 6), (5, 3)])
def test_one_pair_is_the_network_run_on_every_input(M, R):
    family = lemma_a2_family(M, R)
    k = min(M, R)
    case, offset = ("R <= M", {"d": M - R}) if R <= M else ("R > M", {"e": R - M - 1})
    for h in (0, 1):
        derived = sym.one_pair(h)[case]
        values = {s: offset[s.name] for s in derived.free_symbols if s.name in offset}
        for a, b in itertools.product(range(M), repeat=2):
            (run,) = run_steps("relu", family.block[0], (Fraction(h),), (a, b))
            assert derived.subs({**values, sym.k: k, sym.a: a, sym.b: b}) == run, (h, a, b)


def _broken_cores(size_M, size_R, kk):
    """G2's last row (2 − k) δ_j0 instead of (1 − k) δ_j0."""
    C1, G1, C2, G2 = REAL_CORES(size_M, size_R, kk)

    def broken_G2(row, col):
        return (2 - kk) * delta(col, 0) if row == size_M else G2(row, col)

    return C1, G1, C2, broken_G2


def test_broken_cores_are_caught_by_the_derived_pair(monkeypatch):
    monkeypatch.setattr(sym, "symbolic_cores", _broken_cores)
    with pytest.raises(ProofStepFailed, match=r"one pair from state 0 \(R <= M\) gives"):
        sym.symbolic_identity()
    result = load("lemma_a2_all_sizes").check()
    assert result.verdict == "FAIL"
    assert "symbolic in M, R: identity (symbolic): one pair from state 0" in result.details[0]


def test_a_broken_xi_is_caught(monkeypatch):
    monkeypatch.setattr(sym, "relu", lambda x, y: x + y)  # the sum, not max(x, y, 0)
    with pytest.raises(ProofStepFailed, match="deltas: a condition is not decided on j = 0"):
        sym.symbolic_identity()
    monkeypatch.setattr(sym, "relu", lambda x, y: sympy.Max(x, y))  # no 0: the same on 0/1
    assert sym.symbolic_identity()[(0, 1)] == 1 - sympy.Piecewise(
        (delta(sym.a, sym.b), sym.a < sym.k), (0, True)
    )
    monkeypatch.setattr(sym, "relu", lambda x, y: sympy.Min(x, y))
    with pytest.raises(ProofStepFailed, match=r"one pair from state 0 \(R <= M\) gives"):
        sym.symbolic_identity()
