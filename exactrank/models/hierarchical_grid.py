"""Grid tensors of hierarchical networks: the tree recursion of seed 000 (§3–4, eq. 1–3).

Bottom-up over the levels of the mode tree, every node v holds its conv output on every
assignment of templates to its modes: a (M^{|modes(v)|}, r) array whose rows are the C-order
over v's modes *in the tree's leaf order*. A window pools its children's activated arrays
with the generalized outer product ⊗_g (seed 000, eq. 3): Z[i_1, …, i_k, γ] =
P{σ(X_1[i_1, γ]), …, σ(X_k[i_k, γ])}, then the node's 1×1 conv contracts γ. The root's conv
is the dense output, and its rows are finally permuted to the mode order 0 … N−1.

Everything runs on the exact arithmetic ladder of :mod:`exactrank.models.arithmetic` (scaled
integers over QQ, residues over GF(p), float64 on the fast path): no Python loop runs over
grid entries, only over nodes and over blocks of rows that bound the memory of Z.
"""

from __future__ import annotations

import numpy as np

from ..numbers.domains import Field
from ..numbers.kernels import align, max_abs
from .arithmetic import features_times, scalar_domain
from .hierarchical import HierarchicalNetwork

_CHUNK_ENTRIES = 1 << 18  # entries of the pooled block Z formed at once (memory bound)


def hierarchical_grid(model: HierarchicalNetwork, arith):
    """The whole grid as flat C-order values over the modes 0 … N−1, and its denominator.

    The grid tensor of seed 000, §3, by the hierarchical decomposition of the tree (§3,
    Example 2 for HT; §4.1, the generalized decomposition D_g with ⊗_g of eq. 3).
    """
    M, N = model.M, model.N
    arrays = {mode: activated(model, 0, arith, *leaf_conv(model, arith, mode)) for mode in range(N)}
    for l in range(1, model.L + 1):
        pool = model.pooling[l - 1]
        for k, node in enumerate(model.levels[l]):
            W, w_den = conv(model, arith, l, k)
            children = [arrays.pop(child) for child in node]
            X, den = _pool_outer(arith, pool, children, W, w_den)
            arrays[node] = activated(model, l, arith, X, den)
    values, den = arrays.pop(model.tree)
    order = model.leaf_order
    inverse = tuple(order.index(mode) for mode in range(N))
    values = values[:, 0].reshape((M,) * N).transpose(inverse)
    return np.ascontiguousarray(values).reshape(-1), den


def hierarchical_entries(model: HierarchicalNetwork, arith, indices: np.ndarray):
    """Entries Γ[i] for each row i of ``indices`` (B, N): the same recursion, row by row
    (seed 000, §3 and §4.1, as :func:`hierarchical_grid`)."""
    arrays = {}
    for mode in range(model.N):
        A, den = leaf_conv(model, arith, mode)
        arrays[mode] = activated(model, 0, arith, A[indices[:, mode]], den)
    for l in range(1, model.L + 1):
        pool = model.pooling[l - 1]
        for k, node in enumerate(model.levels[l]):
            W, w_den = conv(model, arith, l, k)
            Z, z_den = pool_rows(arith, pool, [arrays.pop(child) for child in node])
            arrays[node] = activated(model, l, arith, contract(arith, Z, W), z_den * w_den)
    values, den = arrays.pop(model.tree)
    return values[:, 0], den


def pool_rows(arith, pool, children):
    """P{σ(X_1), …, σ(X_k)} row by row, channel by channel, of a window's k activated
    children (each a (values, den) pair over the same rows): the pooling of one window, the
    activation-pooling operator g(a, b) = P{σ(a), σ(b)} of seed 000, eq. 3, on paired rows."""
    Z, z_den = children[0]
    for X, x_den in children[1:]:
        Z, z_den = arith.xi(pool.fold, Z, z_den, X, x_den)
    if pool.mean:
        Z, z_den = arith.divide(Z, z_den, len(children))
    return Z, z_den


def leaf_conv(model: HierarchicalNetwork, arith, mode: int):
    """Row m is W_mode f(x^(m)): the leaf conv of every template, F W^T of shape (M, r_0)
    (seed 000, §3, fig. 2: the representation followed by the first 1×1 conv)."""
    FW = features_times(model.F, model.weights[0][mode].T)
    return arith.lift(FW, f"F·weights[0][{mode}]^T")


def conv(model: HierarchicalNetwork, arith, l: int, k: int):
    """W_v^T (r_{l−1}, r_l) of the k-th node of level l; the dense output at the root
    (seed 000, §3, fig. 2: a hidden layer's 1×1 conv, the output layer at the root)."""
    if l == model.L:
        return arith.lift(model.output.reshape(-1, 1), "output")
    return arith.lift(model.weights[l][k].T, f"weights[{l}][{k}]")


def activated(model: HierarchicalNetwork, l: int, arith, X: np.ndarray, den: int):
    """σ_l of a level-l conv output; the root (level L) has no activation: it is the score
    (seed 000, §4.1: the point-wise activation σ after each conv)."""
    if l == model.L:
        return X, den
    return model.activation[l](X), den  # σ is positively homogeneous: den is unchanged


def _pool_outer(arith, pool, children, W: np.ndarray, w_den: int):
    """⊗_g of the children (seed 000, eq. 3) followed by the conv W.

    Row (i_1, …, i_k) of the result (C-order) pools row i_c of child c, channel by channel.
    Product and mean pooling never form the pooled block Z (k children's rows times r
    channels): the conv is linear, so

        Σ_γ Π_c X_c[i_c, γ] W[γ, δ] = (X_1 ⊗ … ⊗ X_{k−1})[i_1…i_{k−1}, :] @ B[:, (i_k, δ)],
        B[γ, (j, δ)] = X_k[j, γ] W[γ, δ]   (product: one matrix product per block of rows),
        Σ_γ (Σ_c X_c[i_c, γ]) W[γ, δ] = Σ_c (X_c @ W)[i_c, δ]   (mean, then divided by k).

    Max pooling (QQ only) pools the rows first, in blocks that bound the memory of Z.
    """
    if len(children) == 1:  # a window of one mode: P{c} = c for every pooling
        (X, x_den), *_ = children
        return contract(arith, X, W), x_den * w_den
    if pool.fold.name == "product":
        *rows, (last, last_den) = children
        B, b_den = arith.xi(pool.fold, last.T[:, :, None], last_den, W[:, None, :], w_den)
        B = np.ascontiguousarray(B).reshape(W.shape[0], -1)
        parts, den = [], 1
        for Z, z_den in _outer_blocks(arith, pool, rows):
            parts.append(contract(arith, Z, B).reshape(-1, W.shape[1]))
            den = z_den * b_den
        return np.concatenate(align(parts, 0)), den
    if pool.mean:
        convolved = [(contract(arith, X, W), x_den * w_den) for X, x_den in children]
        (Y, den), rest = convolved[0], convolved[1:]
        for X, x_den in rest:
            Y, den = arith.xi(pool.fold, Y[..., None, :], den, X, x_den)
        Y = np.ascontiguousarray(Y).reshape(-1, W.shape[1])
        return arith.divide(Y, den, len(children))
    parts, den = [], 1
    for Z, z_den in _outer_blocks(arith, pool, children):
        parts.append(contract(arith, Z, W))
        den = z_den * w_den
    return np.concatenate(align(parts, 0)), den


def _outer_blocks(arith, pool, children):
    """The fold of ``pool`` over the outer product of the children's rows, channel by
    channel, as (Z, den) blocks of rows in C-order (each about _CHUNK_ENTRIES entries)."""
    (first, first_den), rest = children[0], children[1:]
    r = first.shape[1]
    per_row = r * int(np.prod([X.shape[0] for X, _ in rest], dtype=np.int64))
    step = max(1, _CHUNK_ENTRIES // max(1, per_row))
    for start in range(0, first.shape[0], step):
        Z, den = first[start : start + step], first_den
        for X, x_den in rest:
            Z, den = arith.xi(pool.fold, Z[..., None, :], den, X, x_den)
        yield np.ascontiguousarray(Z).reshape(-1, r), den


def contract(arith, Z: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Z @ W exactly (no paper equation: the conv's arithmetic). Deep in the tree the numerators
    outgrow int64 (a product of windows multiplies their bit lengths' sum). On Python integers
    numpy's object matmul costs one big-integer product per (row, inner index, column), while the
    limb-split BLAS product of :func:`~exactrank.numbers.kernels.exact_matmul` costs about one
    big-integer pass over the result per pair of 26-bit limbs: the object product wins while the
    inner dimension is at most that number of pairs (measured: Z of 65536 × 2 entries of 1000 bits
    times 2 columns, 0.02 s against 2.2 s)."""
    if Z.dtype != object or Z.shape[1] > _limbs(Z) * _limbs(W):
        return arith.matmul(Z, W)
    W = W.astype(np.int64).astype(object) if W.dtype == np.float64 else W.astype(object)
    return arith.narrow(arith.reduce(Z @ W))


def _limbs(X: np.ndarray) -> int:
    """How many 26-bit limbs the largest entry of X needs."""
    return max(1, -(-max_abs(X).bit_length() // 26))


def hierarchical_score(model: HierarchicalNetwork, sequence, field: Field):
    """The network run on one sequence by plain Python loops, node by node: the
    brute-force evaluator behind :func:`~exactrank.models.grid.score`. Fractions over QQ, residues
    over GF(p), floats in the float field. The network of seed 000, §3 (fig. 2) with σ and P of
    §4.1, on one sequence: one entry of the grid tensor of §3.
    """
    ops = ScalarOps(field)
    values = {mode: ops.leaf(model, mode, m) for mode, m in enumerate(sequence)}
    for l in range(1, model.L + 1):
        for k, node in enumerate(model.levels[l]):
            pooled = ops.pool(model, l, [values.pop(child) for child in node])
            W = model.output.reshape(1, -1) if l == model.L else model.weights[l][k]
            values[node] = ops.conv(W, pooled)
    return values[model.tree][0]


class ScalarOps:
    """The scalar steps of a hierarchical network on one sequence, as plain Python loops
    over Fractions (QQ), residues (GF(p)) or floats: the brute-force evaluators' parts (seed
    000, §3, fig. 2, and §4.1: conv, activation σ, pooling P)."""

    def __init__(self, field: Field):
        self.num = scalar_domain(field)
        if field.kind == "GF":
            p = field.p
            self._divide = lambda v, k: v * pow(k, -1, p) % p
        else:
            self._divide = lambda v, k: v / k

    def leaf(self, model: HierarchicalNetwork, mode: int, m: int) -> list:
        """The leaf conv of ``mode`` on template m: W_mode f(x^(m)) (seed 000, §3, fig. 2)."""
        return self.conv(model.weights[0][mode], [self.num(v) for v in model.F[m]])

    def conv(self, W: np.ndarray, vector: list) -> list:
        """W · vector: a 1×1 conv or the dense output (seed 000, §3, fig. 2)."""
        num = self.num
        return [
            num(sum(num(w) * v for w, v in zip(W[g], vector, strict=True)))
            for g in range(W.shape[0])
        ]

    def add(self, u: list, v: list) -> list:
        """u + v entry by entry: a mixed network adds what it exchanges (seed 000, §8)."""
        return [self.num(a + b) for a, b in zip(u, v, strict=True)]

    def pool(self, model: HierarchicalNetwork, l: int, children: list) -> list:
        """The window of level l over its children's level-(l−1) conv outputs:
        P_{l−1}{σ_{l−1}(child)} channel by channel (seed 000, §4.1, eq. 3, over a window)."""
        num, sigma, pool = self.num, model.activation[l - 1], model.pooling[l - 1]
        activated = [[num(sigma(v)) for v in child] for child in children]
        pooled = []
        for g in range(len(activated[0])):
            result = activated[0][g]
            for child in activated[1:]:
                result = num(pool.fold(result, child[g]))
            pooled.append(self._divide(result, len(children)) if pool.mean else result)
        return pooled
