"""Sweeps as tasks (issue 13): a real Dask LocalCluster, kill -9 and resume, shards and merge,
failures, the records file, pickling.

Every comparison is against an uninterrupted in-process run (``jobs=1``) of the same
parameters: records, summary, JSON and PNG must be identical except for timings (each
record's ``seconds``, the document's ``run``). The cluster binds to 127.0.0.1 only and is
closed at the end; every process a test starts is stopped by its PID.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactrank as er
from exactrank import cli
from exactrank.experiments import (
    Task,
    get_experiment,
    merge_runs,
    rnn_figures,
    run_experiment,
    run_task,
)
from exactrank.experiments import records as records_file
from exactrank.experiments.registry import merge_parameters
from exactrank.experiments.tasks import in_shard, plan

distributed = pytest.importorskip("distributed")

TINY = {"M": 3, "T": 4, "ranks": [1, 2]}
MEDIUM = {"M": 6, "T": 6, "ranks": [4, 8]}  # about 50 ms a task: long enough to kill midway
ROOT = Path(__file__).resolve().parents[1]


def timeless(document: dict) -> dict:
    """The document without what may differ between runs: timings and how it ran."""
    out = {k: v for k, v in document.items() if k not in ("run", "files")}
    out["samples"] = [{k: v for k, v in r.items() if k != "seconds"} for r in out["samples"]]
    return out


def reference(name: str, samples: int, params: dict, out=None) -> dict:
    return run_experiment(name, samples, jobs=1, seed=7, progress=False, params=params, out=out)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    dask_client = distributed.Client(cluster)
    yield dask_client
    dask_client.close()
    cluster.close()


# ---------------------------------------------------------------------------- Dask


@pytest.mark.parametrize(
    "name,samples,params",
    [("fig3", 3, TINY), ("fig5", 2, TINY), ("theorem8", 2, {"N": 4, "M": 2, "r": 2})],
)
def test_local_cluster_gives_the_records_of_the_in_process_run(client, name, samples, params):
    on_cluster = run_experiment(name, samples, seed=7, progress=False, params=params, client=client)
    assert timeless(on_cluster) == timeless(reference(name, samples, params))
    assert on_cluster["run"]["backend"].startswith("dask tcp://127.0.0.1:")


def test_a_worker_killed_mid_sweep_is_replaced_and_the_sweep_completes(client, tmp_path):
    pids = client.run(os.getpid)  # worker address -> pid
    victim = sorted(pids.values())[0]
    path = tmp_path / "fig3.records.jsonl"
    killed = {}

    def kill_after_some_records():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            lines = path.read_bytes().count(b"\n") if path.exists() else 0
            if lines > 6:
                os.kill(victim, signal.SIGKILL)
                killed["lines"] = lines
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=kill_after_some_records)
    watcher.start()
    try:
        document = run_experiment(
            "fig3", 30, seed=7, progress=False, params=MEDIUM, client=client, out=tmp_path
        )
    finally:
        watcher.join()
    assert killed and killed["lines"] < 61, "the worker was killed before the sweep ended"
    assert victim not in client.run(os.getpid).values()  # the nanny started a new one
    assert document["failed"] == [] and document["summary"]["failed"] == 0
    assert timeless(document) == timeless(reference("fig3", 30, MEDIUM))


def test_cli_scheduler_and_environment_give_the_default_runs_json(client, tmp_path):
    address = client.scheduler.address
    args = ["experiment", "fig3", "--samples", "2", "--seed", "7", "--quiet"]
    args += ["--set", "M=3", "--set", "T=4", "--set", "ranks=1,2"]
    base = {k: v for k, v in os.environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    runs = {
        "default": (["--jobs", "2"], base),
        "scheduler": (["--scheduler", address], base),
        "environment": ([], {**base, "DASK_SCHEDULER_ADDRESS": address}),
    }
    documents = {}
    for label, (extra, env) in runs.items():
        out = tmp_path / label
        proc = subprocess.run(
            [sys.executable, "-m", "exactrank", *args, *extra, "--out", str(out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        documents[label] = json.loads((out / "fig3.json").read_text())
        assert sorted(os.listdir(out)) == ["fig3.json", "fig3.png"]
    assert documents["scheduler"]["run"]["backend"] == f"dask {address}"
    assert documents["environment"]["run"]["backend"] == f"dask {address}"
    expected = timeless(documents["default"])
    assert timeless(documents["scheduler"]) == expected == timeless(documents["environment"])
    pngs = {(tmp_path / label / "fig3.png").read_bytes() for label in runs}
    assert len(pngs) == 1


# ---------------------------------------------------------------------------- kill -9, resume


def test_kill_9_midway_then_resume_equals_an_uninterrupted_run(tmp_path):
    args = ["experiment", "fig3", "--samples", "30", "--seed", "7", "--jobs", "1", "--quiet"]
    args += ["--set", "M=6", "--set", "T=6", "--set", "ranks=4,8", "--out", "killed"]
    command = [sys.executable, "-m", "exactrank", *args]
    path = tmp_path / "killed" / "fig3.records.jsonl"
    proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists() and path.read_bytes().count(b"\n") > 10:
                break
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    lines = path.read_bytes().count(b"\n")
    assert 10 < lines < 61, "killed midway"
    with path.open("ab") as handle:  # what a kill in the middle of a write could leave
        handle.write(b'{"group":8,"index":29,"seed":1,"rec')
    resumed = subprocess.run(command + ["--resume"], cwd=tmp_path, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(os.listdir(tmp_path / "killed")) == ["fig3.json", "fig3.png"]
    whole = reference("fig3", 30, MEDIUM, out=tmp_path / "whole")
    document = json.loads((tmp_path / "killed" / "fig3.json").read_text())
    assert document["run"]["resumed"] == lines - 1
    assert timeless(document) == timeless(json.loads(json.dumps(whole)))
    png = (tmp_path / "whole" / "fig3.png").read_bytes()
    assert (tmp_path / "killed" / "fig3.png").read_bytes() == png


def test_resume_refuses_another_runs_records_and_a_rerun_refuses_an_unfinished_one(tmp_path):
    path = tmp_path / "fig3.records.jsonl"
    first = run_experiment("fig3", 2, jobs=1, seed=7, progress=False, params=TINY)
    parameters = first["parameters"]
    head = records_file.header("fig3", {**parameters, "M": 5}, None, 4)
    path.write_text(json.dumps(head) + "\n")
    kwargs = {"jobs": 1, "seed": 7, "progress": False, "params": TINY, "out": tmp_path}
    with pytest.raises(er.InvalidInputError, match="holds another run .M = 5 .this run: 3.."):
        run_experiment("fig3", 2, resume=True, **kwargs)
    head = records_file.header("fig3", parameters, None, 4)
    outcome = {"group": 1, "index": 0, "seed": 0, "record": first["samples"][0]}
    path.write_text(json.dumps(head) + "\n" + json.dumps(outcome) + "\n")
    message = "holds 1 of 4 records of this run, unfinished: --resume"
    with pytest.raises(er.InvalidInputError, match=message):
        run_experiment("fig3", 2, jobs=1, seed=7, progress=False, params=TINY, out=tmp_path)
    with pytest.raises(er.InvalidInputError, match="seed = 7 .this run: 8"):
        run_experiment("fig3", 2, resume=True, **{**kwargs, "seed": 8})
    done = run_experiment("fig3", 2, resume=True, **kwargs)
    assert done["run"]["resumed"] == 1 and timeless(done) == timeless(first)


def test_records_file_torn_and_corrupt_lines(tmp_path):
    path = tmp_path / "x.records.jsonl"
    head = records_file.header("fig3", {}, None, 2)
    good = {"group": 1, "index": 0, "seed": 3, "record": {"R": 1}}
    path.write_text(json.dumps(head) + "\n" + json.dumps(good) + "\n" + '{"group": 1, "ind')
    read_head, outcomes, end = records_file.read(path)
    assert read_head == head and list(outcomes.values()) == [good]
    assert end == len(path.read_bytes()) - len('{"group": 1, "ind')
    path.write_text(json.dumps(head) + "\nnot json\n" + json.dumps(good) + "\n")
    with pytest.raises(er.InvalidInputError, match="line 2: not a JSON record"):
        records_file.read(path)
    path.write_text('{"format": "other"}\n')
    with pytest.raises(er.InvalidInputError, match="line 1: expected a header"):
        records_file.read(path)


def test_a_second_writer_of_a_records_file_is_refused(tmp_path):
    path = tmp_path / "fig3.records.jsonl"
    head = records_file.header("fig3", {}, None, 2)
    other = records_file.header("fig3", {"M": 4}, None, 2)
    with records_file.open_run(path, head, resume=False)[0]:
        for mine, resume in ((head, True), (other, False)):  # resume it, or replace it
            with pytest.raises(er.InvalidInputError, match="another exactrank run is writing"):
                records_file.open_run(path, mine, resume=resume)
    records_file.open_run(path, other, resume=False)[0].close()  # once it is done: replaced
    assert records_file.read(path)[0] == other


def test_records_file_must_be_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "fig3.records.jsonl")
    with pytest.raises(er.InvalidInputError, match="not a regular file"):
        run_experiment("fig3", 1, jobs=1, progress=False, params=TINY, out=tmp_path)


# ---------------------------------------------------------------------------- shards, merge


def test_shards_then_merge_equal_one_run(tmp_path):
    whole = reference("fig3", 5, TINY, out=tmp_path / "whole")
    for k in (1, 2, 3):
        shard = run_experiment(
            "fig3", 5, jobs=1, seed=7, progress=False, params=TINY, shard=f"{k}/3", out=tmp_path
        )
        assert shard["shard"] == [k, 3] and "summary" not in shard
        assert [r["index"] + 5 * (r["R"] - 1) for r in shard["samples"]] == list(
            range(k - 1, 10, 3)
        )
    assert sorted(os.listdir(tmp_path / "whole")) == ["fig3.json", "fig3.png"]
    (merged,) = merge_runs([tmp_path], out=tmp_path / "merged")
    assert timeless(merged) == timeless(whole)
    png = (tmp_path / "whole" / "fig3.png").read_bytes()
    assert (tmp_path / "merged" / "fig3.png").read_bytes() == png


def test_merge_refuses_missing_tasks_and_other_runs(tmp_path):
    for k in (1, 2):
        run_experiment(
            "fig3", 2, jobs=1, seed=7, progress=False, params=TINY, shard=(k, 3), out=tmp_path
        )
    with pytest.raises(
        er.InvalidInputError, match="1 of 4 tasks have no outcome.*group 2, index 0"
    ):
        merge_runs([tmp_path], out=tmp_path / "out")
    run_experiment(
        "fig3", 2, jobs=1, seed=8, progress=False, params=TINY, shard=(3, 3), out=tmp_path
    )
    with pytest.raises(er.InvalidInputError, match="different runs of fig3 .seed = 8"):
        merge_runs([tmp_path], out=tmp_path / "out")
    with pytest.raises(er.InvalidInputError, match="out: not a folder; expected folders"):
        merge_runs([tmp_path / "out"], out=tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(er.InvalidInputError, match="no \\*.records.jsonl file in .*empty"):
        merge_runs([tmp_path / "empty"], out=tmp_path / "out")


def test_merge_refuses_records_that_differ(tmp_path):
    for k, folder in ((1, "a"), (1, "b"), (2, "a")):
        run_experiment(
            "fig3",
            1,
            jobs=1,
            seed=7,
            progress=False,
            params=TINY,
            shard=(k, 2),
            out=tmp_path / folder,
        )
    path = tmp_path / "b" / "fig3.shard-1-of-2.records.jsonl"
    head, *lines = path.read_text().splitlines()
    outcome = json.loads(lines[0])
    outcome["record"]["rank"] += 1
    path.write_text("\n".join([head, json.dumps(outcome)]) + "\n")
    with pytest.raises(er.InvalidInputError, match="the records of task .1, 0. .* differ"):
        merge_runs([tmp_path / "a", tmp_path / "b"], out=tmp_path)


# ---------------------------------------------------------------------------- failures


def failing_on_index(index: int):
    """fig3 whose instance ``index`` of each R raises (monkeypatched into the registry)."""

    def run_sample(params, R, i, seed):
        if i == index:
            raise ArithmeticError(f"instance {i} of R = {R} broke")
        return rnn_figures.run_sample(params, R, i, seed)

    return tuple(
        dataclasses.replace(e, run_sample=run_sample) if e.name == "fig3" else e
        for e in rnn_figures.EXPERIMENTS
    )


def test_failed_tasks_are_recorded_counted_and_resumed(tmp_path, monkeypatch, capsys):
    clean = reference("fig3", 3, TINY)
    monkeypatch.setattr(rnn_figures, "EXPERIMENTS", failing_on_index(1))
    args = ["experiment", "fig3", "--samples", "3", "--seed", "7", "--jobs", "1", "--quiet"]
    args += ["--set", "M=3", "--set", "T=4", "--set", "ranks=1,2", "--out", str(tmp_path)]
    assert cli.main(args) == 1
    out = capsys.readouterr().out
    assert (
        "FAILED: 2 tasks raised; the first (group 1, index 1): ArithmeticError: instance 1" in out
    )
    document = json.loads((tmp_path / "fig3.json").read_text())
    assert document["summary"]["failed"] == 2 and len(document["samples"]) == 4
    assert document["failed"][1] == {
        "group": 2,
        "index": 1,
        "seed": er.experiments.sample_seed("fig3", 2, 1, 7),
        "error": "ArithmeticError: instance 1 of R = 2 broke",
    }
    assert "fig3.records.jsonl" in os.listdir(tmp_path)  # kept: a resume runs them again
    monkeypatch.undo()
    assert cli.main(args + ["--resume"]) == 0
    document = json.loads((tmp_path / "fig3.json").read_text())
    assert document["run"]["resumed"] == 4 and timeless(document) == timeless(clean)
    assert sorted(os.listdir(tmp_path)) == ["fig3.json", "fig3.png"]


# ---------------------------------------------------------------------------- task model


def test_tasks_models_and_errors_pickle_and_tasks_are_small():
    experiment = get_experiment("fig3")
    params = merge_parameters(experiment, {})
    task = Task("fig3", 8, 3, 12345, params)
    assert len(pickle.dumps(task)) < 1000 and pickle.loads(pickle.dumps(task)) == task
    model = rnn_figures.sample_rnn({**params, **TINY}, 2, np.random.default_rng(0))
    again = pickle.loads(pickle.dumps(model))
    assert er.grid_tensor(again).to_fractions().tolist() == (
        er.grid_tensor(model).to_fractions().tolist()
    )
    tree = (((0, 1), (2, 3)), ((4, 5), (6, 7)))
    for model in (
        er.random_hierarchical(tree, M=2, widths=2, seed=0),
        er.GeneralizedShallow("relu", lambda_=[1, -1], V=[[[1, 0]] * 3, [[0, 1]] * 3]),
    ):
        again = pickle.loads(pickle.dumps(model))
        assert np.array_equal(
            er.grid_tensor(again).to_fractions(), er.grid_tensor(model).to_fractions()
        )
    error = pickle.loads(pickle.dumps(er.InvalidInputError("parameter M: expected 3")))
    assert isinstance(error, er.InvalidInputError) and str(error) == "parameter M: expected 3"


def test_run_task_is_the_record_of_run_sample_through_json():
    params = merge_parameters(get_experiment("fig3"), TINY)
    outcome = run_task(Task("fig3", 2, 0, 99, params))
    record = rnn_figures.run_sample(params, 2, 0, 99)
    assert set(outcome) == {"group", "index", "seed", "record"}
    assert outcome["record"].pop("seconds") >= 0 and record.pop("seconds") >= 0
    assert outcome["record"] == json.loads(json.dumps(record))


def test_kill_9_of_a_pool_run_leaves_no_worker_behind(tmp_path):
    """The pool's workers end with their parent (Linux: PR_SET_PDEATHSIG)."""
    if sys.platform != "linux":
        pytest.skip("parent-death signals are Linux's")
    args = ["experiment", "fig3", "--samples", "30", "--jobs", "2", "--quiet", "--out", "k"]
    args += ["--set", "M=6", "--set", "T=6", "--set", "ranks=4,8"]
    proc = subprocess.Popen([sys.executable, "-m", "exactrank", *args], cwd=tmp_path)
    path = tmp_path / "k" / "fig3.records.jsonl"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists() and path.read_bytes().count(b"\n") > 3:
                break
            time.sleep(0.01)
        workers = _children(proc.pid)
        assert workers, "the pool had started"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{w}") for w in workers):
        time.sleep(0.05)
    alive = [w for w in workers if os.path.exists(f"/proc/{w}")]
    for pid in alive:  # stop what this test started, by PID
        os.kill(pid, signal.SIGKILL)
    assert not alive, "orphaned workers"


def test_ctrl_c_while_a_worker_reads_its_start_up_data_is_raised_once_it_has_them(
    monkeypatch, capfd
):
    """The parent writes a spawned worker's start-up data in two pieces; a KeyboardInterrupt
    between them (as a Ctrl-C did in CI) left the worker an EOFError traceback under the
    sweep's one line. Now the interrupt is raised by the run, after the workers started."""
    from multiprocessing import popen_spawn_posix

    from exactrank.experiments import backends

    dump = popen_spawn_posix.reduction.dump
    pieces = []

    def interrupted_after_the_first_piece(obj, file, protocol=None):
        dump(obj, file, protocol)
        pieces.append(obj)
        if len(pieces) == 1:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs here, between the two pieces

    monkeypatch.setattr(popen_spawn_posix.reduction, "dump", interrupted_after_the_first_piece)
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        list(backends.outcomes([0.5, 0.5], 2, function=time.sleep))
    assert signal.getsignal(signal.SIGINT) is before
    assert len(pieces) >= 2, "the first worker got all its start-up data"
    time.sleep(1)  # a worker's traceback, if any, would come by now
    assert "Traceback" not in capfd.readouterr().err


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    found = []
    for task in tasks.iterdir():
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found += [int(c) for c in text.split()]
    return found


@pytest.mark.parametrize(
    "address", ["foo", "", "http://127.0.0.1:8799", "inproc://x", "tcp://[::1", "tcp://h:99999"]
)
def test_a_malformed_scheduler_address_is_one_line_at_once_and_makes_no_folder(
    address, tmp_path, capsys
):
    start = time.monotonic()
    out = tmp_path / "out"
    assert cli.main(["experiment", "fig3", "--scheduler", address, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "expected the address a running dask" in err, err
    assert time.monotonic() - start < 5 and not out.exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["fig3", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:9"], "--jobs counts"),
        (["fig3", "--shard", "4/3"], "shard: expected k/n with 1 <= k <= n"),
        (["fig3", "--shard", "x"], "got 'x'"),
        (["merge", ".", "--shard", "1/2"], "--shard does not apply"),
        (["merge"], "give the folders"),
        (["fig3", "extra"], "unexpected 'extra'"),
    ],
)
def test_cli_refusals_are_one_line(args, message, capsys):
    assert cli.main(["experiment", *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err, err


def test_dask_workers_get_the_allocator_of_a_plain_process(client):
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_ (fig3 tasks 2-3x slower under it, see
    backends._unpin_malloc): every task on a worker runs after the allocator is reset."""
    from exactrank.experiments import backends

    def probe():
        return os.environ.get("MALLOC_TRIM_THRESHOLD_"), backends._unpin_malloc.cache_info()

    run_experiment("fig3", 5, seed=7, progress=False, params=TINY, client=client)
    after = client.run(probe)
    assert {env for env, _ in after.values()} == {"65536"}  # what the nanny set
    assert any(info.currsize == 1 for _, info in after.values()), after


# ---------------------------------------------------------------------------- checks as tasks


def test_checks_as_tasks_give_the_verdicts_of_theorems_run(client, monkeypatch):
    from exactrank.checks import theorems
    from exactrank.checks.check_tasks import ERROR, run_checks

    names = ["lemma_3_1", "lemma_5_1", "prop_a4"]
    expected = {n: theorems.run(n) for n in names}

    def essentials(result):
        return (result.name, result.verdict, result.expected, result.instances, result.details)

    for backend in ({"jobs": 1}, {"jobs": 2}, {"client": client}):
        results = list(run_checks(names, **backend))
        assert sorted(map(essentials, results)) == sorted(map(essentials, expected.values()))
    with pytest.raises(er.InvalidInputError, match="unknown check 'no_such_check'"):
        run_checks(["lemma_3_1", "no_such_check"])

    def broken(name, full=False, certs=None):
        raise ZeroDivisionError("division by zero in the construction")

    monkeypatch.setattr(theorems, "run", broken)
    (result,) = run_checks(["lemma_3_1"])
    assert result.verdict == ERROR and not result.as_expected
    assert result.details == ["ZeroDivisionError: division by zero in the construction"]


# ---------------------------------------------------------------------------- invariants


@settings(max_examples=50, deadline=None)
@given(groups=st.integers(1, 4), samples=st.integers(1, 6), n=st.integers(1, 9))
def test_shards_partition_the_tasks_in_order(groups, samples, n):
    tasks = plan("fig3", {}, list(range(1, groups + 1)), samples, 0)
    shards = [in_shard(tasks, (k, n)) for k in range(1, n + 1)]
    assert sorted(t.key for s in shards for t in s) == sorted(t.key for t in tasks)
    assert sum(map(len, shards)) == len(tasks)
    for k, shard in enumerate(shards, 1):
        assert [tasks.index(t) for t in shard] == list(range(k - 1, len(tasks), n))


@settings(max_examples=40, deadline=None)
@given(cut=st.floats(0, 1))
def test_a_records_file_cut_anywhere_reads_as_a_prefix_of_its_outcomes(tmp_path_factory, cut):
    folder = tmp_path_factory.mktemp("cut")
    path = folder / "fig3.records.jsonl"
    head = records_file.header("fig3", {"samples": 3}, None, 3)
    outcomes = [
        {"group": 1, "index": i, "seed": i, "record": {"R": 1, "x": "é" * i}} for i in range(3)
    ]
    with records_file.open_run(path, head, resume=False)[0] as writer:
        for outcome in outcomes:
            writer.append(outcome)
    data = path.read_bytes()
    first = data.index(b"\n") + 1  # the header is written whole, atomically
    path.write_bytes(data[: first + int(cut * (len(data) - first))])
    read_head, found, end = records_file.read(path)
    assert read_head == head
    assert list(found.values()) == outcomes[: len(found)]
    assert path.read_bytes()[:end].count(b"\n") == 1 + len(found)


def test_a_summary_that_needs_the_failed_tasks_is_one_line_and_exit_1(
    tmp_path, monkeypatch, capsys
):
    from exactrank.experiments import conv_tables

    def run_sample(params, tree, index, seed):
        if tree == "mirror":
            raise MemoryError
        return conv_tables.run_theorem8(params, tree, index, seed)

    patched = tuple(
        dataclasses.replace(e, run_sample=run_sample) if e.name == "theorem8" else e
        for e in conv_tables.EXPERIMENTS
    )
    monkeypatch.setattr(conv_tables, "EXPERIMENTS", patched)
    args = ["experiment", "theorem8", "--samples", "1", "--jobs", "1", "--quiet"]
    args += ["--set", "N=4", "--set", "M=2", "--set", "r=2", "--out", str(tmp_path)]
    assert cli.main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("exactrank: 1 of 3 tasks failed (the first, group")
    assert '"mirror" index 0: MemoryError), and the summary cannot be made' in err[0]
    assert "--resume runs the failed tasks again" in err[0]
    assert os.listdir(tmp_path) == ["theorem8.records.jsonl"]
