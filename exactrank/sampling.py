"""Random exact networks: the instances of proof checks and experiments.

Weights are integers drawn uniformly from [−high, high] (or fractions with small
denominators), from a ``random.Random`` so that every instance is reproducible from a seed.
Small integer weights are not generic (DESIGN.md): a rank claim about *generic* networks
must use large ``high`` or random elements of GF(p).
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from .models import GeneralizedRNN, GeneralizedShallow
from .rank import rank


def _weights(shape: tuple[int, ...], high: int, rng: random.Random, den: int) -> np.ndarray:
    flat = [
        Fraction(rng.randint(-high, high), rng.randint(1, den)) for _ in range(int(np.prod(shape)))
    ]
    return np.array(flat, dtype=object).reshape(shape)


def random_rnn(
    xi: str,
    M: int,
    T: int,
    rng: random.Random,
    *,
    L=(1, 3),
    R=(1, 3),
    high: int = 9,
    den: int = 1,
    F=None,
) -> GeneralizedRNN:
    """A generalized RNN (seed 001, eq. 16) with L_t and R_t drawn per step from the ranges
    ``L`` and ``R`` (pairs, inclusive) and weights p/q with |p| <= high, 1 <= q <= den."""
    Ls = [rng.randint(*L) for _ in range(T)]
    Rs = [1] + [rng.randint(*R) for _ in range(T - 1)] + [1]
    C = [_weights((Ls[t], M), high, rng, den) for t in range(T)]
    G = [_weights((Ls[t], Rs[t], Rs[t + 1]), high, rng, den) for t in range(T)]
    return GeneralizedRNN(xi, C, G, F=F)


def random_shallow(
    xi: str, M: int, T: int, R: int, rng: random.Random, *, high: int = 9, den: int = 1, F=None
) -> GeneralizedShallow:
    """A width-R generalized shallow network (seed 001, eq. 14) with random weights."""
    return GeneralizedShallow(
        xi, _weights((R,), high, rng, den), _weights((R, T, M), high, rng, den), F=F
    )


def random_invertible(M: int, rng: random.Random, high: int = 5, den: int = 3) -> list:
    """A random M × M rational matrix, drawn again until it is invertible (checked exactly)."""
    while True:
        F = _weights((M, M), high, rng, den)
        if rank(F).rank == M:  # an exact rank: a full-rank QQ result is proven
            return F.tolist()
