"""The papers' constructive networks, as models with exact weights.

Each function returns a model that can be evaluated, matricized, certified and saved as a
model file. Modes and templates are 0-based here; the papers count from 1.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import flint
import numpy as np

from .domains import to_fraction
from .errors import InvalidInputError
from .models import GeneralizedRNN, GeneralizedShallow, require_invertible_features


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
    F_inverse_T = _inverse(model.F).T
    return GeneralizedRNN("relu", [c @ F_inverse_T for c in model.C], model.G, F=model.F)


def _inverse(F: np.ndarray) -> np.ndarray:
    """The exact inverse of an invertible square object array of Fractions (FLINT)."""
    inverse = flint.fmpq_mat([[flint.fmpq(q.numerator, q.denominator) for q in row] for row in F])
    inverse = inverse.inv()
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
    for name, model in (("model_a", model_a), ("model_b", model_b)):
        if not isinstance(model, GeneralizedRNN) or not model.exact:
            raise InvalidInputError(f"{name} must be a GeneralizedRNN with exact weights")
    if (model_a.xi, model_a.M, model_a.T) != (model_b.xi, model_b.M, model_b.T):
        raise InvalidInputError(
            f"the RNNs differ: ξ {model_a.xi.name} / {model_b.xi.name}, M {model_a.M} / "
            f"{model_b.M}, T {model_a.T} / {model_b.T}"
        )
    if not np.array_equal(model_a.F, model_b.F):
        raise InvalidInputError("the RNNs have different feature matrices F")
    a, b = to_fraction(a, "a"), to_fraction(b, "b")
    T, C, G = model_a.T, [], []
    for t, (CA, CB, GA, GB) in enumerate(
        zip(model_a.C, model_b.C, model_a.G, model_b.G, strict=True)
    ):
        (LA, PA, QA), (LB, PB, QB) = GA.shape, GB.shape
        first, last = t == 0, t == T - 1
        P = 1 if first else PA + PB
        Q = 1 if last else QA + QB
        core = np.full((LA + LB, P, Q), Fraction(0), dtype=object)
        core[:LA, :PA, :QA] = GA * (a if last else 1)
        core[LA:, (0 if first else PA) :, (0 if last else QA) :] = GB * (b if last else 1)
        C.append(np.vstack([CA, CB]))
        G.append(core)
    return GeneralizedRNN(model_a.xi, C, G, F=model_a.F)


def shallow_as_rnn(shallow: GeneralizedShallow) -> GeneralizedRNN:
    """A generalized shallow network of width R as an RNN (seed 001, Prop. A.4 + Lemma 5.1).

    Each rank-1 term λ_r·ξ(⟨f, v_r^(0)⟩, …) is an RNN with all ranks 1: C(t) = (v_r^(t))^T,
    G(t) = 1 and G(T−1) = λ_r (its state starts at the unit, as the fold does); the R terms
    are then added by :func:`direct_sum`, giving L_t = R_t = R.
    """
    if not isinstance(shallow, GeneralizedShallow) or not shallow.exact:
        raise InvalidInputError("expected a GeneralizedShallow with exact weights")
    one = np.array([[[Fraction(1)]]], dtype=object)
    terms = []
    for r in range(shallow.R):
        G = [one] * (shallow.T - 1) + [one * shallow.lambda_[r]]
        C = [shallow.V[r, t].reshape(1, -1) for t in range(shallow.T)]
        terms.append(GeneralizedRNN(shallow.xi, C, G, F=shallow.F))
    model = terms[0]
    for term in terms[1:]:
        model = direct_sum(model, term)
    return model


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
