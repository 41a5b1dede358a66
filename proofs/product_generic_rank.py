"""Seed 001, §5.2 (multiplicative case): almost every product RNN is exponentially expressive.

The paper, after Theorem 5.2: "In the case of multiplicative RNNs (Khrulkov et al., 2018)
almost every network possessed this property", the property being Theorem 5.2's: its grid
needs an exponentially wide shallow network, through an odd-even rank >= min(M, R)^{T/2}
(Khrulkov et al.: the CP-rank of a generic TT is >= min(M, R)^{T/2}).

What is checked, for every (M, R, T) of the table, for the product RNN with all ranks R
(L = M, C and G random; a product RNN only sees the effective cores Σ_i C[i, m]·G[i, j, k],
Prop. A.1, so L = M loses nothing):

* lower bound, generic: the grid entries are polynomials with integer coefficients in the
  weights, so an r × r minor that is nonzero at one point (residues mod p = 2^61 − 1, or
  integers in [−2^30, 2^30] over QQ) is a nonzero polynomial; it vanishes only on a set of
  measure zero: almost every network has rank >= r. The exact rank at both points (exactrank,
  certified) is that r;
* upper bound, for all weights: the odd-even matricization is a contraction of the chain
  G(0) − G(1) − … − G(T−1) whose modes alternate between rows and columns; for any split of
  the cores into a row side and a column side, it factors through the mode legs (M) and bonds
  (r_t = min(R, M^{t+1}, M^{T−1−t})) that cross it, so rank <= the minimum over splits of
  their product (:func:`min_cut`);
* the generic rank is therefore proven equal to min_cut when the two meet (they do on every
  row of the table), and the claim is that it is >= min(M, R)^{T/2}.

Not the claim: "the generic odd-even rank equals min(M, R)^{T/2}" (and "rank <=
min(M, R)^{T/2} for all weights"). That holds for R >= M only: for R < M the min-cut is
larger (M = 3, R = 2, T = 4: 6 = M·R > 4), and the certified rank at a random point is a
counterexample; the details list each row's comparison.

A PASS proves the generic rank for the listed sizes only.
"""

from __future__ import annotations

import itertools
import random

import exactrank as er
from exactrank.checks.theorems import CheckResult, keep, outcome, run_script
from exactrank.sampling import GENERIC_HIGH, random_rnn

NAME = "product_generic_rank"
CLAIM = (
    "almost every product RNN with ranks R has odd-even rank >= min(M,R)^(T/2); its generic "
    "rank is the min-cut bound (greater than min(M,R)^(T/2) when 1 < R < M)"
)
EXPECTED = "PASS"
P = 2**61 - 1  # a Mersenne prime
QUICK = [
    (2, 1, 4), (2, 2, 4), (2, 3, 4), (3, 2, 4), (3, 3, 4), (4, 2, 4),
    (2, 2, 6), (3, 2, 6), (2, 3, 6), (2, 2, 8),
]  # fmt: skip
FULL = QUICK + [(3, 2, 8), (4, 3, 4), (5, 2, 4), (4, 2, 6), (2, 3, 8), (2, 2, 10)]


def min_cut(M: int, R: int, T: int) -> int:
    """The least product of crossing legs (M) and bonds (r_t) over the splits of the chain's
    cores into a row side and a column side (even modes are rows): the upper bound above."""
    bonds = [min(R, M ** (t + 1), M ** (T - 1 - t)) for t in range(T - 1)]
    best = None
    for side in itertools.product((0, 1), repeat=T):
        cost = 1
        for t in range(T):
            cost *= M if side[t] != t % 2 else 1
        for t in range(T - 1):
            cost *= bonds[t] if side[t] != side[t + 1] else 1
        best = cost if best is None else min(best, cost)
    return best


def product_rnn(M: int, R: int, T: int, rng: random.Random, high: int) -> er.GeneralizedRNN:
    """A product RNN with every rank R, L = M and integer weights in [−high, high]."""
    return random_rnn("product", M, T, rng, L=(M, M), R=(R, R), high=high)


def check(full: bool = False, certs=None) -> CheckResult:
    details, saved, failures, rng = [], [], 0, random.Random(52)
    equal_rows, largest = 0, (0, "", "")  # grid entries, the instance, the quantity there
    for M, R, T in FULL if full else QUICK:
        bound, printed = min_cut(M, R, T), min(M, R) ** (T // 2)
        ranks = {}
        for field, high in ((f"GF({P})", P), ("QQ", GENERIC_HIGH)):
            model = product_rnn(M, R, T, rng, high)
            cert = er.certify(model, "odd-even", field, theorem="seed 001, §5.2 (product)")
            ranks[field] = cert["claim"]["r"]
            label = "GF" if field != "QQ" else "QQ"
            saved += keep(certs, f"product_generic_rank_M{M}_R{R}_T{T}_{label}.json", cert)
        # a non-generic network (weights in [−1, 1]) stays under the bound for all weights
        low = er.rank(er.matricize(er.grid_tensor(product_rnn(M, R, T, rng, 1)), "odd-even"))
        ok = all(r == bound >= printed for r in ranks.values()) and low.rank <= bound
        failures += not ok
        equal_rows += bound == printed
        if largest[0] < M**T:
            quantity = (
                f"generic rank {ranks['QQ']} over QQ = min-cut {bound} >= min(M,R)^(T/2) = "
                f"{printed}"
            )
            largest = (M**T, f"M = {M}, R = {R}, T = {T}", quantity)
        details.append(
            f"M={M} R={R} T={T}: rank at a point mod p {ranks[f'GF({P})']}, over QQ "
            f"{ranks['QQ']}, with weights in [−1, 1] {low.rank}; min-cut bound {bound}; "
            f"min(M,R)^(T/2) = {printed}"
            + ("" if ok else " — the generic rank is NOT proven >= min(M,R)^(T/2)")
            + ("" if bound == printed else " (greater)")
        )
    rows = len(FULL if full else QUICK)
    details.append(
        f"the generic rank equals min(M,R)^(T/2) on {equal_rows} of {rows} rows (R >= M or "
        "R = 1); the others refute 'rank = min(M,R)^(T/2) almost everywhere'"
    )
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        3 * rows,
        failures,
        details,
        saved,
        largest=largest[1],
        quantity=largest[2],
    )


if __name__ == "__main__":
    run_script(check)
