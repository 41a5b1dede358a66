"""Least-squares growth rates of measured ranks: how fast a rank grows with a size.

Seed 000, Theorem 10 and Claim 11 (Sharir & Shashua's rates, whose exact form is not at
hand) are reported next to a fit of the exactly computed ranks: the slope b of
log_base(rank) ≈ a + b·x (exponential growth in x) or of log(rank) ≈ a + k·log(x) (a power
x^k). The ranks are exact; the fitted rates are floats, reported as fits, never as exact.
Points at the ceiling (the matrix's full rank) say nothing about growth and are left out.
"""

from __future__ import annotations

import itertools
import math

from ..errors import InvalidInputError


def _slope(xs: list[float], ys: list[float]) -> float:
    """The least-squares slope of ys against xs."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def _points(xs, ranks, ceiling):
    if len(xs) != len(ranks):
        raise InvalidInputError(f"expected as many sizes as ranks, got {len(xs)} and {len(ranks)}")
    kept = [
        (x, r)
        for x, r in zip(xs, ranks, strict=True)
        if r >= 1 and (ceiling is None or r < ceiling)
    ]
    if len({x for x, _ in kept}) < 2:
        return None
    return kept


def exponential_rate(xs, ranks, base: float, ceiling: int | None = None) -> float | None:
    """b in log_base(rank) ≈ a + b·x, fitted on the points below ``ceiling``; None when
    fewer than two distinct x remain."""
    kept = _points(xs, ranks, ceiling)
    if kept is None:
        return None
    return _slope([float(x) for x, _ in kept], [math.log(r, base) for _, r in kept])


def power_exponent(xs, ranks, ceiling: int | None = None) -> float | None:
    """k in rank ≈ a·x^k (log-log least squares), fitted on the points below ``ceiling``
    with x >= 1; None when fewer than two distinct x remain."""
    if any(x < 1 for x in xs):
        raise InvalidInputError(f"a power fit needs sizes >= 1, got {list(xs)}")
    kept = _points(xs, ranks, ceiling)
    if kept is None:
        return None
    return _slope([math.log(x) for x, _ in kept], [math.log(r) for _, r in kept])


def width_growth(widths, ranks, ceiling: int | None = None) -> tuple[float | None, bool, str]:
    """Growth with the channel number C at a fixed receptive field (seed 000, Theorem 10 and
    Claim 11): the fitted k of rank ≈ a·C^k (:func:`power_exponent`), whether the rank
    decreases somewhere as C grows (it must not), and the report text of both."""
    k = power_exponent(widths, ranks, ceiling)
    decreasing = any(b < a for a, b in itertools.pairwise(ranks))
    text = f"growth with C (fitted): rank ≈ a·C^k with k = {shown(k)}"
    return k, decreasing, text + ("; FAILS: the rank decreases as C grows" if decreasing else "")


def shown(rate: float | None) -> str:
    """A fitted rate for a report line."""
    return "n/a (fewer than two points below the ceiling)" if rate is None else f"{rate:.2f}"
