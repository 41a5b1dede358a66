"""Proofs that rank <= r over QQ: the proof objects, and the bordered minors' bounds.

Given pivots P, Q with A11 = A[P, Q] nonsingular, rank(A) <= |Q| exactly when the Schur
complement S = A22 − A21·A11⁻¹·A12 vanishes, i.e. when every bordered minor
det[[A11, a_j], [b_i, c_ij]] (i ∉ P, j ∉ Q) is zero. The routes of
:mod:`exactrank.linalg.upper_bound` and :mod:`exactrank.linalg.padic` prove it; this module
holds what they share: the outcome (:class:`UpperBoundProof`), the column-span witness, Hadamard's
bound on the bordered minors, and rational reconstruction of one residue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..numbers.kernels import max_abs


@dataclass(frozen=True, eq=False)
class ColumnSpanWitness:
    """A[:, cols] · W = d · A[:, others]: every other column is in the span of ``cols``."""

    cols: tuple[int, ...]
    others: tuple[int, ...]
    W: np.ndarray
    d: int


@dataclass(frozen=True)
class UpperBoundProof:
    """Outcome of an attempt to prove rank <= len(cols).

    ``proven`` False means a bordered minor was found nonzero: the rank is larger.
    """

    proven: bool
    method: str
    primes: tuple[int, ...] = ()
    witness: ColumnSpanWitness | None = None


def complement(n: int, chosen) -> np.ndarray:
    """The indices 0, …, n − 1 not in ``chosen``, ascending."""
    mask = np.ones(n, dtype=bool)
    mask[list(chosen)] = False
    return np.flatnonzero(mask)


def hadamard_log2_bound(A: np.ndarray, rows, cols) -> float:
    """log2 of a bound on every bordered minor det[[A11, a_j], [b_i, c_ij]] (i ∉ P, j ∉ Q).

    Hadamard's inequality by rows: |det| <= Π ‖row‖₂. Row k ∈ P of a bordered minor is
    (A[k, Q], A[k, j]), whose norm is at most √(‖A[k, Q]‖² + max_{j∉Q} A[k, j]²); the border
    row likewise, maximised over i ∉ P. The same by columns; the smaller bound is returned.
    Norms are taken in float64 (relative error below n·2⁻⁵², far under the 2⁻²⁰ slack added
    per factor), or from bit lengths when entries exceed the float range.
    """
    rows, cols = list(rows), list(cols)
    others_r, others_c = complement(A.shape[0], rows), complement(A.shape[1], cols)
    if max_abs(A) >= 2**500:
        big = max_abs(A).bit_length()
        return min(
            (big + 0.5 * math.log2(len(cols) + 1)) * (len(rows) + 1) + 1,
            (big + 0.5 * math.log2(len(rows) + 1)) * (len(cols) + 1) + 1,
        )
    X = A.astype(np.float64) if A.dtype != object else np.array(A.tolist(), dtype=np.float64)
    S = np.square(X, out=X)  # the squares, once for both bounds
    by_rows = _bordered_log2(S[:, cols].sum(axis=1), S[:, others_c], rows, others_r, axis=1)
    by_cols = _bordered_log2(S[rows, :].sum(axis=0), S[others_r, :], cols, others_c, axis=0)
    return min(by_rows, by_cols)


def _bordered_log2(core, border, pivots, others, axis: int) -> float:
    """Σ_{k ∈ pivots} log2 ‖line k‖ + max_{k ∈ others} log2 ‖line k‖, a line's squared norm
    taken as its ``core`` (on the pivots) plus the largest square of its ``border``."""
    border = np.max(border, axis=axis) if border.size else np.zeros(len(core))
    log_norms = 0.5 * np.log2(np.maximum(core + border, 1.0)) + 2.0**-20
    border_line = float(np.max(log_norms[others])) if len(others) else 0.0
    return float(np.sum(log_norms[pivots])) + border_line


def reconstruct_denominator(c: int, N: int) -> int | None:
    """The denominator b of a fraction a/b ≡ c (mod N) with |a|, b <= √(N/2), or None."""
    bound = math.isqrt(N // 2)
    r0, r1, t0, t1 = N, c, 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1, t0, t1 = r1, r0 - q * r1, t1, t0 - q * t1
    return abs(t1) if 0 < abs(t1) <= bound else None
