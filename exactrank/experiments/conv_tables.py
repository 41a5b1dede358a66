"""Seed 000, §5–7: rank tables of convolutional arithmetic circuits, as experiments.

This module holds ``theorem8`` and what the three tables share (the paper's name, the
network's description, the genericity note). Each experiment regenerates one table of the
seed 000 proof checks (``proofs/seed000_*.py``) over random generic networks, as ``NAME.json``
(every draw, the summary) and ``NAME.png``:

* ``theorem8`` (§5, Theorem 8, Corollary 9, fig. 4): the rank of every balanced partition
  (I, J) of N = 8 inputs (|I| = N/2, 0 ∈ I: each partition once up to complement) under three
  pooling geometries — ``contiguous`` (:func:`~exactrank.geometry.trees.contiguous_tree`, fig.
  4(a)), ``mirror`` (:func:`~exactrank.geometry.trees.mirror_tree`, reflections pooled at every
  level: the ICLR 2017 experiments) and ``mirror-first`` (``mirror_tree(N, recursive=False)``:
  reflections at the first level only, the other reading of fig. 4(b)) — next to the bounds
  ``lower`` ≤ generic rank ≤ ``upper`` ≤ ``paper_upper`` of
  :func:`~exactrank.geometry.trees.rank_bounds`. The partitions at the top rank min(r_0, M)^{N/2}
  are counted per tree.
* ``theorem10`` (§6, Theorem 10, Proposition (ii); in :mod:`.overlap_table`): left-right
  (and, on images, top-bottom) ranks of overlapping networks of GC layers
  (:class:`~exactrank.OverlappingNetwork`) as the receptive field R of every layer grows at
  stride S, next to the same drawn network with its overlaps switched off
  (:func:`~exactrank.without_overlaps`, Proposition (i): a non-overlapping network) and the
  baseline's bound C_{L−1}.
* ``claim12`` (§7, Claim 12, footnote 10, fig. 6; in :mod:`.min_cut_table`): the exact rank
  of every partition against the min-cut bound of the network's tensor network
  (:func:`~exactrank.geometry.tn.min_cut_bound`), on trees and widths whose channel numbers
  are powers of one integer (covered by the claim) and others (not covered); every
  disagreement is listed.

Modelling choices (as in the proof checks; the seed states none of them): σ = identity and
P = product (a convolutional arithmetic circuit: the only networks with a TN and the bounds
of :mod:`exactrank.geometry.trees`), unshared weights, F = I, no biases; overlapping networks have
the same (R, S, C) in every layer and as many layers as bring the input down to one position.

What is exact and what is generic: over the default field GF(p), p = 2^61 − 1, every weight
is a uniform residue (:func:`~exactrank.random_hierarchical`,
:func:`~exactrank.random_overlapping`) and every rank is computed exactly over GF(p) by
elimination. The grid's entries are integer polynomials in the weights, so the rank over
GF(p) of a draw is at most the rank over QQ of the same integer weights 0 … p − 1, which is at
most the generic (= maximal) rank: each recorded rank is a proven lower bound on the generic
rank, and the maximum over draws the best one. It equals the generic rank with probability at
least 1 − (degree of a minor)/p (Schwartz–Zippel), which is not a proof. ``field = "QQ"``
draws integers in [−2^30, 2^30] and proves each rank over QQ (both bounds, ``rank(prove=
"exact")``): cheap for theorem8 and claim12, minutes per rank for theorem10 at N = 16 and
4 × 4 (thousand-bit entries). Upper bounds (``upper``, ``paper_upper``, the min-cut,
C_{L−1}) are proven for every weight and every field, so a rank above one of them would be a
bug, and is listed. No float arithmetic decides anything here.

Defaults, and what they gave (2 cores): theorem8 N = 8, M = r = 3, 5 draws per tree (3 s):
contiguous odd-even 81 = 3^4 and left-right 3, both mirror trees left-right 81; in each tree 8
of the 35 partitions reach 81 and every rank equals ``upper``. theorem10 1D N = 8 (3 layers),
N = 16 (4 layers) and 4 × 4 (2 layers), M = C = S = 2, R = 2 … 6, 4 draws per R (30–50 s; M = 3
at N = 16 is a grid of 4.3·10^7 entries, refused): ranks 2, 4, 12, 12, 16 (N = 8), 2, 8, 48,
48, 256 (N = 16) and 2, 4, 16, 16, 16 (4 × 4, both partitions), and 2 = C throughout with the
overlaps switched off. claim12 the 40 networks of ``proofs/seed000_claim_12.py`` (its
"mirror" is ``mirror-first`` here) and two ``mirror/8`` ones, every partition, 3 draws (17 s):
rank = min-cut on all 1543 covered pairs; on 11 of the 1103 others rank 14 < min-cut 15
(padded/6 at M = 3, r = (5, 5, 2) and (6, 5, 2); windows-of-3/6 at M = 3, r = (5, 2)).
"""

from __future__ import annotations

import math
import time

from ..errors import InvalidInputError
from ..geometry.trees import contiguous_tree, mirror_tree, rank_bounds
from ..linalg.partitions import each_partition, left_right, odd_even
from ..models.grid import grid_tensor
from ..sampling import random_hierarchical
from .conv_plots import plot_theorem8
from .experiment import Experiment
from .params import (
    FIELD,
    check_grid_size,
    exact_rank,
    field_param,
    int_param,
    names_param,
    partition_key,
    widths_param,
)

PAPER = "seed 000 (Cohen, Sharir, Levine, Tamari, Yakira & Shashua)"
HIERARCHY = "sigma = identity, P = product (a convolutional arithmetic circuit), unshared "
HIERARCHY += "weights, F = identity"


def _log(value: int, base: int) -> float | None:
    return round(math.log(value, base), 4) if value > 0 and base > 1 else None


# ---------------------------------------------------------------------------- theorem8

_GEOMETRIES = {
    "contiguous": lambda N: contiguous_tree(N),
    "mirror": lambda N: mirror_tree(N),
    "mirror-first": lambda N: mirror_tree(N, recursive=False),
}


def _validate_theorem8(params: dict) -> dict:
    out = dict(params)
    N = out["N"] = int_param(out["N"], "N", 2)
    if N & (N - 1):
        raise InvalidInputError(
            f"parameter N: the trees pool pairs at every level, so N must be a power of 2 "
            f"(4, 8, 16), got {N}"
        )
    out["M"] = int_param(out["M"], "M", 1)
    check_grid_size(out["M"], N, "M, N")
    out["r"] = widths_param(out["r"], N.bit_length() - 1, "r")
    out["field"] = field_param(out["field"])
    out["trees"] = names_param(out["trees"], "trees", _GEOMETRIES)
    return out


def run_theorem8(params: dict, tree_name: str, index: int, seed: int) -> dict:
    """One draw of the network over ``tree_name``: the exact rank of every balanced partition."""
    start = time.perf_counter()
    N, field = params["N"], params["field"]
    tree = _GEOMETRIES[tree_name](N)
    model = random_hierarchical(tree, params["M"], params["r"], field=field, seed=seed)
    grid = grid_tensor(model, field)
    ranks = {
        partition_key(part.row_modes): exact_rank(grid, part, field, seed)
        for part in each_partition(N, balanced=True)
    }
    record = {"tree": tree_name, "index": index, "sample_seed": seed, "ranks": ranks}
    return {**record, "exact": True, "seconds": round(time.perf_counter() - start, 4)}


def summarize_theorem8(params: dict, records: list) -> dict:
    """Per partition and tree: the largest and smallest rank over draws and the bounds; per
    tree: how many partitions reach the top rank, the lowest rank, the named partitions;
    every rank outside [lower, upper] (``outside_bounds``)."""
    N, M, r, trees = params["N"], params["M"], params["r"], params["trees"]
    rho = min(r[0], M)
    top = rho ** (N // 2)
    named = {
        partition_key(odd_even(N).row_modes): "odd-even",
        partition_key(left_right(N).row_modes): "left-right",
    }
    partitions, outside = [], []
    for part in each_partition(N, balanced=True):
        key = partition_key(part.row_modes)
        entry = {"partition": key, "rows": list(part.row_modes), "cols": list(part.col_modes)}
        entry["name"], entry["by_tree"] = named.get(key), {}
        for name in trees:
            values = [rec["ranks"][key] for rec in records if rec["tree"] == name]
            bounds = rank_bounds(_GEOMETRIES[name](N), part, M, r)
            cell = {
                "rank_max": max(values),
                "rank_min": min(values),
                "lower": bounds.lower,
                "upper": bounds.upper,
                "paper_upper": bounds.paper_upper,
            }
            entry["by_tree"][name] = cell
            if not bounds.lower <= cell["rank_max"] <= bounds.upper:
                outside.append({"tree": name, "partition": key, **cell})
        partitions.append(entry)
    by_tree = []
    for name in trees:
        best = {e["partition"]: e["by_tree"][name]["rank_max"] for e in partitions}
        lowest = min(best.values())
        by_tree.append(
            {
                "tree": name,
                "structure": _GEOMETRIES[name](N),
                "samples": sum(rec["tree"] == name for rec in records),
                "top_rank_partitions": sum(v == top for v in best.values()),
                "lowest_rank": lowest,
                "lowest_rank_partitions": sum(v == lowest for v in best.values()),
                "upper_attained": sum(
                    e["by_tree"][name]["rank_max"] == e["by_tree"][name]["upper"]
                    for e in partitions
                ),
                "odd_even_rank": best[partition_key(odd_even(N).row_modes)],
                "left_right_rank": best[partition_key(left_right(N).row_modes)],
            }
        )
    return {
        "top_rank": top,
        "rho": rho,
        "partitions_count": len(partitions),
        "by_tree": by_tree,
        "partitions": partitions,
        "outside_bounds": outside,
        "samples": len(records),
    }


def _notes_theorem8(params: dict) -> list:
    return [
        f"network: {HIERARCHY}; widths r_0 … r_(L-1) = {params['r']} (leaves first)",
        "trees: contiguous = contiguous_tree(N) (fig. 4(a)); mirror = mirror_tree(N), node k "
        "pooled with its reflection at every level (ICLR 2017 experiments); mirror-first = "
        "mirror_tree(N, recursive=False), reflections at the first level, then contiguous pairs",
        "partitions: every (I, J) with |I| = N/2 and 0 in I (each balanced partition once up to "
        "complement), keyed 'rows=…' as on the command line; modes 0-based",
        f"ranks: exact over {params['field']} for each draw; " + _genericity(params["field"]),
        "bounds: exactrank.geometry.trees.rank_bounds, "
        "lower <= generic rank <= upper <= paper_upper; "
        "upper and paper_upper hold for every weight (outside_bounds lists violations)",
    ]


def _genericity(field: str) -> str:
    if field == "QQ":
        return (
            "weights uniform integers in [-2^30, 2^30]; the rank over QQ of a draw is a proven "
            "lower bound on the generic (maximal) rank"
        )
    return (
        "weights uniform residues mod p; the rank over GF(p) of a draw is <= the rank over QQ "
        "of the same integer weights, so a proven lower bound on the generic (maximal) rank; "
        "the largest over draws is reported (equal to the generic rank with high probability, "
        "not proven)"
    )


# ---------------------------------------------------------------------------- text


def describe_theorem8(document: dict) -> list[str]:
    """Per tree: the odd-even and left-right ranks, and how many partitions reach the top."""
    params, summary = document["parameters"], document["summary"]
    lines = [
        f"N = {params['N']}, M = {params['M']}, widths {params['r']} over {params['field']}; "
        f"top rank min(r_0, M)^(N/2) = {summary['top_rank']}; exact ranks, largest over draws"
    ]
    for t in summary["by_tree"]:
        lines.append(
            f"  {t['tree']:13} odd-even {t['odd_even_rank']}, left-right {t['left_right_rank']}; "
            f"{t['top_rank_partitions']} of {summary['partitions_count']} partitions at the top "
            f"rank, lowest {t['lowest_rank']} ({t['lowest_rank_partitions']}); the proven upper "
            f"bound attained on {t['upper_attained']}"
        )
    lines += [f"  OUTSIDE THE BOUNDS: {v}" for v in summary["outside_bounds"]]
    return lines


EXPERIMENTS = (
    Experiment(
        name="theorem8",
        title="Theorem 8: ranks of every balanced partition under contiguous and mirror pooling",
        source=f"{PAPER}, §5, Theorem 8, Corollary 9, fig. 4",
        defaults={
            "N": 8,
            "M": 3,
            "r": 3,
            "field": FIELD,
            "trees": ["contiguous", "mirror", "mirror-first"],
        },
        samples=5,
        quick_samples=1,
        validate=_validate_theorem8,
        groups=lambda params: list(params["trees"]),
        group_key="tree",
        run_sample=run_theorem8,
        summarize=summarize_theorem8,
        plot=plot_theorem8,
        describe=describe_theorem8,
        notes=_notes_theorem8,
    ),
)
