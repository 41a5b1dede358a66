"""The all-sizes checks other than Lemma A.2 (proofs/*_all_sizes.py): PASS with "all sizes"
in their row, and FAIL when their construction is broken."""

from __future__ import annotations

import numpy as np

from exactrank.checks.theorems import load
from exactrank.constructions import universal_rnn


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
    assert "M=2 T=1: the grid differs from E^(j) at j = (0,)" in "\n".join(result.details)


def test_lemma_5_2_all_sizes_fails_on_a_broken_family(monkeypatch):
    from exactrank.allsizes import one_hot_family

    module = load("lemma_5_2_all_sizes")
    monkeypatch.setattr(module, "family_of", lambda M: one_hot_family(M, _twice_one_hot))
    result = module.check()
    assert result.verdict == "FAIL"
    assert "letter 0: the matched term is not e_ℓ ⊗ e_ℓ ⊗ … ⊗ e_ℓ" in "\n".join(result.details)


def test_the_one_hot_family_from_definitions_is_the_construction_read_off():
    import itertools

    from exactrank.allsizes import one_hot_family
    from exactrank.constructions import one_hot_rnn

    for M in (2, 3):
        ours, read = one_hot_family(M), one_hot_family(M, one_hot_rnn)
        for j in itertools.product(range(M), repeat=4):
            model = one_hot_rnn(j, M)
            assert ours.same_network(model, 2, j) and read.same_network(model, 2, j)
            assert not ours.same_network(_twice_one_hot(j, M), 2, j)


def test_seed000_claim_2_all_sizes_passes():
    result = load("seed000_claim_2_all_sizes").check()
    assert result.verdict == "PASS", result.details
    assert "all sizes" in result.largest
    assert "rank <= r_0 for every N, partition and weights" in result.details[0]


def test_seed000_claim_2_all_sizes_fails_with_too_few_terms(monkeypatch):
    module = load("seed000_claim_2_all_sizes")
    monkeypatch.setattr(module, "terms", 1)
    result = module.check()
    assert result.verdict == "FAIL"
    assert "is not (U diag(λ) V) with 1 inner terms" in "\n".join(result.details)


def test_seed000_claim_2_all_sizes_fails_with_a_broken_step(monkeypatch):
    import exactrank.allsizes.cp as cp

    monkeypatch.setattr(cp, "row_step", lambda u, v, a: (u, v))
    result = load("seed000_claim_2_all_sizes").check()
    assert result.verdict == "FAIL"
    assert "inductive step (mode added to I)" in result.details[0]


def test_seed000_theorem_3_all_sizes_passes():
    result = load("seed000_theorem_3_all_sizes").check()
    assert result.verdict == "PASS", result.details
    assert "all sizes" in result.largest
    assert "M=3 r_0=3 r=2: rank = 3**n = min(r_0, M)^(N/2) for every N" in "\n".join(result.details)


def test_seed000_theorem_3_all_sizes_fails_on_broken_weights(monkeypatch):
    from exactrank.allsizes.hierarchical import proof_network
    from exactrank.models import HierarchicalNetwork

    def all_ones_leaves(M, r0, r, N):
        model = proof_network(M, r0, r, N)
        weights = [list(level) for level in model.weights]
        weights[0] = [np.ones((r0, M), dtype=object)] * N
        return HierarchicalNetwork(model.tree, weights, model.output)

    module = load("seed000_theorem_3_all_sizes")
    monkeypatch.setattr(module, "construction", all_ones_leaves)
    result = module.check()
    assert result.verdict == "FAIL"
    assert "N=2: the network is not the family's (its weights differ)" in "\n".join(result.details)


def test_seed000_theorem_3_all_sizes_fails_on_a_broken_family(monkeypatch):
    from exactrank.allsizes.hierarchical import proof_weights

    def all_ones_leaves(M, r0, r):
        leaf, level1, inner, out = proof_weights(M, r0, r)
        return leaf * 0 + 1, level1, inner, out

    module = load("seed000_theorem_3_all_sizes")
    monkeypatch.setattr(module, "weights", all_ones_leaves)
    result = module.check()
    assert result.verdict == "FAIL"
    assert "base case: the level-1 conv output 0 is not c · D" in "\n".join(result.details)


def test_theorem_5_2_corrected_all_sizes_passes():
    result = load("theorem_5_2_corrected_all_sizes").check()
    assert result.verdict == "PASS", result.details
    assert "all sizes" in result.largest
    text = "\n".join(result.details)
    assert "Lemma A.1 for every T = 2n: rank <= M*W*n + W <= W·T·M" in text
    assert "M=3 R=2: for every T = 2n, W >= 2**n/(6*n) and W >= (2**n + 1)/(3*n + 1)" in text


def test_theorem_5_2_corrected_all_sizes_fails_on_a_broken_construction(monkeypatch):
    from test_allsizes_lemma_a2 import _broken

    from exactrank.allsizes import lemma_a2_family

    module = load("theorem_5_2_corrected_all_sizes")
    monkeypatch.setattr(module, "construction", _broken)
    result = module.check()
    assert result.verdict == "FAIL"
    assert "T=2: the construction's network is not the family's" in "\n".join(result.details)
    monkeypatch.setattr(module, "family_of", lambda M, R: lemma_a2_family(M, R, _broken))
    result = module.check()
    assert result.verdict == "FAIL"
    assert "M=2 R=2: no proof for all T: reachable states" in "\n".join(result.details)


def test_theorem_5_2_corrected_all_sizes_fails_without_lemma_a1(monkeypatch):
    import exactrank.allsizes.shallow_relu as shallow_relu

    monkeypatch.setattr(shallow_relu, "fold_split", lambda: False)
    result = load("theorem_5_2_corrected_all_sizes").check()
    assert result.verdict == "FAIL"
    assert "does not split into rows and columns" in result.details[0]
