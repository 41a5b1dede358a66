"""The §6 Figure 3 checks of issue 12: the reading "bound 1 means a rank-1 shallow
network" (REFUTED, counterexamples as certificates), its correction (TT-rank-1 RNNs), and
the closing sentence; each with a mutation that turns its verdict."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from oracles import rnn_score

import exactrank as er
from exactrank.checks import theorems
from exactrank.checks.figure_samples import sampled_rnn
from exactrank.checks.realizability import NotRankOne, tt_rank_one_as_shallow
from exactrank.sampling import random_rnn


def test_reading_is_refuted_with_certified_counterexamples(tmp_path):
    """Each counterexample: its certificate proves rank <= M·T (bound 1; test_proofs runs
    the stand-alone checker on it), and the witness in its provenance, recomputed by the
    oracle's eq. 16 evaluator, holds."""
    module = theorems.load("figure3_rank1_reading")
    result = module.check(certs=tmp_path)
    assert result.verdict == "REFUTED" and result.as_expected
    assert result.quantity.startswith("3 of 7 samples with bound 1 are not rank-1 (fig4 sampler")
    assert len(result.certificates) == 3
    for path in result.certificates:
        cert = json.loads(Path(path).read_text())
        assert er.verify_certificate(cert).verified and cert["claim"]["r"] <= 24
        seed = int(Path(path).stem.rsplit("seed", 1)[1])
        model, bound = sampled_rnn("fig4", 2, seed, **module.SMALL)
        assert bound == 1
        note = cert["provenance"]["not_rank_one"]
        witness = NotRankOne(note["kind"], tuple(note["entry"]), tuple(map(tuple, note["others"])))
        C = [np.asarray(c).tolist() for c in model.C]
        G = [np.asarray(g).tolist() for g in model.G]
        assert witness.holds(lambda x, C=C, G=G: rnn_score(C, G, None, "relu", list(x)))


def test_reading_with_a_broken_witness_search_fails(monkeypatch):
    """A witness search pointing at the wrong entries: the re-evaluation catches it, FAIL."""
    module = theorems.load("figure3_rank1_reading")
    monkeypatch.setattr(module, "QUICK", [("fig4", 2, range(2), module.SMALL)])
    real = module.not_rank_one_witness

    def wrong(grid):
        found = real(grid)
        return None if found is None else NotRankOne("mixed", found.others[0], (found.entry,))

    monkeypatch.setattr(module, "not_rank_one_witness", wrong)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("does NOT hold when re-evaluated" in line for line in result.details)


def test_corrected_statement_passes():
    result = theorems.load("figure3_rank1_corrected").check()
    assert result.verdict == "PASS"
    assert result.quantity.startswith("46 of 46 TT-rank-1 RNNs")


def _forgetful_free(model):
    """The construction without the reset after a negative state (λ = sign of Π g, every
    step kept): wrong as soon as a negative core precedes another step."""
    gs = [np.asarray(g).flat[0] for g in model.G]
    V = np.zeros((1, model.T, model.M), dtype=object)
    for k in range(model.T):
        V[0, k] = np.prod([abs(g) for g in gs[k:]]) * np.asarray(model.C[k])[0]
    return er.GeneralizedShallow("relu", [int(np.sign(np.prod(gs)))], V, F=model.F)


def test_the_reset_matters_and_breaking_it_turns_the_verdict(monkeypatch):
    rng = __import__("random").Random(0)
    for _ in range(50):
        model = random_rnn("relu", 2, 3, rng, L=(1, 1), R=(1, 1), high=3)
        expected = er.grid_tensor(model).to_fractions()
        assert (er.grid_tensor(tt_rank_one_as_shallow(model)).to_fractions() == expected).all()
    module = theorems.load("figure3_rank1_corrected")
    monkeypatch.setattr(module, "QUICK", {"fig3": range(0), "fig4": range(1), "random": 30})
    monkeypatch.setattr(module, "tt_rank_one_as_shallow", _forgetful_free)
    result = module.check()
    assert result.verdict == "FAIL"
    assert any("ANOTHER grid" in line for line in result.details)


def test_tt_rank_one_refuses_wider_rnns():
    model = random_rnn("relu", 2, 3, __import__("random").Random(1), L=(2, 2), R=(1, 1))
    with pytest.raises(er.InvalidInputError, match=r"L_t = 1 and ranks 1, got ξ = relu, L = \[2"):
        tt_rank_one_as_shallow(model)


def test_closing_sentence_and_a_broken_bound(monkeypatch):
    module = theorems.load("figure3_more_and_more")
    result = module.check()
    assert result.verdict == "PASS"
    assert result.quantity.startswith("bound >= 2: 1.00, bound >= 4: 1.00, bound >= 8: 0.50")
    monkeypatch.setattr(module, "width_bound", lambda figure, R, seed: 1)
    broken = module.check()
    assert broken.verdict == "FAIL"
    assert "bound >= 2: the fraction does NOT grow to R = 8" in broken.details
