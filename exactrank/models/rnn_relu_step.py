"""The last step of a relu RNN's grid without its ξ-outer block (seed 001, eq. 16, R_t = 1).

At the last step (R_{T−1} = 1) eq. 16 reads, for every prefix p and symbol m,

    out[p, m] = Σ_{i,j} G[i, j] · max(A[i, m], S[p, j], 0) = Σ_{i,j} G[i, j] · max(a_mi, s_pj)

with a = max(A, 0) and s = max(S, 0) (max(x, y, 0) = max(max(x, 0), max(y, 0))). The dense
route forms the block Z[p, m, i, j] (P·M·L·R entries, by far the largest array of a grid)
and contracts it with G. Here the L·M input values are sorted once instead: let v_0 < … <
v_{K−1} be the distinct values of a, pos(m, i) the index of a_mi among them and
c_pj = #{k : v_k < s_pj}. Then a_mi < s_pj exactly when pos(m, i) < c_pj, so

    out[p, m] = Σ_j U[m, j, c_pj] + s_pj · W[m, j, c_pj],
    W[m, j, c] = Σ_{i : pos(m, i) < c} G[i, j],   U[m, j, c] = Σ_{i : pos(m, i) >= c} G[i, j]·a_mi,

tables of M·R·(K + 1) exact integers, after which each (p, j) costs one binary search and
M gathered terms: P·R·M work instead of P·R·M·L, with no block in memory.

Exactness: everything is integer (the operands scaled to one denominator, as the dense
route does: relu is positively homogeneous), in int64 only under proven bounds below 2^62:
max |a|·max_j Σ_i |G[i, j]| for the tables (it bounds every partial sum of U and W), and
max_m Σ_j (max_c |U[m, j, c]| + max_p s_pj · max_c |W[m, j, c]|) for the sum (it bounds
every partial sum over j). Otherwise :func:`relu_last_step` returns None and the caller
takes the dense route.
"""

from __future__ import annotations

import math

import numpy as np

from ..numbers.kernels import INT64_SAFE, column_abs_sums, max_abs, to_storage


def relu_last_step(A: np.ndarray, a_den: int, S: np.ndarray, s_den: int, G: np.ndarray):
    """(out, den) of eq. 16 at a last step (R_t = 1) of ξ = relu over QQ, or None.

    ``A`` (L, M): integer inputs over ``a_den`` (column m is C[t] f(x^(m))); ``S`` (P, R):
    integer states over ``s_den``; ``G`` (L·R, 1): integer weights, row i·R + j (the
    denominator of G is the caller's). ``out`` holds the P·M values in C-order over (p, m),
    int64, over ``den`` = lcm(a_den, s_den). None when a bound leaves int64.
    """
    if G.shape[1] != 1:
        return None  # not a last step: R_t > 1
    den = math.lcm(a_den, s_den)
    a = np.maximum(to_storage(A, object), 0) * (den // a_den)  # (L, M), Python integers
    s_scale = den // s_den
    s_max = max_abs(S) * s_scale
    if s_max >= INT64_SAFE or max_abs(a) >= INT64_SAFE:
        return None
    L, M = a.shape
    P, R = S.shape
    g = to_storage(G, object).reshape(L, R)
    if max_abs(a) * column_abs_sums(g) >= INT64_SAFE:
        return None  # |U| could leave int64
    a, g = a.astype(np.int64), g.astype(np.int64)
    edges = np.unique(a)  # v_0 < … < v_{K−1}
    K = len(edges)
    pos = np.searchsorted(edges, a)  # (L, M): a[i, m] = edges[pos[i, m]]
    # deltas at c = pos + 1, summed over c: W counts G[i, j] for every c > pos(m, i), and U
    # starts from Σ_i G[i, j]·a_mi and drops that term for every c > pos(m, i)
    W = np.zeros((M, K + 1, R), dtype=np.int64)
    U = np.zeros((M, K + 1, R), dtype=np.int64)
    rows = np.broadcast_to(np.arange(M), (L, M))
    np.add.at(W, (rows, pos + 1), np.broadcast_to(g[:, None, :], (L, M, R)))
    np.add.at(U, (rows, pos + 1), -(a[:, :, None] * g[:, None, :]))
    np.cumsum(W, axis=1, out=W)
    np.cumsum(U, axis=1, out=U)
    U += (a.T @ g)[:, None, :]
    U, W = (np.ascontiguousarray(X.transpose(2, 1, 0)) for X in (U, W))  # (R, K + 1, M)
    u_max = np.abs(U).max(axis=1).astype(object)  # (R, M), Python integers from here
    w_max = np.abs(W).max(axis=1).astype(object)
    if int((u_max + s_max * w_max).sum(axis=0).max()) >= INT64_SAFE:
        return None
    out = np.empty((P, M), dtype=np.int64)
    step = max(1, _BLOCK_ENTRIES // M)
    for start in range(0, P, step):  # blocks of prefixes: every temporary stays in cache
        states = np.maximum(to_storage(S[start : start + step], np.int64), 0).T.copy()
        if s_scale != 1:
            states *= s_scale  # (R, rows): one state coordinate per row
        block = out[start : start + step]
        block.fill(0)
        term = np.empty_like(block)
        for j in range(R):
            c = np.searchsorted(edges, states[j], side="left")
            block += U[j].take(c, axis=0)  # rows of M contiguous entries
            W[j].take(c, axis=0, out=term)
            term *= states[j, :, None]
            block += term
    return out.reshape(-1), den


_BLOCK_ENTRIES = 1 << 15  # entries of the output block summed over j at once (256 KiB)
