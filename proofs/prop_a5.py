"""Seed 001, Proposition A.5 as printed: the inverse indexed (F^(−1))_{j_t i_t}.

Claim (Prop. A.5, universality for ξ(x, y) = xy, reconstructed from the extraction): for an
invertible feature matrix F and any tensor H, the coefficient tensor
Ĥ_{i_1…i_T} = Σ_j H_{j_1…j_T}·(F^(−1))_{j_1 i_1}⋯(F^(−1))_{j_T i_T} gives a score
ℓ(X) = ⟨Ĥ, Φ(X)⟩ with ℓ(x^(i_1), …, x^(i_T)) = H_{i_1…i_T}, realized by the CP (and TT)
decomposition of Ĥ. With f(x^(m)) = row m of F (DESIGN.md, seed 001 eq. 19) the printed
index order amounts to using F^(−T) where F^(−1) is needed: it holds when F is symmetric and
fails in general. The corrected form, (F^(−1))_{i_t j_t}, is checked by ``prop_a5_corrected``.

Instances: (M, T) ∈ {(2, 2), (2, 3), (3, 2), (3, 3)}, random integer H in [−9, 9], a random
invertible F (rational, non-symmetric) and the symmetric F + F^T when invertible. The
network is :func:`exactrank.constructions.coefficient_network` of Ĥ, F. REFUTED when a
non-symmetric F gives a grid ≠ H while every symmetric F gives H; the counterexample is
printed, and with --certs saved as a rank ≥ 1 certificate of the RNN whose grid is
(as-written network) − (universal_rnn(H)): a nonzero grid entry, checkable by the
stand-alone checker (that universal_rnn(H) has grid H is the ``theorem_5_1`` check).
"""

from __future__ import annotations

import random

import numpy as np

import exactrank as er
from exactrank.checks.theorems import (
    CheckResult,
    difference_certificate,
    keep,
    refutation,
    run_script,
)
from exactrank.constructions import coefficient_network, template_coefficients, universal_rnn
from exactrank.sampling import random_invertible

NAME = "prop_a5"
CLAIM = "Ĥ with (F^-1)_{j_t i_t} (as printed) realizes every H on the templates"
EXPECTED = "REFUTED"
QUICK = [(2, 2), (2, 3), (3, 2), (3, 3)]


def as_printed(H, F) -> er.GeneralizedShallow:
    """The network of Prop. A.5 with the printed index order: F^(−T) in place of F^(−1)."""
    return coefficient_network(template_coefficients(H, np.asarray(F, dtype=object).T), F)


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, saved = random.Random(55), [], []
    refuted = symmetric_failures = instances = 0
    for M, T in QUICK:
        H = np.array([rng.randint(-9, 9) for _ in range(M**T)], dtype=object).reshape((M,) * T)
        F = np.array(random_invertible(M, rng), dtype=object)
        for label, G in (("random F", F), ("symmetric F + F^T", F + F.T)):
            if er.rank(G).rank < M:
                continue
            grid = er.grid_tensor(as_printed(H, G)).to_fractions()
            wrong = [i for i in np.ndindex(H.shape) if grid[i] != H[i]]
            instances += 1
            symmetric = np.array_equal(G, G.T)
            if not wrong:
                details.append(f"M={M} T={T} {label}: the grid equals H")
                continue
            symmetric_failures += symmetric
            refuted += not symmetric
            i = wrong[0]
            details.append(
                f"M={M} T={T} {label}: the grid differs from H at {len(wrong)} of {H.size} "
                f"entries, e.g. {list(i)}: {grid[i]} instead of {H[i]}"
            )
            if not symmetric and refuted == 1:
                F_text = [[str(x) for x in row] for row in G.tolist()]
                details.append(f"  counterexample F = {F_text}, H = {H.tolist()}")
            if certs is not None and not symmetric:
                theorem = "seed 001, Prop. A.5 as printed, minus universal_rnn(H)"
                H_network = universal_rnn(H, "product", F=G)
                cert = difference_certificate(as_printed(H, G), H_network, "ge", theorem)
                saved += keep(certs, f"prop_a5_counterexample_M{M}_T{T}.json", cert)
    M, T = max(QUICK, key=lambda size: size[0] ** size[1])
    return refutation(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        refuted,
        symmetric_failures,
        details,
        saved,
        largest=f"M = {M}, T = {T}",
        quantity=f"{refuted} of {instances} (H, F) give a grid that is not H (F not symmetric)",
    )


if __name__ == "__main__":
    run_script(check)
