"""Seed 001, Theorem 5.3 (Expressivity 2): an open set of relu RNNs that are rank-1 shallow.

Claim: "For every value of R there exists an open set […] of generalized RNNs with rectifier
nonlinearity ξ(x, y) = max(x, y, 0), such that for each RNN in this open set the
corresponding grid tensor can be realized by a rank 1 shallow network with rectifier
nonlinearity." The base RNN (:func:`exactrank.constructions.perturbation_base_rnn`) has the
constant grid 2(MR)^{T−1}; under a small perturbation ε of C, G and F every state dominates
every input, max(a_i, h_j) = h_j, so the grid depends on the first input only, through a
positive g(x_1), and λ = 1, v^(1) = F_ε^(−1)·g, v^(t) = 0 for t > 1 realizes it (the paper's
weights; max(g, 0, …, 0) = g).

Instances: the base grid for (M, R, T) ∈ {(2, 1, 3), (2, 2, 3), (3, 2, 3), (2, 3, 4)}; then for
each, exact rational perturbations of every entry of C, G and F, drawn from [−1/100, 1/100]
(five per size; ten in full mode), for which the rank-1 shallow network with the paper's
weights must reproduce the perturbed grid exactly. This samples the open set at rational
points; certifying a whole box by interval arithmetic, as the issue asks, is not done yet.
"""

from __future__ import annotations

import random
import sys
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.constructions import exact_inverse, perturbation_base_rnn
from exactrank.theorems import CheckResult, outcome, script_main

NAME = "theorem_5_3"
CLAIM = "the base RNN's grid is 2(MR)^(T-1); small perturbations stay rank-1 shallow realizable"
EXPECTED = "PASS"
SIZES = [(2, 1, 3), (2, 2, 3), (3, 2, 3), (2, 3, 4)]


def _perturbed(A: np.ndarray, rng: random.Random) -> np.ndarray:
    noise = [Fraction(rng.randint(-100, 100), 10**4) for _ in range(A.size)]
    return A + np.array(noise, dtype=object).reshape(A.shape)


def rank_one_shallow(model: er.GeneralizedRNN) -> er.GeneralizedShallow:
    """The paper's rank-1 shallow network for a perturbed RNN: g on the first input only."""
    M, T = model.M, model.T
    g = [er.score(model, [m] + [0] * (T - 1)) for m in range(M)]  # the grid's first-mode profile
    v1 = exact_inverse(model.F) @ np.array(g, dtype=object)  # ⟨F[m], v1⟩ = g[m]
    V = np.array([[list(v1)] + [[0] * M] * (T - 1)], dtype=object)
    return er.GeneralizedShallow("relu", [1], V, F=model.F)


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(53), [], 0, 0
    for M, R, T in SIZES:
        base = perturbation_base_rnn(M, R, T)
        grid = er.grid_tensor(base).to_fractions()
        instances += 1
        if not np.all(grid == 2 * (M * R) ** (T - 1)):
            failures += 1
            details.append(f"M={M} R={R} T={T}: the base grid is not 2(MR)^(T-1)")
        for _ in range(10 if full else 5):
            F = _perturbed(np.eye(M, dtype=object), rng)
            C = [_perturbed(np.array(c, dtype=object), rng) for c in base.C]
            G = [_perturbed(np.array(g, dtype=object), rng) for g in base.G]
            model = er.GeneralizedRNN("relu", C, G, F=F)
            shallow = rank_one_shallow(model)
            same = np.array_equal(
                er.grid_tensor(model).to_fractions(), er.grid_tensor(shallow).to_fractions()
            )
            instances += 1
            if not same:
                failures += 1
                details.append(f"M={M} R={R} T={T}: a perturbation is not rank-1 realizable")
    return outcome(NAME, CLAIM, EXPECTED, instances, failures, details)


def main(argv=None) -> int:
    return script_main(check, argv)


if __name__ == "__main__":
    sys.exit(main())
