"""What an experiment is (:class:`Experiment`) and the seed of each of its instances
(:func:`sample_seed`): what every experiment module (:mod:`.rnn_figures`, :mod:`.conv_tables`,
:mod:`.overlap_table`, :mod:`.min_cut_table`, :mod:`.mixture_table`) builds on, apart from
the registry of them by name (:mod:`.registry`).

An experiment is a sweep over random instances: a set of *groups* (for seed 001's figures,
the TT-rank R), ``samples`` instances per group, each computed by a pure function of
(parameters, group, index, seed) so that any single instance can be recomputed alone and
the results do not depend on how many processes ran them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Experiment:
    """One registered experiment.

    ``defaults``: the parameters (JSON values) a run uses unless overridden; ``validate``
    checks a full parameter dict and returns it normalised (raising
    :class:`~exactrank.errors.InvalidInputError` with the key and the value otherwise).
    ``groups(params)`` lists the groups; ``run_sample(params, group, index, sample_seed)``
    returns one JSON-ready record; ``summarize(params, records)`` the summary;
    ``plot(document, path)`` writes the PNG; ``describe(document)`` the lines the command
    line prints. ``samples``/``quick_samples``: per group.
    """

    name: str
    title: str
    source: str
    defaults: Mapping
    samples: int
    quick_samples: int
    validate: Callable[[dict], dict]
    groups: Callable[[dict], list]
    group_key: str
    run_sample: Callable[[dict, object, int, int], dict]
    summarize: Callable[[dict, list], dict]
    plot: Callable[[dict, str], None]
    describe: Callable[[dict], list]
    notes: Callable[[dict], list] = field(default=lambda params: [])


def sample_seed(name: str, group, index: int, seed: int) -> int:
    """The 64-bit seed of instance ``index`` of ``group`` in experiment ``name``.

    numpy's SeedSequence(seed, spawn_key=(crc32("NAME/GROUP"), index)): every instance is
    reproducible from (experiment, group, index, seed) alone, and independent of the others.
    """
    key = zlib.crc32(f"{name}/{group}".encode())
    sequence = np.random.SeedSequence(seed, spawn_key=(key, index))
    return int(sequence.generate_state(1, dtype=np.uint64)[0])
