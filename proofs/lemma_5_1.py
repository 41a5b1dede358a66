"""Seed 001, Lemma 5.1: generalized RNNs are closed under linear combination.

Claim: "Given two generalized RNNs with grid tensors Γ_A, Γ_B and arbitrary ξ-nonlinearity,
there exists a generalized RNN with grid tensor Γ_C = a·Γ_A + b·Γ_B, for all a, b." The
construction's formulas are garbled in the extraction; exactrank reconstructs them as the
tensor-train addition (:func:`exactrank.constructions.direct_sum`): stacked C(t),
block-diagonal G(t), the last core scaled by a and b.

Instances: random pairs of RNNs for ξ ∈ {relu, product, sum}, M ∈ {2, 3}, T ∈ {1, …, 4}
(5 in full mode), L_t and R_t drawn per step in 1 … 3, integer weights in [−9, 9], and
rational a, b; the whole grid of the sum is compared exactly with a·Γ_A + b·Γ_B, and single
entries with the brute-force evaluator (eq. 16). A PASS is evidence for these instances.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.constructions import direct_sum
from exactrank.sampling import random_rnn

NAME = "lemma_5_1"
CLAIM = "the direct-sum RNN realizes a·Γ_A + b·Γ_B exactly, for every ξ"
EXPECTED = "PASS"


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(51), [], 0, 0
    for xi in ("relu", "product", "sum"):
        for M in (2, 3):
            for T in range(1, 6 if full else 5):
                A, B = random_rnn(xi, M, T, rng), random_rnn(xi, M, T, rng)
                a, b = (
                    Fraction(rng.randint(-7, 7), rng.randint(1, 5)),
                    Fraction(rng.randint(-7, 7), 3),
                )
                S = direct_sum(A, B, a, b)
                want = a * er.grid_tensor(A).to_fractions() + b * er.grid_tensor(B).to_fractions()
                ok = np.array_equal(er.grid_tensor(S).to_fractions(), want)
                sequence = [rng.randrange(M) for _ in range(T)]
                ok = ok and er.score(S, sequence) == a * er.score(A, sequence) + b * er.score(
                    B, sequence
                )
                instances += 1
                if not ok:
                    failures += 1
                    details.append(f"ξ={xi} M={M} T={T} a={a} b={b}: the grids differ")
    largest = f"ξ = sum, M = {M}, T = {T}"  # the loops end at the largest size
    quantity = f"{M**T} entries: the direct sum's grid = a·Γ_A + b·Γ_B"
    return outcome(
        NAME, CLAIM, EXPECTED, instances, failures, details, largest=largest, quantity=quantity
    )


if __name__ == "__main__":
    run_script(check)
