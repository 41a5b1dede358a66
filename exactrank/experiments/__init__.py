"""Experiments: sweeps over random networks, as pure tasks on any backend, with JSON and PNG.

``run_experiment("fig3")`` reproduces seed 001's Figure 3 (Section 6); ``fig4`` and ``fig5``
its Figures 4 and 5 (Appendix B); see :mod:`exactrank.experiments.rnn_figures` for what is
computed, what is proven and which readings of the paper were made. From the command line:
``exactrank experiment fig3 [--samples N] [--jobs J | --scheduler ADDRESS] [--seed S]
[--out DIR] [--resume] [--shard k/n]`` and ``exactrank experiment merge DIR...``.

Layout: :mod:`.registry` (what an experiment is, per-instance seeds, the registry),
:mod:`.tasks` (the task model: (experiment, group, index, seed, parameters) → record),
:mod:`.backends` (inline, local process pool, Dask cluster), :mod:`.records` (the streamed
records file), :mod:`.runner` (a run, resume, shards and their merge, NAME.json / .png),
:mod:`.check_tasks` (proof checks as tasks on the same backends), :mod:`.report` (progress
bar, histogram PNG), :mod:`.rnn_figures` (seed 001 Figures 3–5). A new experiment (seed
000's rank tables, say) is a module defining :class:`Experiment` objects, listed in
:func:`.registry.registry`. docs/cluster.md: running on several machines.
"""

from .registry import Experiment, get_experiment, registry, sample_seed
from .runner import list_experiments, merge_runs, run_experiment
from .tasks import Task, run_task

__all__ = [
    "Experiment",
    "get_experiment",
    "list_experiments",
    "merge_runs",
    "registry",
    "run_experiment",
    "run_task",
    "sample_seed",
    "Task",
]
