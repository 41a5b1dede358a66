"""How a run reports: a plain-text progress bar on stderr, and the histogram PNG."""

from __future__ import annotations

import sys
import time


class Progress:
    """``fig3  R=4  [#####-----] 37/100  12 s`` on stderr.

    On a terminal the line is redrawn in place (carriage return); otherwise a line is
    written at every tenth of the way, so logs stay short. Disabled: does nothing.
    """

    WIDTH = 20

    def __init__(self, name: str, total: int, enabled: bool = True, stream=None):
        self.name, self.total, self.enabled = name, total, enabled
        self.stream = sys.stderr if stream is None else stream
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self.tenths = -1

    def line(self, done: int, label: str) -> str:
        filled = self.WIDTH * done // max(1, self.total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        seconds = time.perf_counter() - self.start
        return f"{self.name}  {label}  [{bar}] {done}/{self.total}  {seconds:.0f} s"

    def update(self, done: int, label: str = "") -> None:
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r" + self.line(done, label))
        else:
            tenths = 10 * done // max(1, self.total)
            if tenths == self.tenths:
                return
            self.tenths = tenths
            self.stream.write(self.line(done, label) + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


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
