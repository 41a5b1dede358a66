"""Seed 000, Claim 11: alternating R × R convolutions (stride 1) and 2 × 2 pooling (stride 2).

Claim (seed 000, §6, proven in Sharir & Shashua, "On the expressive power of overlapping
architectures of deep learning", ICLR 2018): "Consider a network consisting of alternating
R × R-convolutions with stride 1 and 2 × 2-pooling layers with stride 2. Then, this network
realizes functions that cannot be replicated by the baseline network, unless its size is at
least exponential in R²."

GC form (seed 000 §6 writes every layer as a GC layer; :mod:`exactrank.models.overlapping`
states the rest): each R × R convolution with stride 1 is a GC layer (R, S = 1) — a block
of R × R positions ("same" placement, padding by the factor 1), a 1×1 conv per block
position, product over the block — and each 2 × 2 pooling is a GC layer (R = S = 2) with its
own 1×1 convs. The pair (conv, pool) repeats; every layer has C channels; F = I, no biases.
R = 1 makes every layer non-overlapping: that network is the baseline of the same depth and
widths. Families (quick): 1D N = 16 (4 pairs), M = 2, R = 1 … 4; 1D N = 8 (3 pairs), M = 3,
R = 1 … 4; 2D 4 × 4 (2 pairs), M = 2, R = 1 … 3, partitions left-right and top-bottom
(explicit mode lists); C = 2. Full mode adds C = 3, and N = 8 with M = 2, whose integer
grids are built and ranked exactly over QQ.

The baseline's bound (proven, as in ``seed000_theorem_10``): with every R_l = S_l the split
of each family separates the two children of the last 2 × 2 block, so rank ≤ C_{L−1}; and
any baseline network (R = S, contiguous, the split at its last block) has rank ≤ C_{L−1} ≤
its number of weights (the dense output alone has C_{L−1}).

Generic weights, two draws per network: GF(p), p = 2^31 − 1 (rank over GF(p), exact), and
integers in [−2^30, 2^30] (rank over QQ ≥ the rank of the grid mod p, computed over GF(p)
from the weights reduced mod p: the entries are integer polynomials in the weights).

PASS when in every family, for both draws:
  1. R = 1 (no overlap) gives rank ≤ C_{L−1};
  2. every R ≥ 2 gives rank > C_{L−1};
  3. the rank is non-decreasing in R;
  4. some R gives a rank larger than the number of weights of that overlapping network
     itself: no baseline with as many weights can replicate it (its rank ≤ its weights).
     Where the ceiling M^{N/2} is at most the size of every overlapping network of the
     family (the small exact families of full mode), no rank can exceed it; there the
     ceiling itself must be reached;
  5. the GF(p) and QQ ranks agree.

What a PASS does not prove: "exponential in R²" is an asymptotic statement; at these sizes
the rank reaches the ceiling M^{N/2} at R = 3 already (measured: 1D N = 16: 2, 24, 256,
256; N = 8, M = 3: 2, 12, 81, 81; 4 × 4: 2, 64, 256 on both partitions), so the growth rate
cannot be read off, and Sharir & Shashua's bound was not available to compare with. What
is shown exactly: the non-overlapping version stays at C_{L−1} while small overlaps (R = 2,
3) already give ranks above the size of the network itself.

**Measured growth, next to the statement** (:mod:`exactrank.checks.growth`; fits of exact ranks,
floats): for each family and partition the slope b of log_M(rank) ≈ a + b·R² over the R
below the ceiling (only R = 1, 2 at these sizes, so b is a two-point rate); and, for R = 2,
the widths C = 1 … 4 on 1D N = 8, M = 4 (3 pairs; full mode adds 1D N = 16, M = 2), the
exponent k of rank ≈ a·C^k (the rank must be non-decreasing in C). Measured (quick):
b = 1.19 (N = 16), 0.54 (N = 8, M = 3), 1.67 (4 × 4); ranks 1, 12, 36, 64 for C = 1 … 4
at R = 2 (k = 3.04).

Certificates (--certs): over GF(p), "eq" for R = 1 and for the rank-maximal R of every
family and partition (explicit entries); over QQ for the exact families.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import exactrank as er
from exactrank.checks.growth import exponential_rate, shown, width_growth
from exactrank.checks.theorems import CheckResult, keep, outcome, run_script
from exactrank.linalg.partitions import halves

NAME = "seed000_claim_11"
CLAIM = (
    "alternating R x R convolutions (stride 1) and 2 x 2 pooling: ranks above C_(L-1) and "
    "above the network's own size, where R = 1 (no overlap) stays at C_(L-1) (seed 000)"
)
EXPECTED = "PASS"
P = 2**31 - 1
GF = f"GF({P})"


class Family(NamedTuple):
    label: str
    shape: tuple
    M: int
    C: int
    pairs: int
    receptive_fields: tuple
    exact_qq: bool  # also the integer grid, its rank proven exactly over QQ


QUICK = [
    Family("1D N=16", (16,), 2, 2, 4, (1, 2, 3, 4), False),
    Family("1D N=8 M=3", (8,), 3, 2, 3, (1, 2, 3, 4), False),
    Family("2D 4x4", (4, 4), 2, 2, 2, (1, 2, 3), False),
]
FULL = QUICK + [
    Family("1D N=8", (8,), 2, 2, 3, (1, 2, 3), True),
    Family("1D N=16 C=3", (16,), 2, 3, 4, (1, 2, 3), False),
    Family("1D N=8 M=3 C=3", (8,), 3, 3, 3, (1, 2, 3), False),
    Family("2D 4x4 C=3", (4, 4), 2, 3, 2, (1, 2, 3), False),
]
WIDTHS = (1, 2, 3, 4)  # the C of the width sweeps, at R = 2
WIDTH_QUICK = [Family("1D N=8 M=4", (8,), 4, 0, 3, (2,), False)]
WIDTH_FULL = WIDTH_QUICK + [Family("1D N=16", (16,), 2, 0, 4, (2,), False)]


def network(family: Family, R: int, field: str, seed: int) -> er.OverlappingNetwork:
    """R × R convolutions (stride 1) alternating with 2 × 2 poolings, in GC form."""
    layers = [(R, 1, family.C), (2, 2, family.C)] * family.pairs
    return er.random_overlapping(family.shape, family.M, layers, field=field, seed=seed)


def weight_count(model: er.OverlappingNetwork) -> int:
    """Every conv weight, bias and output weight of the network."""
    count = sum(W.size for W in model.weights) + model.output.size
    return count + sum(b.size for b in model.biases or () if b is not None)


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, failures, instances, rates = [], [], 0, 0, []
    for index, family in enumerate(FULL if full else QUICK):
        ceiling = family.M ** (math.prod(family.shape) // 2)
        parts = halves(family.shape)
        ranks = {name: {"GF": [], "QQ": []} for name in parts}
        grids, sizes = {}, []
        for R in family.receptive_fields:
            seed = 1000 * index + R
            gf_model = network(family, R, GF, seed)
            qq_model = network(family, R, "QQ", seed)
            grids[R] = er.grid_tensor(gf_model, GF)
            qq_mod_p = er.grid_tensor(qq_model, GF)
            qq_grid = er.grid_tensor(qq_model) if family.exact_qq else None
            sizes.append(weight_count(gf_model))
            instances += 1
            for name, part in parts.items():
                r_gf = er.rank(er.matricize(grids[R], part), GF).rank
                r_qq = er.rank(er.matricize(qq_mod_p, part), GF).rank
                note = ""
                if qq_grid is not None:
                    exact = er.rank(er.matricize(qq_grid, part))
                    note = f", QQ = {exact.rank} from the integer grid"
                    if exact.rank != r_qq:
                        failures += 1
                        note += " (DISAGREES with the grid mod p)"
                    if certs is not None:
                        full_rank = exact.rank == min(exact.shape)
                        cert = er.certify(
                            qq_grid,
                            part,
                            claim="ge" if full_rank else None,
                            theorem="seed 000, Claim 11",
                        )
                        saved += keep(
                            certs, f"seed000_claim_11_{_tag(family, name, R)}_QQ.json", cert
                        )
                ranks[name]["GF"].append(r_gf)
                ranks[name]["QQ"].append(r_qq)
                details.append(
                    f"{family.label} {name} R={R} C={family.C}: rank GF(p) {r_gf}, QQ >= {r_qq}"
                    f"{note}; {sizes[-1]} weights; log_M(rank) = "
                    f"{math.log(max(r_gf, 1), family.M):.2f}, R^2 = {R * R}"
                )
        for name, part in parts.items():
            for draw, values in ranks[name].items():
                problems = _problems(family, values, sizes)
                failures += bool(problems)
                details.append(
                    f"{family.label} {name} ({draw}): ranks {values} for R = "
                    f"{list(family.receptive_fields)}; weights {sizes}; C_(L-1) = {family.C}, "
                    f"ceiling {ceiling}" + (f"; FAILS: {'; '.join(problems)}" if problems else "")
                )
            if ranks[name]["GF"] != ranks[name]["QQ"]:
                failures += 1
                details.append(f"{family.label} {name}: GF(p) and QQ ranks DIFFER")
            if certs is not None:
                values = ranks[name]["GF"]
                best = family.receptive_fields[values.index(max(values))]
                for R in sorted({family.receptive_fields[0], best}):
                    cert = er.certify(grids[R], part, GF, theorem="seed 000, Claim 11")
                    saved += keep(certs, f"seed000_claim_11_{_tag(family, name, R)}_GF.json", cert)
            squares = [R * R for R in family.receptive_fields]
            rate = exponential_rate(squares, ranks[name]["GF"], family.M, ceiling)
            rates.append(f"{family.label} {name} b = {shown(rate)}")
            details.append(
                f"{family.label} {name}: growth with R (fitted): log_M(rank) ≈ a + b·R² with "
                f"b = {shown(rate)} over the R below the ceiling"
            )
    exponents = []
    for index, family in enumerate(WIDTH_FULL if full else WIDTH_QUICK):
        ceiling = family.M ** (math.prod(family.shape) // 2)
        name, part = next(iter(halves(family.shape).items()))
        (R,) = family.receptive_fields
        values = []
        for C in WIDTHS:
            model = network(family._replace(C=C), R, GF, 7000 + 100 * index + C)
            values.append(er.rank(er.matricize(er.grid_tensor(model, GF), part), GF).rank)
        instances += 1
        k, decreasing, growth = width_growth(WIDTHS, values, ceiling)
        exponents.append(f"{family.label} R={R} k = {shown(k)}")
        failures += decreasing
        details.append(
            f"{family.label} {name} R={R}: ranks {values} (GF(p)) for C = {list(WIDTHS)}; {growth}"
        )
    family = max(FULL if full else QUICK, key=lambda f: math.prod(f.shape))  # the first largest
    largest = f"{family.label}, M = {family.M}, C = {family.C}, R = {family.receptive_fields[-1]}"
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=largest,
        quantity=f"log_M(rank) per unit R²: {'; '.join(rates)}; rank ~ C^k: {'; '.join(exponents)}",
    )


def _tag(family: Family, partition: str, R: int) -> str:
    return f"{family.label.replace(' ', '_').replace('=', '')}_{partition}_R{R}"


def _problems(family: Family, values: list, sizes: list) -> list[str]:
    """What fails criteria 1–4 of the docstring for one family, partition and draw."""
    bound = family.C
    problems = []
    for R, r in zip(family.receptive_fields, values, strict=True):
        if R == 1 and r > bound:
            problems.append(f"R=1: rank {r} > C_(L-1) = {bound}")
        if R > 1 and r <= bound:
            problems.append(f"R={R}: rank {r} <= C_(L-1) = {bound}")
    if any(b < a for a, b in itertools.pairwise(values)):
        problems.append("the rank decreases as R grows")
    ceiling = family.M ** (math.prod(family.shape) // 2)
    overlapping = [
        (r, n) for R, r, n in zip(family.receptive_fields, values, sizes, strict=True) if R > 1
    ]
    if ceiling > min(n for _, n in overlapping):
        if not any(r > n for r, n in overlapping):
            problems.append("no R gives a rank above the network's own number of weights")
    elif max(values) < ceiling:
        problems.append(f"the ceiling {ceiling} (below every network's size) is not reached")
    return problems


if __name__ == "__main__":
    run_script(check)
