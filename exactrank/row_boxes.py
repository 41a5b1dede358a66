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

**Lemma (M = 2, R = 1: why this certifies Theorem 5.3's box).** Suppose, at a point of the
box, (i) a_i(m) <= s(m) := h^(0)(m) for both m and every i, (ii) every G(t), t >= 1, is
positive and every later step dominated (its state above 0 and every input). Then the grid
is c·H(x_1, x_2), c > 0, with H(m, m') = Σ_i w_i·max(a_i(m'), s(m)), w_i = G(1)[i] > 0. A
positive 2 × 2 matrix has the form max(u[m], v[m'], 0) unless some entry exceeds both its
row-mate and its column-mate (:mod:`exactrank.realizability`, the "above" witness). By (i),
H(m, m) = W·s(m), W = Σ w_i, the least of its row: no witness on the diagonal. If
H(0, 1) > H(0, 0), some a_i(1) > s(0); if s(0) <= s(1), H(0, 1) <= Σ w_i·max(s(1), s(0))
= H(1, 1); otherwise a_i(1) <= s(1) < s(0) for every i, and H(0, 1) = H(0, 0), a
contradiction. Likewise for (1, 0). So the grid is rank-1 shallow realizable (with F
invertible, v^(t) = F^(−1)·u_t). For R >= 2 the state is a vector whose components can
order differently for x^(0) and x^(1), and the lemma does not apply.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from fractions import Fraction

import numpy as np

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


def rows_dominate(base, delta: Fraction, dominate, corners_only: bool = False) -> bool:
    """Step 1 of the relu RNN ``base`` (F = I) moved by δ everywhere, F included: for each
    template m, the states after x^(0) = x^(m) dominate the inputs of x^(1) = x^(m), with row m
    of F shared (:func:`row_dominates`, or :func:`corners_dominate` only), and every G(t),
    t >= 1, is positive. Seed 001, Theorem 5.3 (proofs/theorem_5_3.py, part 2)."""

    def box(A):
        return np.vectorize(lambda g: Interval.around(g, delta), otypes=[object])(np.asarray(A))

    if any(g.lo <= 0 for t in range(1, base.T) for g in box(base.G[t]).flat):
        return False
    C0, G0, C1 = box(base.C[0]), box(base.G[0]), box(base.C[1])
    test = corners_dominate if corners_only else row_dominates
    rows = [[Interval.around(int(m == n), delta) for n in range(base.M)] for m in range(base.M)]
    return all(test(C0, G0, C1, f, dominate) for f in rows)


def rows_certified(base, scale: int, dominate, certified, below=Fraction(1, 10**5)) -> Fraction:
    """The corner threshold k_c/scale, the largest radius at which every corner of the boxes
    of F's rows dominates (:func:`rows_dominate` with ``corners_only``, by bisection; past it
    a corner is a point where a state is below its input, so no certificate of this kind
    reaches further); then the first k/scale = k_c·(1 − below·2^j)/scale, j = 0, 1, …, at
    which ``certified`` (radius → bool, the whole certificate) holds, or 0."""
    lo, hi = 0, scale // base.M + 1  # corners hold at 0; δ·M >= 1 is refused
    while hi - lo > 1:
        mid = (lo + hi) // 2
        ok = rows_dominate(base, Fraction(mid, scale), dominate, corners_only=True)
        lo, hi = (mid, hi) if ok else (lo, mid)
    while below < 1:
        k = int(lo * (1 - below))
        if certified(Fraction(k, scale)):
            return Fraction(k, scale)
        below *= 2
    return Fraction(0)
