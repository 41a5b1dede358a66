"""The papers' constructive networks, as models with exact weights.

Each function returns a model that can be evaluated, matricized, certified and saved as a
model file. Modes and templates are 0-based here; the papers count from 1.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from .domains import to_fraction
from .errors import InvalidInputError
from .models import GeneralizedRNN, GeneralizedShallow, require_invertible_features
from .models._weights import fmpq_matrix


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
