"""Grid tensors of generalized RNNs (seed 001, eq. 16–17 and 21; Prop. A.1 for ξ = product).

:func:`rnn_grid` runs the recursion over all prefixes at once (every step extends each
prefix by the M symbols), :func:`rnn_entries` over a batch of chosen sequences; both on the
arithmetic ladder of :mod:`exactrank.models.arithmetic` (scaled integers over QQ, residues over
GF(p), float64), with the ξ-outer blocks formed in slices that bound their memory.
:mod:`exactrank.models.grid` dispatches to them.
"""

from __future__ import annotations

import numpy as np

from ..numbers.kernels import FLOAT_EXACT, INT64_SAFE, align, max_abs, to_storage
from ..numbers.multimodular import multimodular_product, residue_product
from .arithmetic import ExactArithmetic, features_times, scalar_domain
from .rnn import GeneralizedRNN
from .rnn_relu_step import relu_last_step

_CHUNK_ENTRIES = 1 << 18  # entries of the ξ-outer block Z formed at once (memory bound)


def _rnn_step(arith, xi, a, a_den, s, s_den, G_mat, g_den):
    """One step of seed 001, eq. 16: Z = ξ(a, s) contracted with G over (i, j).

    ``a`` and ``s`` broadcast to Z[..., i, j] = ξ(input_i, state_j) (the last two axes); the
    leading axes enumerate the new states in C-order.
    """
    Z, z_den, z_bound = arith.xi_bounded(xi, a, a_den, s, s_den)
    return arith.matmul(Z.reshape(-1, G_mat.shape[0]), G_mat, z_bound), z_den * g_den


def _blocks(n: int, entries_per_row: int):
    """Slices of 0 … n−1 such that a block's ξ-outer Z holds about 4M entries at most."""
    step = max(1, _CHUNK_ENTRIES // max(1, entries_per_row))
    return [slice(start, min(n, start + step)) for start in range(0, n, step)] or [slice(0, 0)]


def _rnn_cores(model: GeneralizedRNN, arith, t: int):
    """A = C[t] F^T (column m is C[t] f(x^(m)), seed 001, eq. 16 and 19) and G[t] as a
    (L·R_{t−1}, R_t) matrix."""
    CF = features_times(model.F, model.C[t].T).T
    A, a_den = arith.lift(CF, f"C[{t}]·F^T")
    G, g_den = arith.lift(model.G[t], f"G[{t}]")
    return A, a_den, G.reshape(-1, G.shape[2]), g_den


def rnn_grid(model: GeneralizedRNN, arith):
    """Seed 001, eq. 21: states over all prefixes; each step extends every prefix by the M symbols.

    Row p·M + m of the new state belongs to prefix p followed by symbol m, so the rows end
    in the C-order of the grid tensor. For ξ = product the grid is the tensor train of
    Prop. A.1 (C[t] absorbed into G[t]): S_new[p, m, k] = Σ_j S[p, j] · B[j, m, k] with
    B[j, m, k] = Σ_i A[i, m] G[i, j, k]. It is cut in the middle: the states of the first
    T//2 symbols (:func:`_tt_left`) times the contraction of the other cores
    (:func:`_tt_right`) is the grid as a (M^{T//2}, M^{T−T//2}) matrix, one matrix product
    whose inner dimension is the bond R_{T//2−1}, instead of a chain of products over
    ever longer state arrays. Over QQ, when the proven bound on that product's entries
    (:func:`_product_bound`) reaches 2^53, it runs modulo primes and is rebuilt by CRT
    (:func:`exactrank.numbers.multimodular.multimodular_product`); past 2^62 it stays in its
    residues (:func:`exactrank.numbers.multimodular.residue_product`, a
    :class:`~exactrank.numbers.multimodular.ResidueArray` of a few int32 words an entry), whose
    Python integers :class:`~exactrank.models.grid.GridTensor` builds only when asked. Other ξ
    form the ξ-outer block of each step and contract it (:func:`_rnn_step`; past 2^53 by
    :func:`~exactrank.models.arithmetic.split_product`), except the last relu step over QQ,
    which :func:`~exactrank.models.rnn_relu_step.relu_last_step` runs without the block.
    """
    M = model.M
    S, s_den = arith.scalar(model.xi.unit)
    if model.xi.scaling == "bilinear":
        cores = [_tt_core(model, arith, t) for t in range(model.T)]
        for _, den in cores:
            s_den *= den
        cores = [B for B, _ in cores]
        half = model.T // 2
        left, right = _tt_left(arith, S, cores[:half], M), _tt_right(arith, cores[half:], M)
        if type(arith) is ExactArithmetic and arith.p is None:
            bound = _product_bound(left, right)
            if bound >= INT64_SAFE:  # Python integers only when values are asked for
                return residue_product(left, right, bound).rearranged((0, 1), (-1,)), s_den
            if bound >= FLOAT_EXACT:  # below it the float64 product is exact and faster
                return multimodular_product(left, right, bound).reshape(-1), s_den
        return arith.matmul(left, right).reshape(-1), s_den
    for t in range(model.T):
        A, a_den, G_mat, g_den = _rnn_cores(model, arith, t)
        if _sorted_last_step(model, arith, t):
            last = relu_last_step(A, a_den, S, s_den, G_mat)
            if last is not None:
                values, den = last
                return arith.narrow(values), den * g_den
        L, R_prev = A.shape[0], S.shape[1]
        # (1, M, L, 1): the input of symbol m, C-ordered so that ξ's output Z is too and the
        # reshape before the contraction is a view, not a copy
        a = np.ascontiguousarray(A.T)[None, :, :, None]
        parts = []
        for block in _blocks(S.shape[0], M * L * R_prev):
            s = S[block][:, None, None, :]  # (P, 1, 1, R_prev): the state of prefix p
            part, den = _rnn_step(arith, model.xi, a, a_den, s, s_den, G_mat, g_den)
            parts.append(part)
        S, s_den = np.concatenate(align(parts, 0)), den
    return S[:, 0], s_den


def _sorted_last_step(model: GeneralizedRNN, arith, t: int) -> bool:
    """Whether step t is a relu last step over QQ, which :mod:`exactrank.models.rnn_relu_step` runs
    without the ξ-outer block (the float grid keeps the dense route and its rounding)."""
    return (
        t == model.T - 1
        and model.xi.name == "relu"
        and type(arith) is ExactArithmetic
        and arith.p is None
    )


def _tt_core(model: GeneralizedRNN, arith, t: int):
    """B_t (R_{t−1}, M·R_t) with B[j, (m, k)] = Σ_i A[i, m] G[i, j, k], and its denominator:
    C[t] absorbed into G[t] (seed 001, Prop. A.1), the TT-core of step t on the templates."""
    A, a_den, G_mat, g_den = _rnn_cores(model, arith, t)
    L, R_t = A.shape[0], G_mat.shape[1]
    R_prev = G_mat.shape[0] // L
    B = arith.matmul(A.T, G_mat.reshape(L, R_prev * R_t))  # (M, R_prev·R_t)
    B = B.reshape(model.M, R_prev, R_t).transpose(1, 0, 2).reshape(R_prev, model.M * R_t)
    return np.ascontiguousarray(B), a_den * g_den


def _product_bound(left: np.ndarray, right: np.ndarray) -> int:
    """A proven bound on |left @ right|: max_i Σ_j |left[i, j]| · max_c |right[j, c]|,
    in Python integers, from the exact factors."""
    if 0 in left.shape or right.shape[1] == 0:
        return 0
    row_max = np.array([max_abs(row) for row in right], dtype=object)
    return int(max(np.abs(to_storage(left, object)) @ row_max))


def _tt_left(arith, S: np.ndarray, cores, M: int) -> np.ndarray:
    """The states after the first len(cores) symbols: row = prefix (C-order), column = k."""
    for B in cores:
        S = arith.matmul(S, B).reshape(-1, B.shape[1] // M)
    return S


def _tt_right(arith, cores, M: int) -> np.ndarray:
    """Σ over the later bonds: row j (the bond before the first of ``cores``), column =
    suffix of symbols (C-order). Built right to left:
    R_new[j, (m, s)] = Σ_k B[j, (m, k)] R[k, s]."""
    R, _ = arith.scalar(1)
    for B in reversed(cores):
        R_t = B.shape[1] // M
        R = arith.matmul(B.reshape(-1, R_t), R).reshape(B.shape[0], -1)
    return R


def rnn_entries(model: GeneralizedRNN, arith, indices: np.ndarray):
    """Seed 001, eq. 16 on a batch of sequences at once (h^(−1) = u, the unit of ξ, §4.1)."""
    S, s_den = arith.scalar(model.xi.unit)
    S = np.repeat(S, indices.shape[0], axis=0)
    for t in range(model.T):
        A, a_den, G_mat, g_den = _rnn_cores(model, arith, t)
        parts = []
        for block in _blocks(S.shape[0], G_mat.shape[0]):
            a = A.T[indices[block, t]][:, :, None]  # (B, L, 1)
            s = S[block][:, None, :]  # (B, 1, R_prev)
            part, den = _rnn_step(arith, model.xi, a, a_den, s, s_den, G_mat, g_den)
            parts.append(part)
        S, s_den = np.concatenate(align(parts, 0)), den
    return S[:, 0], s_den


def rnn_score(model: GeneralizedRNN, sequence, field) -> object:
    """Seed 001, eq. 16: the RNN run on one sequence by plain Python loops over Fractions
    (QQ), residues (GF(p)) or floats; the brute-force evaluator behind
    :func:`~exactrank.models.grid.score` and the oracle of :func:`rnn_grid`."""
    num = scalar_domain(field)
    xi = model.xi
    features = [[num(v) for v in model.F[m]] for m in range(model.M)]
    h = [num(xi.unit)]
    for t, m in enumerate(sequence):
        C, G = model.C[t], model.G[t]
        a = [
            num(sum(num(c) * f for c, f in zip(C[i], features[m], strict=True)))
            for i in range(C.shape[0])
        ]
        h = [
            num(
                sum(
                    num(G[i, j, k]) * num(xi(a[i], h[j]))
                    for i in range(G.shape[0])
                    for j in range(G.shape[1])
                )
            )
            for k in range(G.shape[2])
        ]
    return h[0]
