"""exactrank's proven ranks side by side with numpy's float rank and python-flint's fmpz rank.

For n in the sizes and three kinds of integer matrices —
  full:  n × n, entries uniform in [−100, 100] (full rank);
  low:   U·V with U n × n/8, V n/8 × n, entries uniform in [−f, f) (rank n/8, generic;
         f = 512 by default, as in issue 11's target);
  J−D:   all-ones minus a 0/1 diagonal on the first n/2 positions (rank n/2 + 1, structured,
         like the grid tensors of seed 001, Lemma A.2);
  big:   U·V of rank 4n/5 with 26-bit entries (products past 2^50, like the grid matrices
         of random relu RNNs with dyadic weights; the multimodular upper bound) —
it times numpy.linalg.matrix_rank (float64 SVD), exactrank's proven lower bound
(prove="lower"), exactrank's proven exact rank, and fmpz_mat.rank (run in a child process
with a time limit, since it collapses on generic low-rank matrices), and prints the ratios to
the float time.

Where the upper bound was proven by p-adic lifting (the ``low`` kind), ``floor s`` is the time
of the one product that every digit of that lifting must do, the carry A21·Y_i of
:mod:`exactrank.linalg.padic` ((n − r) × r times r × (n − r), one float64 dgemm, timed here),
times the digits the run lifted (its method says p^digits). Each dgemm sum holds r products
of an entry of A (bits(max|A|)) by a digit below p, so it carries at most
53 − bits(max|A|) − log2(r) bits of the solution: the floor of this route is about
bits(d) / that many dgemms of this size, whatever else it saves.

    python benchmarks/bench_rank.py [--sizes 1024 2048 4096] [--kinds full low J-D]
                                    [--factor-range 512] [--flint-timeout 120]
                                    [--repeat 3]
"""

from __future__ import annotations

import argparse
import re

import numpy as np
from _common import blas_note, flint_rank_seconds, timed

import exactrank as er


def make_matrix(kind: str, n: int, factor_range: int, rng) -> np.ndarray:
    if kind == "full":
        return rng.integers(-100, 101, size=(n, n))
    if kind == "low":
        k = n // 8
        U = rng.integers(-factor_range, factor_range, size=(n, k))
        V = rng.integers(-factor_range, factor_range, size=(k, n))
        return U @ V  # entries <= k·f² ≪ 2**63: no wrap
    if kind == "big":
        k = 4 * n // 5
        U = rng.integers(-(2**26), 2**26, size=(n, k))
        V = rng.integers(-(2**26), 2**26, size=(k, n))
        return er.numbers.kernels.exact_matmul(U, V)[0]  # entries past 2**63: exact, as objects
    if kind == "J-D":
        A = np.ones((n, n), dtype=np.int64)
        idx = np.arange(n // 2)
        A[idx, idx] = 0
        return A
    raise ValueError(kind)


def carry_floor(A: np.ndarray, r: int, method: str, repeat: int) -> str:
    """Seconds of the lifting's carry products alone (module docstring), or '-' when the
    upper bound was not proven by p-adic lifting."""
    match = re.search(r"modulo (\d+)\^(\d+)", method)
    if match is None or "p-adic" not in method:
        return "-"
    k = A.shape[1] - r
    rng = np.random.default_rng(0)
    A21 = rng.standard_normal((A.shape[0] - r, r))
    Y = rng.standard_normal((r, k))
    seconds, _ = timed(np.matmul, A21, Y, repeat=max(2, repeat))
    return f"{seconds * int(match.group(2)):.2f}"


def flint_rank(A: np.ndarray, timeout: float) -> str:
    seconds = flint_rank_seconds(A, timeout)
    return f">{timeout:.0f}" if seconds is None else f"{seconds:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1024, 2048, 4096])
    parser.add_argument("--kinds", nargs="+", default=["full", "low", "J-D"])
    parser.add_argument("--factor-range", type=int, default=512)
    parser.add_argument("--flint-timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat", type=int, default=1, help="best of this many runs (cores shared: use 3)"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(blas_note())
    print(
        f"{'n':>5} {'kind':5} {'rank':>5} {'float s':>8} {'lower s':>8} {'ratio':>6} "
        f"{'exact s':>8} {'ratio':>6} {'floor s':>8} {'ratio':>6} {'fmpz s':>8}  "
        "method of the upper bound"
    )
    for n in args.sizes:
        for kind in args.kinds:
            A = make_matrix(kind, n, args.factor_range, rng)
            repeat = {"repeat": args.repeat}
            t_float, r_float = timed(np.linalg.matrix_rank, A.astype(np.float64), **repeat)
            t_lower, lower = timed(er.rank, A, prove="lower", seed=1, **repeat)
            t_exact, exact = timed(er.rank, A, seed=1, **repeat)
            assert exact.exact and lower.lower <= exact.rank, (lower, exact)
            fmpz = flint_rank(A, args.flint_timeout)
            floor = carry_floor(A, exact.rank, exact.method, args.repeat)
            floor_ratio = "-" if floor == "-" else f"{float(floor) / t_float:.2f}"
            note = "" if r_float == exact.rank else f" (float rank says {r_float})"
            print(
                f"{n:5d} {kind:5} {exact.rank:5d} {t_float:8.2f} {t_lower:8.2f} "
                f"{t_lower / t_float:6.2f} {t_exact:8.2f} {t_exact / t_float:6.2f} {floor:>8} "
                f"{floor_ratio:>6} {fmpz:>8}  "
                f"{exact.method.split('upper bound: ')[-1]}{note}",
                flush=True,
            )


if __name__ == "__main__":
    main()
