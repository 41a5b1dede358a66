"""Every proof check in proofs/ runs in quick mode with its expected verdict, and can fail."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from exactrank import theorems

NAMES = list(theorems.available())


def test_there_are_checks():
    assert {"lemma_a2", "lemma_5_1", "prop_a4"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_check_gives_its_expected_verdict(name, tmp_path):
    result = theorems.run(name, certs=tmp_path)
    assert result.as_expected, result.details
    assert result.instances > 0
    for path in result.certificates:  # every saved certificate passes the stand-alone checker
        proc = subprocess.run(
            [sys.executable, str(theorems.PROOFS / "verify_certificate.py"), path],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, (path, proc.stdout)


def test_a_broken_construction_turns_the_verdict(monkeypatch):
    """One weight of Lemma A.2's construction changed (b = 0): the check must not PASS."""
    module = theorems.load("lemma_a2")
    real = module.pairwise_similarity_rnn

    def broken(M, R, T, F=None):
        model = real(M, R, T, F=F)
        G = [np.array(g, dtype=object) for g in model.G]
        G[1][-1, 0, 0] = 0
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
    "name,construction", [("lemma_5_1", "direct_sum"), ("prop_a4", "shallow_as_rnn")]
)
def test_one_changed_weight_turns_the_verdict(name, construction, monkeypatch):
    module = theorems.load(name)
    monkeypatch.setattr(module, construction, _one_weight_changed(getattr(module, construction)))
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
