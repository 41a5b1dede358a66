"""Structural certificates for a tree family: seed 000, Theorem 3's HT network, every N = 2^L.

A family of kind "ht-levels" (tensor.family) is the hierarchical network of seed 000 (F = I,
identity activation, product pooling over windows of 2, the contiguous tree) whose every node
of a level carries that level's weights: "leaf" (r_0 × M, the level-0 convs), "level1"
(r × r_0), "inner" (r × r, every level from 2 on) and "output" (r). Its claim (kind "formula",
relation "eq", "size": "2**l", "n_min": 2, "T": "2*n") says that for every N = 2n = 2^L >= 4
the odd-even rank equals claim.formula at n. :func:`verify_tree` trusts nothing else in the
file: it runs the induction over the tree's levels of
:func:`~exactrank.allsizes.hierarchical.prove_ht_rank` on the file's weights (level-1 conv
outputs c·D computed, the coefficient vectors under c ↦ W(c ∘ c) finite and closed, the
output κ nonzero on each), applies the Kronecker rule to A_N = κ D^{⊗n} and compares the
rank with the formula (:mod:`.sequences`, exactly at every n). No witness is needed: the
coefficient vectors are recomputed.
"""

from __future__ import annotations

from ..errors import LimitError
from .cert_json import KIND, _numbers, _provenance, _text
from .hierarchical import prove_ht_rank
from .identity import ProofStepFailed
from .rules import n
from .sequences import same_for_every_n
from .structural import SYMBOLS, compare, parse_formula

TREE_KIND = "ht-levels"
MAX_WIDTH = 64  # M, r_0 and r of a tree family from a file
_SHAPES = {"leaf": ("r_0", "M"), "level1": ("r", "r_0"), "inner": ("r", "r"), "output": ("r",)}


def make_tree_certificate(weights, formula: str, theorem: str = "") -> dict:
    """A structural certificate that the odd-even rank of the tree family of ``weights``
    (leaf, level 1, inner, output) is ``formula`` (in n = N/2 or T = N) for every N = 2^L
    >= 4; checked before it is returned."""
    family = {"kind": TREE_KIND, "M": int(weights[0].shape[1])}
    family.update({name: _text(w) for name, w in zip(_SHAPES, weights, strict=True)})
    cert = {
        "format": "exactrank-certificate",
        "version": 1,
        "claim": {
            "kind": KIND,
            "relation": "eq",
            "field": "QQ",
            "size": "2**l",
            "n_min": 2,
            "T": "2*n",
            "formula": formula,
        },
        "tensor": {"family": family},
        "witness": {},
        "provenance": _provenance(theorem),
    }
    verify_tree(cert["claim"], family)
    return cert


def verify_tree(claim: dict, family: dict) -> str:
    """Check the claim of a tree family (see the module docstring); returns what was proven,
    raises :class:`ProofStepFailed` naming the failing step, :class:`LimitError` past
    MAX_WIDTH."""
    expected = {"relation": "eq", "field": "QQ", "size": "2**l", "n_min": 2}
    if any(claim.get(key) != value for key, value in expected.items()) or (
        type(claim.get("n_min")) is not int
    ):
        raise ProofStepFailed(
            'claim: a tree family expects "relation": "eq", "field": "QQ", "size": "2**l", '
            '"n_min": 2 (every N = 2n = 2^L >= 4)'
        )
    if not same_for_every_n(parse_formula(claim.get("T")), 2 * n):
        raise ProofStepFailed('claim.T: a tree family has N = 2n leaves, "T": "2*n"')
    weights = [_numbers(family.get(name), f"tensor.family.{name}") for name in _SHAPES]
    sizes = {}
    for (name, dims), w in zip(_SHAPES.items(), weights, strict=True):
        if w.ndim != len(dims) or 0 in w.shape:
            raise ProofStepFailed(f"tensor.family.{name}: expected {' × '.join(dims)} numbers")
        if max(w.shape) > MAX_WIDTH:
            raise LimitError(f"tensor.family: a width of {max(w.shape)}, more than {MAX_WIDTH}")
        for dim, size in zip(dims, w.shape, strict=True):
            if sizes.setdefault(dim, size) != size:
                raise ProofStepFailed(
                    f"tensor.family.{name}: {dim} = {size}, but {sizes[dim]} elsewhere"
                )
    if family.get("M") != sizes["M"]:
        raise ProofStepFailed(f"tensor.family.M: the leaf has M = {sizes['M']} columns")
    step, vectors = prove_ht_rank(lambda *_: tuple(weights), sizes["M"], sizes["r_0"], sizes["r"])
    formula = parse_formula(claim.get("formula")).subs(SYMBOLS["T"], 2 * n)
    compare(step.rank, formula)
    return (
        f"rank = {formula} for every n = N/2 = 2^l >= 2 ({step.rule}: {step.reason}); "
        f"{vectors}, closed, κ ≠ 0"
    )
