"""The papers' constructive networks, as models with exact weights.

Each function returns a model that can be evaluated, matricized, certified and saved as a
model file. Modes and templates are 0-based here; the papers count from 1.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from .errors import InvalidInputError
from .geometry.trees import contiguous_tree
from .models import (
    GeneralizedRNN,
    GeneralizedShallow,
    HierarchicalNetwork,
    require_invertible_features,
)
from .models._weights import fmpq_matrix
from .numbers.domains import to_fraction
from .sampling import random_hierarchical as random_hierarchical  # issue 5 names it here


def pairwise_similarity_rnn(M: int, R: int, T: int, F=None) -> GeneralizedRNN:
    """The relu RNN of seed 001, Lemma A.2, whose grid is 0 on paired sequences, 1 elsewhere.

    Paper steps t = 1, 3, … (0-based t even): C = 1_(M,M) − I_(M,M) and G = I_(M,R) as an
    M × 1 × R core; paper steps t = 2, 4, … (0-based t odd): C = 1_(M+1,M) − I_(M+1,M) and
    G = [I_(M,R); b] as an (M+1) × R × 1 core, b = [1 − min(M, R), 0, …, 0]. With F = I
    the grid is 0 exactly on the sequences (i_1, i_1, …, i_{T/2}, i_{T/2}) with every
    i_k < min(M, R), and 1 elsewhere. For another invertible F the cores are C·F^(−T)
    (C·(F^T)^(−1)), which turns the templates back into the unit vectors e_m.
    """
    for name, value in (("M", M), ("R", R), ("T", T)):
        if type(value) is not int or value < 1:
            raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}")
    if T % 2:
        raise InvalidInputError(f"Lemma A.2 pairs the modes: T must be even, got {T}")
    ones, eye = np.ones((M + 1, M), dtype=np.int64), np.eye(M + 1, M, dtype=np.int64)
    b = np.zeros((1, R), dtype=np.int64)
    b[0, 0] = 1 - min(M, R)
    first = (ones[:M] - eye[:M], np.eye(M, R, dtype=np.int64).reshape(M, 1, R))
    second = (ones - eye, np.vstack([np.eye(M, R, dtype=np.int64), b]).reshape(M + 1, R, 1))
    steps = [first if t % 2 == 0 else second for t in range(T)]
    model = GeneralizedRNN("relu", [c for c, _ in steps], [g for _, g in steps], F=F)
    if F is None:
        return model
    require_invertible_features(model, "Lemma A.2 with a feature matrix F")
    F_inverse_T = exact_inverse(model.F).T
    return GeneralizedRNN("relu", [c @ F_inverse_T for c in model.C], model.G, F=model.F)


def exact_inverse(F: np.ndarray) -> np.ndarray:
    """The exact inverse of an invertible square array of exact numbers (FLINT, over QQ)."""
    inverse = fmpq_matrix(F).inv()
    out = np.empty(F.shape, dtype=object)
    for i, j in np.ndindex(F.shape):
        out[i, j] = Fraction(int(inverse[i, j].p), int(inverse[i, j].q))
    return out


def direct_sum(model_a: GeneralizedRNN, model_b: GeneralizedRNN, a=1, b=1) -> GeneralizedRNN:
    """An RNN whose grid tensor is a·Γ_A + b·Γ_B (seed 001, Lemma 5.1), for any ξ.

    The TT-addition formulas (the extraction garbled them; reconstructed): C(t) = [C_A(t);
    C_B(t)], and G(t) block-diagonal over (L_A + L_B) × (R_A + R_B) pairs, so that the state
    is [h_A, h_B] at every step (both start from the one unit state h^(−1) = [u]); the last
    core holds a·G_A(T−1) and b·G_B(T−1) and sums the two scores.
    """
    return linear_combination([model_a, model_b], [a, b])


def linear_combination(models, coefficients) -> GeneralizedRNN:
    """Σ_k c_k·Γ_k by one block-diagonal RNN: :func:`direct_sum` for any number of RNNs."""
    models = list(models)
    if not models or len(models) != len(coefficients):
        raise InvalidInputError("expected as many coefficients as models, at least one")
    first = models[0]
    for k, model in enumerate(models):
        if not isinstance(model, GeneralizedRNN) or not model.exact:
            raise InvalidInputError(f"model {k} must be a GeneralizedRNN with exact weights")
        if (model.xi, model.M, model.T) != (first.xi, first.M, first.T):
            raise InvalidInputError(
                f"the RNNs differ: ξ {first.xi.name} / {model.xi.name}, M {first.M} / "
                f"{model.M}, T {first.T} / {model.T}"
            )
        if not np.array_equal(model.F, first.F):
            raise InvalidInputError("the RNNs have different feature matrices F")
    scale = [to_fraction(c, f"coefficient {k}") for k, c in enumerate(coefficients)]
    T, C, G = first.T, [], []
    for t in range(T):
        cores = [model.G[t] for model in models]
        L, P, Q = (np.cumsum([0] + [g.shape[axis] for g in cores]) for axis in (0, 1, 2))
        core = np.full((L[-1], 1 if t == 0 else P[-1], 1 if t == T - 1 else Q[-1]), Fraction(0))
        for k, g in enumerate(cores):
            p = slice(None) if t == 0 else slice(P[k], P[k + 1])
            q = slice(None) if t == T - 1 else slice(Q[k], Q[k + 1])
            core[L[k] : L[k + 1], p, q] = g * scale[k] if t == T - 1 else g
        C.append(np.vstack([model.C[t] for model in models]))
        G.append(core)
    return GeneralizedRNN(first.xi, C, G, F=first.F)


def shallow_as_rnn(shallow: GeneralizedShallow) -> GeneralizedRNN:
    """A generalized shallow network of width R as an RNN (seed 001, Prop. A.4 + Lemma 5.1).

    Each rank-1 term λ_r·ξ(⟨f, v_r^(0)⟩, …) is an RNN with all ranks 1: C(t) = (v_r^(t))^T,
    G(t) = 1 and G(T−1) = λ_r (its state starts at the unit, as the fold does); the R terms
    are then added by :func:`linear_combination`, giving L_t = R_t = R.
    """
    if not isinstance(shallow, GeneralizedShallow) or not shallow.exact:
        raise InvalidInputError("expected a GeneralizedShallow with exact weights")
    one = np.array([[[Fraction(1)]]], dtype=object)
    terms = [
        GeneralizedRNN(
            shallow.xi,
            [shallow.V[r, t].reshape(1, -1) for t in range(shallow.T)],
            [one] * shallow.T,
            F=shallow.F,
        )
        for r in range(shallow.R)
    ]
    return linear_combination(terms, list(shallow.lambda_))


def pairwise_similarity_shallow(M: int, R: int, T: int) -> GeneralizedShallow:
    """A relu shallow network of width min(M, R)^{T/2} + 1 with the Lemma A.2 grid (F = I).

    With v^(t)[m] = 0 for m = j_t and 1 otherwise, the term max(v^(0)[x_0], …, 0) is
    1 − e_j (1 everywhere but 0 at the sequence j); with every v = 1 the term is the constant
    1. The grid of Lemma A.2, J − Σ_j e_j over the K = min(M, R)^{T/2} paired sequences j,
    is Σ_j (1 − e_j) − (K − 1)·J: width K + 1 (DESIGN.md, on seed 001 Theorem 5.2).
    """
    if T % 2 or M < 1 or R < 1:
        raise InvalidInputError(f"expected M, R >= 1 and an even T, got M={M}, R={R}, T={T}")
    k = min(M, R)
    pairs = list(itertools.product(range(k), repeat=T // 2))
    V = np.ones((len(pairs) + 1, T, M), dtype=np.int64)
    for r, pair in enumerate(pairs):
        for t in range(T):
            V[r, t, pair[t // 2]] = 0
    lam = [1] * len(pairs) + [1 - len(pairs)]
    return GeneralizedShallow("relu", lam, V)


def one_hot_rnn(index, M: int, F=None) -> GeneralizedRNN:
    """A relu RNN whose grid is the one-hot tensor E^(index) (seed 001, Lemma 5.2).

    The lemma cites Cohen & Shashua (2016, Claim 4) for shallow networks; the construction
    used (reconstructed): with v^(t)[m] = 0 for m = index[t] and 1 otherwise,
    max(v^(0)[x_0], …, v^(T−1)[x_{T−1}], 0) = 1 − E^(index), and all-ones v give the constant
    1, so E = 1 − (1 − E) is a width-2 shallow network, an RNN by Prop. A.4 + Lemma 5.1.
    """
    return universal_rnn(_one_hot(index, M), "relu", F)


def universal_rnn(H, xi: str = "relu", F=None) -> GeneralizedRNN:
    """An RNN whose grid tensor is exactly H (seed 001, Theorem 5.1 for relu, Prop. A.5 for
    the product), F invertible (checked exactly; identity by default).

    relu: H = (Σ_j H_j)·1 − Σ_j H_j·(1 − E^(j)) over the nonzero entries j, a shallow relu
    network of width (nonzeros + 1) (see :func:`one_hot_rnn`), turned into an RNN. product:
    H = Σ_j H_j·e_{j_0} ⊗ … ⊗ e_{j_{T−1}}, a CP network of width (nonzeros). With a feature
    matrix F, each v is replaced by F^(−1)·v, so that ⟨F[m], v'⟩ = v[m].
    """
    H = np.asarray(H, dtype=object)
    if H.ndim < 1 or len(set(H.shape)) != 1:
        raise InvalidInputError(f"H must have shape (M, …, M), got {H.shape}")
    if xi not in ("relu", "product"):
        raise InvalidInputError(f"universal_rnn builds relu or product networks, not {xi!r}")
    M, T = H.shape[0], H.ndim
    entries = [(j, to_fraction(H[j], f"H{list(j)}")) for j in np.ndindex(H.shape)]
    entries = [(j, h) for j, h in entries if h != 0] or [((0,) * T, Fraction(0))]
    V, lam = [], []
    for j, h in entries:
        if xi == "relu":
            V.append([[int(m != j[t]) for m in range(M)] for t in range(T)])
            lam.append(-h)
        else:
            V.append([[int(m == j[t]) for m in range(M)] for t in range(T)])
            lam.append(h)
    if xi == "relu":
        V.append([[1] * M for _ in range(T)])
        lam.append(sum(h for _, h in entries))
    V = np.array(V, dtype=object)
    if F is not None:
        probe = GeneralizedShallow(xi, lam, V, F=F)
        require_invertible_features(probe, "Theorem 5.1 with a feature matrix F")
        V = np.einsum("mn,rtn->rtm", exact_inverse(probe.F), probe.V)
    return shallow_as_rnn(GeneralizedShallow(xi, lam, V, F=F))


def _one_hot(index, M: int) -> np.ndarray:
    index = tuple(index)
    if not index or any(type(i) is not int or not 0 <= i < M for i in index):
        raise InvalidInputError(f"index must be T >= 1 integers in 0 … {M - 1}, got {index}")
    E = np.zeros((M,) * len(index), dtype=np.int64)
    E[index] = 1
    return E


def perturbation_base_rnn(M: int, R: int, T: int, F=None) -> GeneralizedRNN:
    """The relu RNN of seed 001, Theorem 5.3, whose grid is the constant 2(MR)^{T−1}.

    C(t) = (F^T)^(−1) (the identity for F = I), G = 2·1_(M,1,R) at the first step,
    1_(M,R,R) in between and 1_(M,R,1) at the last (2·1_(M,1,1) when T = 1).
    """
    for name, value in (("M", M), ("R", R), ("T", T)):
        if type(value) is not int or value < 1:
            raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}")
    ranks = [1] + [R] * (T - 1) + [1]
    G = [np.ones((M, ranks[t], ranks[t + 1]), dtype=np.int64) for t in range(T)]
    G[0] = 2 * G[0]
    model = GeneralizedRNN("relu", [np.eye(M, dtype=np.int64)] * T, G, F=F)
    if F is None:
        return model
    require_invertible_features(model, "Theorem 5.3 with a feature matrix F")
    C = exact_inverse(model.F).T
    return GeneralizedRNN("relu", [C] * T, model.G, F=model.F)


def template_coefficients(H, F) -> np.ndarray:
    """The tensor Ĥ with ⟨Ĥ, Φ(X)⟩ = H on every template sequence (seed 001, Prop. A.5).

    Ĥ_{n_1…n_T} = Σ_j H_{j_1…j_T}·(F^(−1))_{n_1 j_1}⋯(F^(−1))_{n_T j_T}: then
    ⟨Ĥ, f(x^(i_1)) ⊗ … ⊗ f(x^(i_T))⟩ = Σ_j H_j·Π_t (F·F^(−1))_{i_t j_t} = H_i, since
    f(x^(m)) is row m of F. The paper prints (F^(−1))_{j_t i_t}, which is this formula with
    F^(−T) in place of F^(−1): right only when F^(−1) = F^(−T), e.g. for a symmetric F
    (DESIGN.md; check ``prop_a5``).
    """
    H = np.asarray(H, dtype=object)
    inverse = exact_inverse(np.asarray(F, dtype=object))
    for mode in range(H.ndim):  # contract mode `mode` of H with the columns of F^(−1)
        H = np.moveaxis(np.tensordot(inverse, H, axes=([1], [mode])), 0, mode)
    return H


def coefficient_network(H_hat, F=None, xi: str = "product") -> GeneralizedShallow:
    """The CP network of a coefficient tensor: score ⟨Ĥ, Φ(X)⟩ (seed 001, eq. 2 and 6).

    One rank-1 term per nonzero entry n of Ĥ, λ = Ĥ_n and v^(t) = e_{n_t}, so that with
    ξ = product the score is Σ_n Ĥ_n·Π_t f_{n_t}(x^(t)), the "standard CP decomposition"
    the proof of Prop. A.5 takes (width = number of nonzeros; at least 1).
    """
    H_hat = np.asarray(H_hat, dtype=object)
    M, T = H_hat.shape[0], H_hat.ndim
    terms = [(n, h) for n, h in np.ndenumerate(H_hat) if h != 0] or [((0,) * T, 0)]
    V = np.zeros((len(terms), T, M), dtype=np.int64)
    for r, (n, _) in enumerate(terms):
        V[r, np.arange(T), list(n)] = 1
    return GeneralizedShallow(xi, [h for _, h in terms], V, F=F)


def shared_universal_rnn(H, xi: str = "relu", F=None) -> GeneralizedRNN:
    """A shared-core RNN (seed 001, §5 "Shared case", G(2) = … = G(T−1)) whose grid is H.

    A prefix trie: the state has one component h_p per prefix p of length 1 … T−1 (prefixes
    of different lengths are different states, so one inner core serves every step), and
    after reading x_0 … x_t exactly the component of that prefix is 1, the others 0. With
    C = I (rows: (C f(x^(m)))_i = [i = m]) the first core sets h_(m) = [x_0 = m], the shared
    inner core sets h_{p·m} = h_p·[x_t = m], and the last core sums H_{p·m}·h_p·[x_{T−1} = m]
    over |p| = T − 1.

    product ξ: h_p·[x = m] is the term ξ(a_m, h_p) itself (seed 001, eq. 16).
    relu ξ = max(a, h, 0): one more input row that is identically 0 and one more state
    component h_Z that stays 0, so that ξ(a_m, h_Z) = a_m and ξ(0, h_p) = h_p (a_m, h_p ≥ 0);
    then h_p·[x = m] = min(a_m, h_p) = a_m + h_p − ξ(a_m, h_p) for values in {0, 1}, a linear
    combination of ξ terms, which G can hold. Every state stays in {0, 1} by induction.

    Needs T >= 2; R = Σ_{k=1}^{T−1} M^k state components (+1 for relu), L = M (+1 for relu).
    With an invertible F the cores are C·F^(−T), so (C·F^(−T) f(x^(m)))_i is still [i = m].
    """
    H = np.asarray(H, dtype=object)
    if H.ndim < 2 or len(set(H.shape)) != 1 or H.shape[0] < 1:
        raise InvalidInputError(
            f"H must have shape (M, …, M) with T >= 2 modes (shared cores need a first and a "
            f"last step), got shape {H.shape}"
        )
    if xi not in ("relu", "product"):
        raise InvalidInputError(f"shared_universal_rnn builds relu or product networks, not {xi!r}")
    M, T = H.shape[0], H.ndim
    values = {j: to_fraction(H[j], f"H{list(j)}") for j in np.ndindex(H.shape)}
    relu = xi == "relu"
    prefixes = [p for k in range(1, T) for p in itertools.product(range(M), repeat=k)]
    state = {p: n + relu for n, p in enumerate(prefixes)}  # relu: component 0 is h_Z
    R, L = len(prefixes) + relu, M + relu
    zero_row, zero_state = M, 0
    first = np.zeros((L, 1, R), dtype=object)
    inner = np.zeros((L, R, R), dtype=object)
    last = np.zeros((L, R, 1), dtype=object)
    for m in range(M):
        first[m, 0, state[(m,)]] = 1  # ξ(a_m, unit): a_m·1 (product) or max(a_m, 0, 0) (relu)
    for p in prefixes:
        for m in range(M):
            if len(p) < T - 1:  # h_{p·m} = h_p·[x = m]
                target, core, coefficient = state[p + (m,)], inner, 1
            else:  # the score: Σ H_{p·m}·h_p·[x = m]
                target, core, coefficient = 0, last, values[p + (m,)]
            if relu:  # a_m + h_p − ξ(a_m, h_p)
                core[m, zero_state, target] += coefficient
                core[zero_row, state[p], target] += coefficient
                core[m, state[p], target] -= coefficient
            else:
                core[m, state[p], target] += coefficient
    C = np.eye(L, M, dtype=np.int64)
    if F is not None:
        probe = GeneralizedRNN(xi, [C, C], [first, last], F=F)
        require_invertible_features(probe, "a shared universal RNN with a feature matrix F")
        C, F = C @ exact_inverse(probe.F).T, probe.F
    return GeneralizedRNN.with_shared_cores(xi, (C, first), (C, inner), (C, last), T, F=F)


def shared_pairwise_similarity_rnn(M: int, R: int, T: int, F=None) -> GeneralizedRNN:
    """A shared-core relu RNN with the grid of seed 001, Lemma A.2, for K = min(M, R − 1).

    Grid: 0 on the sequences (i_1, i_1, …, i_{T/2}, i_{T/2}) with every i_k < K, 1 elsewhere;
    state size K + 1 <= R, so its odd-even rank is K^{T/2} + 1 if K < M and M^{T/2} if
    K = M (Lemma A.2 with R replaced by K): for R >= M + 1 this is min(M, R)^{T/2}, the
    value Theorem 5.2 needs, with one inner core for every step (seed 001, §5, "Shared case").

    A parity automaton: state (E, H_0, …, H_{K−1}) in {0, 1}^{K+1}, at most one component 1.
    After a completed pair E = 1 means "every pair so far matched"; after the first element
    of a pair H_j = 1 means "clean so far and holding j". All zero is the absorbing error.
    One inner core does both phases: E' = Σ_j H_j·[x = j] and H_j' = E·[x = j] (each phase
    zeroes the other's terms). With ξ = max(a, h, 0) and h ∈ {0, 1}, an input row c gives
    max(c, h, 0) = c + h·(1 − c) (= OR) for c ∈ {0, 1}, and = c for c >= 1 whatever h is.
    So with rows c = 1 − e_j (Lemma A.2's bitwise negation) max(1 − [x = j], h, 0) =
    1 − [x = j] + h·[x = j]: the wanted product plus 1 − [x = j], which rows c = 1 + e_j and
    c = 1 (>= 1, hence independent of h) cancel: 1 − [x = j] = 2·1 − (1 + e_j)[x].
    Rows: 1 − e_j (j < K), 1, 1 + e_j (j < K): L = 2K + 1. The first core reads
    h_j = max([x = j], 0, 0) with rows e_j; the last core outputs 1 − Σ_j H_j·[x = j] =
    1 + K − [x < K] − Σ_j max(1 − [x = j], H_j, 0), the constant part from one row
    c = 1 + K − [x < K] >= 1. With an invertible F every C is replaced by C·F^(−T).
    """
    for name, value in (("M", M), ("R", R), ("T", T)):
        if type(value) is not int or value < 1:
            raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}")
    if R < 2:
        raise InvalidInputError(f"the shared pairwise network needs R >= 2 (K + 1 states), got {R}")
    if T % 2:
        raise InvalidInputError(f"Lemma A.2 pairs the modes: T must be even, got {T}")
    K = min(M, R - 1)
    S = K + 1  # state components: 0 = E, 1 + j = H_j
    ones, eye = np.ones((K, M), dtype=np.int64), np.eye(K, M, dtype=np.int64)
    first = (eye, np.zeros((K, 1, S), dtype=np.int64))
    for j in range(K):
        first[1][j, 0, 1 + j] = 1
    C = np.vstack([ones - eye, np.ones((1, M), dtype=np.int64), ones + eye])
    G = np.zeros((2 * K + 1, S, S), dtype=np.int64)
    one_row = K
    for j in range(K):
        negated, plus = j, K + 1 + j
        G[negated, 1 + j, 0] += 1  # E' gets max(1 − [x = j], H_j, 0)
        G[plus, 0, 0] += 1  # … minus (1 − [x = j]) = (1 + e_j) − 2·1
        G[one_row, 0, 0] -= 2
        G[negated, 0, 1 + j] += 1  # H_j' gets max(1 − [x = j], E, 0)
        G[plus, 0, 1 + j] += 1
        G[one_row, 0, 1 + j] -= 2
    below_K = (np.arange(M) < K).astype(np.int64)
    C_last = np.vstack([ones - eye, (1 + K - below_K).reshape(1, M)])
    G_last = np.zeros((K + 1, S, 1), dtype=np.int64)
    for j in range(K):
        G_last[j, 1 + j, 0] = -1
    G_last[K, 0, 0] = 1
    cores = [first, (C, G), (C_last, G_last)]
    if F is not None:
        probe = GeneralizedRNN("relu", [first[0]], [first[1][:, :, :1]], F=F)
        require_invertible_features(probe, "the shared pairwise network with a feature matrix F")
        F_inverse_T = exact_inverse(probe.F).T
        cores, F = [(c @ F_inverse_T, g) for c, g in cores], probe.F
    return GeneralizedRNN.with_shared_cores("relu", *cores, T, F=F)


def nonnegative_tt_as_relu_rnn(model: GeneralizedRNN) -> GeneralizedRNN:
    """A relu RNN with the same grid and the same ranks R_t as a product RNN (a TT) whose
    effective cores are >= 0; shared cores stay shared (seed 001, §5, "Shared case").

    The product RNN's step t acts on the template m as h ↦ h·E_t[m], with the effective core
    E_t[m, j, k] = Σ_i (C_t F^T)[i, m]·G_t[i, j, k] (seed 001, eq. 16 with ξ = product).
    With E_t >= 0 every reachable state lies in [0, β), β = 1 + the largest entry of the
    bounds u_0 = max_m E_0[m], u_t = max_m u_{t−1}·E_t[m] (t <= T − 2). With ξ = max(a, h, 0):

    * an input row c = β·[x ≠ m] − [x = m] gives max(c, h_j, 0) = [x = m]·h_j + [x ≠ m]·β,
      so G[m, j, k] = E_t[m, j, k] yields (h·E_t[x])_k plus β·Σ_{m ≠ x} S_t[m, k],
      S_t[m, k] = Σ_j E_t[m, j, k];
    * rows c = β·1 and c = β·(1 + e_m) are >= β > h, so max(c, h, 0) = c whatever h is:
      the term Σ_m S_t[m, k]·β(1 + [x = m]) − 2·Σ_m S_t[m, k]·β cancels the extra part;
    * the first step (state h^(−1) = [0]) uses rows 2e_m − 1: max(±1, 0, 0) = [x = m].

    The inputs −1 (not 0) and the margin β > h make every max strict when the cores are > 0,
    so the grid is a polynomial map of the weights near such a model (a point where the
    Jacobian means something). L_0 = M and L_t = 2M + 1 after; with a feature matrix F
    every C is C·F^(−T). The numbers grow like the largest state, but stay exact.
    """
    if not isinstance(model, GeneralizedRNN) or not model.exact or model.xi.name != "product":
        raise InvalidInputError(
            f"expected a product GeneralizedRNN with exact weights, got {model!r}"
        )
    require_invertible_features(model, "the relu simulation of a product RNN")
    M, T = model.M, model.T
    cores = []
    for t in range(T):
        E = np.einsum("im,ijk->mjk", model.C[t] @ model.F.T, model.G[t])
        negative = [index for index in np.ndindex(E.shape) if E[index] < 0]
        if negative:
            raise InvalidInputError(
                f"step {t}: the effective TT core E_{t}[m, j, k] must be >= 0, but "
                f"E_{t}{list(negative[0])} = {E[negative[0]]}"
            )
        cores.append(E)
    bound, beta = cores[0].max(axis=0)[0], Fraction(0)
    for t in range(T - 1):
        if t:
            bound = np.max([bound @ cores[t][m] for m in range(M)], axis=0)
        beta = max(beta, max(bound))
    beta += 1
    ones, eye = np.ones((M, M), dtype=object), np.eye(M, dtype=object)
    C_step = np.vstack([beta * ones - (beta + 1) * eye, beta * ones[:1], beta * (ones + eye)])
    steps = [(2 * eye - ones, cores[0])]
    for E in cores[1:]:
        S = E.sum(axis=1)  # S[m, k] = Σ_j E[m, j, k]
        G = np.zeros((2 * M + 1, E.shape[1], E.shape[2]), dtype=object)
        G[:M] = E
        G[M + 1 :, 0, :] = S
        G[M, 0, :] = -2 * S.sum(axis=0)
        steps.append((C_step, G))
    F_inverse_T = exact_inverse(model.F).T
    C, G = [c @ F_inverse_T for c, _ in steps], [g for _, g in steps]
    return GeneralizedRNN("relu", C, G, F=model.F, shared=model.shared)


def pairwise_similarity_conv(M: int, N: int, pooling: str = "max") -> HierarchicalNetwork:
    """A deep rectifier network (relu, max or mean pooling over windows of 2) whose grid is
    the pairwise indicator of seed 001's Lemma A.2, for seed 000's Claim 5.

    D[i] = 1 when i_0 = i_1, i_2 = i_3, …, else 0. Its odd-even matricization is the
    M^{N/2} × M^{N/2} identity (rank M^{N/2}), or J − I for 1 − D.

    max pooling, grid 1 − D: leaf channels 1 − [x = m] (m < M) and the constant 1 (F = I);
    a pair pools max(1 − [x = m], 1 − [y = m]) = 1 − [x = m][y = m];
    its conv Σ_m (·) − (M − 1)·1 = 1 − [x = y]; above, 1 × 1 convs of weight 1 and max
    pooling take the OR of the pairs' mismatches.
    mean pooling, grid D: leaf channels [x = m] and 1; a pair's conv relu(2·mean([x = m],
    [y = m]) − 1) = [x = m]·[y = m] for each m, and keeps 1; the next level's conv
    relu(Σ_m 2·mean(AND_m) − 1) = AND of its two pairs' equalities (then relu(2·mean(E) − 1)
    up the tree); a window of one at the top (the output layer has no activation) outputs E.
    """
    if type(M) is not int or M < 1:
        raise InvalidInputError(f"M must be an integer >= 1, got {M!r}")
    tree = contiguous_tree(N)  # windows of 2: N must be a power of 2
    L = N.bit_length() - 1  # levels of the binary tree
    eye, ones = np.eye(M, dtype=np.int64), np.ones((1, M), dtype=np.int64)
    if pooling == "max":
        leaf = np.vstack([1 - eye, ones])
        weights = [[leaf] * N]
        pair = np.array([[1] * M + [1 - M]], dtype=np.int64)
        if L == 1:
            return HierarchicalNetwork(tree, weights, pair[0], activation="relu", pooling="max")
        weights.append([pair] * (N // 2))
        weights += [[np.ones((1, 1), dtype=np.int64)] * (N >> l) for l in range(2, L)]
        return HierarchicalNetwork(tree, weights, [1], activation="relu", pooling="max")
    if pooling != "mean":
        raise InvalidInputError(f"pooling must be 'max' or 'mean', got {pooling!r}")
    weights = [[np.vstack([eye, ones])] * N]
    const = np.eye(1, M + 1, M, dtype=np.int64)  # picks the constant channel
    weights.append([np.vstack([2 * np.eye(M, M + 1, dtype=np.int64) - const, const])] * (N // 2))
    if L >= 2:
        weights.append([np.vstack([[2] * M + [-1], const])] * (N // 4))
    weights += [[np.array([[2, -1], [0, 1]])] * (N >> l) for l in range(3, L + 1)]
    output = [1] * M + [0] if L == 1 else [1, 0]
    return HierarchicalNetwork((tree,), weights, output, activation="relu", pooling="mean")


def collapsing_conv(M: int, N: int, r: int, pooling: str = "max") -> HierarchicalNetwork:
    """A deep rectifier network (HT tree, width r, relu) around which an open set of
    networks collapses to a shallow network with one hidden channel (seed 000, Claim 6).

    max pooling: the leaf conv of mode 0 is 2·1_(r,M), every other conv 1_(r,·), the output
    1_r (F = I): along the path of mode 0 every channel is twice its siblings', so max
    pooling keeps the branch of x_0 alone, and near this network the grid is a positive
    function g(x_0): λ = 1, v^(0) = F^(−1)·g, v^(t) = 0 (max(g, 0, …, 0) = g).
    mean pooling: every weight 1: near this network every pre-activation is positive, so
    relu is the identity, the network is linear, Σ_t u_t(x_t) with u_t >= 0, one hidden
    channel of average pooling: λ = N, v^(t) = F^(−1)·u_t.
    """
    if pooling not in ("max", "mean"):
        raise InvalidInputError(f"pooling must be 'max' or 'mean', got {pooling!r}")
    if type(r) is not int or r < 1 or type(M) is not int or M < 1:
        raise InvalidInputError(f"expected integers M, r >= 1, got M={M!r}, r={r!r}")
    tree = contiguous_tree(N)
    L = N.bit_length() - 1
    leaves = [np.ones((r, M), dtype=np.int64) for _ in range(N)]
    if pooling == "max":
        leaves[0] = 2 * leaves[0]
    weights = [leaves] + [[np.ones((r, r), dtype=np.int64)] * (N >> l) for l in range(1, L)]
    return HierarchicalNetwork(tree, weights, [1] * r, activation="relu", pooling=pooling)
