"""Seed 000, §4.1: the generalized decomposition D_g is the grid of the σ/P network.

Claim (seed 000, §4.1, after Cohen & Shashua, ICML 2016): with point-wise activations σ
after each convolution and pooling P in place of product pooling, define the
activation-pooling operator g(a, b) = P{σ(a), σ(b)} (eq. 3) and the generalized tensor
product (A ⊗_g B)_{d_1…d_{P+Q}} = g(A_{d_1…d_P}, B_{d_{P+1}…d_{P+Q}}); replacing every ⊗ of
the hierarchical decomposition D by ⊗_g gives D_g, and "grid tensors of functions realized
by the convolutional network with activation σ(·) and pooling P{·} are precisely the
tensors represented by the generalized decomposition D_g".

Definitions: the decomposition D of a network over a full binary mode tree (seed 000,
footnote 4; COLT 2016's HT decomposition over any such tree) is, in the notation a^{l,j,γ}:

    φ^{0,j,α} = F a^{0,j,α} ∈ R^M          (leaf j's conv on the M templates, f(x^(m)) = F[m])
    φ^{v,γ}   = Σ_α a^{v,γ}_α · φ^{c_1,α} ⊗ φ^{c_2,α}    (node v with children c_1, c_2)
    A^y       = Σ_α a^{L,y}_α · φ^{c_1,α} ⊗ φ^{c_2,α}    (the root, with the dense output)

and D_g the same with ⊗_g. It is computed here by its own recursion, in Python Fractions
(residues mod p over GF(p)), σ and P written out in this script, the modes of each φ kept
in the tree's left-to-right order and permuted to 0 … N−1 at the end. It is compared
entry by entry with :func:`exactrank.grid_tensor` of the
:class:`exactrank.HierarchicalNetwork` with the same weights (its own recursion,
:mod:`exactrank.models.hierarchical_grid`: conv, σ, pooling of whole windows, on scaled integers).

Instances: σ/P = relu/max, relu/mean (the convolutional rectifier networks of §4.1),
identity/product (the arithmetic circuit, g = multiplication: D itself) over QQ and GF(p),
p = 2^61 − 1, and identity/mean over GF(p); on the trees (0, 1), the contiguous pairs of
N = 4 and 8, the mirror tree of N = 8, the dilated tree (2, 1, 4) and a tree no dilation
gives, (((0, 3), (1, 5)), ((2, 7), (4, 6))); M = 3 (N ≤ 4) or 2 (N = 8), widths 2, 3, 2
(leaves first), weights from :func:`exactrank.random_hierarchical` and a random invertible
F (integers over GF(p), with denominators over QQ). ``--full`` adds M = 3 at N = 8. A
PASS needs every grid equal to D_g and not identically zero. No certificates are saved.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.geometry.trees import contiguous_tree, dilated_tree, mirror_tree
from exactrank.models.hierarchical import node_modes
from exactrank.sampling import random_invertible

NAME = "seed000_generalized_decomposition"
CLAIM = (
    "the generalized decomposition D_g, g(a, b) = P{sigma(a), sigma(b)}, is the grid tensor of "
    "the sigma/P network (seed 000, §4.1, eq. 3)"
)
EXPECTED = "PASS"
PRIME = 2**61 - 1
GF = f"GF({PRIME})"
SIGMA = {"identity": lambda x: x, "relu": lambda x: x if x > 0 else 0 * x}  # types kept
POOL = {
    "product": lambda a, b: a * b,
    "max": max,
    "mean": lambda a, b: Fraction(a + b) / 2,
}
OPERATORS = [  # (σ, P, field)
    ("relu", "max", "QQ"),
    ("relu", "mean", "QQ"),
    ("identity", "product", "QQ"),
    ("identity", "product", GF),
    ("identity", "mean", GF),
]
TREES = [
    (0, 1),
    contiguous_tree(4),
    contiguous_tree(8),
    mirror_tree(8),
    dilated_tree((2, 1, 4)),
    (((0, 3), (1, 5)), ((2, 7), (4, 6))),
]
WIDTHS = (2, 3, 2)


def templates(N: int, full: bool) -> int:
    """M: 3 for N <= 4, 2 for N = 8 (3 with ``--full``)."""
    return 3 if N <= 4 or full else 2


def build(tree, M: int, activation: str, pooling: str, field: str, seed: int):
    """The network: random_hierarchical's weights, widths 2, 3, 2, a random invertible F."""
    depth = _depth(tree)
    model = er.random_hierarchical(
        tree, M, WIDTHS[:depth], field=field, seed=seed, activation=activation, pooling=pooling
    )
    F = random_invertible(M, random.Random(seed), den=1 if field == GF else 3)
    return er.HierarchicalNetwork(tree, model.weights, model.output, F, activation, pooling)


def _depth(tree) -> int:
    return 0 if isinstance(tree, int) else 1 + _depth(tree[0])


# ---------------------------------------------------------------- D_g, written out


def generalized_product(A: np.ndarray, B: np.ndarray, g) -> np.ndarray:
    """(A ⊗_g B)[d_1 … d_{P+Q}] = g(A[d_1 … d_P], B[d_{P+1} … d_{P+Q}]) (seed 000, §4.1)."""
    out = np.empty(A.shape + B.shape, dtype=object)
    for i, a in np.ndenumerate(A):
        for j, b in np.ndenumerate(B):
            out[i + j] = g(a, b)
    return out


def decomposition(model: er.HierarchicalNetwork, sigma: str, pool: str, p: int | None):
    """D_g of the model's weights, its modes in the order 0 … N−1: an object array of
    Fractions (p None) or of residues mod p."""

    def field(x):
        if not isinstance(x, int | Fraction):
            raise er.ExactRankError(f"D_g left exact arithmetic: {type(x).__name__} {x!r}")
        return x % p if p is not None else x

    def g(a, b):
        if p is not None and pool == "mean":  # (a + b) / 2 in GF(p): times the inverse of 2
            return field((SIGMA[sigma](a) + SIGMA[sigma](b)) * pow(2, -1, p))
        return field(POOL[pool](SIGMA[sigma](a), SIGMA[sigma](b)))

    F = [[Fraction(x) for x in row] for row in model.F.tolist()]
    seen = [0] * (model.L + 1)

    def phi(node, height):
        """(tensors φ^{node, γ} for every γ, the modes of their axes)."""
        if isinstance(node, int):
            W = model.weights[0][node]
            vectors = [
                np.array([field(_dot(W[a], F[m])) for m in range(model.M)], dtype=object)
                for a in range(W.shape[0])
            ]
            return vectors, (node,)
        (left, lmodes), (right, rmodes) = (phi(child, height - 1) for child in node)
        k, seen[height] = seen[height], seen[height] + 1
        W = model.output.reshape(1, -1) if height == model.L else model.weights[height][k]
        products = [generalized_product(x, y, g) for x, y in zip(left, right, strict=True)]
        tensors = []
        for row in W:
            total = sum((Fraction(w) * t for w, t in zip(row, products, strict=True)), start=0)
            tensors.append(np.vectorize(field, otypes=[object])(total))
        return tensors, lmodes + rmodes

    (A,), modes = phi(model.tree, model.L)
    return A.transpose([modes.index(m) for m in range(model.N)])


def _dot(u, v):
    return sum((Fraction(a) * b for a, b in zip(u, v, strict=True)), start=Fraction(0))


def network_grid(model: er.HierarchicalNetwork, field: str) -> np.ndarray:
    """exactrank's grid of the network, as Fractions (QQ) or residues (GF(p))."""
    grid = er.grid_tensor(model, field)
    return grid.to_fractions() if field == "QQ" else np.asarray(grid.values, dtype=object)


# ------------------------------------------------------------------------------ check


def check(full: bool = False, certs=None) -> CheckResult:
    details, instances, failures, largest = [], 0, 0, (0, "", "")
    for t, tree in enumerate(TREES):
        for o, (sigma, pool, field) in enumerate(OPERATORS):
            instances += 1
            N = len(node_modes(tree))
            M = templates(N, full)
            model = build(tree, M, sigma, pool, field, seed=100 * t + o)
            p = PRIME if field == GF else None
            expected = decomposition(model, sigma, pool, p)
            got = network_grid(model, field)
            if largest[0] < expected.size:
                instance = f"{sigma}/{pool}, M = {M}, N = {N}, tree {tree}"
                largest = (expected.size, instance, f"{expected.size} entries: grid = D_g")
            where = f"{sigma}/{pool} over {field[:2]}, tree {tree}, M={M}"
            if got.shape != expected.shape or not np.array_equal(got, expected):
                failures += 1
                wrong = int(np.sum(got != expected)) if got.shape == expected.shape else "all"
                details.append(f"{where}: the network's grid differs from D_g in {wrong} entries")
            elif not np.any(expected != 0):
                failures += 1
                details.append(f"{where}: vacuous: D_g is identically zero")
            else:
                nonzero = int(np.sum(expected != 0))
                details.append(
                    f"{where}: grid = D_g on {expected.size} entries ({nonzero} nonzero)"
                )
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest=largest[1],
        quantity=largest[2],
    )


if __name__ == "__main__":
    run_script(check)
