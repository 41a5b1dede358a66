"""The registry of experiments by name, and their parameters merged with the defaults.

What an experiment is (:class:`~.experiment.Experiment`) and the seed of each instance are in
:mod:`.experiment`, which the experiment modules import; the registry imports those modules
lazily, and none of them imports the registry: no cycle.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import InvalidInputError
from .experiment import Experiment


def registry() -> dict[str, Experiment]:
    """Every experiment by name (seed 001 Figures 3–5; seed 000 Theorems 8, 10, 13, Claim 12)."""
    from . import conv_tables, min_cut_table, mixture_table, overlap_table, rnn_figures

    modules = (rnn_figures, conv_tables, overlap_table, min_cut_table, mixture_table)
    return {e.name: e for module in modules for e in module.EXPERIMENTS}


def get_experiment(name: str) -> Experiment:
    experiments = registry()
    if name not in experiments:
        raise InvalidInputError(
            f"unknown experiment {name!r}; expected one of {', '.join(experiments)}"
        )
    return experiments[name]


def merge_parameters(experiment: Experiment, overrides: Mapping | None) -> dict:
    """The defaults updated by ``overrides`` (known keys only), then validated."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(experiment.defaults))
    if unknown:
        raise InvalidInputError(
            f"experiment {experiment.name} has no parameter {unknown[0]!r}; its parameters "
            f"are {', '.join(experiment.defaults)}"
        )
    return experiment.validate({**experiment.defaults, **overrides})
