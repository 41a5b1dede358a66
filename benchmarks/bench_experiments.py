"""The cost of exactness in one instance of ``exactrank experiment fig3`` (seed 001, Figure 3),
and the cost of reduced Figure 3/4/5 sweeps.

For instance ``--index`` of R = ``--R`` (default: the first R = 8 instance, M = 10, T = 6, a
10^6-entry grid and a 1000 × 1000 odd-even matrix) it times

  grid QQ     the exact grid tensor (scaled integers),
  rank mod p  its rank modulo the instance's 62-bit prime: the proven lower bound fig3 records,
              as fig3 computes it (integer values → fmpz_mat → nmod_mat) and through
              ``rank(matrix, "GF(p)")`` (a rank profile),
  exact       the exact rank over QQ by FLINT (what fig3 --set prove=exact does; --no-exact
              skips it: tens of seconds to minutes at R = 8),
  float       numpy.linalg.matrix_rank of the same matrix in float64 (the paper's method),

and prints the ratios of the exact pipelines to the float one.

With ``--sweep N`` it runs fig3, fig4 and fig5 at their default parameters with N samples per
R instead (``--jobs`` processes), and prints per figure the wall and CPU seconds (CPU of every
process: steadier than wall time on a shared machine), the CPU seconds per sample and the
wall time extrapolated to the default sample count. Run it at two commits to compare them.

With ``--baseline TREE`` it compares this checkout with another source tree of exactrank
side by side (made e.g. by ``git archive 59252c0 | tar -x -C /tmp/base``, the code before
issue 11): per figure, ``--sets`` samples per R (indices 0, 1, …) run in a fresh process
per tree with one BLAS thread (as the sweep's workers do), the trees alternating for
``--rounds`` rounds; it prints the best CPU milliseconds per set of one sample per R, the
ratio baseline / this tree, the default run extrapolated from it (samples × ms per set /
2 cores, no pool overhead), and which record fields differ between the trees; then the best
CPU milliseconds per sample of each R and their ratio.

    python benchmarks/bench_experiments.py [--R 8] [--index 0] [--seed 0] [--no-exact]
    python benchmarks/bench_experiments.py --sweep 20 [--jobs 2] [--figures fig3,fig4]
    python benchmarks/bench_experiments.py --baseline /tmp/base [--sets 3] [--rounds 2]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from _common import blas_note, timed

import exactrank as er
from exactrank.experiments import (
    get_experiment,
    relu_ranks,
    rnn_figures,
    run_experiment,
    sample_seed,
)
from exactrank.experiments.registry import merge_parameters
from exactrank.linalg.modular import random_prime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--R", type=int, default=8)
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-exact", action="store_true", help="skip the exact rank over QQ")
    parser.add_argument("--sweep", type=int, help="time fig3/4/5 sweeps of N samples per R")
    parser.add_argument("--jobs", type=int, default=None, help="processes of a sweep")
    parser.add_argument("--figures", default="fig3,fig4,fig5", help="the sweeps to run")
    parser.add_argument("--baseline", help="a source tree of exactrank to compare with")
    parser.add_argument("--sets", type=int, default=3, help="samples per R (--baseline)")
    parser.add_argument("--rounds", type=int, default=2, help="alternations (--baseline)")
    args = parser.parse_args()
    if args.sweep:
        sweeps(args.sweep, args.jobs, args.seed, args.figures.split(","))
        return
    if args.baseline:
        side_by_side(args.baseline, args.figures.split(","), args.sets, args.rounds, args.seed)
        return
    params = merge_parameters(get_experiment("fig3"), {})
    rng = np.random.default_rng(sample_seed("fig3", args.R, args.index, args.seed))
    model = rnn_figures.sample_rnn(params, args.R, rng)
    bits = relu_ranks.prime_bits(params["prime_bits"], (params["M"] ** (params["T"] // 2)) ** 2)
    p = random_prime(bits, rng)
    print(blas_note())
    print(f"fig3 instance R = {args.R}, index {args.index}, seed {args.seed}: {model!r}")

    t_grid, grid = timed(er.grid_tensor, model, "QQ")
    matrix = er.matricize(grid, "odd-even")
    t_mod, lower = timed(er.rank, matrix, f"GF({p})")
    t_fgrid, fgrid = timed(er.grid_tensor, model, "float")
    A = er.matricize(fgrid, "odd-even").values
    t_float, r_float = timed(np.linalg.matrix_rank, A)
    float_total = t_fgrid + t_float
    print(f"grid storage {grid.storage}, matrix {matrix.shape[0]} x {matrix.shape[1]}")
    print(f"{'pipeline':34} {'rank':>5} {'seconds':>8} {'/ float':>8}")
    print(f"{'float: grid + matrix_rank':34} {r_float:5d} {float_total:8.2f} {1:8.1f}")
    t_record, record = timed(lambda: relu_ranks.integer_lines(matrix, p).rank_mod(p))
    rows = [
        ("proven lower: grid QQ + rank mod p", record, t_grid + t_record),
        ("  the same through rank(GF(p))", lower.rank, t_grid + t_mod),
    ]
    if not args.no_exact:
        t_exact, exact = timed(relu_ranks.exact_rank, matrix)
        rows.append(("exact: grid QQ + FLINT rank", exact, t_grid + t_exact))
    for name, value, seconds in rows:
        print(f"{name:34} {value:5d} {seconds:8.2f} {seconds / float_total:8.1f}")
    print(
        f"(grid QQ {t_grid:.2f} s, rank mod p {t_record:.2f} s (through rank(): {t_mod:.2f} s), "
        f"float grid {t_fgrid:.2f} s, float matrix_rank {t_float:.2f} s)"
    )


def sweeps(samples: int, jobs: int | None, seed: int, names: list[str]) -> None:
    """Wall and CPU seconds of reduced default sweeps, extrapolated to the default counts."""
    print(blas_note())
    print(
        f"{'figure':6} {'samples':>8} {'wall s':>8} {'CPU s':>8} {'CPU s/sample':>13} "
        f"{'wall s at default':>18}"
    )
    for name in names:
        experiment = get_experiment(name)
        before = _cpu_seconds()
        start = time.perf_counter()
        doc = run_experiment(name, samples, jobs=jobs, seed=seed, progress=False)
        wall, cpu = time.perf_counter() - start, _cpu_seconds() - before
        total = doc["summary"]["samples"]
        default = wall * experiment.samples / samples
        print(f"{name:6} {total:8d} {wall:8.1f} {cpu:8.1f} {cpu / total:13.3f} {default:18.0f}")


_PER_SAMPLE = """
import json, sys, time
from exactrank.experiments import get_experiment, sample_seed
from exactrank.experiments.registry import merge_parameters
from exactrank.experiments import rnn_figures
name, sets, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
experiment = get_experiment(name)
params = experiment.validate(merge_parameters(experiment, {}))
cpu, records = {}, []
for R in params["ranks"]:
    start = time.process_time()
    for index in range(sets):
        records.append(
            rnn_figures.run_sample(params, R, index, sample_seed(name, R, index, seed))
        )
    cpu[R] = (time.process_time() - start) / sets
for record in records:
    record.pop("seconds")
print(json.dumps({"cpu": cpu, "records": records, "samples": experiment.samples}))
"""


def side_by_side(baseline: str, names: list[str], sets: int, rounds: int, seed: int) -> None:
    """CPU ms per set of one sample per R, this tree against ``baseline``, alternating."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    here = str(Path(__file__).resolve().parents[1])
    trees = {"this": here, "baseline": str(Path(baseline).resolve())}
    print(blas_note())
    print(f"trees: this = {here}, baseline = {trees['baseline']}; {sets} samples per R")
    print(
        f"{'figure':6} {'this ms/set':>12} {'base ms/set':>12} {'ratio':>6} "
        f"{'this default s':>15} {'base default s':>15}  records"
    )
    for name in names:
        best, per_R, records, samples = {}, {}, {}, None
        for _ in range(rounds):
            for label, tree in trees.items():
                env = {**os.environ, "PYTHONPATH": tree, "OPENBLAS_NUM_THREADS": "1"}
                out = subprocess.run(
                    [sys.executable, "-c", _PER_SAMPLE, name, str(sets), str(seed)],
                    env=env,
                    cwd=tree,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                doc = json.loads(out.stdout.splitlines()[-1])
                total = sum(doc["cpu"].values())
                best[label] = min(best.get(label, total), total)
                for R, seconds in doc["cpu"].items():
                    per_R[label, R] = min(per_R.get((label, R), seconds), seconds)
                records[label], samples = doc["records"], doc["samples"]
        fields = sorted(
            {
                key
                for a, b in zip(records["this"], records["baseline"], strict=True)
                for key in set(a) | set(b)
                if a.get(key) != b.get(key)
            }
        )
        this, base = best["this"], best["baseline"]
        print(
            f"{name:6} {this * 1e3:12.0f} {base * 1e3:12.0f} {base / this:6.2f} "
            f"{this * samples / 2:15.0f} {base * samples / 2:15.0f}  "
            + (f"differ in {', '.join(fields)}" if fields else "identical"),
            flush=True,
        )
        for R in sorted({R for _, R in per_R}, key=int):
            this, base = per_R["this", R], per_R["baseline", R]
            print(f"  R = {R:3} {this * 1e3:10.0f} {base * 1e3:12.0f} {base / this:6.2f}")


def _cpu_seconds() -> float:
    """User + system seconds of this process and of its finished workers."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


if __name__ == "__main__":
    main()
