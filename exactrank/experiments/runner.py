"""Running an experiment: its tasks on a backend, records streamed to disk, NAME.json and .png.

A run is a list of pure tasks (:mod:`.tasks`: experiment, group, index, seed, parameters →
record) given to a backend (:mod:`.backends`: this process, a local process pool, or a Dask
cluster); each outcome is appended to ``DIR/NAME.records.jsonl`` (:mod:`.records`) as soon
as it arrives, so a killed run loses only the tasks it was running and ``resume`` runs the
rest. The outcomes are put back in task order, so the records, the summary, the JSON and
the PNG are identical whatever the backend, the number of workers, the shards or the
interruptions; only timings differ (each record's ``seconds``, the ``run`` section).

When every task of a run has its record, NAME.json and NAME.png are written (each replaced
atomically, both only once both are complete) and the records file, whose lines NAME.json
now holds, is removed; when tasks failed it stays, and ``resume`` runs them again. A shard
(``shard=(k, n)``) writes only its records file, ``NAME.shard-K-of-N.records.jsonl``;
:func:`merge_runs` makes NAME.json and NAME.png from the records files of all shards.

It implements no paper result.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ExactRankError, InvalidInputError
from ..io.files import check_output, output, output_path
from . import records as records_file
from .backends import WorkerDied, connect, outcomes
from .experiment import Experiment
from .params import refuse_sample_count
from .registry import get_experiment, merge_parameters
from .report import Progress
from .tasks import error_text, in_shard, parse_shard, plan, task_key

FORMAT = "exactrank-experiment"
VERSION = 1

MAX_SAMPLES = 10**6  # samples per group: the task list and the records file grow with it


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
    client=None,
    scheduler: str | None = None,
    resume: bool = False,
    shard=None,
) -> dict:
    """Run experiment ``name`` and return its result document (a JSON-ready dict).

    ``samples`` per group (default: the experiment's, or its small ``quick`` count);
    ``seed`` the base seed of every instance; ``params`` overrides of the experiment's
    parameters (e.g. ``{"M": 3, "T": 4}``). Where the tasks run: ``jobs`` processes on this
    machine (default ``os.cpu_count()``; 1 runs them in this process), or the Dask cluster
    of ``client`` (a ``distributed.Client``) or of the scheduler at ``scheduler``
    (``tcp://HOST:8786``). With ``out`` a folder (created if missing), each outcome is
    appended to ``out/NAME.records.jsonl`` as it finishes; ``resume`` continues the run
    found there (same parameters), running only the tasks without a record; at the end
    ``out/NAME.json`` and ``out/NAME.png`` are written (module docstring). ``shard="k/n"``
    (or ``(k, n)``) runs the k-th of every n tasks. ``progress`` draws a bar on stderr.

    The document's ``samples`` are the records in task order, ``failed`` the tasks that
    raised (with their error), ``summary["failed"]`` their number.

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
    if samples > MAX_SAMPLES:
        raise InvalidInputError(f"samples: expected at most {MAX_SAMPLES} per group, got {samples}")
    if client is not None and scheduler is not None:
        raise InvalidInputError("give a Dask client or a scheduler address, not both")
    if (client is not None or scheduler is not None) and jobs is not None:
        raise InvalidInputError(
            "jobs counts the processes of this machine's pool; with a Dask cluster its "
            "workers run the tasks (start as many as you want there)"
        )
    jobs = _count(jobs, os.cpu_count() or 1, "jobs")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidInputError(f"seed must be an integer >= 0, got {seed!r}")
    shard = None if shard is None else parse_shard(shard)
    if resume and out is None:
        raise InvalidInputError("resume needs the folder of the run (out=DIR, --out DIR)")
    own = connect(scheduler) if scheduler is not None else None  # before any folder is made
    try:
        folder = _writable(out, name, shard) if out is not None else None
        start = time.perf_counter()
        tasks = in_shard(plan(name, params, experiment.groups(params), samples, seed), shard)
        parameters = {**params, "samples": samples, "seed": seed}
        cluster = client if client is not None else own
        run = (folder, shard, resume, jobs, cluster, progress)
        found, resumed = _sweep(experiment, tasks, parameters, *run)
    finally:
        if own is not None:
            own.close()
    path = None if folder is None else records_file.records_path(folder, name, shard)
    with _summary_of_failed_runs(found, path):
        document = build_document(experiment, params, parameters, found, shard)
        document["run"] = {
            "backend": _backend(jobs, client, scheduler),
            "jobs": None if cluster is not None else jobs,
            "resumed": resumed,
            "seconds": round(time.perf_counter() - start, 2),
        }
        if path is not None and shard is None:
            _write(experiment, document, folder, path)
        elif path is not None:
            document["files"] = {"records": path.name}
    return document


def merge_runs(folders, out=".") -> list[dict]:
    """NAME.json and NAME.png in ``out`` for each experiment whose records files
    (``NAME.records.jsonl``, ``NAME.shard-K-of-N.records.jsonl``) are in ``folders``: the
    shards of one run combined into the outputs of that run in one piece. Refused, in one
    line, when the files are of different runs, when two records of one task differ (other
    than in seconds), or when a task has no outcome in any of them."""
    start = time.perf_counter()
    found: dict[str, list] = {}
    for folder in [Path(f) for f in folders]:
        if not folder.is_dir():
            raise InvalidInputError(f"merge: {folder}: not a folder; expected folders of records")
        for path in sorted(folder.glob(f"*{records_file.SUFFIX}")):
            head, outcomes_, _ = records_file.read(path)
            found.setdefault(head["experiment"], []).append((path, head, outcomes_))
    if not found:
        raise InvalidInputError(
            f"merge: no *{records_file.SUFFIX} file in {', '.join(map(str, folders))}; "
            "expected the folders the shards wrote"
        )
    documents = []
    for name, files in found.items():
        experiment = get_experiment(name)
        parameters = files[0][1]["parameters"]
        params = merge_parameters(
            experiment, {k: v for k, v in parameters.items() if k not in ("samples", "seed")}
        )
        for path, head, _ in files[1:]:
            differ = records_file.difference(parameters, head["parameters"])
            if differ:
                raise InvalidInputError(
                    f"merge: {files[0][0]} and {path} are of different runs of {name} "
                    f"({differ}); expected the shards of one run"
                )
        seeds = (parameters["samples"], parameters["seed"])
        tasks = plan(name, params, experiment.groups(params), *seeds)
        outcomes_ = _union(tasks, files)
        folder = _writable(out, name, None)
        with _summary_of_failed_runs(outcomes_, None):
            document = build_document(experiment, params, parameters, outcomes_, None)
            document["run"] = {
                "backend": f"merge of {len(files)} records files",
                "jobs": None,
                "resumed": None,
                "seconds": round(time.perf_counter() - start, 2),
            }
            _write(experiment, document, folder, None)
        documents.append(document)
    return documents


def _union(tasks: list, files: list) -> list[dict]:
    """The outcome of every task from the records files (a record wins over an error)."""
    merged: dict[str, tuple] = {}
    for path, _, outcomes_ in files:
        for key, outcome in outcomes_.items():
            held = merged.get(key)
            if held is None or ("record" in outcome and "record" not in held[1]):
                merged[key] = (path, outcome)
            elif "record" in outcome and _timeless(outcome) != _timeless(held[1]):
                raise InvalidInputError(
                    f"merge: the records of task {key} (group, index) differ in {held[0]} and "
                    f"{path}; expected one run (same software) in every shard"
                )
    missing = [t for t in tasks if t.key not in merged]
    if missing:
        first = missing[0]
        raise InvalidInputError(
            f"merge: {len(missing)} of {len(tasks)} tasks have no outcome in the records "
            f"files (the first: group {json.dumps(first.group)}, index {first.index}); run "
            "the missing shards (or resume them) first"
        )
    return [merged[t.key][1] for t in tasks]


class TasksFailed(ExactRankError):
    """Tasks failed, and the summary or the figure could not be made without them."""


@contextmanager
def _summary_of_failed_runs(found: list, path) -> Iterator[None]:
    """An error of the summary or the plot of a run with failed tasks (a group left with
    no record, say) becomes one line: how many failed, the first error, where the records
    are; other errors pass unchanged."""
    try:
        yield
    except Exception as exc:
        failed = [o for o in found if "record" not in o]
        if not failed or isinstance(exc, ExactRankError):
            raise
        first = failed[0]
        where = (
            f"; the records are in {path}, and --resume runs the failed tasks again" if path else ""
        )
        raise TasksFailed(
            f"{len(failed)} of {len(found)} tasks failed (the first, group "
            f"{json.dumps(first['group'])} index {first['index']}: {first['error']}), and the "
            f"summary cannot be made without them ({error_text(exc)}){where}"
        ) from None


def _timeless(outcome: dict) -> dict:
    return {**outcome, "record": {k: v for k, v in outcome["record"].items() if k != "seconds"}}


def _sweep(experiment, tasks, parameters, folder, shard, resume, jobs, client, progress):
    """The outcomes of ``tasks`` in task order and how many came from the records file,
    each new one appended there (without ``folder``: kept in memory only)."""
    done, writer, path = {}, None, None
    if folder is not None:
        path = records_file.records_path(folder, experiment.name, shard)
        head = records_file.header(experiment.name, parameters, shard, len(tasks))
        writer, done = records_file.open_run(path, head, resume)
    found = {key: o for key, o in done.items() if "record" in o}
    todo = [task for task in tasks if task.key not in found]
    bar = Progress(experiment.name, len(tasks), progress, len(tasks) - len(todo))
    try:
        for outcome in outcomes(todo, jobs, client):
            if writer is not None:
                writer.append(outcome)
            found[task_key(outcome["group"], outcome["index"])] = outcome
            bar.update(f"{experiment.group_key}={outcome['group']}")
    except WorkerDied as exc:
        where = f"; the {len(found)} records so far are in {path}" if path else ""
        raise WorkerDied(f"{exc}{where}") from None
    finally:
        bar.close()
        if writer is not None:
            writer.close()
    return [found[task.key] for task in tasks], len(tasks) - len(todo)


def build_document(experiment: Experiment, params: dict, parameters: dict, found, shard) -> dict:
    """The result document of a run from its outcomes in task order (a shard's document
    has no summary: a summary is of the whole run)."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "experiment": experiment.name,
        "title": experiment.title,
        "source": experiment.source,
        "parameters": parameters,
        "notes": experiment.notes(params),
        "samples": [o["record"] for o in found if "record" in o],
        "failed": [o for o in found if "record" not in o],
    }
    if shard is None:
        summary = experiment.summarize(params, document["samples"])
        document["summary"] = {**summary, "failed": len(document["failed"])}
    else:
        document["shard"] = list(shard)
    document["software"] = software_versions()
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


def _backend(jobs: int, client, scheduler) -> str:
    if scheduler is not None:
        return f"dask {scheduler}"
    if client is not None:
        return f"dask {client.scheduler.address}"
    return "inline" if jobs == 1 else f"local pool of {jobs} processes"


def software_versions() -> dict:
    """The versions a result depends on (numpy's normal draws, FLINT's arithmetic)."""
    from importlib import metadata  # here, not at import: 10 ms of `import exactrank`

    from ..version import __version__

    versions = {"exactrank": __version__, "python": platform.python_version()}
    for package in ("numpy", "python-flint", "matplotlib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    versions["platform"] = platform.platform()
    return versions


def _writable(out, name: str, shard) -> Path:
    """The output folder, created if missing; refused before the run if the run's files
    (NAME.json, NAME.png, the records file) cannot be written there (a folder of that
    name, a read-only folder)."""
    what = f"{name}.json and {name}.png" if shard is None else "the shard's records"
    if os.fspath(out) in ("", "-"):
        raise InvalidInputError(
            f"the output folder {os.fspath(out)!r} names no folder; expected a folder for "
            f"{what} (--json prints the result document on stdout)"
        )
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"{folder}: a file, not a folder; expected a folder for {what}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".exactrank-probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise InvalidInputError(
            f"cannot write results to the folder {str(folder)!r}: {exc.strerror or exc}"
        ) from None
    paths = [records_file.records_path(folder, name, shard)]
    for path in paths + ([] if shard is not None else list(_paths(folder, name))):
        check_output(path)
    return folder


def _paths(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"{name}.json", folder / f"{name}.png"


def _write(experiment: Experiment, document: dict, folder: Path, records: Path | None) -> None:
    """NAME.png and NAME.json, each through a temporary file renamed into place once both
    are complete (:func:`exactrank.io.files.output`): a failure leaves neither a partial file
    nor a half-updated pair behind. Then the run's ``records`` file goes, unless tasks
    failed (a resume runs them again)."""
    name = experiment.name
    document["files"] = {"json": f"{name}.json", "png": f"{name}.png"}
    keep = records is not None and bool(document["failed"])
    if keep:
        document["files"]["records"] = records.name
    paths = _paths(folder, name)
    try:
        # the PNG's block closes (and lands) first, then the JSON, the run's record
        with output(paths[0]) as json_file, output_path(paths[1]) as png_path:
            experiment.plot(document, png_path)
            json_file.write(json.dumps(document, indent=1) + "\n")
        if records is not None and not keep:
            records.unlink(missing_ok=True)
    except OSError as exc:
        raise InvalidInputError(
            f"cannot write {name}.json / {name}.png in {str(folder)!r}: {exc.strerror or exc}"
        ) from None
