"""Equality of two rank formulas for every n >= 1, decided by exact values (issue 14, point 3).

A formula in n built from rationals, n, +, −, ·, powers with constant exponents k >= 0 and
exponentials b^(c·n + d) (b a nonzero rational, c, d integers) is an exponential polynomial
s(n) = Σ_b p_b(n) b^n with deg p_b <= d_b. Its *spectrum* {b: d_b} is read off the expression
tree (:func:`spectrum`: a sum takes the larger degree per base, a product multiplies the bases
and adds the degrees). Such an s satisfies the linear recurrence with characteristic
polynomial Π_b (x − b)^(d_b + 1), of order K = Σ_b (d_b + 1), for every n; so s vanishes at
every n >= 1 as soon as it vanishes at n = 1, …, K. :func:`first_difference` applies this to
the difference of two formulas, evaluated exactly (:func:`value_at`, Fractions): no sympy
simplification (which could hang on a product of powers) and no identity that holds only
for generic n (0/0 or 0·∞ at some n is an error, not a cancellation). Anything else (other
symbols, n in a base under an exponent in n, a division by an expression in n, an order past
MAX_ORDER) is refused with :class:`~exactrank.allsizes.identity.ProofStepFailed`.

It implements no paper result.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from .identity import ProofStepFailed
from .rules import n

MAX_ORDER = 128  # K: the values compared, at most
MAX_BASE_BITS = 64  # an exponential b^(c·n): b^c of at most this many bits


def first_difference(a: sympy.Expr, b: sympy.Expr) -> int | None:
    """The first n >= 1 where the formulas a and b differ, None when they agree at every
    n >= 1 (decided as in the module docstring)."""
    merged = dict(spectrum(a))
    for base, degree in spectrum(b).items():
        merged[base] = max(degree, merged.get(base, -1))
    order = _order(merged)
    return next((k for k in range(1, order + 1) if value_at(a, k) != value_at(b, k)), None)


def same_for_every_n(a: sympy.Expr, b: sympy.Expr) -> bool:
    """a = b at every n >= 1, proven by :func:`first_difference` (False when not decided)."""
    try:
        return first_difference(a, b) is None
    except ProofStepFailed:
        return False


def spectrum(expr: sympy.Expr) -> dict:
    """{b: d_b} of the exponential polynomial ``expr`` (see the module docstring)."""
    expr = sympy.sympify(expr)
    other = sorted(str(s) for s in expr.free_symbols - {n})
    if other:
        raise ProofStepFailed(
            f"only n may remain (T replaced by the family's length), got {other[0]}"
        )
    if not expr.free_symbols:
        if not expr.is_Rational:
            raise ProofStepFailed(f"{_short(expr)} is not a rational number")
        return {Fraction(1): 0}
    if expr == n:
        return {Fraction(1): 1}
    if isinstance(expr, sympy.Add):
        out: dict = {}
        for term in expr.args:
            for base, degree in spectrum(term).items():
                out[base] = max(degree, out.get(base, -1))
        return _capped(out)
    if isinstance(expr, sympy.Mul):
        out = {Fraction(1): 0}
        for factor in expr.args:
            out = _product(out, spectrum(factor))
        return out
    if isinstance(expr, sympy.Pow):
        return _power_spectrum(*expr.args)
    raise ProofStepFailed(f"{_short(expr)} is not a sum of powers in n")


def _power_spectrum(base: sympy.Expr, exponent: sympy.Expr) -> dict:
    if not exponent.free_symbols:
        if not (exponent.is_Integer and exponent >= 0):
            raise ProofStepFailed(
                f"({_short(base)})**{exponent} is a division by an expression in n"
            )
        out = {Fraction(1): 0}
        for _ in range(int(exponent)):
            out = _product(out, spectrum(base))
        return out
    if base.free_symbols or not base.is_Rational or base == 0:
        raise ProofStepFailed(
            f"({_short(base)})**({exponent}) is not a nonzero rational to a power in n"
        )
    c, _ = _linear(exponent)  # b^(c·n + d) = b^d · (b^c)^n
    ratio = Fraction(int(base.p), int(base.q)) ** c
    if max(abs(ratio.numerator), ratio.denominator).bit_length() > MAX_BASE_BITS:
        raise ProofStepFailed(f"({_short(base)})**({exponent}): a ratio past {MAX_BASE_BITS} bits")
    return {ratio: 0}


def _linear(exponent: sympy.Expr) -> tuple[int, int]:
    """(c, d) with exponent = c·n + d, integers, or :class:`ProofStepFailed`."""
    poly = sympy.Poly(exponent, n) if exponent.is_polynomial(n) else None
    coeffs = poly.all_coeffs() if poly is not None and poly.degree() <= 1 else None
    if coeffs is None or not all(x.is_Integer for x in coeffs):
        raise ProofStepFailed(
            f"an exponent must be c*n + d with integers c, d, got {_short(exponent)}"
        )
    return (int(coeffs[0]), int(coeffs[1])) if len(coeffs) == 2 else (0, int(coeffs[0]))


def _product(x: dict, y: dict) -> dict:
    out: dict = {}
    for b1, d1 in x.items():
        for b2, d2 in y.items():
            out[b1 * b2] = max(d1 + d2, out.get(b1 * b2, -1))
    return _capped(out)


def _capped(out: dict) -> dict:
    _order(out)
    return out


def _order(spec: dict) -> int:
    order = sum(d + 1 for d in spec.values())
    if order > MAX_ORDER:
        raise ProofStepFailed(
            f"more than MAX_ORDER = {MAX_ORDER} powers of n and exponentials to "
            "compare (refused: too large to decide)"
        )
    return order


def value_at(expr: sympy.Expr, k: int) -> Fraction:
    """The exact value of ``expr`` (a formula :func:`spectrum` accepts) at n = k; an
    undefined value (0 to a negative power) is :class:`ProofStepFailed`."""
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    if expr == n:
        return Fraction(k)
    values = [value_at(arg, k) for arg in expr.args]
    if isinstance(expr, sympy.Add):
        return sum(values, Fraction(0))
    if isinstance(expr, sympy.Mul):
        out = Fraction(1)
        for v in values:
            out *= v
        return out
    base, exponent = values  # a Pow (spectrum() accepted nothing else)
    if exponent.denominator != 1 or (base == 0 and exponent < 0):
        raise ProofStepFailed(f"{_short(expr)} is undefined or not rational at n = {k}")
    return base ** int(exponent)


def _short(expr, limit: int = 60) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[:limit] + " …"
