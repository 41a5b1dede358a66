"""Grid tensors of mixed networks: the mixed decomposition of seed 000, §8.

Both components' hierarchical recursions (:mod:`exactrank.models.hierarchical_grid`) run side
by side on the rows of a batch of sequences. A node needs only the nodes below it, so the nodes
of both trees are computed on demand from the roots, each window's pool once; at a mixture
node v each network's conv reads both pooled vectors, conv_1(v) = W_1 pool_1(v) + A pool_2(v)
(:mod:`exactrank.models.mixed`). The output is the sum of the two components' outputs.

The whole grid is this recursion on all M^N sequences at once (every node holds M^N rows,
not M^{|v|} as in the tree recursion): about 0.1 s at N = 8, M = 3 and 2 s at N = 16, M = 2
(width 2, over GF(p) or QQ; measured on 2 busy cores); exactness and storage are those of
:mod:`exactrank.models.arithmetic`.
"""

from __future__ import annotations

import numpy as np

from ..numbers.domains import Field
from .hierarchical_grid import ScalarOps, activated, contract, conv, leaf_conv, pool_rows
from .mixed import MixedNetwork
from .operators import SUM


def mixed_grid(model: MixedNetwork, arith):
    """The whole grid as flat C-order values over the modes 0 … N−1, and its denominator."""
    indices = np.indices((model.M,) * model.N, dtype=np.int64).reshape(model.N, -1).T
    return mixed_entries(model, arith, indices)


def mixed_entries(model: MixedNetwork, arith, indices: np.ndarray):
    """Entries Γ[i] for each row i of ``indices`` (B, N)."""
    nets = model.components
    exchange, partner = _exchange(model)

    def leaf(n: int, mode: int):
        A, den = leaf_conv(nets[n], arith, mode)
        return activated(nets[n], 0, arith, A[indices[:, mode]], den)

    def pooled(n: int, l: int, children: list):
        return pool_rows(arith, nets[n].pooling[l - 1], children)

    def convolved(n: int, l: int, k: int, Z, other):
        (Z, z_den), (W, w_den) = Z, conv(nets[n], arith, l, k)
        X, den = contract(arith, Z, W), z_den * w_den
        if other is not None:
            C, c_den = arith.lift(exchange[n, l, k].T, "mixture weights")
            (Y, y_den) = other
            X, den = arith.xi(SUM, X, den, contract(arith, Y, C), y_den * c_den)
        return activated(nets[n], l, arith, X, den)

    (y1, d1), (y2, d2) = _run(model, partner, leaf, pooled, convolved)
    values, den = arith.xi(SUM, y1, d1, y2, d2)
    return values[:, 0], den


def _exchange(model: MixedNetwork) -> tuple[dict, dict]:
    """For each mixture node's place (network, level, index) in either network: the weights
    of the exchange into that network, and the node's place in the other network."""
    weights, partner = {}, {}
    for node in model.mixture:
        a, b = (0, *node.first), (1, *node.second)
        weights[a], weights[b] = node.into_first, node.into_second
        partner[a], partner[b] = b, a
    return weights, partner


def _run(model: MixedNetwork, partner: dict, leaf, pooled, convolved):
    """Both networks' recursions, demand-driven from their roots, with the exchanges.

    ``leaf(n, mode)``, ``pooled(n, l, children)`` and ``convolved(n, l, k, pool,
    other_pool or None)`` compute the steps of network n in some arithmetic; each window's
    pool is computed once (a mixture node's is read by both networks). A node needs only
    nodes below it, so the recursion ends; its depth is the trees' height.
    """
    nets = model.components
    pools = {}

    def pool_of(n: int, l: int, k: int):
        if (n, l, k) not in pools:
            node = nets[n].levels[l][k]
            children = [output_of(n, l - 1, child) for child in node]
            pools[n, l, k] = pooled(n, l, children)
        return pools[n, l, k]

    def output_of(n: int, l: int, node):
        if l == 0:
            return leaf(n, node)
        k = nets[n].levels[l].index(node) if l < nets[n].L else 0
        other = partner.get((n, l, k))
        return convolved(n, l, k, pool_of(n, l, k), None if other is None else pool_of(*other))

    return [output_of(n, net.L, net.tree) for n, net in enumerate(nets)]


def mixed_score(model: MixedNetwork, sequence, field: Field):
    """The mixed network run on one sequence by plain Python loops: the brute-force
    evaluator behind :func:`~exactrank.models.grid.score`."""
    ops = ScalarOps(field)
    nets = model.components
    exchange, partner = _exchange(model)

    def convolved(n: int, l: int, k: int, pool: list, other):
        W = nets[n].output.reshape(1, -1) if l == nets[n].L else nets[n].weights[l][k]
        value = ops.conv(W, pool)
        if other is not None:
            value = ops.add(value, ops.conv(exchange[n, l, k], other))
        return value

    first, second = _run(
        model,
        partner,
        lambda n, mode: ops.leaf(nets[n], mode, sequence[mode]),
        lambda n, l, children: ops.pool(nets[n], l, children),
        convolved,
    )
    return ops.add(first, second)[0]
