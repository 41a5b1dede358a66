"""Grid tensors of mixed networks: the mixed decomposition of seed 000, §8.

Both components' hierarchical recursions (:mod:`exactrank.tree_grid`) run side by side on
the rows of a batch of sequences. A node needs only nodes over fewer modes, so the nodes
of both trees are taken in order of their number of modes: first every window of that size
pools its children (in both trees), then every conv runs; at a mixture node v each
network's conv reads both pooled vectors, conv_1(v) = W_1 pool_1(v) + A pool_2(v)
(:mod:`exactrank.models.mixed`). The output is the sum of the two components' outputs.

The whole grid is this recursion on all M^N sequences at once (every node holds M^N rows,
not M^{|v|} as in the tree recursion): the mixed networks of the checks have N ≤ 16, where
this costs well under a second; exactness and storage are those of
:mod:`exactrank.arithmetic`.
"""

from __future__ import annotations

import numpy as np

from .domains import Field
from .models.hierarchical import node_modes
from .models.mixed import MixedNetwork
from .operators import SUM
from .tree_grid import ScalarOps, activated, contract, conv, leaf_conv, pool_rows


def mixed_grid(model: MixedNetwork, arith):
    """The whole grid as flat C-order values over the modes 0 … N−1, and its denominator."""
    indices = np.indices((model.M,) * model.N, dtype=np.int64).reshape(model.N, -1).T
    return mixed_entries(model, arith, indices)


def mixed_entries(model: MixedNetwork, arith, indices: np.ndarray):
    """Entries Γ[i] for each row i of ``indices`` (B, N)."""
    nets = model.components
    convs = [{}, {}]
    for n, net in enumerate(nets):
        for mode in range(model.N):
            A, den = leaf_conv(net, arith, mode)
            convs[n][mode] = activated(net, 0, arith, A[indices[:, mode]], den)
    exchange = {frozenset(node.modes): node for node in model.mixture}
    for _, nodes in _by_size(model):
        pooled = {}
        for n, l, _, node in nodes:
            net = nets[n]
            children = [convs[n].pop(child) for child in node]
            pooled[n, node_modes(node)] = pool_rows(arith, net.pooling[l - 1], children)
        for n, l, k, node in nodes:
            modes = node_modes(node)
            W, w_den = conv(nets[n], arith, l, k)
            Z, z_den = pooled[n, modes]
            X, den = contract(arith, Z, W), z_den * w_den
            if modes in exchange:
                mix = exchange[modes]
                cross = mix.into_first if n == 0 else mix.into_second
                C, c_den = arith.lift(cross.T, "mixture weights")
                Y, y_den = pooled[1 - n, modes]
                X, den = arith.xi(SUM, X, den, contract(arith, Y, C), y_den * c_den)
            convs[n][node] = activated(nets[n], l, arith, X, den)
    (y1, d1), (y2, d2) = (convs[n].pop(net.tree) for n, net in enumerate(nets))
    values, den = arith.xi(SUM, y1, d1, y2, d2)
    return values[:, 0], den


def _by_size(model: MixedNetwork):
    """(size, [(network, level, index, node), …]) for the windows of both trees, by size."""
    groups = {}
    for n, net in enumerate(model.components):
        for l in range(1, net.L + 1):
            for k, node in enumerate(net.levels[l]):
                groups.setdefault(len(node_modes(node)), []).append((n, l, k, node))
    return sorted(groups.items())


def mixed_score(model: MixedNetwork, sequence, field: Field):
    """The mixed network run on one sequence by plain Python loops: the brute-force
    evaluator behind :func:`~exactrank.grid.score`."""
    ops = ScalarOps(field)
    nets = model.components
    convs = [{mode: ops.leaf(net, mode, m) for mode, m in enumerate(sequence)} for net in nets]
    exchange = {frozenset(node.modes): node for node in model.mixture}
    for _, nodes in _by_size(model):
        pooled = {}
        for n, l, _, node in nodes:
            children = [convs[n].pop(child) for child in node]
            pooled[n, node_modes(node)] = ops.pool(nets[n], l, children)
        for n, l, k, node in nodes:
            modes = node_modes(node)
            W = nets[n].output.reshape(1, -1) if l == nets[n].L else nets[n].weights[l][k]
            value = ops.conv(W, pooled[n, modes])
            if modes in exchange:
                mix = exchange[modes]
                cross = mix.into_first if n == 0 else mix.into_second
                value = ops.add(value, ops.conv(cross, pooled[1 - n, modes]))
            convs[n][node] = value
    return ops.add(convs[0][nets[0].tree], convs[1][nets[1].tree])[0]
