"""Seed 001, §6, Figure 3: does a width lower bound of 1 mean a rank-1 shallow network?

Claim (the paper's reading of Figure 3): for the sampled relu RNNs whose width lower bound
⌈rank/(M·T)⌉ (Lemma A.1 read backwards) is 1, "there exist shallow networks of rank 1
realizing the same grid tensor". The bound is only a lower bound, so this is tested
exactly: for each sampled RNN (:mod:`exactrank.checks.figure_samples`: the experiments' own
sampler, fig3 M = 10, T = 6 and fig4 M = 6, T = 6 with shared cores; in quick mode the
fig4 sampler at M = 6, T = 4, whose counterexamples' certificates the stand-alone checker
verifies in a second, and Figure 3's own R = 1 samples) whose bound is 1 —
its odd-even rank proven <= M·T by an exact "eq" certificate —, rank-1 shallow relu
realizability of its grid is decided by :func:`exactrank.checks.realizability.relu_rank_one_shallow`
and, when it fails, proven by a :class:`~exactrank.checks.realizability.NotRankOne` witness whose
T + 1 entries are re-evaluated by the brute-force evaluator (:func:`exactrank.score`).

Verdict: REFUTED when some sample with bound 1 has no rank-1 shallow network (the
counterexamples are printed; with --certs each is saved as its rank certificate, the
premise rank <= M·T checked by ``exactrank verify``, with the witness entries and their
values under ``provenance.not_rank_one`` for recomputation from the certificate's model);
FAIL if the decision and the witness disagree. Measured: every R = 1 sample is rank-1
(proven for every TT-rank-1 relu RNN: ``figure3_rank1_corrected``), while R = 2 samples
with bound 1 are often not (fig4 sampler at M = 6, T = 6: seeds 0, 1, 3, at M = 6, T = 4:
seeds 0, 1, 2; fig3 in --full: seed 1, rank 33 <= 60).
"""

from __future__ import annotations

import functools

import exactrank as er
from exactrank.checks.figure_samples import figure_params, sampled_rnn
from exactrank.checks.realizability import not_rank_one_witness, relu_rank_one_shallow
from exactrank.checks.theorems import CheckResult, keep, refutation, run_script

NAME = "figure3_rank1_reading"
CLAIM = (
    "§6, Figure 3: a sampled relu RNN whose width lower bound ⌈rank/(MT)⌉ is 1 is realized "
    "by a rank-1 shallow relu network"
)
EXPECTED = "REFUTED"
SMALL = {"M": 6, "T": 4}  # the fig4 sampler at a size whose certificates check in a second
QUICK = [("fig4", 1, range(2), SMALL), ("fig4", 2, range(3), SMALL), ("fig3", 1, range(2), {})]
FULL = [("fig4", 1, range(10), {}), ("fig4", 2, range(30), {}), ("fig3", 1, range(6), {})]
FULL += [("fig4", 2, range(20), SMALL), ("fig3", 2, range(8), {})]
THEOREM = "seed 001, §6, Figure 3: a sample with width lower bound 1"


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, instances, counterexamples, broken = [], [], 0, {}, False
    examined = {}
    for figure, R, seeds, sizes in FULL if full else QUICK:
        params = figure_params(figure, **sizes)
        M, T = params["M"], params["T"]
        for seed in seeds:
            model, bound = sampled_rnn(figure, R, seed, **sizes)
            if bound != 1:
                continue  # a proven bound >= 2: outside the reading
            cert = er.certify(model, "odd-even", theorem=THEOREM)
            if cert["claim"]["r"] > M * T:
                continue  # the exact rank puts the bound above 1 after all
            instances += 1
            key = (figure, M, T, R)
            examined[key] = examined.get(key, 0) + 1
            grid = er.grid_tensor(model)
            witness, network = not_rank_one_witness(grid), relu_rank_one_shallow(grid)
            label = f"{figure} (M={M}, T={T}) R={R} seed {seed}: rank {cert['claim']['r']}"
            if (witness is None) == (network is None):
                broken = True
                details.append(f"{label}: the decision and the witness search DISAGREE")
                continue
            if witness is None:
                continue
            values = functools.cache(lambda x, model=model: er.score(model, list(x)))
            if not witness.holds(values):
                broken = True
                details.append(f"{label}: the witness does NOT hold when re-evaluated")
                continue
            counterexamples[key] = counterexamples.get(key, 0) + 1
            details.append(
                f"{label} <= M·T = {M * T} (bound 1), but no rank-1 shallow relu network "
                f"realizes its grid: {witness.describe(values)}"
            )
            cert["provenance"]["not_rank_one"] = {
                "kind": witness.kind,
                "entry": list(witness.entry),
                "others": [list(j) for j in witness.others],
                "values": {str(list(j)): str(values(j)) for j in (witness.entry, *witness.others)},
            }
            saved += keep(certs, f"{NAME}_{figure}_M{M}_T{T}_R{R}_seed{seed}.json", cert)
    summary = [
        f"{figure} sampler M={M} T={T} R={R}: {counterexamples.get(key, 0)} of {n} samples "
        f"with bound 1 are not rank-1"
        for key, n in examined.items()
        for figure, M, T, R in [key]
    ]
    details += summary
    figure, R, _, sizes = (FULL if full else QUICK)[-1]
    params = figure_params(figure, **sizes)
    return refutation(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        bool(counterexamples),
        broken,
        details,
        saved,
        largest=f"{figure}: M = {params['M']}, T = {params['T']}, R = {R}",
        quantity=f"{sum(counterexamples.values())} of {instances} samples with bound 1 are not "
        f"rank-1 ({'; '.join(line for line in summary if ': 0 of' not in line)})",
    )


if __name__ == "__main__":
    run_script(check)
