"""Running an experiment: instances in parallel processes, then NAME.json and NAME.png.

Each instance is a pure function of (experiment, parameters, group, index, seed), computed
in a process pool (or inline with one job) and put back in (group, index) order, so the
results are identical whatever the number of jobs; only the timings differ.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path

from ..errors import InvalidInputError
from ..files import check_output, output, output_path
from .params import refuse_sample_count
from .registry import Experiment, get_experiment, merge_parameters, sample_seed
from .report import Progress

FORMAT = "exactrank-experiment"
VERSION = 1


def run_experiment(
    name: str,
    samples: int | None = None,
    *,
    jobs: int | None = None,
    seed: int = 0,
    out=None,
    progress: bool = True,
    quick: bool = False,
    params: dict | None = None,
) -> dict:
    """Run experiment ``name`` and return its result document (a JSON-ready dict).

    ``samples`` per group (default: the experiment's, or its small ``quick`` count);
    ``jobs`` worker processes (default ``os.cpu_count()``); ``seed`` the base seed of every
    instance; ``params`` overrides of the experiment's parameters (e.g. ``{"M": 3, "T":
    4}``). With ``out`` a folder (created if missing), writes ``out/NAME.json`` and
    ``out/NAME.png`` by the rules of :mod:`exactrank.files` (each replaced atomically, both
    only once both are complete; a FIFO is written through, a folder refused). ``progress``
    draws a bar on stderr.

    With ``jobs > 1`` the workers are spawned interpreters: in a script, call this from
    under ``if __name__ == "__main__":`` (as with any process pool).
    """
    experiment = get_experiment(name)
    refuse_sample_count(name, experiment.group_key, experiment.defaults, params or {})
    params = merge_parameters(experiment, params)
    samples = _count(
        experiment.quick_samples if quick and samples is None else samples,
        experiment.samples,
        "samples",
    )
    jobs = _count(jobs, os.cpu_count() or 1, "jobs")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInputError(f"seed must be an integer >= 0, got {seed!r}")
    folder = _writable(out, name) if out is not None else None
    start = time.perf_counter()
    tasks = [
        (group, index, sample_seed(name, group, index, seed))
        for group in experiment.groups(params)
        for index in range(samples)
    ]
    records = _run(experiment, params, tasks, jobs, Progress(name, len(tasks), progress))
    document = {
        "format": FORMAT,
        "version": VERSION,
        "experiment": name,
        "title": experiment.title,
        "source": experiment.source,
        "parameters": {**params, "samples": samples, "seed": seed},
        "notes": experiment.notes(params),
        "samples": records,
        "summary": experiment.summarize(params, records),
        "software": software_versions(),
        "run": {"jobs": jobs, "seconds": round(time.perf_counter() - start, 2)},
    }
    if folder is not None:
        _write(experiment, document, folder)
    return document


def list_experiments() -> list[dict]:
    """Name, title, source, default parameters and sample count of every experiment."""
    from .registry import registry

    return [
        {
            "name": e.name,
            "title": e.title,
            "source": e.source,
            "parameters": dict(e.defaults),
            "samples": e.samples,
            "group": e.group_key,
        }
        for e in registry().values()
    ]


def _count(value, default: int, what: str) -> int:
    value = default if value is None else value
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(f"{what} must be an integer >= 1, got {value!r}")
    return value


def _task(name: str, params: dict, group, index: int, seed: int) -> dict:
    """One instance, in a worker process (looked up by name: nothing global is shared)."""
    return get_experiment(name).run_sample(params, group, index, seed)


def _run(experiment: Experiment, params: dict, tasks: list, jobs: int, bar: Progress) -> list:
    """The records of ``tasks``, in task order, computed inline or in ``jobs`` processes."""
    bar.update(0, f"{experiment.group_key}={tasks[0][0]}" if tasks else "")
    try:
        run = _run_inline if jobs == 1 else _run_pool
        return run(experiment, params, tasks, jobs, bar)
    finally:
        bar.close()


_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _run_inline(experiment, params, tasks, jobs, bar) -> list:
    results = []
    for group, index, seed in tasks:
        results.append(_task(experiment.name, params, group, index, seed))
        bar.update(len(results), f"{experiment.group_key}={group}")
    return results


def _run_pool(experiment, params, tasks, jobs, bar) -> list:
    with _single_threaded_blas():
        return _run_workers(experiment, params, tasks, jobs, bar)


@contextmanager
def _single_threaded_blas():
    """Workers started inside run their BLAS on one thread: ``jobs`` workers on ``jobs``
    cores, not jobs × cores threads (measured: a 216² SVD under load took 0.014 s on one
    thread and 0.98 s on two). The parent's own BLAS, already loaded, is not affected."""
    saved = {name: os.environ.get(name) for name in _BLAS_THREADS}
    os.environ.update(dict.fromkeys(_BLAS_THREADS, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_workers(experiment, params, tasks, jobs, bar) -> list:
    results = [None] * len(tasks)
    # spawn: a fresh interpreter per worker, the same on every platform (no forked BLAS)
    pool = ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_ignore_sigint)
    try:
        futures = {
            pool.submit(_task, experiment.name, params, group, index, seed): i
            for i, (group, index, seed) in enumerate(tasks)
        }
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                i = futures[future]
                results[i] = future.result()  # re-raises a worker's error
                bar.update(len(tasks) - len(pending), f"{experiment.group_key}={tasks[i][0]}")
    except BaseException:
        # an error or Ctrl-C stops the sweep at once: the running instances are ended, not
        # waited for (the executor has no public way to end them before Python 3.14)
        for process in list((pool._processes or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops the sweep with one line (no
    traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def software_versions() -> dict:
    """The versions a result depends on (numpy's normal draws, FLINT's arithmetic)."""
    from .. import __version__

    versions = {"exactrank": __version__, "python": platform.python_version()}
    for package in ("numpy", "python-flint", "matplotlib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    versions["platform"] = platform.platform()
    return versions


def _writable(out, name: str) -> Path:
    """The output folder, created if missing; refused before the run if NAME.json or
    NAME.png cannot be written there (a folder of that name, a read-only folder)."""
    if os.fspath(out) in ("", "-"):
        raise InvalidInputError(
            f"the output folder {os.fspath(out)!r} names no folder; expected a folder for "
            f"{name}.json and {name}.png (--json prints the result document on stdout)"
        )
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(
            f"{folder}: a file, not a folder; expected a folder for {name}.json and {name}.png"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".exactrank-probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise InvalidInputError(
            f"cannot write results to the folder {str(folder)!r}: {exc.strerror or exc}"
        ) from None
    for path in _paths(folder, name):
        check_output(path)
    return folder


def _paths(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"{name}.json", folder / f"{name}.png"


def _write(experiment: Experiment, document: dict, folder: Path) -> None:
    """NAME.png and NAME.json, each through a temporary file renamed into place once both
    are complete (:func:`exactrank.files.output`): a failure leaves neither a partial file
    nor a half-updated pair behind."""
    name = experiment.name
    document["files"] = {"json": f"{name}.json", "png": f"{name}.png"}
    paths = _paths(folder, name)
    try:
        # the PNG's block closes (and lands) first, then the JSON, the run's record
        with output(paths[0]) as json_file, output_path(paths[1]) as png_path:
            experiment.plot(document, png_path)
            json_file.write(json.dumps(document, indent=1) + "\n")
    except OSError as exc:
        raise InvalidInputError(
            f"cannot write {name}.json / {name}.png in {str(folder)!r}: {exc.strerror or exc}"
        ) from None
