"""Seed 001, Lemma 5.2 for every T: every one-hot tensor is the grid of a relu RNN of rank 2.

Proof for all T >= 2 and every index j ∈ [M]^T (exactrank.allsizes, docs/all-sizes.md), for
each M of the table: the RNN of exactrank.constructions.one_hot_rnn (a width-2 shallow
network 1 − (1 − E^(j)) as an RNN), with its cores built from their definitions
(exactrank.allsizes.families.one_hot_cores), is a family with a first step, n = T − 2
inner steps and a last step, each chosen by the letter j_t. Its reachable hidden states are
(0, 1) ("every input so far matched j") and (1, 1) ("one did not"), closed under one more
step for every letter and input. The identity is proven by induction with the terms "e"
(e_ℓ ⊗ …) and "1" (1 ⊗ …): S^(0,1) = e ⊗ … ⊗ e and S^(1,1) = 1 ⊗ … − e ⊗ … . The last
step outputs e_ℓ from (0, 1) and 0 from (1, 1), so Post_1 = 0 and the grid is

    Γ = e_{j_0} ⊗ e_{j_1} ⊗ … ⊗ e_{j_{T−1}} = E^(j)

for every word, checked factor by factor for every letter; every core has at most 2 hidden
units. T = 1 is the single step e_ℓ, checked directly.

Proven for every T >= 2: the statement for the family built from the cores' definitions.
Checked, not proven beyond the sizes checked: that one_hot_rnn(j, M) is that family's network
for the word j (core by core) and that its grid is E^(j), for every j at each T up to the
quick table's largest. With --certs each M saves a structural certificate (claim kind
"formula", relation "grid": the grid is e_(j_0) ⊗ … ⊗ e_(j_(T−1)) for every T >= 2 and j, the
hidden sizes at most 2) that `exactrank verify` re-checks.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.allsizes import AllSizesError, make_grid_certificate, one_hot_family, prove_identity
from exactrank.certificates import verify_certificate
from exactrank.checks.theorems import CheckResult, keep, outcome, run_script
from exactrank.constructions import one_hot_rnn

NAME = "lemma_5_2_all_sizes"
CLAIM = (
    "all sizes: every one-hot tensor E^(j) is the grid of a relu RNN with ranks 2, for every "
    "T (proof by induction over the steps)"
)
EXPECTED = "PASS"
QUICK = [2, 3, 4]
FULL = QUICK + [5, 6, 8]
CROSS_CHECK = {2: 4, 3: 3, 4: 2}  # M: the largest T cross-checked (every index j)
construction = one_hot_rnn  # tests replace it (or the family) by a broken one
family_of = one_hot_family  # the family proven for all T, from the cores' definitions


def prove_one_hot(M: int) -> str:
    """Raise AllSizesError unless the family's grid is E^(j) for every T >= 2 and j."""
    family = family_of(M)
    identity = prove_identity(family)
    e = {k: t.name for k, t in enumerate(identity.terms)}
    for letter in range(M):
        unit = tuple((Fraction(int(m == letter)),) for m in range(M))
        match, other = (k for k in e if e[k] == "e"), (k for k in e if e[k] == "1")
        k, j = next(match), next(other)
        factors = (identity.terms[k].pre[letter], identity.terms[k].base[letter])
        if factors != (unit, unit) or identity.post[k][letter] != unit:
            raise AllSizesError(f"letter {letter}: the matched term is not e_ℓ ⊗ e_ℓ ⊗ … ⊗ e_ℓ")
        if any(v != 0 for row in identity.post[j][letter] for v in row):
            raise AllSizesError(f"letter {letter}: the unmatched inputs do not score 0")
    widths = {g.shape[2] for part in (family.first, family.block) for s in part for _, g in s}
    if max(widths) > 2 or max(len(s) for s in identity.states) > 2:
        raise AllSizesError(f"hidden states of size {max(widths)}, more than 2")
    shown = ", ".join("(" + ", ".join(map(str, s)) + ")" for s in identity.states)
    return f"reachable states {shown}, closed; Γ = E^(j) for every T >= 2 and j"


def grid_certificate(M: int) -> dict:
    """The structural certificate of Γ = e_(j_0) ⊗ … ⊗ e_(j_(T−1)) for every T >= 2 and j,
    with hidden sizes at most 2 (raises AllSizesError when it does not verify)."""
    e = [[[int(m == ell)] for m in range(M)] for ell in range(M)]  # e_ℓ as M × 1, per ℓ
    grid = [{"name": "e", "pre": e, "base": e, "post": e}]
    return make_grid_certificate(family_of(M), grid, 2, "seed 001, Lemma 5.2")


def check(full: bool = False, certs=None) -> CheckResult:
    details, failures, instances, saved = [], 0, 0, []
    for M in FULL if full else QUICK:
        instances += 1
        family = family_of(M)  # built once per M, for the cross-checks below
        try:
            details.append(f"M={M}: {prove_one_hot(M)}")
            if certs is not None:
                cert = grid_certificate(M)
                failures += not verify_certificate(cert)
                saved += keep(certs, f"lemma_5_2_all_sizes_M{M}.json", cert)
        except AllSizesError as exc:
            failures += 1
            details.append(f"M={M}: no proof for all T: {exc}")
            continue
        for T in range(1, CROSS_CHECK.get(M, 1) + 1):
            words = itertools.product(range(M), repeat=T)
            wrong = [j for j in words if not _realizes(j, M, family)]
            instances += M**T
            failures += len(wrong)
            if wrong:
                details.append(f"M={M} T={T}: the grid differs from E^(j) at j = {wrong[0]}")
        details.append(
            f"M={M}: one_hot_rnn(j, M) is the family's network for the word j and its grid is "
            f"E^(j), for every j at T = 1 … {CROSS_CHECK.get(M, 1)} (checked, not proven beyond)"
        )
    details.append(
        "proven for every T >= 2: the statement for the family built from the cores' "
        "definitions (one_hot_cores); checked at the T above only, not proven beyond: that "
        "exactrank.constructions.one_hot_rnn is that family's network"
    )
    sizes = FULL if full else QUICK
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=f"all sizes (every T), M = {min(sizes)} … {max(sizes)}",
        quantity="grid = E^(j), ranks 2",
    )


def _realizes(j, M: int, family) -> bool:
    """The construction's grid is E^(j), its ranks at most 2, and (T >= 2) its cores are the
    family's for the word j."""
    model = construction(j, M)
    E = np.zeros((M,) * len(j), dtype=object)
    E[j] = 1
    grid = er.grid_tensor(model).to_fractions()
    if not (grid == E).all() or max(model.ranks, default=1) > 2:
        return False
    if len(j) < 2:
        return True
    return family.same_network(model, len(j) - 2, j)


if __name__ == "__main__":
    run_script(check)
