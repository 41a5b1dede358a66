"""Reference implementations for the tests, independent of exactrank.

Plain Python on nested lists of :class:`fractions.Fraction` (or ints): every function here
follows a formula of seed 001 or a textbook algorithm, with loops written out, and imports
nothing from exactrank. The tests compare the library's structured recursions and its
rank machinery against these.

Conventions (DESIGN.md "Conventions"): modes are 0-based; F is M × M with row m the features
of template m (default identity); C[t] is L_t × M; G[t] is L_t × R_{t−1} × R_t with
R_{−1} = R_{T−1} = 1; V is R × T × M.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

# ---------------------------------------------------------------------------- numbers


def frac(value) -> Fraction:
    """An exact rational from an int, a Fraction or a string "p/q" (floats are refused)."""
    if isinstance(value, float):
        raise TypeError(f"float {value!r} in an exact oracle")
    if isinstance(value, str):
        return Fraction(value.replace(" ", ""))
    return Fraction(value)


def frac_nested(A):
    """A nested list (or numpy array) of exact numbers as nested lists of Fraction."""
    if hasattr(A, "tolist"):
        A = A.tolist()
    if isinstance(A, list | tuple):
        return [frac_nested(a) for a in A]
    return frac(A)


def residue(q, p: int) -> int:
    """The image of the rational ``q`` in GF(p) (p must not divide its denominator)."""
    q = frac(q)
    if q.denominator % p == 0:
        raise ZeroDivisionError(f"{q} has no image in GF({p})")
    return q.numerator * pow(q.denominator, -1, p) % p


def identity(M: int):
    return [[Fraction(int(i == j)) for j in range(M)] for i in range(M)]


# ---------------------------------------------------------------------------- operators ξ


def _softplus(a, b):
    a, b = float(a), float(b)
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    hi, lo = max(a, b), min(a, b)
    return hi + math.log1p(math.exp(lo - hi))


XI = {
    "product": lambda a, b: a * b,
    "relu": lambda a, b: max(a, b, 0),
    "sum": lambda a, b: a + b,
    "softplus": _softplus,
    "l2": lambda a, b: math.sqrt(float(a) ** 2 + float(b) ** 2),
}
UNIT = {
    "product": Fraction(1),
    "relu": Fraction(0),
    "sum": Fraction(0),
    "softplus": -math.inf,
    "l2": 0.0,
}


def xi_fold(xi: str, values):
    """The n-ary ξ of seed 001 eq. 14: the fold of the binary ξ, started at its unit.

    For n >= 2 the unit changes nothing (max(a, b, 0, 0) = max(a, b, 0)); it fixes n = 1 to
    the closed forms of DESIGN.md: max(a_1, …, a_n, 0) for relu (so max(a, 0) at n = 1),
    √(Σ a_i²) for l2 (|a|), Π a_i, Σ a_i, ln Σ e^{a_i} — and to the width-1 RNN of Prop. A.4,
    whose state starts at the unit.
    """
    out = UNIT[xi]
    for v in values:
        out = XI[xi](out, v)
    return out


def _dot(u, v):
    return sum((a * b for a, b in zip(u, v, strict=True)), Fraction(0))


# ---------------------------------------------------------------------------- networks


def rnn_score(C, G, F, xi: str, seq):
    """Generalized RNN, seed 001 eq. 16, run on the template sequence ``seq``.

    h^(−1) = [unit of ξ]; h^(t)_k = Σ_{i,j} G[t][i][j][k] · ξ((C[t] f(x^(t)))_i, h^(t−1)_j);
    the score is h^(T−1)_0. Works on Fractions (exact ξ) or floats (any ξ).
    """
    M = len(C[0][0])
    F = identity(M) if F is None else F
    h = [UNIT[xi]]
    for t, m in enumerate(seq):
        f = F[m]
        a = [_dot(row, f) for row in C[t]]
        L, R_prev, R_t = len(G[t]), len(G[t][0]), len(G[t][0][0])
        assert len(a) == L and R_prev == len(h)
        h = [
            sum(
                (G[t][i][j][k] * XI[xi](a[i], h[j]) for i in range(L) for j in range(R_prev)),
                Fraction(0),
            )
            for k in range(R_t)
        ]
    assert len(h) == 1
    return h[0]


def shallow_score(lam, V, F, xi: str, seq):
    """Generalized shallow network, seed 001 eq. 14: Σ_r λ_r ξ(⟨f(x^(0)), v_r^(0)⟩, …)."""
    M = len(V[0][0])
    F = identity(M) if F is None else F
    total = Fraction(0)
    for r in range(len(lam)):
        inputs = [_dot(F[m], V[r][t]) for t, m in enumerate(seq)]
        total += lam[r] * xi_fold(xi, inputs)
    return total


def tt_cores(C, G):
    """Prop. A.1: for ξ = product, C[t] is absorbed into G[t].

    G'[t][l][j][k] = Σ_i C[t][i][l] · G[t][i][j][k], shape (M, R_{t−1}, R_t), because
    Σ_{i} G[i,j,k] (C f)_i h_j = Σ_l (Σ_i C[i,l] G[i,j,k]) f_l h_j.
    """
    cores = []
    for Ct, Gt in zip(C, G, strict=True):
        L, R_prev, R_t, M = len(Gt), len(Gt[0]), len(Gt[0][0]), len(Ct[0])
        cores.append(
            [
                [
                    [
                        sum((Ct[i][l] * Gt[i][j][k] for i in range(L)), Fraction(0))
                        for k in range(R_t)
                    ]
                    for j in range(R_prev)
                ]
                for l in range(M)
            ]
        )
    return cores


def tt_score(cores, F, seq):
    """Lemma 3.1 / eq. 8: Σ_{r_0 … r_{T−2}} Π_t ⟨f(x^(t)), g^(t)_{r_{t−1} r_t}⟩.

    r_{−1} = r_{T−1} = 0; an explicit sum over every tuple of TT indices, no recursion.
    """
    M = len(cores[0])
    F = identity(M) if F is None else F
    T = len(cores)
    ranks = [len(cores[t][0][0]) for t in range(T - 1)]
    total = Fraction(0)
    for r in itertools.product(*(range(R) for R in ranks)):
        idx = (0, *r, 0)
        term = Fraction(1)
        for t, m in enumerate(seq):
            g = [cores[t][l][idx[t]][idx[t + 1]] for l in range(M)]
            term *= _dot(F[m], g)
        total += term
    return total


def grid(score, M: int, T: int) -> dict:
    """The grid tensor as a dict {index tuple: score(index tuple)}, over itertools.product."""
    return {seq: score(seq) for seq in itertools.product(range(M), repeat=T)}


def grid_to_nested(tensor: dict, M: int, T: int):
    """A grid dict as nested lists (C-order), for comparison with numpy arrays."""
    if T == 0:
        return tensor[()]

    def build(prefix):
        if len(prefix) == T:
            return tensor[prefix]
        return [build(prefix + (m,)) for m in range(M)]

    return build(())


def matricize_ref(tensor: dict, dims, rows, cols):
    """Rows: C-order over ``rows`` (the order listed); columns likewise over ``cols``.

    ``tensor`` maps index tuples to values; ``dims[t]`` is the size of mode t.
    """
    T = len(dims)
    assert sorted(list(rows) + list(cols)) == list(range(T))
    out = []
    for r in itertools.product(*(range(dims[m]) for m in rows)):
        row = []
        for c in itertools.product(*(range(dims[m]) for m in cols)):
            index = [None] * T
            for m, v in zip(rows, r, strict=True):
                index[m] = v
            for m, v in zip(cols, c, strict=True):
                index[m] = v
            row.append(tensor[tuple(index)])
        out.append(row)
    return out


# ---------------------------------------------------------------------------- ranks


def rank_fraction(matrix) -> int:
    """Rank over QQ by Gaussian elimination on Fractions."""
    A = [[frac(v) for v in row] for row in matrix]
    if not A or not A[0]:
        return 0
    m, n = len(A), len(A[0])
    rank, col = 0, 0
    while rank < m and col < n:
        pivot = next((i for i in range(rank, m) if A[i][col] != 0), None)
        if pivot is None:
            col += 1
            continue
        A[rank], A[pivot] = A[pivot], A[rank]
        pr = A[rank]
        for i in range(rank + 1, m):
            if A[i][col] != 0:
                factor = A[i][col] / pr[col]
                Ai = A[i]
                for j in range(col, n):
                    Ai[j] -= factor * pr[j]
        rank += 1
        col += 1
    return rank


def rank_mod_p_ref(matrix, p: int) -> int:
    """Rank over GF(p) by Gaussian elimination on residues (entries: ints or rationals)."""
    A = [[residue(v, p) for v in row] for row in matrix]
    if not A or not A[0]:
        return 0
    m, n = len(A), len(A[0])
    rank, col = 0, 0
    while rank < m and col < n:
        pivot = next((i for i in range(rank, m) if A[i][col] != 0), None)
        if pivot is None:
            col += 1
            continue
        A[rank], A[pivot] = A[pivot], A[rank]
        pr = A[rank]
        inv = pow(pr[col], -1, p)
        for i in range(rank + 1, m):
            if A[i][col]:
                factor = A[i][col] * inv % p
                Ai = A[i]
                for j in range(col, n):
                    Ai[j] = (Ai[j] - factor * pr[j]) % p
        rank += 1
        col += 1
    return rank


def submatrix(matrix, rows, cols):
    return [[matrix[i][j] for j in cols] for i in rows]


def distinct_nonzero_counts(matrix) -> tuple[int, int]:
    """How many distinct nonzero rows and distinct nonzero columns a matrix has."""
    A = [tuple(frac(v) for v in row) for row in matrix]
    rows = {row for row in A if any(row)}
    cols = {col for col in zip(*A, strict=True) if any(col)} if A else set()
    return len(rows), len(cols)


def inverse_fraction(matrix):
    """The inverse of a square nonsingular matrix by Gauss–Jordan elimination on Fractions."""
    n = len(matrix)
    A = [
        [frac(v) for v in row] + [Fraction(int(i == j)) for j in range(n)]
        for i, row in enumerate(matrix)
    ]
    for col in range(n):
        pivot = next(i for i in range(col, n) if A[i][col] != 0)
        A[col], A[pivot] = A[pivot], A[col]
        inv = 1 / A[col][col]
        A[col] = [v * inv for v in A[col]]
        for i in range(n):
            if i != col and A[i][col] != 0:
                factor = A[i][col]
                A[i] = [a - factor * b for a, b in zip(A[i], A[col], strict=True)]
    return [row[n:] for row in A]


def matmul_fraction(A, B):
    """A · B on nested lists."""
    return [
        [
            sum((a * b for a, b in zip(row, col, strict=True)), Fraction(0))
            for col in zip(*B, strict=True)
        ]
        for row in A
    ]


def transpose(A):
    return [list(col) for col in zip(*A, strict=True)]
