"""Certificates in which one row of the feature matrix F feeds both a state and an input:
seed 001, eq. 16 at steps 0 and 1, for the box of Theorem 5.3 with M = 2 (the check is
proofs/theorem_5_3.py, part 2).

With x^(0) = x^(1) = x^(m), the state after step 0 and the input of step 1 both come from
row m of F (f = F[m]):

    s_k(m) = Σ_i G(0)[i, 0, k]·max((C(0)·f)_i, 0),     a_i(m) = (C(1)·f)_i.

Enclosing them apart lets f sit low in the state and high in the input at once, which no
point of the box does. Here, for a point f, the smallest a_i(m) and largest s_k(m) over the
boxes of C(0), G(0), C(1) are exact (each of their entries occurs once), a lower bound of
s_k that is *concave* in f is :func:`concave_states` (max(x, 0) >= x or >= 0, term by
term), and the largest a_i is convex in f. A test "concave lower bound >= convex upper
bound" that holds at the corners of a box of f holds on the whole box, so
:func:`row_dominates` bisects the box of f until, on each piece, one of the given tests
holds at the corners (:func:`piece_holds`).

**Lemma.** Suppose, at a point of the box (M = 2): (i) a_i(m) <= s_k(m) and s_k(m) >= 0
for both m and all i, k; (ii) every G(t), t >= 1, is positive and every later step
dominated (its states above 0 and above every input); (iii) for R >= 2 and each m, with
m' = 1 − m, either α(m) := max_i a_i(m) <= σ(m') := min_k s_k(m'), or f·α(m) <= min_k
s_k(m), f = ρ − (ρ − 1)β (:func:`cross_factor`: ρ >= s_j/s_j' for the states of one
template, β <= the share W_j/W of any j below). Then the grid is rank-1 shallow realizable.

*Proof.* By (ii) the grid is Σ_k c_k·h^(1)_k(x_1, x_2), c_k > 0, i.e. H(m, m') =
Σ_{i,j} w_ij·max(a_i(m'), s_j(m)) with w_ij = Σ_k c_k G(1)[i, j, k] > 0; W_j = Σ_i w_ij,
W = Σ_j W_j. A positive 2 × 2 matrix has the form max(u[m], v[m'], 0) unless an entry
exceeds both its row-mate and its column-mate (:mod:`exactrank.checks.realizability`, the "above"
witness; the later modes add nothing, the grid not depending on them). By (i), H(m, m) =
Σ w_ij s_j(m) <= H(m, m'): no diagonal witness. If H(m', m) > H(m', m'), some a_i(m) >
s_j(m'), so α(m) > σ(m') and (iii) gives f·α(m) <= min_k s_k(m). Let s_j0(m') = σ(m'): every
s_j(m') <= ρ·σ(m') < ρ·α(m) (the states of one template are sums Σ_i G(0)[i, 0, j]·p_i with
the same p_i >= 0), and a_i(m) <= α(m), so H(m', m) <= α(m)·(W_j0 + ρ(W − W_j0)) <=
α(m)·W·f <= W·min_k s_k(m) <= H(m, m): not above its column-mate. For R = 1, ρ = 1 and
(iii) follows from (i). So no entry is a witness, and with F invertible v^(t) = F^(−1)·u_t.
Where (iii) fails the bound is met (to 10^-5 in the check): at the point of
exactrank.checks.bracket_points.order_point (one component of the state at σ, the others at ρσ,
G(1) at its ends giving the share β) the grid is not rank-1.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from ..errors import InvalidInputError
from ..numbers.intervals import Interval, interval_sum


def step_inputs(C, f: list[Interval]) -> list[Interval]:
    """(C·f)_i for every row i of C: the inputs [C^(t) f_θ(x^(t))]_i of one step of seed 001,
    eq. 16 for the template of row f, enclosed."""
    return [interval_sum(c * x for c, x in zip(row, f, strict=True)) for row in C]


def concave_states(C0, G0, f, keep: list[bool]) -> list[Fraction]:
    """min over the box of C(0), G(0) of Σ_{i kept} G(0)[i, 0, k]·(C(0)·f)_i, for the point f: a
    lower bound of the state h^(0)_k of seed 001, eq. 16 (max(x, 0) >= x for a kept i, >= 0 for a
    dropped one), and a concave function of f (a minimum of linear functions, times G(0)'s positive
    lower end)."""
    pre = [interval_sum(c * x for c, x in zip(row, f, strict=True)).lo for row in C0]
    return [
        sum((G0[i, 0, k].lo * pre[i] for i in range(len(pre)) if keep[i]), Fraction(0))
        for k in range(G0.shape[2])
    ]


def vertices(f: list[Interval]):
    """The corners of the box f, as lists of Fractions."""
    return itertools.product(*((x.lo, x.hi) for x in f))


def piece_holds(C0, G0, C1, f: list[Interval], tests) -> bool:
    """True when one of ``tests`` (states, inputs) → bool holds at every corner of the box f,
    with states the concave lower bounds of :func:`concave_states` (the terms kept: those
    positive at the box's centre) and inputs (C(1)·v)_i over C(1)'s box, convex in v. Each
    test compares a concave lower bound with a convex upper bound (a difference concave in
    f), so holding at the corners it holds on the whole box."""
    centre = [Interval((x.lo + x.hi) / 2, (x.lo + x.hi) / 2) for x in f]
    keep = [interval_sum(c * x for c, x in zip(row, centre, strict=True)).lo > 0 for row in C0]
    corners = []
    for v in vertices(f):
        point = [Interval(x, x) for x in v]
        states = [Interval(x, x) for x in concave_states(C0, G0, point, keep)]
        corners.append((states, step_inputs(C1, point)))
    return any(all(test(s, a) for s, a in corners) for test in tests)


def point_holds(C0, G0, C1, v: list[Fraction], tests) -> bool:
    """Whether one of ``tests`` holds at the point f = v with the exact extremes of the states
    (keeping the terms (C(0)·v)_i whose smallest value is positive) and of the inputs."""
    point = [Interval(x, x) for x in v]
    keep = [interval_sum(c * x for c, x in zip(row, point, strict=True)).lo > 0 for row in C0]
    states = [Interval(x, x) for x in concave_states(C0, G0, point, keep)]
    inputs = step_inputs(C1, point)
    return any(test(states, inputs) for test in tests)


def row_dominates(C0, G0, C1, f: list[Interval], tests, budget: int = 1500) -> bool:
    """True when :func:`piece_holds` proves one of ``tests`` on each piece of a bisection of
    the box ``f`` (along its widest entry, where no test is proven); False when ``budget``
    pieces did not suffice. A True is a proof for every point of the box."""
    pending = [list(f)]
    while pending:
        budget -= 1
        if budget < 0:
            return False
        g = pending.pop()
        if piece_holds(C0, G0, C1, g, tests):
            continue
        points = [[(x.lo + x.hi) / 2 for x in g], *vertices(g)]
        if not all(point_holds(C0, G0, C1, list(v), tests) for v in points):
            return False  # a point fails every test exactly: no piece around it can pass
        n = max(range(len(g)), key=lambda n: g[n].hi - g[n].lo)
        if g[n].hi == g[n].lo:
            return False
        middle = (g[n].lo + g[n].hi) / 2
        for half in (Interval(g[n].lo, middle), Interval(middle, g[n].hi)):
            pending.append(g[:n] + [half] + g[n + 1 :])
    return True


def cross_factor(G0, G1) -> Fraction:
    """ρ − (ρ − 1)·β over the boxes of G(0), G(1) (the lemma for R >= 2): ρ the largest ratio
    G(0)[i, 0, j]/G(0)[i, 0, j'], β the smallest share Σ_i G(1)[i, j, k] of
    Σ_{i, j'} G(1)[i, j', k] over j, k (lower ends over upper ends)."""
    L, _, R = G0.shape
    rho = max(
        G0[i, 0, j].hi / G0[i, 0, jj].lo for i in range(L) for j in range(R) for jj in range(R)
    )
    beta = min(
        sum(G1[i, j, k].lo for i in range(L))
        / (
            sum(G1[i, j, k].lo for i in range(L))
            + sum(G1[i, jj, k].hi for i in range(L) for jj in range(R) if jj != j)
        )
        for j in range(R)
        for k in range(G1.shape[2])
    )
    return rho - (rho - 1) * beta


def rows_dominate(base, delta: Fraction, dominate, budget: int = 1500) -> bool:
    """Step 1 of the relu RNN ``base`` (M = 2, F = I) moved by δ everywhere, F included, as
    the lemma of the module docstring needs it: every G(t) positive; for each
    template m (row m of F shared, :func:`row_dominates`) the states after x^(0) = x^(m)
    dominate the inputs of x^(1) = x^(m); and, for R >= 2, either the input of x^(m) stays
    below σ (the smallest state after the other template, over the whole box) or, scaled by
    :func:`cross_factor`, below the states after x^(m). ``dominate`` (states, inputs) → bool
    is the comparison (proofs/theorem_5_3.states_dominate_inputs)."""

    def box(A):
        return np.vectorize(lambda g: Interval.around(g, delta), otypes=[object])(np.asarray(A))

    if base.M != 2:
        raise InvalidInputError(f"the row route is for M = 2 templates, got M = {base.M}")
    Gs = [box(G) for G in base.G]
    if any(g.lo <= 0 for G in Gs for g in G.flat):
        return False  # G(0) > 0 for the lower bounds of the states, G(t >= 1) for the lemma
    C0, G0, C1 = box(base.C[0]), Gs[0], box(base.C[1])
    rows = [[Interval.around(int(m == n), delta) for n in range(base.M)] for m in range(base.M)]
    if not all(row_dominates(C0, G0, C1, f, [dominate], budget) for f in rows):
        return False
    if G0.shape[2] == 1:
        return True  # R = 1: the cross condition is the one above (factor 1)
    factor = cross_factor(G0, Gs[1])
    for m, f in enumerate(rows):
        sigma = min(  # the smallest state after the other template: concave, so at a corner
            min(concave_states(C0, G0, [Interval(x, x) for x in v], [i == 1 - m for i in range(2)]))
            for v in vertices(rows[1 - m])
        )

        def below_sigma(states, inputs, sigma=sigma):
            return dominate([Interval(sigma, sigma)], inputs)

        def scaled(states, inputs):
            return dominate(states, [a * factor for a in inputs])

        if not row_dominates(C0, G0, C1, f, [below_sigma, scaled], budget):
            return False
    return True


def rows_certified(ceiling: Fraction, scale: int, certified, below=Fraction(1, 10**5)) -> Fraction:
    """The first radius k/scale = ⌊ceiling·scale·(1 − below·2^j)⌋/scale, j = 0, 1, …, at which
    ``certified`` (radius → bool, the whole certificate) holds, or 0. ``ceiling`` is a radius
    known not certifiable (a point there has a grid no rank-1 network has)."""
    while below < 1:
        k = int(ceiling * scale * (1 - below))
        if certified(Fraction(k, scale)):
            return Fraction(k, scale)
        below *= 2
    return Fraction(0)
