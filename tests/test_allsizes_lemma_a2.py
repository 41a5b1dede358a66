"""Seed 001, Lemma A.2 for every even T (proofs/lemma_a2_all_sizes.py, exactrank.allsizes):
the check, its refusal of a broken construction or witness, the structural certificate
(exactrank verify, the stand-alone checker, the schema) and assert_rank_formula."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy
from jsonschema import Draft202012Validator
from process_cli import ROOT, run
from referencing import Registry, Resource
from schema_checks import MODEL_SCHEMA

import exactrank as er
from exactrank.allsizes import (
    IdentityTerm,
    ProofStepFailed,
    lemma_a2_family,
    lemma_a2_witness,
    make_certificate,
    n,
    prove_identity,
    prove_rank_formula,
    reachable_states,
)
from exactrank.checks.theorems import load
from exactrank.constructions import pairwise_similarity_rnn
from exactrank.models import GeneralizedRNN
from exactrank.testing import assert_rank_formula

SCHEMA = json.loads(
    (ROOT / "docs" / "schemas" / "structural-certificate.schema.json").read_text("utf-8")
)
VALIDATOR = Draft202012Validator(
    SCHEMA,
    registry=Registry().with_resource("model.schema.json", Resource.from_contents(MODEL_SCHEMA)),
)


def _broken(M, R, T, F=None):
    """The Lemma A.2 RNN with b = [2 − min(M, R), 0, …]: the grid is no longer J − E."""
    model = pairwise_similarity_rnn(M, R, T, F=F)
    G = [g.copy() for g in model.G]
    for g in G[1::2]:
        g[-1, 0, 0] += 1
    return GeneralizedRNN("relu", model.C, G)


def test_the_check_passes_for_all_sizes():
    module = load("lemma_a2_all_sizes")
    result = module.check()
    assert result.verdict == "PASS", result.details
    assert "all sizes" in result.largest and "all sizes" in result.claim
    assert "exact ranks agree at T = 2 … 6" in "\n".join(result.details)


def test_a_broken_construction_fails(monkeypatch):
    """The family proven is built from the cores' definitions: a construction that differs
    from it is caught by the core-by-core comparison at the checked sizes."""
    module = load("lemma_a2_all_sizes")
    monkeypatch.setattr(module, "construction", _broken)
    result = module.check()
    assert result.verdict == "FAIL"
    assert "T=2: the construction's network is not the family's" in "\n".join(result.details)


def test_a_broken_family_has_no_proof(monkeypatch):
    module = load("lemma_a2_all_sizes")
    monkeypatch.setattr(module, "family_of", lambda M, R: lemma_a2_family(M, R, _broken))
    result = module.check()
    assert result.verdict == "FAIL"
    assert "M=2 R=1: no proof for all T: reachable states" in "\n".join(result.details)


@pytest.mark.parametrize(("M", "R"), [(1, 1), (2, 1), (2, 3), (3, 2), (4, 4), (5, 2)])
def test_the_family_from_definitions_is_the_construction_read_off(M, R):
    ours, read = lemma_a2_family(M, R), lemma_a2_family(M, R, pairwise_similarity_rnn)
    for size in (1, 2, 3):
        model = pairwise_similarity_rnn(M, R, 2 * size)
        assert ours.same_network(model, size) and read.same_network(model, size)
        assert not ours.same_network(_broken(M, R, 2 * size), size)
    assert not ours.same_network(pairwise_similarity_rnn(M, R, 4), 1)  # T differs


@pytest.mark.parametrize(("M", "R"), [(2, 1), (3, 2), (3, 3), (4, 5)])
def test_states_and_identity(M, R):
    family = lemma_a2_family(M, R)
    initial, states = reachable_states(family)
    assert initial == ((0,),) and states == ((0,), (1,))
    terms = prove_identity(family).kronecker_terms()
    # J^{⊗n} − E^{⊗n}, checked against the grid at T = 4 entry by entry
    A = sum(np.kron(np.kron(np.kron(t.pre, t.base), t.base), t.post) * t.coefficient for t in terms)
    grid = er.grid_tensor(pairwise_similarity_rnn(M, R, 4)).to_fractions()
    assert (er.matricize(grid, "odd-even") == A).all()


def test_a_wrong_witness_names_the_failing_step():
    M, R = 3, 2
    J, E = lemma_a2_witness(M, R)
    # the base case holds (state 0: 1 + 0, state 1: 1 − 1), the step does not
    moved = (IdentityTerm("J", J.base, {(0,): 1, (1,): 1}), IdentityTerm("E", E.base, {(1,): -1}))
    with pytest.raises(ProofStepFailed, match=r"inductive step: term J \(0\), letter 0"):
        prove_identity(lemma_a2_family(M, R), moved)
    wrong_base = IdentityTerm("J", ([[1, 1, 1], [1, 1, 1], [1, 1, 0]],), {(1,): 1})
    with pytest.raises(ProofStepFailed, match="inductive step: term J"):
        prove_identity(lemma_a2_family(M, R), (wrong_base, E))
    with pytest.raises(ProofStepFailed, match=r"base case: .*state \(0\)"):
        prove_identity(lemma_a2_family(M, R), (J,))


def test_assert_rank_formula_proves_or_names_the_failing_step():
    T = sympy.Symbol("T", integer=True, positive=True)
    text = assert_rank_formula(lemma_a2_family(3, 2), "odd-even", 2 ** (T / 2) + 1)
    assert "for every n >= 1" in text
    assert_rank_formula(lemma_a2_family(2, 2), "odd-even", 2**n)
    with pytest.raises(AssertionError, match=r"formula: the rules give 2\*\*n \+ 1, .* n = 1"):
        assert_rank_formula(lemma_a2_family(3, 2), "odd-even", 2**n)
    with pytest.raises(AssertionError, match="not proven for all sizes: reachable states: more"):
        assert_rank_formula(lemma_a2_family(3, 2, _broken), "odd-even", 2**n + 1)
    with pytest.raises(er.InvalidInputError, match="the family's proof is for the matricization"):
        assert_rank_formula(lemma_a2_family(3, 2), "left-right", 2**n + 1)


def test_the_certificate_verifies_and_rejects_tampering(tmp_path: Path):
    family = lemma_a2_family(3, 2)
    cert = make_certificate(family, "2**(T/2) + 1", "seed 001, Lemma A.2")
    Draft202012Validator.check_schema(SCHEMA)
    assert not list(VALIDATOR.iter_errors(cert))
    assert list(VALIDATOR.iter_errors({**cert, "claim": {**cert["claim"], "formula": "x.y"}}))
    assert er.verify_certificate(cert)
    er.save_certificate(cert, tmp_path / "a2.json")
    proc = run("verify", tmp_path / "a2.json")
    assert proc.returncode == 0 and proc.stdout.splitlines() == [
        "s VERIFIED",
        "proven: rank = 2**n + 1 for every n >= 1 (rank_one_update: u ∉ col B and v ∉ row B "
        "(decided on the factors): rank B + 1)",
    ]
    tampered = json.loads(json.dumps(cert))
    tampered["claim"]["formula"] = "2**n"
    verdict = er.verify_certificate(tampered)
    assert not verdict and "they differ at n = 1" in verdict.reason
    core = json.loads(json.dumps(cert))
    core["tensor"]["family"]["block"][0][1]["G"][3][0][0] = 0  # b = 0: unbounded states
    verdict = er.verify_certificate(core)
    assert not verdict and "reachable states: more than" in verdict.reason
    weights = json.loads(json.dumps(cert))
    weights["witness"]["terms"][1]["weights"][1]["c"] = -2
    verdict = er.verify_certificate(weights)
    assert not verdict and "ProofStepFailed: base case" in verdict.reason
    T = json.loads(json.dumps(cert))
    T["claim"]["T"] = "n"
    assert "claim.T" in er.verify_certificate(T).reason
    evil = json.loads(json.dumps(cert))
    evil["claim"]["formula"] = "__import__('os')"
    assert "formula: expected integers" in er.verify_certificate(evil).reason
    for formula in ("((n+1)**64)**64", "((64**64)**64)**64"):  # never evaluated
        evil["claim"]["formula"] = formula
        assert "a power of a power" in er.verify_certificate(evil).reason


def test_the_standalone_checker_says_not_supported(tmp_path: Path):
    import subprocess
    import sys

    cert = make_certificate(lemma_a2_family(2, 1), "2", "seed 001, Lemma A.2")
    path = tmp_path / "a2.json"
    er.save_certificate(cert, path)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "proofs" / "verify_certificate.py"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "claim kind 'formula'" in proc.stderr and "not supported" in proc.stderr


def test_prove_rank_formula_in_T_and_in_n_agree():
    family = lemma_a2_family(4, 3)
    T = sympy.Symbol("T", integer=True, positive=True)
    assert prove_rank_formula(family, 3 ** (T / 2) + 1).formula == 3**n + 1


def test_the_docs_example_runs(capsys):
    import re

    text = (ROOT / "docs" / "all-sizes.md").read_text("utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, re.S)
    exec(compile(code, "docs/all-sizes.md", "exec"), {})
    assert capsys.readouterr().out.count("rank = 2**n + 1 for every n >= 1") == 2


def test_a_family_beyond_the_limits_is_exit_2(tmp_path: Path):
    cert = make_certificate(lemma_a2_family(2, 1), "2", "seed 001, Lemma A.2")
    step = cert["tensor"]["family"]["block"][0][0]
    cert["tensor"]["family"]["block"][0] = [step] * 13  # M^p = 2^13 inputs per block
    er.save_certificate(cert, tmp_path / "big.json")
    proc = run("verify", tmp_path / "big.json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "tensor.family.block: M^p = 2^13 inputs, more than 4096" in proc.stderr


@pytest.mark.parametrize(("M", "R"), [(1, 1), (2, 1), (2, 3), (3, 2), (4, 4), (5, 2)])
def test_the_symbolic_transition_tables_are_the_computed_ones(M, R):
    from exactrank.allsizes.automaton import transition_tables
    from exactrank.allsizes.symbolic import a, b, k, symbolic_identity

    symbolic = symbolic_identity()
    family = lemma_a2_family(M, R)
    _, states = reachable_states(family)
    computed = transition_tables(family, states)
    for (s, t), entry in symbolic.items():
        table = computed.get((0, (s,), (t,)), np.zeros((M, M), dtype=object))
        if (s,) not in states:
            continue
        want = [[entry.subs({a: x, b: y, k: min(M, R)}) for y in range(M)] for x in range(M)]
        assert (table == np.array(want, dtype=object)).all(), (s, t)
