"""Seed 001, Theorem 5.2 corrected: width ≥ min(M, R)^{T/2} / (MT) for the Lemma A.2 grid.

Claim (the statement the paper's proof gives; ``theorem_5_2`` refutes the printed
MT·min(M, R)^{T/2}): the pairwise-similarity relu RNN of Lemma A.2, with ranks ≤ R, has a
grid tensor that a shallow relu network realizes only with width W ≥ K / (MT), where
K = min(M, R)^{T/2}. Proof: its odd-even rank is ≥ K (Lemma A.2; here certified), and a
width-W shallow relu network has odd-even rank ≤ W·T·M (Lemma A.1; checked on samples by
``lemma_a1``, whose proof the counting argument in its docstring makes precise).

Instances: for each (M, R, T) of the table, a certificate of odd-even rank ≥ K for the
Lemma A.2 network, from the whole grid for small T, giving the proven width bound
⌈K / (MT)⌉; at M = R = 2, T = 32 (a 2^32-entry grid; and T = 64 in full mode) a rank ≥ k
certificate from a principal k × k minor evaluated lazily (k = 512, 1024 in full mode),
giving width ≥ ⌈k / (MT)⌉; next to it the width K + 1 of the shallow network that does
realize the grid (``theorem_5_2``), so the least width lies between the two. In full mode
M = R = 2, T = 16, 18, 20 add the table where the proven bound bites: ⌈K/(MT)⌉ = 8, 15, 26,
from rank ≥ K certified on the whole grid. The bound
grows exponentially in T while the RNN's ranks stay ≤ R; a PASS proves the rank half for
the sizes listed and relies on Lemma A.1 for the rest.
"""

from __future__ import annotations

from fractions import Fraction

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
from exactrank.limits import whole_grid

NAME = "theorem_5_2_corrected"
CLAIM = "the Lemma A.2 grid needs shallow relu width >= min(M,R)^(T/2)/(MT) (Lemma A.1)"
EXPECTED = "PASS"
QUICK = [(2, 2, 4), (3, 2, 6), (3, 3, 6), (4, 2, 8), (2, 2, 32)]
FULL = QUICK + [(4, 4, 8), (2, 2, 16), (2, 2, 18), (2, 2, 20), (2, 2, 64)]
LAZY_MINOR = {False: 512, True: 1024}  # the minor certified when the grid cannot be built


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, failures, table = [], [], 0, []
    sizes = FULL if full else QUICK
    for M, R, T in sizes:
        K = claimed = min(M, R) ** (T // 2)
        model = pairwise_similarity_rnn(M, R, T)
        lazy = not whole_grid(M, T)
        if lazy:  # a principal k × k minor of the J − D matricization, k <= K
            K = min(K, LAZY_MINOR[full])
        minor = list(range(K)) if lazy else None
        try:
            cert = er.certify(
                model,
                "odd-even",
                claim="ge",
                r=K,
                rows=minor,
                cols=minor,
                theorem="seed 001, Theorem 5.2 (corrected): Lemma A.2 rank",
            )
            problem = unverified(cert)
            if problem is not None:
                raise er.ExactRankError(f"the certificate is NOT verified: {problem}")
        except er.ExactRankError as exc:
            failures += 1
            quantity = f"rank >= {K} NOT certified"
            details.append(f"M={M} R={R} T={T}: {quantity}: {exc}")
            continue
        saved += keep(certs, f"theorem_5_2_corrected_M{M}_R{R}_T{T}.json", cert)
        bound = -(-K // (M * T))
        quantity = (
            f"rank >= {K}{' (lazy minor)' if lazy else ''}: width >= {bound}; "
            f"min(M,R)^(T/2)/(MT) = {Fraction(claimed, M * T)}; width {claimed + 1} suffices"
        )
        details.append(f"M={M} R={R} T={T}: {quantity}")
        if M == R == 2 and claimed == K:
            table.append((f"M = R = 2, T = {T}", bound, f"rank >= {K} on the whole grid"))
    if full:
        lines, missed = separation_table("width >= ceil(rank / (MT)), M = R = 2", table)
        details, failures = details + lines, failures + missed
    largest = f"M = {M}, R = {R}, T = {T}"
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        len(sizes),
        failures,
        details,
        saved,
        largest=largest,
        quantity=quantity,
    )


if __name__ == "__main__":
    run_script(check)
