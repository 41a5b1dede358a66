"""Seed 000, Claim 2 for every N and all weights: a CP grid's matricizations have rank <= r_0.

Proof (exactrank.allsizes.cp, docs/all-sizes.md): induction over the modes along the shallow
network's own product pooling, p_γ ← p_γ · a^{k,γ}_{d_k}, with the invariant p_γ = u_γ v_γ
(u_γ: the product over the row modes seen so far, v_γ over the column modes); base case and
both inductive steps (mode to rows, mode to columns) are identities checked by sympy on
symbols, so they hold for all weights. Hence A = U diag(λ) V with r_0 inner terms for every
N and partition, and the factorization rule gives rank <= r_0.

Cross-checks: the factorization entry by entry with every weight a sympy symbol, for every
partition at small (M, N, r_0); and the exact rank (exactrank.rank, both bounds proven) of
the CP networks of proofs/seed000_claim_2.py with generic weights, for every partition at
every N up to the quick table's largest (N = 6).
"""

from __future__ import annotations

import sympy

import exactrank as er
from exactrank.allsizes import AllSizesError
from exactrank.allsizes.cp import prove_cp_bound, symbolic_factorization
from exactrank.checks.theorems import CheckResult, load, outcome, run_script
from exactrank.linalg.partitions import each_partition

NAME = "seed000_claim_2_all_sizes"
CLAIM = (
    "all sizes: every matricization of a CP grid with r_0 terms has rank <= r_0, for every N "
    "and all weights (seed 000; induction with sympy)"
)
EXPECTED = "PASS"
SYMBOLIC = [(2, 2, 2), (2, 3, 2), (3, 2, 2), (2, 3, 3)]  # (M, N, r_0): weights all symbols
QUICK = [(2, 3, 6), (3, 2, 5)]  # (M, r_0, largest N): exact ranks at N = 2 … largest
FULL = QUICK + [(2, 5, 8), (3, 4, 6)]
terms = None  # inner terms of the symbolic factorization (None: r_0); tests break it


def check(full: bool = False, certs=None) -> CheckResult:
    details, failures, instances = [], 0, 1
    try:
        step = prove_cp_bound()
        details.append(
            f"rank <= {step.rank} for every N, partition and weights: base 1 = 1·1, steps "
            f"p·a = (u·a)·v = u·(v·a) (sympy), so A = U diag(λ) V ({step.rule})"
        )
    except AllSizesError as exc:
        failures += 1
        details.append(f"no proof for all N: {exc}")
    for M, N, r0 in SYMBOLIC:
        for part in each_partition(N):
            instances += 1
            try:
                symbolic_factorization(M, N, r0, part.row_modes, terms)
            except AllSizesError as exc:
                failures += 1
                details.append(f"M={M} N={N} r_0={r0}: {exc}")
                break
    details.append(f"symbolic factorization checked at (M, N, r_0) in {SYMBOLIC}")
    build = load("seed000_claim_2").build_cp
    for M, r0, largest in FULL if full else QUICK:
        for N in range(2, largest + 1):
            grid = er.grid_tensor(build(M, N, r0, False, seed=N)).to_fractions()
            ranks = [er.rank(er.matricize(grid, part)).rank for part in each_partition(N)]
            instances += len(ranks)
            failures += sum(r > r0 for r in ranks)
            if max(ranks) > r0:
                details.append(f"M={M} N={N} r_0={r0}: exact rank {max(ranks)} > r_0")
        details.append(f"M={M} r_0={r0}: exact ranks <= r_0 for every partition, N = 2 … {largest}")
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest="all sizes (every N, every partition, all weights)",
        quantity=f"rank <= {sympy.Symbol('r_0')}",
    )


if __name__ == "__main__":
    run_script(check)
