"""Seed 001, §6 (Figures 3 and 4): the sampled relu RNNs of the experiments, for checks.

A sample is (figure, R, seed): the generalized RNN that
:func:`exactrank.experiments.rnn_figures.sample_rnn` draws with that figure's default
parameters (fig3: M = 10, T = 6; fig4: M = 6, T = 6, shared cores) from
``numpy.random.default_rng(seed)``, and the width lower bound ⌈rank/(M·T)⌉ of Lemma A.1
that the figures plot, from the rank modulo a random prime (a proven lower bound of the
rank, so of the bound too; :func:`~exactrank.experiments.rnn_figures.run_sample`).
``sizes`` may override M and T: the same sampler at a smaller size, for quick checks.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInputError
from ..models.grid import GridTensor


def figure_params(figure: str, **sizes) -> dict:
    """The default parameters of experiment ``figure`` ("fig3" or "fig4"), with M and T
    replaced by ``sizes`` if given."""
    from ..experiments.rnn_figures import EXPERIMENTS

    if not set(sizes) <= {"M", "T"}:
        raise InvalidInputError(f"only M and T may be overridden, got {sorted(sizes)}")
    for experiment in EXPERIMENTS:
        if experiment.name == figure:
            return {**experiment.defaults, **sizes}
    raise InvalidInputError(f"expected a figure of {[e.name for e in EXPERIMENTS]}, got {figure!r}")


def sampled_rnn(figure: str, R: int, seed: int, **sizes):
    """(model, width lower bound): the sample (figure, R, seed) of the module docstring."""
    from ..experiments.rnn_figures import run_sample, sample_rnn

    params = figure_params(figure, **sizes)
    model = sample_rnn(params, R, np.random.default_rng(seed))
    record = run_sample(params, R, 0, seed)  # draws the same model from the same seed
    return model, record["width_lower_bound"]


def width_bound(figure: str, R: int, seed: int) -> int:
    """The width lower bound of the sample (figure, R, seed) alone (no model returned)."""
    from ..experiments.rnn_figures import run_sample

    return run_sample(figure_params(figure), R, 0, seed)["width_lower_bound"]


def same_grid(a: GridTensor, b: GridTensor) -> bool:
    """Exact equality of two grids over QQ (values over different denominators)."""
    if a.values.shape != b.values.shape:
        return False
    left = np.asarray(a.values).astype(object) * int(b.denominator)
    return bool(np.array_equal(left, np.asarray(b.values).astype(object) * int(a.denominator)))
