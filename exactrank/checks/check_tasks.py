"""Proof checks as tasks on the experiments' backends (issue 13: "the same for checks").

A check task is (check name, full, certs) → :class:`~exactrank.checks.theorems.CheckResult`,
computed by :func:`exactrank.checks.theorems.run`, the one code path ``exactrank check`` uses;
:func:`run_checks` gives the tasks to the same backends as the sweeps
(:mod:`exactrank.experiments.backends`: this process, a local process pool, a Dask cluster)
and yields each result as it finishes.
A check that raises yields a result with the verdict ``ERROR`` and its error in
``details`` (never as expected), and the other checks go on.

On a Dask cluster each worker needs the proofs/ folder of a checkout (``pip install -e``),
and ``certs`` is a folder on the worker's machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import InvalidInputError
from ..experiments.backends import connect, outcomes
from ..experiments.tasks import error_text
from . import theorems

ERROR = "ERROR"  # the verdict of a check that raised instead of deciding


@dataclass(frozen=True)
class CheckTask:
    name: str
    full: bool = False
    certs: str | None = None

    def failed(self, error: str) -> theorems.CheckResult:
        return theorems.CheckResult(
            name=self.name,
            claim="(the check raised an error before deciding)",
            verdict=ERROR,
            expected="",
            instances=0,
            details=[error],
        )


def run_check(task: CheckTask) -> theorems.CheckResult:
    """The result of one check task, an ``ERROR`` result if it raised."""
    try:
        return theorems.run(task.name, full=task.full, certs=task.certs)
    except Exception as exc:
        return task.failed(error_text(exc))


def run_checks(
    names: Iterable[str],
    *,
    full: bool = False,
    certs=None,
    jobs: int = 1,
    client=None,
    scheduler: str | None = None,
) -> Iterator[theorems.CheckResult]:
    """Run the checks ``names`` and yield each :class:`~exactrank.checks.theorems.CheckResult` as it
    finishes (in any order). ``jobs`` processes on this machine (1: in this process), or the
    Dask cluster of ``client`` or of the scheduler at ``scheduler``. Unknown names are
    refused before anything runs."""
    names = list(names)
    theorems.require(names)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvalidInputError(f"jobs must be an integer >= 1, got {jobs!r}")
    tasks = [CheckTask(name, full, None if certs is None else str(certs)) for name in names]
    own = connect(scheduler) if scheduler is not None and client is None else None
    return _results(tasks, jobs, client or own, own)


def _results(tasks, jobs, client, own) -> Iterator[theorems.CheckResult]:
    try:
        yield from outcomes(tasks, jobs, client, function=run_check)
    finally:
        if own is not None:
            own.close()
