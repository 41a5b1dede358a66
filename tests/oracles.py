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


SIGMA = {"identity": lambda z: z, "relu": lambda z: max(z, 0)}
POOL = {
    "product": math.prod,
    "max": max,
    "mean": lambda values: sum(values, Fraction(0)) / len(values),
}


def tree_levels(tree):
    """The nodes of a mode tree per height (leaves 0, in mode order), left to right."""

    def height(node):
        return 0 if isinstance(node, int) else 1 + height(node[0])

    out = {}

    def walk(node):
        out.setdefault(height(node), []).append(node)
        if not isinstance(node, int):
            for child in node:
                walk(child)

    walk(tree)
    out[0] = sorted(out[0])
    return [out[h] for h in range(len(out))]


def hierarchical_score(tree, weights, output, F, activation, pooling, seq):
    """A hierarchical network (seed 000, §3–4, fig. 2; COLT 2016 §3) run on ``seq``.

    Recursion from the root: a leaf j returns its conv W_j f(x^(j)) (weights[0][j], by
    mode); a window at height h applies σ_{h−1} to each child's conv output, pools channel
    by channel with P_{h−1} (mean = sum / window size), then applies its own conv
    weights[h][k] (k: its rank among the nodes of height h, left to right) or, at the root,
    the dense ``output``. ``activation`` / ``pooling``: a name or one per level. The tree
    must have every leaf at one depth L (checked here).
    """
    M = len(weights[0][0][0])
    F = identity(M) if F is None else F

    def depths(node, d):
        if isinstance(node, int):
            return {d}
        return set().union(*(depths(c, d + 1) for c in node))

    (L,) = depths(tree, 0)
    acts = [activation] * L if isinstance(activation, str) else list(activation)
    pools = [pooling] * L if isinstance(pooling, str) else list(pooling)
    seen = [0] * (L + 1)

    def run(node, height):
        if isinstance(node, int):
            W = weights[0][node]
            return [_dot(row, F[seq[node]]) for row in W]
        k = seen[height]
        seen[height] += 1
        children = [run(child, height - 1) for child in node]
        sigma, pool = SIGMA[acts[height - 1]], POOL[pools[height - 1]]
        pooled = [pool([sigma(child[g]) for child in children]) for g in range(len(children[0]))]
        W = [output] if height == L else weights[height][k]
        return [_dot(row, pooled) for row in W]

    return run(tree, L)[0]


def _mode_set(node) -> frozenset:
    if isinstance(node, int):
        return frozenset((node,))
    return frozenset().union(*map(_mode_set, node))


def mixed_score(first, second, mixture, seq):
    """A mixed network (seed 000, §8, as exactrank.models.mixed defines it) run on ``seq``.

    ``first``, ``second``: dicts with the arguments of :func:`hierarchical_score` (tree,
    weights with one array per node, output, F, activation, pooling). ``mixture``:
    {frozenset(modes): (into_first, into_second)}. Each network runs from its root by
    recursion; at the highest node v of each tree whose modes are a mixture node,
    conv_1(v) = W_1 pool_1(v) + into_first pool_2(v) and conv_2(v) = W_2 pool_2(v) +
    into_second pool_1(v), pool_n(v) = P{σ(conv_n(c)) : c child of v} channel by channel
    (mean = sum / window size). The score is the sum of both networks' outputs.
    """
    nets = []
    for spec in (first, second):
        levels = tree_levels(spec["tree"])
        L = len(levels) - 1
        place = {id(v): (h, k) for h in range(1, L + 1) for k, v in enumerate(levels[h])}
        top = {_mode_set(v): v for h in range(1, L) for v in levels[h]}  # highest wins
        ops = [
            [name] * L if isinstance(name, str) else list(name)
            for name in (spec["activation"], spec["pooling"])
        ]
        F = identity(len(spec["weights"][0][0][0])) if spec["F"] is None else spec["F"]
        nets.append((spec, L, place, top, ops, F))

    def pool(n, v):
        _, _, place, _, (acts, pools), _ = nets[n]
        h = place[id(v)][0]
        sigma, P = SIGMA[acts[h - 1]], POOL[pools[h - 1]]
        children = [conv(n, c) for c in v]
        return [P([sigma(c[g]) for c in children]) for g in range(len(children[0]))]

    def conv(n, v):
        spec, L, place, top, _, F = nets[n]
        if isinstance(v, int):
            return [_dot(row, F[seq[v]]) for row in spec["weights"][0][v]]
        h, k = place[id(v)]
        z = pool(n, v)
        if h == L:
            return [_dot(spec["output"], z)]
        out = [_dot(row, z) for row in spec["weights"][h][k]]
        modes = _mode_set(v)
        if modes in mixture and top[modes] is v:
            z_other = pool(1 - n, nets[1 - n][3][modes])
            out = [a + _dot(row, z_other) for a, row in zip(out, mixture[modes][n], strict=True)]
        return out

    return conv(0, first["tree"])[0] + conv(1, second["tree"])[0]


def cp_score(a0, a1, F, seq):
    """Seed 000 eq. 1 on one sequence: Σ_γ a1_γ Π_j ⟨f(x^(j)), a0_γ⟩ (shared a^{0,γ})."""
    M = len(a0[0])
    F = identity(M) if F is None else F
    return sum(
        (a1[g] * math.prod(_dot(F[m], a0[g]) for m in seq) for g in range(len(a1))),
        Fraction(0),
    )


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


# ---------------------------------------------------------------------------- certificates
#
# An independent reading of docs/certificates.md (exactrank-certificate, version 1): the
# verdict a checker must give, and whether a claim is true, computed from the certificate's
# own tensor with the evaluators above, our own index arithmetic and Fraction elimination.
# Nothing here imports exactrank or the stand-alone checker; the limits ("Limits and exit
# codes") are the oracle's own copy of the documented numbers.

import contextlib as _contextlib  # noqa: E402
import re as _re  # noqa: E402
import sys as _sys  # noqa: E402

PSI_12 = 318665857834031151167461  # smallest strong pseudoprime to the bases 2 … 37
PSI_13 = 3317044064679887385961981  # smallest strong pseudoprime to the bases 2 … 41
PRIME_BOUND = 33 * 10**23  # "p a prime below 3.3·10²⁴"
# docs/certificates.md, "Limits and exit codes" (the oracle's own copy: exit 2 past any of them)
MAX_DEPTH = 64  # nesting of lists and objects, the top-level object being level 1
MAX_DIGITS = 10_000  # digits (as written, no sign) of a JSON integer, of p and q in "p/q", of GF(p)
MAX_MODES = 4096  # row_modes + col_modes; T, C and G, V's second axis, a tree's leaves; dims
MAX_TEMPLATES = 1024  # M, the last axis of C, V and level-0 weights, both axes of F; each dim
MAX_WIDTH = 4096  # every other axis of a weight array; each value of "widths"
MAX_WEIGHTS = 2**24  # numbers in a model's weight arrays, components and mixture together
MAX_MINOR = 4096  # minor rows, minor cols, basis rows; the inner size of a factorization
MAX_ENTRIES = 2**30  # the M^T entries of a model that an upper bound needs
_SMALL_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71)
_NUMBER = _re.compile(r"-?[0-9]+(/[0-9]+)?")
_GF_TEXT = _re.compile(r"GF\(([0-9]+)\)")
_TEN_TO_MAX_DIGITS = 10**MAX_DIGITS  # the least integer of more than MAX_DIGITS digits
_DIGIT_TEXT = _re.compile(r"-?([0-9]+)(?:/([0-9]+))?|GF\(([0-9]+)\)")  # what MAX_DIGITS counts
XI_CERT = ("product", "relu", "sum")


def is_prime_ref(n) -> bool:
    """Miller–Rabin with the first 20 primes as bases (deterministic far beyond PSI_13)."""
    if type(n) is not int or n < 2:
        return False
    for q in _SMALL_PRIMES:
        if n % q == 0:
            return n == q
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in _SMALL_PRIMES:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


class CertNotACertificate(Exception):
    """Exit 2: not a certificate at all, or outside the limits."""


class CertMalformed(Exception):
    """Verdict NOT VERIFIED (exit 1)."""


class CertUnclear(Exception):
    """The contract does not decide the verdict (the checkers must still agree)."""


def _cert_int(v) -> bool:
    return type(v) is int


def _shown(v) -> str:
    """A short picture of a scalar for a reason (an integer too long to print: its size)."""
    if type(v) is int and v.bit_length() > 256:
        return f"an integer of {v.bit_length()} bits"
    return repr(v)[:60]


@_contextlib.contextmanager
def _int_digits(limit: int):
    """Python's int/str conversion limit (3.11+, 4300 digits by default) at ``limit`` inside,
    restored after: numbers of up to MAX_DIGITS digits are read exactly."""
    get = getattr(_sys, "get_int_max_str_digits", None)
    before = get() if get else None
    if get:
        _sys.set_int_max_str_digits(limit)
    try:
        yield
    finally:
        if get:
            _sys.set_int_max_str_digits(before)


def cert_number(v, where="number") -> Fraction:
    """A number as the contract allows: a JSON integer or a string -?[0-9]+(/[0-9]+)?."""
    if type(v) is int:
        return Fraction(v)
    if type(v) is str and _NUMBER.fullmatch(v):
        num, _, den = v.partition("/")
        if max(len(num.lstrip("-")), len(den)) > MAX_DIGITS:
            raise CertNotACertificate(f"{where}: a number of more than MAX_DIGITS digits")
        with _int_digits(MAX_DIGITS):
            num, den = int(num), int(den) if den else 1
        if den == 0:
            raise CertMalformed(f"{where}: zero denominator")
        return Fraction(num, den)
    raise CertMalformed(f"{where}: not an exact number ({type(v).__name__})")


def cert_array(v, ndim: int, where: str):
    """Nested lists of depth ``ndim``, rectangular, every size >= 1: (Fractions, shape)."""
    if ndim == 0:
        return cert_number(v, where), ()
    if type(v) is not list or not v:
        raise CertMalformed(f"{where}: expected a non-empty {ndim}-D list")
    items = [cert_array(x, ndim - 1, f"{where}[{i}]") for i, x in enumerate(v)]
    shapes = {shape for _, shape in items}
    if len(shapes) != 1:
        raise CertMalformed(f"{where}: ragged")
    return [a for a, _ in items], (len(v), *shapes.pop())


def _flatten_fractions(A):
    if isinstance(A, list):
        for a in A:
            yield from _flatten_fractions(a)
    else:
        yield A


class _CertContext:
    def __init__(self):
        self.soft = []  # doubts that do not change the meaning of the rest
        self.hard = []  # doubts about the meaning itself: any verdict is possible

    def doubt(self, reason):
        self.soft.append(reason)


def _size_key(ctx, m, key, value):
    """Optional "M"/"T" keys of a model file must agree with the weights (modelfile.py)."""
    if key not in m:
        return
    given = m[key]
    if type(given) is int:
        if given != value:
            raise CertMalformed(f"model {key} = {_shown(given)} disagrees with the weights")
    elif isinstance(given, bool) and given == value:
        ctx.doubt(f"model {key} is {given!r}")
    else:
        raise CertMalformed(f"model {key} is {type(given).__name__}")


class CertModel:
    """An exactrank-model v1 object read from a certificate; score() by the oracles above."""

    def __init__(self, m, ctx: _CertContext):
        if type(m) is not dict:
            raise CertMalformed("model: not an object")
        if m.get("format") != "exactrank-model":
            raise CertMalformed("model: wrong format")
        if not (_cert_int(m.get("version")) and m["version"] == 1):
            raise CertMalformed("model: wrong version")
        kind = m.get("kind")
        if type(kind) is not str or kind not in ("generalized-rnn", "generalized-shallow"):
            raise CertMalformed("model: unknown kind")
        xi = m.get("xi")
        if type(xi) is not str or xi not in XI_CERT:
            raise CertMalformed("model: xi is not product, relu or sum")
        self.xi = xi
        self.shared = False
        keys = ("C", "G") if kind == "generalized-rnn" else ("lambda", "V")
        for key in keys:
            if key not in m:
                raise CertMalformed(f"model: missing {key}")
        self.weights = []  # every weight but F (all are used by every entry)
        if kind == "generalized-rnn":
            self._rnn(m, ctx)
        else:
            lam, (R,) = cert_array(m["lambda"], 1, "lambda")
            V, (R2, T, M) = cert_array(m["V"], 3, "V")
            if R != R2:
                raise CertMalformed("lambda and V disagree on R")
            self.lam, self.V, self.T, self.M = lam, V, T, M
            self.weights = list(_flatten_fractions([lam, V]))
        _size_key(ctx, m, "M", self.M)
        if not self.shared:
            _size_key(ctx, m, "T", self.T)
        self.F = None
        if "F" in m:
            if m["F"] is None:
                ctx.doubt("F is null")
            else:
                F, shape = cert_array(m["F"], 2, "F")
                if shape != (self.M, self.M):
                    raise CertMalformed(f"F has shape {shape}, M = {self.M}")
                self.F = F
                self.weights += list(_flatten_fractions(F))
        self.kind = kind

    def _rnn(self, m, ctx):
        shared = m.get("shared", False)
        if shared is not True and shared is not False:
            # the contract says `"shared": true`; modelfile.py reads any truthy value as true,
            # which is the reading the claim's truth is computed under
            ctx.hard.append(f"shared is {_shown(shared)}")
            shared = bool(shared)
        self.shared = shared
        C, G = m["C"], m["G"]
        if type(C) is not list or type(G) is not list:
            raise CertMalformed("C or G is not a list")
        if shared:
            if len(C) != 3 or len(G) != 3:
                raise CertMalformed("shared cores: C and G need 3 cores")
            T = m.get("T")
            if not _cert_int(T) or T < 2:
                raise CertMalformed("shared cores need an integer T >= 2")
            # with T = 2 the inner core is unused but still checked (docs: "every weight")
            pairs = [(0, 2)] if T == 2 else [(0, 1), (1, 2)] + ([(1, 1)] if T >= 4 else [])
        else:
            if len(C) != len(G) or not C:
                raise CertMalformed("C and G need the same number T >= 1 of steps")
            T = len(C)
            pairs = [(t, t + 1) for t in range(T - 1)]
        Cs = [cert_array(c, 2, f"C[{k}]") for k, c in enumerate(C)]
        Gs = [cert_array(g, 3, f"G[{k}]") for k, g in enumerate(G)]
        M = Cs[0][1][1]
        for k, ((_, (L, Mk)), (_, (Lg, _, _))) in enumerate(zip(Cs, Gs, strict=True)):
            if shared and T == 2 and k == 1:
                continue
            if Mk != M or Lg != L:
                raise CertMalformed(f"core {k}: shapes disagree")
        first, last = 0, len(Cs) - 1
        if Gs[first][1][1] != 1 or Gs[last][1][2] != 1:
            raise CertMalformed("R_{-1} and R_{T-1} must be 1")
        for a, b in pairs:
            if Gs[a][1][2] != Gs[b][1][1]:
                raise CertMalformed(f"cores {a}, {b}: ranks disagree")
        self.T, self.M = T, M
        self._C = [c for c, _ in Cs]
        self._G = [g for g, _ in Gs]
        self.weights = list(_flatten_fractions([self._C, self._G]))

    def _steps(self):
        if not self.shared:
            return self._C, self._G
        T = self.T
        idx = [0] + [1] * (T - 2) + [2]
        return [self._C[k] for k in idx], [self._G[k] for k in idx]

    def score(self, seq) -> Fraction:
        if self.kind == "generalized-rnn":
            C, G = self._steps()
            return rnn_score(C, G, self.F, self.xi, seq)
        return shallow_score(self.lam, self.V, self.F, self.xi, seq)


TREE_KINDS = ("hierarchical", "mixed")


def _has_float(value) -> bool:
    """A JSON float (NaN and Infinity included) anywhere in a value."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


def _cert_tree(tree):
    """(L, N) of a mode tree: nested non-empty lists, each mode 0 … N−1 once, every leaf at
    the same depth L (docs/model-files.md, `hierarchical`)."""
    if type(tree) is not list:
        raise CertMalformed("tree: not a list")
    leaves, stack = [], [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if _cert_int(node):
            leaves.append((node, depth))
        elif type(node) is list and node:
            stack.extend((child, depth + 1) for child in node)
        else:
            raise CertMalformed("tree: a node is neither a mode nor a non-empty list")
    if sorted(m for m, _ in leaves) != list(range(len(leaves))):
        raise CertMalformed("tree: the modes are not 0 … N−1, each once")
    depths = {d for _, d in leaves}
    if len(depths) != 1:
        raise CertMalformed("tree: leaves at different depths")
    return depths.pop(), len(leaves)


def _cert_network(m, ctx, where):
    """A hierarchical model object as the keyword arguments of hierarchical_score (weights
    one array per node), with its levels, widths and weights (Fractions)."""
    if type(m) is not dict:
        raise CertMalformed(f"{where}: not an object")
    if m.get("format") != "exactrank-model" or not (
        _cert_int(m.get("version")) and m["version"] == 1
    ):
        raise CertMalformed(f"{where}: wrong format or version")
    if m.get("kind") != "hierarchical":
        raise CertMalformed(f"{where}: kind is not hierarchical")
    for key in ("tree", "weights", "output"):
        if key not in m:
            raise CertMalformed(f"{where}: missing {key}")
    L, N = _cert_tree(m["tree"])
    levels = tree_levels(m["tree"])
    shared = m.get("shared", False)
    if shared is not True and shared is not False:
        raise CertMalformed(f"{where}: shared is not a boolean")
    W = m["weights"]
    if type(W) is not list or len(W) != L:
        raise CertMalformed(f"{where}: weights is not one list per level")
    weights, widths, M = [], [], None
    for l, level in enumerate(W):
        count = len(levels[l])
        if type(level) is not list or not (len(level) == count or (shared and len(level) == 1)):
            raise CertMalformed(f"{where}: weights[{l}] has the wrong number of arrays")
        items = [cert_array(x, 2, f"{where}.weights[{l}][{k}]") for k, x in enumerate(level)]
        if M is None:
            M = items[0][1][1]
        r = items[0][1][0]
        if any(shape != (r, widths[-1] if l else M) for _, shape in items):
            raise CertMalformed(f"{where}: weights[{l}]: shapes")
        if shared and any(a != items[0][0] for a, _ in items):
            raise CertMalformed(f"{where}: weights[{l}]: shared arrays differ")
        weights.append([a for a, _ in items] * (count if len(items) == 1 else 1))
        widths.append(r)
    output, shape = cert_array(m["output"], 1, f"{where}.output")
    if shape != (widths[-1],):
        raise CertMalformed(f"{where}: output has the wrong length")
    F = None
    if m.get("F") is None and "F" in m:
        ctx.doubt("F is null")
    elif "F" in m:
        F, shape = cert_array(m["F"], 2, f"{where}.F")
        if shape != (M, M):
            raise CertMalformed(f"{where}: F is not M × M")
    names = {}
    for key, table, default in (("activation", SIGMA, "identity"), ("pooling", POOL, "product")):
        value = m.get(key, default)
        value = [value] * L if type(value) is str else value
        if type(value) is not list or len(value) != L:
            raise CertMalformed(f"{where}: {key} is not a name or one name per level")
        if not all(type(v) is str and v in table for v in value):
            raise CertMalformed(f"{where}: {key}: an unknown name")
        names[key] = value
    _size_key(ctx, m, "M", M)
    _size_key(ctx, m, "T", N)
    if "widths" in m:
        if m["widths"] != widths:
            raise CertMalformed(f"{where}: widths disagree with the weights")
        if not all(_cert_int(w) for w in m["widths"]):
            ctx.doubt(f"{where}: widths are not all JSON integers")
    spec = {"tree": m["tree"], "weights": weights, "output": output, "F": F, **names}
    numbers = list(_flatten_fractions([weights, output, F or []]))
    return spec, levels, widths, numbers


class CertTreeModel:
    """A "hierarchical" or "mixed" exactrank-model v1 object read from a certificate (the
    contract: docs/certificates.md and docs/model-files.md); score() by hierarchical_score
    and mixed_score above. (A JSON float anywhere in the model is refused by CertTensor.)"""

    xi = None
    shared = False

    def __init__(self, m, ctx: _CertContext):
        self.kind = m.get("kind")
        if self.kind == "hierarchical":
            spec, levels, _, self.weights = _cert_network(m, ctx, "model")
            self.specs, self.nets, self.mixture = [spec], [levels], {}
        else:
            if m.get("format") != "exactrank-model" or not (
                _cert_int(m.get("version")) and m["version"] == 1
            ):
                raise CertMalformed("model: wrong format or version")
            for key in ("first", "second", "mixture"):
                if key not in m:
                    raise CertMalformed(f"model: missing {key}")
            parts = [_cert_network(m[key], ctx, key) for key in ("first", "second")]
            self.specs = [spec for spec, _, _, _ in parts]
            self.nets = [levels for _, levels, _, _ in parts]
            self.weights = parts[0][3] + parts[1][3]
            Ms = [len(spec["weights"][0][0][0]) for spec in self.specs]
            Fs = [spec["F"] or identity(M) for spec, M in zip(self.specs, Ms, strict=True)]
            if len(self.nets[0][0]) != len(self.nets[1][0]) or Ms[0] != Ms[1]:
                raise CertMalformed("mixed: the components' N or M differ")
            if Fs[0] != Fs[1]:
                raise CertMalformed("mixed: the components' F differ")
            self.mixture = self._mixture(m["mixture"], parts)
        self.T = len(self.nets[0][0])
        self.M = len(self.specs[0]["weights"][0][0][0])
        _size_key(ctx, m, "M", self.M)
        _size_key(ctx, m, "T", self.T)

    def _mixture(self, items, parts):
        if type(items) is not list:
            raise CertMalformed("mixture: not a list")
        inner = []
        for _, levels, _, _ in parts:
            place = {}
            for h in range(1, len(levels) - 1):
                for v in levels[h]:
                    place[_mode_set(v)] = h  # the highest node with these modes
            inner.append(place)
        out = {}
        for item in items:
            if type(item) is not dict or set(item) != {"modes", "into_first", "into_second"}:
                raise CertMalformed(
                    "mixture: an item's keys are not modes, into_first, into_second"
                )
            modes = item["modes"]
            if type(modes) is not list or not modes or not all(_cert_int(x) for x in modes):
                raise CertMalformed("mixture: modes is not a non-empty list of integers")
            key = frozenset(modes)
            if len(key) != len(modes) or key in out:
                raise CertMalformed("mixture: a mode twice, or a node twice")
            if key not in inner[0] or key not in inner[1]:
                raise CertMalformed("mixture: not an internal node of both trees")
            h = (inner[0][key], inner[1][key])
            arrays = []
            for n, name in enumerate(("into_first", "into_second")):
                A, shape = cert_array(item[name], 2, name)
                if shape != (parts[n][2][h[n]], parts[1 - n][2][h[1 - n] - 1]):
                    raise CertMalformed(f"mixture: {name} has the wrong shape")
                arrays.append(A)
                self.weights += list(_flatten_fractions(A))
            out[key] = tuple(arrays)
        return out

    def check_field(self, p: int) -> None:
        """relu and max need an order; mean divides by the window size."""
        for spec, levels in zip(self.specs, self.nets, strict=True):
            for l, (act, pool) in enumerate(zip(spec["activation"], spec["pooling"], strict=True)):
                if act == "relu" or pool == "max":
                    raise CertMalformed(f"{act}/{pool} over GF({p})")
                if pool == "mean" and any(len(v) % p == 0 for v in levels[l + 1]):
                    raise CertMalformed(f"mean pooling over a window of a size 0 mod {p}")

    def score(self, seq) -> Fraction:
        if self.kind == "hierarchical":
            return hierarchical_score(**{**self.specs[0], "seq": seq})
        return mixed_score(*self.specs, self.mixture, seq)


class CertTensor:
    """The tensor of a certificate (explicit entries or a model) and its matricization."""

    def __init__(self, t, ctx: _CertContext, truth=False):
        if type(t) is not dict:
            raise CertMalformed("tensor: not an object")
        has_model, has_explicit = "model" in t, ("dims" in t or "entries" in t)
        if has_model and has_explicit:
            raise CertUnclear("tensor has both a model and explicit entries")
        self.model = None
        self.bad_entries = {}  # flat index -> reason (checked only where needed)
        if has_model:
            if _has_float(t["model"]):  # anywhere in it, even under a key it does not define
                raise CertMalformed("model: a JSON float; numbers are integers or 'p/q'")
            tree_kind = type(t["model"]) is dict and t["model"].get("kind") in TREE_KINDS
            self.model = (CertTreeModel if tree_kind else CertModel)(t["model"], ctx)
            self.dims = [self.model.M] * self.model.T
        elif has_explicit:
            dims, entries = t.get("dims"), t.get("entries")
            if type(dims) is not list or not all(_cert_int(d) and d >= 1 for d in dims):
                raise CertMalformed("dims: not a list of integers >= 1")
            if type(entries) is not list:
                raise CertMalformed("entries: not a list")
            size = 1
            for d in dims:
                size *= d
                if size > len(entries):
                    break
            if size != len(entries):
                raise CertMalformed("len(entries) is not the product of dims")
            self.dims = dims
            self.values = []
            for k, e in enumerate(entries):
                try:
                    self.values.append(cert_number(e, f"entries[{k}]"))
                except CertMalformed as exc:
                    self.values.append(None)
                    self.bad_entries[k] = str(exc)
        else:
            raise CertMalformed("tensor: neither a model nor dims/entries")
        self.T = len(self.dims)
        self._cache = {}

    def flat(self, index) -> int:
        out = 0
        for d, i in zip(self.dims, index, strict=True):
            out = out * d + i
        return out

    def value(self, index) -> Fraction:
        if index not in self._cache:
            if self.model is not None:
                self._cache[index] = self.model.score(index)
            else:
                v = self.values[self.flat(index)]
                if v is None:
                    raise CertMalformed(self.bad_entries[self.flat(index)])
                self._cache[index] = v
        return self._cache[index]


def _decode(i: int, modes, dims, index: list) -> None:
    """Row (or column) index i: C order over ``modes`` in the order listed."""
    for mode in reversed(modes):
        i, index[mode] = divmod(i, dims[mode])


class CertMatrix:
    """The claim's matricization of a certificate's tensor, over QQ or GF(p)."""

    def __init__(self, tensor: CertTensor, rows, cols, p):
        self.tensor, self.rows, self.cols, self.p = tensor, rows, cols, p
        self.m = math.prod(tensor.dims[k] for k in rows)
        self.n = math.prod(tensor.dims[k] for k in cols)
        self.used_templates = set()
        self.used_flat = set()

    def index(self, i, j):
        index = [None] * self.tensor.T
        _decode(i, self.rows, self.tensor.dims, index)
        _decode(j, self.cols, self.tensor.dims, index)
        return tuple(index)

    def mark(self, i, j):
        index = self.index(i, j)
        self.used_templates.update(index)
        self.used_flat.add(self.tensor.flat(index))

    def rational(self, i, j) -> Fraction:
        return self.tensor.value(self.index(i, j))

    def entry(self, i, j):
        return self.field_value(self.rational(i, j), "entry")

    def field_value(self, q: Fraction, where):
        if self.p is None:
            return q
        if q.denominator % self.p == 0:
            raise CertMalformed(f"{where}: {self.p} divides the denominator")
        return q.numerator * pow(q.denominator, -1, self.p) % self.p

    def rank(self, rows, cols) -> int:
        A = [[self.entry(i, j) for j in cols] for i in rows]
        return rank_fraction(A) if self.p is None else rank_mod_p_ref(A, self.p)


def _cert_field(f, ctx):
    """None for QQ, else the prime p of "GF(p)"."""
    if type(f) is str:
        if f == "QQ":
            return None
        match = _GF_TEXT.fullmatch(f)
        if match:
            digits = match.group(1)
            if len(digits) > MAX_DIGITS:
                raise CertNotACertificate("field: a modulus of more than MAX_DIGITS digits")
            if len(digits) > 1 and digits[0] == "0":
                ctx.doubt("the field's p has leading zeros")
            with _int_digits(MAX_DIGITS):
                p = int(digits)
            if p >= PSI_13:  # not below 3.3e24, prime or not (and no slow primality test)
                raise CertMalformed(f"field: p = {_shown(p)} is not below 3.3e24")
            if not is_prime_ref(p):
                raise CertMalformed(f"field: {p} is not prime")
            if p >= PRIME_BOUND:
                ctx.doubt(f"prime {p} between 3.3e24 and PSI_13")
            return p
    raise CertMalformed(f"field {_shown(f)} is not 'QQ' or 'GF(p)'")


def _index_list(v, count, bound, where):
    if type(v) is not list or not all(_cert_int(x) for x in v):
        raise CertMalformed(f"{where}: not a list of integers")
    if count is not None and len(v) != count:
        raise CertMalformed(f"{where}: {len(v)} indices, expected {count}")
    if len(set(v)) != len(v):
        raise CertMalformed(f"{where}: repeated index")
    if any(not 0 <= x < bound for x in v):
        raise CertMalformed(f"{where}: index out of range")
    return v


def json_depth(obj) -> int:
    """Nesting depth of lists and objects (a top-level object is level 1; scalars 0)."""
    depth, level = 0, [(obj, 1)]
    while level:
        value, d = level.pop()
        if isinstance(value, dict | list):
            depth = max(depth, d)
            items = value.values() if isinstance(value, dict) else value
            level.extend((v, d + 1) for v in items if isinstance(v, dict | list))
    return depth


def _at_most(count: int, limit: int, name: str, where: str) -> None:
    if count > limit:
        raise CertNotACertificate(f"{where}: {_shown(count)}, more than {name}")


def cert_limits(cert: dict) -> None:
    """docs/certificates.md, "Limits and exit codes": CertNotACertificate (exit 2) for a
    certificate past a limit anywhere, whatever else is wrong with it (all but MAX_ENTRIES,
    which needs the claim and the model read: see _reference). Only values of the type a
    limit counts are looked at; anything else is left to the reading."""
    stack = [cert]  # MAX_DIGITS: every value of the file (nested at most MAX_DEPTH deep)
    while stack:
        value = stack.pop()
        if type(value) is dict:
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
        elif type(value) is int and abs(value) >= _TEN_TO_MAX_DIGITS:
            raise CertNotACertificate("an integer of more than MAX_DIGITS digits")
        elif type(value) is str and len(value) > MAX_DIGITS:
            match = _DIGIT_TEXT.fullmatch(value)
            digits = max(len(part or "") for part in match.groups()) if match else 0
            _at_most(digits, MAX_DIGITS, "MAX_DIGITS", "the digits of a 'p/q' or 'GF(p)'")
    claim, tensor, witness = (
        cert[key] if type(cert[key]) is dict else {} for key in ("claim", "tensor", "witness")
    )
    modes = [claim.get(key) for key in ("row_modes", "col_modes")]
    modes = sum(len(v) for v in modes if type(v) is list)
    _at_most(modes, MAX_MODES, "MAX_MODES", "claim: row_modes + col_modes")
    dims = tensor.get("dims")
    if type(dims) is list:
        _at_most(len(dims), MAX_MODES, "MAX_MODES", "tensor.dims: its length")
        for d in filter(_cert_int, dims):
            _at_most(d, MAX_TEMPLATES, "MAX_TEMPLATES", "tensor.dims: a mode's size")
    if type(tensor.get("model")) is dict:
        _model_limits(tensor["model"])
    for part, key in (("minor", "rows"), ("minor", "cols"), ("basis", "rows")):
        value = witness.get(part)
        if type(value) is dict and type(value.get(key)) is list:
            _at_most(len(value[key]), MAX_MINOR, "MAX_MINOR", f"witness.{part}.{key}")
    fac = witness.get("factorization")
    U, V = (fac.get("U"), fac.get("V")) if type(fac) is dict else (None, None)
    if type(U) is list and U and type(U[0]) is list:
        _at_most(len(U[0]), MAX_MINOR, "MAX_MINOR", "factorization: the columns of U[0]")
    if type(V) is list:
        _at_most(len(V), MAX_MINOR, "MAX_MINOR", "factorization: the rows of V")


# the limit on each axis of a model's weight arrays, outermost first (deeper axes: none)
_AXES = {
    "C": (MAX_MODES, MAX_WIDTH, MAX_TEMPLATES),  # one L_t × M core per step
    "G": (MAX_MODES, MAX_WIDTH, MAX_WIDTH, MAX_WIDTH),  # one L_t × R_{t−1} × R_t per step
    "lambda": (MAX_WIDTH,),  # R
    "V": (MAX_WIDTH, MAX_MODES, MAX_TEMPLATES),  # R × T × M
    "F": (MAX_TEMPLATES, MAX_TEMPLATES),
    "output": (MAX_WIDTH,),
}


def _model_limits(m: dict) -> int:
    """The limits of a model object (and of its components "first" and "second"); returns
    the count of numbers in its weight arrays, all of them counted against MAX_WEIGHTS."""
    count = sum(_model_limits(m[key]) for key in ("first", "second") if type(m.get(key)) is dict)
    for key, limit, name in (("T", MAX_MODES, "MAX_MODES"), ("M", MAX_TEMPLATES, "MAX_TEMPLATES")):
        if _cert_int(m.get(key)):
            _at_most(m[key], limit, name, f"model {key}")
    widths = m.get("widths")
    for w in filter(_cert_int, widths if type(widths) is list else ()):
        _at_most(w, MAX_WIDTH, "MAX_WIDTH", "model widths")
    _at_most(_leaves(m.get("tree")), MAX_MODES, "MAX_MODES", "model tree: its modes")
    arrays = [(m.get(key), axes, key) for key, axes in _AXES.items()]
    levels = m.get("weights")
    for l, level in enumerate(levels if type(levels) is list else ()):
        # one r_l × M (level 0, one per mode) or r_l × r_{l−1} array per node
        axes = (MAX_MODES, MAX_WIDTH, MAX_TEMPLATES if l == 0 else MAX_WIDTH)
        arrays.append((level, axes, f"weights[{l}]"))
    mixture = m.get("mixture")
    for item in mixture if type(mixture) is list else ():
        for key in ("into_first", "into_second") if type(item) is dict else ():
            arrays.append((item.get(key), (MAX_WIDTH, MAX_WIDTH), f"mixture {key}"))
    count += sum(_array_count(value, axes, where) for value, axes, where in arrays)
    _at_most(count, MAX_WEIGHTS, "MAX_WEIGHTS", "the numbers of a model's weights")
    return count


def _array_count(value, axes: tuple, where: str) -> int:
    """The numbers (leaves but null) of a nested list, each axis within its limit."""
    if type(value) is not list:
        return int(value is not None)
    if axes:
        _at_most(len(value), axes[0], "a MAX_ limit of an axis", f"model {where}")
    return sum(_array_count(v, axes[1:], where) for v in value)


def _leaves(tree) -> int:
    """The modes (leaves but null) of a tree of nested lists."""
    return sum(map(_leaves, tree)) if type(tree) is list else int(tree is not None)


class CertClaim:
    """The header and the claim of a certificate, with its tensor and matrix."""

    def __init__(self, cert, ctx: _CertContext):
        if json_depth(cert) > MAX_DEPTH:
            raise CertNotACertificate("lists and objects nested deeper than MAX_DEPTH levels")
        if type(cert) is not dict:
            raise CertNotACertificate("not an object")
        if cert.get("format") != "exactrank-certificate":
            raise CertNotACertificate("wrong format")
        if not (_cert_int(cert.get("version")) and cert["version"] == 1):
            raise CertNotACertificate("wrong version")
        for key in ("claim", "tensor", "witness"):
            if key not in cert:
                raise CertNotACertificate(f"missing {key}")
        cert_limits(cert)
        claim = cert["claim"]
        if type(claim) is not dict:
            raise CertMalformed("claim: not an object")
        for key in ("kind", "r", "field", "row_modes", "col_modes"):
            if key not in claim:
                raise CertMalformed(f"claim: missing {key}")
        kind, r = claim["kind"], claim["r"]
        if type(kind) is not str or kind not in ("ge", "le", "eq"):
            raise CertMalformed("claim: kind")
        if not _cert_int(r) or r < 0:
            raise CertMalformed("claim: r is not an integer >= 0")
        self.kind, self.r = kind, r
        self.p = _cert_field(claim["field"], ctx)
        self.tensor = CertTensor(cert["tensor"], ctx)
        rows, cols = claim["row_modes"], claim["col_modes"]
        for v in (rows, cols):
            if type(v) is not list or not all(_cert_int(x) for x in v):
                raise CertMalformed("claim: modes are not integer lists")
        if sorted(rows + cols) != list(range(self.tensor.T)):
            raise CertMalformed("claim: the modes are not a partition of 0 … T-1")
        self.matrix = CertMatrix(self.tensor, rows, cols, self.p)
        model = self.tensor.model
        if self.p is not None and model is not None:
            for q in model.weights:
                if q.denominator % self.p == 0:
                    raise CertMalformed("model weight with p dividing its denominator")
            if isinstance(model, CertTreeModel):
                model.check_field(self.p)
            elif model.xi == "relu":  # an operator the field lacks: GF(p) has no order
                raise CertMalformed(f"xi = relu over GF({self.p})")


def _check_basis(b, claim: CertClaim, needs):
    mat = claim.matrix
    if type(b) is not dict:
        raise CertMalformed("basis: not an object")
    brows = _index_list(b.get("rows"), None, mat.m, "basis rows")
    if len(brows) > claim.r:
        raise CertMalformed("basis: more than r rows")
    coeffs = b.get("coefficients")
    if type(coeffs) is not list:
        raise CertMalformed("coefficients: not a list")
    if len(coeffs) != mat.m - len(brows):
        raise CertMalformed("coefficients: not one entry per non-basis row")
    seen, identities = set(), []
    for item in coeffs:
        if type(item) is not list or len(item) != 2:
            raise CertMalformed("coefficients: an item is not [i, pairs]")
        i, pairs = item
        if not _cert_int(i) or not 0 <= i < mat.m:
            raise CertMalformed("coefficients: row index")
        if i in seen:
            raise CertMalformed("coefficients: a row twice")
        seen.add(i)
        if i in brows:
            raise CertUnclear("coefficients for a basis row")
        if type(pairs) is not list:
            raise CertMalformed("coefficients: pairs not a list")
        ks, terms = set(), []
        for pair in pairs:
            if type(pair) is not list or len(pair) != 2:
                raise CertMalformed("coefficients: a pair is not [k, c]")
            k, c = pair
            if not _cert_int(k) or not 0 <= k < len(brows) or k in ks:
                raise CertMalformed("coefficients: bad or repeated k")
            ks.add(k)
            terms.append((brows[k], mat.field_value(cert_number(c, "coefficient"), "coefficient")))
        identities.append((i, terms))
    for i in range(mat.m):
        for j in range(mat.n):
            needs.append((i, j))

    def check():
        for i, terms in identities:
            for j in range(mat.n):
                rhs = sum((c * mat.entry(b, j) for b, c in terms), Fraction(0))
                lhs = mat.entry(i, j)
                if (lhs - rhs if mat.p is None else (lhs - rhs) % mat.p) != 0:
                    raise CertMalformed(f"basis: identity of row {i} fails in column {j}")

    return check


def _check_factorization(f, claim: CertClaim, needs):
    mat = claim.matrix
    if type(f) is not dict:
        raise CertMalformed("factorization: not an object")
    U, V = f.get("U"), f.get("V")
    if type(U) is list and U and all(type(row) is list and not row for row in U):
        # s = 0: U holds m empty rows and V is []
        if len(U) != mat.m or V != [] or type(V) is not list:
            raise CertMalformed("factorization: shapes (s = 0)")
        U, V, s = [[] for _ in range(mat.m)], [], 0
    else:
        U, (mU, s) = cert_array(U, 2, "U")
        V, (sV, nV) = cert_array(V, 2, "V")
        if (mU, sV, nV) != (mat.m, s, mat.n):
            raise CertMalformed("factorization: shapes")
    if s > claim.r:
        raise CertMalformed("factorization: s > r")
    U = [[mat.field_value(q, "U") for q in row] for row in U]
    V = [[mat.field_value(q, "V") for q in row] for row in V]
    for i in range(mat.m):
        for j in range(mat.n):
            needs.append((i, j))

    def check():
        for i in range(mat.m):
            for j in range(mat.n):
                uv = sum((U[i][k] * V[k][j] for k in range(s)), Fraction(0))
                if (mat.entry(i, j) - uv if mat.p is None else (mat.entry(i, j) - uv) % mat.p) != 0:
                    raise CertMalformed(f"factorization: entry ({i}, {j}) differs")

    return check


def _upper_check(witness, claim, needs):
    """The upper-bound witness; with both forms present the two must agree."""
    has_basis, has_fact = "basis" in witness, "factorization" in witness
    if not has_basis and not has_fact:
        raise CertMalformed("no upper-bound witness")
    if has_basis:  # "If a witness has both, the basis is checked."
        return _check_basis(witness["basis"], claim, needs)
    return _check_factorization(witness["factorization"], claim, needs)


def certificate_reference(cert) -> tuple[int | None, str]:
    """The verdict of docs/certificates.md: (0 verified | 1 not verified | 2 not a
    certificate or outside the limits | None the contract does not decide, reason)."""
    return _reference(cert, doubts=True)


def certificate_witness_holds(cert) -> bool:
    """Whether the witness proves the claim under the oracle's reading of every doubtful
    point (e.g. "shared": 1 read as true, as modelfile.py does)."""
    return _reference(cert, doubts=False)[0] == 0


def _reference(cert, doubts: bool):
    ctx = _CertContext()
    try:
        claim = CertClaim(cert, ctx)
        mat = claim.matrix
        # MAX_ENTRIES: an upper bound needs every entry of a model; refused once the claim
        # and the model are read, before the witness (unless the model's meaning is in doubt)
        model = claim.tensor.model
        if claim.kind != "ge" and model is not None and math.prod(claim.tensor.dims) > MAX_ENTRIES:
            exc = CertUnclear if ctx.hard else CertNotACertificate
            raise exc("a model upper bound over more than MAX_ENTRIES = 2^30 entries")
        witness = cert["witness"]
        if type(witness) is not dict:
            raise CertMalformed("witness: not an object")
        checks, needs = [], []
        if claim.kind in ("ge", "eq"):
            minor = witness.get("minor")
            if type(minor) is not dict:
                raise CertMalformed("minor: missing or not an object")
            rows = _index_list(minor.get("rows"), claim.r, mat.m, "minor rows")
            cols = _index_list(minor.get("cols"), claim.r, mat.n, "minor cols")
            needs.extend((i, j) for i in rows for j in cols)

            def minor_check(rows=rows, cols=cols):
                if mat.rank(rows, cols) != claim.r:
                    raise CertMalformed("singular minor")

            checks.append(minor_check)
        if claim.kind in ("le", "eq"):
            checks.append(_upper_check(witness, claim, needs))
        # entries and feature rows the witness needs: refused numbers there are fatal,
        # elsewhere the contract leaves it open whether a checker looks at them
        for i, j in needs:
            mat.mark(i, j)
        tensor = claim.tensor
        for k in tensor.bad_entries:
            if k in mat.used_flat:
                raise CertMalformed(tensor.bad_entries[k])
        if tensor.bad_entries:
            ctx.doubt("a refused number in an entry the witness does not use")
        if tensor.model is None and claim.p is not None:
            for k in mat.used_flat:
                mat.field_value(tensor.values[k], "entry")
            if any(
                v is not None and v.denominator % claim.p == 0
                for k, v in enumerate(tensor.values)
                if k not in mat.used_flat
            ):
                ctx.doubt("p divides the denominator of an unused entry")
        for check in checks:
            check()
    except CertNotACertificate as exc:
        return 2, str(exc)
    except CertMalformed as exc:
        return (None, f"{ctx.hard}; {exc}") if ctx.hard and doubts else (1, str(exc))
    except CertUnclear as exc:
        return None, str(exc)
    if not doubts:
        return 0, "verified"
    if ctx.hard:
        return None, "; ".join(ctx.hard)
    if ctx.soft:
        return None, "; ".join(ctx.soft)
    return 0, "verified"


def certificate_matrix(cert, max_entries=20000):
    """The claim's matrix of a certificate as nested lists of Fractions (over QQ, before any
    reduction mod p), with the claim; None when the claim or tensor is meaningless."""
    ctx = _CertContext()
    try:
        claim = CertClaim(cert, ctx)
    except (CertNotACertificate, CertMalformed, CertUnclear):
        return None, None
    mat = claim.matrix
    if mat.m * mat.n > max_entries:
        return None, claim
    try:
        return [[mat.rational(i, j) for j in range(mat.n)] for i in range(mat.m)], claim
    except CertMalformed:
        return None, claim


def certificate_claim_truth(cert, max_entries=20000):
    """True/False: whether the certificate's claim holds, by exact elimination on its whole
    matrix; None when the claim is meaningless or the matrix is too large to build."""
    A, claim = certificate_matrix(cert, max_entries)
    if A is None:
        return None
    if claim.p is None:
        rank = rank_fraction(A)
    else:
        if any(q.denominator % claim.p == 0 for row in A for q in row):
            return None
        rank = rank_mod_p_ref(A, claim.p)
    return {"ge": rank >= claim.r, "le": rank <= claim.r, "eq": rank == claim.r}[claim.kind]


def nonsingular_minor(matrix, p=None):
    """Rows and columns of a maximal nonsingular minor, by elimination (columns from the
    pivots of the matrix, rows from the pivots of the chosen columns' transpose)."""

    def pivots(A):
        A = [list(row) for row in A]
        if p is not None:
            A = [[residue(v, p) for v in row] for row in A]
        else:
            A = [[frac(v) for v in row] for row in A]
        out, rank = [], 0
        m = len(A)
        n = len(A[0]) if A else 0
        for col in range(n):
            piv = next((i for i in range(rank, m) if A[i][col] != 0), None)
            if piv is None:
                continue
            A[rank], A[piv] = A[piv], A[rank]
            for i in range(rank + 1, m):
                if A[i][col] != 0:
                    if p is None:
                        f = A[i][col] / A[rank][col]
                        A[i] = [a - f * b for a, b in zip(A[i], A[rank], strict=True)]
                    else:
                        f = A[i][col] * pow(A[rank][col], -1, p) % p
                        A[i] = [(a - f * b) % p for a, b in zip(A[i], A[rank], strict=True)]
            out.append(col)
            rank += 1
        return out

    cols = pivots(matrix)
    rows = pivots(transpose([[row[j] for j in cols] for row in matrix])) if cols else []
    return rows, cols


# ---------------------------------------------------------------------------- overlapping


def overlapping_score(shape, strides, weights, output, F, biases, seq):
    """An overlapping network of GC layers (seed 000, §6, fig. 5) run on ``seq``.

    ``shape`` is (N,) or (H, W) (pixel (h, w) is input h·W + w). Layer l extracts, at every
    output position p (coordinates p_i = 0 … size_i / S − 1), the block of input positions
    p_i·S − o + k_i, k_i = 0 … R − 1, o = (R − S) // 2; each block position k inside the input
    contributes the factor Σ_d W[k][c][d]·x_d + b[k][c] (``weights[l][k]`` in 1D,
    ``weights[l][u][v]`` in 2D; biases[l] likewise, or None), positions outside contribute
    nothing (the factor 1); the factors are multiplied channel by channel. After the last
    layer the remaining positions are multiplied channel by channel and ``output`` is applied.
    Coordinates are tuples in a dict; nothing is vectorized.
    """
    d = len(shape)
    M = len(F) if F is not None else len(_nested_last(weights[0]))
    F = identity(M) if F is None else F
    X = {}
    for coords in itertools.product(*(range(n) for n in shape)):
        flat = coords[0] if d == 1 else coords[0] * shape[1] + coords[1]
        X[coords] = list(F[seq[flat]])
    size = tuple(shape)
    for l, S in enumerate(strides):
        W = weights[l]
        R = len(W)
        o = (R - S) // 2
        out_size = tuple(n // S for n in size)
        Y = {}
        for p in itertools.product(*(range(n) for n in out_size)):
            channels = len(_at(W, (0,) * d))
            fiber = []
            for c in range(channels):
                value = Fraction(1)
                for k in itertools.product(range(R), repeat=d):
                    q = tuple(p[i] * S - o + k[i] for i in range(d))
                    if not all(0 <= q[i] < size[i] for i in range(d)):
                        continue
                    w = _at(W, k)[c]
                    linear = _dot(w, X[q])
                    if biases is not None and biases[l] is not None:
                        linear += _at(biases[l], k)[c]
                    value *= linear
                fiber.append(value)
            Y[p] = fiber
        X, size = Y, out_size
    pooled = [math.prod((X[p][c] for p in X), start=Fraction(1)) for c in range(len(output))]
    return _dot(output, pooled)


def _at(nested, index):
    for i in index:
        nested = nested[i]
    return nested


def _nested_last(nested):
    while isinstance(nested[0], list):
        nested = nested[0]
    return nested
