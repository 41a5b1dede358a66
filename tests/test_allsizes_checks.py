"""The all-sizes checks other than Lemma A.2 (proofs/*_all_sizes.py): PASS with "all sizes"
in their row, and FAIL when their construction is broken."""

from __future__ import annotations

import numpy as np

from exactrank.constructions import universal_rnn
from exactrank.theorems import load


def _twice_one_hot(index, M):
    """A broken Lemma 5.2 construction: the grid 2·E^(j)."""
    H = np.zeros((M,) * len(index), dtype=object)
    H[tuple(index)] = 2
    return universal_rnn(H)


def test_lemma_5_2_all_sizes_passes():
    result = load("lemma_5_2_all_sizes").check()
    assert result.verdict == "PASS", result.details
    assert "all sizes" in result.largest
    assert "reachable states (0, 1), (1, 1), closed" in result.details[0]


def test_lemma_5_2_all_sizes_fails_on_a_broken_construction(monkeypatch):
    module = load("lemma_5_2_all_sizes")
    monkeypatch.setattr(module, "construction", _twice_one_hot)
    result = module.check()
    assert result.verdict == "FAIL"
    assert "letter 0: the matched term is not e_ℓ ⊗ e_ℓ ⊗ … ⊗ e_ℓ" in "\n".join(result.details)
