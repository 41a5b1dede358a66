"""Seed 000, §6: the table of Theorem 10 (overlapping networks), as the experiment ``theorem10``.

Left-right (and, on images, top-bottom) ranks of overlapping networks of GC layers
(:class:`~exactrank.OverlappingNetwork`) as the receptive field R of every layer grows at
stride S, next to the same drawn network with its overlaps switched off
(:func:`~exactrank.without_overlaps`, Proposition (i): a non-overlapping network) and the
baseline's bound C_{L−1}; Proposition (ii). What is exact and what is generic, the defaults
and what they gave: :mod:`.conv_tables`.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np

from ..errors import ExactRankError, InvalidInputError
from ..linalg.partitions import halves
from ..models import without_overlaps
from ..models.grid import grid_tensor
from ..sampling import random_overlapping
from .conv_plots import plot_theorem10
from .conv_tables import PAPER, _genericity, _log
from .experiment import Experiment
from .params import (
    FIELD,
    MAX_WIDTH,
    check_grid_size,
    derived_seed,
    exact_rank,
    field_param,
    int_param,
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


EXPERIMENTS = (
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
)
