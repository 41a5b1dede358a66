"""Proofs for every size: structural rank certificates, checked symbolically (issue 14).

A family of grids indexed by n (T/2 pairs, the steps of an RNN, …) is proven to satisfy a rank
formula for every n in three parts: the family identity (the matricization at size n is a sum
of Kronecker products of fixed exact matrices), proven by induction over the network's own
recursion with a finite exact check (:mod:`.automaton`, :mod:`.identity`); its rank by rules
whose side conditions are checked exactly on the fixed factors (:mod:`.rules`); the resulting
sympy expression compared with the paper's formula (:mod:`.structural`). The certificates of
claim kind "formula" (a rank formula, or a grid identity) live in :mod:`.certificate` (trees,
seed 000's Theorem 3: :mod:`.tree_certificate`); the papers' families in :mod:`.families`.
docs/all-sizes.md works seed 001, Lemma A.2 through end to end.
"""

from .automaton import BlockFamily, FamilyError, reachable_states
from .certificate import make_certificate, make_grid_certificate, verify_structural
from .families import lemma_a2_family, lemma_a2_witness, one_hot_family, one_hot_witness
from .identity import IdentityTerm, ProofStepFailed, prove_identity
from .rules import AllSizesError, KroneckerTerm, RankStep, RuleRefused, n
from .structural import RankProof, derive_rank, parse_formula, prove_rank_formula
from .tree_certificate import make_tree_certificate

__all__ = [
    "AllSizesError",
    "BlockFamily",
    "FamilyError",
    "IdentityTerm",
    "KroneckerTerm",
    "ProofStepFailed",
    "RankProof",
    "RankStep",
    "RuleRefused",
    "derive_rank",
    "lemma_a2_family",
    "lemma_a2_witness",
    "make_certificate",
    "make_grid_certificate",
    "make_tree_certificate",
    "n",
    "one_hot_family",
    "one_hot_witness",
    "parse_formula",
    "prove_identity",
    "prove_rank_formula",
    "reachable_states",
    "verify_structural",
]
