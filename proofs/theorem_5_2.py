"""Seed 001, Theorem 5.2 (Expressivity 1), as printed, against exact computation.

Claim as extracted: "For every value of R there exists a generalized RNN with ranks ≤ R and
rectifier nonlinearity which is exponentially more efficient than shallow networks, i.e., the
corresponding grid tensor may be realized only by a shallow network with rectifier
nonlinearity of width at least MT·min(M, R)^{T/2}." The proof combines Lemma A.2 (odd-even
rank ≥ min(M, R)^{T/2}) with Lemma A.1 (a width-W shallow relu network has odd-even rank
≤ W·T·M), which gives width ≥ min(M, R)^{T/2} / (MT): the extraction (or the paper) turned
a division into a product; another published copy reads (2/(MT))·min(M, R)^{T/2}.

Instances: for each (M, R, T) of the table, the shallow relu network of width
K + 1 = min(M, R)^{T/2} + 1 of :func:`exactrank.constructions.pairwise_similarity_shallow`
realizes the Lemma A.2 RNN's grid exactly (compared entry by entry), while K + 1 < MT·K:
the printed statement is REFUTED by each such instance. With --certs each counterexample is
saved as a rank ≤ 0 certificate of the RNN (Lemma A.2 RNN) − (the shallow network as an RNN,
Prop. A.4 + Lemma 5.1), whose first K + 1 state components are the shallow network's terms:
the stand-alone checker evaluates its whole grid and finds it zero; and as a certificate of
the shallow network's odd-even rank. The corrected statement, width ≥ rank / (MT) by Lemma A.1, is
checked on the same networks: rank ≤ width·T·M. This proves the refutation for the listed
sizes (one counterexample suffices); the corrected bound is only evidence.
"""

from __future__ import annotations

import numpy as np

import exactrank as er
from exactrank.checks.theorems import (
    CheckResult,
    difference_certificate,
    keep,
    refutation,
    run_script,
)
from exactrank.constructions import pairwise_similarity_rnn, pairwise_similarity_shallow

NAME = "theorem_5_2"
CLAIM = "a shallow relu network realizing the Lemma A.2 grid has width >= MT·min(M,R)^(T/2)"
EXPECTED = "REFUTED"
QUICK = [(2, 2, 2), (2, 2, 4), (3, 2, 4), (3, 3, 4), (2, 2, 6)]
FULL = QUICK + [(3, 2, 6), (4, 2, 6), (2, 2, 8)]


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, refuted, broken = [], [], 0, 0
    for M, R, T in FULL if full else QUICK:
        rnn, shallow = pairwise_similarity_rnn(M, R, T), pairwise_similarity_shallow(M, R, T)
        same = np.array_equal(
            er.grid_tensor(rnn).to_fractions(), er.grid_tensor(shallow).to_fractions()
        )
        cert = er.certify(shallow, "odd-even", theorem="seed 001, Theorem 5.2 (counterexample)")
        rank, width, printed = cert["claim"]["r"], shallow.R, M * T * min(M, R) ** (T // 2)
        lemma_a1 = rank <= width * T * M
        if not (same and lemma_a1):
            broken += 1
        elif width < printed:
            refuted += 1
        details.append(
            f"M={M} R={R} T={T}: shallow width {width} realizes the grid "
            f"({'yes' if same else 'NO'}), printed bound {printed}, "
            f"odd-even rank {rank} <= width·T·M = {width * T * M}"
            f" ({'yes' if lemma_a1 else 'NO'})"
        )
        if certs is not None:
            theorem = "seed 001, Theorem 5.2: the Lemma A.2 RNN minus a narrow shallow network"
            zero = difference_certificate(rnn, shallow, "le", theorem)
            saved += keep(certs, f"theorem_5_2_same_grid_M{M}_R{R}_T{T}.json", zero)
            saved += keep(certs, f"theorem_5_2_rank_M{M}_R{R}_T{T}.json", cert)
    instances = len(FULL if full else QUICK)
    return refutation(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        refuted,
        broken,
        details,
        saved,
        largest=f"M = {M}, R = {R}, T = {T}",  # the table ends at the largest size
        quantity=f"width {width} realizes the grid; printed bound MT·min(M,R)^(T/2) = {printed}",
    )


if __name__ == "__main__":
    run_script(check)
