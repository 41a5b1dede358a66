"""The hierarchical (convolutional) network over a mode tree (seed 000, §3–4, fig. 2–3).

A convolutional arithmetic circuit (σ = identity, P = product) or a generalized
convolutional network (σ ∈ {identity, relu}, P ∈ {product, max, mean}; seed 000, §4.1) whose
pooling windows are the nodes of a tree over the N input modes. Its grid tensor is the
generalized hierarchical decomposition D_g with g(a, b) = P{σ(a), σ(b)} (seed 000, eq. 3).

Definitions (seed 000 refers to the original papers for them; these are the standard ones of
Cohen, Sharir & Shashua, COLT 2016, §3 (the deep convolutional arithmetic circuit and its HT
decomposition), and of Cohen & Shashua, ICML 2016, §3–4 (the generalized network and D_g),
in their notation a^{l,j,γ}):

* **Tree.** Nested tuples of 0-based modes; every mode 0 … N−1 is a leaf exactly once; an
  internal node is a pooling window over its children, of any size ≥ 1. The tree must be
  *level-balanced*: every leaf at the same depth L. A conv net applies each layer at every
  position, so a position that skips a layer has no meaning; pad a short branch with windows
  of one node, e.g. ``((0, 1), (2,))`` over N = 3. The height of a node (its distance to
  the leaves) is its *level*: leaves are level 0, the root level L.
* **Representation.** Template m has features f(x^(m)) = F[m] (seed 001 eq. 19, DESIGN.md),
  F an M × M matrix, identity by default.
* **Hidden layer l = 0 … L−1** (leaves first): at every node v of level l a 1×1 conv
  conv(v) = W_v · in(v) with r_l output channels, where in(v) = f(x_j) for the leaf of mode
  j (W_v: r_0 × M, the representation weights a^{0,j,γ}) and in(v) = pool(v) for an internal
  node (W_v: r_l × r_{l−1}, the weights a^{l,j,γ}); then the activation σ_l point-wise; then
  the pooling P_l of the parent's window: pool(u)_γ = P_l{σ_l(conv(c)_γ) : c child of u},
  channel by channel. So the conv of a layer is applied to each child's channels, then σ,
  then pooling over the window, as in COLT 2016 (conv_l, then pool_l).
* **Output.** One dense linear output y = ⟨a^{L,y}, pool(root)⟩ (``output``, length
  r_{L−1}); no activation after it, no biases anywhere (COLT 2016, §3; seed 000, eq. 1).
  exactrank models a single output y: the grid tensor is A^y.
* **Shared weights.** ``shared=False`` gives every node its own W_v (the unshared a^{l,j,γ}
  of the COLT theorems); ``shared=True`` uses one W per level (a^{l,γ}, as in seed 000
  eq. 1, whose CP terms repeat a^{0,γ} at every mode).
* **Generalized operator.** For a window of k children, g is the k-ary P{σ(a_1), …,
  σ(a_k)}: product and max folds, mean = sum / k (not a fold of binary means).

Special cases: the tree ``(0, 1, …, N−1)`` (one window over every mode, L = 1) is the
shallow network of fig. 3(b), whose grid is the CP decomposition eq. 1 when shared;
``((0, 1, 2, 3),)`` adds a layer with one window of size 1 (for σ = identity, P = product
still a CP decomposition with r_0 terms); binary windows give HT (seed 000, Example 2).

Weights are stored per level, leaves first: ``weights[0][j]`` is the leaf conv of mode j
(indexed by mode, whatever the leaf order of the tree); ``weights[l][k]`` for l ≥ 1 is the
conv of the k-th node of level l in depth-first, left-to-right order (:attr:`levels`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DomainError, InvalidModelError, shown
from ..numbers.domains import Field
from ._weights import as_array, check_limit, check_ndim, convert, feature_matrix, is_float_array
from .operators import Activation, Pooling, get_activation, get_pooling


@dataclass(frozen=True, eq=False)
class HierarchicalNetwork:
    """A tree, conv weights per node (or per level), a dense output, F, σ and P per level.

    ``activation`` and ``pooling`` are a name (every level) or one name per level, leaves
    first. Weights are exact (object arrays of Fraction) unless some were given as floats,
    in which case the whole model is a float model (``exact`` is False).
    """

    tree: tuple
    weights: tuple
    output: np.ndarray
    F: np.ndarray | None = None
    activation: tuple = "identity"
    pooling: tuple = "product"
    shared: bool = False
    exact: bool = field(init=False)
    levels: tuple = field(init=False, repr=False)

    kind = "hierarchical"

    def __post_init__(self):
        tree, levels = parse_tree(self.tree)
        L = len(levels) - 1
        activation = _per_level(self.activation, L, "activation", get_activation)
        pooling = _per_level(self.pooling, L, "pooling", get_pooling)
        if type(self.shared) is not bool:
            raise InvalidModelError(f"shared must be true or false, got {shown(self.shared)}")
        weights = _weight_arrays(self.weights, levels, self.shared)
        output = as_array(self.output, "output")
        check_ndim(output, 1, "output", "(r_{L-1},) (one dense output y)")
        M = weights[0][0].shape[1]
        _validate_shapes(weights, output, levels, M)
        F = self.F if self.F is None else as_array(self.F, "F")
        arrays = [w for level in weights for w in level] + [output]
        exact = not any(is_float_array(A) for A in arrays + ([] if F is None else [F]))
        weights = tuple(
            tuple(convert(w, f"weights[{l}][{k}]", exact) for k, w in enumerate(level))
            for l, level in enumerate(weights)
        )
        if self.shared:
            _check_shared(weights, levels)
        object.__setattr__(self, "tree", tree)
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "output", convert(output, "output", exact))
        object.__setattr__(self, "F", feature_matrix(F, M, exact))
        object.__setattr__(self, "activation", activation)
        object.__setattr__(self, "pooling", pooling)
        object.__setattr__(self, "exact", exact)

    @property
    def N(self) -> int:
        """The number of input modes (N in seed 000)."""
        return len(self.levels[0])

    @property
    def T(self) -> int:
        """N, under the name the rest of exactrank (files, CLI, partitions) uses."""
        return self.N

    @property
    def M(self) -> int:
        return self.weights[0][0].shape[1]

    @property
    def L(self) -> int:
        """The number of hidden layers: the height of the root (every leaf is this deep)."""
        return len(self.levels) - 1

    @property
    def widths(self) -> tuple[int, ...]:
        """r_0 … r_{L−1}: the conv channels per level, leaves first."""
        return tuple(level[0].shape[0] for level in self.weights)

    @property
    def leaf_order(self) -> tuple[int, ...]:
        """The modes in the tree's left-to-right leaf order (not 0 … N−1 for a mirror tree)."""
        return _leaves(self.tree)

    def check_field(self, field: Field) -> None:
        """Refuse a domain in which some σ or P is not exact, with the reason and the level."""
        if field.kind != "GF":
            return
        for l, (sigma, pool) in enumerate(zip(self.activation, self.pooling, strict=True)):
            for op in (sigma, pool):
                if not op.modular:
                    raise DomainError(
                        f"{_kind_of(op)} {op.name} (level {l}) is meaningless over {field}: it "
                        "needs an order, and GF(p) has none; use 'QQ' or 'float'"
                    )
            if pool.mean:
                for node in self.levels[l + 1]:
                    if len(node) % field.p == 0:
                        raise DomainError(
                            f"mean pooling (level {l}) divides by the window size {len(node)}, "
                            f"which is 0 in {field}; use 'QQ' or another prime"
                        )

    def __repr__(self) -> str:
        names = {f"{a.name}/{p.name}" for a, p in zip(self.activation, self.pooling, strict=True)}
        ops = names.pop() if len(names) == 1 else "per level"
        return (
            f"HierarchicalNetwork(tree={self.tree}, M={self.M}, N={self.N}, "
            f"widths={self.widths}, σ/P={ops}, shared={self.shared}, exact={self.exact})"
        )


def _kind_of(op) -> str:
    return "activation" if isinstance(op, Activation) else "pooling"


def parse_tree(tree) -> tuple[tuple, tuple]:
    """Validate a mode tree; return it as nested tuples and its nodes by level.

    ``levels[0]`` holds the modes 0 … N−1 (leaves, by mode); ``levels[l]`` for l ≥ 1 the
    subtrees of height l in depth-first, left-to-right order; ``levels[L] = (tree,)``.
    Every error names the node by its path, e.g. ``tree[1][0]``.
    """
    if not isinstance(tree, list | tuple):
        hint = f"; a tree over one mode is ({tree},)" if _is_mode(tree) else ""
        raise InvalidModelError(
            f"tree: expected nested tuples of 0-based modes, got {type(tree).__name__} "
            f"{shown(tree)}{hint}"
        )
    normal, leaves = _normalize(tree)
    check_limit(len(leaves), "MAX_MODES", "tree: the number of modes N")
    leaves.sort(key=lambda leaf: _path_key(leaf[1]))  # left to right, for the messages
    _check_modes(leaves)
    depths = {depth for _, _, depth in leaves}
    if len(depths) > 1:
        shallow = min(leaves, key=lambda leaf: leaf[2])
        deep = max(leaves, key=lambda leaf: leaf[2])
        raise InvalidModelError(
            f"tree: every leaf must be at the same depth (each conv layer covers every "
            f"position): mode {shallow[0]} at {shallow[1]} is at depth {shallow[2]} but mode "
            f"{deep[0]} at {deep[1]} is at depth {deep[2]}; pad the short branch with windows "
            f"of size 1, e.g. ({shallow[0]},) in place of {shallow[0]}"
        )
    L = depths.pop()
    levels = [[] for _ in range(L + 1)]
    _collect(normal, L, levels)
    levels[0] = sorted(levels[0])
    return normal, tuple(tuple(level) for level in levels)


def _is_mode(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _normalize(tree):
    """Nested tuples, and the leaves as (mode, path, depth), without recursion."""
    leaves = []
    built = {}
    stack = [(tree, "tree", 0, False)]
    while stack:
        node, path, depth, done = stack.pop()
        if _is_mode(node):
            leaves.append((int(node), path, depth))
            built[path] = int(node)
            continue
        if not isinstance(node, list | tuple):
            raise InvalidModelError(
                f"{path}: expected a mode (an integer) or a window (a tuple of nodes), "
                f"got {type(node).__name__} {shown(node)}"
            )
        if not node:
            raise InvalidModelError(f"{path}: an empty window; a window needs at least one node")
        children = [f"{path}[{i}]" for i in range(len(node))]
        if done:
            built[path] = tuple(built.pop(child) for child in children)
            continue
        stack.append((node, path, depth, True))
        stack.extend((child, p, depth + 1, False) for child, p in zip(node, children, strict=True))
    return built["tree"], leaves


def _check_modes(leaves) -> None:
    N = len(leaves)
    seen = {}
    for mode, path, _ in leaves:
        if mode < 0 or mode >= N:
            missing = min(set(range(N)) - {m for m, _, _ in leaves})
            raise InvalidModelError(
                f"{path}: mode {shown(mode)} is outside 0 … {N - 1}; a tree with N = {N} leaves "
                f"holds each mode 0 … {N - 1} once (mode {missing} is missing)"
            )
        if mode in seen:
            raise InvalidModelError(
                f"{path}: mode {mode} appears twice (also at {seen[mode]}); each mode is one leaf"
            )
        seen[mode] = path


def _path_key(path: str) -> list[int]:
    return [int(part) for part in path[5:-1].split("][")] if path != "tree" else []


def _collect(tree, L: int, levels: list) -> None:
    """Append each node to its level (height = L − depth), depth-first, left to right."""
    stack = [(tree, L)]
    while stack:
        node, height = stack.pop()
        levels[height].append(node)
        if height:
            stack.extend((child, height - 1) for child in reversed(node))


def node_modes(node) -> frozenset:
    """The modes under a node of a mode tree (a mode, or nested tuples of them)."""
    return frozenset(_leaves(node))


def _leaves(tree) -> tuple[int, ...]:
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(reversed(node))
        else:
            out.append(node)
    return tuple(out)


def _per_level(value, L: int, name: str, lookup) -> tuple:
    """A name for every level, or one name per level (leaves first), as operator objects."""
    if isinstance(value, str | Activation | Pooling):
        return (lookup(value, name),) * L
    if not isinstance(value, list | tuple):
        raise InvalidModelError(
            f"{name} must be a name or a list of {L} names (one per level, leaves first), "
            f"got {type(value).__name__}"
        )
    if len(value) != L:
        raise InvalidModelError(
            f"{name} has {len(value)} entries but the tree has L = {L} levels (one per level, "
            "leaves first)"
        )
    return tuple(lookup(v, f"{name}[{l}]") for l, v in enumerate(value))


def _weight_arrays(weights, levels: tuple, shared: bool) -> list[list[np.ndarray]]:
    """weights[l][k] as arrays; with ``shared`` a level may hold one array for all its nodes."""
    L = len(levels) - 1
    if not isinstance(weights, list | tuple):
        raise InvalidModelError(
            f"weights must be a list with one list of conv arrays per level (L = {L}, leaves "
            f"first), got {type(weights).__name__}"
        )
    if len(weights) != L:
        raise InvalidModelError(
            f"weights has {len(weights)} levels but the tree has L = {L} (leaves first)"
        )
    out = []
    for l, level in enumerate(weights):
        nodes = len(levels[l])
        if isinstance(level, np.ndarray) and level.ndim == 3:
            level = list(level)  # (nodes, r_l, r_{l-1}) in one array
        if not isinstance(level, list | tuple):
            raise InvalidModelError(
                f"weights[{l}] must be a list of {nodes} conv arrays (one per node of level "
                f"{l}), got {type(level).__name__}"
            )
        expected = (1, nodes) if shared else (nodes,)
        if len(level) not in expected:
            what = "one array (shared) or one per node" if shared else "one array per node"
            raise InvalidModelError(
                f"weights[{l}] has {len(level)} arrays but level {l} has {nodes} nodes "
                f"({what}{'; by mode for the leaves' if l == 0 else ''})"
            )
        arrays = [as_array(w, f"weights[{l}][{k}]") for k, w in enumerate(level)]
        for k, A in enumerate(arrays):
            meaning = "(r_0, M)" if l == 0 else f"(r_{l}, r_{l - 1})"
            check_ndim(A, 2, f"weights[{l}][{k}]", meaning)
        out.append(arrays * nodes if len(arrays) == 1 and nodes > 1 else arrays)
    return out


def _node_name(levels: tuple, l: int, k: int) -> str:
    return f"mode {levels[0][k]}" if l == 0 else f"node {levels[l][k]}"


def _validate_shapes(weights, output, levels: tuple, M: int) -> None:
    """Every mismatch names the level, the node and both sizes."""
    if M < 1:
        raise InvalidModelError(
            f"weights[0][0] must have M >= 1 columns, got {weights[0][0].shape}"
        )
    check_limit(M, "MAX_TEMPLATES", "M (the columns of weights[0][0])")
    inputs, source = M, "M"
    for l, level in enumerate(weights):
        width = level[0].shape[0]
        check_limit(width, "MAX_WIDTH", f"r_{l} (the rows of weights[{l}][0])")
        for k, A in enumerate(level):
            if A.shape[1] != inputs:
                raise InvalidModelError(
                    f"weights[{l}][{k}] ({_node_name(levels, l, k)}) has shape {A.shape}: level "
                    f"{l} takes {source} = {inputs} inputs, so it needs {inputs} columns"
                )
            if A.shape[0] != width:
                raise InvalidModelError(
                    f"weights[{l}][{k}] ({_node_name(levels, l, k)}) has {A.shape[0]} output "
                    f"channels but weights[{l}][0] has r_{l} = {width}; a level has one width"
                )
            if width < 1:
                raise InvalidModelError(f"weights[{l}][{k}] must have r_{l} >= 1 rows")
        inputs, source = width, f"r_{l}"
    if output.shape[0] != inputs:
        raise InvalidModelError(
            f"output has {output.shape[0]} entries but the last level has {source} = {inputs} "
            "channels"
        )


def _check_shared(weights: tuple, levels: tuple) -> None:
    for l, level in enumerate(weights):
        for k, A in enumerate(level[1:], start=1):
            if not np.array_equal(A, level[0]):
                raise InvalidModelError(
                    f"shared weights: weights[{l}][{k}] ({_node_name(levels, l, k)}) differs "
                    f"from weights[{l}][0] (one conv per level)"
                )
