"""Time to build a 4^12-entry grid tensor, exactly and in float64 (issue: the exact engine).

Generalized RNN, M = 4, T = 12, L = R = 8, integer weights drawn uniformly from [−2, 2],
ξ ∈ {relu, product}. The exact grid uses float64 BLAS while the proven magnitude bound
stays below 2**53, int64 below 2**62, and Python integers beyond (the "bigint" fallback);
the table says which storage each run ended in.

    python benchmarks/bench_grid.py [--M 4] [--T 12] [--R 8] [--seed 0]
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import blas_note, timed

import exactrank as er


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
    args = parser.parse_args()
    print(blas_note())
    print(f"grid of {args.M}^{args.T} = {args.M**args.T} entries, L = R = {args.R}")
    print(f"{'xi':8} {'float s':>9} {'exact s':>9} {'ratio':>7}  exact storage, max |entry|")
    for xi in ("relu", "product"):
        model = random_rnn(xi, args.M, args.T, args.R, args.seed)
        t_float, g_float = timed(er.grid_tensor, model, "float")
        t_exact, g_exact = timed(er.grid_tensor, model, "QQ")
        biggest = (
            int(np.max(np.abs(g_exact.values)))
            if g_exact.storage != "bigint"
            else max(abs(int(v)) for v in g_exact.values.flat)
        )
        print(
            f"{xi:8} {t_float:9.2f} {t_exact:9.2f} {t_exact / t_float:7.2f}  "
            f"{g_exact.storage}, 2^{biggest.bit_length()}"
        )
        del g_float, g_exact


if __name__ == "__main__":
    main()
