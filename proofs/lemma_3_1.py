"""Seed 001, Lemma 3.1 (and Prop. A.1): the RNN recursion with ξ = product is a tensor train.

Claim (eq. 8–9): with cores g^(t)_{r_{t−1} r_t} ∈ R^M, the score of an RNN with the product
ξ is Σ_{r_0, …, r_{T−2}} Π_t ⟨f_θ(x^(t)), g^(t)_{r_{t−1} r_t}⟩; here the core of step t is
g^(t)[j, m, k] = Σ_i G(t)[i, j, k]·C(t)[i, m] (C absorbed into G), and Prop. A.1 says the
same of the grid: replacing ⊗ξ with the ordinary outer product in eq. 21 gives the TT grid.

Instances: random RNNs with ξ = product, M ∈ {2, 3}, T ∈ {1, …, 4} (5 in full mode), L_t and
R_t per step in 1 … 3, rational weights and a random rational F. The TT sum of eq. 8 is
evaluated by plain loops over every (r_0, …, r_{T−2}) and compared exactly with the
recursion's grid (eq. 21) at every entry. A PASS is evidence for these instances.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.sampling import random_rnn

NAME = "lemma_3_1"
CLAIM = "for ξ = product the RNN score is the TT contraction of eq. 8 (Prop. A.1: its grid)"
EXPECTED = "PASS"


def tt_score(model, sequence) -> Fraction:
    """eq. 8 by brute force over the TT indices, with the cores of the RNN."""
    F = model.F
    ranks = (1, *model.ranks, 1)
    total = Fraction(0)
    for r in itertools.product(*(range(R) for R in ranks[1:-1])):
        r = (0, *r, 0)
        term = Fraction(1)
        for t, m in enumerate(sequence):
            G, C = model.G[t], model.C[t]
            core = [
                sum(G[i, r[t], r[t + 1]] * C[i, n] for i in range(G.shape[0]))
                for n in range(model.M)
            ]
            term *= sum(F[m, n] * core[n] for n in range(model.M))
        total += term
    return total


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(31), [], 0, 0
    for M in (2, 3):
        for T in range(1, 6 if full else 5):
            F = [
                [Fraction(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(M)]
                for _ in range(M)
            ]
            model = random_rnn("product", M, T, rng, den=3, F=F)
            grid = er.grid_tensor(model).to_fractions()
            wrong = [
                s for s in itertools.product(range(M), repeat=T) if grid[s] != tt_score(model, s)
            ]
            instances += 1
            if wrong:
                failures += 1
                details.append(f"M={M} T={T}: the grid differs from eq. 8 at {wrong[0]}")
    largest = f"M = {M}, T = {T}"  # the loops end at the largest size
    quantity = (
        f"{M**T} entries: {'every one' if not wrong else 'NOT every one'} = eq. 8 by brute force"
    )
    return outcome(
        NAME, CLAIM, EXPECTED, instances, failures, details, largest=largest, quantity=quantity
    )


if __name__ == "__main__":
    run_script(check)
