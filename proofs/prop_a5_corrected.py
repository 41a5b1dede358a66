"""Seed 001, Proposition A.5 corrected: the inverse indexed (F^(−1))_{i_t j_t}.

Claim: for an invertible feature matrix F and any tensor H of shape M × … × M, the
coefficient tensor Ĥ_{i_1…i_T} = Σ_j H_{j_1…j_T}·(F^(−1))_{i_1 j_1}⋯(F^(−1))_{i_T j_T}
(:func:`exactrank.constructions.template_coefficients`) gives ⟨Ĥ, Φ(x^(i_1), …, x^(i_T))⟩
= H_{i_1…i_T}, so the product network of the CP decomposition of Ĥ
(:func:`exactrank.constructions.coefficient_network`), and its TT form by Prop. A.4 +
Lemma 5.1, realize H: universality for ξ(x, y) = xy (Theorem 5.1's statement). The printed
index order is ``prop_a5``.

Instances: random integer H in [−9, 9] for (M, T) ∈ {(2, 2), (2, 3), (3, 2), (3, 3)}
((2, 4), (3, 4) in full mode), each with a random non-symmetric invertible rational F, with
F + F^T and with F = I; the grids of the CP network and of its RNN form are compared with H
entry by entry. A PASS is exact evidence for these sizes; the identity F·F^(−1) = I behind
it holds for every size.
"""

from __future__ import annotations

import random

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.constructions import coefficient_network, shallow_as_rnn, template_coefficients
from exactrank.sampling import random_invertible

NAME = "prop_a5_corrected"
CLAIM = "Ĥ with (F^-1)_{i_t j_t} realizes every H on the templates (CP and TT forms)"
EXPECTED = "PASS"
QUICK = [(2, 2), (2, 3), (3, 2), (3, 3)]
FULL = QUICK + [(2, 4), (3, 4)]


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(56), [], 0, 0
    for M, T in FULL if full else QUICK:
        H = np.array([rng.randint(-9, 9) for _ in range(M**T)], dtype=object).reshape((M,) * T)
        F = np.array(random_invertible(M, rng), dtype=object)
        for label, G in (("random F", F), ("F + F^T", F + F.T), ("F = I", np.eye(M, dtype=int))):
            if er.rank(G).rank < M:
                continue
            shallow = coefficient_network(template_coefficients(H, G), G)
            rnn = shallow_as_rnn(shallow)
            sizes = {"CP": f"width {shallow.R}", "TT": f"ranks <= {max(rnn.ranks, default=1)}"}
            for form, model in (("CP", shallow), ("TT", rnn)):
                ok = np.array_equal(er.grid_tensor(model).to_fractions(), H)
                instances += 1
                failures += not ok
                details.append(
                    f"M={M} T={T} {label}, {form} ({sizes[form]}): "
                    + ("equals H" if ok else "DIFFERS from H")
                )
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest=f"M = {M}, T = {T}",  # the table ends at the largest size
        quantity=f"random H, {M**T} entries: grid = H, CP {sizes['CP']}, TT {sizes['TT']}",
    )


if __name__ == "__main__":
    run_script(check)
