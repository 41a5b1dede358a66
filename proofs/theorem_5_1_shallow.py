"""Seed 001, Theorem 5.1, the shallow half: every tensor is the grid of a relu shallow network.

Claim: every tensor H of shape M × … × M (order T) is the grid tensor of a generalized
shallow network (eq. 14) with ξ = max(x, y, 0); the paper refers to Cohen & Shashua (2016,
Claim 4) and gives no construction. The one built here, with its proof:

- The constant network: one term, every v^(t) the all-ones vector, λ = 1. With F = I,
  ⟨f(x_t), v^(t)⟩ = 1 for every template, so its score is max(1, …, 1, 0) = 1: its grid is
  the all-ones tensor J (:func:`constant_shallow`).
- The one-hot network (:func:`one_hot_shallow`, width 2). ξ sees each input only through
  its own term, so no single term can be 1 at the index sequence j alone; its complement
  can. Take v^(t)[m] = 0 for m = j_t and 1 otherwise: at a sequence i the T arguments are
  [i_t ≠ j_t] ∈ {0, 1}, so max(…, 0) is 0 when i = j and 1 when some i_t ≠ j_t, i.e. the
  term is J − E^(j). With λ = −1 on it and the constant term at λ = +1 the grid is
  J − (J − E^(j)) = E^(j), exactly (all arguments are integers, nothing is rounded).
- Sums (seed 001, Lemma 5.1 for shallow networks, "linear combinations of rank 1 shallow
  networks by definition"): Σ_k c_k·N_k is the network whose terms are all the N_k's
  terms, λ scaled by c_k; terms with equal weights v are merged by adding their λ
  (:func:`combine`). So H = 0·J + Σ_j H_j·E^(j) over the nonzero entries j
  (:func:`universal_shallow`); the J terms of the one-hot networks merge into one term
  (λ = Σ_j H_j) and the J − E^(j) terms are pairwise distinct, so the width is exactly
  nnz(H) + 1 ≤ M^T + 1 (:func:`width_formula`; 1 for H = 0).
- Any invertible F: replace each v by F^(−1)·v, so that ⟨F[m], F^(−1)·v⟩ = v[m] and every
  argument, hence the grid, is unchanged.

Instances: random integer H in [−9, 9], dense (no zero entry: width M^T + 1, the worst
case) and sparse (about a quarter nonzero), for (M, T) ∈ {(2, 2), (2, 3), (2, 4), (3, 2),
(3, 3), (3, 4)}, plus (4, 4), (2, 7), (3, 5) in full mode, each with F = I and a random
invertible rational F. The grid is compared entry by entry, over QQ, with H twice: by
exactrank's grid_tensor and by a direct evaluation of eq. 14 with Fractions. The width used
is reported against M^T. PASS: every grid equals its H and every width equals nnz(H) + 1.
The proof is the algebra above; the instances test it and its implementation. With
``--certs``, each instance with M^T <= 8 saves an "le 0" certificate that its grid equals
that of :func:`exactrank.constructions.universal_rnn` (H as an RNN), for the stand-alone
checker.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np

import exactrank as er
from exactrank.checks.theorems import (
    CheckResult,
    difference_certificate,
    keep,
    outcome,
    run_script,
)
from exactrank.constructions import exact_inverse, universal_rnn
from exactrank.errors import InvalidInputError
from exactrank.models import GeneralizedShallow, require_invertible_features
from exactrank.sampling import random_invertible

NAME = "theorem_5_1_shallow"
CLAIM = "every tensor H is the grid of a relu shallow network (Thm 5.1); width nnz(H) + 1"
EXPECTED = "PASS"
QUICK = [(2, 2), (2, 3), (2, 4), (3, 2), (3, 3), (3, 4)]
FULL = QUICK + [(4, 4), (2, 7), (3, 5)]
CERTIFIED_GRID = 8  # with --certs: grids up to this size also get a stand-alone certificate


def constant_shallow(M: int, T: int) -> GeneralizedShallow:
    """The width-1 relu shallow network whose grid is the all-ones tensor J (F = I)."""
    return GeneralizedShallow("relu", [1], np.ones((1, T, M), dtype=np.int64))


def one_hot_shallow(index, M: int) -> GeneralizedShallow:
    """A width-2 relu shallow network (F = I) whose grid is the one-hot tensor E^(index).

    Terms: λ = −1 on v^(t)[m] = [m ≠ index[t]] (grid J − E^(index), see the module
    docstring) and λ = +1 on the constant term (grid J).
    """
    index = tuple(index)
    if not index or any(type(i) is not int or not 0 <= i < M for i in index):
        raise InvalidInputError(f"index must be T >= 1 integers in 0 … {M - 1}, got {index}")
    complement = [[int(m != i) for m in range(M)] for i in index]
    V = np.array([complement, [[1] * M] * len(index)], dtype=np.int64)
    return GeneralizedShallow("relu", [-1, 1], V)


def combine(networks, coefficients) -> GeneralizedShallow:
    """Σ_k c_k·networks[k] as one shallow network: all terms, λ scaled, equal v merged.

    The networks share ξ, T, M and F (seed 001, Lemma 5.1 for shallow networks).
    """
    first = networks[0]
    merged: dict[tuple, Fraction] = {}
    V_of: dict[tuple, np.ndarray] = {}
    for network, c in zip(networks, coefficients, strict=True):
        if (network.xi, network.T, network.M) != (first.xi, first.T, first.M) or not np.array_equal(
            network.F, first.F
        ):
            raise InvalidInputError(
                f"networks to combine must share ξ, T, M and F: {network!r} vs {first!r}"
            )
        for lam, V in zip(network.lambda_, network.V, strict=True):
            key = tuple(V.flat)
            merged[key] = merged.get(key, Fraction(0)) + Fraction(c) * lam
            V_of[key] = V
    keys = list(merged)
    V = np.array([V_of[k] for k in keys], dtype=object)
    return GeneralizedShallow(first.xi, [merged[k] for k in keys], V, F=first.F)


def universal_shallow(H, F=None) -> GeneralizedShallow:
    """A relu shallow network whose grid is exactly H: 0·J + Σ_j H_j·E^(j), F invertible.

    Width nnz(H) + 1 (:func:`width_formula`). With F, each v becomes F^(−1)·v.
    """
    H = np.asarray(H, dtype=object)
    if H.ndim < 1 or len(set(H.shape)) != 1:
        raise InvalidInputError(f"H must have shape (M, …, M), got {H.shape}")
    M, T = H.shape[0], H.ndim
    nonzero = [j for j in np.ndindex(H.shape) if H[j] != 0]
    networks = [constant_shallow(M, T)] + [one_hot_shallow(j, M) for j in nonzero]
    network = combine(networks, [0] + [H[j] for j in nonzero])
    if F is None:
        return network
    probe = GeneralizedShallow("relu", network.lambda_, network.V, F=F)
    require_invertible_features(probe, "Theorem 5.1 with a feature matrix F")
    V = np.einsum("mn,rtn->rtm", exact_inverse(probe.F), network.V)
    return GeneralizedShallow("relu", network.lambda_, V, F=F)


def width_formula(H) -> int:
    """The width :func:`universal_shallow` uses: nnz(H) + 1."""
    return int(np.count_nonzero(np.asarray(H, dtype=object) != 0)) + 1


def direct_grid(network: GeneralizedShallow) -> np.ndarray:
    """The grid by eq. 14 entry by entry, in Fractions: Σ_r λ_r·max(⟨F[i_t], v_r^(t)⟩…, 0)."""
    M, T = network.M, network.T
    out = np.empty((M,) * T, dtype=object)
    for i in itertools.product(range(M), repeat=T):
        out[i] = sum(
            (
                Fraction(lam) * max([sum(network.F[i[t]] * V[t]) for t in range(T)] + [0])
                for lam, V in zip(network.lambda_, network.V, strict=True)
            ),
            Fraction(0),
        )
    return out


def _random_tensor(M: int, T: int, rng: random.Random, sparse: bool) -> np.ndarray:
    """Dense: every entry a nonzero integer in [−9, 9]; sparse: about a quarter nonzero."""
    nonzero = [v for v in range(-9, 10) if v]
    values = [0 if sparse and rng.random() < 0.75 else rng.choice(nonzero) for _ in range(M**T)]
    return np.array(values, dtype=object).reshape((M,) * T)


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, failures, instances = random.Random(51), [], 0, 0
    largest, saved = None, []
    for M, T in FULL if full else QUICK:
        for sparse in (False, True):
            for F in (None, random_invertible(M, rng)):
                H = _random_tensor(M, T, rng, sparse)
                network = universal_shallow(H, F=F)
                grid_ok = np.array_equal(er.grid_tensor(network).to_fractions(), H)
                direct_ok = np.array_equal(direct_grid(network), H)
                width_ok = width_formula(H) == network.R
                instances += 1
                failures += not (grid_ok and direct_ok and width_ok)
                details.append(
                    f"M={M} T={T} {'sparse' if sparse else 'dense'} "
                    f"F={'I' if F is None else 'random'}: grid_tensor "
                    f"{'equal' if grid_ok else 'DIFFERENT'}, eq. 14 "
                    f"{'equal' if direct_ok else 'DIFFERENT'}; width {network.R} "
                    f"(nnz + 1 = {width_formula(H)}) vs M^T = {M**T}"
                )
                if certs is not None and grid_ok and M**T <= CERTIFIED_GRID:
                    cert = difference_certificate(
                        network, universal_rnn(H, F=F), "le", "seed 001 Theorem 5.1"
                    )
                    saved += keep(certs, f"{NAME}_M{M}_T{T}_{instances}.json", cert)
                if largest is None or largest[0] ** largest[1] < M**T:
                    largest = (M, T, network.R)
    M, T, width = largest
    details.append(
        f"largest instance: M={M} T={T}, width {width} vs M^T = {M**T} "
        f"(ratio {Fraction(width, M**T)})"
    )
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=f"M = {M}, T = {T}",
        quantity=f"grid = H at width {width} (nnz(H) + 1) vs M^T = {M**T}",
    )


if __name__ == "__main__":
    run_script(check)
