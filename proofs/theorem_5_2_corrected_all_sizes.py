"""Seed 001, Theorem 5.2 (corrected) for every even T: a shallow relu network realizing the
Lemma A.2 grid has width W >= min(M, R)^{T/2} / (MT), and W >= rank / (TM/2 + 1).

Proof for every T = 2n (exactrank.allsizes.shallow_relu, docs/all-sizes.md): Lemma A.1 for
every n, rank <= W·(n·M + 1) <= W·T·M (the odd-even split of max(…, 0) checked by sympy, the
count of the running maximum's values solved by sympy's rsolve, the last inequality proven
by shifting to nonnegative variables); the Lemma A.2 rank for every n from its structural
proof (exactrank.allsizes, as in lemma_a2_all_sizes), whose difference with min(M, R)^n is
a constant >= 0. Hence W >= rank(A_n) / (n·M + 1) >= min(M, R)^n / (2nM) for every n.

Cross-checks: Lemma A.1's W·(n·M + 1) against exact ranks of random shallow relu networks;
for each (M, R) and T = 2, 4, … up to the quick table's largest, the exact rank of the
Lemma A.2 grid and the width min(M, R)^{T/2} + 1 of the shallow network that realizes it
(exactrank.constructions.pairwise_similarity_shallow, grids compared entry by entry), which
must be >= the proven bound.

With --certs each (M, R) saves the structural certificate of the Lemma A.2 rank formula the
bound rests on (claim kind "formula", as lemma_a2_all_sizes writes it). The width bound itself
is not a certificate claim: Lemma A.1 is a statement about every shallow network of width W,
proven by sympy on symbols, and the format holds one family of exact cores
(docs/all-sizes.md, "Certificates").
"""

from __future__ import annotations

import math
import random

import exactrank as er
from exactrank.allsizes import (
    AllSizesError,
    lemma_a2_family,
    make_certificate,
    n,
    prove_rank_formula,
    shallow_relu,
)
from exactrank.allsizes.shallow_relu import lemma_a1_bound, width_bound
from exactrank.certificates import verify_certificate
from exactrank.checks.theorems import CheckResult, keep, load, outcome, run_script
from exactrank.constructions import pairwise_similarity_rnn, pairwise_similarity_shallow
from exactrank.sampling import random_shallow

NAME = "theorem_5_2_corrected_all_sizes"
CLAIM = (
    "all sizes: a shallow relu network with the Lemma A.2 grid has width >= "
    "min(M,R)^(T/2)/(MT) (and >= rank/(TM/2 + 1)) for every even T (Lemma A.1 and A.2 proven "
    "for all T)"
)
EXPECTED = "PASS"
QUICK = [(2, 2), (3, 2), (3, 3), (4, 2)]
FULL = QUICK + [(4, 4), (5, 3)]
LEMMA_A1_SAMPLES = [(3, 4, 1), (3, 6, 1), (2, 6, 2), (4, 4, 2)]  # (M, T, W)
CROSS_CHECK_ENTRIES = 1 << 12
construction = pairwise_similarity_rnn  # tests replace it (or the family) by a broken one
family_of = lemma_a2_family  # the family proven for all T, from the cores' definitions


def check(full: bool = False, certs=None) -> CheckResult:
    details, failures, instances, saved = [], 0, 1, []
    try:
        a1 = lemma_a1_bound()
        details.append(f"Lemma A.1 for every T = 2n: rank <= {a1.rank} <= W·T·M ({a1.reason})")
    except AllSizesError as exc:
        details.append(f"Lemma A.1: no proof for all T: {exc}")
        return outcome(NAME, CLAIM, EXPECTED, instances, 1, details)
    rng = random.Random(5)
    for M, T, W in LEMMA_A1_SAMPLES:
        rank = er.certify(random_shallow("relu", M, T, W, rng), "odd-even")["claim"]["r"]
        bound = a1.rank.subs({shallow_relu.W: W, shallow_relu.M: M, n: T // 2})
        instances += 1
        failures += bool(rank > bound)
        details.append(f"Lemma A.1 sample M={M} T={T} W={W}: exact rank {rank} <= {bound}")
    paper = load("lemma_a2_all_sizes").paper_formula
    for M, R in FULL if full else QUICK:
        instances += 1
        try:
            family = family_of(M, R)
            proof = prove_rank_formula(family, paper(M, R))
            corrected, sharper = width_bound(proof.formula, M, R)
            if certs is not None:
                cert = make_certificate(family, str(paper(M, R)), "seed 001, Lemma A.2")
                failures += not verify_certificate(cert)
                name = f"theorem_5_2_corrected_all_sizes_lemma_a2_M{M}_R{R}.json"
                saved += keep(certs, name, cert)
        except AllSizesError as exc:
            failures += 1
            details.append(f"M={M} R={R}: no proof for all T: {exc}")
            continue
        wrong = _cross_check(family, M, R, proof.formula, sharper)
        instances += 1
        failures += bool(wrong)
        details.append(
            f"M={M} R={R}: for every T = 2n, W >= {corrected} and W >= {sharper}"
            + (
                f"; {wrong}"
                if wrong
                else f"; at T = 2 … {2 * _largest(M)} the "
                "construction is the family's network and the realizing width K + 1 is above it"
            )
        )
    details.append(
        "proven for every even T: Lemma A.1 for every width-W network, and the Lemma A.2 rank "
        "of the family built from the cores' definitions (lemma_a2_cores); checked at the T "
        "above only: that exactrank.constructions.pairwise_similarity_rnn is that family's "
        "network"
    )
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest="all sizes (every even T)",
        quantity="W >= min(M,R)^(T/2)/(MT)",
    )


def _largest(M: int) -> int:
    """The largest n with M^(2n) <= CROSS_CHECK_ENTRIES: the sizes _cross_check runs."""
    size = 0
    while M ** (2 * (size + 1)) <= CROSS_CHECK_ENTRIES:
        size += 1
    return size


def _cross_check(family, M: int, R: int, formula, sharper) -> str:
    """The construction against the family, its exact rank and the realizing shallow width
    at T = 2, 4, … (M^T bounded)."""
    for size in range(1, _largest(M) + 1):
        T = 2 * size
        model = construction(M, R, T)
        if not family.same_network(model, size):
            return f"T={T}: the construction's network is not the family's"
        rank = er.certify(model, "odd-even")["claim"]["r"]
        shallow = pairwise_similarity_shallow(M, R, T)
        same = (
            er.grid_tensor(shallow).to_fractions() == er.grid_tensor(model).to_fractions()
        ).all()
        bound = math.ceil(sharper.subs(n, size))
        if rank != formula.subs(n, size) or not same or bound > shallow.R:
            return (
                f"T={T}: rank {rank}, formula {formula.subs(n, size)}, width {shallow.R} vs {bound}"
            )
    return ""


if __name__ == "__main__":
    run_script(check)
