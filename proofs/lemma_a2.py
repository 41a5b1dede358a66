"""Seed 001, Lemma A.2: the pairwise-similarity RNN and its odd-even rank.

Claim (reconstructed from the garbled extraction, 0-based modes): with ξ(x, y) = max(x, y, 0),
F = I, and the weights C = 1_(M,M) − I_(M,M), G = I_(M,R) (an M × 1 × R core) at the paper's
odd steps and C = 1_(M+1,M) − I_(M+1,M), G = [I_(M,R); b] ((M+1) × R × 1), b = [1 − min(M, R),
0, …, 0] at its even steps, the grid tensor is 0 on the sequences (i_1, i_1, …, i_{T/2},
i_{T/2}) with every i_k < min(M, R) and 1 elsewhere, so its odd-even matricization is the
all-ones matrix minus min(M, R)^{T/2} diagonal ones, of rank R^{T/2} + 1 if R < M and
M^{T/2} otherwise; in particular rank >= min(M, R)^{T/2}.

Instances: every (M, R, T) of the table below (M >= 2; for M = 1 the grid is the single
entry 0, of rank 0, not M^{T/2} = 1), with F = I and with a random invertible F (cores
C·F^(−T)); the grid is compared entry by entry with the statement, and the exact rank with
the count, each saved as a certificate. Then a rank >= K certificate at M = R = 2 for a T
whose grid cannot be built, from the principal K × K minor (evaluated lazily). In full mode
the table where the bound min(M, R)^{T/2} bites: M = R = 2, T = 4, 8, 12, 16 (exact ranks
4, 16, 64, 256 of whole grids) and T = 64 (rank ≥ 1024 from a lazily evaluated minor).

A PASS is exact evidence for these sizes only, not a proof for all M, R, T.
"""

from __future__ import annotations

import itertools
import random

import exactrank as er
from exactrank.checks.theorems import (
    CheckResult,
    keep,
    outcome,
    run_script,
    separation_table,
    unverified,
)
from exactrank.constructions import pairwise_similarity_rnn
from exactrank.sampling import random_invertible

NAME = "lemma_a2"
CLAIM = "odd-even rank of the Lemma A.2 grid = R^(T/2) + 1 if R < M, else M^(T/2)"
EXPECTED = "PASS"
QUICK = [(2, 1, 4), (2, 2, 4), (2, 3, 4), (3, 1, 4), (3, 2, 4), (3, 2, 6), (3, 3, 4), (4, 2, 4)]
LAZY = {False: (32, 64), True: (64, 1024)}  # (T, K): rank >= K from a lazily evaluated minor
FULL = QUICK + [(2, 2, 8), (3, 2, 8), (4, 3, 6), (4, 4, 6), (5, 2, 6), (2, 2, 12), (2, 2, 16)]


def expected_rank(M: int, R: int, T: int) -> int:
    return R ** (T // 2) + 1 if R < M else M ** (T // 2)


def paired_zero(M: int, R: int, sequence) -> int:
    pairs = zip(sequence[::2], sequence[1::2], strict=True)
    return 0 if all(a == b < min(M, R) for a, b in pairs) else 1


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, failures, rng, table = [], [], 0, random.Random(2), []
    for M, R, T in FULL if full else QUICK:
        for label, F in (("F = I", None), ("random F", random_invertible(M, rng))):
            model = pairwise_similarity_rnn(M, R, T, F=F)
            grid = er.grid_tensor(model).to_fractions()
            wrong = [
                s for s in itertools.product(range(M), repeat=T) if grid[s] != paired_zero(M, R, s)
            ]
            cert = er.certify(model, "odd-even", theorem="seed 001, Lemma A.2")
            got, problem = cert["claim"]["r"], unverified(cert)
            ok = not wrong and got == expected_rank(M, R, T) and problem is None
            failures += not ok
            details.append(
                f"M={M} R={R} T={T} {label}: rank {got}, lemma {expected_rank(M, R, T)}"
                + ("" if not wrong else f", grid differs at {wrong[0]}")
                + ("" if problem is None else f"; its certificate is NOT verified: {problem}")
            )
            saved += keep(certs, f"lemma_a2_M{M}_R{R}_T{T}_{label.split()[0]}.json", cert)
            if M == R == 2 and F is None:
                table.append((f"M = R = 2, T = {T}", got, "the exact rank of the whole grid"))
    T, K = LAZY[full]
    big = pairwise_similarity_rnn(2, 2, T)
    minor = list(range(K))
    try:
        cert = er.certify(big, "odd-even", claim="ge", rows=minor, cols=minor)
        problem = unverified(cert)
        if problem is not None:
            raise er.ExactRankError(f"the certificate is NOT verified: {problem}")
    except er.ExactRankError as exc:
        failures += 1
        quantity = f"rank >= {K} NOT certified"
        details.append(f"M=2 R=2 T={T}: no rank >= {K} certificate from the principal minor: {exc}")
    else:
        quantity = f"rank >= {K} (a lazily evaluated principal minor)"
        details.append(f"M=2 R=2 T={T}: {quantity} certified")
        saved += keep(certs, f"lemma_a2_M2_R2_T{T}_ge{K}.json", cert)
        table.append((f"M = R = 2, T = {T}", K, "a lazily evaluated principal minor"))
    quantity += f"; the lemma: rank = 2^{T // 2}"
    if full:
        lines, missed = separation_table("proven rank >= min(M,R)^(T/2)", table)
        details, failures = details + lines, failures + missed
    instances = 2 * len(FULL if full else QUICK) + 1
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=f"M = 2, R = 2, T = {T}",
        quantity=quantity,
    )


if __name__ == "__main__":
    run_script(check)
