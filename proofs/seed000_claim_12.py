"""Seed 000, Claim 12: the rank of a matricization equals the min-cut of the network's TN.

Claim (seed 000, §7, after Levine, Yakira, Cohen & Shashua, ICLR 2018, arXiv:1704.01552):
"Let f(·) be a function realized by a deep convolutional arithmetic circuit, and let A be its
corresponding grid tensor. For any input partition (I, J), the Schmidt entanglement measure
with respect to (I, J) of A is equal to the minimal cut separating I from J in the TN
graph." Footnote 10: "This equality holds when the channel numbers are all powers of the same
integer"; otherwise Levine et al. prove upper and lower bounds and observe that deviations
are rare and small.

Definitions chosen (stated, since seed 000 only sketches them):

* The network is :class:`exactrank.HierarchicalNetwork` with σ = identity, P = product,
  unshared weights (each node its own conv, as in the TN of fig. 6), F = I; its TN is
  :func:`exactrank.geometry.tn.tensor_network`: input legs of dimension M, conv matrices, a δ (copy)
  tensor of bond r_{l−1} per pooling window. Edge weights are log(bond dimension); a δ tensor
  cut through counts log r once (a hyperedge; see :mod:`exactrank.geometry.tn`), so exp(min-cut) is
  :func:`exactrank.geometry.tn.min_cut_bound`, an exact integer.
* The Schmidt measure is the Schmidt number, i.e. the rank of [A]_{I,J} (Cohen & Shashua
  2017, cited in §7; Claim 7 for separation rank).
* "Equal" is read generically: for weights outside a measure-zero set (Levine et al.'s
  statement). Read literally for every f it is false (zero weights give rank 0); not checked.
* "Channel numbers" are all bond dimensions of the TN: M and every width r_0 … r_{L−1};
  "powers of the same integer": some b ≥ 2 with each of them b^k, k ≥ 0 (so 1 counts).

Instances: mode trees over N = 4 and 8, contiguous (HT, fig. 3(a)) and mirror-first
(``mirror_tree(N, recursive=False)``: level-one windows pool reflecting modes j and N−1−j,
then neighbouring windows), and over N = 6 a binary
tree padded with windows of one mode and a tree of windows of 3 (δ tensors of degree 4, where
the hyperedge matters); widths that are all powers of one integer with M (2, 4; 3, 9) and
widths that are not (3, 5, mixed). Weights are random elements of GF(2^31 − 1), or large
random integers over QQ for a few instances. Every partition up to complement for N ≤ 6,
every balanced one for N = 8 (every one with ``--full``, which also adds instances).

What is computed, exactly: the min-cut bound (an integer) and the exact rank of the
matricization. rank ≤ min-cut must hold everywhere (a TN factorization: any weights, any
field); a violation fails the check. On an instance whose channel numbers are powers of
one integer, rank < min-cut fails it too, unless a second independent draw reaches the
min-cut (the generic rank is the largest over draws). On the other instances every
disagreement (rank < min-cut on both draws) is listed in the details and counted, but does
not fail the check: the claim does not cover them.

What a PASS proves: for each covered (tree, M, widths, partition) listed, the generic rank
over QQ (and R) equals the min-cut — the rank over GF(p) of one draw is a lower bound on
the rank over QQ of the same integer weights, hence on the generic rank, and the min-cut is
an upper bound for all weights. It proves nothing for trees or widths not listed. A listed
disagreement is exact for the drawn weights (two independent draws); that the generic rank
falls short is then near-certain (Schwartz–Zippel) but not proven. With ``--certs`` each
network saves a certificate of its (first draw's) rank at the partition of largest min-cut
and at each disagreement (over its field, from the grid's entries).

Found: rank = min-cut on every covered pair (345 in quick mode, 1416 with ``--full``),
including the windows-of-3 tree where a δ node cut as an ordinary vertex would give a larger
bound. Outside the claim, rank < min-cut by one (14 < 15: a leg of M = 3 and a δ of bond 5
cut) on the padded and windows-of-3 trees at M = 3, r_0 ∈ {5, 6}, over GF(p) and QQ alike,
and nowhere on the full binary trees over 4 and 8 modes checked — the rare, small
deviations of footnote 10.
"""

from __future__ import annotations

import exactrank as er
from exactrank.checks.theorems import CheckResult, keep, outcome, run_script
from exactrank.geometry.tn import min_cut_bound, powers_of_one_integer, tensor_network
from exactrank.geometry.trees import contiguous_tree, mirror_tree
from exactrank.linalg.partitions import each_partition

NAME = "seed000_claim_12"
CLAIM = (
    "rank [A]_{I,J} <= exp(min-cut of the TN), with equality for generic weights when the "
    "channel numbers are powers of one integer (seed 000, Claim 12)"
)
EXPECTED = "PASS"
PRIME = 2**31 - 1
GF = f"GF({PRIME})"


TREES = {
    "contiguous/4": contiguous_tree(4),
    "mirror-first/4": mirror_tree(4, recursive=False),
    "contiguous/8": contiguous_tree(8),
    "mirror-first/8": mirror_tree(8, recursive=False),
    "padded/6": (((0, 1), (2,)), ((3, 4), (5,))),
    "windows-of-3/6": ((0, 1, 2), (3, 4, 5)),
}

# (tree, M, widths r_0 … r_{L−1}, field)
QUICK = [
    ("contiguous/4", 2, (2, 2), GF),
    ("contiguous/4", 2, (4, 2), GF),
    ("contiguous/4", 4, (2, 4), GF),
    ("contiguous/4", 3, (3, 9), GF),
    ("mirror-first/4", 2, (2, 4), GF),
    ("contiguous/4", 2, (2, 4), "QQ"),
    ("contiguous/8", 2, (2, 2, 2), GF),
    ("contiguous/8", 2, (4, 4, 2), GF),
    ("contiguous/8", 4, (2, 2, 4), GF),
    ("mirror-first/8", 2, (2, 4, 4), GF),
    ("mirror-first/8", 4, (4, 2, 2), GF),
    ("contiguous/8", 2, (2, 4, 2), "QQ"),
    ("padded/6", 3, (3, 9, 3), GF),
    ("windows-of-3/6", 2, (2, 4), GF),
    ("windows-of-3/6", 3, (3, 3), GF),
    ("contiguous/4", 2, (3, 3), GF),
    ("contiguous/4", 3, (2, 5), GF),
    ("contiguous/4", 3, (5, 2), "QQ"),
    ("contiguous/8", 2, (3, 5, 2), GF),
    ("contiguous/8", 3, (2, 3, 5), GF),
    ("mirror-first/8", 2, (3, 3, 5), GF),
    ("mirror-first/8", 3, (5, 2, 3), GF),
    ("padded/6", 3, (5, 5, 2), GF),
    ("padded/6", 3, (5, 5, 2), "QQ"),
    ("windows-of-3/6", 3, (5, 2), GF),
]
FULL = QUICK + [
    ("contiguous/4", 2, (8, 4), GF),
    ("mirror-first/4", 4, (4, 2), GF),
    ("contiguous/8", 2, (4, 8, 2), GF),
    ("mirror-first/8", 2, (4, 2, 8), GF),
    ("mirror-first/8", 3, (3, 3, 9), GF),
    ("padded/6", 2, (4, 8, 2), GF),
    ("windows-of-3/6", 4, (2, 4), GF),
    ("windows-of-3/6", 2, (4, 2), GF),
    ("windows-of-3/6", 3, (9, 3), GF),
    ("contiguous/4", 2, (5, 3), GF),
    ("contiguous/8", 2, (6, 3, 5), GF),
    ("mirror-first/8", 3, (2, 6, 2), GF),
    ("padded/6", 3, (6, 5, 2), GF),
    ("padded/6", 2, (3, 5, 2), GF),
    ("windows-of-3/6", 3, (6, 2), GF),
    ("windows-of-3/6", 2, (3, 5), GF),
]


def _describe(cut) -> str:
    parts = [f"{u[0]} {u[1]}–{v[0]} {v[1]} ({b})" for u, v, b in cut.edges]
    parts += [f"δ{node[1]} ({b})" for node, b in cut.deltas]
    return " · ".join(parts) or "nothing"


def exact_rank(grid, partition, field: str) -> int:
    result = er.rank(er.matricize(grid, partition), field)
    if not result.exact:
        raise er.ExactRankError(f"the rank over {field} was not proven: {result.method}")
    return result.rank


def check_network(tree_name: str, M: int, widths, field: str, full: bool, certs, seed=0):
    """One network over its partitions: the number of (network, partition) pairs, of
    failures and of disagreements, whether Claim 12 covers it, its details and certificates,
    and (partition, min-cut, rank) at its largest min-cut."""
    tree = TREES[tree_name]
    model = er.random_hierarchical(tree, M, list(widths), field=field, seed=seed)
    second = None  # a second independent draw, made only if some rank falls short
    graph, grid = tensor_network(model), er.grid_tensor(model, field)
    covered = powers_of_one_integer([M, *widths])
    balanced_only = model.N > 6 and not full
    label = f"{tree_name} M={M} r={widths} over {field}"
    pairs = failures = equal = 0
    disagreements, lines, saved, largest = [], [], [], None
    for partition in each_partition(model.N, balanced=balanced_only):
        pairs += 1
        cut = min_cut_bound(graph, partition)
        r = exact_rank(grid, partition, field)
        if r < cut.bound:  # the generic rank is the largest over draws: draw again
            if second is None:
                again = er.random_hierarchical(tree, M, list(widths), field=field, seed=seed + 1)
                second = er.grid_tensor(again, field)
            r = max(r, exact_rank(second, partition, field))
        where = f"rows={','.join(map(str, partition.row_modes))}"
        if r > cut.bound:
            failures += 1
            lines.append(f"  FAIL {where}: rank {r} > min-cut {cut.bound} = {_describe(cut)}")
        elif r < cut.bound:
            failures += covered
            disagreements.append(partition)
            lines.append(
                f"  {'FAIL' if covered else 'disagreement'} {where}: rank {r} < min-cut "
                f"{cut.bound} = {_describe(cut)} (both draws)"
            )
        else:
            equal += 1
        if largest is None or cut.bound > largest[1]:
            largest = (partition, cut.bound, r)
    kind = "powers of one integer" if covered else "not covered by Claim 12"
    scope = "balanced partitions" if balanced_only else "partitions"
    head = (
        f"{label} [{kind}]: {pairs} {scope}, rank = min-cut on {equal}, "
        f"rank < min-cut on {len(disagreements)}, largest min-cut {largest[1]}"
    )
    if certs is not None:
        theorem = "seed 000, Claim 12: rank vs TN min-cut"
        for partition in [largest[0], *disagreements]:
            cert = er.certify(model, partition, field, theorem=theorem)
            rows = "".join(map(str, partition.row_modes))
            name = f"{NAME}_{tree_name.replace('/', 'N')}_M{M}_r{'-'.join(map(str, widths))}"
            saved += keep(certs, f"{name}_{field.split('(')[0]}_rows{rows}.json", cert)
    return pairs, failures, len(disagreements), covered, [head, *lines], saved, largest


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved = [], []
    totals = {True: [0, 0], False: [0, 0]}  # covered -> [pairs, disagreements]
    failures, top = 0, (0, "", "")  # the largest min-cut: its value, network, quantity
    for tree_name, M, widths, field in FULL if full else QUICK:
        pairs, failed, below, covered, lines, kept, (partition, cut, rank) = check_network(
            tree_name, M, widths, field, full, certs
        )
        if top[0] < cut:
            rows = ",".join(map(str, partition.row_modes))
            network = f"{tree_name}, M = {M}, r = {widths} over {field[:2]}, rows {rows}"
            top = (cut, network, f"rank {rank}, min-cut {cut}")
        failures += failed
        totals[covered][0] += pairs
        totals[covered][1] += below
        details += lines
        saved += kept
    details.append(
        f"powers of one integer: {totals[True][0]} (network, partition) pairs, rank < min-cut "
        f"on {totals[True][1]} (each fails the check)"
    )
    details.append(
        f"other channel numbers (outside Claim 12, not failing the check): {totals[False][0]} "
        f"pairs, rank < min-cut on {totals[False][1]}"
    )
    instances = totals[True][0] + totals[False][0]
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=top[1],
        quantity=top[2],
    )


if __name__ == "__main__":
    run_script(check)
