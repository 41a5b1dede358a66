"""Every proof check in proofs/ runs in quick mode with its expected verdict, and can fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import exactrank as er
from exactrank.checks import theorems

NAMES = list(theorems.available())


def test_there_are_checks():
    expected = {"lemma_3_1", "lemma_5_1", "lemma_5_2", "lemma_a2", "prop_a2_a3", "prop_a4"}
    expected |= {"lemma_a1", "theorem_5_1", "theorem_5_2", "theorem_5_3"}
    expected |= {"prop_a5", "prop_a5_corrected", "theorem_5_2_corrected"}
    assert expected <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_check_gives_its_expected_verdict(name, tmp_path):
    result = theorems.run(name, certs=tmp_path)
    assert result.as_expected, result.details
    assert result.instances > 0
    assert result.largest and result.quantity, "every check reports its largest instance"
    for path in result.certificates:  # every saved certificate passes the stand-alone checker
        cert = json.loads(Path(path).read_text(encoding="utf-8"))
        if cert["claim"]["kind"] == "formula":  # for every size: exactrank verify only
            assert er.verify_certificate(cert), path
            continue
        proc = subprocess.run(
            [sys.executable, str(theorems.PROOFS / "verify_certificate.py"), path],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, (path, proc.stdout)


@pytest.mark.parametrize("name", ["lemma_a2", "theorem_5_2_corrected"])
def test_a_broken_construction_turns_the_verdict(name, monkeypatch):
    """One weight of Lemma A.2's construction changed (in the second core, which lowers the
    odd-even rank below min(M, R)^(T/2) at M = R = 2, T = 4): its checks must not PASS."""
    module = theorems.load(name)
    real = module.pairwise_similarity_rnn

    def broken(M, R, T, F=None):
        model = real(M, R, T, F=F)
        G = [np.array(g, dtype=object) for g in model.G]
        G[1][1, 0, 0] += 1
        return type(model)("relu", model.C, G, F=model.F)

    monkeypatch.setattr(module, "pairwise_similarity_rnn", broken)
    assert module.check().verdict != "PASS"


def _one_weight_changed(construction):
    """The construction with one weight of its last core changed by 1."""

    def broken(*args, **kwargs):
        model = construction(*args, **kwargs)
        G = [np.array(g, dtype=object) for g in model.G]
        G[-1].flat[0] += 1
        return type(model)(model.xi, model.C, G, F=model.F)

    return broken


@pytest.mark.parametrize(
    "name,construction",
    [
        ("lemma_5_1", "direct_sum"),
        ("prop_a4", "shallow_as_rnn"),
        ("lemma_5_2", "one_hot_rnn"),
        ("theorem_5_1", "universal_rnn"),
        ("theorem_5_3", "perturbation_base_rnn"),
    ],
)
def test_one_changed_weight_turns_the_verdict(name, construction, monkeypatch):
    module = theorems.load(name)
    monkeypatch.setattr(module, construction, _one_weight_changed(getattr(module, construction)))
    assert module.check().verdict == "FAIL"


@pytest.mark.parametrize("name", ["lemma_3_1", "prop_a2_a3"])
def test_a_wrong_grid_turns_the_verdict(name, monkeypatch):
    """The formula checks compare exactrank's grid with an independent evaluation: a grid
    with one entry changed must make them FAIL."""
    module = theorems.load(name)
    real = module.er.grid_tensor

    def wrong(model, field="QQ"):
        grid = real(model, field)
        values = np.array(grid.values, dtype=object)
        values.flat[-1] += 1
        return type(grid)(values, grid.denominator, grid.field)

    monkeypatch.setattr(module.er, "grid_tensor", wrong)
    assert module.check().verdict == "FAIL"


def test_theorem_5_2_needs_a_working_counterexample(monkeypatch):
    """A shallow network with one weight changed no longer realizes the grid: the check
    must then FAIL rather than call the theorem refuted."""
    module = theorems.load("theorem_5_2")
    real = module.pairwise_similarity_shallow

    def broken(M, R, T):
        model = real(M, R, T)
        lam = np.array(model.lambda_, dtype=object)
        lam[0] += 1
        return type(model)(model.xi, lam, model.V, F=model.F)

    monkeypatch.setattr(module, "pairwise_similarity_shallow", broken)
    assert module.check().verdict == "FAIL"


def test_lemma_a1_can_fail(monkeypatch):
    """Networks ten times wider than the check believes exceed the bound: it must FAIL."""
    module = theorems.load("lemma_a1")
    real = module.random_shallow
    monkeypatch.setattr(
        module, "random_shallow", lambda xi, M, T, R, rng, **kw: real(xi, M, T, 10 * R, rng, **kw)
    )
    assert module.check().verdict == "FAIL"


def test_cli_check(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "exactrank", "check", "lemma_a2", "--json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (entry,) = json.loads(proc.stdout)["checks"]
    assert entry["name"] == "lemma_a2" and entry["verdict"] == "PASS"
    bad = subprocess.run(
        [sys.executable, "-m", "exactrank", "check", "no_such_check"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "no_such_check" in bad.stderr


@pytest.mark.parametrize("name", ["prop_a5", "prop_a5_corrected"])
def test_a_wrong_coefficient_turns_prop_a5(name, monkeypatch):
    """One coefficient of Ĥ changed: the corrected form FAILs, and the printed form can no
    longer be called REFUTED, since its symmetric-F instances fail too."""
    module = theorems.load(name)
    real = module.template_coefficients

    def broken(H, F):
        H_hat = real(H, F)
        H_hat.flat[0] += 1
        return H_hat

    monkeypatch.setattr(module, "template_coefficients", broken)
    assert module.check().verdict == "FAIL"


def test_prop_a5_printed_form_is_refuted_only_by_non_symmetric_f(monkeypatch):
    """With every F symmetric the printed form holds: the check then finds no counterexample."""
    module = theorems.load("prop_a5")
    monkeypatch.setattr(
        module,
        "random_invertible",
        lambda M, rng: (np.eye(M, dtype=object) * 2 + np.ones((M, M), dtype=object)).tolist(),
    )
    assert module.check().verdict == "PASS"
