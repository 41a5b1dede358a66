"""Seed 000, §5–7: rank tables of convolutional arithmetic circuits, as experiments.

Each experiment regenerates one table of the seed 000 proof checks (``proofs/seed000_*.py``)
over random generic networks, as ``NAME.json`` (every draw, the summary) and ``NAME.png``:

* ``theorem8`` (§5, Theorem 8, Corollary 9, fig. 4): the rank of every balanced partition
  (I, J) of N = 8 inputs (|I| = N/2, 0 ∈ I: each partition once up to complement) under three
  pooling geometries — ``contiguous`` (:func:`~exactrank.geometry.trees.contiguous_tree`, fig.
  4(a)), ``mirror`` (:func:`~exactrank.geometry.trees.mirror_tree`, reflections pooled at every
  level: the ICLR 2017 experiments) and ``mirror-first`` (``mirror_tree(N, recursive=False)``:
  reflections at the first level only, the other reading of fig. 4(b)) — next to the bounds
  ``lower`` ≤ generic rank ≤ ``upper`` ≤ ``paper_upper`` of
  :func:`~exactrank.geometry.trees.rank_bounds`. The partitions at the top rank min(r_0, M)^{N/2}
  are counted per tree.
* ``theorem10`` (§6, Theorem 10, Proposition (ii)): left-right (and, on images, top-bottom)
  ranks of overlapping networks of GC layers (:class:`~exactrank.OverlappingNetwork`) as the
  receptive field R of every layer grows at stride S, next to the same drawn network with its
  overlaps switched off (:func:`~exactrank.without_overlaps`, Proposition (i): a
  non-overlapping network) and the baseline's bound C_{L−1}.
* ``claim12`` (§7, Claim 12, footnote 10, fig. 6): the exact rank of every partition against
  the min-cut bound of the network's tensor network
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

import itertools
import math
import time

import numpy as np

from ..errors import ExactRankError, InvalidInputError
from ..geometry.tn import min_cut_bound, powers_of_one_integer, tensor_network
from ..geometry.trees import contiguous_tree, mirror_tree, rank_bounds
from ..linalg.partitions import each_partition, halves, left_right, odd_even
from ..models import without_overlaps
from ..models.grid import grid_tensor
from ..models.hierarchical import parse_tree
from ..sampling import random_hierarchical, random_overlapping
from .conv_plots import plot_claim12, plot_theorem8, plot_theorem10
from .experiment import Experiment
from .params import (
    FIELD,
    MAX_WIDTH,
    check_grid_size,
    derived_seed,
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


# ---------------------------------------------------------------------------- theorem10


def _shape(value) -> list[int]:
    """[N] or [H, W] from N, 'N', 'HxW', [N] or [H, W]."""
    shape = value
    if isinstance(value, str):
        try:
            shape = [int(v) for v in value.lower().split("x")]
        except ValueError:
            shape = None
    elif isinstance(value, int | np.integer) and not isinstance(value, bool):
        shape = [value]
    if not isinstance(shape, list | tuple) or len(shape) not in (1, 2):
        raise InvalidInputError(
            f"parameter shapes: expected N, 'HxW', [N] or [H, W] for each network, got {value!r}"
        )
    return [int_param(n, "shapes", 2) for n in shape]


def _label(shape: list) -> str:
    return f"1D N={shape[0]}" if len(shape) == 1 else f"2D {shape[0]}x{shape[1]}"


def _depth(shape: list, S: int) -> int:
    """L with every side = S^L: the layers that bring the input down to one position."""
    L, n = 0, 1
    while n < shape[0]:
        n, L = n * S, L + 1
    if n != shape[0] or any(side != shape[0] for side in shape):
        sides = " x ".join(map(str, shape))
        raise InvalidInputError(
            f"parameter shapes: {sides} cannot be brought down to one position by layers of "
            f"stride S = {S}: every side must be S^L (L >= 1), and H = W for an image"
        )
    return L


def overlapping_network(params: dict, shape: list, R: int, seed: int):
    """The network over ``shape`` with (R, S, C) in every layer, drawn for a sample of seed
    ``seed`` (weights from :func:`_derived_seed` (seed, its label))."""
    layers = [(R, params["S"], params["C"])] * _depth(shape, params["S"])
    field, shape_arg = params["field"], shape[0] if len(shape) == 1 else tuple(shape)
    return random_overlapping(
        shape_arg, params["M"], layers, field=field, seed=derived_seed(seed, _label(shape))
    )


def _validate_theorem10(params: dict) -> dict:
    out = dict(params)
    out["M"] = int_param(out["M"], "M", 1)
    out["C"] = int_param(out["C"], "C", 1, MAX_WIDTH)
    out["S"] = int_param(out["S"], "S", 2)
    out["field"] = field_param(out["field"])
    shapes = out["shapes"]
    shapes = [shapes] if isinstance(shapes, int | str) else shapes
    if not isinstance(shapes, list | tuple) or not shapes:
        raise InvalidInputError(f"parameter shapes: expected a non-empty list, got {shapes!r}")
    out["shapes"] = [_shape(s) for s in shapes]
    labels = [_label(s) for s in out["shapes"]]
    if len(set(labels)) != len(labels):
        raise InvalidInputError(
            f"parameter shapes: networks repeat in {labels} (an image is 'HxW' or [H, W] "
            "inside the list: [[8], [4, 4]])"
        )
    Rs = out["receptive_fields"]
    Rs = [Rs] if isinstance(Rs, int) else Rs
    if not isinstance(Rs, list | tuple) or not Rs:
        raise InvalidInputError(
            f"parameter receptive_fields: expected a non-empty list, got {Rs!r}"
        )
    out["receptive_fields"] = sorted(int_param(R, "receptive_fields", out["S"]) for R in Rs)
    if len(set(out["receptive_fields"])) != len(Rs):
        raise InvalidInputError(f"parameter receptive_fields: values repeat in {sorted(Rs)}")
    for shape in out["shapes"]:
        _depth(shape, out["S"])
        check_grid_size(out["M"], math.prod(shape), f"M, shapes ({_label(shape)})")
        for R in out["receptive_fields"]:  # the model's own checks, named here
            try:
                overlapping_network(out, shape, R, 0)
            except ExactRankError as exc:
                raise InvalidInputError(
                    f"parameters shapes, receptive_fields: {_label(shape)} with R = {R}: {exc}"
                ) from None
    return out


def run_theorem10(params: dict, R: int, index: int, seed: int) -> dict:
    """One draw per network at receptive field R: its ranks and those of the same network
    with the overlaps switched off, per partition."""
    start = time.perf_counter()
    field, networks = params["field"], []
    for shape in params["shapes"]:
        model = overlapping_network(params, shape, R, seed)
        grid = grid_tensor(model, field)
        flat = grid_tensor(without_overlaps(model), field)
        for name, part in halves(shape).items():
            networks.append(
                {
                    "network": _label(shape),
                    "partition": name,
                    "rank": exact_rank(grid, part, field, seed),
                    "rank_without_overlaps": exact_rank(flat, part, field, seed),
                    "total_receptive_fields": list(model.total_receptive_fields),
                }
            )
    record = {"R": R, "index": index, "sample_seed": seed, "networks": networks, "exact": True}
    return {**record, "seconds": round(time.perf_counter() - start, 4)}


def summarize_theorem10(params: dict, records: list) -> dict:
    """Per network and partition, per R: the largest and smallest rank over draws, the
    largest with overlaps switched off, log_M of the largest; and facts read off them."""
    M, S, C = params["M"], params["S"], params["C"]
    series = []
    for shape in params["shapes"]:
        for name, part in halves(shape).items():
            by_R = []
            for R in params["receptive_fields"]:
                rows = [
                    n
                    for rec in records
                    if rec["R"] == R
                    for n in rec["networks"]
                    if (n["network"], n["partition"]) == (_label(shape), name)
                ]
                best = max(n["rank"] for n in rows)
                by_R.append(
                    {
                        "R": R,
                        "samples": len(rows),
                        "rank_max": best,
                        "rank_min": min(n["rank"] for n in rows),
                        "log_M_rank_max": _log(best, M),
                        "without_overlaps_max": max(n["rank_without_overlaps"] for n in rows),
                        "total_receptive_fields": rows[0]["total_receptive_fields"],
                    }
                )
            best = [g["rank_max"] for g in by_R]
            above = [g["R"] for g in by_R if g["rank_max"] > C]
            series.append(
                {
                    "network": _label(shape),
                    "partition": name,
                    "layers": _depth(shape, S),
                    "baseline_bound": C,
                    "ceiling": M ** min(len(part.row_modes), len(part.col_modes)),
                    "by_R": by_R,
                    "nondecreasing_in_R": all(a <= b for a, b in itertools.pairwise(best)),
                    "without_overlaps_within_bound": all(
                        g["without_overlaps_max"] <= C for g in by_R
                    ),
                    "first_R_above_bound": above[0] if above else None,
                    "every_R_above_S_above_bound": all(
                        g["rank_max"] > C for g in by_R if g["R"] > S
                    ),
                }
            )
    return {"series": series, "samples": len(records)}


def _notes_theorem10(params: dict) -> list:
    return [
        "network: OverlappingNetwork (exactrank/models/overlapping.py states every choice: "
        "block offsets, padding by the factor 1, representation folded into the first layer, "
        "dense output), no biases, F = identity; every layer (R, S, C), as many layers as "
        "bring the input to one position",
        "rank_without_overlaps: the same drawn network through without_overlaps (seed 000 §6, "
        "Proposition (i): kernel positions outside the stride window get weight 0, bias 1), a "
        "non-overlapping network; its rank is at most C_(L-1) = C (baseline_bound: every split "
        "separates the children of the last block)",
        "partitions: 1D left-right (the first N/2 modes); 2D left-right and top-bottom halves, "
        "pixel (h, w) = mode h*W + w",
        f"ranks: exact over {params['field']} for each draw; " + _genericity(params["field"]),
        "Theorem 10's 'exponentially proportional to the degree of overlapping' is Sharir & "
        "Shashua's formula, not checked: total_receptive_fields and log_M_rank_max are "
        "recorded for a reader holding that paper",
    ]


# ---------------------------------------------------------------------------- claim12

_FIXED_TREES = {
    "padded/6": (((0, 1), (2,)), ((3, 4), (5,))),  # windows of one mode pad a binary tree
    "windows-of-3/6": contiguous_tree(6, [3, 2]),  # δ tensors of degree 4: hyperedge cuts
}


def tree_named(name: str):
    """The mode tree called ``name``: contiguous/N, mirror/N or mirror-first/N (N a power
    of 2, as in theorem8), padded/6 or windows-of-3/6."""
    if name in _FIXED_TREES:
        return _FIXED_TREES[name]
    kind, _, size = str(name).partition("/")
    if kind in _GEOMETRIES and size.isdigit() and int(size) >= 2:
        N = int(size)
        if not N & (N - 1):
            return _GEOMETRIES[kind](N)
    raise InvalidInputError(
        f"parameter instances: unknown tree {name!r}; expected contiguous/N, mirror/N or "
        f"mirror-first/N with N a power of 2 >= 2, or {', '.join(_FIXED_TREES)}"
    )


def _instance_label(tree: str, M: int, widths) -> str:
    return f"{tree} M={M} r={','.join(map(str, widths))}"


def _instances(params: dict) -> dict:
    """label -> (tree name, M, widths), in the order given."""
    return {_instance_label(t, M, w): (t, M, w) for t, M, w in params["instances"]}


def _validate_claim12(params: dict) -> dict:
    out = dict(params)
    out["field"] = field_param(out["field"])
    if out["partitions"] not in ("all", "balanced"):
        raise InvalidInputError(
            f"parameter partitions: expected 'all' or 'balanced', got {out['partitions']!r}"
        )
    items = out["instances"]
    if not isinstance(items, list | tuple) or not items:
        raise InvalidInputError(
            f"parameter instances: expected a non-empty list of [tree, M, widths], got {items!r}"
        )
    instances = []
    for item in items:
        if not isinstance(item, list | tuple) or len(item) != 3:
            raise InvalidInputError(
                f"parameter instances: expected [tree, M, widths] such as "
                f'["contiguous/8", 2, [2, 4, 2]], got {item!r}'
            )
        _, levels = parse_tree(tree_named(item[0]))  # leaves first: N = len(levels[0])
        M = int_param(item[1], "instances (M)", 1)
        widths = widths_param(item[2], len(levels) - 1, f"instances ({item[0]})")
        check_grid_size(M, len(levels[0]), f"instances ({item[0]}, M = {M})")
        instances.append([item[0], M, widths])
    out["instances"] = instances
    labels = [_instance_label(*i) for i in instances]
    if len(set(labels)) != len(labels):
        raise InvalidInputError(f"parameter instances: instances repeat in {labels}")
    return out


def _describe(cut) -> str:
    """The cut's bonds: 'input 0–conv 0 (3) · δ((0, 1, 2), (3, 4, 5)) (5)'."""

    def node(n):
        return " ".join(map(str, n))

    parts = [f"{node(u)}–{node(v)} ({b})" for u, v, b in cut.edges]
    parts += [f"δ{d[1]} ({b})" for d, b in cut.deltas]
    return " · ".join(parts) or "nothing"


def run_claim12(params: dict, label: str, index: int, seed: int) -> dict:
    """One draw of an instance: per partition, the min-cut bound and the exact rank (and
    the cut, where the rank falls short of it)."""
    start = time.perf_counter()
    tree_name, M, widths = _instances(params)[label]
    field = params["field"]
    model = random_hierarchical(tree_named(tree_name), M, widths, field=field, seed=seed)
    graph, grid = tensor_network(model), grid_tensor(model, field)
    ranks, cuts, short = {}, {}, {}
    for part in each_partition(model.N, balanced=params["partitions"] == "balanced"):
        key, cut = partition_key(part.row_modes), min_cut_bound(graph, part)
        ranks[key], cuts[key] = exact_rank(grid, part, field, seed), cut.bound
        if ranks[key] != cut.bound:
            short[key] = _describe(cut)
    record = {"instance": label, "index": index, "sample_seed": seed}
    record.update(rank=ranks, min_cut=cuts, cuts=short, exact=True)
    return {**record, "seconds": round(time.perf_counter() - start, 4)}


def summarize_claim12(params: dict, records: list) -> dict:
    """Per instance: agreements (largest rank over draws = min-cut) and disagreements
    (below it); totals split by whether the channel numbers are powers of one integer;
    every disagreement and every violation (rank > min-cut: impossible, a bug) listed;
    ``scatter``: the (min-cut, rank) pairs with their counts, for the figure."""
    by_instance, disagreements, violations, scatter = [], [], [], {}
    totals = {
        k: {"instances": 0, "pairs": 0, "agree": 0, "disagree": 0}
        for k in ("powers_of_one_integer", "other")
    }
    for label, (tree_name, M, widths) in _instances(params).items():
        mine = [rec for rec in records if rec["instance"] == label]
        covered = powers_of_one_integer([M, *widths])
        agree = disagree = 0
        for key, cut in mine[0]["min_cut"].items():
            draws = [rec["rank"][key] for rec in mine]
            best = max(draws)
            point = (cut, best, covered)
            scatter[point] = scatter.get(point, 0) + 1
            entry = {"instance": label, "powers_of_one_integer": covered, "partition": key}
            entry.update(min_cut=cut, rank=best, ranks_by_draw=draws)
            if best > cut:
                violations.append(entry)
            elif best < cut:
                disagree += 1
                cause = next(rec["cuts"][key] for rec in mine if key in rec["cuts"])
                disagreements.append({**entry, "cut": cause})
            else:
                agree += 1
        group = totals["powers_of_one_integer" if covered else "other"]
        group["instances"] += 1
        group["pairs"] += agree + disagree + sum(v["instance"] == label for v in violations)
        group["agree"] += agree
        group["disagree"] += disagree
        by_instance.append(
            {
                "instance": label,
                "tree": tree_name,
                "M": M,
                "widths": widths,
                "powers_of_one_integer": covered,
                "samples": len(mine),
                "partitions": len(mine[0]["min_cut"]),
                "agree": agree,
                "disagree": disagree,
                "largest_min_cut": max(mine[0]["min_cut"].values()),
            }
        )
    points = [
        {"min_cut": c, "rank": r, "powers_of_one_integer": p, "count": n}
        for (c, r, p), n in sorted(scatter.items())
    ]
    return {
        "totals": totals,
        "by_instance": by_instance,
        "disagreements": disagreements,
        "violations": violations,
        "scatter": points,
        "samples": len(records),
    }


def _notes_claim12(params: dict) -> list:
    return [
        f"network: {HIERARCHY}; its TN is exactrank.geometry.tn.tensor_network (fig. 6), "
        "δ tensors cut "
        "through count their bond once (a hyperedge); min_cut is exp(min-cut), an exact integer",
        "trees: contiguous/N = contiguous_tree(N); mirror/N = mirror_tree(N); mirror-first/N "
        "= mirror_tree(N, recursive=False) (the 'mirror' of proofs/seed000_claim_12.py); "
        "padded/6 = (((0, 1), (2,)), ((3, 4), (5,))); windows-of-3/6 = contiguous_tree(6, [3, 2])",
        "channel numbers: M and every width; powers of one integer: some b >= 2 with each "
        "= b^k, k >= 0 (seed 000, footnote 10: the claim covers only these)",
        f"partitions: {params['partitions']} (0 in I: each once up to complement)",
        f"ranks: exact over {params['field']} for each draw; "
        + _genericity(params["field"])
        + "; rank <= min-cut holds for every weight (violations lists any breach)",
        "a disagreement: the largest rank over the draws is below the min-cut; exact for "
        "these draws, near-certain but not proven for generic weights",
    ]


# ---------------------------------------------------------------------------- registry

_CLAIM12_INSTANCES = [
    # channel numbers that are powers of one integer (Claim 12 covers them)
    ["contiguous/4", 2, [2, 2]],
    ["contiguous/4", 2, [2, 4]],
    ["contiguous/4", 2, [4, 2]],
    ["contiguous/4", 4, [2, 4]],
    ["contiguous/4", 3, [3, 9]],
    ["contiguous/4", 2, [8, 4]],
    ["mirror/4", 2, [2, 4]],
    ["mirror/4", 4, [4, 2]],
    ["contiguous/8", 2, [2, 2, 2]],
    ["contiguous/8", 2, [4, 4, 2]],
    ["contiguous/8", 4, [2, 2, 4]],
    ["contiguous/8", 2, [2, 4, 2]],
    ["contiguous/8", 2, [4, 8, 2]],
    ["mirror-first/8", 2, [2, 4, 4]],
    ["mirror-first/8", 4, [4, 2, 2]],
    ["mirror-first/8", 2, [4, 2, 8]],
    ["mirror-first/8", 3, [3, 3, 9]],
    ["mirror/8", 2, [2, 4, 4]],
    ["padded/6", 3, [3, 9, 3]],
    ["padded/6", 2, [4, 8, 2]],
    ["windows-of-3/6", 2, [2, 4]],
    ["windows-of-3/6", 3, [3, 3]],
    ["windows-of-3/6", 4, [2, 4]],
    ["windows-of-3/6", 2, [4, 2]],
    ["windows-of-3/6", 3, [9, 3]],
    # other channel numbers (outside the claim)
    ["contiguous/4", 2, [3, 3]],
    ["contiguous/4", 3, [2, 5]],
    ["contiguous/4", 3, [5, 2]],
    ["contiguous/4", 2, [5, 3]],
    ["contiguous/8", 2, [3, 5, 2]],
    ["contiguous/8", 3, [2, 3, 5]],
    ["contiguous/8", 2, [6, 3, 5]],
    ["mirror-first/8", 2, [3, 3, 5]],
    ["mirror-first/8", 3, [5, 2, 3]],
    ["mirror-first/8", 3, [2, 6, 2]],
    ["mirror/8", 3, [5, 2, 3]],
    ["padded/6", 3, [5, 5, 2]],
    ["padded/6", 3, [6, 5, 2]],
    ["padded/6", 2, [3, 5, 2]],
    ["windows-of-3/6", 3, [5, 2]],
    ["windows-of-3/6", 3, [6, 2]],
    ["windows-of-3/6", 2, [3, 5]],
]

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


def describe_theorem10(document: dict) -> list[str]:
    """Per network and partition: the ranks against R, with overlaps and without."""
    params, summary = document["parameters"], document["summary"]
    Rs = ", ".join(map(str, params["receptive_fields"]))
    lines = [
        f"M = {params['M']}, C = {params['C']}, S = {params['S']} over {params['field']}; "
        f"exact ranks (largest over draws) for R = {Rs}; the baseline's bound C = {params['C']}"
    ]
    for series in summary["series"]:
        ranks = ", ".join(str(g["rank_max"]) for g in series["by_R"])
        flat = ", ".join(str(g["without_overlaps_max"]) for g in series["by_R"])
        lines.append(
            f"  {series['network']:6} {series['partition']:11} {ranks}  (overlaps off: {flat})"
        )
    return lines


def describe_claim12(document: dict) -> list[str]:
    """Agreements of rank and min-cut, split by the claim's condition; every disagreement."""
    summary = document["summary"]
    lines = []
    for key, text in (
        ("powers_of_one_integer", "channel numbers powers of one integer"),
        ("other", "other channel numbers"),
    ):
        t = summary["totals"][key]
        lines.append(
            f"  {text}: rank = min-cut on {t['agree']} of {t['pairs']} (network, partition) "
            f"pairs in {t['instances']} networks"
        )
    for d in summary["disagreements"]:
        lines.append(
            f"  rank {d['rank']} < min-cut {d['min_cut']}: {d['instance']}, {d['partition']}"
        )
    lines += [f"  RANK ABOVE THE MIN-CUT: {v}" for v in summary["violations"]]
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
    Experiment(
        name="theorem10",
        title="Theorem 10: left-right / top-bottom ranks of overlapping GC networks against R",
        source=f"{PAPER}, §6, Theorem 10, Propositions (i) and (ii)",
        defaults={
            "shapes": [[8], [16], [4, 4]],
            "M": 2,
            "C": 2,
            "S": 2,
            "receptive_fields": [2, 3, 4, 5, 6],
            "field": FIELD,
        },
        samples=4,
        quick_samples=1,
        validate=_validate_theorem10,
        groups=lambda params: list(params["receptive_fields"]),
        group_key="R",
        run_sample=run_theorem10,
        summarize=summarize_theorem10,
        plot=plot_theorem10,
        describe=describe_theorem10,
        notes=_notes_theorem10,
    ),
    Experiment(
        name="claim12",
        title="Claim 12: rank against the TN min-cut on random convolutional arithmetic circuits",
        source=f"{PAPER}, §7, Claim 12, footnote 10, fig. 6",
        defaults={"instances": _CLAIM12_INSTANCES, "partitions": "all", "field": FIELD},
        samples=3,
        quick_samples=1,
        validate=_validate_claim12,
        groups=lambda params: list(_instances(params)),
        group_key="instance",
        run_sample=run_claim12,
        summarize=summarize_claim12,
        plot=plot_claim12,
        describe=describe_claim12,
        notes=_notes_claim12,
    ),
)
