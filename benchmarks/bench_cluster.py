"""Sweeps on Dask (issue 13): Figure 3 in one process vs a local cluster, the per-task
overhead, and a cluster started by hand the way several machines are used.

Side by side, in one run, on the same tasks (``exactrank experiment fig3``, its default
parameters, ``--samples`` per R; the default is fig3's own 500, i.e. 2000 tasks):

  one process     run_experiment(jobs=1): every task in this process, one BLAS thread
  1-worker dask   a LocalCluster of one worker process (one thread): the same work plus
                  Dask's scheduling and transfers -> overhead per task = (its wall − one
                  process's wall) / tasks, and as a share of the mean task's seconds
  2-worker dask   a LocalCluster of two worker processes -> speedup = one process / it
  by hand         ``dask scheduler`` and two ``dask worker`` processes started here on
                  127.0.0.1 as on separate machines, then ``exactrank experiment fig3
                  --scheduler ADDRESS`` as a user types it; its JSON is compared with the
                  one-process run's (equal apart from timings), and the processes are
                  stopped by their PIDs

Targets of the issue: speedup >= 1.7 on 2 workers, overhead <= 5 % per default-size task.
Wall times of the best of ``--repeat`` runs; cluster start-up is timed apart (once per
sweep, not per task). The load average is printed, and for each cluster the tasks' own
seconds next to the workers' CPU seconds: when the first is well above the second, the
workers waited for a core (other work on the machine) and the ratios are what the free
cores allowed, not Dask's.

    python benchmarks/bench_cluster.py [--samples 500] [--repeat 1] [--no-by-hand]
"""

from __future__ import annotations

import os

os.environ.update(
    dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), "1")
)

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import blas_note, timed  # noqa: E402

from exactrank.experiments import get_experiment, run_experiment  # noqa: E402

DASK = str(Path(sys.executable).parent / "dask")  # the console script beside this Python


def timeless(document: dict) -> dict:
    out = {k: v for k, v in document.items() if k not in ("run", "files")}
    out["samples"] = [{k: v for k, v in r.items() if k != "seconds"} for r in out["samples"]]
    return out


def warm_up(**backend) -> None:
    """A small fig3 run first, so that no timing includes imports and first calls."""
    params = {"M": 3, "T": 4, "ranks": [1, 2, 4, 8]}
    run_experiment("fig3", 2, progress=False, params=params, **backend)


def on_local_cluster(workers: int, samples: int, repeat: int) -> tuple:
    """(start-up seconds, best sweep seconds, document, the workers' CPU seconds per sweep)
    on a LocalCluster of ``workers``."""
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    warm_up(client=client)
    startup = time.perf_counter() - start
    try:
        before = client.run(time.process_time)
        seconds, document = timed(
            run_experiment, "fig3", samples, progress=False, client=client, repeat=repeat
        )
        after = client.run(time.process_time)
    finally:
        client.close()
        cluster.close()
    cpu = sum(after[w] - before[w] for w in before if w in after) / repeat
    return startup, seconds, document, cpu


def contention(document: dict, cpu: float) -> str:
    """The tasks' own seconds against the workers' CPU seconds: far above it, the workers
    waited for a core (other jobs on the machine), and the wall times say little."""
    own = sum(r["seconds"] for r in document["samples"])
    return f"tasks' own seconds {own:.1f} vs workers' CPU {cpu:.1f}"


def by_hand(samples: int, folder: Path) -> tuple[float, float, dict]:
    """(start-up, sweep seconds, document) with a scheduler and two workers started as
    processes and the CLI pointed at them; every process stopped by its PID."""
    scheduler_file = folder / "scheduler.json"
    processes = []
    start = time.perf_counter()
    try:
        processes.append(
            subprocess.Popen(
                [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
                + ["--scheduler-file", str(scheduler_file)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        while not scheduler_file.exists():
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written whole, then read
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [DASK, "worker", address, "--nthreads", "1", "--nworkers", "1"]
                    + ["--host", "127.0.0.1", "--no-dashboard"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        from distributed import Client

        with Client(address) as client:
            client.wait_for_workers(2, timeout=60)
            warm_up(client=client)
        startup = time.perf_counter() - start
        begin = time.perf_counter()
        command = [
            sys.executable,
            "-m",
            "exactrank",
            "experiment",
            "fig3",
            "--samples",
            str(samples),
            "--quiet",
        ]
        command += ["--scheduler", address, "--out", str(folder)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - begin
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return startup, seconds, json.loads((folder / "fig3.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=get_experiment("fig3").samples)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many sweeps")
    parser.add_argument("--no-by-hand", action="store_true", help="skip the hand-started run")
    args = parser.parse_args()
    tasks = 4 * args.samples
    print(f"fig3 at its default parameters, {args.samples} samples per R ({tasks} tasks)")
    print(blas_note())
    print(f"load average before: {os.getloadavg()[0]:.2f}")

    warm_up(jobs=1)
    one, reference = timed(
        run_experiment, "fig3", args.samples, jobs=1, progress=False, repeat=args.repeat
    )
    task_seconds = sum(r["seconds"] for r in reference["samples"]) / tasks
    print(f"one process      {one:8.1f} s   mean task {task_seconds * 1000:.0f} ms")

    up1, dask1, doc1, cpu1 = on_local_cluster(1, args.samples, args.repeat)
    overhead = (dask1 - one) / tasks
    print(
        f"1-worker dask    {dask1:8.1f} s   (start-up {up1:.1f} s)   overhead per task "
        f"{overhead * 1000:+.1f} ms = {100 * overhead / task_seconds:+.1f} % of a task; "
        f"{contention(doc1, cpu1)}"
    )
    up2, dask2, doc2, cpu2 = on_local_cluster(2, args.samples, args.repeat)
    print(
        f"2-worker dask    {dask2:8.1f} s   (start-up {up2:.1f} s)   speedup {one / dask2:.2f}x "
        f"(with start-up {one / (dask2 + up2):.2f}x); {contention(doc2, cpu2)}"
    )
    same = timeless(doc1) == timeless(reference) == timeless(doc2)
    if not args.no_by_hand:
        with tempfile.TemporaryDirectory() as folder:
            up3, hand, doc3 = by_hand(args.samples, Path(folder))
        same = same and timeless(doc3) == timeless(json.loads(json.dumps(reference)))
        print(
            f"by hand          {hand:8.1f} s   (scheduler + 2 workers up in {up3:.1f} s; the "
            f"CLI's own connect and import inside)   speedup {one / hand:.2f}x"
        )
    print(f"records, summary and JSON identical to the one-process run: {same}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
