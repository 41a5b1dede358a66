"""The histogram PNG of seed 001's Figures 3–5 (Section 6, Appendix B;
:mod:`exactrank.experiments.rnn_figures`): x = the lower bound on the width of a shallow network
realizing the grid (Lemma A.1), y = count, one bar per TT-rank R.

Written with matplotlib's Agg backend; the runner writes it atomically.
"""

from __future__ import annotations


def plot_histograms(document: dict, path: str) -> None:
    """Histograms like seed 001's Figures 3–5: x = lower bound on the shallow width, y =
    count, one bar per R side by side. For l2 two panels: the paper's float ranks (not
    exact) and the ranks proven in ball arithmetic."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    params = document["parameters"]
    groups = document["summary"]["by_R"]
    panels = [(lambda group: group, document["summary"]["ranks"])]
    if params["xi"] == "l2":
        tolerance = params["tolerance"]
        rule = "S_max·max(m,n)·eps" if tolerance is None else f"{tolerance:g}"
        panels.insert(0, (lambda group: group["float"], f"float64 ranks, NOT exact (tol {rule})"))
    figure = Figure(figsize=(6.4 * len(panels), 4.6), layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for ax, (pick, subtitle) in zip(axes, panels, strict=True):
        _bars(ax, [(group["R"], pick(group)["histogram"]) for group in groups])
        ax.set_title(subtitle, fontsize=9)
        ax.set_xlabel("lower bound on the width of an equivalent shallow network")
        ax.set_ylabel("count")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.suptitle(
        f"{document['experiment']}: M = {params['M']}, T = {params['T']}, ξ = {params['xi']}, "
        f"{'shared' if params['shared'] else 'per-step'} cores\n"
        f"{params['samples']} random RNNs per R; width ≥ ⌈rank / (M·T)⌉ (seed 001, Lemma A.1)",
        fontsize=10,
    )
    figure.savefig(path, format="png", dpi=100)


def _bars(ax, histograms: list) -> None:
    width = 0.8 / max(1, len(histograms))
    for g, (R, histogram) in enumerate(histograms):
        offset = (g - (len(histograms) - 1) / 2) * width
        xs = [int(x) + offset for x in histogram]
        ax.bar(xs, list(histogram.values()), width, label=f"R = {R}")
    ax.legend()
