"""Grid tensors of overlapping networks: GC layers (seed 000, §6, fig. 5) run on tables.

Every output position of every layer depends on a set of input modes, its *support* (the
receptive field clipped by the padding). The recursion keeps, per position, its values on
every assignment of templates to its support: a (M^|support|, C_l) table whose rows are the
C-order over the support's modes in ascending order. A position of layer l pools its block:
for each block position k, the child's table is mapped by the 1×1 conv (W_l[k], plus the
bias), its rows are gathered to the parent's support, and the factors are multiplied
channel by channel. The last layer's positions are pooled by product into one table over
all N modes (ascending: the grid's own C-order), and the dense output contracts it.

Weights are shared across positions, so positions whose blocks have the same shape (all
but those near the padding) have the same table; tables are built once per *signature*
(the block's children, their signatures and their supports relative to the parent's).

:func:`overlapping_entries` runs the same recursion on a batch of sequences: tables while
they are smaller than the batch, then one row per sequence. Everything runs on the exact
arithmetic ladder of :mod:`exactrank.models.arithmetic` (scaled integers over QQ, residues over
GF(p), float64 on the fast path); Python loops run over positions, never over grid entries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..numbers.domains import Field
from ..numbers.kernels import align, max_abs, storage_for, to_storage
from .arithmetic import ExactArithmetic, scalar_domain
from .operators import PRODUCT
from .overlapping import OverlappingNetwork


@dataclass(frozen=True, eq=False)
class _Node:
    """One position's values: a table over its support (rows: the C-order over the
    support's modes), identified by its ``signature``, or (``signature`` None) one row per
    sequence of the batch."""

    support: tuple[int, ...]
    values: np.ndarray
    den: int
    signature: int | None


def overlapping_grid(model: OverlappingNetwork, arith):
    """The whole grid as flat C-order values over the modes 0 … N−1, and its denominator: the
    grid tensor (seed 000, §3) of a network of GC layers (§6, fig. 5)."""
    return _run(model, arith, None)


def overlapping_entries(model: OverlappingNetwork, arith, indices: np.ndarray):
    """Entries Γ[i] for each row i of ``indices`` (B, N): the same recursion, batched (seed
    000, §6, fig. 5, as :func:`overlapping_grid`)."""
    return _run(model, arith, indices)


def _run(model: OverlappingNetwork, arith, indices):
    M, N = model.M, model.N
    batch = None if indices is None else indices.shape[0]
    limit = M**N if batch is None else batch  # the largest table worth building
    F, f_den = arith.lift(model.F, "F")
    nodes = [_Node((t,), F, f_den, 0) for t in range(N)]
    state = _State(arith, M, indices, limit)
    for l in range(model.L):
        W, b = model.kernel(l)
        W_num, w_den = arith.lift(W.transpose(0, 2, 1), f"weights[{l}]")  # (K, D, C)
        b_num, b_den = (None, 1) if b is None else arith.lift(b, f"biases[{l}]")
        conv = _Conv(l, W_num, w_den, b_num, b_den)
        nodes = [
            state.pool(
                l,
                [(k, nodes[q]) for k, q in enumerate(row) if q >= 0],
                lambda child, k, conv=conv: state.factor(child, conv, k),
            )
            for row in model.blocks(l)
        ]
    if len(nodes) > 1:  # global product pooling of the remaining positions (no conv)
        nodes = [state.pool(model.L, list(enumerate(nodes)), lambda child, k: _identity(child))]
    (root,) = nodes
    a, a_den = arith.lift(model.output.reshape(-1, 1), "output")
    values = _contract(arith, root.values, a)[:, 0]
    if batch is not None and root.signature is not None:
        values = values[_row_index(indices, root.support, M)]
    return values, root.den * a_den


@dataclass(frozen=True, eq=False)
class _Conv:
    """Layer l's 1×1 convs W_l[k]^T (K, D, C) and biases (K, C), lifted to the field."""

    layer: int
    W: np.ndarray
    w_den: int
    b: np.ndarray | None
    b_den: int


def _identity(child: _Node):
    return child.values, child.den


class _State:
    """The caches of one run: signatures, tables by signature, conv outputs by child."""

    def __init__(self, arith, M: int, indices, limit: int):
        self.arith, self.M, self.indices, self.limit = arith, M, indices, limit
        self.signatures: dict = {}
        self.tables: dict = {}
        self.factors: dict = {}

    def factor(self, child: _Node, conv: _Conv, k: int):
        """W_l[k] child + b_l[k] on each row of the child (a table or batch rows): the 1×1 conv
        of block position k in a GC layer's sub-network (seed 000, §6, fig. 5(b))."""
        key = (child.signature, conv.layer, k)
        if child.signature is not None and key in self.factors:
            return self.factors[key]
        arith = self.arith
        X = _contract(arith, child.values, conv.W[k])
        den = child.den * conv.w_den
        if conv.b is not None:
            X, den = _add_bias(arith, X, den, conv.b[k], conv.b_den)
        if child.signature is not None:
            self.factors[key] = (X, den)
        return X, den

    def pool(self, l: int, children, factor) -> _Node:
        """The product over a block of its children's factors, as a table when every child
        is one and the support is small enough, else one row per sequence: the global product
        pooling of a GC layer's sub-network (seed 000, §6, fig. 5(b))."""
        support = tuple(sorted(set().union(*(child.support for _, child in children))))
        signature = None
        if all(child.signature is not None for _, child in children) and (
            self.M ** len(support) <= self.limit
        ):
            base = support[0]
            shape = tuple(
                (k, child.signature, tuple(t - base for t in child.support))
                for k, child in children
            )
            signature = self.signatures.setdefault((l, shape), len(self.signatures) + 1)
            if signature in self.tables:
                return _Node(support, *self.tables[signature], signature)
        Z, den = None, 1
        for k, child in children:
            X, x_den = factor(child, k)
            if child.signature is not None:  # a table: gather its rows
                if signature is not None:
                    X = X[_sub_index(support, child.support, self.M)]
                else:
                    X = X[_row_index(self.indices, child.support, self.M)]
            if Z is None:
                Z, den = X, x_den
            else:
                Z, den = self.arith.xi(PRODUCT, Z, den, X, x_den)
        if signature is not None:
            self.tables[signature] = (Z, den)
        return _Node(support, Z, den, signature)


def _sub_index(support: tuple[int, ...], sub: tuple[int, ...], M: int) -> np.ndarray:
    """For each row of a table over ``support`` (C-order), the row of a table over ``sub``
    (a subset, ascending) holding the same templates on ``sub``'s modes."""
    n = len(support)
    rows = np.arange(M**n, dtype=np.int64)
    where = {t: i for i, t in enumerate(support)}
    index = np.zeros(M**n, dtype=np.int64)
    for t in sub:
        index = index * M + (rows // M ** (n - 1 - where[t])) % M
    return index


def _row_index(indices: np.ndarray, sub: tuple[int, ...], M: int) -> np.ndarray:
    """For each sequence of the batch, the row of a table over ``sub`` it falls in."""
    index = np.zeros(indices.shape[0], dtype=np.int64)
    for t in sub:
        index = index * M + indices[:, t]
    return index


def _contract(arith, Z: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Z @ W exactly. Python integers beyond int64 go through numpy's object matmul, which
    for the few channels of these networks beats the limb-split BLAS product (see
    :func:`exactrank.models.hierarchical_grid.contract`, where this was measured)."""
    if Z.dtype != object:
        return arith.matmul(Z, W)
    W = W.astype(np.int64).astype(object) if W.dtype == np.float64 else W.astype(object)
    return arith.narrow(arith.reduce(Z @ W))


def _add_bias(arith, X: np.ndarray, x_den: int, b: np.ndarray, b_den: int):
    """X / x_den + b / b_den for every row of X, as (numerators, x_den · b_den)."""
    if not isinstance(arith, ExactArithmetic):
        return X + b, 1
    shift = np.array([int(v) * x_den for v in b.tolist()], dtype=object)
    shift = to_storage(shift, storage_for(max_abs(shift)))
    if b_den != 1:
        (X,) = align([X], max_abs(X) * b_den)
        X = X * b_den
    X, shift = align([X, shift], max_abs(X) + max_abs(shift))
    return arith.narrow(arith.reduce(X + shift)), x_den * b_den


def overlapping_score(model: OverlappingNetwork, sequence, field: Field):
    """The network run on one sequence by plain Python loops, layer by layer and block by
    block (the definition in :mod:`exactrank.models.overlapping`): the brute-force evaluator
    behind :func:`~exactrank.models.grid.score`. Fractions over QQ, residues over GF(p), floats in
    the float field. The GC layers of seed 000, §6, fig. 5, on one sequence.
    """
    num = scalar_domain(field)
    X = [[num(v) for v in model.F[m]] for m in sequence]
    for l in range(model.L):
        W, b = model.kernel(l)
        Y = []
        for block in model.blocks(l).tolist():
            fiber = []
            for c in range(W.shape[1]):
                value = num(1)
                for k, q in enumerate(block):
                    if q < 0:  # padding: the factor 1
                        continue
                    linear = sum(num(W[k, c, d]) * X[q][d] for d in range(W.shape[2]))
                    if b is not None:
                        linear += num(b[k, c])
                    value = num(value * num(linear))
                fiber.append(value)
            Y.append(fiber)
        X = Y
    pooled = []
    for c in range(len(X[0])):
        value = num(1)
        for fiber in X:
            value = num(value * fiber[c])
        pooled.append(value)
    return num(sum(num(a) * v for a, v in zip(model.output, pooled, strict=True)))
