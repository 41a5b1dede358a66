"""Experiments: sweeps over random networks, in parallel, with JSON and PNG results.

``run_experiment("fig3")`` reproduces seed 001's Figure 3 (Section 6); ``fig4`` and ``fig5``
its Figures 4 and 5 (Appendix B); see :mod:`exactrank.experiments.rnn_figures` for what is
computed, what is proven and which readings of the paper were made. From the command line:
``exactrank experiment fig3 [--samples N] [--jobs J] [--seed S] [--out DIR]``.

Layout: :mod:`.registry` (what an experiment is, per-instance seeds, the registry),
:mod:`.runner` (process pool, result document, atomic files), :mod:`.report` (progress bar,
histogram PNG), :mod:`.rnn_figures` (seed 001 Figures 3–5). A new experiment (seed 000's
rank tables, say) is a module defining :class:`Experiment` objects, listed in
:func:`.registry.registry`.
"""

from .registry import Experiment, get_experiment, registry, sample_seed
from .runner import list_experiments, run_experiment

__all__ = [
    "Experiment",
    "get_experiment",
    "list_experiments",
    "registry",
    "run_experiment",
    "sample_seed",
]
