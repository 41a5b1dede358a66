"""Shared helpers of the benchmark scripts: timing and a note of the BLAS settings."""

from __future__ import annotations

import math
import os
import time

import numpy as np


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
