"""Seed 001, §5 "Shared case", corrected: bounded ranks, not shared cores, cost universality.

The paper: "By imposing this constraint [G(2) = … = G(T−1)], we lose the property of
universality". At fixed T that is false (``proofs/shared_universality.py``: a prefix trie
realizes every H with shared cores, but needs ranks ~ M^{T−1}). What is true: with ranks
bounded, L_t <= L and R_t <= R, a shared RNN has P parameters whatever T is, so its grid
tensors form a set of dimension <= P; once M^T > P not every H is reachable. For the product
ξ the grid is a polynomial map of the parameters and the dimension of its image is the
generic rank of its Jacobian; for ξ = max(x, y, 0) the map is polynomial on each piece of
a finite semialgebraic partition, so the image is still of dimension <= P.

**Product ξ (exact dimensions).** With C = I (L = M, which loses nothing: a product RNN only
sees the effective cores Σ_i C[i, m]·G[i, j, k], seed 001, Prop. A.1) the shared grids are
the tensors A[i_0]·B[i_1]···B[i_{T−2}]·Z[i_{T−1}] with A (M × 1 × R), B (M × R × R),
Z (M × R × 1): P = MR(R + 2) parameters. At a random point θ mod p = 2^61 − 1:

* lower bound: rank_p J(θ) <= rank_QQ J(θ̃) (θ̃ the integer lift; J has integer polynomial
  entries) <= the generic rank of J = the dimension of the image;
* upper bound: symmetries leave the grid unchanged, so their tangent vectors K(θ), polynomial
  in θ, lie in ker J(θ) for every θ; the rank of K is lower semicontinuous, so its generic
  value is >= rank_p K(θ), and dim <= P − rank_p K(θ). K holds GL(R) on the state
  (dA = A·X, dB = B·X − X·B, dZ = −X·Z), the scaling (c^(−(T−2))·A, c·B, Z), and at T = 4
  with M = 2 the extra bond gauges of :func:`_centralizer_symmetries` (at T = 3 the one inner
  core is shared with nothing: both bond gauges). Also dim <= r(a + b − r) for each bond's
  a × b left-right matricization of rank <= r = R < min(a, b) (determinantal variety).

When the two bounds meet the dimension is proven. J·K ≡ 0 (mod p) is checked too, as a
test of the derivative code. The unshared RNN with the same R (a core per step, a gauge
per bond) is done the same way: its dimension grows with T, the shared one stays put
(MR(R + 2) − R² − 1 for M >= 3 or T >= 5 in the table).

**relu ξ (evidence).** At the relu RNN that simulates a random TT with positive cores
(:func:`exactrank.constructions.nonnegative_tt_as_relu_rnn`; M = R = 2, L = 5) every max is
strict, so the grid map is polynomial nearby and the rank over QQ of its Jacobian (with
respect to every entry of C and G) is a proven lower bound on the dimension of the image;
P is the upper bound. The shared lower bound stays put as T grows, the unshared one grows.

Instances: product (M, R, T) for (2, 2, T = 3 … 7), (3, 2, T = 3 … 5), (2, 3, T = 4 … 6)
(longer in full mode); relu (2, 2) at T = 4 … 7 (… 9 in full mode). PASS: every bound
pair is consistent and J·K ≡ 0; in each product row the shared dimension is determined
exactly at the last two T, equal there and < M^T; the unshared lower bounds grow strictly
with T and end above it; for relu the shared lower bounds are <= P and the unshared ones
grow strictly and end above them. It proves the product dimensions for these sizes
(certificates of the ranks mod p of J and K, and the points θ, with --certs) and relu
lower bounds only; that the shared dimension stays <= P for every T is the parameter count,
not this computation.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

import exactrank as er
from exactrank.checks.theorems import outcome, run_script
from exactrank.constructions import nonnegative_tt_as_relu_rnn

NAME = "shared_bounded_rank"
CLAIM = (
    "with ranks <= R a shared RNN has P parameters for every T, so its grids form a set of "
    "dimension <= P < M^T: not every H is reachable (the unshared dimension grows with T)"
)
EXPECTED = "PASS"
P_FIELD = 2**61 - 1  # a Mersenne prime: residues as Python ints, no overflow
PRODUCT_QUICK = [(2, 2, (3, 4, 5, 6, 7)), (3, 2, (3, 4, 5)), (2, 3, (4, 5, 6))]
PRODUCT_FULL = [(2, 2, (3, 4, 5, 6, 7, 8, 9)), (3, 2, (3, 4, 5, 6)), (2, 3, (4, 5, 6, 7, 8))]
RELU_QUICK = (2, 2, (4, 5, 6, 7))  # M, R, T values
RELU_FULL = (2, 2, (4, 5, 6, 7, 8, 9))


class TiedMax(ArithmeticError):
    """A max(a, h, 0) of the relu recursion is tied: the grid map may not be smooth there."""


def forward_jacobian(
    C, G, F, steps, xi: str, p: int | None = None, differentiate_C: bool = True
) -> np.ndarray:
    """The Jacobian of the grid (M^T entries, C-order) with respect to the distinct cores.

    ``C``, ``G``: lists of the distinct cores (exact integers); ``steps[t]`` is the core used
    at step t (shared: 0, 1, …, 1, 2). Parameters: for each distinct core c, the entries of
    C[c] (if ``differentiate_C``) then of G[c], C-order. Forward-mode differentiation of the
    recursion of seed 001, eq. 16: the states of all prefixes and their derivatives. Over
    GF(p) when ``p`` is given (product only), else exact integers; relu raises
    :class:`TiedMax` where a max is not strict (beyond the constant start h^(−1) = 0).
    """
    if xi not in ("product", "relu") or (xi == "relu" and p is not None):
        raise er.InvalidInputError(
            f"forward_jacobian differentiates product (over QQ or GF(p)) or relu (over QQ: its "
            f"maxima compare rationals) networks; got xi={xi!r}, p={p}"
        )
    offsets, n = [], 0
    for c in range(len(G)):
        sizes = ((C[c].size if differentiate_C else 0), G[c].size)
        offsets.append((n, n + sizes[0]))
        n += sum(sizes)
    M = F.shape[0]
    reduce = (lambda X: X % p) if p is not None else (lambda X: X)
    S = np.ones((1, 1), dtype=object) if xi == "product" else np.zeros((1, 1), dtype=object)
    D = np.zeros((1, 1, n), dtype=object)
    for t, c in enumerate(steps):
        Ct, Gt = C[c], G[c]
        L = Ct.shape[0]
        a = reduce(F @ Ct.T)  # a[m, i] = (C f(x^(m)))_i
        da = np.zeros((M, L, n), dtype=object)
        if differentiate_C:
            for i in range(L):
                for k in range(Ct.shape[1]):
                    da[:, i, offsets[c][0] + i * Ct.shape[1] + k] = F[:, k]
        N, R = S.shape
        A, Sx = a[None, :, :, None], S[:, None, None, :]
        dA, dS = da[None, :, :, None, :], D[:, None, None, :, :]
        if xi == "product":
            Z = reduce(A * Sx)
            dZ = reduce(dA * Sx[..., None] + A[..., None] * dS)
        elif t == 0:  # h^(−1) = 0 is the constant the relu's own 0 is: max(a, 0)
            if (a == 0).any():
                raise TiedMax("step 0: an input a_i = 0 ties with the relu's 0")
            pick = np.broadcast_to(A > 0, (N, M, L, R))
            Z = np.where(pick, A, 0)
            dZ = np.where(pick[..., None], dA, 0)
        else:
            pick_a, pick_s = (Sx < A) & (A > 0), (Sx > A) & (Sx > 0)
            zero = (A < 0) & (Sx < 0)
            if not (pick_a | pick_s | zero).all():
                raise TiedMax(f"step {t}: a max(a_i, h_j, 0) is tied")
            Z = np.where(pick_a, A, np.where(pick_s, Sx, 0))
            dZ = np.where(pick_a[..., None], dA, np.where(pick_s[..., None], dS, 0))
        R_next = Gt.shape[2]
        S_new = reduce(np.einsum("pmij,ijk->pmk", Z, Gt))
        D_new = np.einsum("pmijq,ijk->pmkq", dZ, Gt)
        base = offsets[c][1]
        for i in range(L):
            for j in range(R):
                for k in range(R_next):
                    D_new[:, :, k, base + (i * R + j) * R_next + k] += Z[:, :, i, j]
        S, D = S_new.reshape(N * M, R_next), reduce(D_new).reshape(N * M, R_next, n)
    return D[:, 0, :]


def shared_tt_gauge(A, B, Z, T: int, p: int) -> np.ndarray:
    """Tangent vectors (columns, mod p) of symmetries of the shared TT (A, B, Z) of length T.

    GL(R) acting on the state (R² columns: dA = A·X, dB = B·X − X·B, dZ = −X·Z, X = E_ab)
    and the scaling (A, B, Z) ↦ (c^(−(T−2))·A, c·B, Z) (dA = −(T − 2)·A, dB = B, dZ = 0).
    For T = 3 the one inner core is not shared with anything: the gauges of both bonds.
    """
    if T == 3:
        return unshared_tt_gauge([A, B, Z], p)
    R = B.shape[1]
    columns = []
    for a in range(R):
        for b in range(R):
            X = np.zeros((R, R), dtype=object)
            X[a, b] = 1
            dA = np.array([A[m] @ X for m in range(A.shape[0])])
            dB = np.array([B[m] @ X - X @ B[m] for m in range(B.shape[0])])
            dZ = np.array([-(X @ Z[m]) for m in range(Z.shape[0])])
            columns.append(np.concatenate([dA.ravel(), dB.ravel(), dZ.ravel()]))
    columns.append(np.concatenate([-(T - 2) * A.ravel(), B.ravel(), 0 * Z.ravel()]))
    if T == 4 and B.shape[0] == 2:
        columns += _centralizer_symmetries(A, B, Z)
    return np.array(columns, dtype=object).T % p


def _centralizer_symmetries(A, B, Z) -> list:
    """At T = 4 with M = 2: bond gauges X_0, X_1, X_2 = 0 that keep the two inner cores
    equal need B_m·U = V·B_m (U = X_1 − X_2, V = X_0 − X_1) for m = 0, 1; U = W^k with
    W = adj(B_1)·B_0 and V = (B_0·adj(B_1))^k solve it (B_1·W = det(B_1)·B_0 = B_0·adj(B_1)·B_1).
    """
    R = B.shape[1]
    adj = _adjugate(B[1])
    W, Vb = adj @ B[0], B[0] @ adj
    U, V, out = np.eye(R, dtype=object), np.eye(R, dtype=object), []
    for _ in range(1, R):
        U, V = U @ W, V @ Vb
        X0, X1 = U + V, U
        dA = np.array([A[m] @ X0 for m in range(2)])
        dB = np.array([B[m] @ X1 - X0 @ B[m] for m in range(2)])
        out.append(np.concatenate([dA.ravel(), dB.ravel(), 0 * Z.ravel()]))
    return out


def _adjugate(X: np.ndarray) -> np.ndarray:
    """The adjugate (classical adjoint) of a square integer matrix, by cofactors."""
    n = X.shape[0]
    out = np.empty((n, n), dtype=object)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(X, j, axis=0), i, axis=1)
            out[i, j] = (-1) ** (i + j) * _det(minor)
    return out


def _det(X: np.ndarray) -> int:
    if X.shape[0] == 0:
        return 1
    return sum((-1) ** j * X[0, j] * _det(np.delete(X[1:], j, axis=1)) for j in range(X.shape[0]))


def unshared_tt_gauge(cores, p: int) -> np.ndarray:
    """The (T − 1)·R² tangent vectors of the gauges on the bonds of a TT, mod p."""
    sizes = np.cumsum([0] + [c.size for c in cores])
    columns = []
    for t in range(len(cores) - 1):
        R = cores[t].shape[2]
        for a in range(R):
            for b in range(R):
                X = np.zeros((R, R), dtype=object)
                X[a, b] = 1
                v = np.zeros(sizes[-1], dtype=object)
                v[sizes[t] : sizes[t + 1]] = np.array([g @ X for g in cores[t]]).ravel()
                v[sizes[t + 1] : sizes[t + 2]] = np.array([-(X @ g) for g in cores[t + 1]]).ravel()
                columns.append(v % p)
    return np.array(columns, dtype=object).T


def determinantal_bound(M: int, R: int, T: int) -> int:
    """M^T, or less: across the bond after step t the grid's left-right matricization
    (M^(t+1) × M^(T−t−1)) has rank <= R, and the a × b matrices of rank <= r < min(a, b)
    form a variety of dimension r·(a + b − r)."""
    bound = M**T
    for t in range(T - 1):
        a, b = M ** (t + 1), M ** (T - t - 1)
        if min(a, b) > R:
            bound = min(bound, R * (a + b - R))
    return bound


def _rank_mod_p(A: np.ndarray) -> int:
    return er.rank(A, f"GF({P_FIELD})").rank if A.size else 0


def _random_cores(shapes, rng: random.Random, low: int, high: int) -> list[np.ndarray]:
    return [
        np.array([rng.randint(low, high) for _ in range(int(np.prod(s)))], dtype=object).reshape(s)
        for s in shapes
    ]


def product_dimensions(M: int, R: int, T: int, rng: random.Random) -> dict:
    """Lower and upper bounds on the dimension of the shared and unshared product grids."""
    eye = np.eye(M, dtype=object)
    A, B, Z = _random_cores([(M, 1, R), (M, R, R), (M, R, 1)], rng, 0, P_FIELD - 1)
    steps = [0] + [1] * (T - 2) + [2]
    J = forward_jacobian([eye] * 3, [A, B, Z], eye, steps, "product", P_FIELD, False)
    K = shared_tt_gauge(A, B, Z, T, P_FIELD)
    P = A.size + B.size + Z.size
    lower, gauge = _rank_mod_p(J), _rank_mod_p(K)
    shapes = [(M, 1, R)] + [(M, R, R)] * (T - 2) + [(M, R, 1)]
    cores = _random_cores(shapes, rng, 0, P_FIELD - 1)
    J_un = forward_jacobian([eye] * T, cores, eye, list(range(T)), "product", P_FIELD, False)
    K_un = unshared_tt_gauge(cores, P_FIELD)
    P_un = sum(c.size for c in cores)
    return {
        "M": M,
        "R": R,
        "T": T,
        "M^T": M**T,
        "P": P,
        "lower": lower,
        "upper": min(determinantal_bound(M, R, T), P - gauge),
        "gauge": gauge,
        "P_unshared": P_un,
        "lower_unshared": _rank_mod_p(J_un),
        "upper_unshared": min(determinantal_bound(M, R, T), P_un - _rank_mod_p(K_un)),
        "JK_zero": not (J.dot(K) % P_FIELD).any() and not (J_un.dot(K_un) % P_FIELD).any(),
        "J": J,
        "K": K,
        "point": {"A": A.tolist(), "B": B.tolist(), "Z": Z.tolist()},
    }


def relu_rank(M: int, R: int, T: int, shared: bool, rng: random.Random) -> tuple:
    """(rank over QQ of the relu grid's Jacobian, P): at the relu RNN that simulates a random
    TT with positive cores (:func:`exactrank.constructions.nonnegative_tt_as_relu_rnn`),
    where every max is strict, with respect to every entry of its distinct C and G cores."""
    eye = np.eye(M, dtype=object)
    if shared:
        A, B, Z = _random_cores([(M, 1, R), (M, R, R), (M, R, 1)], rng, 1, 100)
        tt = er.GeneralizedRNN.with_shared_cores("product", (eye, A), (eye, B), (eye, Z), T)
        steps = [0] + [1] * (T - 2) + [2]
    else:
        Rs = [1] + [R] * (T - 1) + [1]
        cores = _random_cores([(M, Rs[t], Rs[t + 1]) for t in range(T)], rng, 1, 100)
        tt = er.GeneralizedRNN("product", [eye] * T, cores)
        steps = list(range(T))
    relu = nonnegative_tt_as_relu_rnn(tt)
    distinct = sorted(set(steps), key=steps.index)
    first_use = [steps.index(c) for c in distinct]
    C = [_integers(relu.C[t]) for t in first_use]
    G = [_integers(relu.G[t]) for t in first_use]
    J = forward_jacobian(C, G, eye, steps, "relu")
    return er.rank(J).rank, J.shape[1], J


def _integers(A: np.ndarray) -> np.ndarray:
    out = np.empty(A.shape, dtype=object)
    for index in np.ndindex(A.shape):
        if A[index].denominator != 1:
            raise er.InvalidInputError(f"expected integer weights, got {A[index]} at {index}")
        out[index] = int(A[index])
    return out


def check(full: bool = False, certs=None):
    rng, details, failures, instances, saved = random.Random(17), [], 0, 0, []
    folder = None if certs is None else Path(certs)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    for M, R, Ts in PRODUCT_FULL if full else PRODUCT_QUICK:
        rows = []
        for T in Ts:
            d = product_dimensions(M, R, T, rng)
            rows.append(d)
            instances += 1
            sound = d["JK_zero"] and d["lower"] <= d["upper"]
            failures += not sound
            exact = d["lower"] == d["upper"]
            details.append(
                f"product M={M} R={R} T={T}: shared P={d['P']}, dim "
                + (f"= {d['lower']}" if exact else f"in [{d['lower']}, {d['upper']}]")
                + f" (symmetry rank {d['gauge']}), M^T={M**T}; unshared P={d['P_unshared']}, "
                f"dim "
                + _interval(d["lower_unshared"], d["upper_unshared"])
                + ("" if d["JK_zero"] else "; J·K != 0 mod p: the derivative code is wrong")
            )
            if folder is not None:
                saved += _save_product(folder, d)
        last = rows[-2:]
        settled = all(d["lower"] == d["upper"] < d["M^T"] for d in last)
        settled = settled and last[0]["lower"] == last[1]["lower"]
        unshared = [d["lower_unshared"] for d in rows]
        grows = all(b > a for a, b in zip(unshared, unshared[1:], strict=False))
        ends_above = unshared[-1] > rows[-1]["upper"]
        failures += not (settled and grows and ends_above)
        details.append(
            f"product M={M} R={R}: the shared dimension settles at {rows[-1]['upper']} < M^T "
            f"({'yes' if settled else 'NO'}); unshared lower bounds {unshared} "
            f"({'strictly growing' if grows else 'NOT growing'}, "
            f"{'ending above' if ends_above else 'NOT above'} the shared dimension)"
        )
    M, R, Ts = RELU_FULL if full else RELU_QUICK
    shared_ranks, unshared_ranks = [], []
    for T in Ts:
        rank_s, P, J = relu_rank(M, R, T, True, rng)
        rank_u, P_u, _ = relu_rank(M, R, T, False, rng)
        instances += 2
        shared_ranks.append(rank_s)
        unshared_ranks.append(rank_u)
        failures += not (rank_s <= P)
        details.append(
            f"relu M={M} R={R} T={T}: shared dim >= rank J = {rank_s}, <= P = {P}, "
            f"M^T = {M**T}{' > P' if M**T > P else ''}; unshared dim >= {rank_u} (P = {P_u})"
        )
        if folder is not None:
            cert = er.certify(
                J, "odd-even", claim="ge", theorem="seed 001 §5 shared case: relu Jacobian rank"
            )
            path = folder / f"shared_bounded_rank_relu_M{M}_R{R}_T{T}_jacobian.json"
            er.save_certificate(cert, path)
            saved.append(str(path))
    grows = all(b > a for a, b in zip(unshared_ranks, unshared_ranks[1:], strict=False))
    escapes = grows and unshared_ranks[-1] > max(shared_ranks)
    failures += not escapes
    details.append(
        f"relu: shared lower bounds {shared_ranks} (all <= P = {P}), unshared {unshared_ranks} "
        f"({'strictly growing, ending above every shared one' if escapes else 'NO growth seen'})"
    )
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=f"relu M = {M}, R = {R}, T = {T}",
        quantity=(
            f"shared grids: a set of dimension <= P = {P} < M^T = {M**T}; unshared reach "
            f">= {rank_u}"
        ),
    )


def _interval(lower: int, upper: int) -> str:
    return f"= {lower}" if lower == upper else f"in [{lower}, {upper}]"


def _save_product(folder: Path, d: dict) -> list[str]:
    """Rank certificates (mod p) of J and of the symmetry matrix K, and the point θ."""
    stem = folder / f"shared_bounded_rank_product_M{d['M']}_R{d['R']}_T{d['T']}"
    paths = []
    for what, X, r in (("jacobian", d["J"], d["lower"]), ("symmetries", d["K"], d["gauge"])):
        cert = er.certify(
            X,
            "odd-even",
            f"GF({P_FIELD})",
            claim="ge",
            r=r,
            theorem=f"seed 001 §5 shared case: rank of the {what} matrix mod p",
        )
        er.save_certificate(cert, f"{stem}_{what}.json")
        paths.append(f"{stem}_{what}.json")
    point = {
        "p": P_FIELD,
        "T": d["T"],
        "TT cores A (M,1,R), B (M,R,R), Z (M,R,1), residues mod p": d["point"],
        "rows of the jacobian": "grid entries, C-order over (i_0, ..., i_{T-1})",
        "columns": "entries of A, then B, then Z, C-order",
    }
    Path(f"{stem}_point.json").write_text(json.dumps(point) + "\n", encoding="utf-8")
    return paths


if __name__ == "__main__":
    run_script(check)
