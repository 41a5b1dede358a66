"""Deep rectifier networks near Claim 6's base whose grids one hidden channel does not
replicate: the upper side of the bracket of proofs/seed000_claim_6.py (seed 000, Claim 6;
the base is :func:`exactrank.constructions.collapsing_conv`).

*Max pooling* (:func:`max_pooling_point`). The certifier fails first at the root's window:
the child holding mode 0 (the left half) must dominate the other child (the right half),
channel by channel, and the interval extremes there are attained by one point of the box,
with templates a = 0 on the left and b = 1 on the right (different rows of F, so nothing is
shared):

* left: F[a] = (1 − δ at a, −δ elsewhere), leaf 0's conv 2 − δ at column a and 2 + δ
  elsewhere, every conv on mode 0's path 1 − δ (the other left weights at the base);
* right: F[b] = (1 + δ at b, +δ elsewhere), the conv of the root's right child 1 + δ; below
  it, child j of every window is *hot* on the channels γ ≡ j (mod window size) (its conv
  1 + δ there, 1 − δ on the other rows), so every pooled input in the right half is at its
  largest on every channel while each channel has one child providing it.

With x = (a, …, a | b, …, b) = i the right half's channels reach r^(L−1)(1 + δ)^(L−1)·
(1 + δ)(1 + Mδ), the left's fall to r^(L−1)(1 − δ)^(L−1)·((2 − δ)(1 − δ) − (M − 1)(2 + δ)δ):
the certifier's own bounds. Past the radius where they cross, the right half wins the root's
max, and changing one more right mode to a lowers the channel it alone provides, hence every
channel above it: grid[i] exceeds grid[j] for j = i with one right mode (not t) set to a, and
j^t_t = i_t: an "above" witness (:class:`exactrank.checks.realizability.NotRankOne`).

*Mean pooling* (:func:`mean_pooling_point`). F = (1 − δ)·I − δ·(1 − I) is singular at
δ = 1/M (its rows sum to 0), the conv of every leaf is hot on channel m's template m
(1 + δ at column m mod r, 1 − δ elsewhere): every template lights a channel of every leaf,
so the grid is positive everywhere, while a shallow network on the same features has
u_t = F·v^(t) with Σ_m u_t[m] = 0, a u_t[m] <= 0 for every t, and a zero entry:
:class:`SingularFeatures`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import InvalidInputError
from .realizability import NotRankOne


def _modes(node) -> list[int]:
    if isinstance(node, int | np.integer):
        return [int(node)]
    return [m for child in node for m in _modes(child)]


def _hot(rows: int, cols: int, hot, delta: Fraction) -> np.ndarray:
    """A conv of 1 + δ on the rows in ``hot`` and 1 − δ on the others."""
    W = np.full((rows, cols), 1 - delta, dtype=object)
    for g in hot:
        W[g] = 1 + delta
    return W


def max_pooling_point(base, delta: Fraction):
    """(weights, output, F, witness): the max-pooling point of the module docstring at
    radius δ around ``base`` (``collapsing_conv(M, N, r, "max")``, N >= 4), as arguments of
    :class:`~exactrank.HierarchicalNetwork`, and its "above" witness (which holds once δ is
    past the radius where the root's right child overtakes the left one)."""
    d = Fraction(delta)
    M, r, L = base.M, base.widths[0], base.L
    left, right = base.tree[0], base.tree[-1]
    if len(base.tree) != 2 or len(_modes(right)) < 2 or 0 not in _modes(left):
        raise InvalidInputError(
            f"expected a root of two windows, mode 0 in the left one and >= 2 modes in the "
            f"right one, got the tree {base.tree}"
        )
    if r < max(len(node) for level in base.levels[1:] for node in level):
        raise InvalidInputError(
            f"expected r >= the largest window (a channel for each child), got r = {r}"
        )
    a, b = 0, 1
    F = np.array(base.F, dtype=object)
    F[a] = [1 - d if n == a else -d for n in range(M)]
    F[b] = [1 + d if n == b else d for n in range(M)]
    weights = [[np.array(W, dtype=object) for W in level] for level in base.weights]
    weights[0][0] = np.array([[2 - d if n == a else 2 + d for n in range(M)]] * r, dtype=object)
    position = {node: k for l in range(1, L + 1) for k, node in enumerate(base.levels[l])}

    def walk(node, height, hot):
        W = weights[0][node] if height == 0 else weights[height][position[node]]
        weights_at = _hot(W.shape[0], W.shape[1], hot, d)
        if height == 0:
            weights[0][node] = weights_at
            return
        weights[height][position[node]] = weights_at
        for j, child in enumerate(node):
            walk(child, height - 1, [g for g in range(r) if g % len(node) == j])

    walk(right, L - 1, range(r))
    node = left
    for height in range(L - 1, 0, -1):
        weights[height][position[node]] = np.full(weights[height][position[node]].shape, 1 - d)
        node = next(child for child in node if 0 in _modes(child))
    right_modes = _modes(right)
    i = tuple(b if t in right_modes else a for t in range(base.N))

    def lowered(t):
        s = right_modes[0] if t != right_modes[0] else right_modes[1]
        return i[:s] + (a,) + i[s + 1 :]

    witness = NotRankOne("above", i, tuple(lowered(t) for t in range(base.N)))
    return weights, np.array(base.output, dtype=object), F, witness


def singular_features(M: int, delta: Fraction) -> np.ndarray:
    """(1 − δ)·I − δ·(1 − I): within δ of I, singular (rows summing to 0) at δ = 1/M."""
    d = Fraction(delta)
    return np.array([[1 - d if m == n else -d for n in range(M)] for m in range(M)], dtype=object)


def mean_pooling_point(base, delta: Fraction):
    """(weights, output, F, witness): the mean-pooling point of the module docstring at
    radius δ around ``base`` (``collapsing_conv(M, N, r, "mean")``, r >= min(M, 2)), with
    its :class:`SingularFeatures` witness (which holds at δ = 1/M)."""
    d = Fraction(delta)
    M, r = base.M, base.widths[0]
    if r < min(M, 2):
        raise InvalidInputError(f"expected r >= min(M, 2) leaf channels, got r = {r}, M = {M}")
    weights = [[np.array(W, dtype=object) for W in level] for level in base.weights]
    leaf = np.full((r, M), 1 - d, dtype=object)
    for m in range(M):
        leaf[m % r, m] = 1 + d
    weights[0] = [leaf.copy() for _ in weights[0]]
    witness = SingularFeatures(tuple([1] * M))
    return weights, np.array(base.output, dtype=object), singular_features(M, d), witness


@dataclass(frozen=True)
class SingularFeatures:
    """A vector c >= 0, c ≠ 0, with c·F = 0: no shallow network of one hidden channel
    (seed 000, §4.1, λ·mean_t relu(⟨v^(t), F[x_t]⟩)) on the features F has a grid nonzero at
    every entry with all x_t in the support S of c.

    *Proof.* u_t[m] = ⟨v^(t), F[m]⟩ has Σ_m c_m·u_t[m] = ⟨v^(t), c·F⟩ = 0 with c >= 0, so
    some m_t in S has u_t[m_t] <= 0 and relu(u_t[m_t]) = 0; the entry (m_0, …, m_{N−1}) is
    λ/N·Σ_t 0 = 0.
    """

    c: tuple[int, ...]

    def __post_init__(self):
        if not self.c or min(self.c) < 0 or max(self.c) <= 0:
            raise InvalidInputError(
                f"expected a vector c >= 0 with a positive entry, got {list(self.c)}"
            )

    def support(self) -> list[int]:
        return [m for m, c in enumerate(self.c) if c]

    def holds(self, F, value: Callable[[tuple[int, ...]], Fraction], N: int) -> bool:
        """True when c·F = 0 exactly and ``value`` (entry → exact number) is nonzero at
        every entry of S^N: then no such network has this grid."""
        M = len(self.c)
        if np.shape(F) != (M, M):
            return False
        if any(sum(self.c[m] * Fraction(F[m][n]) for m in range(M)) != 0 for n in range(M)):
            return False
        S = self.support()
        return all(value(x) != 0 for x in np.ndindex(*(len(S),) * N) for x in [_pick(S, x)])

    def describe(self) -> str:
        return (
            f"c = {list(self.c)} has c·F = 0 and the grid is nonzero on every entry over "
            f"templates {self.support()}; one hidden channel on these features has a zero there"
        )


def _pick(S: list[int], index) -> tuple[int, ...]:
    return tuple(S[k] for k in index)
