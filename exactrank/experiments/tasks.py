"""The task model of a sweep: (experiment, group, index, seed, parameters) → outcome.

A task names its experiment and carries its parameters (a small JSON-ready dict); the
worker looks the experiment up by name and builds the network from the seed, so a task
pickles to a few hundred bytes and holds nothing a worker can rebuild. :func:`run_task`
is the one code path that computes a task, whatever runs it (this process, a process pool,
a Dask worker on another machine): the records are identical whatever the backend.

An outcome is JSON: ``{"group", "index", "seed", "record"}`` when the instance was computed,
``{"group", "index", "seed", "error"}`` when it raised (the sweep goes on; the error is
counted in the summary and the exit code says so). Outcomes pass through JSON once, so the
record a run keeps in memory is the one a resumed run reads back from the records file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import InvalidInputError
from .experiment import sample_seed
from .registry import get_experiment


@dataclass(frozen=True)
class Task:
    """One instance of a sweep: ``index`` of ``group`` in experiment ``name``, seeded by
    ``seed`` (:func:`~exactrank.experiments.sample_seed`), with the run's ``params``."""

    name: str
    group: object
    index: int
    seed: int
    params: dict

    @property
    def key(self) -> str:
        """The task's identity in a records file: (group, index) as JSON."""
        return task_key(self.group, self.index)

    def failed(self, error: str) -> dict:
        """The outcome of this task when it raised ``error`` ("TypeName: message")."""
        return {"group": self.group, "index": self.index, "seed": self.seed, "error": error}


def task_key(group, index: int) -> str:
    return json.dumps([group, index])


def plan(name: str, params: dict, groups: list, samples: int, seed: int) -> list[Task]:
    """Every task of a run, in the order of its records: group by group, index by index."""
    return [
        Task(name, group, index, sample_seed(name, group, index, seed), params)
        for group in groups
        for index in range(samples)
    ]


def parse_shard(text) -> tuple[int, int]:
    """``"k/n"`` (1 ≤ k ≤ n) → (k, n): the k-th of n shards runs tasks k−1, k−1+n, …"""
    if isinstance(text, tuple | list) and len(text) == 2:
        k, n = text
    else:
        k, sep, n = str(text).partition("/")
        try:
            k, n = (int(k), int(n)) if sep else (None, None)
        except ValueError:
            k = n = None
    if not (isinstance(k, int) and isinstance(n, int) and 1 <= k <= n):
        raise InvalidInputError(
            f"shard: expected k/n with 1 <= k <= n (the k-th of n shards), got {text!r}"
        )
    return k, n


def in_shard(tasks: list[Task], shard: tuple[int, int] | None) -> list[Task]:
    """Every n-th task starting at the k-th (all of them without a shard)."""
    if shard is None:
        return tasks
    k, n = shard
    return tasks[k - 1 :: n]


def run_task(task: Task) -> dict:
    """The outcome of ``task`` (module docstring). An exception of the instance becomes an
    ``error`` outcome ("TypeName: message"); Ctrl-C and exits still stop the sweep."""
    try:
        record = get_experiment(task.name).run_sample(
            task.params, task.group, task.index, task.seed
        )
        record = json.loads(json.dumps(record))
    except Exception as exc:  # recorded, counted, reported: the sweep goes on
        return task.failed(error_text(exc))
    return {"group": task.group, "index": task.index, "seed": task.seed, "record": record}


def error_text(exc: BaseException) -> str:
    """``TypeName: message``, the same on every machine (no traceback, no paths)."""
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
