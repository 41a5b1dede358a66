"""Seed 000, Claim 6: an open set of deep rectifier networks that one hidden channel replicates.

Claim: "A non-negligible (positive measure) set of the functions realizable by a deep
convolutional rectifier network can be replicated by a shallow network with just a few
hidden channels" (Cohen & Shashua, ICML 2016). Definitions as in ``seed000_claim_5``: deep =
hierarchical network over the contiguous binary tree, relu after every conv, max or mean
pooling; shallow = one hidden conv with relu, global pooling, dense output.

Base networks (:func:`exactrank.constructions.collapsing_conv`, width r, F = I), and the
box of radius δ around them (every conv weight, output weight and entry of F within δ),
certified by exact interval arithmetic (:mod:`exactrank.numbers.intervals`), channels enclosed over
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

The largest δ = k/2^30 certified is found by bisection (the test is monotone in δ). Then,
independently, the constructed point of the bracket at r_lo and random vertices of the
certified box are decided exactly by :func:`exactrank.checks.realizability.relu_rank_one_shallow`
(max) and :func:`~exactrank.checks.realizability.relu_mean_rank_one` (mean), and, as a control,
generic deep networks (weights in ±10^6), which are not collapsed: their fraction is reported.

*The bracket.* Above r_lo, a point constructed at the certifier's own extremes
(:mod:`exactrank.checks.collapse_points`) has a grid no hidden channel replicates, proven by exact
scores of the brute-force evaluator: for max pooling the root's right child overtakes the left
one on every channel at templates (0, …, 0 | 1, …, 1), and each right mode set to 0 lowers
the grid (:class:`exactrank.checks.realizability.NotRankOne`, "above"); its radius r_hi is the
smallest k/2^30 where the witness holds. The interval bounds the certifier compares at the
root's window are attained there (rows 0 and 1 of F are different rows), so the bracket
closes: r_hi/r_lo − 1 ≈ 10^-8. For mean pooling r_hi = 1/M exactly: F = (1 − δ)I − δ(1 − I)
is singular (rows summing to 0) while every template lights a channel of every leaf, so the
grid is positive everywhere but any one-channel network on the same features has a zero entry
(:class:`exactrank.checks.collapse_points.SingularFeatures`); below 1/M F is diagonally dominant,
and r_lo = ⌊(2^30 − 1)/M⌋/2^30. The check fails when a witness does not hold, when the
certifier proves the box of radius r_hi (which holds the witness point), or when
r_hi/r_lo − 1 > 10^-4.

Instances: (M, N, r) ∈ {(2, 4, 2), (3, 4, 2), (2, 8, 2)} ((3, 8, 3), (2, 16, 2) in full
mode). A PASS proves, for these sizes, an open box of deep networks replicated by one
hidden channel — "a few" read as one.
"""

from __future__ import annotations

import functools
import random
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.checks.collapse_points import SingularFeatures, max_pooling_point, mean_pooling_point
from exactrank.checks.realizability import relu_mean_rank_one, relu_rank_one_shallow
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.constructions import collapsing_conv
from exactrank.numbers.intervals import Interval, hull, interval_max, interval_sum

NAME = "seed000_claim_6"
CLAIM = "an open box of deep relu networks (max or mean pooling) is replicated by 1 hidden channel"
EXPECTED = "PASS"
QUICK = [(2, 4, 2), (3, 4, 2), (2, 8, 2)]
FULL = QUICK + [(3, 8, 3), (2, 16, 2)]
SCALE = 2**30  # radii are k/SCALE: fine enough for r_hi/r_lo − 1 <= TIGHT
TIGHT = Fraction(1, 10**4)
DECIDE = {"max": relu_rank_one_shallow, "mean": relu_mean_rank_one}
POINT = {"max": max_pooling_point, "mean": mean_pooling_point}


def certified_box(base: er.HierarchicalNetwork, delta: Fraction) -> bool:
    """True when every network within δ of ``base`` is replicated by one hidden channel
    (the interval argument of the docstring)."""
    M, mean = base.M, base.pooling[0].mean
    if not diagonally_dominant(M, delta):
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


def diagonally_dominant(M: int, delta: Fraction) -> bool:
    """δ·M < 1: every F within δ of I has |F[m, m]| > Σ_{n≠m} |F[m, n]|, so is invertible
    (and the shallow weights v^(t) = F^(−1)·u_t exist)."""
    return delta * M < 1


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


def bracket_point(base: er.HierarchicalNetwork, delta: Fraction):
    """(model, witness): the constructed point of :mod:`exactrank.checks.collapse_points` at radius
    δ around ``base``, for its pooling."""
    pooling = base.pooling[0].name
    weights, output, F, witness = POINT[pooling](base, delta)
    return er.HierarchicalNetwork(base.tree, weights, output, F, "relu", pooling), witness


def witness_holds(model: er.HierarchicalNetwork, witness) -> bool:
    """Whether ``witness`` holds on the exact scores of ``model`` (the brute-force evaluator,
    entry by entry; the whole grid for the singular-features witness of mean pooling)."""
    if isinstance(witness, SingularFeatures):
        grid = er.grid_tensor(model)
        return witness.holds(model.F, lambda x: grid.values[x], model.N)
    return witness.holds(functools.cache(lambda x: er.score(model, list(x))))


def upper_bracket(base: er.HierarchicalNetwork, r_lo: Fraction):
    """(r_hi, model, witness): the smallest radius k/SCALE above r_lo at which the
    constructed point's witness holds (found by doubling the step, then bisecting; for mean
    pooling the point at δ = 1/M, where F is singular, the caller checking its witness);
    None if none up to 2·r_lo."""
    if base.pooling[0].mean:
        return (Fraction(1, base.M), *bracket_point(base, Fraction(1, base.M)))

    def found(k):
        model, witness = bracket_point(base, Fraction(k, SCALE))
        return (model, witness) if witness_holds(model, witness) else None

    k_lo = int(r_lo * SCALE)
    step, at = 1, None
    while at is None and step <= k_lo:
        at = found(k_lo + step)
        step *= 2
    if at is None:
        return None
    lo, hi = k_lo + step // 4, k_lo + step // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        at_mid = found(mid)
        lo, hi, at = (lo, mid, at_mid) if at_mid is not None else (mid, hi, at)
    return (Fraction(hi, SCALE), *at)


def bracket_line(base: er.HierarchicalNetwork, delta: Fraction):
    """(failed, r_hi or None, text) for the upper side of the bracket above the certified
    ``delta``: the witness re-checked, the certifier asked about the box of radius r_hi
    (which holds the point: proving it would prove a false statement), the gap bounded."""
    upper = upper_bracket(base, delta)
    if upper is None:
        return True, None, "; no point found past it whose witness holds (up to 2·r_lo)"
    r_hi, model, witness = upper
    gap = r_hi / delta - 1 if delta else None
    if isinstance(witness, SingularFeatures):
        said = witness.describe()
    else:
        said = witness.describe(functools.cache(lambda x: er.score(model, list(x))))
    text = (
        f"; r_hi = {float(r_hi):.8f} (= {r_hi}): the constructed point there is replicated by "
        f"no hidden channel, {said}; r_hi/r_lo − 1 = {'∞' if gap is None else f'{float(gap):.3g}'}"
    )
    if not witness_holds(model, witness):
        return True, r_hi, text + ": the witness does NOT hold"
    if r_hi <= delta:
        return True, r_hi, text + ", at or below r_lo: the certified box holds this point"
    if certified_box(base, r_hi):
        return True, r_hi, text + ", yet the certifier proves the box of radius r_hi"
    if witness_holds(*bracket_point(base, delta)):
        return True, r_hi, text + ", yet its witness holds at r_lo, in the certified box"
    if gap is None or gap > TIGHT:
        return True, r_hi, text + f": the bracket is NOT tight (more than {TIGHT})"
    return False, r_hi, text


def reverified(base: er.HierarchicalNetwork, delta: Fraction, rng, count: int):
    """(decided, problem): random vertices of the certified box and the constructed point at
    radius δ, each grid decided exactly by the procedure of its pooling; problem names the
    first not replicated by one hidden channel, or is None."""
    pooling = base.pooling[0].name
    points = [(f"the bracket point of radius {delta}", bracket_point(base, delta)[0])]
    points += [("a random vertex of the box", vertex(base, delta, rng)) for _ in range(count)]
    for name, model in points:
        if DECIDE[pooling](er.grid_tensor(model)) is None:
            return len(points), f"{name} is NOT replicated by one hidden channel"
    return len(points), None


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances, radii = random.Random(6), [], 0, 0, {}
    for pooling in ("max", "mean"):
        for M, N, r in FULL if full else QUICK:
            base = collapsing_conv(M, N, r, pooling)
            delta = largest_certified(base)
            decided, problem = reverified(base, delta, rng, 6 if full else 3)
            generic = [
                er.random_hierarchical(
                    base.tree, M, r, seed=rng.randrange(2**32), activation="relu", pooling=pooling
                )
                for _ in range(3)
            ]
            control = sum(DECIDE[pooling](er.grid_tensor(m)) is not None for m in generic)
            broken, r_hi, upper = bracket_line(base, delta)
            ok = delta > 0 and problem is None and not broken
            radii[pooling] = (
                f"{pooling} pooling at M = {M}, N = {N}, r = {r}: r_lo = {float(delta):.8f}, "
                f"r_hi = {float(r_hi or 0):.8f}, r_hi/r_lo − 1 = "
                f"{float(r_hi / delta - 1) if r_hi and delta else float('inf'):.2g}"
            )
            instances += 1
            failures += not ok
            reverify = problem or f"{decided} points of it (the bracket point, vertices) decided "
            details.append(
                f"{pooling} M={M} N={N} r={r}: box of radius r_lo = {float(delta):.8f} "
                f"(= {delta}) certified; {reverify}"
                f"{'' if problem else 'replicated by one channel'}; generic networks: "
                f"{control}/{len(generic)}{upper}"
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
        quantity="; ".join(radii.values()),
    )


if __name__ == "__main__":
    run_script(check)
