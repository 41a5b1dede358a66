"""Seed 001, Section 6 and Appendix B: Figures 3, 4 and 5 (expressivity of generalized RNNs).

The paper draws random generalized RNNs of TT-rank R and plots, per R, the histogram of "a
lower bound on the rank of the shallow network necessary to realize the same grid tensor
(the same technique as in the proof of Theorem 5.2)": by Lemma A.1 a generalized shallow
network of width W with ξ = max(x, y, 0) has an odd-even matricization of rank at most
W·T·M, so W ≥ ⌈rank / (M·T)⌉.

* ``fig3`` (Section 6, Figure 3): M = 10, T = 6, ξ = relu, a core per step.
* ``fig4`` (Appendix B, Figure 4): M = 6, T = 6, ξ = relu, shared cores G(2) = … = G(T−1).
* ``fig5`` (Appendix B, Figure 5): M = 6, T = 6, ξ = l2 = √(x² + y²). The paper does not say
  whether these RNNs share cores; the figure sits with Figure 4 under "Expressivity in the
  case of shared cores" and uses Figure 4's sizes, so exactrank reads it as *shared*
  (override with ``shared=false``).

Assumptions (the paper states none of them): L_t = R (each input projection C[t] has as
many rows as the hidden state), F = identity (the templates are the standard basis), and
every weight is an independent N(0, 1) draw z, made an exact dyadic rational as the
midpoint of its cell of width 2^−b: w = (2⌊2^b z⌋ + 1) / 2^(b+1) (never 0, symmetric).
Shared cores (:meth:`~exactrank.models.GeneralizedRNN.with_shared_cores`): the first and
the last step have their own (C, G), the inner steps 1 … T−2 one shared (C, G) — the
paper's TT-core G(t) holds both (seed 001, eq. 10–12).

Choices, measured: b = 5 at M = 10 (fig3) and b = 6 at M = 6 (fig4, fig5) are the largest
b for which the exact grids stay in int64 storage (numerators of about (b+1)(T+1) + 18 bits
at R = 8); one more bit moves them to Python integers (3× slower at M = 10, b = 6; 15× at
b = 8). Fewer bits are not generic: on the same normal draws (R = 8, per-step cores) the
mean exact rank was 110.9, 116.5, 117.3, 119.7 and 119.6–120.0 for b = 3, 4, 5, 6 and
8–20 at M = 6 (30 draws), and 665.8, 655.6, 652.1, 647.4 for b = 4, 5, 6, 8 at M = 10
(12 draws, modular ranks). The figures plot a width *lower* bound, which needs only a
proven lower bound on the rank (issue 11, item 3), so fig3 and fig4 record proven lower
bounds by default (``prove="lower"``) and say so in the summary and the figure; exact
ranks are recorded where the lower bound is the full rank, and everywhere with
``--set prove=exact``. fig3's 1000 × 1000 matrices (rank 300–1000 at R = 8) take 35–55
ms for the modular bound but 25–130 s for the exact rank (FLINT); at M = 6 (fig4) the
exact rank takes 0.1–0.3 s, about ten times the rest of a sample.

Numbers and what they prove:

* relu (:mod:`exactrank.experiments.relu_ranks`): the grid tensor is computed exactly
  over QQ. Its rank modulo a random prime p is a *proven* lower bound on the rank over QQ
  (a minor nonsingular mod p is nonzero), hence W ≥ ⌈rank_p / (M·T)⌉ is proven. With
  ``prove="exact"`` the exact rank over QQ is computed too (FLINT's exact
  ``fmpz_mat.rank``, checked against the modular bound); a full-rank modular result is exact
  anyway. ``mod_p_error_bound`` bounds the chance that rank_p is below the exact rank
  (:func:`~exactrank.linalg.rank.monte_carlo_error_bound`).
* l2: entries are irrational. ``rank_float`` is the float64 SVD rank at an explicit
  tolerance — the paper's number, never exact. ``rank`` is proven in ball arithmetic
  (:mod:`exactrank.linalg.balls`): a minor is re-evaluated in arb balls from the exact weights
  and its ball determinant excludes 0; when that minor is the whole square matrix the rank
  is exact. Measured: the l2 grids are typically of full rank, far above their float
  ranks, whose singular values only decay below the tolerance. Lemma A.1 is proven for
  relu only, so for l2 the width bound is the paper's formula, not a theorem (a width-1
  l2 network's odd-even matrix [√(a_i + b_j)] is generically of full rank).
"""

from __future__ import annotations

import math
import statistics
import time
from fractions import Fraction

import numpy as np

from ..errors import InvalidInputError
from ..linalg.balls import ball_cost, certify_rank_precisions, matrix_sequences, pivot_minor
from ..linalg.partitions import matricize, odd_even
from ..linalg.rank import rank
from ..models import GeneralizedRNN
from ..models.grid import grid_tensor
from .experiment import Experiment
from .params import check_grid_size, int_param
from .relu_ranks import PRIME_BITS, relu_rank, width_lower_bound
from .relu_ranks import exact_rank as exact_rank  # re-exported: callers of rnn_figures use it

MAX_R = 64
PAPER = "seed 001 (Khrulkov, Hrinchuk & Oseledets, ICLR 2019)"


# ---------------------------------------------------------------------------- instances


def _dyadic_gaussian(rng: np.random.Generator, shape: tuple, bits: int, shift: int = 0):
    """N(0, 1) draws as the midpoints (2⌊2^b z⌋ + 1) / 2^(b+1) of their dyadic cells,
    divided by 2^shift."""
    odd = 2 * np.floor(rng.standard_normal(shape) * 2**bits).astype(np.int64) + 1
    out = np.empty(shape, dtype=object)
    out.flat[:] = [Fraction(int(v), 2 ** (bits + 1 + shift)) for v in odd.flat]
    return out


def sample_rnn(params: dict, R: int, rng: np.random.Generator) -> GeneralizedRNN:
    """The random generalized RNN of TT-rank R (L_t = R, F = I) drawn from ``rng``.

    Draw order: per step t, C[t] (R, M) then G[t] (R, R_{t−1}, R_t); with shared cores,
    (C, G) of the first step, of the inner steps, then of the last step. With
    ``G_scale = "fan-in"`` each G[t] is divided by the power of two nearest to
    √(L_t·R_{t−1}) (ties: the larger divisor), a variance-preserving scale that stays dyadic.
    """
    M, T, b = params["M"], params["T"], params["bits"]

    def step(R_prev: int, R_next: int) -> tuple:
        C = _dyadic_gaussian(rng, (R, M), b)
        fan_in = R * R_prev
        shift = math.floor(math.log2(fan_in) / 2 + 0.5) if params["G_scale"] == "fan-in" else 0
        return C, _dyadic_gaussian(rng, (R, R_prev, R_next), b, shift)

    if params["shared"]:
        first, inner, last = step(1, R), step(R, R), step(R, 1)
        return GeneralizedRNN.with_shared_cores(params["xi"], first, inner, last, T)
    steps = [step(1 if t == 0 else R, 1 if t == T - 1 else R) for t in range(T)]
    return GeneralizedRNN(params["xi"], [c for c, _ in steps], [g for _, g in steps])


# ---------------------------------------------------------------------------- one sample


def run_sample(params: dict, R: int, index: int, seed: int) -> dict:
    """One instance: the odd-even rank of a random RNN's grid and the width bound."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    model = sample_rnn(params, R, rng)
    record = {"R": R, "index": index, "sample_seed": seed}
    if params["xi"] == "relu":
        record.update(relu_rank(params, model, rng))
    else:
        record.update(_l2_rank(params, model))
    record["width_bound_proven"] = params["xi"] == "relu"  # Lemma A.1 is about relu only
    record["seconds"] = round(time.perf_counter() - start, 4)
    return record


def _l2_rank(params: dict, model: GeneralizedRNN) -> dict:
    """The float rank (the paper's number) and a rank lower bound proven in ball arithmetic.

    The minor is ordered by complete pivoting in floats, continued past the float rank;
    :func:`~exactrank.linalg.balls.certify_rank_precisions` tries the whole minor at each
    precision of ``precisions`` until it is certified, and only if none does, nested
    leading ones. A certified min(rows, cols) is the exact rank.

    Measured CPU a sample (one core, 8 default samples per R): R = 1 1.9 s, R = 2 0.6 s,
    R = 4 1.4 s, R = 8 1.8 s; at R = 8, 1.6 s is the 3.6 million ball square roots of the
    minor's entries at 128 bits, at R = 1 the determinants of the searches. Double-double
    entries in numpy (about 2^-80 relative radii after the contractions) took about 0.5 s
    at R = 8 and failed to certify one of two R = 8 minors that 128-bit balls certify.
    """
    M, T = params["M"], params["T"]
    partition = odd_even(T)
    A = matricize(grid_tensor(model, "float"), partition).values
    numeric = rank(A, "float", tol=params["tolerance"])
    out = {
        "rank_float": numeric.rank,
        "tolerance": numeric.tolerance,
        "width_lower_bound_float": width_lower_bound(numeric.rank, M, T),
    }
    rows, cols = pivot_minor(A, min(A.shape))
    cost = ball_cost(model, matrix_sequences(partition, M, rows, cols))
    if cost > params["ball_budget"]:
        out.update(rank=None, rank_lower=None, exact=False, width_lower_bound=None)
        out["certification"] = {"skipped": f"{cost} ball xi evaluations > ball_budget"}
        return out
    best, tried = certify_rank_precisions(model, partition, rows, cols, params["precisions"])
    exact = best.size == min(A.shape)
    out.update(
        rank=best.size,
        rank_lower=best.size,
        exact=exact,
        rank_method="ball determinant of a minor excluding 0: "
        + ("full rank, so the exact rank" if exact else "a proven lower bound"),
        width_lower_bound=width_lower_bound(best.size, M, T),
        certification={**best.to_dict(), "xi_evaluations": cost, "precisions_tried": tried},
    )
    return out


# ---------------------------------------------------------------------------- parameters


def _validator(xi: str):
    def validate(params: dict) -> dict:
        if params["xi"] != xi:
            raise InvalidInputError(
                f"parameter xi: this experiment is defined for xi = {xi}, got {params['xi']!r}"
            )
        return _validate(params)

    return validate


def _validate(params: dict) -> dict:
    """Check every parameter; messages name the key, what was expected and what was got."""
    out = dict(params)
    for key, low in (("M", 1), ("T", 2), ("bits", 0), ("ball_budget", 0)):
        if key in out:
            out[key] = int_param(out[key], key, low)
    if out["bits"] > 24:
        raise InvalidInputError(f"parameter bits: expected at most 24, got {out['bits']}")
    check_grid_size(out["M"], out["T"], "M, T")
    ranks = [out["ranks"]] if isinstance(out["ranks"], int) else out["ranks"]
    if not isinstance(ranks, list | tuple) or not ranks:
        raise InvalidInputError(f"parameter ranks: expected a non-empty list, got {ranks!r}")
    # a core G(t) holds R^3 weights: R <= MAX_R keeps each within 2^18
    out["ranks"] = [int_param(R, "ranks", 1, MAX_R) for R in ranks]
    if len(set(out["ranks"])) != len(out["ranks"]):
        raise InvalidInputError(f"parameter ranks: values repeat in {out['ranks']}")
    out["G_scale"] = "1" if out["G_scale"] == 1 else out["G_scale"]
    if out["G_scale"] not in ("1", "fan-in"):
        raise InvalidInputError(
            f"parameter G_scale: expected '1' (N(0, 1)) or 'fan-in', got {out['G_scale']!r}"
        )
    if not isinstance(out["shared"], bool):
        raise InvalidInputError(f"parameter shared: expected true or false, got {out['shared']!r}")
    if out.get("prove", "lower") not in ("exact", "lower"):
        raise InvalidInputError(
            f"parameter prove: expected 'exact' or 'lower', got {out['prove']!r}"
        )
    if "prime_bits" in out and out["prime_bits"] != "auto":
        bits = out["prime_bits"]
        if isinstance(bits, bool) or not isinstance(bits, int) or not 2 <= bits <= PRIME_BITS:
            raise InvalidInputError(
                f"parameter prime_bits: expected 'auto' or an integer in 2 … {PRIME_BITS}, "
                f"got {bits!r}"
            )
    if "precisions" in out:
        precisions = out["precisions"]
        precisions = [precisions] if isinstance(precisions, int) else precisions
        if not isinstance(precisions, list | tuple) or not precisions:
            raise InvalidInputError(
                f"parameter precisions: expected a non-empty list of bits, got {precisions!r}"
            )
        out["precisions"] = [int_param(p, "precisions", 53) for p in precisions]
    tol = out.get("tolerance")
    if tol is not None and not (isinstance(tol, int | float) and math.isfinite(tol) and tol >= 0):
        raise InvalidInputError(f"parameter tolerance: expected null or a number >= 0, got {tol!r}")
    return out


# ---------------------------------------------------------------------------- summary


def summarize(params: dict, records: list) -> dict:
    """Per R: histogram of the width bound, its min / median / max, the fraction at 1.

    The main histogram uses ``rank`` (exact, or a proven lower bound; instances without
    one are counted as ``undetermined``); for l2 the paper's float-rank histogram is
    under ``float``.
    """
    groups = []
    for R in params["ranks"]:
        mine = [r for r in records if r["R"] == R]
        known = [r for r in mine if r["rank"] is not None]
        group = {"R": R, "samples": len(mine), "undetermined": len(mine) - len(known)}
        group.update(_histogram(known, "width_lower_bound"))
        group.update(_spread([r["rank"] for r in known], "rank"))
        group["exact_ranks"] = sum(r["exact"] for r in mine)
        if params["xi"] == "l2":
            group["float"] = {
                **_histogram(mine, "width_lower_bound_float"),
                **_spread([r["rank_float"] for r in mine], "rank"),
                "certified_above_float": sum(r["rank"] > r["rank_float"] for r in known),
            }
        groups.append(group)
    exact = sum(r["exact"] for r in records)
    return {
        "by_R": groups,
        "samples": len(records),
        "exact_ranks": exact,
        "ranks": ranks_reported(params["xi"], exact, len(records)),
    }


def ranks_reported(xi: str, exact: int, total: int) -> str:
    """What the ranks of a run are (the figure's panel title and the summary's "ranks"):
    exact, or proven lower bounds with how many of them are exact anyway."""
    if xi == "l2":
        return (
            f"ranks proven in ball arithmetic ({exact}/{total} exact); Lemma A.1 is proven "
            "for relu only"
        )
    if exact == total:
        return "exact ranks over QQ (proven)"
    return f"proven lower bounds on the rank (rank mod p); {exact}/{total} ranks exact"


def _spread(values: list, name: str) -> dict:
    if not values:
        return {f"{name}_min": None, f"{name}_median": None, f"{name}_max": None}
    return {
        f"{name}_min": min(values),
        f"{name}_median": statistics.median(values),
        f"{name}_max": max(values),
    }


def _histogram(records: list, key: str) -> dict:
    values = sorted(r[key] for r in records)
    if not values:
        return {"histogram": {}, "min": None, "median": None, "max": None, "fraction_1": None}
    counts = {str(v): values.count(v) for v in sorted(set(values))}
    return {
        "histogram": counts,
        "min": values[0],
        "median": statistics.median(values),
        "max": values[-1],
        "fraction_1": values.count(1) / len(values),
    }


def notes(params: dict) -> list:
    """The readings and assumptions behind a run, written into its JSON."""
    out = [
        "width_lower_bound = ceil(rank / (M*T)): Lemma A.1 (seed 001, App. A) bounds the "
        "odd-even rank of a width-W relu shallow network by W*T*M",
        "L_t = R, F = identity, h^(-1) = unit of xi (0), odd-even partition: rows = modes "
        "0, 2, 4 (0-based), columns = 1, 3, 5",
        f"weights: z ~ N(0, 1) (numpy PCG64 standard_normal), w = (2*floor(2^b z) + 1) / "
        f"2^(b+1) with b = {params['bits']}",
    ]
    if params["G_scale"] == "fan-in":
        out.append("G_scale = fan-in: G[t] divided by the power of two nearest sqrt(L_t R_{t-1})")
    if params["shared"]:
        out.append("shared cores: steps 1..T-2 share one (C, G); steps 0 and T-1 have their own")
    if params["xi"] == "relu":
        out.append(
            f"rank_lower: rank modulo a random prime (prime_bits = {params['prime_bits']}: "
            "'auto' takes 62 bits up to 2^16 matrix entries, 23 bits beyond), a proven lower "
            "bound on the rank over QQ, so width_lower_bound is proven; exact = true only "
            "when the rank over QQ is known exactly (prove = 'exact', or full rank)"
        )
    else:
        out.append(
            "rank_float: float64 SVD rank, singular values > tolerance (default S_max * "
            "max(m, n) * eps), the paper's method, never exact. rank: a lower bound proven in "
            "ball arithmetic (python-flint arb): a minor ordered by float complete pivoting, "
            "its entries re-evaluated in balls from the exact weights, its ball determinant "
            "excluding 0; exact = true when that minor is the whole (square) matrix"
        )
        out.append(
            "Lemma A.1 is proven for relu only: for l2 the width bound is the paper's formula, "
            "not a theorem (width_bound_proven = false)"
        )
    if params["xi"] == "l2" and params["shared"]:
        out.append(
            "fig5 read as shared cores: the paper does not say; its caption sits with Figure 4 "
            "(shared cores) and uses Figure 4's M = 6, T = 6"
        )
    return out


def describe(document: dict) -> list[str]:
    """The summary as text: the histogram of the width lower bound per R."""
    params, summary = document["parameters"], document["summary"]
    lines = [
        f"M = {params['M']}, T = {params['T']}, xi = {params['xi']}, "
        f"{'shared' if params['shared'] else 'per-step'} cores",
        f"width lower bound ceil(rank/(M*T)) from {summary['ranks']}: counts per R",
    ]
    for group in summary["by_R"]:
        counts = ", ".join(f"{k}: {v}" for k, v in group["histogram"].items())
        line = f"  R = {group['R']}: {counts}  (median {group['median']}, exact ranks "
        lines.append(line + f"{group['exact_ranks']}/{group['samples']})")
        if "float" in group:
            counts = ", ".join(f"{k}: {v}" for k, v in group["float"]["histogram"].items())
            lines.append(f"          float64 ranks (NOT exact, the paper's method): {counts}")
    return lines


# ---------------------------------------------------------------------------- registry


def _figure(name, title, source, defaults, samples, quick_samples) -> Experiment:
    from .rnn_plots import plot_histograms

    return Experiment(
        name=name,
        title=title,
        source=source,
        defaults=defaults,
        samples=samples,
        quick_samples=quick_samples,
        validate=_validator(defaults["xi"]),
        groups=lambda params: list(params["ranks"]),
        group_key="R",
        run_sample=run_sample,
        summarize=summarize,
        plot=plot_histograms,
        describe=describe,
        notes=notes,
    )


_RELU = {"ranks": [1, 2, 4, 8], "xi": "relu", "G_scale": "1", "prime_bits": "auto"}
EXPERIMENTS = (
    _figure(
        "fig3",
        "Figure 3: width lower bounds of shallow nets equal to random relu RNNs (M=10, T=6)",
        f"{PAPER}, Section 6, Figure 3",
        {"M": 10, "T": 6, **_RELU, "bits": 5, "shared": False, "prove": "lower"},
        samples=500,
        quick_samples=2,
    ),
    _figure(
        "fig4",
        "Figure 4: the same with shared cores (M=6, T=6, relu)",
        f"{PAPER}, Appendix B, Figure 4",
        {"M": 6, "T": 6, **_RELU, "bits": 6, "shared": True, "prove": "lower"},
        samples=500,
        quick_samples=3,
    ),
    _figure(
        "fig5",
        "Figure 5: the same with xi = l2 = sqrt(x^2 + y^2) (M=6, T=6, shared cores)",
        f"{PAPER}, Appendix B, Figure 5",
        {
            "M": 6,
            "T": 6,
            "ranks": [1, 2, 4, 8],
            "xi": "l2",
            "bits": 6,
            "G_scale": "1",
            "shared": True,
            "tolerance": None,
            "precisions": [128, 512],
            "ball_budget": 20_000_000,
        },
        samples=80,
        quick_samples=3,
    ),
)
