"""Seed 001, §6, Figure 3, corrected: which width-bound-1 RNNs are rank-1 shallow networks.

The reading "bound 1 means a rank-1 shallow network" is false (``figure3_rank1_reading``:
R = 2 samples with bound 1 whose grids no rank-1 network realizes). What holds, and is
checked here: *every relu RNN of TT-rank 1 (L_t = R_t = 1, Figure 3's R = 1 column) is
realized by a rank-1 shallow relu network*, built by
:func:`exactrank.checks.realizability.tt_rank_one_as_shallow` (proof by induction in its
docstring: positive homogeneity of max, and a negative state forgotten by max(·, 0)); its
odd-even rank is then at most 1 + ⌊T/2⌋(M − 1) <= M·T (``lemma_a1``'s (†)), so its width
bound is 1. For R >= 2 a bound of 1 decides nothing, and realizability is decided exactly
per grid.

Instances: the R = 1 samples of Figures 3 and 4 (:mod:`exactrank.checks.figure_samples`) and
random TT-rank-1 relu RNNs with small integer weights, zeros and both signs included
(:func:`exactrank.sampling.random_rnn`, M <= 3, T <= 5, a random invertible F on half).
PASS when for each the constructed network's grid equals the RNN's exactly (every entry)
and :func:`~exactrank.checks.realizability.relu_rank_one_shallow` decides the grid rank-1.
"""

from __future__ import annotations

import random

import exactrank as er
from exactrank.checks.figure_samples import figure_params, same_grid, sampled_rnn
from exactrank.checks.realizability import relu_rank_one_shallow, tt_rank_one_as_shallow
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.sampling import random_invertible, random_rnn

NAME = "figure3_rank1_corrected"
CLAIM = (
    "§6, Figure 3 corrected: every relu RNN of TT-rank 1 (bound 1) is a rank-1 shallow relu "
    "network; for R >= 2 a bound of 1 does not decide it"
)
EXPECTED = "PASS"
QUICK = {"fig3": range(2), "fig4": range(4), "random": 40}
FULL = {"fig3": range(10), "fig4": range(20), "random": 300}


def check(full: bool = False, certs=None) -> CheckResult:
    plan, rng = FULL if full else QUICK, random.Random(3)
    cases = [
        (f"{f} R=1 seed {s}", lambda f=f, s=s: sampled_rnn(f, 1, s)[0])
        for f in ("fig3", "fig4")
        for s in plan[f]
    ]
    for k in range(plan["random"]):
        M, T = rng.randint(1, 3), rng.randint(1, 5)
        F = random_invertible(M, rng) if k % 2 else None
        model = random_rnn("relu", M, T, rng, L=(1, 1), R=(1, 1), high=3, F=F)
        cases.append((f"random M={M} T={T} #{k}", lambda model=model: model))
    details, failures = [], 0
    for label, make in cases:
        model = make()
        grid, shallow = er.grid_tensor(model), tt_rank_one_as_shallow(model)
        if not same_grid(grid, er.grid_tensor(shallow)):
            failures += 1
            details.append(f"{label}: the rank-1 shallow network has ANOTHER grid")
        elif relu_rank_one_shallow(grid) is None:
            failures += 1
            details.append(f"{label}: the decision procedure says NOT rank-1")
    params = figure_params("fig3")
    agree = f"{len(cases) - failures} of {len(cases)}"
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        len(cases),
        failures,
        details,
        largest=f"fig3: M = {params['M']}, T = {params['T']}, R = 1",
        quantity=f"{agree} TT-rank-1 RNNs have the grid of the constructed rank-1 network",
    )


if __name__ == "__main__":
    run_script(check)
