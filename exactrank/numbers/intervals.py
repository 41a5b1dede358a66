"""Exact interval arithmetic over QQ: enclosures of a quantity over a whole box of weights.

An :class:`Interval` [lo, hi] has Fraction endpoints, and every operation returns an
interval that contains the result for every choice of the operands in theirs (inclusion
isotone: shrinking an operand never widens the result). No rounding happens, so an
inequality proven on intervals holds at every point of the box: this is how a whole open
set of networks is certified (seed 001, Theorem 5.3), not sampled.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import InvalidInputError
from .domains import to_fraction


@dataclass(frozen=True)
class Interval:
    """The closed interval [lo, hi] of rationals, lo <= hi."""

    lo: Fraction
    hi: Fraction

    def __post_init__(self):
        lo, hi = self.lo, self.hi
        if type(lo) is not Fraction or type(hi) is not Fraction:  # the common case is fast
            lo, hi = to_fraction(lo, "lo"), to_fraction(hi, "hi")
        if lo > hi:
            raise InvalidInputError(f"an interval needs lo <= hi, got [{lo}, {hi}]")
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)

    @classmethod
    def around(cls, center, radius) -> Interval:
        """[center − radius, center + radius]."""
        center, radius = to_fraction(center, "center"), to_fraction(radius, "radius")
        return cls(center - radius, center + radius)

    def __add__(self, other) -> Interval:
        other = _interval(other)
        return Interval(self.lo + other.lo, self.hi + other.hi)

    __radd__ = __add__

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def __sub__(self, other) -> Interval:
        return self + (-_interval(other))

    def __mul__(self, other) -> Interval:
        other = _interval(other)
        ends = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(ends), max(ends))

    __rmul__ = __mul__


def interval_max(*intervals) -> Interval:
    """An enclosure of max(x_1, …, x_n) over x_k in the k-th interval (numbers allowed)."""
    intervals = [_interval(x) for x in intervals]
    return Interval(max(x.lo for x in intervals), max(x.hi for x in intervals))


def hull(intervals) -> Interval:
    """The smallest interval containing all the given ones."""
    intervals = [_interval(x) for x in intervals]
    return Interval(min(x.lo for x in intervals), max(x.hi for x in intervals))


def interval_sum(terms) -> Interval:
    """Σ of intervals (0 for no terms)."""
    return sum((_interval(x) for x in terms), Interval(0, 0))


def _interval(x) -> Interval:
    if isinstance(x, Interval):
        return x
    value = to_fraction(x, "an interval operand")
    return Interval(value, value)
