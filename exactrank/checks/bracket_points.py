"""Relu RNNs near Theorem 5.3's base whose grids no rank-1 shallow network realizes: the
upper side of the bracket of proofs/theorem_5_3.py, part 3 (seed 001, eq. 16).

:func:`bracket_point` picks the point for (M, R, T) and the box; described there is the one
where a state falls below an input. :func:`order_point`, for M = 2 and R >= 2 with F moving,
is one where the state's components order differently after x^(0) and after x^(1). In units
of δ around the base (C = I, G(0) = 2, G(t) = 1, F = I):

* F row 0 = (1 − δ, δ), C(0) = [[1 − δ, −δ], [−δ, 1 − δ]]: after x^(0) the state is
  s_j(0) = G(0)[0, 0, j]·p/(2 − δ) with p = (2 − δ)(1 − 2δ), i.e. (p, ρp, …, ρp) for
  G(0)[0, 0, 0] = 2 − δ and G(0)[0, 0, j >= 1] = 2 + δ, ρ = (2 + δ)/(2 − δ);
* F row 1 = (δ, θ), G(0)[1] = 2 − δ: after x^(1) every component is u = (2 − δ)((1 − δ)θ − δ²);
* C(1) = [[1 − δ, −δ], [δ, 1 + δ]]: the input x^(1) is a = (1 + δ)θ + δ² in component 1
  (component 0 is <= 0), with θ chosen so that a = p·(1 + γ), just above p;
* G(1)[:, 0, :] = 1 − δ, G(1)[:, j >= 1, :] = 1 + δ: the step-1 weights favour the
  components where s(0) is large.

Then grid[0, 1, 0…] > grid[0, 0, 0…] (the input a exceeds s_0(0) = p) and, once
a/u > ((1 − δ) + (R − 1)(1 + δ))/((1 − δ) + (R − 1)(1 + δ)ρ), grid[0, 1, 0…] > grid[1, 1, 0…]
(row 0's large components outweigh row 1's uniform state): an "above" witness
(:class:`exactrank.checks.realizability.NotRankOne`) at radii where every state still dominates
the input of its own template, so below the radius (5 − √17)/4 of the point where they do not.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..constructions import perturbation_base_rnn
from .realizability import NotRankOne

GAMMA = Fraction(1, 10**6)  # a = p·(1 + γ): the input just above the smallest state


def order_point(R: int, T: int, delta: Fraction) -> tuple[dict, NotRankOne]:
    """(offsets, witness) of the module docstring's point for M = 2 and this R >= 2, T >= 2,
    at radius δ: offsets in [−1, 1] (units of δ) for F, every C(t) and G(t), as
    proofs/theorem_5_3.box_point takes them, and the "above" witness (0, 1, 0…) over
    (0, 0, 0…), (1, 1, 0…), (0, 0, 0…)…"""
    d = Fraction(delta)
    p = (2 - d) * (1 - 2 * d)
    theta = min(max((p * (1 + GAMMA) - d * d) / (1 + d), 1 - d), 1 + d)
    F = np.array([[-1, 1], [1, (theta - 1) / d]], dtype=object)
    ranks = [1] + [R] * (T - 1) + [1]
    C = [np.zeros((2, 2), dtype=object) for _ in range(T)]
    C[0][:] = -1
    C[1][:] = [[-1, -1], [1, 1]]
    G = [np.zeros((2, ranks[t], ranks[t + 1]), dtype=object) for t in range(T)]
    G[0][:] = -1
    G[0][0, 0, 1:] = 1
    G[1][:] = 1
    G[1][:, 0, :] = -1
    rest = (0,) * (T - 2)
    others = ((0, 0, *rest), (1, 1, *rest)) + ((0, 0, *rest),) * (T - 2)
    return {"F": [F], "C": C, "G": G}, NotRankOne("above", (0, 1, *rest), others)


def bracket_point(M: int, R: int, T: int, delta: Fraction, moves_F: bool = True):
    """(offsets, witness): the point of part 3 at radius δ, as offsets in units of δ
    (:func:`box_point`), and the entries i = (0, 1, 0…), j^1 = (w, 1, 0…), j^t = (0, …, 0)
    otherwise, of its "above" witness (which holds once δ is past the threshold). For
    M = 2, R >= 2 with F moving, :func:`order_point` instead (it holds at smaller δ).

    θ = (B − (2 − δ)·A)/(2δ·A), clipped to [0, 1], raises row 0 of G(0) by half the gap
    between the largest input B = a_1[1](x^(1)) and the smallest state (2 − δ)·A, with
    A = a_0[w](x^(w)): row 0 stays dominated, by less than row w. (A, B) are
    ((1 − δ)² − (M − 1)δ², (1 + δ)² + (M − 1)δ²) for F moving and M >= 3,
    ((1 − δ)² − δ², 1) for M = 2 (row 1 of F is low too) and (1 − δ, 1 + δ) for F = I.
    """
    if moves_F and M == 2 and R >= 2:
        return order_point(R, T, delta)
    w = 2 if moves_F and M >= 3 else 1
    if not moves_F:
        A, B = 1 - delta, 1 + delta
    elif M >= 3:
        A, B = (1 - delta) ** 2 - (M - 1) * delta**2, (1 + delta) ** 2 + (M - 1) * delta**2
    else:
        A, B = (1 - delta) ** 2 - delta**2, Fraction(1)
    theta = min(max((B - (2 - delta) * A) / (2 * delta * A), Fraction(0)), Fraction(1))
    base = perturbation_base_rnn(M, R, T)
    F = np.zeros((M, M), dtype=object)
    if moves_F:
        for m in {0, 1, w}:
            F[m] = [Fraction(1)] * M
        F[0, 0], F[w, w] = Fraction(-1), Fraction(-1)
    C = [np.zeros((M, M), dtype=object) for _ in range(T)]
    C[0][:] = Fraction(-1)
    C[1][1] = Fraction(1)
    G = [np.zeros(np.shape(g), dtype=object) for g in base.G]
    G[0][:] = Fraction(-1)
    G[0][0] = theta - 1
    rest = (0,) * (T - 2)
    others = ((0, 0, *rest), (w, 1, *rest)) + ((0, 0, *rest),) * (T - 2)
    return {"F": [F], "C": C, "G": G}, NotRankOne("above", (0, 1, *rest), others)
