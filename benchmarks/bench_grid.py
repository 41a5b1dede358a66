"""Time to build a 4^12-entry grid tensor, exactly and in float64 (issue: the exact engine).

Generalized RNN, M = 4, T = 12, L = R = 8, integer weights drawn uniformly from [−2, 2],
ξ ∈ {relu, product}. The exact grid uses float64 BLAS while the proven magnitude bound
stays below 2**53, int64 below 2**62, and Python integers beyond (the "bigint" fallback);
two more rows force that fallback with weights in [−1000, 1000] on a 4^8 grid. The table
says which storage each run ended in. Times are the best of --repeat runs.

    python benchmarks/bench_grid.py [--M 4] [--T 12] [--R 8] [--seed 0] [--repeat 3]
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import blas_note, timed

import exactrank as er
from exactrank.kernels import max_abs


def random_rnn(xi: str, M: int, T: int, R: int, seed: int, high: int = 2):
    rng = np.random.default_rng(seed)
    ranks = [1] + [R] * (T - 1) + [1]
    C = [rng.integers(-high, high + 1, size=(R, M)) for _ in range(T)]
    G = [rng.integers(-high, high + 1, size=(R, ranks[t], ranks[t + 1])) for t in range(T)]
    return er.GeneralizedRNN(xi, C, G)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--M", type=int, default=4)
    parser.add_argument("--T", type=int, default=12)
    parser.add_argument("--R", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--big-T", type=int, default=8, help="T of the big-integer cases")
    parser.add_argument("--big-high", type=int, default=1000, help="their weights' range")
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


if __name__ == "__main__":
    main()
