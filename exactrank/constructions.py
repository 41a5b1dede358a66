"""The papers' constructive networks, as models with exact weights.

Each function returns a model that can be evaluated, matricized, certified and saved as a
model file. Modes and templates are 0-based here; the papers count from 1.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np

from .errors import InvalidInputError
from .models import GeneralizedRNN, require_invertible_features


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
