"""Certificates at scale: make them, check them with both checkers, and report sizes.

1. The Lemma A.2 network of seed 001 with M = 2, R = 2, T = 64 (a grid of 2^64 entries):
   a certificate of odd-even rank >= 1024 over QQ from a principal minor, made by
   ``certify`` and checked by ``exactrank verify`` (each under 10 s is the target); the
   stand-alone ``proofs/verify_certificate.py`` checks a rank >= 64 certificate of it; and
   the time of ``certify`` to find a rank >= 64 minor by itself (no rows/cols, target 10 s).
2. An explicit 2048 x 2048 matrix U·V of rank 256 (factors in [-2, 2]): the time of its
   exact rank next to the time to check a rank = 256 certificate whose upper bound is the
   factorization, and the certificate's size; then the same claim with the basis witness
   (every row's exact coefficients, found by exactrank) at a smaller n, whose coefficients
   are ratios of large minors.

    python benchmarks/bench_certificates.py [--T 64] [--K 1024] [--n 2048] [--basis-n 1024]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from _common import blas_note, timed

import exactrank as er
from exactrank.constructions import pairwise_similarity_rnn

ROOT = Path(__file__).resolve().parent.parent


def run(*argv) -> tuple[float, str]:
    seconds, proc = timed(subprocess.run, argv, capture_output=True, text=True)
    return seconds, (proc.stdout + proc.stderr).strip()


def lemma_a2(T: int, K: int, small: int, folder: Path) -> None:
    model = pairwise_similarity_rnn(2, 2, T)
    print(
        f"Lemma A.2, M = R = 2, T = {T}: grid of 2^{T} entries, odd-even matrix 2^{T // 2} square"
    )
    t_search, _ = timed(er.certify, model, "odd-even", claim="ge", r=64, seed=0)
    print(f"Lemma A.2 T = {T}: certify --claim ge --r 64 without rows/cols: {t_search:.2f} s")
    for size in (K, small):
        minor = list(range(size))
        t_make, cert = timed(er.certify, model, "odd-even", claim="ge", rows=minor, cols=minor)
        path = folder / f"lemma_a2_ge{size}.json"
        er.save_certificate(cert, path)
        print(f"  rank >= {size}: certify {t_make:.2f} s, {path.stat().st_size / 1e3:.0f} kB")
        t, out = run(sys.executable, "-m", "exactrank", "verify", str(path))
        print(f"    exactrank verify: {out} in {t:.2f} s (process start included)")
        if size == small:
            t, out = run(sys.executable, str(ROOT / "proofs" / "verify_certificate.py"), str(path))
            print(f"    stand-alone checker: {out} in {t:.2f} s")


def explicit(n: int, basis_n: int, folder: Path) -> None:
    rng = np.random.default_rng(0)
    for size, witness in ((n, "factorization"), (basis_n, "basis")):
        k = size // 8
        U, V = rng.integers(-2, 3, size=(size, k)), rng.integers(-2, 3, size=(k, size))
        A = U @ V
        t_float, _ = timed(np.linalg.matrix_rank, A.astype(np.float64))
        t_rank, result = timed(er.rank, A)
        factors = (U, V) if witness == "factorization" else None
        t_make, cert = timed(er.certify, A, ((0,), (1,)), factors=factors)
        path = folder / f"explicit_{size}_{witness}.json"
        er.save_certificate(cert, path)
        t_load, loaded = timed(er.load_certificate, path)
        t_check, verdict = timed(er.verify_certificate, loaded)
        print(
            f"explicit {size} x {size}, rank {result.rank} ({witness} witness): numpy rank "
            f"{t_float:.2f} s, exact rank {t_rank:.2f} s, certify {t_make:.2f} s, "
            f"{path.stat().st_size / 1e6:.1f} MB, load {t_load:.2f} s + check {t_check:.2f} s: "
            f"{'VERIFIED' if verdict else 'NOT VERIFIED ' + verdict.reason}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--T", type=int, default=64)
    parser.add_argument("--K", type=int, default=1024, help="minor size for exactrank verify")
    parser.add_argument("--small-K", type=int, default=64, help="minor size, stand-alone")
    parser.add_argument("--n", type=int, default=2048)
    parser.add_argument("--basis-n", type=int, default=1024)
    args = parser.parse_args()
    print(blas_note())
    with tempfile.TemporaryDirectory() as tmp:
        lemma_a2(args.T, args.K, args.small_K, Path(tmp))
        explicit(args.n, args.basis_n, Path(tmp))


if __name__ == "__main__":
    main()
