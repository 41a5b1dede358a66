"""Seed 000, §7: the table of Claim 12 (rank against the TN min-cut), as the experiment ``claim12``.

The exact rank of every partition against the min-cut bound of the network's tensor network
(:func:`~exactrank.geometry.tn.min_cut_bound`, fig. 6), on trees and widths whose channel
numbers are powers of one integer (covered by the claim, footnote 10) and others (not
covered); every disagreement is listed. What is exact and what is generic, the defaults and
what they gave: :mod:`.conv_tables`.
"""

from __future__ import annotations

import time

from ..errors import InvalidInputError
from ..geometry.tn import min_cut_bound, powers_of_one_integer, tensor_network
from ..geometry.trees import contiguous_tree
from ..linalg.partitions import each_partition
from ..models.grid import grid_tensor
from ..models.hierarchical import parse_tree
from ..sampling import random_hierarchical
from .conv_plots import plot_claim12
from .conv_tables import _GEOMETRIES, HIERARCHY, PAPER, _genericity
from .experiment import Experiment
from .params import (
    FIELD,
    check_grid_size,
    exact_rank,
    field_param,
    int_param,
    partition_key,
    widths_param,
)

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
