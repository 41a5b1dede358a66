"""Seed 001, Propositions A.2 and A.3: the grid-tensor formulas (eq. 20 and 21).

Claim: the grid tensor of a generalized shallow network is
Γ = Σ_r λ_r (F v_r^(1)) ⊗ξ … ⊗ξ (F v_r^(T)) (eq. 20, Prop. A.2), and that of a generalized
RNN is given by the recursion of eq. 21 over the prefixes (Prop. A.3): both must equal the
network run on each sequence of templates (eq. 14, eq. 16–18).

Instances: random shallow networks (width 1 … 3) and RNNs (L_t, R_t per step in 1 … 3) for
ξ ∈ {relu, product, sum}, M ∈ {2, 3}, T ∈ {1, …, 4} (5 in full mode), rational weights, F
identity or random; every entry of exactrank's structured grid is compared with the
brute-force evaluator. A PASS is evidence for these instances.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.sampling import random_rnn, random_shallow

NAME = "prop_a2_a3"
CLAIM = "eq. 20 (shallow) and eq. 21 (RNN) equal the networks run on every sequence"
EXPECTED = "PASS"


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(23), [], 0, 0
    for xi in ("relu", "product", "sum"):
        for M in (2, 3):
            for T in range(1, 6 if full else 5):
                F = None
                if rng.random() < 0.5:
                    F = [
                        [Fraction(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(M)]
                        for _ in range(M)
                    ]
                for model in (
                    random_shallow(xi, M, T, rng.randint(1, 3), rng, den=3, F=F),
                    random_rnn(xi, M, T, rng, den=3, F=F),
                ):
                    grid = er.grid_tensor(model).to_fractions()
                    sequences = itertools.product(range(M), repeat=T)
                    wrong = [s for s in sequences if grid[s] != er.score(model, s)]
                    instances += 1
                    if wrong:
                        failures += 1
                        details.append(f"{model!r}: differs from the network at {wrong[0]}")
    largest = f"ξ = sum, M = {M}, T = {T}"  # the loops end at the largest size
    quantity = f"{M**T} entries per network: eq. 20 / eq. 21 = the network run on each"
    return outcome(
        NAME, CLAIM, EXPECTED, instances, failures, details, largest=largest, quantity=quantity
    )


if __name__ == "__main__":
    run_script(check)
