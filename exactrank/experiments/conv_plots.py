"""The figures of seed 000's rank tables (:mod:`exactrank.experiments.conv_tables`).

Each ``plot_*`` reads a finished document (parameters and summary) and writes a PNG with
matplotlib's Agg backend; the runner writes it atomically (:mod:`exactrank.experiments.report`).
"""

from __future__ import annotations

import math

import numpy as np


def _draws(params: dict) -> str:
    n = params["samples"]
    return f"{n} draw{'' if n == 1 else 's'}"


def new_figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def plot_theorem8(document: dict, path: str) -> None:
    """A heatmap: trees down, balanced partitions across (I written out), colour log_ρ of
    the largest rank over draws, ρ = min(r_0, M) (the top rank is ρ^{N/2}); each cell holds
    the rank, starred where it is below the proven upper bound ``upper``."""
    params, summary = document["parameters"], document["summary"]
    trees, parts, N = params["trees"], summary["partitions"], params["N"]
    base = max(summary["rho"], 2)
    ranks = np.array([[p["by_tree"][t]["rank_max"] for p in parts] for t in trees], dtype=float)
    logs = np.where(ranks > 0, np.log(np.maximum(ranks, 1)) / math.log(base), np.nan)
    dense = len(parts) <= 70
    figure = new_figure(max(6.4, 0.34 * len(parts) + 2.8), 1.9 + 0.55 * len(trees))
    ax = figure.subplots()
    image = ax.imshow(logs, aspect="auto", cmap="viridis", vmin=0, vmax=N // 2)
    for i, t in enumerate(trees):
        for j, p in enumerate(parts if dense else ()):
            cell = p["by_tree"][t]
            star = "*" if cell["rank_max"] < cell["upper"] else ""
            light = logs[i, j] < 0.6 * (N // 2)
            ax.text(
                j,
                i,
                f"{cell['rank_max']}{star}",
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if light else "black",
            )
    shown = [j for j, p in enumerate(parts) if dense or p["name"]]
    sep = "" if N <= 10 else ","
    ticks = [sep.join(map(str, parts[j]["rows"])) for j in shown]
    ax.set_xticks(shown, ticks, rotation=90, fontsize=7, family="monospace")
    for j, label in zip(shown, ax.get_xticklabels(), strict=True):
        if parts[j]["name"]:
            label.set_color("crimson")
            label.set_fontweight("bold")
            ax.annotate(
                parts[j]["name"],
                (j, -0.5),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color="crimson",
            )
    ax.set_yticks(range(len(trees)), trees)
    ax.set_xlabel("I (rows of the matricization; 0 ∈ I, |I| = N/2)")
    colorbar = figure.colorbar(image, ax=ax, pad=0.01)
    colorbar.set_label(f"log_{base} rank", fontsize=8)
    r = ",".join(map(str, params["r"]))
    figure.suptitle(
        f"{document['experiment']}: N = {N}, M = {params['M']}, widths r = ({r}), "
        f"{_draws(params)} per tree over {params['field']}\n"
        f"largest rank over draws (exact, a lower bound on the generic rank); top rank "
        f"min(r_0, M)^(N/2) = {summary['top_rank']}; * below the proven upper bound",
        fontsize=9,
    )
    figure.savefig(path, format="png", dpi=100)


def plot_theorem10(document: dict, path: str) -> None:
    """Rank against R (log scale), one colour per network and partition: solid the
    overlapping network, dashed the same draws with the overlaps switched off, dotted the
    ceiling M^{N/2}; grey the baseline's bound C_{L−1}."""
    from matplotlib.lines import Line2D

    params, summary = document["parameters"], document["summary"]
    figure = new_figure(7.2, 4.8)
    ax = figure.subplots()
    handles = []
    count = len(summary["series"])
    for i, s in enumerate(summary["series"]):
        shift = 0.06 * (i - (count - 1) / 2)  # coinciding series stay visible side by side
        color, Rs = f"C{i}", [g["R"] + shift for g in s["by_R"]]
        marker = "o" if s["partition"] == "left-right" else "s"
        (line,) = ax.plot(
            Rs,
            [g["rank_max"] for g in s["by_R"]],
            "-",
            marker=marker,
            color=color,
            label=f"{s['network']}, {s['partition']}",
        )
        ax.plot(Rs, [g["without_overlaps_max"] for g in s["by_R"]], "--", marker="x", color=color)
        ax.axhline(s["ceiling"], color=color, linestyle=":", linewidth=0.9)
        handles.append(line)
    ax.axhline(params["C"], color="grey", linestyle="-.", linewidth=1)
    handles += [
        Line2D([], [], color="black", linestyle="--", marker="x", label="overlaps switched off"),
        Line2D([], [], color="black", linestyle=":", label="ceiling M^(N/2)"),
        Line2D([], [], color="grey", linestyle="-.", label=f"baseline bound C = {params['C']}"),
    ]
    ax.set_yscale("log", base=2)
    ax.set_xticks(params["receptive_fields"])
    ax.set_xlabel(
        f"receptive field R of every GC layer (stride S = {params['S']}; R = S: no overlap)"
    )
    ax.set_ylabel("rank (largest over draws, exact)")
    ax.legend(handles=handles, fontsize=8)
    figure.suptitle(
        f"{document['experiment']}: overlapping GC networks, M = {params['M']}, C = "
        f"{params['C']}, {_draws(params)} per R over {params['field']}",
        fontsize=10,
    )
    figure.savefig(path, format="png", dpi=100)


def plot_claim12(document: dict, path: str) -> None:
    """Rank (largest over draws) against the min-cut bound, log-log, with the diagonal;
    marker area by the number of (instance, partition) pairs; red edges: disagreements."""
    params, summary = document["parameters"], document["summary"]
    figure = new_figure(6.6, 5.6)
    ax = figure.subplots()
    styles = {True: ("C0", "o", 0.96), False: ("C1", "^", 1.04)}  # colour, marker, x offset
    for covered, (color, marker, shift) in styles.items():
        points = [p for p in summary["scatter"] if p["powers_of_one_integer"] == covered]
        if not points:
            continue
        totals = summary["totals"]["powers_of_one_integer" if covered else "other"]
        ax.scatter(
            [p["min_cut"] * shift for p in points],
            [p["rank"] for p in points],
            s=[18 + 10 * math.sqrt(p["count"]) for p in points],
            c=color,
            marker=marker,
            alpha=0.75,
            linewidths=0,
            label=f"{'powers of one integer' if covered else 'other channel numbers'}: "
            f"{totals['agree']} agree, {totals['disagree']} disagree",
        )
        for p in points:
            if p["rank"] != p["min_cut"]:
                ax.annotate(
                    f"{p['count']}",
                    (p["min_cut"] * shift, p["rank"]),
                    xytext=(6, -10),
                    textcoords="offset points",
                    fontsize=8,
                    color="crimson",
                )
    wrong = [p for p in summary["scatter"] if p["rank"] != p["min_cut"]]
    if wrong:
        ax.scatter(
            [p["min_cut"] * styles[p["powers_of_one_integer"]][2] for p in wrong],
            [p["rank"] for p in wrong],
            s=80,
            facecolors="none",
            edgecolors="crimson",
            linewidths=1.4,
            label="rank ≠ min-cut (count beside)",
        )
    cuts = [p["min_cut"] for p in summary["scatter"]] or [1]
    top = max(cuts) * 1.3
    ax.plot([0.8, top], [0.8, top], color="grey", linewidth=0.8, label="rank = min-cut")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("min-cut bound (product of the bonds cut; δ tensors once)")
    ax.set_ylabel("rank (largest over draws, exact)")
    ax.legend(fontsize=8, loc="upper left")
    figure.suptitle(
        f"{document['experiment']}: rank vs TN min-cut, {len(params['instances'])} networks, "
        f"{_draws(params)} each over {params['field']}\n"
        "marker area ~ number of (network, partition) pairs",
        fontsize=9,
    )
    figure.savefig(path, format="png", dpi=100)
