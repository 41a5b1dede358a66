"""Rank of n x n integer matrices: exactrank's BLAS path vs numpy (float SVD) vs FLINT nmod_mat.

    python benchmarks/bench_modular.py [--sizes 1024 2048 4096] [--repeat 1] [--no-flint]

For each n, two matrices: (a) full rank, random entries in [-1000, 1000]; (b) rank n/8, U @ V
with U n x n/8 and V n/8 x n, random entries in [-5, 5]. Timed:

* numpy   ``np.linalg.matrix_rank`` on the float64 matrix (conversion not timed);
* ours    ``rank_profile_mod_p(A, p)`` on the int64 matrix, reduction mod p included, with
          p the largest prime below ``FAST_PRIME_BOUND``;
* flint   ``flint.nmod_mat(np.mod(A, p).tolist(), p).rank()``, conversion included.

Also timed: one float64 n x n x n dgemm, the floor of any BLAS-based elimination. Each time
is the best of ``--repeat`` runs. The process first touches 2 GiB once: on some virtual
machines the first touch of fresh memory is slow, which would penalize whichever method
happens to run first.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import os
import sys
import time
from pathlib import Path

import flint
import numpy as np
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exactrank.linalg.modular import FAST_PRIME_BOUND, rank_profile_mod_p  # noqa: E402


def openblas_runtime() -> str | None:
    """Core type and thread count reported by the OpenBLAS that numpy loaded, if any."""
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "*openblas*"))
    if not libs:
        return None
    lib = ctypes.CDLL(libs[0])  # already loaded by numpy: the same instance
    for prefix, suffix in (("scipy_openblas_", "64_"), ("openblas_", "")):
        try:
            corename = getattr(lib, f"{prefix}get_corename{suffix}")
            threads = getattr(lib, f"{prefix}get_num_threads{suffix}")
        except AttributeError:
            continue
        corename.restype = ctypes.c_char_p
        return f"OpenBLAS runtime: core {corename().decode()}, {threads()} threads"
    return None


def blas_settings() -> str:
    """The BLAS library and its threading, as far as this environment can tell."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    lines = [f"numpy {np.__version__}, python-flint {flint.__version__}, cpus {os.cpu_count()}"]
    if threadpool_info is not None:
        for pool in threadpool_info():
            lines.append(
                f"{pool.get('internal_api')} {pool.get('version')} "
                f"threads={pool.get('num_threads')} arch={pool.get('architecture')}"
            )
    else:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        lines.append(
            f"BLAS: {blas.get('name')} {blas.get('version')} ({blas.get('openblas configuration')})"
        )
        lines.append(openblas_runtime() or "threadpoolctl not installed, OpenBLAS not found")
    env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}
    lines.append(f"environment: {env or 'no OPENBLAS_*/OMP_*/MKL_* variables set'}")
    lines.append(load_average())
    return "\n".join(lines)


def load_average() -> str:
    """Other processes on the machine distort every time below: say how busy it is."""
    return "load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def best_time(fn, repeat: int) -> tuple[float, object]:
    """Smallest wall time of ``repeat`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def matrices(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    r = max(1, n // 8)
    U = rng.integers(-5, 6, size=(n, r))
    V = rng.integers(-5, 6, size=(r, n))
    return {"full": rng.integers(-1000, 1001, size=(n, n)), f"rank n/8={r}": U @ V}


def flint_rank(A: np.ndarray, p: int) -> int:
    return flint.nmod_mat(np.mod(A, p).tolist(), p).rank()


def warm_up(p: int) -> None:
    """Touch 2 GiB once and run every method on a small matrix."""
    np.ones(1 << 28).sum()
    A = np.random.default_rng(0).integers(-9, 10, size=(256, 256))
    np.linalg.matrix_rank(A.astype(np.float64))
    rank_profile_mod_p(A, p)
    flint_rank(A, p)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1024, 2048, 4096])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    parser.add_argument("--no-flint", action="store_true", help="skip FLINT nmod_mat")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)

    p = int(sympy.prevprime(FAST_PRIME_BOUND))
    print(blas_settings())
    print(
        f"prime p = {p} (largest below FAST_PRIME_BOUND = 2**{FAST_PRIME_BOUND.bit_length() - 1})"
    )
    warm_up(p)
    rng = np.random.default_rng(args.seed)
    header = (
        f"{'n':>5} {'matrix':>14} {'rank':>5} {'dgemm s':>8} {'numpy s':>8} {'ours s':>7} "
        f"{'flint s':>8} {'ours/numpy':>10} {'ours/flint':>10}"
    )
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        X = np.random.default_rng(n).random((n, n))
        t_gemm, _ = best_time(lambda X=X: X @ X, args.repeat)
        for name, A in matrices(n, rng).items():
            F = A.astype(np.float64)
            t_np, rank_np = best_time(lambda F=F: np.linalg.matrix_rank(F), args.repeat)
            t_ours, profile = best_time(lambda A=A: rank_profile_mod_p(A, p), args.repeat)
            if args.no_flint:
                t_fl, rank_fl = float("nan"), profile.rank
            else:
                t_fl, rank_fl = best_time(lambda A=A: flint_rank(A, p), args.repeat)
            agree = "" if rank_np == profile.rank == rank_fl else f"  ranks differ: {rank_np=}"
            print(
                f"{n:>5} {name:>14} {profile.rank:>5} {t_gemm:>8.3f} {t_np:>8.3f} {t_ours:>7.3f} "
                f"{t_fl:>8.3f} {t_ours / t_np:>10.3f} {t_ours / t_fl:>10.3f}{agree}",
                flush=True,
            )
    print(load_average())


if __name__ == "__main__":
    main()
