"""The tensor network (TN) of a convolutional arithmetic circuit and its min-cut rank bounds.

Seed 000, §7 (fig. 6, Claim 12), after Levine, Yakira, Cohen & Shashua, *Deep learning and
quantum entanglement: fundamental connections with implications to network design* (ICLR
2018; arXiv:1704.01552): the grid tensor of a deep convolutional arithmetic circuit (σ =
identity, P = product) is the contraction of a TN whose degree-one nodes are the inputs, and
the rank of its matricization by a partition (I, J) of the inputs (the Schmidt number, Claim
12) is at most exp(min-cut), the minimal total weight log(bond dimension) of a cut separating
the inputs of I from those of J.

**The graph** (:func:`tensor_network`), for a :class:`~exactrank.models.HierarchicalNetwork`
over a level-balanced mode tree (``docs/model-files.md``, hierarchical):

* ``("input", j)`` — the open leg of mode j: a degree-one node joined to its leaf conv by
  an edge of bond dimension M;
* ``("conv", v)`` — the 1×1 conv at tree node v (v a mode for a leaf, a window otherwise):
  at a leaf the matrix F·W_jᵀ (M × r_0: template features, then the representation conv),
  at a window of level l (1 ≤ l ≤ L−1) the matrix W_vᵀ (r_{l−1} × r_l);
* ``("delta", v)`` — the product pooling of window v: a copy (δ) tensor of bond dimension
  r = r_{l−1} and degree k + 1 for a window of k children (one leg per child's conv, one to
  the conv of v, or to the output at the root); δ[i_1, …, i_{k+1}] = 1 iff all indices agree;
* ``("output",)`` — the dense output vector a^{L,y} (length r_{L−1}), degree one.

Every edge carries ``bond`` (its dimension, an int) and ``weight`` = log(bond) (a float,
for display only: no decision here reads it). Non-δ nodes carry ``tensor`` (the exact
weights, axes in the order of ``legs``); δ nodes carry ``bond`` and ``legs`` (their tensor
is determined by the two). Contracting the TN gives the grid tensor, entry by entry
(``tests/test_tn.py`` checks it against :func:`exactrank.grid_tensor`).

**δ nodes in the cut.** A cut that puts the legs of a δ tensor of bond r on both sides
need not pay r per leg it crosses: δ = Σ_{a=1}^{r} e_a^{⊗S} ⊗ e_a^{⊗S'} for any split (S,
S') of its legs, i.e. δ is two smaller δ tensors joined by ONE new edge of dimension r. So a
δ node contributes log r once when its neighbours lie on both sides, and 0 otherwise: it is a
hyperedge of weight log r over its neighbours, not a star of edges. Treating it as an
ordinary vertex overcounts whenever both sides hold two or more of its legs, which needs
degree ≥ 4, i.e. windows of 3 or more: a window (0, 1, 2) whose legs split {conv 0, conv 1}
| {conv 2, the conv above} costs r² as a vertex and r as a hyperedge, and generic weights
reach r (``tests/test_tn.py``). For the binary windows of fig. 6 (degree 3: one leg is
always alone on its side) and windows of one (degree 2: an identity) both readings agree.
:func:`min_cut_bound` therefore splits each δ node for the flow computation (Lawler's
hyperedge gadget): nodes δ_in, δ_out joined by one arc δ_in → δ_out of capacity log r,
arcs of infinite capacity from every neighbour u to δ_in and from δ_out to u. A finite s–t
cut then pays log r for δ exactly when some neighbour is on the source side and some on
the sink side, and nothing otherwise. Ordinary edges (the input legs; in general any edge
between two non-δ nodes) become a pair of opposite arcs of capacity log(bond).

**Exactness.** The bound is the minimum over cuts of the product of the bond dimensions cut
(one factor r per δ cut through): an integer, and it is compared as one. Capacities are
integers c(b) = round(10^D · ln b), ln b computed by :mod:`decimal`, whose ``ln`` is
correctly rounded, to D + 10 digits after the point or more, so |c(b) − 10^D ln b| < 1.
Two cuts with integer products P < P' differ in log by ln(P'/P) ≥ 1/(P + 1); D is chosen
with 10^D ≥ 2·A·(P₀ + 1) + 1, A the number of finite arcs and P₀ the smaller of the products
of the input legs of I and of J (each a cut, so the minimum is ≤ P₀): rounding can then
never order two cuts of different products wrongly, and networkx's max-flow runs on Python
integers (exact). The cut found is re-valued exactly: ``bound`` is the product of its bond
dimensions.

**What the bound is.** rank[A]_{I,J} ≤ ``bound`` for every choice of weights and over every
field (it is a factorization). Claim 12 reads it as an equality for generic weights when all
channel numbers are powers of one integer (seed 000, footnote 10); otherwise the rank can be
strictly lower (the "quantum max-flow" may be below the min-cut: Cui, Freedman, Sattath,
Stong & Minton, J. Math. Phys. 57, 062206, 2016); e.g. rank 14 < min-cut 15 for generic
weights at M = 3, r_0 = 5 on the trees of ``proofs/seed000_claim_12.py``, which checks it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import networkx as nx
import numpy as np

from ..errors import InvalidInputError, InvalidModelError
from ..linalg.partitions import Partition, parse_partition
from ..models import HierarchicalNetwork

_SOURCE, _SINK = ("source",), ("sink",)


@dataclass(frozen=True)
class MinCut:
    """A minimum cut of a TN between the inputs of I (rows) and those of J (columns).

    ``bound`` = the product of the bond dimensions of ``edges`` and of the δ nodes cut
    through (``deltas``): an upper bound on the rank of the matricization (seed 000, Claim
    12). ``edges`` are (u, v, bond) TN edges between two non-δ nodes with u on the I side;
    ``deltas`` are (δ node, bond) for each δ tensor whose legs lie on both sides (each counts
    once: see the module docstring). ``side`` holds the TN nodes on the I side (a δ node
    cut through belongs to neither side).
    """

    bound: int
    edges: tuple
    deltas: tuple
    side: frozenset
    partition: Partition

    def __int__(self) -> int:
        return self.bound

    @property
    def log_bound(self) -> float:
        """ln(bound), for display (the min-cut weight of seed 000, §7)."""
        return math.log(self.bound)


def tensor_network(model) -> nx.Graph:
    """The TN of a convolutional arithmetic circuit (seed 000, §7, fig. 6; Levine et al. 2018).

    ``model``: a :class:`~exactrank.models.HierarchicalNetwork` with identity activation and
    product pooling at every level (other σ or P have no TN: the grid is not multilinear in
    the weights). Nodes and attributes as in the module docstring; ``graph.graph`` holds
    ``N``, ``M`` and ``widths``.
    """
    _require_arithmetic_circuit(model)
    G = nx.Graph(N=model.N, M=model.M, widths=model.widths)
    M, widths, L = model.M, model.widths, model.L
    for j in range(model.N):
        G.add_node(("input", j), kind="input", level=0, legs=(("conv", j),))
        leaf = np.asarray(model.F.dot(model.weights[0][j].T))  # (M, r_0)
        G.add_node(("conv", j), kind="conv", level=0, tensor=leaf, legs=(("input", j),))
        G.add_edge(("input", j), ("conv", j), bond=M, weight=math.log(M))
    for l in range(1, L + 1):
        r = widths[l - 1]
        for k, node in enumerate(model.levels[l]):
            delta = ("delta", node)
            if l < L:
                up = ("conv", node)
                G.add_node(up, kind="conv", level=l, tensor=np.asarray(model.weights[l][k].T))
            else:
                up = ("output",)
                G.add_node(up, kind="output", level=l, tensor=np.asarray(model.output))
            G.nodes[up]["legs"] = (delta,)  # the conv's output leg is added by its parent
            legs = tuple(("conv", child) for child in node) + (up,)
            G.add_node(delta, kind="delta", level=l, bond=r, legs=legs)
            for leg in legs:
                G.add_edge(leg, delta, bond=r, weight=math.log(r))
            for child in node:
                G.nodes[("conv", child)]["legs"] += (delta,)
    return G


def min_cut_bound(model, partition) -> MinCut:
    """The min-cut rank bound of the matricization by ``partition`` (seed 000, Claim 12).

    ``model``: a convolutional arithmetic circuit (see :func:`tensor_network`) or the graph
    :func:`tensor_network` returned; ``partition``: anything
    :func:`~exactrank.linalg.partitions.parse_partition` accepts ("odd-even", "rows=0,3", a pair of
    mode lists). Returns a :class:`MinCut` whose ``bound`` is the exact minimum, over cuts
    separating the inputs of the row modes from those of the column modes, of the product of
    the bond dimensions cut, a δ tensor cut through counting its bond once.
    """
    G = model if isinstance(model, nx.Graph) else tensor_network(model)
    if "N" not in G.graph:
        raise InvalidInputError(
            "min_cut_bound: expected a model or the graph tensor_network(model) returned, got "
            "a graph without the attribute 'N'"
        )
    partition = parse_partition(partition, G.graph["N"])
    flow, arcs = _flow_graph(G)
    for i in partition.row_modes:
        flow.add_edge(_SOURCE, ("input", i))  # no capacity: infinite
    for j in partition.col_modes:
        flow.add_edge(("input", j), _SINK)
    ref = min(_legs_product(G, partition.row_modes), _legs_product(G, partition.col_modes))
    digits = len(str(2 * arcs * (ref + 1) + 1))
    scale = _log_capacities(G, digits)
    for *_, data in flow.edges(data=True):
        if "bond" in data:
            data["capacity"] = scale[data["bond"]]
    value, (source_side, _) = nx.minimum_cut(flow, _SOURCE, _SINK)
    return _read_cut(G, source_side, value, scale, partition)


def _require_arithmetic_circuit(model) -> None:
    if not isinstance(model, HierarchicalNetwork):
        raise InvalidModelError(
            f"tensor_network: expected a HierarchicalNetwork (a convolutional arithmetic "
            f"circuit over a mode tree, seed 000 §3), got {type(model).__name__}"
        )
    for l, (sigma, pool) in enumerate(zip(model.activation, model.pooling, strict=True)):
        if sigma.name != "identity" or pool.name != "product":
            raise InvalidModelError(
                f"tensor_network: level {l} has activation {sigma.name} and pooling "
                f"{pool.name}; a TN (seed 000 §7, fig. 6) exists only for the convolutional "
                "arithmetic circuit: activation identity and pooling product at every level"
            )


def _flow_graph(G: nx.Graph) -> tuple[nx.DiGraph, int]:
    """The directed flow graph with every δ node split (the hyperedge gadget), and the
    number of its finite-capacity arcs. Finite arcs carry ``bond``; the rest are infinite."""
    flow = nx.DiGraph()
    flow.add_nodes_from([_SOURCE, _SINK])
    arcs = 0
    for node, data in G.nodes(data=True):
        if data["kind"] == "delta":
            flow.add_edge((node, "in"), (node, "out"), bond=data["bond"])
            arcs += 1
            for u in G.neighbors(node):
                if G.nodes[u]["kind"] == "delta":
                    raise InvalidInputError(f"two δ nodes {node} and {u} are joined by an edge")
                flow.add_edge(u, (node, "in"))
                flow.add_edge((node, "out"), u)
        else:
            flow.add_node(node)
    for u, v, data in G.edges(data=True):
        if G.nodes[u]["kind"] != "delta" and G.nodes[v]["kind"] != "delta":
            flow.add_edge(u, v, bond=data["bond"])
            flow.add_edge(v, u, bond=data["bond"])
            arcs += 2
    return flow, arcs


def _legs_product(G: nx.Graph, modes) -> int:
    """The product of the bonds at the given inputs: a cut, so the minimum is at most this."""
    return math.prod(data["bond"] for j in modes for *_, data in G.edges(("input", j), data=True))


def _log_capacities(G: nx.Graph, digits: int) -> dict[int, int]:
    """round(10^digits · ln b) for every bond dimension b of G, each within 1 of the truth."""
    bonds = {data["bond"] for _, _, data in G.edges(data=True)}
    out = {}
    with localcontext() as ctx:
        ctx.prec = digits + 10 + len(str(max(bonds, default=1)))
        for b in bonds:
            scaled = Decimal(b).ln().scaleb(digits)
            out[b] = int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))
    return out


def _read_cut(G, source_side, value: int, scale: dict, partition: Partition) -> MinCut:
    side = frozenset(n for n in source_side if n in G and G.nodes[n]["kind"] != "delta")
    edges, deltas = [], []
    for u, v, data in G.edges(data=True):
        if "delta" in (G.nodes[u]["kind"], G.nodes[v]["kind"]):
            continue
        if (u in side) != (v in side):
            edges.append((u, v, data["bond"]) if u in side else (v, u, data["bond"]))
    kept = set(side)
    for node, data in G.nodes(data=True):
        if data["kind"] != "delta":
            continue
        cut = (node, "in") in source_side and (node, "out") not in source_side
        if cut:
            deltas.append((node, data["bond"]))
        elif (node, "in") in source_side:
            kept.add(node)
    bonds = [b for *_, b in edges] + [b for _, b in deltas]
    if sum(scale[b] for b in bonds) != value:
        raise AssertionError(f"the flow value {value} is not the value of the cut read back")
    return MinCut(math.prod(bonds), tuple(edges), tuple(deltas), frozenset(kept), partition)


def perfect_power_root(n: int) -> int:
    """The c with n = c^e, e as large as possible (so c is not itself a perfect power), n >= 2."""
    for e in range(n.bit_length(), 1, -1):
        c = round(n ** (1 / e))
        for root in (c - 1, c, c + 1):
            if root >= 2 and root**e == n:  # exact: the float only proposes the root
                return root
    return n


def powers_of_one_integer(numbers) -> bool:
    """Whether some b >= 2 has every number = b^k, k >= 0 (seed 000, footnote 10, the case
    of Claim 12): all the numbers above 1 have the same root."""
    return len({perfect_power_root(int(n)) for n in numbers if n > 1}) <= 1
