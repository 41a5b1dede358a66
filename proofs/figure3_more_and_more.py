"""Seed 001, §6, the closing sentence on Figure 3: more and more samples need wide networks.

Claim: as R grows, "more and more" of the sampled relu RNNs need shallow networks of
exponentially higher rank (width), read on Figure 3's histograms of the width lower bound
⌈rank/(M·T)⌉ (Lemma A.1 read backwards). Checked on the experiment's own samples
(:mod:`exactrank.checks.figure_samples`, fig3: M = 10, T = 6, R = 1, 2, 4, 8): for each threshold
b = 2, 4, 8, the fraction of samples with bound >= b (from the rank modulo a random prime, a
proven lower bound: the fractions are proven lower bounds too).

PASS when, for every b, the fraction at the largest R is positive and at least the fraction
at every smaller R, and no R = 1 sample has bound >= 2 (a TT-rank-1 relu RNN is a rank-1
shallow network, ``figure3_rank1_corrected``, whose odd-even rank is at most
1 + ⌊T/2⌋(M − 1) <= M·T: ``lemma_a1``'s (†)). The fractions are reported per R and b.
A PASS shows the trend on these samples (2 per R in quick mode, 8 in --full), not a rate.
"""

from __future__ import annotations

from exactrank.checks.figure_samples import figure_params, width_bound
from exactrank.checks.theorems import CheckResult, outcome, run_script

NAME = "figure3_more_and_more"
CLAIM = "§6, closing: as R grows, more and more sampled relu RNNs have width lower bound >= 2, 4, 8"
EXPECTED = "PASS"
RANKS = (1, 2, 4, 8)
THRESHOLDS = (2, 4, 8)


def check(full: bool = False, certs=None) -> CheckResult:
    samples = 8 if full else 2
    bounds = {R: [width_bound("fig3", R, 100 * R + s) for s in range(samples)] for R in RANKS}
    fractions = {
        b: {R: sum(x >= b for x in values) / samples for R, values in bounds.items()}
        for b in THRESHOLDS
    }
    details, failures = [], 0
    for R, values in bounds.items():
        shown = ", ".join(f">= {b}: {fractions[b][R]:.2f}" for b in THRESHOLDS)
        details.append(f"R={R}: width lower bounds {sorted(values)}; fractions {shown}")
    top = RANKS[-1]
    for b in THRESHOLDS:
        fraction = fractions[b]
        if fraction[top] == 0 or any(fraction[R] > fraction[top] for R in RANKS):
            failures += 1
            details.append(f"bound >= {b}: the fraction does NOT grow to R = {top}")
    if fractions[2][RANKS[0]] > 0:
        failures += 1
        details.append("an R = 1 sample has bound >= 2, which (†) of lemma_a1 rules out")
    params = figure_params("fig3")
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        samples * len(RANKS),
        failures,
        details,
        largest=f"fig3: M = {params['M']}, T = {params['T']}, R = {top}",
        quantity=", ".join(f"bound >= {b}: {fractions[b][top]:.2f}" for b in THRESHOLDS)
        + f" of the R = {top} samples (R = 1: none >= 2)",
    )


if __name__ == "__main__":
    run_script(check)
