"""Shared helpers of the benchmark scripts: timing and a note of the BLAS settings."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

_FLINT_CHILD = """
import sys, time, numpy as np, flint
A = np.load(sys.argv[1], allow_pickle=True)
Z = flint.fmpz_mat(A.tolist())
Z = Z.transpose() if sys.argv[2] == "T" else Z
best = None
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    r = Z.rank()
    seconds = time.perf_counter() - t
    best = seconds if best is None else min(best, seconds)
print(best, r)
"""


def flint_rank_seconds(A: np.ndarray, timeout: float, transpose=False, repeat=1) -> float | None:
    """Seconds of python-flint's ``fmpz_mat.rank`` on A (or Aᵀ), best of ``repeat``, in a
    child process stopped after ``timeout`` seconds (None then): it can take minutes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "A.npy"
        np.save(path, A, allow_pickle=A.dtype == object)
        args = [str(path), "T" if transpose else "A", str(repeat)]
        try:
            out = subprocess.run(
                [sys.executable, "-c", _FLINT_CHILD, *args],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=True,
            ).stdout.split()
        except subprocess.TimeoutExpired:
            return None
    return float(out[0])


def timed(fn, *args, repeat: int = 1, **kwargs):
    """(seconds, result): the best of ``repeat`` calls (the first may pay for page faults)."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best, result


def blas_note() -> str:
    """Which BLAS numpy runs on, with the OpenBLAS variables that change its kernels."""
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    try:
        from threadpoolctl import threadpool_info

        pools = "; ".join(
            f"{p.get('internal_api')} {p.get('version')} {p.get('architecture')} "
            f"threads={p.get('num_threads')}"
            for p in threadpool_info()
        )
    except ImportError:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        pools = f"{config.get('name')} {config.get('version')} (threadpoolctl not installed)"
    return f"numpy {np.__version__}; BLAS: {pools}; env: {env}; cores: {os.cpu_count()}"
