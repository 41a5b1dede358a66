"""Seed 001, Theorem 5.1 (universality) for relu, and Prop. A.5 for the product.

Claim: every tensor H of shape M × … × M is the grid tensor of a generalized RNN with
ξ(x, y) = max(x, y, 0) (Theorem 5.1, by summing one-hot RNNs: Lemma 5.2 + Lemma 5.1), and
of one with ξ(x, y) = xy (Prop. A.5), for an invertible F. The constructions used are
:func:`exactrank.constructions.universal_rnn` (relu: width nonzeros + 1; product: a CP
network with F^(−1) applied to each v); the ranks they need are recorded. Prop. A.5's
inverse-index form for a non-symmetric F (as written versus (F^(−1))_{i_t j_t}) is not yet
checked here.

Instances: random integer H in [−9, 9] for (M, T) ∈ {(2, 3), (2, 4), (3, 3)} ((3, 4) in full
mode), ξ ∈ {relu, product}, F = I and a random invertible rational F; the grid must equal
H exactly. A PASS is evidence for these sizes; the constructions work for any H.
"""

from __future__ import annotations

import random

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.constructions import universal_rnn
from exactrank.sampling import random_invertible

NAME = "theorem_5_1"
CLAIM = "every tensor H is the grid of a relu RNN (Thm 5.1) and of a product RNN (Prop A.5)"
EXPECTED = "PASS"
QUICK = [(2, 3), (2, 4), (3, 3)]
FULL = QUICK + [(3, 4)]


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(5), [], 0, 0
    for xi in ("relu", "product"):
        for M, T in FULL if full else QUICK:
            for F in (None, random_invertible(M, rng)):
                H = np.array([rng.randint(-9, 9) for _ in range(M**T)], dtype=object)
                H = H.reshape((M,) * T)
                model = universal_rnn(H, xi, F=F)
                ok = np.array_equal(er.grid_tensor(model).to_fractions(), H)
                instances += 1
                failures += not ok
                details.append(
                    f"ξ={xi} M={M} T={T} F={'I' if F is None else 'random'}: "
                    f"{'equal' if ok else 'DIFFERENT'}, ranks up to {max(model.ranks, default=1)}"
                )
    M, T = max(FULL if full else QUICK, key=lambda size: size[0] ** size[1])
    quantity = (
        f"random H, {M**T} entries: grid = H (relu, product); ranks up to "
        f"{max(model.ranks, default=1)}"
    )
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
