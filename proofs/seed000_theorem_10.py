"""Seed 000, Theorem 10: overlapping GC networks against the non-overlapping baseline.

Claim (seed 000, §6, proven in Sharir & Shashua, "On the expressive power of overlapping
architectures of deep learning", ICLR 2018): "The maximal rank of the grid tensors generated
by an overlapping network, with respect to either the 'left-right' or 'top-bottom'
partitions, grows exponentially proportional to the degree of overlapping in the network."
Proposition (ii) of §6 sets it against Theorem 8: on these partitions the baseline network
(R = S) has ranks at most linear in its size.

Networks: :class:`exactrank.OverlappingNetwork` (every choice — block offsets, padding by the
factor 1, representation folded into the first layer, dense output — is stated in
``exactrank/models/overlapping.py``), bias-free, F = I, every layer with the same
receptive field R, stride S = 2 and width C; R = S is the baseline. Families (quick): 1D
N = 8 (3 layers) and N = 16 (4 layers), M = 2, C = 2, R = 2 … 6; 2D 4 × 4 (2 layers),
M = 2, C = 2, R = 2 … 5, partitions left-right (columns 0, 1 | 2, 3) and top-bottom (rows
0, 1 | 2, 3), written out as explicit mode lists. Full mode adds C = 4, M = 3 and exact
integer grids for N = 16 and 4 × 4.

The baseline's bound (proven here, not measured): with R = S the blocks tile their input, so
every position's support is an aligned interval (square) of the input. In every family the
split separates the children of the last block, so y = Σ_c a_c Π_k f_{k,c} with each factor
f_{k,c} a function of one side only: rank ≤ C_{L−1}, the width of the last GC layer (and
the baseline's size is at least its C_{L−1} output weights: linear).

Generic weights, two draws per network: over GF(p), p = 2^31 − 1, uniform residues, and
the rank over GF(p) of that network (exact); over QQ, uniform integers in [−2^30, 2^30].
The grid's entries are integer polynomials in integer weights (F = I), so the grid mod p is
the grid of the weights reduced mod p, computed over GF(p): its rank is a proven lower bound
of the rank over QQ (a nonsingular minor mod p is a nonzero integer minor). For N = 8 the
integer grid itself is built and its rank over QQ proven exactly (both bounds); in full
mode also for N = 16 and 4 × 4 (lower bound: the exact upper-bound proofs of these
thousand-bit entries take minutes).

PASS when in every family, for both draws:
  1. the baseline's rank is ≤ C_{L−1} (the bound above; equality is reported);
  2. every R > S gives a rank > C_{L−1}: the baseline with the same widths cannot reach it,
     and a baseline needs a last width at least that rank to replicate it;
  3. the rank is non-decreasing in R, and the largest R's rank exceeds that of R = S + 1
     unless R = S + 1 already reaches the ceiling M^{N/2} (M^{HW/2} in 2D);
  4. the GF(p) rank equals the QQ one (both draws generic).

What a PASS does not prove: anything beyond these finite sizes, where the ranks reach the
ceiling M^{N/2} quickly. "Exponentially proportional to the degree of overlapping" is the
formula of Sharir & Shashua, whose text could not be read by this check: the formula is
NOT checked. The details report log_M(rank) next to the total receptive field TR and total
stride TS of each layer (TR_l = TR_{l−1} + (R_l − 1)·TS_{l−1}), for a reader holding the
paper. Measured (quick, GF and QQ alike): 1D N = 8: ranks 2, 4, 12, 12, 16 for R = 2 … 6;
1D N = 16: 2, 8, 48, 48, 256; 4 × 4: 2, 4, 16, 16 on both partitions.

**Measured growth, next to the statement** (:mod:`exactrank.checks.growth`; fits of exact ranks,
floats): for each family and partition, the slope b of log_M(rank) ≈ a + b·R over the R
below the ceiling (the statement says log rank grows proportionally to the overlap); and,
for fixed R, the widths C = 1 … 4 on 1D N = 8, M = 4 (R = 3, 4; full mode adds 1D N = 16,
M = 2), the exponent k of rank ≈ a·C^k (the rank must be non-decreasing in C). Measured
(quick): b = 0.93 (N = 8), 1.63 (N = 16), 1.10 (4 × 4, both partitions); ranks 1, 4, 9, 16
(k = 2.00) at R = 3 and 1, 18, 72, 160 (k = 3.70) at R = 4 for C = 1 … 4.

Certificates (--certs): over GF(p), "eq" for the baseline and for the largest R of every
family and partition (explicit entries); for N = 8 also over QQ.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import exactrank as er
from exactrank.checks.growth import exponential_rate, shown, width_growth
from exactrank.checks.theorems import CheckResult, keep, outcome, run_script
from exactrank.linalg.partitions import halves

NAME = "seed000_theorem_10"
CLAIM = (
    "left-right / top-bottom ranks of overlapping GC networks grow with R past the "
    "baseline's bound C_{L-1} (seed 000, Theorem 10)"
)
EXPECTED = "PASS"
P = 2**31 - 1
GF = f"GF({P})"


class Family(NamedTuple):
    label: str
    shape: tuple
    M: int
    S: int
    C: int
    depth: int
    receptive_fields: tuple
    exact_qq: str | None  # None: the grid mod p only; "exact" / "lower": the integer grid too


QUICK = [
    Family("1D N=8", (8,), 2, 2, 2, 3, (2, 3, 4, 5, 6), "exact"),
    Family("1D N=16", (16,), 2, 2, 2, 4, (2, 3, 4, 5, 6), None),
    Family("2D 4x4", (4, 4), 2, 2, 2, 2, (2, 3, 4, 5), None),
]
FULL = [
    QUICK[0],
    Family("1D N=16", (16,), 2, 2, 2, 4, (2, 3, 4, 5, 6), "lower"),
    Family("2D 4x4", (4, 4), 2, 2, 2, 2, (2, 3, 4, 5), "lower"),
    Family("1D N=8 C=4", (8,), 2, 2, 4, 3, (2, 3, 4, 5), "exact"),
    Family("1D N=16 C=4", (16,), 2, 2, 4, 4, (2, 3, 4, 5), None),
    Family("2D 4x4 C=4", (4, 4), 2, 2, 4, 2, (2, 3, 4, 5), None),
    Family("1D N=8 M=3", (8,), 3, 2, 2, 3, (2, 3, 4, 5, 6), None),
]
WIDTHS = (1, 2, 3, 4)  # the C of the width sweeps
WIDTH_QUICK = [Family("1D N=8 M=4", (8,), 4, 2, 0, 3, (3, 4), None)]
WIDTH_FULL = WIDTH_QUICK + [Family("1D N=16", (16,), 2, 2, 0, 4, (3, 4), None)]


def network(family: Family, R: int, field: str, seed: int) -> er.OverlappingNetwork:
    """The family's network with receptive field R in every layer (generic weights)."""
    layers = [(R, family.S, family.C)] * family.depth
    return er.random_overlapping(family.shape, family.M, layers, field=field, seed=seed)


def geometry(model: er.OverlappingNetwork) -> str:
    return ", ".join(
        f"TR={tr}/TS={ts}"
        for tr, ts in zip(model.total_receptive_fields, model.total_strides, strict=True)
    )


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, failures, instances, rates = [], [], 0, 0, []
    for index, family in enumerate(FULL if full else QUICK):
        ceiling = family.M ** (math.prod(family.shape) // 2)
        bound = family.C  # C_{L-1} of the baseline
        parts = halves(family.shape)
        ranks = {name: {"GF": [], "QQ": []} for name in parts}
        for R in family.receptive_fields:
            seed = 1000 * index + R
            gf_model = network(family, R, GF, seed)
            qq_model = network(family, R, "QQ", seed)
            gf_grid = er.grid_tensor(gf_model, GF)
            qq_mod_p = er.grid_tensor(qq_model, GF)  # the integer grid reduced mod p
            qq_grid = er.grid_tensor(qq_model) if family.exact_qq else None
            instances += 1
            for name, part in parts.items():
                r_gf = er.rank(er.matricize(gf_grid, part), GF).rank
                r_qq = er.rank(er.matricize(qq_mod_p, part), GF).rank
                note = ""
                if qq_grid is not None:
                    exact = er.rank(er.matricize(qq_grid, part), prove=family.exact_qq)
                    note = (
                        f", QQ {'=' if exact.exact else '>='} {exact.lower} from the integer grid"
                    )
                    if exact.lower < r_qq or (exact.exact and exact.rank != r_qq):
                        failures += 1
                        note += " (DISAGREES with the grid mod p)"
                ranks[name]["GF"].append(r_gf)
                ranks[name]["QQ"].append(r_qq)
                details.append(
                    f"{family.label} {name} R={R} S={family.S} C={family.C}: rank GF(p) {r_gf}, "
                    f"QQ >= {r_qq}{note}; log_M = {math.log(max(r_gf, 1), family.M):.2f}; "
                    f"{geometry(gf_model)}"
                )
                if certs is not None and R in (family.S, family.receptive_fields[-1]):
                    tag = f"{family.label.replace(' ', '_').replace('=', '')}_{name}_R{R}"
                    cert = er.certify(gf_grid, part, GF, theorem="seed 000, Theorem 10")
                    saved += keep(certs, f"seed000_theorem_10_{tag}_GF.json", cert)
                    if qq_grid is not None and family.exact_qq == "exact":
                        # a full rank needs no upper-bound witness ("ge" r = min(m, n))
                        full_rank = exact.rank == min(exact.shape)
                        cert = er.certify(
                            qq_grid,
                            part,
                            claim="ge" if full_rank else None,
                            theorem="seed 000, Theorem 10",
                        )
                        saved += keep(certs, f"seed000_theorem_10_{tag}_QQ.json", cert)
        for name in parts:
            for draw, values in ranks[name].items():
                problems = _problems(family, values, bound, ceiling)
                failures += bool(problems)
                details.append(
                    f"{family.label} {name} ({draw}): ranks {values} for R = "
                    f"{list(family.receptive_fields)}; baseline bound C_(L-1) = {bound}, "
                    f"ceiling M^(N/2) = {ceiling}"
                    + (f"; FAILS: {'; '.join(problems)}" if problems else "")
                )
            if ranks[name]["GF"] != ranks[name]["QQ"]:
                failures += 1
                details.append(f"{family.label} {name}: GF(p) and QQ ranks DIFFER")
            rate = exponential_rate(family.receptive_fields, ranks[name]["GF"], family.M, ceiling)
            rates.append(f"{family.label} {name} b = {shown(rate)}")
            details.append(
                f"{family.label} {name}: growth with R (fitted): log_M(rank) ≈ a + b·R with "
                f"b = {shown(rate)} over the R below the ceiling"
            )
    exponents = []
    for index, family in enumerate(WIDTH_FULL if full else WIDTH_QUICK):
        ceiling = family.M ** (math.prod(family.shape) // 2)
        name, part = next(iter(halves(family.shape).items()))
        for R in family.receptive_fields:
            values = []
            for C in WIDTHS:
                model = network(family._replace(C=C), R, GF, 7000 + 100 * index + 10 * R + C)
                values.append(er.rank(er.matricize(er.grid_tensor(model, GF), part), GF).rank)
            instances += 1
            k, decreasing, growth = width_growth(WIDTHS, values, ceiling)
            exponents.append(f"{family.label} R={R} k = {shown(k)}")
            failures += decreasing
            details.append(
                f"{family.label} {name} R={R} S={family.S}: ranks {values} (GF(p)) for C = "
                f"{list(WIDTHS)}; {growth}"
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
        quantity=f"log_M(rank) per unit R: {'; '.join(rates)}; rank ~ C^k: {'; '.join(exponents)}",
    )


def _problems(family: Family, values: list, bound: int, ceiling: int) -> list[str]:
    """What fails criteria 1–3 of the docstring for one family, partition and draw."""
    Rs = list(family.receptive_fields)
    base = values[Rs.index(family.S)]
    problems = []
    if base > bound:
        problems.append(f"baseline rank {base} > C_(L-1) = {bound}")
    over = [(R, r) for R, r in zip(Rs, values, strict=True) if R > family.S]
    problems += [f"R={R}: rank {r} <= C_(L-1) = {bound}" for R, r in over if r <= bound]
    if any(b < a for a, b in itertools.pairwise(values)):
        problems.append("the rank decreases as R grows")
    if over and over[0][1] < ceiling and over[-1][1] <= over[0][1]:
        problems.append(f"no growth past R = {over[0][0]}")
    return problems


if __name__ == "__main__":
    run_script(check)
