"""Structural certificates of the all-sizes checks other than Lemma A.2's own: Lemma 5.2's
grid certificate (relation "grid") and the Lemma A.2 certificates theorem_5_2_corrected saves;
`exactrank verify` printing what was proven; tampering is NOT VERIFIED, naming the step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from process_cli import run
from test_allsizes_lemma_a2 import VALIDATOR

import exactrank as er
from exactrank.checks.theorems import load


@pytest.fixture(scope="module")
def one_hot_certs(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("certs")
    result = load("lemma_5_2_all_sizes").check(certs=folder)
    assert result.verdict == "PASS", result.details
    return [Path(p) for p in result.certificates]


def _copy(cert: dict) -> dict:
    return json.loads(json.dumps(cert))


def test_lemma_5_2_saves_a_grid_certificate_per_M(one_hot_certs):
    assert [p.name for p in one_hot_certs] == [f"lemma_5_2_all_sizes_M{M}.json" for M in (2, 3, 4)]
    for path in one_hot_certs:
        cert = er.load_certificate(path)
        assert not list(VALIDATOR.iter_errors(cert))
        assert cert["claim"]["relation"] == "grid" and cert["claim"]["ranks"] == 2
        assert cert["claim"]["T"] == "n + 2" and cert["claim"]["n_min"] == 0
        assert er.verify_certificate(cert)


def test_verify_prints_what_the_grid_certificate_proves(one_hot_certs):
    proc = run("verify", one_hot_certs[0])
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0 and lines[0] == "s VERIFIED", proc
    assert lines[1] == (
        "proven: grid = e ⊗ … (Pre_k(ℓ_0) ⊗ X_k(ℓ_1) ⊗ … ⊗ Post_k(ℓ_last), as claimed) for "
        "every n >= 0 and every word of 2 letters; hidden sizes <= 2; reachable states 2, closed"
    )
    document = json.loads(run("verify", one_hot_certs[0], "--json").stdout)
    assert document["verified"] and document["proven"] == lines[1].removeprefix("proven: ")


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (
            lambda c: c["claim"]["grid"][0]["post"][1][0].__setitem__(0, 1),
            "claim.grid: term e: the proven post factors are not the claimed ones",
        ),
        (
            lambda c: c["claim"]["grid"][0]["base"].pop(),
            "claim.grid[].base: expected one matrix per letter (2), got 1",
        ),
        (
            lambda c: c["claim"]["grid"][0].__setitem__("pre", [5, 5]),
            "claim.grid[].pre: expected matrices (non-empty lists of rows)",
        ),
        (
            lambda c: c["claim"]["grid"].append(c["claim"]["grid"][0]),
            "claim.grid: 2 terms, the proven identity has 1 nonzero",
        ),
        (lambda c: c["claim"].__setitem__("ranks", 1), "a core has a hidden size 2 > 1"),
        (lambda c: c["claim"].__setitem__("n_min", 2), 'expected "n_min" in [0, 1] for "grid"'),
        (lambda c: c["claim"].__setitem__("T", "n + 3"), "claim.T: the family has n + 2 steps"),
        (  # λ_1 = 2: the last step scores the unmatched inputs 1, not 0 (a second term)
            lambda c: c["tensor"]["family"]["last"][0][0]["G"][1][1].__setitem__(0, 2),
            "claim.grid: 1 terms, the proven identity has 2 nonzero",
        ),
        (  # an inner step that forgets a mismatch: the identity's step fails
            lambda c: c["tensor"]["family"]["block"][1][0]["C"][0].__setitem__(0, 0),
            "inductive step: term e (0), letter 1",
        ),
        (
            lambda c: c["witness"]["terms"][0]["weights"].pop(),
            "ProofStepFailed: base case: the inputs reaching state (1, 1) after the first part",
        ),
    ],
)
def test_a_tampered_grid_certificate_is_not_verified(one_hot_certs, tamper, reason):
    cert = _copy(er.load_certificate(one_hot_certs[0]))
    tamper(cert)
    verdict = er.verify_certificate(cert)
    assert not verdict and reason in verdict.reason, verdict.reason


def test_a_tampered_grid_certificate_fails_on_the_command_line(one_hot_certs, tmp_path):
    cert = _copy(er.load_certificate(one_hot_certs[0]))
    cert["claim"]["ranks"] = 1
    er.save_certificate(cert, tmp_path / "bad.json")
    proc = run("verify", tmp_path / "bad.json")
    assert proc.returncode == 1 and proc.stdout.startswith("s NOT VERIFIED: ")
    assert "proven" not in proc.stdout and "Traceback" not in proc.stderr


def test_theorem_5_2_corrected_saves_the_lemma_a2_certificates(tmp_path):
    result = load("theorem_5_2_corrected_all_sizes").check(certs=tmp_path)
    assert result.verdict == "PASS", result.details
    names = [Path(p).name for p in result.certificates]
    assert names == [
        f"theorem_5_2_corrected_all_sizes_lemma_a2_M{M}_R{R}.json"
        for M, R in ((2, 2), (3, 2), (3, 3), (4, 2))
    ]
    cert = er.load_certificate(tmp_path / names[1])
    assert not list(VALIDATOR.iter_errors(cert)) and er.verify_certificate(cert)
    proc = run("verify", tmp_path / names[1])
    assert proc.stdout.splitlines() == [
        "s VERIFIED",
        "proven: rank = 2**n + 1 for every n >= 1 (rank_one_update: u ∉ col B and v ∉ row B "
        "(decided on the factors): rank B + 1)",
    ]
    tampered = _copy(cert)
    tampered["claim"]["formula"] = "3**(T/2) + 1"
    verdict = er.verify_certificate(tampered)
    assert not verdict and "formula: the rules give 2**n + 1, the formula is 3**n + 1" in (
        verdict.reason
    )
    tampered = _copy(cert)
    tampered["tensor"]["family"]["block"][0][1]["G"][3][0][0] = 0  # b = 0
    assert "reachable states: more than" in er.verify_certificate(tampered).reason


def test_an_eq_claim_keeps_n_min_1_and_needs_a_formula():
    from exactrank.allsizes import lemma_a2_family, make_certificate

    cert = make_certificate(lemma_a2_family(2, 1), "2", "seed 001, Lemma A.2")
    zero = _copy(cert)
    zero["claim"]["n_min"] = 0
    assert 'expected "n_min" in [1] for "eq"' in er.verify_certificate(zero).reason
    assert list(VALIDATOR.iter_errors(zero))
    missing = _copy(cert)
    del missing["claim"]["formula"]
    assert "formula: expected integers" in er.verify_certificate(missing).reason
    assert list(VALIDATOR.iter_errors(missing))


def test_verify_json_says_what_was_proven_only_for_structural_certificates(tmp_path):
    from exactrank.allsizes import lemma_a2_family, make_certificate
    from exactrank.constructions import pairwise_similarity_rnn

    er.save_certificate(make_certificate(lemma_a2_family(3, 2), "2**n + 1"), tmp_path / "f.json")
    document = json.loads(run("verify", tmp_path / "f.json", "--json").stdout)
    assert document["proven"].startswith("rank = 2**n + 1 for every n >= 1 (rank_one_update")
    plain = er.certify(pairwise_similarity_rnn(2, 2, 2), "odd-even")
    er.save_certificate(plain, tmp_path / "plain.json")
    document = json.loads(run("verify", tmp_path / "plain.json", "--json").stdout)
    assert document["verified"] and "proven" not in document


def test_the_documented_transcript_is_the_output(one_hot_certs):
    """docs/certificates.md, "Structural certificates": the transcript of exactrank verify."""
    import re

    from process_cli import ROOT

    text = (ROOT / "docs" / "certificates.md").read_text("utf-8")
    (block,) = [b for b in re.findall(r"```console\n(.*?)```", text, re.S) if "M2.json" in b]
    shown = block.splitlines()[2:]
    assert run("verify", one_hot_certs[0]).stdout.splitlines() == shown


@pytest.fixture(scope="module")
def tree_certs(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("tree")
    result = load("seed000_theorem_3_all_sizes").check(certs=folder)
    assert result.verdict == "PASS", result.details
    return [Path(p) for p in result.certificates]


def test_theorem_3_saves_a_tree_certificate_per_instance(tree_certs):
    assert (
        len(tree_certs) == 6 and tree_certs[-1].name == "seed000_theorem_3_all_sizes_M4_r02_r3.json"
    )
    for path in tree_certs:
        cert = er.load_certificate(path)
        assert not list(VALIDATOR.iter_errors(cert)) and er.verify_certificate(cert)
        assert cert["tensor"]["family"]["kind"] == "ht-levels" and cert["witness"] == {}
    proc = run("verify", tree_certs[-1])
    assert proc.stdout.splitlines() == [
        "s VERIFIED",
        "proven: rank = 2**n for every n = N/2 = 2^l >= 2 (kronecker_rank: rank(A ⊗ B) = rank A "
        "· rank B: ranks 1, 2^n, 1); 1 coefficient vector(s) [('1', '1', '1')], closed, κ ≠ 0",
    ]


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (
            lambda f, c: c.__setitem__("formula", "3**(T/2)"),
            "formula: the rules give 2**n, the formula is 3**n; they differ at n = 1",
        ),
        (
            lambda f, c: f.__setitem__("leaf", [[1] * 4, [1] * 4]),
            "base case: the level-1 conv output 0 is not c · D",
        ),
        (lambda f, c: f.__setitem__("output", [1, -1, 0]), "output: κ = Σ out_α c_α² is 0"),
        (
            lambda f, c: f.__setitem__("inner", [[2, 0, 0], [0, 2, 0], [0, 0, 2]]),
            "a coefficient past 1024 bits, the vectors are not a finite set",
        ),
        (lambda f, c: f.__setitem__("level1", [[1, 1, 1]] * 3), "r_0 = 3, but 2 elsewhere"),
        (lambda f, c: f.__setitem__("M", 3), "tensor.family.M: the leaf has M = 4 columns"),
        (lambda f, c: f.__setitem__("output", 1), "tensor.family.output: expected r numbers"),
        (lambda f, c: c.__setitem__("size", "n"), "claim: a tree family expects"),
        (lambda f, c: c.__setitem__("n_min", 1), "claim: a tree family expects"),
        (lambda f, c: c.__setitem__("T", "n"), "claim.T: a tree family has N = 2n leaves"),
    ],
)
def test_a_tampered_tree_certificate_is_not_verified(tree_certs, tamper, reason):
    cert = _copy(er.load_certificate(tree_certs[-1]))
    tamper(cert["tensor"]["family"], cert["claim"])
    verdict = er.verify_certificate(cert)
    assert not verdict and reason in verdict.reason, verdict.reason


def test_a_tree_beyond_the_limits_is_exit_2(tree_certs, tmp_path):
    cert = _copy(er.load_certificate(tree_certs[0]))
    cert["tensor"]["family"]["inner"] = [[0] * 65 for _ in range(65)]
    er.save_certificate(cert, tmp_path / "wide.json")
    proc = run("verify", tmp_path / "wide.json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "tensor.family: a width of 65, more than 64" in proc.stderr


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("(2**n + 1)*(n - 1)/(n - 1)", "formula: a division by n - 1 is refused"),
        ("2**n + (T-2)/(T-2)", "formula: a division by T - 2 is refused"),
        ("2**n + 1 + TT - TT", "formula: expected integers, n, T, M, R, r_0"),
        ("3**(n-n+10**9)", "an integer of at most 64, got -n + n + 10**9"),
        ("2**n + 1 + 2**2**2**2**n", "an exponent must be linear in n, T, M, R, r_0"),
        ("2**(n*2**60)", "an exponent must be linear"),
        ("(M+R+r_0+n+T+1)**64", "an expression in the symbols raised to 64 is refused"),
        ("(n+1)**64*(n+1)**64", "a constant exponent must be an integer of at most 64, got 128"),
    ],
)
def test_formulas_that_could_hang_or_cancel_a_zero_are_refused_in_time(formula, reason):
    import time

    from exactrank.allsizes import lemma_a2_family, make_certificate

    cert = make_certificate(lemma_a2_family(3, 2), "2**n + 1")
    cert["claim"]["formula"] = formula
    start = time.perf_counter()
    verdict = er.verify_certificate(cert)
    assert not verdict and reason in verdict.reason, verdict.reason
    assert time.perf_counter() - start < 5


def test_n_over_n_is_one_for_every_n_and_verified():
    from exactrank.allsizes import lemma_a2_family, make_certificate

    assert er.verify_certificate(make_certificate(lemma_a2_family(3, 2), "2**n + (n/n)"))


def test_a_witness_is_refused_for_a_repeated_state_or_a_factor_of_the_wrong_shape(one_hot_certs):
    from exactrank.allsizes import lemma_a2_family, make_certificate

    cert = make_certificate(lemma_a2_family(2, 1), "2")
    cert["witness"]["terms"][0]["weights"].insert(0, {"state": [1], "c": 7})
    assert "the state (1) is listed twice" in er.verify_certificate(cert).reason
    grid = _copy(er.load_certificate(one_hot_certs[0]))
    grid["witness"]["terms"][1]["pre"] = [[[1]], [[1]]]  # 1 × 1 where the inputs give 2 × 1
    assert (
        "witness: term 1: a factor for the first part has shape 1 × 1, its inputs give 2 × 1"
        in (er.verify_certificate(grid).reason)
    )


def test_work_past_the_limit_is_exit_2_and_a_huge_true_number_prints(tmp_path):
    from exactrank.allsizes import lemma_a2_family, make_certificate

    cert = make_certificate(lemma_a2_family(2, 2), "2**n")
    pair = cert["tensor"]["family"]["block"][0]
    cert["tensor"]["family"]["block"] = [pair + [pair[1]] * 9] * 64  # 64 letters × 2^11 inputs
    er.save_certificate(cert, tmp_path / "slow.json")
    proc = run("verify", tmp_path / "slow.json")
    assert proc.returncode == 2 and "more than MAX_PART_WORK = 32768" in proc.stderr
    big = make_certificate(lemma_a2_family(2, 2), "2**n")
    big["tensor"]["family"]["last"] = [[{"C": [[1, 1], [0, 0]], "G": [[[10**5000 + 1]], [[-1]]]}]]
    big["claim"]["T"] = "2*n + 1"
    er.save_certificate(big, tmp_path / "big.json")
    proc = run("verify", tmp_path / "big.json")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "vᵀx = (a number of about 5000 digits)·2^n" in proc.stdout
