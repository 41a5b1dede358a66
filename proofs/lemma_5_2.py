"""Seed 001, Lemma 5.2: every one-hot tensor is the grid of a relu RNN.

Claim: "Let E^(j_1 … j_T) be an arbitrary one-hot tensor […] Then there exists a generalized
RNN with rectifier nonlinearities such that its grid tensor satisfies Γ(X) = E." The paper
defers to Cohen & Shashua (2016, Claim 4) and Prop. A.4 + Lemma 5.1; the construction used
is :func:`exactrank.constructions.one_hot_rnn` (width-2 shallow network 1 − (1 − E), then
an RNN with ranks 2).

Instances: every one-hot tensor for (M, T) ∈ {(2, 1), (2, 2), (2, 3), (3, 2)} (and (3, 3),
(2, 4) in full mode), with F = I and with a random invertible rational F; each grid is
compared with E exactly. For these sizes the check is exhaustive over the index j.
"""

from __future__ import annotations

import itertools
import random

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.constructions import one_hot_rnn
from exactrank.sampling import random_invertible

NAME = "lemma_5_2"
CLAIM = "every one-hot tensor E^(j) is the grid tensor of a relu RNN (ranks 2)"
EXPECTED = "PASS"
QUICK = [(2, 1), (2, 2), (2, 3), (3, 2)]
FULL = QUICK + [(3, 3), (2, 4)]


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(52), [], 0, 0
    for M, T in FULL if full else QUICK:
        for F in (None, random_invertible(M, rng)):
            for j in itertools.product(range(M), repeat=T):
                model = one_hot_rnn(j, M, F=F)
                E = np.zeros((M,) * T, dtype=object)
                E[j] = 1
                instances += 1
                if not np.array_equal(er.grid_tensor(model).to_fractions(), E):
                    failures += 1
                    details.append(f"M={M} T={T} j={j} F={'I' if F is None else F}: grid != E")
    M, T = max(FULL if full else QUICK, key=lambda size: size[0] ** size[1])
    quantity = f"all {M**T} one-hot E^(j), F = I and random: grid = E^(j), ranks 2"
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest=f"M = {M}, T = {T}",
        quantity=quantity,
    )


if __name__ == "__main__":
    run_script(check)
