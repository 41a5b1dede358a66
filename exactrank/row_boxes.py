"""Interval certificates in which one row of the feature matrix F feeds both a state and an
input: seed 001, eq. 16 at steps 0 and 1, for the box of Theorem 5.3.

With x^(0) = x^(1) = x^(m), the state after step 0 and the input of step 1 are both computed
from row m of F:

    h^(0)_k(m) = Σ_i G(0)[i, 0, k]·max((C(0)·f)_i, 0),     a_i(m) = (C(1)·f)_i,   f = F[m].

Enclosing them separately lets f sit low in the state and high in the input at once, which
no point of the box does. :func:`row_dominates` proves h^(0)_k(m) >= max(0, a_i(m)) for every
k, i and every point of the box by bisecting the box of f (only f is shared: each entry of
C(0), G(0) and C(1) occurs once in these formulas, so for a fixed f their interval
enclosures are exact) until the given domination test holds on every piece. The corners
of the box of f are tried first: one that fails is a point where domination fails (for
those f, the enclosures are attained), and no proof is attempted.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from .intervals import Interval, interval_max, interval_sum


def step0_states(C0, G0, f: list[Interval]) -> list[Interval]:
    """h^(0)_k = Σ_i G(0)[i, 0, k]·max((C(0)·f)_i, 0) over the box (eq. 16 from the unit 0).

    ``C0``: rows of Intervals; ``G0``: an object array of Intervals of shape (L, 1, R)."""
    pre = [interval_max(interval_sum(c * x for c, x in zip(row, f, strict=True)), 0) for row in C0]
    return [interval_sum(G0[i, 0, k] * p for i, p in enumerate(pre)) for k in range(G0.shape[2])]


def step_inputs(C, f: list[Interval]) -> list[Interval]:
    """(C·f)_i for every row i of C: the inputs of one step for the template of row f."""
    return [interval_sum(c * x for c, x in zip(row, f, strict=True)) for row in C]


def row_dominates(
    C0,
    G0,
    C1,
    f: list[Interval],
    dominate: Callable[[list[Interval], list[Interval]], bool],
    budget: int = 4000,
) -> bool:
    """True when ``dominate(step0_states(C0, G0, g), step_inputs(C1, g))`` holds for boxes g
    covering the box ``f`` (f bisected along its widest entry where it does not hold); False
    when ``budget`` pieces did not suffice. A True is a proof for every point of the box."""
    if not corners_dominate(C0, G0, C1, f, dominate):
        return False  # a point where domination fails: no proof exists
    pending = [list(f)]
    while pending:
        budget -= 1
        if budget < 0:
            return False
        g = pending.pop()
        if dominate(step0_states(C0, G0, g), step_inputs(C1, g)):
            continue
        n = max(range(len(g)), key=lambda n: g[n].hi - g[n].lo)
        if g[n].hi == g[n].lo:
            return False  # a point (up to the other entries' exact enclosures) fails
        middle = (g[n].lo + g[n].hi) / 2
        for half in (Interval(g[n].lo, middle), Interval(middle, g[n].hi)):
            pending.append(g[:n] + [half] + g[n + 1 :])
    return True


def corners_dominate(C0, G0, C1, f: list[Interval], dominate) -> bool:
    """``dominate`` at every corner of the box of f (C(0), G(0), C(1) over their boxes).
    False names a real failure: at that corner the enclosures are attained."""
    for corner in itertools.product(*((x.lo, x.hi) for x in f)):
        point = [Interval(x, x) for x in corner]
        if not dominate(step0_states(C0, G0, point), step_inputs(C1, point)):
            return False
    return True
