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
   arithmetic (:mod:`exactrank.numbers.intervals`). If, at every step t ≥ 1, the smallest possible
   state is ≥ max(0, the largest possible input C(t)·f(x)), the last state (the score) is
   ≥ 0, and δ·M < 1 (then F is strictly diagonally dominant, hence invertible), the paper's
   argument above holds at *every* point of the closed box, so its interior is an open set
   as the theorem claims. The largest δ = k/2^40 for which this succeeds, r_lo, is found by
   walking from a float guess (the test is monotone in δ: interval arithmetic is
   inclusion isotone, so k certified and k + 1 not pins it down). The
   same is done for the box of the RNN's own weights C, G with F = I fixed (the templates).
   *Row by row of F (M = 2, F moving).* Enclosing states and inputs apart lets row m of F
   be low in the state after x^(1) = x^(m) and high in the input x^(2) = x^(m) at once;
   for M = 2 that gives only 1/7. There step 1 is certified instead by the lemma of
   :mod:`exactrank.checks.row_boxes` (:func:`exactrank.checks.row_boxes.rows_dominate`: each row
   of F shared by the state and input it feeds, on a bisection of its box): each state above
   the input of its own template and, for R >= 2, each input below the other template's
   smallest state or, scaled by ρ − (ρ − 1)β, below its own template's states; every
   G(t), t >= 1, positive; the later steps dominated as above (the enclosure after step 1
   uses ξ(a, h) = max(a, h, 0) itself). Then no grid entry exceeds both its row-mate and
   its column-mate: rank-1 (not the paper's network: past 1/7 the grid may depend on x_2).
   r_lo is the first of r_hi·(1 − 10^-5·2^j) so certified, r_hi from part 3.
   *Re-verified by another route*, so that a broken certifier turns the verdict: at the
   adversarial "low" vertex, random vertices and rational interior points of the certified
   box, exactly over QQ and without intervals, F must be invertible, the grid decided
   rank-1 shallow realizable (:func:`exactrank.checks.realizability.relu_rank_one_shallow`) and
   equal to the grid of that network (the paper's where the grid depends on x_1 alone),
   a "rank <= 0" certificate of their difference checked by the stand-alone checker
   (proofs/verify_certificate.py) for grids of at most 64 entries; the (8, 8, 8) box of
   the full run, whose grid is too large to hold, at 4 points on 32 sampled entries each.
3. *The bracket.* A point at radius r_hi (:func:`bracket_point`) whose grid no rank-1
   shallow relu network realizes, proven by a few exact scores
   (:class:`exactrank.checks.realizability.NotRankOne`): so the largest box around the base lies
   between r_lo and r_hi. The point: rows x_1 = 0 and x_1 = w of the step-0 weights at
   their smallest (C(0) diagonal 1 − δ, off-diagonal −δ; G(0) = 2 − δ, row 0 raised by
   θ·δ), the input x_2 = 1 at its largest (row 1 of C(1) all +δ); with F moving, rows 0
   and w of F low (diagonal 1 − δ), row 1 high. Past the step-1 dominance threshold both
   x_1 = 0 and x_1 = w have a state below the input x_2 = 1, by different amounts, so
   grid[0, 1, 0…] exceeds both grid[0, 0, 0…] and grid[w, 1, 0…]: an "above" witness.
   r_hi is the smallest k/2^40 where the witness holds; the same point at r_lo is
   re-verified with the sampled ones, and its witness must fail there (so an inflated
   r_lo turns the verdict).
   For M = 2, R >= 2 with F moving the point is
   :func:`exactrank.checks.bracket_points.order_point` instead: every state still dominates the
   input of its own template, but G(0) orders the state's components differently after
   x^(0) and x^(1) and G(1) weighs those where x^(0) is ahead (r_hi ≈ 0.1917 for R = 2,
   0.1859 for R = 3, below the (5 − √17)/4 ≈ 0.2192 where a state falls below its own
   template's input, which is r_hi for R = 1).
   *Tightness.* r_hi/r_lo − 1 <= 10^-4 is required for every box and size.
Inside δ = 1/100, sampled perturbations must be reproduced exactly by the paper's weights.

A PASS proves the theorem for the (M, R, T) listed (an open box around the base network),
not for every R, and brackets the largest such box around this base point (max-norm).
"""

from __future__ import annotations

import functools
import importlib.util
import random
from fractions import Fraction
from pathlib import Path

import numpy as np

import exactrank as er
from exactrank.checks import row_boxes
from exactrank.checks.bracket_points import bracket_point
from exactrank.checks.realizability import rank_one_shallow_network
from exactrank.checks.theorems import CheckResult, difference_certificate, outcome, run_script
from exactrank.constructions import exact_inverse, perturbation_base_rnn
from exactrank.numbers.intervals import Interval, hull, interval_max, interval_sum

NAME = "theorem_5_3"
CLAIM = "an open box of relu RNNs around the base network is rank-1 shallow realizable"
EXPECTED = "PASS"
SIZES = [(2, 1, 3), (2, 2, 3), (3, 2, 3), (2, 3, 4)]
CERTIFIED_ONLY = [(4, 4, 6), (8, 8, 8)]  # the interval proof needs no grid
SCALE = 2**40
TIGHT = Fraction(1, 10**4)  # the largest r_hi/r_lo − 1 accepted


def certified_box(M: int, R: int, T: int, delta: Fraction, moves_F: bool = True) -> bool:
    """True when every RNN within δ of the base network (all C, G entries, and F's when
    ``moves_F``) has a grid realized by a rank-1 shallow relu network: the interval
    argument of part 2."""
    if moves_F and delta * M >= 1:
        return False
    by_rows = rows_route(M, moves_F)
    for t, (states, inputs) in enumerate(enclosures(M, R, T, delta, moves_F), start=1):
        if inputs is None:
            return states[0].lo >= 0
        if t == 1 and by_rows:
            if not row_boxes.rows_dominate(
                perturbation_base_rnn(M, R, T), delta, states_dominate_inputs
            ):
                return False
        elif not states_dominate_inputs(states, inputs):
            return False
    raise AssertionError("enclosures() ends with the score")


def rows_route(M: int, moves_F: bool) -> bool:
    """Whether step 1 is certified row by row of F (part 2: M = 2 with F moving, any R)."""
    return moves_F and M == 2


def rows_certified(M: int, R: int, T: int) -> Fraction:
    """r_lo on the row route (part 2, M = 2): the first of r_hi·(1 − 10^-5·2^j), j = 0, 1, …,
    that :func:`certified_box` proves (:func:`exactrank.checks.row_boxes.rows_certified`), r_hi the
    radius of the witness point (:func:`upper_bracket` searched from 0)."""
    ceiling = upper_bracket(M, R, T, Fraction(0))[0]
    return row_boxes.rows_certified(ceiling, SCALE, lambda d: certified_box(M, R, T, d))


def enclosures(M: int, R: int, T: int, delta: Fraction, moves_F: bool = True):
    """For t = 1 … T − 1, the enclosures (states h_(t−1), inputs C(t)·f(x)) over the box,
    the states computed as if the earlier ones dominated (ξ(a, h) = h); last (score, None)."""
    base = perturbation_base_rnn(M, R, T)
    F_radius = delta if moves_F else 0
    F = [[Interval.around(int(m == n), F_radius) for n in range(M)] for m in range(M)]

    def C(t: int) -> list[list[Interval]]:  # built when needed: the first steps decide most
        return [[Interval.around(c, delta) for c in row] for row in base.C[t]]

    def G(t: int) -> np.ndarray:
        return np.vectorize(lambda g: Interval.around(g, delta), otypes=[object])(base.G[t])

    def inputs(t: int, m: int) -> list[Interval]:  # (C(t)·f(x^(m)))_i for every i
        return [interval_sum(c * f for c, f in zip(row, F[m], strict=True)) for row in C(t)]

    G0 = G(0)
    L = G0.shape[0]
    h = [  # step 0 from the unit state: ξ(a, 0) = max(a, 0), hulled over the inputs m
        hull(
            interval_sum(G0[i, 0, k] * interval_max(a[i], 0) for i in range(L))
            for a in (inputs(0, m) for m in range(M))
        )
        for k in range(G0.shape[2])
    ]
    for t in range(1, T):
        a = [inputs(t, m) for m in range(M)]
        yield h, [x for row in a for x in row]
        Gt = G(t)
        L, R_in, R_out = Gt.shape
        a = [hull(row[i] for row in a) for i in range(L)]  # ξ(a_i, h_j): = h_j if dominated
        h = [
            interval_sum(
                Gt[i, j, k] * interval_max(a[i], h[j], 0) for i in range(L) for j in range(R_in)
            )
            for k in range(R_out)
        ]
    yield h, None


def states_dominate_inputs(states: list[Interval], inputs: list[Interval]) -> bool:
    """True when the smallest possible state is >= max(0, the largest possible input), so
    that ξ(a_i, h_j) = max(a_i, h_j, 0) = h_j at every point of the box (eq. 16)."""
    return min(x.lo for x in states) >= max(max(a.hi for a in inputs), 0)


def largest_certified(M: int, R: int, T: int, moves_F: bool = True) -> Fraction:
    """r_lo: the largest δ = k/2^40 that :func:`certified_box` proves (on the row route,
    :func:`rows_certified`'s radius instead).

    Regula falsi (Illinois) on the step-1 margin (smallest state − largest input) in
    floats guesses k; exact certifications then walk to k with certified_box(k) true and
    certified_box(k + 1) false (the test is monotone in δ), doubling the step, then bisecting.
    """
    if rows_route(M, moves_F):
        return rows_certified(M, R, T)
    top = SCALE // M + 1 if moves_F else SCALE  # certified_box fails there (δ·M >= 1, or δ = 1)
    k = min(max(int(_margin_root(M, R, T, top / SCALE, moves_F) * SCALE), 0), top - 1)

    def certified(k: int) -> bool:
        return k <= 0 or (k < top and certified_box(M, R, T, Fraction(k, SCALE), moves_F))

    up = certified(k)
    step = 1
    while certified(k + step if up else k - step) == up:
        step *= 2
    lo, hi = (k + step // 2, k + step) if up else (k - step, k - step // 2)
    while hi - lo > 1:  # certified(lo) holds, certified(hi) does not
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if certified(mid) else (lo, mid)
    return Fraction(max(lo, 0), SCALE)


def _margin_root(M: int, R: int, T: int, top: float, moves_F: bool) -> float:
    """Where the step-1 margin of :func:`enclosures` crosses 0 in (0, top), in floats."""

    def margin(delta: float) -> float:
        states, inputs = next(enclosures(M, R, T, Fraction(delta), moves_F))
        return float(min(x.lo for x in states) - max(max(a.hi for a in inputs), 0))

    a, b = 0.0, min(top, 1.0)
    fa, fb = margin(a), margin(b)
    if fa <= 0 or fb > 0:
        return a if fa <= 0 else b
    side = 0
    for _ in range(60):
        c = (a * fb - b * fa) / (fb - fa)
        fc = margin(c)
        if fc > 0:
            a, fa = c, fc
            fb = fb / 2 if side == 1 else fb
            side = 1
        else:
            b, fb = c, fc
            fa = fa / 2 if side == -1 else fa
            side = -1
        if b - a < 1e-13:
            break
    return a


def upper_bracket(M: int, R: int, T: int, r_lo: Fraction, moves_F: bool = True):
    """(r_hi, model, witness): the smallest δ = k/2^40 above r_lo at which the witness of
    :func:`bracket_point` holds (doubling, then bisection), with that point's RNN."""

    def refuted(k: int):
        offsets, witness = bracket_point(M, R, T, Fraction(k, SCALE), moves_F)
        model = box_point(perturbation_base_rnn(M, R, T), Fraction(k, SCALE), offsets)
        scores = functools.cache(lambda x: er.score(model, list(x)))
        return (model, witness) if witness.holds(scores) else None

    k_lo = int(r_lo * SCALE)
    step, ceiling = 1, SCALE // M if moves_F else SCALE
    while k_lo + step < ceiling and refuted(k_lo + step) is None:
        step *= 2
    if k_lo + step >= ceiling:
        return None
    lo, hi = k_lo + step // 2, k_lo + step  # refuted(hi) holds
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if refuted(mid) is not None else (mid, hi)
    return (Fraction(hi, SCALE), *refuted(hi))


def perturbed(base: er.GeneralizedRNN, delta: Fraction, rng: random.Random, mode: str):
    """A perturbation of every C, G, F entry by ±δ (a vertex of the box): random signs,
    or the adversarial "low" choice (states down, inputs up), or uniform inside."""
    return box_point(base, delta, box_offsets(base, rng, mode))


def box_offsets(
    base: er.GeneralizedRNN, rng: random.Random, mode: str, moves_F: bool = True
) -> dict:
    """Offsets in [−1, 1] (units of δ) for F (zero unless ``moves_F``), every C(t) and every
    G(t), by ``mode``: "random" (a random vertex), "low" (the vertex with C(0), G down and
    F, C(t >= 1) up) or "inside" (multiples of 1/1000, a rational interior point)."""

    def move(A, sign):
        if mode == "inside":
            noise = [Fraction(rng.randint(-1000, 1000), 1000) for _ in range(A.size)]
        elif mode == "random":
            noise = [Fraction(rng.choice((-1, 1))) for _ in range(A.size)]
        else:
            noise = [Fraction(sign)] * A.size
        return np.array(noise, dtype=object).reshape(A.shape)

    F = move(np.eye(base.M, dtype=object), 1)
    return {
        "F": [F if moves_F else 0 * F],
        "C": [move(np.asarray(c), 1 if t else -1) for t, c in enumerate(base.C)],
        "G": [move(np.asarray(g), -1) for g in base.G],
    }


def box_point(base: er.GeneralizedRNN, delta: Fraction, offsets: dict) -> er.GeneralizedRNN:
    """The RNN base + δ·offsets (F of the base is I)."""
    F = np.eye(base.M, dtype=object) + delta * offsets["F"][0]
    C = [np.array(c, dtype=object) + delta * o for c, o in zip(base.C, offsets["C"], strict=True)]
    G = [np.array(g, dtype=object) + delta * o for g, o in zip(base.G, offsets["G"], strict=True)]
    return er.GeneralizedRNN("relu", C, G, F=F)


def describe(offsets: dict) -> str:
    """The point base + δ·offsets, as its offsets (+, − for ±1) in C order per array."""
    shown = {1: "+", -1: "-"}
    return "; ".join(
        f"{name}({t}) = {' '.join(shown.get(o, str(o)) for o in A.flat)}"
        for name, arrays in offsets.items()
        for t, A in enumerate(arrays)
    )


def rank_one_shallow(model: er.GeneralizedRNN) -> er.GeneralizedShallow:
    """The paper's rank-1 shallow network for a perturbed RNN: g on the first input only."""
    M, T = model.M, model.T
    g = [er.score(model, [m] + [0] * (T - 1)) for m in range(M)]  # the grid's first-mode profile
    v1 = exact_inverse(model.F) @ np.array(g, dtype=object)  # ⟨F[m], v1⟩ = g[m]
    V = np.array([[list(v1)] + [[0] * M] * (T - 1)], dtype=object)
    return er.GeneralizedShallow("relu", [1], V, F=model.F)


MAX_WHOLE_GRID = 4**6  # larger grids are re-verified on sampled entries only
SAMPLED_ENTRIES = 32
MAX_STANDALONE = 64  # grid entries the stand-alone checker re-evaluates (it is slow)
THEOREM = "seed 001, Theorem 5.3: RNN in the certified box minus a rank-1 shallow network"


def reverify(M, R, T, delta, rng: random.Random, samples: int, moves_F=True, bracket=True):
    """None, or why a sampled point of the certified box (radius δ) fails: the "low" vertex,
    the bracket point (:func:`bracket_point`), ``samples`` random vertices and ``samples``
    rational interior points, each checked without interval arithmetic
    (:func:`point_problem`); and the bracket point at radii jδ/8, j = 1 … 7 (inside the
    box: its witness must fail there too, as it may stop holding far past r_hi). A broken
    certifier or an inflated r_lo shows here. ``bracket=False`` leaves the bracket points out."""
    base = perturbation_base_rnn(M, R, T)
    for r in (delta * j / 8 for j in range(1, 8) if bracket):
        offsets, witness = bracket_point(M, R, T, r, moves_F)
        model = box_point(base, r, offsets)
        if witness.holds(lambda x, model=model: er.score(model, list(x))):
            return f"the witness of part 3 holds at the bracket point of radius {r}, in the box"
    for mode in ["low"] + ["bracket"] * bracket + ["random"] * samples + ["inside"] * samples:
        witness = None
        if mode == "bracket":
            offsets, witness = bracket_point(M, R, T, delta, moves_F)
        else:
            offsets = box_offsets(base, rng, mode, moves_F)
        model = box_point(base, delta, offsets)
        if witness is not None and witness.holds(lambda x, model=model: er.score(model, list(x))):
            return f"the witness of part 3 holds at the bracket point of radius {delta}"
        problem = point_problem(model, rng)
        if problem is not None:
            return f"{problem}, at the {mode} point base + δ·({describe(offsets)})"
    return None


def point_problem(model: er.GeneralizedRNN, rng: random.Random) -> str | None:
    """None when the RNN's grid is realized by a rank-1 shallow network, checked exactly over
    QQ: F invertible; the grid decided rank-1 shallow relu realizable
    (:func:`~exactrank.checks.realizability.rank_one_shallow_network`); grid(RNN) − grid(network) of
    rank <= 0, as a certificate re-checked entry by entry by the stand-alone checker (grids
    of at most MAX_STANDALONE entries; larger ones compared entry by entry here). The network
    is the paper's (:func:`rank_one_shallow`) where the grid depends on x^(1) alone, else
    the decided one (M = 2, R = 1 past the paper's regime, part 2). A grid of more than
    MAX_WHOLE_GRID entries is compared with the paper's network on SAMPLED_ENTRIES entries."""
    M, T = model.M, model.T
    if er.rank(model.F).rank < M:
        return "F is singular"
    shallow = rank_one_shallow(model)
    if M**T > MAX_WHOLE_GRID:
        for _ in range(SAMPLED_ENTRIES):
            x = [rng.randrange(M) for _ in range(T)]
            if er.score(model, x) != er.score(shallow, x):
                return f"the paper's rank-1 network differs from the RNN at x = {x}"
        return None
    grid = er.grid_tensor(model)
    decided = rank_one_shallow_network(grid, model.F)
    if decided is None:
        return "the grid is not realizable by a rank-1 shallow relu network (decided exactly)"
    values = grid.to_fractions()
    first = values[(slice(None),) + (slice(0, 1),) * (T - 1)]  # the grid at x^(2…T) = 0
    if not np.array_equal(values, np.broadcast_to(first, values.shape)):
        shallow = decided  # the grid depends on more than x^(1): the paper's network cannot
    if M**T > MAX_STANDALONE:
        same = np.array_equal(values, er.grid_tensor(shallow).to_fractions())
        return None if same else "the rank-1 network has another grid"
    try:
        cert = difference_certificate(model, shallow, "le", THEOREM)
    except er.ExactRankError as exc:
        return f"the rank-1 network has another grid ({exc})"
    verified, reason = _standalone().check(cert)
    return (
        None if verified else f"the stand-alone checker rejects grid(RNN) = grid(rank-1): {reason}"
    )


@functools.cache
def _standalone():
    """proofs/verify_certificate.py (standard library only), imported by path."""
    path = Path(__file__).with_name("verify_certificate.py")
    spec = importlib.util.spec_from_file_location("exactrank_standalone_checker", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    sizes = SIZES + (CERTIFIED_ONLY if full else CERTIFIED_ONLY[:1])
    quantity = ""
    for M, R, T in sizes:
        for moves_F in (True, False):
            problem, line, ratio = bracket(M, R, T, moves_F, rng, 4 if full else 2)
            instances += 1
            failures += problem
            details.append(line)
            if sizes[-1] == (M, R, T):
                quantity += f"{'; ' if quantity else ''}{ratio}"
    M, R, T = sizes[-1]
    largest = f"M = {M}, R = {R}, T = {T}"
    return outcome(
        NAME, CLAIM, EXPECTED, instances, failures, details, largest=largest, quantity=quantity
    )


def bracket(M: int, R: int, T: int, moves_F: bool, rng: random.Random, samples: int):
    """(failed, detail line, bracket) for one box: r_lo certified (part 2) and re-verified,
    r_hi from :func:`upper_bracket` with its witness checked, and the tightness of part 3."""
    box = "C, G, F box" if moves_F else "C, G box (F = I)"
    head = f"M={M} R={R} T={T}: {box}"
    r_lo = largest_certified(M, R, T, moves_F)
    if r_lo == 0:
        return True, f"{head}: no box certified", ""
    big = M**T > MAX_WHOLE_GRID  # sampled entries only, each an exact score: fewer points
    problem = reverify(M, R, T, r_lo, rng, 1 if big else samples, moves_F)
    if problem is not None:
        return True, f"{head}: r_lo = {r_lo} certified but NOT re-verified: {problem}", ""
    line = f"{head}: r_lo = {float(r_lo):.10f} certified and re-verified exactly"
    line += f" (4 points, {SAMPLED_ENTRIES} sampled grid entries each)" if big else ""
    upper = upper_bracket(M, R, T, r_lo, moves_F)
    if upper is None:
        return True, f"{line}; no point found past it whose grid is not rank-1", ""
    r_hi, model, witness = upper
    gap = r_hi / r_lo - 1
    shown = f"{box}: r_lo = {float(r_lo):.10f}, r_hi = {float(r_hi):.10f}"
    shown += f" (r_hi/r_lo − 1 = {float(gap):.2g})"
    values = functools.cache(lambda x: er.score(model, list(x)))
    line += (
        f"; r_hi = {float(r_hi):.10f} (= {r_hi}): its grid is not rank-1, "
        f"{witness.describe(values)}; r_hi/r_lo − 1 = {float(gap):.2g}"
    )
    if not witness.holds(values) or r_hi <= r_lo:
        return True, f"{line}: the witness does NOT hold", shown
    if certified_box(M, R, T, r_hi, moves_F):  # the box holds the witness point: impossible
        return True, f"{line}: yet the certifier proves the box of radius r_hi", shown
    if gap > TIGHT:
        return True, f"{line}: NOT tight (at most {float(TIGHT):g} expected)", shown
    return False, line, shown


if __name__ == "__main__":
    run_script(check)
