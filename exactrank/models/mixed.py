"""The mixed network of two hierarchical networks (seed 000, §8: Theorem 13, Corollary 14).

Seed 000 defines it in words: "The *mixed tensor decomposition* of T_1 and T_2 runs their
hierarchical decompositions in parallel, while exchanging tensors at different points along
the way. It represents the grid tensors of a mixed network M, obtained by interconnecting the
intermediate layers of N_1 and N_2", and M "reduces to one of the networks it comprises if we
set the opposite network's weights to zero". The full definition is in Cohen, Tamari &
Shashua, *Boosting dilated convolutional networks with mixed tensor decompositions* (ICLR
2018, arXiv:1703.06846), whose text was not at hand (the search tool holds its abstract
only). The definition used here, chosen to satisfy every sentence above:

* **Components.** Two :class:`~exactrank.models.HierarchicalNetwork` s, ``first`` (tree
  T_1) and ``second`` (tree T_2), over the same N modes, the same M templates and the same
  representation F. Each keeps its own weights, widths, σ and P per level.
* **Mixture nodes.** A set of mode sets, each the modes of an internal node of T_1 *and* of
  T_2, neither a leaf nor the root. Where a tree pads with windows of one node, several
  nodes of it have the same modes (a window over a single window); the mixture node is then
  the highest of them, the last layer over those modes. At a mixture node v the two
  networks exchange their tensors: each network's conv at v reads the pooled vectors of
  *both* networks, conv_1(v) = W_1(v) pool_1(v) + A(v) pool_2(v) and conv_2(v) = W_2(v) pool_2(v) +
  B(v) pool_1(v). ``into_first`` is A(v), of shape (r_l, r̄_{l̄−1}) with l and l̄ the
  levels of v in T_1 and T_2 (r and r̄ their widths); ``into_second`` is B(v), of shape
  (r̄_{l̄}, r_{l−1}). In network terms, the layer after v in each network takes the
  concatenated outputs of both networks' layers at v (a 1×1 conv over the concatenation is
  exactly W pool + A pool̄). In tensor terms the intermediate tensors of both decompositions
  at v are pooled into one set, from which each decomposition continues.
* **Output.** The root (all N modes) is shared by every two trees, and the dense output
  reads both networks' top layers: y = ⟨a_1, pool_1(root)⟩ + ⟨a_2, pool_2(root)⟩, the sum
  of the two components' outputs. So with no mixture node M is the sum N_1 + N_2, and with
  A, B and the second output zero it is N_1 exactly (seed 000's proposition (i)).

The grid tensor of M is computed by :mod:`exactrank.models.mixed_grid`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidModelError, shown
from ..numbers.domains import Field
from ._weights import as_array, check_ndim, convert, is_float_array
from .hierarchical import HierarchicalNetwork, node_modes, parse_tree


@dataclass(frozen=True)
class MixtureNode:
    """One mixture node: its modes (sorted), its place in each tree (level, index within
    the level, as in :attr:`HierarchicalNetwork.levels`), and the exchange weights."""

    modes: tuple[int, ...]
    first: tuple[int, int]
    second: tuple[int, int]
    into_first: np.ndarray
    into_second: np.ndarray


@dataclass(frozen=True, eq=False)
class MixedNetwork:
    """Two hierarchical networks run in parallel, exchanging tensors at mixture nodes.

    ``mixture``: a list of ``(modes, into_first, into_second)``, ``modes`` the mode set of
    a node common to both trees (any order), the two arrays as in the module docstring.
    After construction ``mixture`` holds :class:`MixtureNode` s sorted by their modes.
    """

    first: HierarchicalNetwork
    second: HierarchicalNetwork
    mixture: tuple = ()
    exact: bool = field(init=False)

    kind = "mixed"

    def __post_init__(self):
        for name in ("first", "second"):
            if not isinstance(getattr(self, name), HierarchicalNetwork):
                raise InvalidModelError(
                    f"{name}: expected a HierarchicalNetwork, got "
                    f"{type(getattr(self, name)).__name__}"
                )
        a, b = self.first, self.second
        if (a.N, a.M) != (b.N, b.M):
            raise InvalidModelError(
                f"first and second must share N and M: first has N = {a.N}, M = {a.M}, "
                f"second has N = {b.N}, M = {b.M}"
            )
        if not isinstance(self.mixture, list | tuple):
            raise InvalidModelError(
                "mixture must be a list of (modes, into_first, into_second), got "
                f"{type(self.mixture).__name__}"
            )
        raw = [_entry(item, k) for k, item in enumerate(self.mixture)]
        floats = any(is_float_array(A) for _, A, B in raw for A in (A, B))
        exact = a.exact and b.exact and not floats
        if a.exact and b.exact and not np.array_equal(a.F, b.F):
            raise InvalidModelError(
                "first and second must share the representation F (the same input features)"
            )
        places = (internal_nodes(a.levels), internal_nodes(b.levels))
        nodes, seen = [], {}
        for k, (modes, A, B) in enumerate(raw):
            key = frozenset(modes)
            if key in seen:
                raise InvalidModelError(
                    f"mixture[{k}]: modes {shown(sorted(key))} are already mixture[{seen[key]}]"
                )
            seen[key] = k
            where = []
            for name, place in zip(("first", "second"), places, strict=True):
                if key not in place:
                    raise InvalidModelError(
                        f"mixture[{k}]: modes {shown(sorted(key))} are not an internal node of the "
                        f"{name} tree (neither a leaf nor the root); nodes common to both "
                        f"trees: {_common_text(places)}"
                    )
                where.append(place[key])
            (l1, k1), (l2, k2) = where
            _check_shape(A, (a.widths[l1], b.widths[l2 - 1]), f"mixture[{k}].into_first", "r̄")
            _check_shape(B, (b.widths[l2], a.widths[l1 - 1]), f"mixture[{k}].into_second", "r")
            nodes.append(
                MixtureNode(
                    tuple(sorted(key)),
                    (l1, k1),
                    (l2, k2),
                    convert(A, f"mixture[{k}].into_first", exact),
                    convert(B, f"mixture[{k}].into_second", exact),
                )
            )
        object.__setattr__(self, "mixture", tuple(sorted(nodes, key=lambda n: n.modes)))
        object.__setattr__(self, "exact", exact)

    @property
    def N(self) -> int:
        return self.first.N

    @property
    def T(self) -> int:
        return self.first.N

    @property
    def M(self) -> int:
        return self.first.M

    @property
    def components(self) -> tuple[HierarchicalNetwork, HierarchicalNetwork]:
        return self.first, self.second

    def check_field(self, field: Field) -> None:
        """Refuse a field in which some σ or P of either component is not exact."""
        for net in self.components:
            net.check_field(field)

    def __repr__(self) -> str:
        return (
            f"MixedNetwork(first={self.first.tree}, second={self.second.tree}, M={self.M}, "
            f"mixture={[n.modes for n in self.mixture]}, exact={self.exact})"
        )


def _entry(item, k: int):
    if not isinstance(item, list | tuple) or len(item) != 3:
        raise InvalidModelError(
            f"mixture[{k}]: expected (modes, into_first, into_second), got {shown(item)}"
        )
    modes, A, B = item
    if not isinstance(modes, list | tuple) or not modes:
        raise InvalidModelError(f"mixture[{k}]: modes must be a non-empty list of modes")
    for m in modes:
        if not isinstance(m, int | np.integer) or isinstance(m, bool):
            raise InvalidModelError(f"mixture[{k}]: modes must be integers, got {shown(m)}")
    if len(set(modes)) != len(modes):
        raise InvalidModelError(f"mixture[{k}]: modes {shown(list(modes))} name a mode twice")
    A, B = as_array(A, f"mixture[{k}].into_first"), as_array(B, f"mixture[{k}].into_second")
    return [int(m) for m in modes], A, B


def _check_shape(A: np.ndarray, shape: tuple[int, int], where: str, source: str) -> None:
    check_ndim(A, 2, where, "(channels of this network's conv, channels of the other's pool)")
    if A.shape != shape:
        raise InvalidModelError(
            f"{where} has shape {A.shape}; at this node it maps the other network's pooled "
            f"vector ({shape[1]} channels) to this network's conv ({shape[0]} channels), so it "
            f"needs shape {shape}"
        )


def internal_nodes(levels: tuple) -> dict:
    """Mode set → (level, index) of every node that is neither a leaf nor the root (of the
    highest such node, where windows of one node repeat a mode set)."""
    return {
        node_modes(node): (l, k)
        for l in range(1, len(levels) - 1)
        for k, node in enumerate(levels[l])
    }


def _common_text(places) -> str:
    common = sorted(sorted(key) for key in places[0].keys() & places[1].keys())
    return ", ".join(map(str, common)) if common else "none (the trees share only leaves and root)"


def common_nodes(first_tree, second_tree) -> list[tuple[int, ...]]:
    """The mode sets (sorted tuples) of the internal non-root nodes shared by two trees: the
    possible mixture nodes, smallest first."""
    first, second = (internal_nodes(parse_tree(tree)[1]) for tree in (first_tree, second_tree))
    shared = (tuple(sorted(s)) for s in first.keys() & second.keys())
    return sorted(shared, key=lambda m: (len(m), m))
