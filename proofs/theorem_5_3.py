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
   *Re-verified by another route*, so that a broken certifier turns the verdict: at the
   adversarial "low" vertex, random vertices and rational interior points of the certified
   box, exactly over QQ and without intervals, F must be invertible, the grid decided
   rank-1 shallow realizable (:func:`exactrank.realizability.relu_rank_one_shallow`) and
   equal to the grid of the paper's rank-1 network, the equality as a "rank <= 0"
   certificate of their difference checked by the stand-alone checker
   (proofs/verify_certificate.py) for grids of at most 64 entries; the (8, 8, 8) box of
   the full run, whose grid is too large to hold, on 64 sampled entries only.
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

import functools
import importlib.util
import random
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

import exactrank as er
from exactrank.constructions import exact_inverse, perturbation_base_rnn
from exactrank.intervals import Interval, hull, interval_max, interval_sum
from exactrank.realizability import relu_rank_one_shallow
from exactrank.theorems import CheckResult, difference_certificate, outcome, script_main

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
        if not states_dominate_inputs(h, [a for m in range(M) for a in inputs(t, m)]):
            return False
        L, R_in, R_out = G[t].shape
        h = [
            interval_sum(G[t][i, j, k] * h[j] for i in range(L) for j in range(R_in))
            for k in range(R_out)
        ]
    return h[0].lo >= 0


def states_dominate_inputs(states: list[Interval], inputs: list[Interval]) -> bool:
    """True when the smallest possible state is >= max(0, the largest possible input), so
    that ξ(a_i, h_j) = max(a_i, h_j, 0) = h_j at every point of the box (eq. 16)."""
    return min(x.lo for x in states) >= max(max(a.hi for a in inputs), 0)


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
    return box_point(base, delta, box_offsets(base, rng, mode))


def box_offsets(base: er.GeneralizedRNN, rng: random.Random, mode: str) -> dict:
    """Offsets in [−1, 1] (units of δ) for F, every C(t) and every G(t), by ``mode``:
    "random" (a random vertex), "low" (the vertex with C(0), G down and F, C(t >= 1) up)
    or "inside" (multiples of 1/1000, a rational interior point)."""

    def move(A, sign):
        if mode == "inside":
            noise = [Fraction(rng.randint(-1000, 1000), 1000) for _ in range(A.size)]
        elif mode == "random":
            noise = [Fraction(rng.choice((-1, 1))) for _ in range(A.size)]
        else:
            noise = [Fraction(sign)] * A.size
        return np.array(noise, dtype=object).reshape(A.shape)

    return {
        "F": [move(np.eye(base.M, dtype=object), 1)],
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


MAX_WHOLE_GRID = 4**6  # larger grids are re-verified on sampled entries only
SAMPLED_ENTRIES = 64
MAX_STANDALONE = 64  # grid entries the stand-alone checker re-evaluates (it is slow)
THEOREM = "seed 001, Theorem 5.3: RNN in the certified box minus the paper's rank-1 network"


def reverify(M: int, R: int, T: int, delta: Fraction, rng: random.Random, samples: int):
    """None, or why a sampled point of the certified box (radius δ) fails: the "low" vertex,
    ``samples`` random vertices and ``samples`` rational interior points, each checked
    without interval arithmetic (:func:`point_problem`). A broken certifier shows here."""
    base = perturbation_base_rnn(M, R, T)
    for mode in ["low"] + ["random"] * samples + ["inside"] * samples:
        offsets = box_offsets(base, rng, mode)
        problem = point_problem(box_point(base, delta, offsets), rng)
        if problem is not None:
            return f"{problem}, at the {mode} point base + δ·({describe(offsets)})"
    return None


def point_problem(model: er.GeneralizedRNN, rng: random.Random) -> str | None:
    """None when the RNN's grid is realized by the paper's rank-1 shallow network, checked
    exactly over QQ: F invertible; the grid decided rank-1 shallow relu realizable by
    :func:`relu_rank_one_shallow`; grid(RNN) − grid(paper's network) of rank <= 0, as a
    certificate re-checked entry by entry by the stand-alone checker (grids of at most
    MAX_STANDALONE entries; larger ones compared entry by entry here). A grid of more than
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
    if relu_rank_one_shallow(grid) is None:
        return "the grid is not realizable by a rank-1 shallow relu network (decided exactly)"
    if M**T > MAX_STANDALONE:
        same = np.array_equal(grid.to_fractions(), er.grid_tensor(shallow).to_fractions())
        return None if same else "the paper's rank-1 network has another grid"
    try:
        cert = difference_certificate(model, shallow, "le", THEOREM)
    except er.ExactRankError as exc:
        return f"the paper's rank-1 network has another grid ({exc})"
    verified, reason = _standalone().check(cert)
    return (
        None if verified else f"the stand-alone checker rejects grid(RNN) = grid(paper's): {reason}"
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
    for M, R, T in SIZES + (CERTIFIED_ONLY if full else CERTIFIED_ONLY[:1]):
        delta = largest_certified(M, R, T)
        instances += 1
        if delta == 0:
            failures += 1
            details.append(f"M={M} R={R} T={T}: no box certified")
            continue
        line = f"M={M} R={R} T={T}: box of radius {delta} = {float(delta):.4f} certified"
        problem = reverify(M, R, T, delta, rng, 4 if full else 2)
        instances += 1
        if problem is not None:
            failures += 1
            details.append(f"{line} but NOT re-verified: {problem}")
            continue
        line += " and re-verified exactly at sampled vertices and interior points"
        line += f" ({SAMPLED_ENTRIES} sampled grid entries each)" if M**T > MAX_WHOLE_GRID else ""
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
