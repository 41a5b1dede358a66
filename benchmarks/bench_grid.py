"""Time to build grid tensors, exactly and in float64 (the exact engine; issue 11 item 2).

1. Generalized RNN, M = 4, T = 12, L = R = 8, integer weights drawn uniformly from [−2, 2],
   ξ ∈ {relu, product}. The exact grid uses float64 BLAS while the proven magnitude bound
   stays below 2**53, int64 below 2**62, and Python integers beyond (the "bigint" fallback);
   two more rows force that fallback with weights in [−1000, 1000] on a 4^8 grid.
2. The product RNN at M = 2, T = 20 (entries past int64): time and peak traced memory
   (tracemalloc, which sees numpy's buffers) of the QQ grid against the float grid, as
   ratios against issue 11's targets (10x time, 4x memory); the QQ grid holds its entries
   in int32 residues, and the Python integers of its ``values`` are timed apart.
3. Hierarchical networks over binary trees (N = 16, M = 2 and N = 8, M = 4; widths 2, 4, 8
   at every level and a mixed 2-4-8 column) with generic weights as
   exactrank.random_hierarchical draws them: GF(2^61 − 1), GF(2^26 − 5) (modular's float64
   kernels) and QQ against float.

Times are the best of --repeat batches; a batch repeats a fast call until it has run for
--batch seconds and counts the mean, so that millisecond grids are not timer noise.

    python benchmarks/bench_grid.py [--M 4] [--T 12] [--R 8] [--seed 0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc

import numpy as np
from _common import blas_note, timed

import exactrank as er
from exactrank.geometry.trees import contiguous_tree
from exactrank.numbers.kernels import max_abs

HIERARCHICAL_PRIMES = {"GF(2^61-1)": 2**61 - 1, "GF(2^26-5)": 2**26 - 5}


def random_rnn(xi: str, M: int, T: int, R: int, seed: int, high: int = 2):
    rng = np.random.default_rng(seed)
    ranks = [1] + [R] * (T - 1) + [1]
    C = [rng.integers(-high, high + 1, size=(R, M)) for _ in range(T)]
    G = [rng.integers(-high, high + 1, size=(R, ranks[t], ranks[t + 1])) for t in range(T)]
    return er.GeneralizedRNN(xi, C, G)


def batched(fn, *args, repeat: int, batch: float):
    """(seconds per call, result): the best over ``repeat`` batches of the mean call time."""
    best, result = float("inf"), None
    for _ in range(repeat):
        calls, start = 0, time.perf_counter()
        while True:
            result = fn(*args)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= batch:
                break
        best = min(best, elapsed / calls)
    return best, result


def peak_memory(fn, *args) -> int:
    """Peak bytes traced while ``fn(*args)`` runs (its result included)."""
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def product_rnn_rows(args) -> None:
    """Issue 11's target row: the QQ grid within 10x the float grid's time and 4x its peak
    memory. The QQ grid is held in int32 residues; its Python integers are built when
    ``values`` is first read, timed on its own below."""
    model = random_rnn("product", 2, 20, args.R, args.seed)
    t_float, g_float = batched(er.grid_tensor, model, "float", **_batch(args))
    t_exact, g = batched(er.grid_tensor, model, "QQ", **_batch(args))
    m_float = peak_memory(er.grid_tensor, model, "float")
    m_exact = peak_memory(er.grid_tensor, model, "QQ")
    held, held_float = result_bytes(g), result_bytes(g_float)
    t_values, _ = timed(lambda: er.grid_tensor(model, "QQ").values, repeat=args.repeat)
    t_floor = python_int_floor(g.values, repeat=args.repeat)
    time_ratio, memory_ratio = t_exact / t_float, m_exact / m_float
    print(
        f"\nproduct RNN M = 2, T = 20, R = {args.R} (best of {args.repeat} batches of "
        f"{args.batch} s; peak memory = "
        f"tracemalloc's peak while the grid is built, result included): float "
        f"{t_float * 1e3:.1f} ms, {m_float / 2**20:.1f} MiB; QQ {t_exact * 1e3:.1f} ms, "
        f"{m_exact / 2**20:.1f} MiB\n  time ratio {time_ratio:.1f} (target <= 10: "
        f"{'met' if time_ratio <= 10 else 'MISSED'}), peak memory ratio {memory_ratio:.1f} "
        f"(target <= 4: {'met' if memory_ratio <= 4 else 'MISSED'}); the results hold "
        f"{held / 2**20:.1f} MiB (QQ: {_held(g)}) and {held_float / 2**20:.1f} MiB (float); "
        f"max |entry| 2^{max_abs(g.values).bit_length()}",
        flush=True,
    )
    print(
        f"  on demand: the grid with its Python integers (values read) {t_values:.3f} s "
        f"(ratio {t_values / t_float:.0f}); floor of any Python-integer result: {t_floor:.3f} s "
        f"(ratio {t_floor / t_float:.0f}) only to build these integers from two int64 words "
        "each with numpy's object arithmetic",
        flush=True,
    )


def _held(grid) -> str:
    if grid.residues is None:
        return grid.storage
    return f"int32 residues modulo {len(grid.residues.primes)} primes, one spare"


def python_int_floor(values: np.ndarray, repeat: int) -> float:
    """Seconds to build ``values`` (Python integers below 2^124) from two int64 words each,
    (high << 62) + low: no exact grid that returns Python integers can be faster."""
    flat = values.reshape(-1)
    low = np.array([int(v) & ((1 << 62) - 1) for v in flat], dtype=np.int64)
    high = np.array([int(v) >> 62 for v in flat], dtype=np.int64)
    t, rebuilt = timed(lambda: (high.astype(object) << 62) + low.astype(object), repeat=repeat)
    assert np.array_equal(rebuilt, flat)
    return t


def result_bytes(grid) -> int:
    """Bytes of a grid's values as it holds them: its residues when it has them (and its
    values are not built yet), else the array plus its Python integers."""
    if grid.residues is not None and grid._values is None:
        return grid.residues.residues.nbytes
    if grid.values.dtype != object:
        return grid.values.nbytes
    return grid.values.nbytes + sum(sys.getsizeof(v) for v in grid.values.flat)


def hierarchical_rows(args) -> None:
    print(
        f"\nhierarchical grids, binary trees, generic weights; seconds per grid (best of "
        f"{args.repeat} batches of {args.batch} s) and ratios to float"
    )
    fields = [*HIERARCHICAL_PRIMES, "QQ"]
    print(f"{'N':>3} {'M':>2} {'widths':>8} {'float ms':>9}" + "".join(f" {f:>16}" for f in fields))
    for N, M in ((16, 2), (8, 4)):
        L = N.bit_length() - 1
        tree = contiguous_tree(N, [2] * L)
        for widths in ([2] * L, [4] * L, [8] * L, [2, 4, 8, 8][:L]):
            row = []
            t_float = None
            for name in fields:
                field = f"GF({HIERARCHICAL_PRIMES[name]})" if name in HIERARCHICAL_PRIMES else name
                model = er.random_hierarchical(tree, M, widths, field=field, seed=args.seed)
                if t_float is None:
                    # the generic weights are residues up to p: in float64 the deep products
                    # overflow to inf, which costs the same time (the warning is silenced)
                    with np.errstate(over="ignore", invalid="ignore"):
                        t_float, _ = batched(er.grid_tensor, model, "float", **_batch(args))
                t, _ = batched(er.grid_tensor, model, field, **_batch(args))
                row.append(f"{t * 1e3:8.2f} ms {t / t_float:4.1f}x")
            label = "-".join(map(str, widths))
            print(
                f"{N:3d} {M:2d} {label:>8} {t_float * 1e3:9.2f}"
                + "".join(f" {c:>16}" for c in row),
                flush=True,
            )


def _batch(args) -> dict:
    return {"repeat": args.repeat, "batch": args.batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--M", type=int, default=4)
    parser.add_argument("--T", type=int, default=12)
    parser.add_argument("--R", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--big-T", type=int, default=8, help="T of the big-integer cases")
    parser.add_argument("--big-high", type=int, default=1000, help="their weights' range")
    parser.add_argument("--batch", type=float, default=0.3, help="seconds per timing batch")
    args = parser.parse_args()
    print(blas_note())
    print(f"M = {args.M}, L = R = {args.R}")
    print(
        f"{'xi':8} {'T':>3} {'weights':>13} {'float s':>9} {'exact s':>9} {'ratio':>7}  "
        "exact storage, max |entry|"
    )
    cases = [(xi, args.T, 2) for xi in ("relu", "product")]
    cases += [(xi, args.big_T, args.big_high) for xi in ("relu", "product")]
    for xi, T, high in cases:
        model = random_rnn(xi, args.M, T, args.R, args.seed, high)
        t_float, g_float = timed(er.grid_tensor, model, "float", repeat=args.repeat)
        t_exact, g_exact = timed(er.grid_tensor, model, "QQ", repeat=args.repeat)
        biggest = max_abs(g_exact.values)
        print(
            f"{xi:8} {T:3d} {f'[-{high}, {high}]':>13} {t_float:9.2f} {t_exact:9.2f} "
            f"{t_exact / t_float:7.2f}  {g_exact.storage}, 2^{biggest.bit_length()}",
            flush=True,
        )
        del g_float, g_exact
    product_rnn_rows(args)
    hierarchical_rows(args)


if __name__ == "__main__":
    main()
