"""Seed 000, Claim 6: an open set of deep rectifier networks that one hidden channel replicates.

Claim: "A non-negligible (positive measure) set of the functions realizable by a deep
convolutional rectifier network can be replicated by a shallow network with just a few
hidden channels" (Cohen & Shashua, ICML 2016). Definitions as in ``seed000_claim_5``: deep =
hierarchical network over the contiguous binary tree, relu after every conv, max or mean
pooling; shallow = one hidden conv with relu, global pooling, dense output.

Base networks (:func:`exactrank.constructions.collapsing_conv`, width r, F = I), and the
box of radius δ around them (every conv weight, output weight and entry of F within δ),
certified by exact interval arithmetic (:mod:`exactrank.intervals`), channels enclosed over
all inputs and all points of the box, bottom-up:

* max pooling: at every window on the path of mode 0, the child holding mode 0 must
  dominate its siblings channel by channel (its smallest value ≥ their largest); then max
  pooling keeps that child's values, the output is a function g(x_0), and if g ≥ 0 the
  width-1 shallow network λ = 1, v^(0) = F^(−1)·g, v^(t) = 0 realizes it.
* mean pooling: every pre-activation above the leaves must be ≥ 0 (relu is then the
  identity there and the network linear in the leaf outputs: Σ_t u_t(x_t), u_t a
  combination of the relu outputs of leaf t, functions of x_t alone whatever their sign
  before the relu) and every weight above the leaves ≥ 0 (so u_t ≥ 0); then λ = N,
  v^(t) = F^(−1)·u_t (one channel of average pooling) realizes it.
* both: δ·M < 1, so F is strictly diagonally dominant, hence invertible.

The largest δ = k/2^12 certified is found by bisection (the test is monotone in δ). Then,
independently, random vertices of the certified box are decided exactly by
:func:`exactrank.realizability.relu_rank_one_shallow` (max) and
:func:`~exactrank.realizability.relu_mean_rank_one` (mean), and, as a control, generic
deep networks (weights in ±10^6), which are not collapsed: their fraction is reported.

*The bracket.* Above r_lo (the certified radius), vertices of larger boxes, radius
r_lo·(1 + k/64) with k doubled then bisected, are sampled until one has a grid that no
such network has, proven by a few entries re-evaluated by the brute-force evaluator
(:class:`exactrank.realizability.NotRankOne` for max pooling: a rank-1 max-form fails;
:class:`~exactrank.realizability.MeanNotRankOne` for mean pooling: not additively
separable, or both signs): the largest box around the base lies between r_lo and that
r_hi. The bracket is loose (r_hi/r_lo ≈ 1.5–2 for max pooling, 2–3 for mean pooling):
the certificates are sufficient conditions only, and the witness points are sampled, not
constructed. For mean pooling r_lo is 1/M (F may turn singular beyond) and the witnesses
appear near δ = 1, where weights above the leaves turn negative; between, the grids stay
separable with parts of one sign, and whether one hidden channel with the *same*,
singular, F replicates them is not decided here.

Instances: (M, N, r) ∈ {(2, 4, 2), (3, 4, 2), (2, 8, 2)} ((3, 8, 3), (2, 16, 2) in full
mode). A PASS proves, for these sizes, an open box of deep networks replicated by one
hidden channel — "a few" read as one.
"""

from __future__ import annotations

import functools
import random
import sys
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.constructions import collapsing_conv
from exactrank.intervals import Interval, hull, interval_max, interval_sum
from exactrank.realizability import (
    mean_not_rank_one_witness,
    not_rank_one_witness,
    relu_mean_rank_one,
    relu_rank_one_shallow,
)
from exactrank.theorems import CheckResult, outcome, script_main

NAME = "seed000_claim_6"
CLAIM = "an open box of deep relu networks (max or mean pooling) is replicated by 1 hidden channel"
EXPECTED = "PASS"
QUICK = [(2, 4, 2), (3, 4, 2), (2, 8, 2)]
FULL = QUICK + [(3, 8, 3), (2, 16, 2)]
SCALE = 2**12
DECIDE = {"max": relu_rank_one_shallow, "mean": relu_mean_rank_one}
WITNESS = {"max": not_rank_one_witness, "mean": mean_not_rank_one_witness}
MAX_BRACKET_GRID = 3**8  # the upper-bracket search decides many grids: (2, 16, 2) is skipped


def certified_box(base: er.HierarchicalNetwork, delta: Fraction) -> bool:
    """True when every network within δ of ``base`` is replicated by one hidden channel
    (the interval argument of the docstring)."""
    M, mean = base.M, base.pooling[0].mean
    if delta * M >= 1:
        return False

    def box(A):
        return np.vectorize(lambda a: Interval.around(a, delta), otypes=[object])(A)

    F = box(base.F)
    above_leaves = [W for level in base.weights[1:] for W in level] + [base.output]
    if mean and any(w.lo < 0 for W in above_leaves for w in box(W).flat):
        return False  # u_t >= 0 needs every weight above the leaves, the output's too, >= 0
    channels = {}
    for mode in range(base.N):
        W = box(base.weights[0][mode])
        pre = [
            hull(interval_sum(W[g, n] * F[m, n] for n in range(M)) for m in range(M))
            for g in range(W.shape[0])
        ]
        channels[mode] = ([interval_max(p, 0) for p in pre], mode == 0)
    for l in range(1, base.L + 1):
        for k, node in enumerate(base.levels[l]):
            children = [channels.pop(child) for child in node]
            pooled = _pool(children, mean)
            if pooled is None:
                return False
            W = box(base.output.reshape(1, -1)) if l == base.L else box(base.weights[l][k])
            pre = [
                interval_sum(W[g, c] * x for c, x in enumerate(pooled)) for g in range(W.shape[0])
            ]
            if l == base.L:
                return mean or pre[0].lo >= 0
            if mean and min(p.lo for p in pre) < 0:
                return False
            has_zero = any(zero for _, zero in children)
            channels[node] = ([interval_max(p, 0) for p in pre], has_zero)
    raise AssertionError("the root was not reached")


def _pool(children, mean: bool):
    values = [c for c, _ in children]
    if mean:
        return [
            interval_sum(v[g] for v in values) * Fraction(1, len(values))
            for g in range(len(values[0]))
        ]
    zero = [c for c, has_zero in children if has_zero]
    if not zero:
        return [interval_max(*(v[g] for v in values)) for g in range(len(values[0]))]
    (dominant,) = zero
    for other, has_zero in children:
        if not has_zero and not dominates(dominant, other):
            return None  # a sibling might win the max: the value would not be g(x_0) alone
    return dominant


def dominates(dominant, other) -> bool:
    """True when every channel's smallest value in ``dominant`` is >= its largest in
    ``other``, so that max pooling keeps ``dominant`` at every point of the box."""
    return all(o.hi <= d.lo for o, d in zip(other, dominant, strict=True))


def largest_certified(base: er.HierarchicalNetwork) -> Fraction:
    lo, hi = 0, SCALE // base.M + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if certified_box(base, Fraction(mid, SCALE)) else (lo, mid)
    return Fraction(lo, SCALE)


def vertex(base: er.HierarchicalNetwork, delta: Fraction, rng: random.Random):
    """A random vertex of the box of radius δ around ``base``."""

    def move(A):
        A = np.array(A, dtype=object)
        noise = [rng.choice((-delta, delta)) for _ in range(A.size)]
        return A + np.array(noise, dtype=object).reshape(A.shape)

    weights = [[move(W) for W in level] for level in base.weights]
    return er.HierarchicalNetwork(
        base.tree, weights, move(base.output), move(base.F), "relu", base.pooling[0].name
    )


def refuting_vertex(base: er.HierarchicalNetwork, radius, rng: random.Random, samples: int):
    """(model, witness) for the first of ``samples`` random vertices of the box of this
    radius whose grid one hidden channel cannot replicate, or None."""
    for _ in range(samples):
        model = vertex(base, radius, rng)
        witness = WITNESS[base.pooling[0].name](er.grid_tensor(model))
        if witness is not None:
            return model, witness
    return None


def upper_bracket(base: er.HierarchicalNetwork, r_lo: Fraction, rng, samples: int):
    """(r_hi, model, witness): a radius r_lo·(1 + k/64), k doubled from 1 (up to 256) and
    then bisected, at which a sampled vertex has a witness; None if none was found."""
    k, found = 1, None
    while k <= 256 and found is None:
        found = refuting_vertex(base, r_lo * (1 + Fraction(k, 64)), rng, samples)
        k = k * 2 if found is None else k
    if found is None:
        return None
    lo, hi = k // 2, k
    while hi - lo > 1:
        mid = (lo + hi) // 2
        at_mid = refuting_vertex(base, r_lo * (1 + Fraction(mid, 64)), rng, samples)
        lo, hi, found = (lo, mid, at_mid) if at_mid is not None else (mid, hi, found)
    return (r_lo * (1 + Fraction(hi, 64)), *found)


def bracket_line(base: er.HierarchicalNetwork, delta: Fraction, rng, samples: int):
    """(failed, text) for the upper side of the bracket above the certified ``delta``."""
    upper = upper_bracket(base, delta, rng, samples)
    if upper is None:
        return False, "; no sampled vertex up to 5× the radius refuted"
    r_hi, model, witness = upper
    values = functools.cache(lambda x: er.score(model, list(x)))
    text = (
        f"; r_hi = {float(r_hi):.4f} ({float(r_hi / delta):.3f}× r_lo): a vertex no hidden "
        f"channel replicates, {witness.describe(values)}"
    )
    if not witness.holds(values) or r_hi <= delta:
        return True, text + ": the witness does NOT hold"
    return False, text


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances, radii = random.Random(6), [], 0, 0, []
    for pooling in ("max", "mean"):
        for M, N, r in FULL if full else QUICK:
            base = collapsing_conv(M, N, r, pooling)
            delta = largest_certified(base)
            samples = [vertex(base, delta, rng) for _ in range(6 if full else 3)]
            collapsed = [DECIDE[pooling](er.grid_tensor(m)) is not None for m in samples]
            generic = [
                er.random_hierarchical(
                    base.tree, M, r, seed=rng.randrange(2**32), activation="relu", pooling=pooling
                )
                for _ in range(3)
            ]
            control = sum(DECIDE[pooling](er.grid_tensor(m)) is not None for m in generic)
            broken, upper = (
                bracket_line(base, delta, rng, 6 if full else 4)
                if M**N <= MAX_BRACKET_GRID
                else (False, "; no upper bracket searched (grid too large to sample often)")
            )
            ok = delta > 0 and all(collapsed) and not broken
            bracketed = [x for x in (FULL if full else QUICK) if x[0] ** x[1] <= MAX_BRACKET_GRID]
            if (M, N, r) == bracketed[-1]:
                radii.append(
                    f"{pooling} pooling at M = {M}, N = {N}, r = {r}: r_lo = {float(delta):.4f}"
                    + upper.split(":")[0]
                )
            instances += 1
            failures += not ok
            details.append(
                f"{pooling} M={M} N={N} r={r}: box of radius r_lo = {delta} = {float(delta):.4f} "
                f"certified; {sum(collapsed)}/{len(collapsed)} of its vertices decided "
                f"replicable by one channel; generic networks: {control}/{len(generic)}{upper}"
            )
    M, N, r = (FULL if full else QUICK)[-1]
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest=f"M = {M}, N = {N}, r = {r}",
        quantity="; ".join(radii),
    )


def main(argv=None) -> int:
    return script_main(check, argv)


if __name__ == "__main__":
    sys.exit(main())
