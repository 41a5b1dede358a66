"""Pooling geometry (seed 000, §5, fig. 4): mode trees, and the rank bounds they imply.

A hierarchical network pools its inputs along a *mode tree* (nested tuples of 0-based
modes, :mod:`exactrank.models.hierarchical`). Which tree a network uses decides which input
partitions (I, J) it can give high separation ranks (seed 000, Theorem 8, Corollary 9):

* :func:`contiguous_tree` — windows of contiguous modes, the standard geometry of fig. 4(a);
  windows of 2 give the HT decomposition (seed 000, Example 2), one window of N the shallow
  network (CP, eq. 1);
* :func:`mirror_tree` — windows that pool a node with its reflection (fig. 4(b));
* :func:`dilated_tree` — the tree of a dilated convolutional network (§8, fig. 8);
* :func:`square_tree`, :func:`mirror_tree_2d` — the same for H × W images, pixel (h, w) being
  mode h·W + w (row-major).

**The mirror geometry.** Seed 000 only draws it ("windows that pool together reflecting
elements"); the definition used here is the one of Cohen & Shashua's experiments for
"Inductive bias of deep convolutional networks through pooling geometry" (ICLR 2017;
repository HUJI-Deep/inductive-pooling, ``exp/blob/cac/net.prototmp``): before *every*
pooling layer a ``Permutation`` layer of type ``QUAD2`` sends row h' of its output to row h'/2
(h' even) or H − 1 − ⌊h'/2⌋ (h' odd) of its input (columns likewise, caffe-simnets
``permutation_layer.cpp``), and a contiguous 2 × 2 pooling follows. So at every level node k
is pooled with its reflection n − 1 − k among the n nodes of that level: in 1D, over N = 8,
``(((0, 7), (3, 4)), ((1, 6), (2, 5)))``. ``mirror_tree(N, recursive=False)`` gives the
other reading of fig. 4(b) — reflections pooled at the first level only, then contiguous pairs
of those pairs, ``(((0, 7), (1, 6)), ((2, 5), (3, 4)))``. Both have the same first-level
windows, hence the same lower bound below; they differ in the upper bound of some partitions.

**Rank bounds** (:func:`rank_bounds`), for a network of identity activation and product
pooling over a tree, with M templates and widths r_0 … r_{L−1}. Write a node *mixed* when its
modes meet both I and J, and r(v) for the channels of v's conv (1 at the root).

* ``lower`` = min(r_0, M)^S, S the number of mixed windows of the first level: Cohen &
  Shashua (ICLR 2017), Theorem 1, as we reconstruct it (seed 000 states Theorem 8 in words
  only, and the ICLR text was not at hand: treat the attribution as unverified). Proof:
  give every deeper conv one nonzero channel; the grid becomes an outer product over the
  first-level windows, whose matricization is the Kronecker product of theirs (rank 1 for a
  pure window, generically min(r_0, M) for a mixed one).
* ``paper_upper`` = c(root), c(v) = 1 for a pure node and min(M^{min(|I_v|, |J_v|)},
  r_{l−1} · Π_children c) for a mixed node of level l: the recursion of the same theorem's
  upper bound as we reconstruct it (each of the r_{l−1} terms of a node's sum is a Kronecker
  product of its children's matricizations).
* ``upper`` ≤ ``paper_upper``: the recursion sharpened by column spaces (ours). With
  col_I(v) a bound on the dimension of the span of the I-side column spaces of all of v's
  channels (col_I = min(M, r_0) at a leaf in I, 1 at a leaf in J; J likewise),
  rk(v) = min(Π col_I(c), Π col_J(c), t(v)) with t(v) = r_{l−1} · Π rk(c), and
  col_I(v) = min(Π col_I(c), t(v), r(v) · rk(v)). Reasons: channel γ of v is
  Σ_α W_v[γ, α] ⊗_c φ^c_α (α over the r_{l−1} channels of the children), each term a
  Kronecker product of rank ≤ Π rk(c) whose columns lie in the tensor product of the
  children's column spaces; so every channel's columns lie in a space of dimension at most
  both Π col_I(c) and t(v), and r(v) channels of rank ≤ rk(v) span at most r(v) · rk(v).
  ``upper`` = rk(root). For the odd-even partition
  of the HT tree it gives min(r_0, M)^{N/2}, which ``paper_upper`` exceeds when r_0 < M.

The maximal rank over all weights is also the rank of almost every weight setting (the rank
is at least k on the complement of the zero set of a k × k minor), so a generic instance
has ``lower`` ≤ rank ≤ ``upper``; the checks in ``proofs/seed000_*.py`` measure it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidInputError
from ..linalg.partitions import parse_partition
from ..models.hierarchical import parse_tree


def _positive_int(value, name: str, minimum: int = 1) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        raise InvalidInputError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _power_of(N: int, k: int, name: str, what: str = "N", hint: str = "") -> int:
    """L with k^L = N (L >= 1), or an error naming N and k."""
    L, n = 0, 1
    while n < N:
        n, L = n * k, L + 1
    if n != N or L == 0:
        powers = ", ".join(str(k**e) for e in range(1, 4))
        raise InvalidInputError(
            f"{name}: windows of {k} need {what} = {k}^L with L >= 1 ({powers}, …), got "
            f"{what} = {N}{hint}"
        )
    return L


def _window_sizes(N: int, window, name: str) -> list[int]:
    """One window size per level, leaves first, whose product is N."""
    if isinstance(window, int | np.integer) and not isinstance(window, bool):
        k = _positive_int(window, f"{name}: window", 2)
        hint = "; give one window size per level instead, e.g. window=[2, 3] for N = 6"
        return [k] * _power_of(N, k, name, hint=hint)
    if not isinstance(window, list | tuple) or not window:
        raise InvalidInputError(
            f"{name}: window must be an int >= 2 or a non-empty list of sizes per level "
            f"(leaves first), got {window!r}"
        )
    sizes = [_positive_int(k, f"{name}: window[{i}]") for i, k in enumerate(window)]
    if math.prod(sizes) != N:
        raise InvalidInputError(
            f"{name}: the window sizes {sizes} multiply to {math.prod(sizes)}, but N = {N} "
            "modes need a product of exactly N"
        )
    return sizes


def contiguous_tree(N: int, window=2) -> tuple:
    """The tree of contiguous pooling windows over modes 0 … N−1 (seed 000, fig. 4(a)).

    ``window``: an int k (every level pools k contiguous nodes; N must be k^L), or one size
    per level, leaves first, multiplying to N (a size 1 is a window of one node, the padding
    of :mod:`exactrank.models.hierarchical`). ``contiguous_tree(8)`` is the HT tree
    ``(((0, 1), (2, 3)), ((4, 5), (6, 7)))``; ``contiguous_tree(N, N)`` the shallow network
    ``(0, …, N−1)`` (CP, eq. 1).
    """
    N = _positive_int(N, "contiguous_tree: N")
    nodes: list = list(range(N))
    for k in _window_sizes(N, window, "contiguous_tree"):
        nodes = [tuple(nodes[i : i + k]) for i in range(0, len(nodes), k)]
    (tree,) = nodes
    return tree


def _mirror_pairs(nodes: list) -> list:
    """Node k pooled with its reflection n − 1 − k, for k < n/2 (the QUAD2 permutation)."""
    n = len(nodes)
    return [(nodes[k], nodes[n - 1 - k]) for k in range(n // 2)]


def mirror_tree(N: int, *, recursive: bool = True) -> tuple:
    """The mirror pooling tree over N = 2^L modes (seed 000, fig. 4(b); ICLR 2017).

    ``recursive=True`` (the ICLR 2017 experiments, see the module docstring): at every level
    node k is pooled with node n − 1 − k of the n nodes of that level, e.g.
    ``(((0, 7), (3, 4)), ((1, 6), (2, 5)))`` for N = 8. ``recursive=False``: mode j with mode
    N − 1 − j at the first level, then contiguous pairs, ``(((0, 7), (1, 6)), ((2, 5), (3,
    4)))``.
    """
    N = _positive_int(N, "mirror_tree: N")
    L = _power_of(N, 2, "mirror_tree")
    nodes: list = _mirror_pairs(list(range(N)))
    for _ in range(L - 1):
        if recursive:
            nodes = _mirror_pairs(nodes)
        else:
            nodes = [tuple(nodes[i : i + 2]) for i in range(0, len(nodes), 2)]
    (tree,) = nodes
    return tree


def dilated_tree(dilations, size: int = 2) -> tuple:
    """The mode tree of a dilated convolutional network (seed 000, §8, fig. 7–8).

    The network of fig. 7 (WaveNet's; van den Oord et al. 2016) has no pooling: layer l
    (l = 1 … L) is a causal convolution of ``size`` taps with dilation d_l, its output at
    time t reading layer l − 1 at t − (size − 1)·d_l, …, t − d_l, t. Its output at the last
    time step N − 1 depends on layer l − 1 at the positions below it, and so down to the
    inputs, which gives the tree of fig. 8: the node of layer l at time t is the window of its
    ``size`` inputs, in time order. The inputs it reaches must be 0 … N − 1, each once, so
    the dilations must be the place values of a base-``size`` numbering: a permutation of
    1, size, size², …, size^{L−1}, with N = size^L.

    ``dilated_tree([1, 2, 4])`` (fig. 7, the baseline dilations 2^{l−1}) is the contiguous
    tree (((0, 1), (2, 3)), ((4, 5), (6, 7))); ``dilated_tree([4, 2, 1])`` is
    (((0, 4), (2, 6)), ((1, 5), (3, 7))), a network with the dilations reversed (fig. 8(b)).

    A convolution layer shares its weights across time; the hierarchical network of this tree
    gives each node its own weights (unshared, or shared per level with ``shared=True``),
    which contains the dilated network's functions (two taps of one layer are two convs).
    """
    k = _positive_int(size, "dilated_tree: size", 2)
    if not isinstance(dilations, list | tuple) or not dilations:
        raise InvalidInputError(
            f"dilated_tree: dilations must be a non-empty list (layer 1 first), got {dilations!r}"
        )
    d = [_positive_int(v, f"dilated_tree: dilations[{l}]") for l, v in enumerate(dilations)]
    L = len(d)
    if sorted(d) != [k**e for e in range(L)]:
        raise InvalidInputError(
            f"dilated_tree: dilations {d} must be a permutation of "
            f"{[k**e for e in range(L)]} (the powers of size = {k}), so that the last output "
            f"reads each of the N = {k**L} inputs exactly once"
        )

    def node(level: int, t: int):
        if level == 0:
            return t
        return tuple(node(level - 1, t - c * d[level - 1]) for c in range(k - 1, -1, -1))

    return node(L, k**L - 1)


def _image_size(H, W, name: str) -> tuple[int, int]:
    H, W = _positive_int(H, f"{name}: H"), _positive_int(W, f"{name}: W")
    if H != W:
        raise InvalidInputError(
            f"{name}: square windows cover an image only if H = W (both k^L), got H = {H}, W = {W}"
        )
    return H, W


def square_tree(H: int, W: int, window: int = 2) -> tuple:
    """Contiguous window × window pooling over an H × W image (seed 000, fig. 2, 4(a)).

    Pixel (h, w) is mode h·W + w (row-major). H = W = window^L; each level pools the
    window × window blocks of the nodes of the level below, each block in row-major order:
    ``square_tree(4, 4)`` = ((0, 1, 4, 5), (2, 3, 6, 7), (8, 9, 12, 13), (10, 11, 14, 15)).
    """
    H, W = _image_size(H, W, "square_tree")
    k = _positive_int(window, "square_tree: window", 2)
    L = _power_of(H, k, "square_tree", what="H")
    grid = [[h * W + w for w in range(W)] for h in range(H)]
    for _ in range(L):
        n = len(grid) // k
        grid = [
            [
                tuple(grid[a * k + i][b * k + j] for i in range(k) for j in range(k))
                for b in range(n)
            ]
            for a in range(n)
        ]
    return grid[0][0]


def mirror_tree_2d(H: int, W: int) -> tuple:
    """Mirror pooling over an H × W image, H = W = 2^L (ICLR 2017, the QUAD2 geometry).

    At every level the node at (a, b) of the n × n nodes of that level is pooled with its
    reflections (a, n−1−b), (n−1−a, b), (n−1−a, n−1−b), in that order (a, b < n/2); pixel
    (h, w) is mode h·W + w. Over 4 × 4 the first-level windows are (0, 3, 12, 15),
    (1, 2, 13, 14), (4, 7, 8, 11), (5, 6, 9, 10).
    """
    H, W = _image_size(H, W, "mirror_tree_2d")
    L = _power_of(H, 2, "mirror_tree_2d", what="H")
    grid = [[h * W + w for w in range(W)] for h in range(H)]
    for _ in range(L):
        n = len(grid)
        grid = [
            [
                (grid[a][b], grid[a][n - 1 - b], grid[n - 1 - a][b], grid[n - 1 - a][n - 1 - b])
                for b in range(n // 2)
            ]
            for a in range(n // 2)
        ]
    return grid[0][0]


# ----------------------------------------------------------------------------- rank bounds


@dataclass(frozen=True)
class RankBounds:
    """Bounds on the maximal (= generic) rank of a matricization (see the module docstring).

    ``mixed`` holds, per level (leaves first, the root last), how many nodes meet both I
    and J; ``mixed[1]`` is the S of the lower bound.
    """

    lower: int
    upper: int
    paper_upper: int
    mixed: tuple[int, ...]

    @property
    def exact(self) -> bool:
        """True when the bounds meet, so the generic rank is known without computing it."""
        return self.lower == self.upper


def _widths(widths, L: int) -> tuple[int, ...]:
    if isinstance(widths, int | np.integer) and not isinstance(widths, bool):
        widths = (widths,) * L
    if not isinstance(widths, list | tuple) or len(widths) != L:
        raise InvalidInputError(
            f"widths must be an int or a list of L = {L} ints (r_0 … r_{L - 1}, leaves "
            f"first), got {widths!r}"
        )
    return tuple(_positive_int(r, f"widths[{l}] (r_{l})") for l, r in enumerate(widths))


def rank_bounds(tree, partition, M: int, widths) -> RankBounds:
    """Bounds on the rank of the matricization by ``partition`` of a network over ``tree``.

    The network: identity activation and product pooling (a convolutional arithmetic
    circuit), M templates, conv widths ``widths`` (an int or r_0 … r_{L−1}, leaves first),
    any weights. ``partition``: anything :func:`~exactrank.linalg.partitions.parse_partition`
    accepts for N modes. See the module docstring for the three bounds and their proofs.
    """
    normal, levels = parse_tree(tree)
    N, L = len(levels[0]), len(levels) - 1
    M = _positive_int(M, "M")
    r = _widths(widths, L)
    part = parse_partition(partition, N)
    in_I = set(part.row_modes)
    rho = min(r[0], M)
    info = {}  # node -> (|I_v|, |J_v|, rk, col_I, col_J, c)
    for mode in range(N):
        row = mode in in_I
        info[mode] = (int(row), int(not row), 1, rho if row else 1, 1 if row else rho, 1)
    mixed = [0] * (L + 1)
    for l in range(1, L + 1):
        below = r[l - 1]  # channels of the children's convs
        own = r[l] if l < L else 1  # channels of this node's conv (the output at the root)
        for node in levels[l]:
            kids = [info.pop(child) for child in node]
            nI, nJ = sum(k[0] for k in kids), sum(k[1] for k in kids)
            prod_col_I = math.prod(k[3] for k in kids)
            prod_col_J = math.prod(k[4] for k in kids)
            terms = below * math.prod(k[2] for k in kids)  # rank of the pooled sum, at most
            rk = min(prod_col_I, prod_col_J, terms)
            if nI and nJ:
                mixed[l] += 1
                c = min(M ** min(nI, nJ), below * math.prod(k[5] for k in kids))
            else:
                c = 1
            col_I = min(prod_col_I, terms, own * rk)
            col_J = min(prod_col_J, terms, own * rk)
            info[node] = (nI, nJ, rk, col_I, col_J, c)
    _, _, rk, _, _, c = info.pop(normal)
    return RankBounds(lower=rho ** mixed[1], upper=rk, paper_upper=c, mixed=tuple(mixed))


__all__ = [
    "RankBounds",
    "contiguous_tree",
    "mirror_tree",
    "mirror_tree_2d",
    "rank_bounds",
    "square_tree",
]


def width_for_rank(tree, partition, M: int, target: int) -> int:
    """The least width w such that a network over ``tree`` with every width w can have rank
    ``target`` on ``partition`` by :func:`rank_bounds` (``upper`` reaches it): every network
    of smaller width has a smaller rank there, for every weight (seed 000, Corollary 14:
    the size a single tree needs). ``target`` must not exceed M^{min(|I|, |J|)}."""
    part = parse_partition(partition, len(parse_tree(tree)[1][0]))
    ceiling = M ** min(len(part.row_modes), len(part.col_modes))
    if not 0 <= target <= ceiling:
        raise InvalidInputError(
            f"width_for_rank: a rank {target} is out of reach on {len(part.row_modes)} + "
            f"{len(part.col_modes)} modes with M = {M} (at most {ceiling})"
        )
    w = 1
    while rank_bounds(tree, part, M, w).upper < target:
        w += 1
    return w
