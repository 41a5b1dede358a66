"""Seed 001, Theorem 5.3 (Expressivity 2): an open set of relu RNNs that are rank-1 shallow.

Claim: "For every value of R there exists an open set […] of generalized RNNs with rectifier
nonlinearity ξ(x, y) = max(x, y, 0), such that for each RNN in this open set the
corresponding grid tensor can be realized by a rank 1 shallow network with rectifier
nonlinearity." The base RNN (:func:`exactrank.constructions.perturbation_base_rnn`) has the
constant grid 2(MR)^{T−1}; under a small perturbation ε of C, G and F every state dominates
every input, max(a_i, h_j) = h_j, so the grid depends on the first input only, through a
positive g(x_1), and λ = 1, v^(1) = F_ε^(−1)·g, v^(t) = 0 for t > 1 realizes it (the paper's
weights; max(g, 0, …, 0) = g).

Three parts:

1. *The base.* Its grid is the constant 2(MR)^{T−1}, for each (M, R, T) of the table.
2. *The open set, certified.* For a radius δ, every entry of every C(t), G(t) and of F is
   replaced by the interval [base − δ, base + δ] (independently per step: the box is not
   restricted to shared cores) and the recursion (eq. 16) is run in exact interval
   arithmetic (:mod:`exactrank.intervals`). If, at every step t ≥ 1, the smallest possible
   state is ≥ max(0, the largest possible input C(t)·f(x)), the last state (the score) is
   ≥ 0, and δ·M < 1 (then F is strictly diagonally dominant, hence invertible), the paper's
   argument above holds at *every* point of the closed box, so its interior is an open set
   as the theorem claims. The largest δ = k/2^12 for which this succeeds is found by
   bisection (the test is monotone in δ: interval arithmetic is inclusion isotone).
3. *Against a search.* Exact rational perturbations of radius δ' beyond the certified δ
   (random vertices of the box and a few adversarial ones), whose grid is decided exactly by
   :func:`exactrank.realizability.relu_rank_one_shallow`; the smallest δ' with a grid that
   no rank-1 shallow relu network realizes bounds the true radius from above. Inside
   δ = 1/100, sampled perturbations must be reproduced exactly by the paper's weights.

A PASS proves the theorem for the (M, R, T) listed (an open box around the base network),
not for every R; the certified δ is a lower bound on the largest box, the search's δ' an
upper bound on the largest box around this base point in the max-norm.
"""

from __future__ import annotations

import random
import sys
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.constructions import exact_inverse, perturbation_base_rnn
from exactrank.intervals import Interval, hull, interval_max, interval_sum
from exactrank.realizability import relu_rank_one_shallow
from exactrank.theorems import CheckResult, outcome, script_main

NAME = "theorem_5_3"
CLAIM = "an open box of relu RNNs around the base network is rank-1 shallow realizable"
EXPECTED = "PASS"
SIZES = [(2, 1, 3), (2, 2, 3), (3, 2, 3), (2, 3, 4)]
CERTIFIED_ONLY = [(4, 4, 6), (8, 8, 8)]  # the interval proof needs no grid
SCALE = 2**12


def certified_box(M: int, R: int, T: int, delta: Fraction) -> bool:
    """True when every RNN within δ of the base network (all C, G, F entries) has a
    grid realized by a rank-1 shallow relu network: the interval argument of part 2."""
    if delta * M >= 1:
        return False
    base = perturbation_base_rnn(M, R, T)
    F = [[Interval.around(int(m == n), delta) for n in range(M)] for m in range(M)]
    C = [[[Interval.around(c, delta) for c in row] for row in base.C[t]] for t in range(T)]
    G = [np.vectorize(lambda g: Interval.around(g, delta), otypes=[object])(g) for g in base.G]

    def inputs(t: int, m: int) -> list[Interval]:  # (C(t)·f(x^(m)))_i for every i
        return [interval_sum(c * f for c, f in zip(row, F[m], strict=True)) for row in C[t]]

    L = len(C[0])
    h = [  # step 0 from the unit state: ξ(a, 0) = max(a, 0), hulled over the inputs m
        hull(
            interval_sum(G[0][i, 0, k] * interval_max(a[i], 0) for i in range(L))
            for a in (inputs(0, m) for m in range(M))
        )
        for k in range(G[0].shape[2])
    ]
    for t in range(1, T):
        largest_input = max(a.hi for m in range(M) for a in inputs(t, m))
        if min(x.lo for x in h) < max(largest_input, 0):
            return False  # some state might not dominate some input
        L, R_in, R_out = G[t].shape
        h = [
            interval_sum(G[t][i, j, k] * h[j] for i in range(L) for j in range(R_in))
            for k in range(R_out)
        ]
    return h[0].lo >= 0


def largest_certified(M: int, R: int, T: int) -> Fraction:
    """The largest δ = k/2^12 that :func:`certified_box` proves (bisection on k)."""
    lo, hi = 0, SCALE // M + 1  # certified_box(lo) holds; certified_box(hi) fails (δ·M >= 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if certified_box(M, R, T, Fraction(mid, SCALE)) else (lo, mid)
    return Fraction(lo, SCALE)


def perturbed(base: er.GeneralizedRNN, delta: Fraction, rng: random.Random, mode: str):
    """A perturbation of every C, G, F entry by ±δ (a vertex of the box): random signs,
    or the adversarial "low" choice (states down, inputs up), or uniform inside."""
    M = base.M

    def move(A, sign):
        A = np.array(A, dtype=object)
        if mode == "inside":
            noise = [Fraction(rng.randint(-1000, 1000), 1000) * delta for _ in range(A.size)]
        elif mode == "random":
            noise = [rng.choice((-delta, delta)) for _ in range(A.size)]
        else:
            noise = [sign * delta] * A.size
        return A + np.array(noise, dtype=object).reshape(A.shape)

    F = move(np.eye(M, dtype=object), 1)
    C = [move(c, 1 if t else -1) for t, c in enumerate(base.C)]
    G = [move(g, -1) for g in base.G]
    return er.GeneralizedRNN("relu", C, G, F=F)


def rank_one_shallow(model: er.GeneralizedRNN) -> er.GeneralizedShallow:
    """The paper's rank-1 shallow network for a perturbed RNN: g on the first input only."""
    M, T = model.M, model.T
    g = [er.score(model, [m] + [0] * (T - 1)) for m in range(M)]  # the grid's first-mode profile
    v1 = exact_inverse(model.F) @ np.array(g, dtype=object)  # ⟨F[m], v1⟩ = g[m]
    V = np.array([[list(v1)] + [[0] * M] * (T - 1)], dtype=object)
    return er.GeneralizedShallow("relu", [1], V, F=model.F)


def first_violation(M, R, T, delta, rng, samples: int) -> Fraction | None:
    """The smallest δ' = δ·(1 + j/8), j = 1 … 24, at which a sampled perturbation's grid is
    not rank-1 shallow realizable (F invertible), or None."""
    base = perturbation_base_rnn(M, R, T)
    for j in range(1, 25):
        radius = delta * (1 + Fraction(j, 8))
        for s in range(samples):
            model = perturbed(base, radius, rng, "low" if s == 0 else "random")
            if er.rank(model.F).rank < M:
                continue
            if relu_rank_one_shallow(er.grid_tensor(model)) is None:
                return radius
    return None


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(53), [], 0, 0
    for M, R, T in SIZES:
        base = perturbation_base_rnn(M, R, T)
        grid = er.grid_tensor(base).to_fractions()
        instances += 1
        if not np.all(grid == 2 * (M * R) ** (T - 1)):
            failures += 1
            details.append(f"M={M} R={R} T={T}: the base grid is not 2(MR)^(T-1)")
        for _ in range(10 if full else 5):
            model = perturbed(base, Fraction(1, 100), rng, "inside")
            same = np.array_equal(
                er.grid_tensor(model).to_fractions(),
                er.grid_tensor(rank_one_shallow(model)).to_fractions(),
            )
            instances += 1
            if not same:
                failures += 1
                details.append(f"M={M} R={R} T={T}: a perturbation is not rank-1 realizable")
    for M, R, T in SIZES + (CERTIFIED_ONLY if full else CERTIFIED_ONLY[:1]):
        delta = largest_certified(M, R, T)
        instances += 1
        if delta == 0:
            failures += 1
            details.append(f"M={M} R={R} T={T}: no box certified")
            continue
        line = f"M={M} R={R} T={T}: box of radius {delta} = {float(delta):.4f} certified"
        if (M, R, T) in SIZES:
            found = first_violation(M, R, T, delta, rng, 8 if full else 3)
            line += (
                f"; first violation found at δ' = {found} = {float(found):.4f}"
                f" ({float(found / delta):.2f}× the certified radius)"
                if found is not None
                else f"; no violation found up to {float(4 * delta):.4f}"
            )
        details.append(line)
    return outcome(NAME, CLAIM, EXPECTED, instances, failures, details)


def main(argv=None) -> int:
    return script_main(check, argv)


if __name__ == "__main__":
    sys.exit(main())
