"""The TN of a convolutional arithmetic circuit and its min-cut bound (seed 000 §7, Claim 12).

Oracles written here, independent of exactrank.geometry.tn: the TN contracted with numpy's einsum
(Fractions) against the grid tensor; the min-cut as a brute-force minimum over every
assignment of the TN's nodes to the two sides (a δ node costing its bond once when its
neighbours lie on both sides — and, for the naive reading, a δ node as an ordinary vertex);
ranks modulo p by tests/oracles.py's plain elimination.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import string

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oracles import rank_mod_p_ref, tree_levels

import exactrank as er
from exactrank.checks import theorems
from exactrank.geometry.tn import MinCut, min_cut_bound, powers_of_one_integer, tensor_network

P31 = 2**31 - 1
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TINY_TREES = {
    "HT over 4": ((0, 1), (2, 3)),
    "mirror over 4": ((0, 3), (1, 2)),
    "CP over 4": (0, 1, 2, 3),
    "CP under a window of one": ((0, 1, 2),),
    "window of 3 and a padded mode": ((0, 1, 2), (3,)),
    "windows of 3 over 6": ((0, 1, 2), (3, 4, 5)),
    "window of 4 over 5": ((0, 1, 2, 3), (4,)),
    "padded binary over 5": (((0, 1), (2,)), ((3, 4),)),
    "one mode": (0,),
}


def kind(G, node):
    return G.nodes[node]["kind"]


# ---------------------------------------------------------------------------- structure


@pytest.mark.parametrize(
    "tree,M,widths,nodes,edges,delta_degrees",
    [
        # inputs + leaf convs + δ per window + conv per inner window + output
        (((0, 1), (2, 3)), 2, (3, 5), 4 + 4 + 3 + 2 + 1, 13, {(3, 3): 2, (3, 5): 1}),
        ((0, 1, 2, 3), 3, (4,), 4 + 4 + 1 + 0 + 1, 9, {(5, 4): 1}),
        (((0, 1, 2), (3,)), 4, (2, 3), 4 + 4 + 3 + 2 + 1, 13, {(4, 2): 1, (2, 2): 1, (3, 3): 1}),
        (
            (((0, 1), (2, 3)), ((4, 5), (6, 7))),
            2,
            (2, 3, 4),
            8 + 8 + 7 + 6 + 1,
            29,
            {(3, 2): 4, (3, 3): 2, (3, 4): 1},
        ),
    ],
)
def test_graph_structure(tree, M, widths, nodes, edges, delta_degrees):
    model = er.random_hierarchical(tree, M, list(widths), field="GF(101)", seed=1)
    G = tensor_network(model)
    assert G.number_of_nodes() == nodes and G.number_of_edges() == edges
    assert nx.is_tree(G)  # unshared weights: the TN of fig. 6 has no loop
    assert G.graph == {"N": model.N, "M": M, "widths": widths}
    found = {}
    for node, data in G.nodes(data=True):
        assert G.degree(node) == len(data["legs"]) and set(data["legs"]) == set(G[node])
        if data["kind"] == "input":
            assert G.degree(node) == 1 and G.edges[node, ("conv", node[1])]["bond"] == M
        elif data["kind"] == "delta":
            key = (G.degree(node), data["bond"])
            found[key] = found.get(key, 0) + 1
            assert all(G.edges[node, u]["bond"] == data["bond"] for u in G[node])
        else:  # conv or output: the tensor's axes match the bonds of its legs, in order
            shape = tuple(G.edges[node, leg]["bond"] for leg in data["legs"])
            assert data["tensor"].shape == shape
    assert found == delta_degrees
    for _, _, data in G.edges(data=True):
        assert data["weight"] == math.log(data["bond"])
    assert [G.nodes[("delta", w)]["level"] for w in tree_levels(tree)[-1]] == [len(widths)]


def contract(G) -> np.ndarray:
    """The TN contracted by einsum: δ tensors built here, one letter per edge."""
    letters = iter(string.ascii_letters)
    label = {frozenset(edge): next(letters) for edge in G.edges}
    operands = []
    for node, data in G.nodes(data=True):
        if data["kind"] == "input":
            continue
        subscripts = "".join(label[frozenset((node, leg))] for leg in data["legs"])
        if data["kind"] == "delta":
            r, k = data["bond"], len(data["legs"])
            tensor = np.zeros((r,) * k, dtype=object)
            for a in range(r):
                tensor[(a,) * k] = 1
        else:
            tensor = data["tensor"]
        operands += [tensor, subscripts]
    out = "".join(label[frozenset((("input", j), ("conv", j)))] for j in range(G.graph["N"]))
    spec = ",".join(operands[1::2]) + "->" + out
    return np.einsum(spec, *operands[0::2], optimize="greedy")


@pytest.mark.parametrize(
    "tree,M,widths",
    [
        (((0, 1), (2, 3)), 2, (3, 2)),
        (((0, 2), (3, 1)), 3, (2, 2)),
        ((0, 1, 2, 3), 2, (3,)),
        (((0, 1, 2), (3,)), 2, (2, 3)),
        ((((0, 1), (2,)), ((3, 4),)), 2, (2, 2, 2)),
    ],
)
def test_the_TN_contracts_to_the_grid_tensor(tree, M, widths):
    model = er.random_hierarchical(tree, M, list(widths), seed=3)
    F = np.array([[1, 2, 0], [0, 1, 1], [3, 0, 1]], dtype=object)[:M, :M]
    model = er.HierarchicalNetwork(model.tree, model.weights, model.output, F=F)
    contracted = contract(tensor_network(model))
    assert (contracted == er.grid_tensor(model).to_fractions()).all()


# ---------------------------------------------------------------------------- min-cut


def brute_force_cut(G, rows, cols, naive=False) -> int:
    """min over side assignments of the cost: edges across multiply their bond; a δ node
    costs its bond once when its neighbours are on both sides (or, ``naive``, is a vertex
    like any other, each of its legs across paying)."""
    fixed = {("input", i): 0 for i in rows} | {("input", j): 1 for j in cols}
    free = [n for n in G if n not in fixed and (naive or kind(G, n) != "delta")]
    deltas = [] if naive else [n for n in G if kind(G, n) == "delta"]
    best = None
    for bits in itertools.product((0, 1), repeat=len(free)):
        side = fixed | dict(zip(free, bits, strict=True))
        cost = 1
        for u, v, data in G.edges(data=True):
            if u in side and v in side and side[u] != side[v]:
                cost *= data["bond"]
        for node in deltas:
            if len({side[u] for u in G[node]}) == 2:
                cost *= G.nodes[node]["bond"]
        best = cost if best is None else min(best, cost)
    return best


def check_cut(G, cut: MinCut, rows, cols) -> None:
    """The cut separates I from J and its bound is the product of what it cuts."""
    assert {("input", i) for i in rows} <= cut.side
    assert not {("input", j) for j in cols} & cut.side
    cut_deltas = {node for node, _ in cut.deltas}
    for u, v, data in G.edges(data=True):
        if cut_deltas & {u, v} or "delta" in (kind(G, u), kind(G, v)):
            continue
        across = (u in cut.side) != (v in cut.side)
        assert across == ((u, v, data["bond"]) in cut.edges or (v, u, data["bond"]) in cut.edges)
    for node, bond in cut.deltas:
        assert bond == G.nodes[node]["bond"]
        assert len({u in cut.side for u in G[node]}) == 2
    bonds = [b for *_, b in cut.edges] + [b for _, b in cut.deltas]
    assert cut.bound == int(cut) == math.prod(bonds)


@st.composite
def tiny_instances(draw):
    name = draw(st.sampled_from(sorted(TINY_TREES)))
    tree = TINY_TREES[name]
    depth = len(tree_levels(tree)) - 1
    M = draw(st.integers(1, 4))
    widths = [draw(st.integers(1, 6)) for _ in range(depth)]
    N = len(tree_levels(tree)[0])
    rows = draw(st.sets(st.integers(0, N - 1)))
    return tree, M, widths, tuple(sorted(rows)), tuple(m for m in range(N) if m not in rows)


@SETTINGS
@given(tiny_instances())
@example((((0, 1, 2), (3, 4, 5)), 3, [5, 2], (0, 1, 3), (2, 4, 5)))
@example((((0, 1), (2, 3)), 1, [1, 1], (0, 2), (1, 3)))  # bonds 1: capacities 0
@example((((0, 1), (2, 3)), 2, [2, 2], (), (0, 1, 2, 3)))  # I empty: nothing to cut
def test_min_cut_is_the_brute_force_minimum(instance):
    tree, M, widths, rows, cols = instance
    G = tensor_network(er.random_hierarchical(tree, M, widths, field="GF(101)", seed=0))
    cut = min_cut_bound(G, (rows, cols))
    assert cut.bound == brute_force_cut(G, rows, cols)
    assert cut.partition == er.Partition(rows, cols)
    check_cut(G, cut, rows, cols)


@SETTINGS
@given(tiny_instances(), st.sampled_from([2, 3, 101, P31]), st.integers(0, 2**16))
@example(((((0, 1), (2,)), ((3, 4),)), 3, [5, 5, 2], (0, 1), (2, 3, 4)), P31, 0)
def test_min_cut_bounds_the_rank(instance, p, seed):
    """Over any field and for any weights (even small or non-generic ones)."""
    tree, M, widths, rows, cols = instance
    model = er.random_hierarchical(tree, M, widths, field=f"GF({p})", seed=seed)
    matrix = er.matricize(er.grid_tensor(model, f"GF({p})"), (rows, cols)).values.tolist()
    assert rank_mod_p_ref(matrix, p) <= min_cut_bound(model, (rows, cols)).bound


def test_a_window_of_3_is_cut_through_its_delta_not_two_legs():
    """Window (0, 1, 2) split {0, 1} | {2} with its parent conv on the J side (mode 3 is
    there): a δ node treated as a vertex pays r_0 twice (r_0² = 4), the TN's rank bound is
    r_0 = 2 — and generic weights reach 2, so the naive cut is not the min-cut of Claim 12."""
    tree, rows, cols = ((0, 1, 2), (3,)), (0, 1), (2, 3)
    model = er.random_hierarchical(tree, 4, [2, 2], field=f"GF({P31})", seed=0)
    G = tensor_network(model)
    cut = min_cut_bound(G, (rows, cols))
    assert (cut.bound, cut.edges, cut.deltas) == (2, (), ((("delta", (0, 1, 2)), 2),))
    assert brute_force_cut(G, rows, cols, naive=True) == 4
    assert brute_force_cut(G, rows, cols) == 2
    grid = er.grid_tensor(model, f"GF({P31})")
    assert er.rank(er.matricize(grid, (rows, cols)), f"GF({P31})").rank == 2


def test_binary_windows_need_no_hyperedge():
    """δ of degree 3: every split leaves one leg alone, so the naive cut is the same."""
    G = tensor_network(er.random_hierarchical(((0, 1), (2, 3)), 3, [2, 5], seed=0))
    for rows in [(0,), (0, 1), (0, 2), (0, 3), (0, 1, 2)]:
        cols = tuple(m for m in range(4) if m not in rows)
        naive = brute_force_cut(G, rows, cols, naive=True)
        assert min_cut_bound(G, (rows, cols)).bound == naive


def test_min_cut_is_exact_where_float_logs_tie():
    """Cuts of products 2^60 (two edges of 2^30) and 2^60 + 1 (one edge) have equal float64
    logs; the min-cut must still be 2^60."""
    G = nx.Graph(N=2, M=2**70)
    for node, k in [(("input", 0), "input"), (("input", 1), "input")]:
        G.add_node(node, kind=k)
    for node in ["a", "b", "c", "d"]:
        G.add_node(node, kind="conv")
    for u, v, bond in [
        (("input", 0), "a", 2**60 + 1),
        ("a", "b", 2**70),
        ("a", "c", 2**70),
        ("b", "d", 2**30),
        ("c", "d", 2**30),
        ("d", ("input", 1), 2**70),
    ]:
        G.add_edge(u, v, bond=bond)
    assert math.log(2**60 + 1) == 2 * math.log(2**30)
    cut = min_cut_bound(G, ((0,), (1,)))
    assert cut.bound == 2**60
    assert sorted(cut.edges) == [("b", "d", 2**30), ("c", "d", 2**30)]


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "activation,pooling,needle",
    [
        ("relu", "max", "level 0 has activation relu and pooling max"),
        ("relu", "product", "level 0 has activation relu and pooling product"),
        ("identity", "mean", "level 0 has activation identity and pooling mean"),
        (["identity", "relu"], "product", "level 1 has activation relu and pooling product"),
    ],
)
def test_models_other_than_arithmetic_circuits_are_refused(activation, pooling, needle):
    model = er.random_hierarchical(((0, 1), (2, 3)), 2, 2, activation=activation, pooling=pooling)
    with pytest.raises(er.InvalidModelError, match=needle):
        tensor_network(model)
    with pytest.raises(er.InvalidModelError, match="activation identity and pooling product"):
        min_cut_bound(model, "odd-even")


def test_other_inputs_are_refused():
    rnn = er.GeneralizedRNN("product", [[[1, 0]]], [[[[1]]]])
    with pytest.raises(
        er.InvalidModelError, match="expected a HierarchicalNetwork.*GeneralizedRNN"
    ):
        tensor_network(rnn)
    with pytest.raises(er.InvalidInputError, match="without the attribute 'N'"):
        min_cut_bound(nx.Graph(), "odd-even")
    model = er.random_hierarchical(((0, 1), (2, 3)), 2, 2)
    with pytest.raises(er.InvalidInputError, match="covers 3 modes but the tensor has T = 4"):
        min_cut_bound(model, ((0,), (1, 2)))


# ---------------------------------------------------------------------------- the check


def _least_root(n: int) -> int:
    """The least b >= 2 with n = b^k, by trial division (an oracle for n >= 2)."""
    for b in range(2, n + 1):
        m = n
        while m % b == 0:
            m //= b
        if m == 1:
            return b
    raise AssertionError(n)


def test_powers_of_one_integer():
    yes = [(2, 4, 8), (4, 8), (16, 2, 4), (1, 3), (1, 1), (9, 27, 3), (6, 36), (2**40, 8)]
    no = [(2, 3), (4, 6), (2, 9), (3, 5, 2), (8, 9), (2**40, 3**25)]
    assert all(powers_of_one_integer(ns) for ns in yes)
    assert not any(powers_of_one_integer(ns) for ns in no)
    for numbers in itertools.product(range(1, 65), repeat=2):
        expected = len({_least_root(n) for n in numbers if n > 1}) <= 1
        assert powers_of_one_integer(numbers) is expected, numbers
    module = theorems.load("seed000_claim_12")
    assert module.TREES["mirror-first/8"] == (((0, 7), (1, 6)), ((2, 5), (3, 4)))


def test_claim_12_check_passes_and_lists_the_disagreements():
    result = theorems.run("seed000_claim_12")
    assert result.verdict == "PASS" and result.as_expected
    text = "\n".join(result.details)
    assert "padded/6 M=3 r=(5, 5, 2) over QQ [not covered by Claim 12]" in text
    assert "disagreement rows=0,1,5: rank 14 < min-cut 15" in text
    assert "rank < min-cut on 0 (each fails the check)" in text


@pytest.mark.parametrize("shift", [-1, +1])
def test_a_wrong_min_cut_turns_the_verdict(shift, monkeypatch):
    """bound − 1 (so rank > min-cut where they were equal) and bound + 1 (so rank < min-cut
    on the networks Claim 12 covers): the check must fail either way."""
    module = theorems.load("seed000_claim_12")
    real = module.min_cut_bound

    def shifted(graph, partition):
        cut = real(graph, partition)
        return dataclasses.replace(cut, bound=cut.bound + shift)

    covered = [("contiguous/4", 2, (2, 2), module.GF), ("mirror-first/8", 2, (2, 4, 4), module.GF)]
    monkeypatch.setattr(module, "QUICK", covered)
    assert module.check().verdict == "PASS"  # the two networks alone, unbroken
    monkeypatch.setattr(module, "min_cut_bound", shifted)
    assert module.check().verdict == "FAIL"


def test_a_naive_delta_turns_the_verdict(monkeypatch):
    """With δ nodes cut as ordinary vertices the windows-of-3 network (covered by the claim)
    has partitions whose rank is below that bound: its check fails."""
    module = theorems.load("seed000_claim_12")

    def naive(graph, partition):
        rows, cols = partition
        return MinCut(brute_force_cut(graph, rows, cols, naive=True), (), (), frozenset(), None)

    monkeypatch.setattr(module, "min_cut_bound", naive)
    _, failures, *_ = module.check_network("windows-of-3/6", 2, (2, 4), module.GF, False, None)
    assert failures > 0
