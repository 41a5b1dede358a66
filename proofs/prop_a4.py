"""Seed 001, Proposition A.4 (with Lemma 5.1): shallow networks as RNNs.

Claim: "For any associative and commutative binary operator ξ, an arbitrary generalized
rank 1 shallow network with ξ-nonlinearity can be represented in a form of generalized RNN
with unit ranks (R_1 = … = R_{T−1} = 1) and ξ-nonlinearity", with C(t) = (v^(t))^T, G(t) = 1
for t < T and G(T) = λ, the state starting at the unit of ξ. With Lemma 5.1 a width-R
shallow network is an RNN with ranks R (:func:`exactrank.constructions.shallow_as_rnn`).

Instances: random rank-1 and width-R shallow networks (R ≤ 3) for ξ ∈ {relu, product,
sum}, M ∈ {2, 3}, T ∈ {1, …, 4}, rational weights, F = I and a random rational F; the
RNN's grid must equal the shallow network's (eq. 20) exactly, and the rank-1 RNN must have
all ranks 1. A PASS is evidence for these instances.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.constructions import shallow_as_rnn

NAME = "prop_a4"
CLAIM = "a width-R generalized shallow network is an RNN with ranks R (ranks 1 for R = 1)"
EXPECTED = "PASS"


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(44), [], 0, 0
    number = lambda: Fraction(rng.randint(-9, 9), rng.randint(1, 4))  # noqa: E731
    for xi in ("relu", "product", "sum"):
        for M in (2, 3):
            for T in range(1, 6 if full else 5):
                for R in (1, 2, 3):
                    lam = [number() for _ in range(R)]
                    V = np.array([number() for _ in range(R * T * M)], dtype=object).reshape(
                        R, T, M
                    )
                    F = (
                        None
                        if rng.random() < 0.5
                        else [[number() for _ in range(M)] for _ in range(M)]
                    )
                    shallow = er.GeneralizedShallow(xi, lam, V, F=F)
                    rnn = shallow_as_rnn(shallow)
                    ok = np.array_equal(
                        er.grid_tensor(rnn).to_fractions(), er.grid_tensor(shallow).to_fractions()
                    )
                    ok = ok and all(r == R for r in rnn.ranks)
                    instances += 1
                    if not ok:
                        failures += 1
                        details.append(f"ξ={xi} M={M} T={T} R={R}: the grids differ")
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest=f"ξ = sum, M = {M}, T = {T}, R = {R}",  # the loops end at the largest size
        quantity=f"{M**T} entries: the RNN's grid = the shallow network's, ranks {R}",
    )


if __name__ == "__main__":
    run_script(check)
