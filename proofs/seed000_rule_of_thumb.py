"""Seed 000, §7: the rule of thumb on where channels matter, for a feature size D.

Claim (seed 000, §7, after Levine et al. 2018): "for a characteristic feature size D, the
channel numbers up to layer ⌈log₂ D⌉ are more important" (for modeling correlations
between features of that size). Read exactly: take the partitions of *feature size D*,
I and J alternating blocks of D contiguous modes (D = 1 is odd-even); hidden layers are
numbered 0 … L − 1 from the input, as in Cohen et al.; with the same parameter budget,
widening layers 0 … ⌈log₂ D⌉ must raise the rank there, widening the deeper layers must not.

Why (the min-cut of seed 000, Claim 12, :func:`exactrank.geometry.tn.min_cut_bound`): under the
contiguous binary tree a node of level ⌈log₂ D⌉ + 1 holds both an I block and a J block;
each such node must be cut inside, through bonds of width r_l with l <= ⌈log₂ D⌉ (its
children's channels, or deeper inside a block), so the bound — and the rank, which meets
it for generic weights here — depends on r_0 … r_{⌈log₂ D⌉} only; layers above are cut
nowhere. For D not a power of two the blocks straddle the tree and the rule is a rule.

Instances: HT networks over the contiguous tree (:func:`exactrank.random_hierarchical`,
identity activation, product pooling, generic weights over GF(p), p = 2^31 − 1), every
width 2 (the base); the *shallow* profile widens layers 0 … ⌈log₂ D⌉ to 3, the *deep*
profile widens every deeper layer to the least w >= 3 giving it at least the shallow
profile's parameter count (counted from the weight arrays). (N, M, D): (8, 3, 1), (8, 3, 2),
(16, 2, 2), (16, 2, 4); full mode adds (16, 2, 3) and (16, 2, 1) with widths 1 → 2.
For each profile the exact rank over GF(p) of the matricization and the min-cut bound.

PASS when, for every power-of-two D: the shallow profile's rank exceeds the base's and the
deep profile's rank equals the base's, though the deep one has at least as many
parameters (and the min-cut bounds behave alike); the non-power-of-two D is reported.
"""

from __future__ import annotations

import math

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.geometry.tn import min_cut_bound
from exactrank.geometry.trees import contiguous_tree

NAME = "seed000_rule_of_thumb"
CLAIM = (
    "§7: for feature size D, channels of layers 0 … ⌈log2 D⌉ raise the rank of feature-size-D "
    "partitions; the same budget in deeper layers does not"
)
EXPECTED = "PASS"
GF = f"GF({2**31 - 1})"
QUICK = [(8, 3, 1, 2), (8, 3, 2, 2), (16, 2, 2, 2), (16, 2, 4, 2)]  # (N, M, D, base width)
FULL = QUICK + [(16, 2, 3, 2), (16, 2, 1, 1)]


def feature_partition(N: int, D: int) -> tuple[list[int], list[int]]:
    """I, J: blocks of D contiguous modes, alternately (the last block may be shorter)."""
    return [i for i in range(N) if (i // D) % 2 == 0], [i for i in range(N) if (i // D) % 2]


def shallow_layers(D: int) -> range:
    """The hidden layers 0 … ⌈log₂ D⌉ that the rule says matter for feature size D."""
    return range(math.ceil(math.log2(D)) + 1)


def parameters(model: er.HierarchicalNetwork) -> int:
    """Every conv weight and output weight of the network, counted from its arrays."""
    return sum(W.size for level in model.weights for W in level) + model.output.size


def measured(tree, M: int, widths: list[int], partition, seed: int):
    """(rank over GF(p), min-cut bound, parameters) of a generic network with ``widths``."""
    model = er.random_hierarchical(tree, M, widths, field=GF, seed=seed)
    rank = er.rank(er.matricize(er.grid_tensor(model, GF), partition), GF).rank
    return rank, min_cut_bound(model, partition).bound, parameters(model)


def profiles(tree, M: int, L: int, D: int, base: int, partition, seed: int):
    """{name: (widths, rank, min-cut, parameters)} for the base, shallow and deep profiles,
    or None when no layer lies above ⌈log₂ D⌉."""
    early = set(shallow_layers(D))
    if max(early) >= L - 1:
        return None
    out = {"base": [base] * L}
    out["shallow"] = [base + 1 if l in early else base for l in range(L)]
    out = {name: (w, *measured(tree, M, w, partition, seed)) for name, w in out.items()}
    budget, wide = out["shallow"][3], base + 1
    while True:
        widths = [base if l in early else wide for l in range(L)]
        found = measured(tree, M, widths, partition, seed)
        if found[2] >= budget:
            out["deep"] = (widths, *found)
            return out
        wide += 1


def check(full: bool = False, certs=None) -> CheckResult:
    details, failures, instances = [], 0, 0
    for index, (N, M, D, base) in enumerate(FULL if full else QUICK):
        tree, L = contiguous_tree(N), N.bit_length() - 1
        partition = feature_partition(N, D)
        found = profiles(tree, M, L, D, base, partition, seed=100 + index)
        if found is None:
            continue
        instances += 1
        shown = "; ".join(
            f"{name} widths {w}: rank {rank}, min-cut {cut}, {count} parameters"
            for name, (w, rank, cut, count) in found.items()
        )
        line = f"N={N} M={M} D={D} (layers 0 … {max(shallow_layers(D))} shallow): {shown}"
        rank = {name: value[1] for name, value in found.items()}
        cut = {name: value[2] for name, value in found.items()}
        holds = rank["shallow"] > rank["base"] == rank["deep"]
        holds = holds and cut["shallow"] > cut["base"] == cut["deep"]
        if D & (D - 1) == 0 and not holds:
            failures += 1
            line += ": the rule does NOT hold"
        elif D & (D - 1):
            line += f" (D not a power of two: the rule {'holds' if holds else 'fails'} here)"
        details.append(line)
    N, M, D, _ = QUICK[-1] if not full else FULL[-1]
    quantity = next(
        (line.split(": ", 1)[1] for line in reversed(details) if line.startswith(f"N={N} ")), ""
    )
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest=f"N = {N}, M = {M}, D = {D}",
        quantity=quantity,
    )


if __name__ == "__main__":
    run_script(check)
