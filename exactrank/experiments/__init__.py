"""Experiments: sweeps over random networks, as pure tasks on any backend, with JSON and PNG.

``run_experiment("fig3")`` reproduces seed 001's Figure 3 (Section 6); ``fig4`` and ``fig5``
its Figures 4 and 5 (Appendix B); see :mod:`exactrank.experiments.rnn_figures` for what is
computed, what is proven and which readings of the paper were made. From the command line:
``exactrank experiment fig3 [--samples N] [--jobs J | --scheduler ADDRESS] [--seed S]
[--out DIR] [--resume] [--shard k/n]`` and ``exactrank experiment merge DIR...``.

Layout: :mod:`.experiment` (what an experiment is, per-instance seeds), :mod:`.registry`
(the experiments by name), :mod:`.tasks` (the task model: (experiment, group, index, seed,
parameters) → record), :mod:`.backends` (inline, local process pool, Dask cluster),
:mod:`.records` (the streamed records file), :mod:`.runner` (a run, resume, shards and their
merge, NAME.json / .png), :mod:`.report` (progress bar, summary), :mod:`.params` (parameters
shared by the experiments). The experiments: :mod:`.rnn_figures` (seed 001 Figures 3–5, with
:mod:`.relu_ranks` and :mod:`.rnn_plots`); :mod:`.conv_tables`, :mod:`.overlap_table` and
:mod:`.min_cut_table` (seed 000's rank tables of §5, §6 and §7, with :mod:`.conv_plots`);
:mod:`.mixture_table` (seed 000, §8). A new experiment is a module defining
:class:`Experiment` objects, listed in :func:`.registry.registry`. The proof checks run as
tasks on the same backends from :mod:`exactrank.checks.check_tasks`. docs/cluster.md: running
on several machines.
"""

from .experiment import Experiment, sample_seed
from .registry import get_experiment, registry
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
