"""The separation checks of issue 12: where the bounds bite, and a broken certifier or
construction turns each verdict.

Separation checks (a bound that grows exponentially, or quadratically, in a size):
lemma_a2 and theorem_5_2_corrected (seed 001, Lemma A.2 / Theorem 5.2 corrected),
seed000_claim_5 (pooling), seed000_theorem_3 (depth vs width, Corollary 4), seed000_theorem_8
(pooling geometry), seed000_theorem_13 (mixing), shared_theorem_5_2 (Theorem 5.2 with shared
cores). Broken constructions of the first six are tested in test_proofs.py,
test_seed000_claims.py and test_seed000_checks.py; here the certifiers are broken: a
certificate whose witness is no witness, a rank that over-reports, a width search that
over-reports. The --full tables run only with --run-slow.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import exactrank as er
from exactrank.checks import theorems

SEPARATIONS = [
    "lemma_a2",
    "theorem_5_2_corrected",
    "seed000_claim_5",
    "seed000_theorem_3",
    "seed000_theorem_8",
    "seed000_theorem_13",
    "shared_theorem_5_2",
]


# ------------------------------------------------------------------ where the bound bites


@pytest.mark.parametrize(
    "bounds,bite",
    [
        ([1, 8, 15, 26], True),
        ([8, 16, 27], True),
        ([1, 4, 8, 16], False),  # only two sizes at 8 or more
        ([8, 8, 9], False),  # not growing from the first to the second
        ([16, 8, 27, 40], False),  # 16 then 8: not growing along the sizes
        ([7, 7, 7, 7], False),
        ([], False),
    ],
)
def test_bites_needs_three_growing_bounds_of_at_least_8(bounds, bite):
    assert theorems.bites(bounds) is bite


def test_the_separation_table_says_when_it_does_not_bite():
    lines, failures = theorems.separation_table("width", [("T = 4", 1, "whole"), ("T = 8", 2, "x")])
    assert failures == 1
    assert lines == [
        "where the bound bites: width",
        "  T = 4: 1 (whole)",
        "  T = 8: 2 (x)",
        "  the bound does not reach 8 and grow along three sizes here",
    ]
    lines, failures = theorems.separation_table(
        "w", [(f"T = {t}", b, "e") for t, b in ((16, 8), (18, 15), (20, 26))]
    )
    assert failures == 0 and len(lines) == 4


@pytest.mark.parametrize("name", ["lemma_a2", "theorem_5_2_corrected"])
def test_a_full_table_that_does_not_bite_fails(name, monkeypatch):
    """--full must show the bound growing past 8: a full table of small sizes only FAILs."""
    module = theorems.load(name)
    monkeypatch.setattr(module, "FULL", [(2, 2, 4), (3, 2, 4)])
    if name == "lemma_a2":
        monkeypatch.setattr(module, "QUICK", [(2, 2, 4)])
        monkeypatch.setattr(module, "LAZY", {True: (8, 4)})
    result = module.check(full=True)
    assert result.verdict == "FAIL"
    assert any("does not reach 8" in line for line in result.details)


@pytest.mark.slow
@pytest.mark.parametrize("name", SEPARATIONS)
def test_full_mode_shows_where_the_bound_bites(name):
    result = theorems.run(name, full=True)
    assert result.verdict == "PASS", result.details
    starts = [i for i, line in enumerate(result.details) if "where the bound bites" in line]
    assert starts
    for start in starts:  # each table: its indented rows "  size: bound (evidence)"
        rows = []
        for line in result.details[start + 1 :]:
            if not line.startswith("  "):
                break
            rows.append(line)
        bounds = [int(line.split(": ")[1].split()[0]) for line in rows]
        assert theorems.bites(bounds), rows


# -------------------------------------------------------------------- a broken certifier


def _no_witness(real):
    """er.certify whose certificates keep their claim but lose their witness: every row of
    the minor is its first row (a singular minor, unless it is 1 × 1)."""

    def certify(*args, **kwargs):
        cert = real(*args, **kwargs)
        minor = cert["witness"]["minor"]
        minor["rows"] = [minor["rows"][0]] * len(minor["rows"])
        return cert

    return certify


@pytest.mark.parametrize(
    "name,quick",
    [
        ("lemma_a2", [(2, 2, 4), (3, 2, 4)]),
        ("theorem_5_2_corrected", [(2, 2, 4), (3, 2, 6)]),
        ("seed000_claim_5", [(2, 4), (3, 4)]),
        ("seed000_theorem_13", [(2, 2, "QQ")]),
    ],
)
def test_a_certificate_without_a_witness_turns_the_verdict(name, quick, monkeypatch):
    module = theorems.load(name)
    monkeypatch.setattr(module, "QUICK", quick)
    if name == "seed000_theorem_13":
        monkeypatch.setattr(module, "PAIRS", module.PAIRS[:1])
    assert module.check().verdict == "PASS"
    monkeypatch.setattr(module.er, "certify", _no_witness(er.certify))
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("NOT verified" in line for line in result.details), result.details


def _over_reporting(real, by: int = 1):
    """er.rank whose proven bounds are ``by`` too high (below full rank: a rank above the
    matrix's size is refused by whatever uses it, which would test nothing)."""

    def rank(matrix, *args, **kwargs):
        result = real(matrix, *args, **kwargs)
        if result.rank + by > min(matrix.shape):
            return result
        changes = {"rank": result.rank + by}
        if result.lower is not None:
            changes["lower"] = result.lower + by
        if result.upper is not None:
            changes["upper"] = result.upper + by
        return dataclasses.replace(result, **changes)

    return rank


@pytest.mark.parametrize(
    "name,quick",
    [
        ("seed000_theorem_3", [(2, 2, 2, 8), (3, 2, 2, 4)]),
        ("seed000_theorem_8", [(2, 2, "QQ")]),
    ],
)
def test_a_rank_that_over_reports_turns_the_verdict(name, quick, monkeypatch):
    module = theorems.load(name)
    monkeypatch.setattr(module, "QUICK", quick)
    monkeypatch.setattr(module.er, "rank", _over_reporting(er.rank))
    assert module.check().verdict == "FAIL"


def test_theorem_13_a_width_search_that_over_reports_turns_the_verdict(monkeypatch):
    """The width a single tree needs is re-proven from rank_bounds at width need − 1."""
    module = theorems.load("seed000_theorem_13")
    monkeypatch.setattr(module, "QUICK", [(2, 2, "QQ")])
    monkeypatch.setattr(module, "PAIRS", module.PAIRS[:1])
    real = module.width_for_rank
    monkeypatch.setattr(module, "width_for_rank", lambda *args: real(*args) + 1)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("the width needed is not" in line for line in result.details)


def test_theorem_13_a_mixed_rank_that_over_reports_turns_the_verdict(monkeypatch):
    """ρ_M over-reported (the exact rank mutated) cannot be certified: FAIL."""
    module = theorems.load("seed000_theorem_13")
    monkeypatch.setattr(module, "QUICK", [(2, 2, "QQ")])
    monkeypatch.setattr(module, "PAIRS", module.PAIRS[:1])
    monkeypatch.setattr(module.er, "rank", _over_reporting(er.rank))
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("not certified" in line for line in result.details), result.details


# ------------------------------------------------------------- shared Theorem 5.2 (shared)


def test_shared_theorem_5_2_fails_when_its_constructions_break(monkeypatch):
    """Both shared constructions that reach the bound broken (the pairwise network's grid
    and the TT-simulating network's grid): the uniform random search alone falls short."""
    module = theorems.load("shared_theorem_5_2")
    monkeypatch.setattr(module, "QUICK", [(2, 2, 6), (3, 3, 4)])
    assert module.check().verdict == "PASS"
    real_pair, real_tt = module.shared_pairwise_similarity_rnn, module.nonnegative_tt_as_relu_rnn

    def zeroed(model):
        G = [np.zeros_like(np.asarray(g, dtype=object)) for g in model.G]
        return type(model)(model.xi, model.C, G, F=model.F)

    monkeypatch.setattr(module, "shared_pairwise_similarity_rnn", lambda *a: zeroed(real_pair(*a)))
    monkeypatch.setattr(module, "nonnegative_tt_as_relu_rnn", lambda tt: zeroed(real_tt(tt)))
    assert module.check().verdict == "FAIL"
