"""Proven exact ranks of the Figure 3 and Figure 4 odd-even grid matrices, route by route.

Each matrix is one sample of the experiments' own code (:func:`~exactrank.experiments.
rnn_figures.sample_rnn`, the grid over QQ, the odd-even matricization, zero and repeated
lines removed as rank() does). For each it times, side by side in this one process (best of
``--repeat``): numpy's float ``matrix_rank``, exactrank's proven lower bound, exactrank's
proven exact rank (the route it chooses), python-flint's ``fmpz_mat.rank``, and the
upper-bound routes of :mod:`exactrank.linalg.upper_bound` forced one at a time on the same pivots,
each with fmpz_mat.rank's time over its own in parentheses
(small witness; p-adic, for entries below 2^62, so '-' on grids with larger ones;
multimodular/output-sensitive route 3; '-' where a route gives up; not run on matrices of
--large rows or more, where route 3 alone takes many minutes). It prints the ratios to
fmpz_mat.rank and their median over the matrices whose rank is below min(shape) (the others
need no upper bound), and over those of them with 10^4 entries or more (the smaller take
milliseconds, mostly overhead).

``fmpz_mat.rank`` runs in a child process stopped after --flint-timeout seconds ('>T' then,
and the ratios count T: they are lower bounds there). It also times ``fmpz_mat.rank`` on the
transpose (column ``fmpzT``; rank A = rank Aᵀ). At these sizes FLINT's rank is
``fmpz_mat_rref_mul`` (flint ``src/fmpz_mat/rank.c`` → ``rref.c`` → ``rref_mul.c``): a rank
modulo a small prime, the pivot system solved by the multimodular
``fmpz_mat_solve_multi_mod_den``, whose primes stop at the actual solution's size, and an exact
product check of the other rows: the output-sensitive route 3 of
:mod:`exactrank.linalg.upper_bound`, in C. Which way it runs only changes the system it solves
(the columns' dependencies or the rows'), so the last summary line prints fmpz_mat.rank's time
over min(fmpz, fmpzT): what a route that ends in FLINT's rank on the better orientation gains at
most, with no overhead of its own.

    python benchmarks/bench_grid_matrices.py [--figures fig4 fig3 fig3-M6] [--ranks 1 2 4 8]
                                             [--seeds 0] [--repeat 3] [--flint-timeout 120]

fig3 is Figure 3's default (M = 10, T = 6: 1000 × 1000, minutes per matrix for the exact
routes); fig3-M6 is Figure 3 at M = 6, T = 6; fig4 is Figure 4's default (M = 6, T = 6).
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics

import flint
import numpy as np
from _common import blas_note, flint_rank_seconds, timed

import exactrank as er
from exactrank.experiments.rnn_figures import EXPERIMENTS, sample_rnn
from exactrank.linalg import upper_bound as ub
from exactrank.linalg.matrices import distinct_nonzero, integer_matrix
from exactrank.linalg.modular import random_prime, rank_profile_mod_p
from exactrank.linalg.partitions import matricize, odd_even
from exactrank.models.grid import grid_tensor

FIGURES = {"fig3": ("fig3", {}), "fig3-M6": ("fig3", {"M": 6}), "fig4": ("fig4", {})}
ROUTES = {
    "witness": ub._small_witness,
    "p-adic": ub._schur_padic,
    "multimodular": ub._schur_multimodular,
}


def grid_matrix(figure: str, R: int, seed: int) -> np.ndarray:
    """One sample's odd-even matrix, as the experiment builds it, reduced as rank() does."""
    name, override = FIGURES[figure]
    params = {**next(e for e in EXPERIMENTS if e.name == name).defaults, **override}
    model = sample_rnn(params, R, np.random.default_rng(seed))
    matrix = matricize(grid_tensor(model, "QQ"), odd_even(params["T"]))
    return distinct_nonzero(integer_matrix(matrix, matrix.field)).matrix


def route_seconds(A: np.ndarray, repeat: int, t_fmpz: float) -> dict:
    """Each upper-bound route alone on the pivots of one rank profile, with fmpz_mat.rank's
    time over its own in parentheses ('-' if it gives up)."""
    profile = rank_profile_mod_p(A, random_prime(62, random.Random(1)))
    out = {}
    for name, route in ROUTES.items():
        seconds, proof = timed(
            route, A, profile.rows, profile.cols, random.Random(2), repeat=repeat
        )
        ok = proof is not None and proof.proven
        out[name] = f"{seconds:.3f} ({t_fmpz / seconds:.2f})" if ok else "-"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", nargs="+", default=["fig4", "fig3-M6"], choices=FIGURES)
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="samples per R")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--flint-timeout", type=float, default=120.0)
    parser.add_argument(
        "--large", type=int, default=500, help="rows from which routes are not forced"
    )
    args = parser.parse_args()
    print(blas_note())
    print(f"flint.ctx.threads = {flint.ctx.threads}")
    header = (
        f"{'matrix':18} {'shape':>10} {'rank':>5} {'float':>7} {'lower':>7} {'exact':>7} "
        f"{'fmpz':>7} {'fmpzT':>7} {'fmpz/exact':>10} "
        + " ".join(f"{name:>15}" for name in ROUTES)
        + "  route chosen"
    )
    print(header)
    ratios, large, ceiling = [], [], []
    for figure, R, seed in itertools.product(args.figures, args.ranks, args.seeds):
        A = grid_matrix(figure, R, seed)
        if A.size == 0:
            continue
        repeat = args.repeat if A.shape[0] < 500 else 1
        t_float, _ = timed(np.linalg.matrix_rank, A.astype(np.float64), repeat=repeat)
        t_lower, _ = timed(er.rank, A, prove="lower", seed=1, repeat=repeat)
        t_exact, exact = timed(er.rank, A, seed=1, repeat=repeat)
        limit = args.flint_timeout
        t_fmpz, t_fmpz_t = (
            flint_rank_seconds(A, limit, transpose, repeat) for transpose in (False, True)
        )
        shown = [f"{t:7.3f}" if t is not None else f">{limit:6.0f}" for t in (t_fmpz, t_fmpz_t)]
        t_fmpz, t_fmpz_t = (limit if t is None else t for t in (t_fmpz, t_fmpz_t))
        assert exact.exact, exact
        needs_upper = exact.rank < min(A.shape)  # else the lower bound settles it
        forced = needs_upper and A.shape[0] < args.large
        routes = route_seconds(A, repeat, t_fmpz) if forced else {}
        if needs_upper:
            ratios.append(t_fmpz / t_exact)
            ceiling.append(t_fmpz / min(t_fmpz, t_fmpz_t))
            if A.size >= 10**4:  # below, both are a few milliseconds of overhead
                large.append(t_fmpz / t_exact)
        chosen = exact.method.split("upper bound: ")[-1]
        print(
            f"{figure + ' R=' + str(R) + ' s' + str(seed):18} {str(A.shape):>10} {exact.rank:5d} "
            f"{t_float:7.3f} {t_lower:7.3f} {t_exact:7.3f} {shown[0]} {shown[1]} "
            f"{t_fmpz / t_exact:10.2f} "
            + " ".join(f"{routes.get(name, '-'):>15}" for name in ROUTES)
            + f"  {chosen[:90]}",
            flush=True,
        )
    for label, chosen in [("", ratios), (" of 10^4 entries or more", large)]:
        if chosen:
            print(
                f"fmpz_mat.rank time / exactrank exact time, over the {len(chosen)} matrices "
                f"that need an upper bound{label}: median {statistics.median(chosen):.2f}, min "
                f"{min(chosen):.2f} (>= 1: exactrank no slower; the target is >= 1 and median "
                ">= 3)"
            )
    if ceiling:
        print(
            f"fmpz_mat.rank time / min(fmpz, fmpzT), the same {len(ceiling)} matrices: median "
            f"{statistics.median(ceiling):.2f}, max {max(ceiling):.2f} (the most that the better "
            "orientation gives FLINT's own output-sensitive route)"
        )


if __name__ == "__main__":
    main()
