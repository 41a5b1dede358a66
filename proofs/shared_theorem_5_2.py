"""Seed 001, §5 "Shared case": Theorem 5.2 for shared cores — "for Theorem 5.2 we provide
numerical evidence in Appendix A".

The paragraph: "we believe that the statements of Theorems 5.2 and 5.3 still hold (without
requiring that shallow networks also have shared weights) […] for Theorem 5.2 we provide
numerical evidence". Theorem 5.2, shared version (reconstructed): for every R there is a
relu RNN with shared inner cores (G(2) = … = G(T−1), C likewise) and ranks R_t <= R whose
grid has odd-even rank >= min(M, R)^{T/2} (the Lemma A.2 value for unshared RNNs); by
Lemma A.1 (rank <= W·T·M for a width-W shallow relu network) any shallow network realizing
it then has width >= ⌈rank / (MT)⌉ (the corrected bound, see ``proofs/theorem_5_2.py``).
The ranks are the state sizes R_t; the input width L_t is free, as in Lemma A.2 (L = M + 1).

Three families per (M, R, T), each rank exact (exactrank's proven QQ rank):

1. uniform random shared relu RNNs, L = R, weights in [−10^6, 10^6] (the brief's search;
   they mostly fall short: random relu RNNs tend to low ranks, which is Theorem 5.3's point);
2. :func:`exactrank.constructions.nonnegative_tt_as_relu_rnn` of a random shared TT with
   positive cores (entries in [1, 10^6]): a shared relu RNN with the same ranks R whose grid
   equals the TT's (checked exactly), L = 2M + 1. This is the main evidence for R <= M: it
   reduces the shared relu question to the odd-even rank of generic shared TTs;
3. :func:`exactrank.constructions.shared_pairwise_similarity_rnn`: a shared relu RNN with
   the Lemma A.2 grid for K = min(M, R − 1) symbols (state size K + 1 <= R), checked entry
   by entry against the formula; its rank is K^{T/2} + 1 if K < M, else M^{T/2}. For
   R >= M + 1 it reaches min(M, R)^{T/2} = M^{T/2} exactly, with a construction that works
   for every T; for R <= M it reaches (R − 1)^{T/2} + 1 only: a phase bit costs one state.
   Not found: a K-state version. With states in {0, 1} each step is an affine map of the
   state, and for a linear update A_x the wanted transitions (A_x w = v_x from "clean" w,
   A_x v_j = [x = j]·w) force every v_x ∝ w; other encodings may exist (values outside
   {0, 1}, other target grids), so family 2 is used there.

Instances: (M, R, T) ∈ {(2, 2, 4), (3, 2, 4), (3, 3, 4), (2, 2, 6), (3, 3, 6), (2, 3, 6)};
full mode adds (2, 2, 8), (3, 2, 6), (4, 4, 4), (4, 3, 6), (3, 4, 6), (3, 3, 8). PASS when
every size has a shared RNN of odd-even rank >= min(M, R)^{T/2} (and the constructions'
grids are right); a certificate (er.certify, odd-even, QQ) of the largest rank found per
size, and of the pairwise network's rank, is saved with --certs.

This is evidence for a finite table, not a proof of "for every R" (nor every T); for each
listed size, though, one exact example shows that the rank bound holds for generic shared
TTs of that size (a Zariski-open condition, Khrulkov et al. 2018), and through family 2 for
shared relu RNNs of that size.
"""

from __future__ import annotations

import itertools
import math
import random

import numpy as np

import exactrank as er
from exactrank.checks.theorems import keep, outcome, run_script, separation_table, unverified
from exactrank.constructions import nonnegative_tt_as_relu_rnn, shared_pairwise_similarity_rnn

NAME = "shared_theorem_5_2"
CLAIM = (
    "for every R some relu RNN with shared cores and ranks <= R has odd-even rank "
    ">= min(M,R)^(T/2) (so shallow width >= that / (MT))"
)
EXPECTED = "PASS"
QUICK = [(2, 2, 4), (3, 2, 4), (3, 3, 4), (2, 2, 6), (3, 3, 6), (2, 3, 6)]
FULL = QUICK + [(2, 2, 8), (3, 2, 6), (4, 4, 4), (4, 3, 6), (3, 4, 6), (3, 3, 8)]
BITE = [(2, 3, 16), (2, 3, 18), (2, 3, 20)]  # full mode: the shared pairwise network, lazily


def _integers(shape, rng: random.Random, low: int, high: int) -> np.ndarray:
    values = [rng.randint(low, high) for _ in range(int(np.prod(shape)))]
    return np.array(values, dtype=object).reshape(shape)


def random_shared_relu(M: int, R: int, T: int, rng: random.Random, high: int = 10**6):
    """A shared relu RNN (seed 001, eq. 16, §5) with L = R and weights in [−high, high]."""
    w = lambda *shape: _integers(shape, rng, -high, high)  # noqa: E731
    return er.GeneralizedRNN.with_shared_cores(
        "relu", (w(R, M), w(R, 1, R)), (w(R, M), w(R, R, R)), (w(R, M), w(R, R, 1)), T
    )


def random_positive_shared_tt(M: int, R: int, T: int, rng: random.Random, high: int = 10**6):
    """A product RNN (a TT, C = I) with shared positive cores, entries in [1, high]."""
    eye = np.eye(M, dtype=np.int64)
    cores = [_integers(s, rng, 1, high) for s in ((M, 1, R), (M, R, R), (M, R, 1))]
    return er.GeneralizedRNN.with_shared_cores(
        "product", (eye, cores[0]), (eye, cores[1]), (eye, cores[2]), T
    )


def paired_zero(K: int, sequence) -> int:
    """The Lemma A.2 grid entry: 0 on (i_1, i_1, …, i_{T/2}, i_{T/2}) with i_k < K, else 1."""
    pairs = zip(sequence[::2], sequence[1::2], strict=True)
    return 0 if all(a == b < K for a, b in pairs) else 1


def odd_even_rank(model) -> int:
    return er.rank(er.matricize(er.grid_tensor(model), "odd-even")).rank


def check(full: bool = False, certs=None):
    rng, details, failures, instances, saved = random.Random(520), [], 0, 0, []
    largest = (0, "", "")  # grid entries, the instance, the claimed quantity there
    tries = 40 if full else 12
    for M, R, T in FULL if full else QUICK:
        target, found, pair = min(M, R) ** (T // 2), [], None  # found: best first on ties
        if R >= 2:
            K = min(M, R - 1)
            pair = shared_pairwise_similarity_rnn(M, R, T)
            grid = er.grid_tensor(pair).to_fractions()
            right = all(grid[s] == paired_zero(K, s) for s in itertools.product(range(M), repeat=T))
            rank, expected = odd_even_rank(pair), (K ** (T // 2) + 1 if K < M else M ** (T // 2))
            instances += 1
            failures += not (right and rank == expected and max(pair.ranks) <= R)
            found.append((rank, pair, "shared pairwise"))
            details.append(
                f"M={M} R={R} T={T}: shared pairwise network (K={K}): grid "
                f"{'right' if right else 'WRONG'}, rank {rank} (expected {expected})"
            )
        for _ in range(2):
            tt = random_positive_shared_tt(M, R, T, rng)
            relu = nonnegative_tt_as_relu_rnn(tt)
            grid = er.grid_tensor(relu)
            same = np.array_equal(grid.to_fractions(), er.grid_tensor(tt).to_fractions())
            instances += 1
            failures += not (same and relu.shared and max(relu.ranks) <= R)
            found.append((er.rank(er.matricize(grid, "odd-even")).rank, relu, "TT-simulating"))
        samples = [random_shared_relu(M, R, T, rng) for _ in range(tries)]
        uniform, sample = max(((odd_even_rank(m), m) for m in samples), key=lambda x: x[0])
        instances += tries
        found.append((uniform, sample, "uniform random"))
        best, model, how = max(found, key=lambda item: item[0])  # max keeps the first
        reached = best >= target
        failures += not reached
        details.append(
            f"M={M} R={R} T={T}: best shared odd-even rank {best} ({how}) vs min(M,R)^(T/2) = "
            f"{target} ({'reached' if reached else 'NOT reached'}); uniform random best "
            f"{uniform}; shallow width >= ceil({best}/(M·T)) = {math.ceil(best / (M * T))}"
        )
        if largest[0] < M**T:
            quantity = (
                f"shared rank {best} ({how}), min(M,R)^(T/2) = {target}: shallow width >= "
                f"{math.ceil(best / (M * T))}"
            )
            largest = (M**T, f"M = {M}, R = {R}, T = {T}", quantity)
        if certs is not None:
            cert = er.certify(model, "odd-even", theorem="seed 001 §5 shared Theorem 5.2")
            saved += keep(certs, f"shared_theorem_5_2_best_M{M}_R{R}_T{T}.json", cert)
            if pair is not None and pair is not model:
                cert = er.certify(pair, "odd-even", theorem="seed 001 §5 shared Lemma A.2")
                saved += keep(certs, f"shared_theorem_5_2_pairwise_M{M}_R{R}_T{T}.json", cert)
    if full:
        table = [_bite(M, R, T, certs, saved) for M, R, T in BITE]
        instances += len(table)
        failures += sum(bound == 0 for _, bound, _ in table)
        lines, missed = separation_table("shallow width >= ceil(rank / (MT)), shared cores", table)
        details, failures = details + lines, failures + missed
        M, R, T = BITE[-1]
        largest = (0, f"M = {M}, R = {R}, T = {T}", f"{table[-1][2]}: width >= {table[-1][1]}")
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=largest[1],
        quantity=largest[2],
    )


def _bite(M: int, R: int, T: int, certs, saved: list) -> tuple[str, int, str]:
    """A row of the table where the bound bites: the shared pairwise network (K = M < R, its
    odd-even matricization J − I) has rank >= M^(T/2), certified on the principal minor
    (entries evaluated lazily) and passed through the certificate checker; the width bound
    ⌈rank / (MT)⌉ (0 when nothing was proven)."""
    K = M ** (T // 2)
    size = f"M = {M}, R = {R}, T = {T}"
    try:
        cert = er.certify(
            shared_pairwise_similarity_rnn(M, R, T),
            "odd-even",
            claim="ge",
            r=K,
            rows=list(range(K)),
            cols=list(range(K)),
            theorem="seed 001 §5 shared Theorem 5.2",
        )
    except er.ExactRankError as exc:
        return size, 0, f"rank >= {K} NOT certified: {exc}"
    problem = unverified(cert)
    if problem is not None:
        return size, 0, f"the rank >= {K} certificate is NOT verified: {problem}"
    saved += keep(certs, f"shared_theorem_5_2_pairwise_M{M}_R{R}_T{T}_ge{K}.json", cert)
    return size, math.ceil(K / (M * T)), f"shared rank >= {K}, a lazily evaluated minor"


if __name__ == "__main__":
    run_script(check)
