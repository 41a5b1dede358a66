"""exactrank.allsizes.sequences: equality of two formulas at every n >= 1 by exact values at
n = 1..K, checked against sympy's own evaluation at n = 1..60 (independent of the spectrum)."""

from __future__ import annotations

import re

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from exactrank.allsizes.identity import ProofStepFailed
from exactrank.allsizes.rules import n
from exactrank.allsizes.sequences import MAX_ORDER, first_difference, same_for_every_n, value_at


def _reference(a, b) -> int | None:
    """The first n in 1..60 where sympy's evaluation of a and b differs."""
    return next((k for k in range(1, 61) if sympy.simplify((a - b).subs(n, k)) != 0), None)


_atoms = st.sampled_from(
    [sympy.Integer(1), sympy.Integer(-2), sympy.Rational(1, 3), n, n - 3, 2**n, (-1) ** n,
     3 ** (n - 1), sympy.Rational(1, 2) ** (2 * n + 1)]
)  # fmt: skip


@st.composite
def formulas(draw, depth: int = 2) -> sympy.Expr:
    if depth == 0 or draw(st.booleans()):
        return draw(_atoms)
    left, right = draw(formulas(depth - 1)), draw(formulas(depth - 1))
    op = draw(st.sampled_from(["+", "-", "*", "**2"]))
    if op == "**2":
        return left**2
    return {"+": left + right, "-": left - right, "*": left * right}[op]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(formulas(), formulas(), st.integers(0, 6))
def test_the_first_difference_is_the_one_sympy_sees(a, b, shift):
    """Both random formulas, and b plus a polynomial vanishing at n = 1..shift (a difference
    that appears only late): first_difference agrees with sympy's values at n = 1..60."""
    late = b + sympy.prod([n - k for k in range(1, shift + 1)]) * (a - b)
    for x, y in ((a, b), (a, late), (a, a + (2**n - 2 ** (n + 1) + 2**n))):
        assert first_difference(x, y) == _reference(x, y), (x, y)


def test_a_difference_after_eight_agreeing_values_is_found():
    eight = sympy.prod([n - k for k in range(1, 9)])
    assert first_difference(2**n + 1, 2**n + 1 + eight * 3**n) == 9
    assert same_for_every_n(4**n, 2 ** (2 * n)) and same_for_every_n(2 * n, 2 * n + n - n)


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        (sympy.Symbol("M", positive=True) * n, "only n may remain"),
        (n**n, "not a nonzero rational to a power in n"),
        (1 / (n + 1), "a division by an expression in n"),
        (2 ** (n / 2), "an exponent must be c*n + d with integers"),
        (sympy.floor(n / 2), "is not a sum of powers in n"),
        ((n + 2**n + 3**n + 5**n + 7**n + 1) ** 8, "MAX_ORDER"),
        (sympy.Integer(2) ** 100**n, "an exponent must be c*n + d"),
    ],
)
def test_what_is_not_decided_is_refused_with_a_reason(formula, reason):
    with pytest.raises(ProofStepFailed, match=re.escape(reason)):
        first_difference(2**n, formula)
    assert not same_for_every_n(2**n, formula)


def test_an_undefined_value_is_an_error_not_a_number():
    undefined = sympy.Pow(sympy.Integer(0), n - 2, evaluate=False)
    with pytest.raises(ProofStepFailed, match="undefined or not rational at n = 1"):
        value_at(undefined, 1)
    assert value_at(undefined, 3) == 0 and MAX_ORDER >= 64
