"""Seed 000, Claim 5: deep rectifier networks that shallow ones replicate only when wide.

Claim: "There exist functions realizable by a deep convolutional rectifier network that can
only be replicated by a shallow network if that has an exponential number of hidden
channels" (Cohen & Shashua, ICML 2016; σ = relu, P = max or mean). Definitions chosen
(docs/model-files.md): the deep network is the hierarchical network over the contiguous
binary tree (pooling windows of 2) with relu after every conv; the shallow network has one
hidden conv layer with relu, global pooling over all N positions (unshared weights, as in
the papers' theorems) and a dense output: with max pooling it is seed 001's generalized
shallow network with ξ = max(x, y, 0); with mean pooling it is Σ_z a_z·mean_t relu(⟨v_zt, f(x_t)⟩).

The deep network (:func:`exactrank.constructions.pairwise_similarity_conv`) has the grid
1 − D (max) or D (mean), D the indicator of i_0 = i_1, i_2 = i_3, …, whose odd-even rank is
K = M^{N/2} (certified). Shallow networks of width Z have odd-even rank ≤ Z·N·M with max
pooling (seed 001, Lemma A.1; ``lemma_a1``) and ≤ 2Z with mean pooling (each channel is a
sum of functions of one input: across any partition, a sum of two separable terms), so they
need Z ≥ K/(NM), resp. Z ≥ K/2: exponential in N. Both shallow bounds are also checked
here on random shallow networks (large integer weights). With max pooling the shallow
network of :func:`exactrank.constructions.pairwise_similarity_shallow` (width K + 1)
realizes 1 − D: the least width lies between K/(NM) and K + 1.

Instances: (M, N) ∈ {(2, 4), (3, 4), (4, 4), (2, 8)} ((3, 8), (2, 16) in full mode), both
poolings: the grid compared entry by entry with D, the rank certified (--certs). Then
the sizes where the bounds bite, M = 4, 5, 6 at N = 8 (quick mode: M = 4 only), from a
rank ≥ M^4 certificate on the principal M^4 × M^4 minor (J − I or I), evaluated lazily:
width ≥ 8, 16, 27 (max) and 128, 313, 648 (mean); in full mode their tables, N = 8 and
M = 2 … 6. A PASS proves the rank half for these sizes and rests on the shallow rank
bounds (proven in the docstring and by Lemma A.1) for the width; "exponential" is read off
the formula.
"""

from __future__ import annotations

import itertools
import random

import numpy as np

import exactrank as er
from exactrank.checks.theorems import (
    CheckResult,
    keep,
    outcome,
    run_script,
    separation_table,
    unverified,
)
from exactrank.constructions import pairwise_similarity_conv, pairwise_similarity_shallow

NAME = "seed000_claim_5"
CLAIM = (
    "a deep relu network (max or mean pooling) needs shallow width >= M^(N/2)/(NM) (max), /2 (mean)"
)
EXPECTED = "PASS"
QUICK = [(2, 4), (3, 4), (4, 4), (2, 8)]
FULL = QUICK + [(3, 8), (2, 16)]
BITE = [(4, 8), (5, 8), (6, 8)]  # certified from a principal minor, lazily (quick: the first)


def paired(M: int, N: int) -> np.ndarray:
    """D[i] = 1 when i_0 = i_1, i_2 = i_3, …, else 0 (plain loops)."""
    D = np.zeros((M,) * N, dtype=object)
    for i in itertools.product(range(M), repeat=N):
        D[i] = int(all(i[k] == i[k + 1] for k in range(0, N, 2)))
    return D


def random_shallow_conv(M: int, N: int, Z: int, pooling: str, rng: random.Random):
    """A shallow rectifier network: one conv of Z channels per position (weights in
    ±10^6), relu, one global pooling window over the N positions, a dense output."""

    def draw(*shape):
        return np.array([rng.randint(-(10**6), 10**6) for _ in range(int(np.prod(shape)))]).reshape(
            shape
        )

    leaves = [draw(Z, M) for _ in range(N)]
    return er.HierarchicalNetwork(
        tuple(range(N)), [leaves], draw(Z), activation="relu", pooling=pooling
    )


def shallow_bound_holds(M: int, N: int, pooling: str, rng: random.Random) -> bool:
    """Random shallow networks of widths Z = 1 … 3 have odd-even rank <= Z·N·M (max
    pooling) or <= 2Z (mean pooling)."""
    for Z in (1, 2, 3):
        shallow = random_shallow_conv(M, N, Z, pooling, rng)
        rank = er.rank(er.matricize(er.grid_tensor(shallow), "odd-even")).rank
        if rank > (Z * N * M if pooling == "max" else 2 * Z):
            return False
    return True


def shallow_width_bound(K: int, M: int, N: int, pooling: str) -> int:
    """The least shallow width the rank K allows: ⌈K/(NM)⌉ (max), ⌈K/2⌉ (mean)."""
    return -(-K // (N * M)) if pooling == "max" else -(-K // 2)


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, saved, failures, instances = random.Random(5), [], [], 0, 0
    tables, largest = {"max": [], "mean": []}, {}  # largest: pooling -> (M^N, size, bound)
    for pooling in ("max", "mean"):
        for M, N in FULL if full else QUICK:
            model = pairwise_similarity_conv(M, N, pooling)
            D = paired(M, N)
            same = np.array_equal(
                er.grid_tensor(model).to_fractions(), 1 - D if pooling == "max" else D
            )
            cert = er.certify(model, "odd-even", theorem=f"seed 000, Claim 5 ({pooling} pooling)")
            K, rank, problem = M ** (N // 2), cert["claim"]["r"], unverified(cert)
            bound = shallow_width_bound(K, M, N, pooling)
            shallow_ok = shallow_bound_holds(M, N, pooling, rng)
            ok = same and rank == K and shallow_ok and problem is None
            upper = ""
            if pooling == "max":  # the same function class as seed 001's relu shallow network
                narrow = pairwise_similarity_shallow(M, M, N)
                realizes = np.array_equal(er.grid_tensor(narrow).to_fractions(), 1 - D)
                ok = ok and realizes
                upper = f", and width {narrow.R} suffices ({'checked' if realizes else 'NOT'})"
            instances += 1
            failures += not ok
            widths = model.widths
            details.append(
                f"{pooling} M={M} N={N}: deep widths {list(widths)}, grid "
                f"{'as stated' if same else 'DIFFERS'}, odd-even rank {rank} (M^(N/2) = {K}), "
                f"so shallow width >= {bound}{upper}"
                + ("" if shallow_ok else "; a random shallow network BREAKS the rank bound")
                + ("" if problem is None else f"; its certificate is NOT verified: {problem}")
            )
            saved += keep(certs, f"seed000_claim_5_{pooling}_M{M}_N{N}.json", cert)
            if N == 8:
                tables[pooling].append((f"M = {M}, N = 8", bound, f"rank {rank}, whole grid"))
            if largest.get(pooling, (0,))[0] < M**N:
                largest[pooling] = (M**N, f"M = {M}, N = {N}", f"rank {rank}", bound)
    for pooling, table in tables.items():
        for M, N in BITE if full else BITE[:1]:  # quick: one size where the bound is >= 8
            instances += 1
            rank, evidence = _principal_rank(M, N, pooling, certs, saved)
            failures += rank < M ** (N // 2)
            bound = shallow_width_bound(rank, M, N, pooling)
            table.append((f"M = {M}, N = {N}", bound, evidence))
            details.append(f"{pooling} M={M} N={N}: {evidence}, so shallow width >= {bound}")
            if largest[pooling][0] < M**N:
                largest[pooling] = (M**N, f"M = {M}, N = {N}", f"rank >= {rank}", bound)
        if full:
            lines, missed = separation_table(f"shallow width, {pooling} pooling", table)
            details, failures = details + lines, failures + missed
    _, size, rank, bound = largest["max"]
    mean = largest["mean"][3]
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=size,
        quantity=f"{rank}: shallow width >= {bound} (max pooling), >= {mean} (mean)",
    )


def _principal_rank(M: int, N: int, pooling: str, certs, saved: list) -> tuple[int, str]:
    """The rank >= M^(N/2) of the deep network proven on the principal minor (lazily): the
    rank proven (0 when the certificate fails) and how."""
    K = M ** (N // 2)
    model = pairwise_similarity_conv(M, N, pooling)
    try:
        cert = er.certify(
            model,
            "odd-even",
            claim="ge",
            r=K,
            rows=list(range(K)),
            cols=list(range(K)),
            theorem=f"seed 000, Claim 5 ({pooling} pooling)",
        )
    except er.ExactRankError as exc:
        return 0, f"rank >= {K} NOT certified: {exc}"
    problem = unverified(cert)
    if problem is not None:
        return 0, f"rank >= {K}: the certificate is NOT verified: {problem}"
    saved += keep(certs, f"seed000_claim_5_{pooling}_M{M}_N{N}_ge{K}.json", cert)
    return cert["claim"]["r"], f"rank >= {K}, a lazily evaluated principal minor"


if __name__ == "__main__":
    run_script(check)
