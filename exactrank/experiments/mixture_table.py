"""Seed 000, §8: the table of Theorem 13 / Corollary 14 (mixed decompositions), as an experiment.

``theorem13`` draws mixed networks (:class:`~exactrank.MixedNetwork`) of the baseline dilated
network (dilations 1, 2, 4, …: fig. 7) with a second dilated network (each ``pairs`` entry:
its dilations, and which shared nodes are mixture nodes — ``shared``: every internal node
the two trees share; ``first``: only the smallest of them, a single connection; ``none``: no
connection, the mixture is N_1 + N_2). For every draw and every balanced partition (I, J)
(0 ∈ I) it records the exact ranks ρ_1, ρ_2, ρ_M of the grid tensors of the two components
and of the mixture. The summary takes, per partition, the largest rank over draws, and for
each tree T_i the least width at which the proven upper bound
:func:`~exactrank.geometry.trees.rank_bounds` over T_i reaches ρ_M: a network over T_i narrower than
the largest of these cannot replicate the drawn mixture (its rank on that partition is
too small, for every weight). Corollary 14's "at least quadratically larger" is the test
``need ≥ r²`` per tree. The figure shows, per pair, the widths each tree needs against r and
r².

Modelling choices: as :mod:`exactrank.models.mixed` and ``proofs/seed000_theorem_13.py``
(identity activation, product pooling, unshared weights, F = I, every width r); exact ranks
over GF(2^61 − 1) by default (random residues: lower bounds on the generic ranks) or proven
over QQ with ``field=QQ`` (large random integers).
"""

from __future__ import annotations

import time

from ..errors import InvalidInputError
from ..geometry.trees import dilated_tree, width_for_rank
from ..linalg.partitions import each_partition
from ..models import common_nodes
from ..models.grid import grid_tensor
from ..sampling import random_mixed
from .experiment import Experiment
from .params import (
    FIELD,
    MAX_WIDTH,
    check_grid_size,
    exact_rank,
    field_param,
    int_param,
    partition_key,
)

PAPER = "seed 000 (Cohen, Sharir, Levine, Tamari, Yakira & Shashua)"
MIXTURES = ("shared", "first", "none")


def _pair(value, k: int, L: int) -> str:
    """'D1,D2,…/MIXTURE' with the dilations a permutation of 1, 2, …, 2^{L−1}."""
    text = str(value)
    dilations, _, mixture = text.partition("/")
    try:
        d = [int(v) for v in dilations.split(",")]
        dilated_tree(d)
    except (ValueError, InvalidInputError):
        d = None
    if d is None or len(d) != L or mixture not in MIXTURES:
        raise InvalidInputError(
            f"parameter pairs[{k}]: expected 'D1,…,DL/MIXTURE' with the dilations a permutation "
            f"of {[2**e for e in range(L)]} and MIXTURE one of {', '.join(MIXTURES)}, got {value!r}"
        )
    return f"{','.join(map(str, d))}/{mixture}"


def _validate(params: dict) -> dict:
    out = dict(params)
    L = out["L"] = int_param(out["L"], "L", 2, 4)
    out["M"] = int_param(out["M"], "M", 1)
    check_grid_size(out["M"], 2**L, "M, L")
    out["r"] = int_param(out["r"], "r", 1, MAX_WIDTH)
    out["field"] = field_param(out["field"])
    pairs = out["pairs"]
    if not isinstance(pairs, list | tuple) or not pairs:
        raise InvalidInputError(f"parameter pairs: expected a non-empty list, got {pairs!r}")
    out["pairs"] = [_pair(p, k, L) for k, p in enumerate(pairs)]
    if len(set(out["pairs"])) != len(out["pairs"]):
        raise InvalidInputError(f"parameter pairs: pairs repeat in {out['pairs']}")
    return out


def _trees(params: dict, pair: str):
    dilations, mixture = pair.split("/")
    first = dilated_tree([2**e for e in range(params["L"])])
    second = dilated_tree([int(v) for v in dilations.split(",")])
    shared = common_nodes(first, second)
    nodes = {"shared": shared, "first": shared[:1], "none": []}[mixture]
    return first, second, nodes


def run_sample(params: dict, pair: str, index: int, seed: int) -> dict:
    """One draw: ρ_1, ρ_2, ρ_M on every balanced partition."""
    start = time.perf_counter()
    first, second, nodes = _trees(params, pair)
    field = params["field"]
    model = random_mixed(
        first, second, params["M"], params["r"], mixture=nodes, field=field, seed=seed
    )
    grids = [grid_tensor(net, field) for net in (model.first, model.second, model)]
    ranks = {
        partition_key(part.row_modes): [exact_rank(g, part, field, seed) for g in grids]
        for part in each_partition(2 ** params["L"], balanced=True)
    }
    return {
        "pair": pair,
        "index": index,
        "sample_seed": seed,
        "mixture_nodes": [list(n) for n in nodes],
        "ranks": ranks,
        "exact": True,
        "seconds": round(time.perf_counter() - start, 4),
    }


def summarize(params: dict, records: list) -> dict:
    """Per pair: per partition the largest ρ_1, ρ_2, ρ_M over draws and the widths each
    tree needs; per tree the largest need and whether it is ≥ r²."""
    M, r = params["M"], params["r"]
    pairs = []
    for pair in params["pairs"]:
        trees = _trees(params, pair)[:2]
        mine = [rec for rec in records if rec["pair"] == pair]
        rows = []
        for part in each_partition(2 ** params["L"], balanced=True):
            key = partition_key(part.row_modes)
            best = [max(rec["ranks"][key][i] for rec in mine) for i in range(3)]
            needs = [width_for_rank(t, part, M, best[2]) for t in trees]
            rows.append({"partition": key, "ranks": best, "needed_widths": needs})
        need = [max(row["needed_widths"][i] for row in rows) for i in range(2)]
        ranks = [row["ranks"] for row in rows]
        pairs.append(
            {
                "pair": pair,
                "mixture_nodes": mine[0]["mixture_nodes"],
                "samples": len(mine),
                "needed_width": need,
                "quadratic": [n >= r * r for n in need],
                "mixture_beats_both": sum(a > max(b, c) for b, c, a in ranks),
                "mixture_below_a_component": sum(a < max(b, c) for b, c, a in ranks),
                "partitions": rows,
            }
        )
    return {"r_squared": r * r, "pairs": pairs, "samples": len(records)}


def describe(document: dict) -> list[str]:
    params, summary = document["parameters"], document["summary"]
    r = params["r"]
    lines = [
        f"N = {2 ** params['L']}, M = {params['M']}, width r = {r} over {params['field']}; "
        f"baseline dilations {[2**e for e in range(params['L'])]} against each pair"
    ]
    for p in summary["pairs"]:
        verdict = "both >= r^2" if all(p["quadratic"]) else "BELOW r^2"
        lines.append(
            f"  {p['pair']:14} widths needed {p['needed_width'][0]}, {p['needed_width'][1]} "
            f"({verdict} = {r * r}); the mixture beats both on {p['mixture_beats_both']} of "
            f"{len(p['partitions'])} partitions"
        )
    return lines


def plot(document: dict, path: str) -> None:
    """Grouped bars per pair: the width each tree needs (log scale), with r and r² marked."""
    from .conv_plots import new_figure

    params, summary = document["parameters"], document["summary"]
    r, pairs = params["r"], summary["pairs"]
    figure = new_figure(max(6.4, 1.3 * len(pairs) + 2), 4.6)
    ax = figure.subplots()
    x = range(len(pairs))
    for i, (label, shift) in enumerate((("tree 1 (baseline)", -0.2), ("tree 2", 0.2))):
        ax.bar([k + shift for k in x], [p["needed_width"][i] for p in pairs], 0.38, label=label)
    ax.axhline(r * r, color="crimson", linestyle="--", label=f"r² = {r * r}")
    ax.axhline(r, color="gray", linestyle=":", label=f"r = {r}")
    ax.set_yscale("log", base=2)
    ax.set_xticks(list(x), [p["pair"] for p in pairs], fontsize=8)
    ax.set_xlabel("second network: dilations / mixture nodes")
    ax.set_ylabel("width a single tree needs (proven)")
    ax.legend(fontsize=8)
    figure.suptitle(
        f"{document['experiment']}: mixtures of width r = {r}, M = {params['M']}, "
        f"N = {2 ** params['L']}, over {params['field']}",
        fontsize=9,
    )
    figure.savefig(path, format="png", dpi=100)


def notes(params: dict) -> list:
    return [
        "networks: identity activation, product pooling, unshared weights, F = identity, every "
        f"width r = {params['r']}; the mixture as exactrank.models.mixed defines it",
        "needed_widths: the least width at which exactrank.geometry.trees.rank_bounds (proven for "
        "every weight) over that tree reaches the mixture's rank; a narrower network over the "
        "tree cannot replicate the drawn mixture",
        f"ranks: exact over {params['field']}, largest over draws",
    ]


EXPERIMENTS = (
    Experiment(
        name="theorem13",
        title="Theorem 13 / Corollary 14: widths a single tree needs to replicate a mixture",
        source=f"{PAPER}, §8, Theorem 13, Corollary 14",
        defaults={
            "L": 3,
            "M": 3,
            "r": 3,
            "field": FIELD,
            "pairs": ["2,1,4/shared", "2,1,4/first", "1,4,2/shared", "4,2,1/none"],
        },
        samples=3,
        quick_samples=1,
        validate=_validate,
        groups=lambda params: list(params["pairs"]),
        group_key="pair",
        run_sample=run_sample,
        summarize=summarize,
        plot=plot,
        describe=describe,
        notes=notes,
    ),
)
