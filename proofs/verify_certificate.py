"""Stand-alone checker of exactrank rank certificates (docs/certificates.md, version 1).

``python proofs/verify_certificate.py CERT.json`` (``-``: standard input) prints ``s VERIFIED``
(exit 0) or ``s NOT VERIFIED: <reason>`` (exit 1). One line on stderr: exit 2 for what is not a
certificate at all (not a regular file, unreadable, not UTF-8 JSON, not an object, wrong format
or version, no claim, tensor or witness) or is outside the limits below (docs/certificates.md,
"Limits and exit codes"; ``exactrank verify`` enforces the same table, and a file outside them
is exit 2 whatever else is wrong with it); exit 3, "could not check: ...", when checking a
certificate within them runs out of memory. Standard library only: it never imports
exactrank, and it trusts no number in the file but the tensor, read from its entries or
recomputed from its model at only the entries the witness needs (memoized per index tuple).
Fields: QQ (ints and Fractions) and GF(p) (ints mod p, p prime below 3.3e24, where
Miller-Rabin with the first 13 primes as bases is deterministic). Matrix rows: C order over
row_modes as listed; columns likewise.
Model entries (seed 001): eq. 19 templates f = F[i_t] (F = I by default); eq. 18 entry =
score of the sequence; eq. 16-17 generalized RNN: h^(-1) = [u], a = C[t] f, h^(t)_k =
sum_{l,j} G[t][l][j][k] xi(a_l, h^(t-1)_j), score h^(T-1)_0; eq. 14 shallow network:
sum_r lambda_r xi(u, <f_0, V[r][0]>, ..., <f_{T-1}, V[r][T-1]>), the fold from the unit u.
xi: product (u = 1), sum (u = 0), relu(x, y) = max(x, y, 0) (u = 0; QQ only: GF(p) has no order).
Hierarchical network (seed 000, 3-4; COLT 2016, 3): a tree of pooling windows over the modes,
every leaf at one depth L; a node's level is its height. A leaf (mode j) has conv(j) = W[0][j] f_j
(level 0 listed by mode); a window v of level l >= 1 pools its children channel by channel,
pool(v) = P_{l-1}{sigma_{l-1}(conv(c)) : c child of v} (eq. 3: g(a, b) = P{sigma(a), sigma(b)}),
then conv(v) = W[l][k] pool(v), k its index among level l's nodes, depth-first left to right
("shared": one array per level); the root's conv is the dense output: the score (one window
over all modes with shared weights is eq. 1, CP; binary windows give HT, Example 2).
sigma: identity or relu(z) = max(z, 0); P: product, max, or mean = sum / window size; relu and
max over QQ only, mean over GF(p) only if p divides no window size of its level. Mixed network
(seed 000, 8, as exactrank.models.mixed defines it): two hierarchical networks; at a mixture
node v (in each tree, the highest node with v's modes) conv_1(v) = W_1 pool_1(v) + A pool_2(v)
and conv_2(v) = W_2 pool_2(v) + B pool_1(v); the score is the sum of both outputs. A conv
depends only on the indices at its node's modes, and is memoized per such index tuple.
rank >= r: the r x r minor is nonsingular (see nonsingular). rank <= r: every non-basis row
equals its combination of basis rows in every column, or U V equals the matrix entry by entry
(when a witness has both, the basis is the one checked).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
from fractions import Fraction
from math import lcm, prod
from operator import mul

# The limits (docs/certificates.md; exactrank/limits.py holds the same numbers, a test compares)
MAX_FILE_BYTES = 256 * 2**20  # size of the file read
MAX_DEPTH = 64  # nesting of JSON lists and objects; the top-level object is level 1
MAX_DIGITS = 10_000  # decimal digits of an integer: a JSON integer, p and q of "p/q", GF(p)
MAX_MODES = 4096  # T: modes of a claim, a model or explicit dims
MAX_TEMPLATES = 1024  # M: the size of every mode
MAX_WIDTH = 4096  # every other axis of a weight array, and the values of "widths"
MAX_WEIGHTS = 2**24  # numbers in one model's weight arrays, as stored in the file
MAX_MINOR = 4096  # rows of a minor, rows of a basis, the inner size s of a factorization
MAX_ENTRIES = 2**30  # entries of a model's matrix, all needed by an upper bound

BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
Q = 2**127 - 1  # a prime: a determinant that is nonzero mod Q is nonzero
XI = {"product": (1, mul), "sum": (0, lambda x, y: x + y), "relu": (0, lambda x, y: max(x, y, 0))}
ACT = {"identity": lambda x: x, "relu": lambda x: max(x, 0)}  # sigma of seed 000
POOL = {"product": prod, "max": max, "mean": sum}  # mean: the sum, then / the window size


class Reject(Exception):
    """The file is a certificate, but its claim does not follow (exit 1)."""


class NotACertificate(Exception):
    """The input is not a certificate at all, or is outside the limits (exit 2)."""


class CouldNotCheck(Exception):
    """Checking a certificate within the limits ran out of memory (exit 3)."""


def need(ok, reason: str) -> None:
    if not ok:
        raise Reject(reason)


def within(count: int, name: str, where: str, what: str) -> None:
    """Refuse a count (or a value) past the limit ``name``, one of the MAX_ constants above."""
    if count > globals()[name]:
        got = f"{show(count)} {what}".strip()
        raise NotACertificate(f"{where}: {got}, more than {name} = {globals()[name]}")


def clip(text: str) -> str:
    """At most 80 characters of a text, then an ellipsis."""
    return text if len(text) <= 80 else text[:80] + "…"


def show(x) -> str:
    """A short ASCII picture of a value from the file, for a message (at most 81 characters;
    an integer too long for that is described by its size, never formatted)."""
    if isinstance(x, int) and x.bit_length() > 256:
        return f"an integer of {x.bit_length()} bits"
    if isinstance(x, dict):
        return f"an object of {len(x)} keys"
    if isinstance(x, list):
        items = ["[...]" if isinstance(y, list | dict) else show(y) for y in x[:8]]
        return clip("[" + ", ".join(items) + (", ...]" if len(x) > 8 else "]"))
    return clip(ascii(x))


@contextlib.contextmanager
def int_digits(limit: int):
    """Python's int-string conversion limit (3.10.7+, default 4300 digits) set to ``limit``."""
    old = getattr(sys, "get_int_max_str_digits", lambda: None)()
    if old is not None:
        sys.set_int_max_str_digits(limit)
    try:
        yield
    finally:
        if old is not None:
            sys.set_int_max_str_digits(old)


def expect(x, kind, where: str):
    need(isinstance(x, kind) and not isinstance(x, bool), f"{where}: not a {kind.__name__}")
    return x


def indices(x, bound: int, where: str) -> list:
    """A list of distinct integers in 0 ... bound - 1."""
    for i in expect(x, list, where):
        if type(i) is not int or not 0 <= i < bound:
            raise Reject(f"{where}: {show(i)} is not in 0 ... {show(bound - 1)}")
    need(len(set(x)) == len(x), f"{where}: an index is repeated")
    return x


def is_prime(n: int) -> bool:
    """Miller-Rabin with the first 13 primes as bases: deterministic for n < 3.3e24."""
    if n < 2 or any(n % q == 0 for q in BASES):
        return n in BASES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in BASES:
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


def number(x, p, where: str):
    """A JSON integer or "p/q" string as an element of QQ (int or Fraction) or GF(p) (int)."""
    if type(x) is int:
        return x if p is None else x % p
    match = re.fullmatch(r"(-?[0-9]+)(?:/([0-9]+))?", x) if isinstance(x, str) else None
    if match is None:
        raise Reject(f"{where}: {show(x)} is not an integer or a 'p/q' string")
    a, b = int(match[1]), int(match[2] or 1)  # at most MAX_DIGITS digits each (limits())
    if b == 0 or (p is not None and b % p == 0):
        raise Reject(f"{where}: {show(x)} has no value, its denominator is 0 (mod p)")
    if p is None:
        return a // b if a % b == 0 else Fraction(a, b)
    return a * pow(b, -1, p) % p


def array(x, ndim: int, p, where: str):
    """(shape, values) of a non-empty rectangular nested list of numbers of depth ndim."""
    if ndim == 0:
        return (), number(x, p, where)
    need(isinstance(x, list) and x, f"{where}: not a non-empty {ndim}-D array")
    parts = [array(y, ndim - 1, p, f"{where}[{i}]") for i, y in enumerate(x)]
    need(all(shape == parts[0][0] for shape, _ in parts), f"{where}: not rectangular")
    return (len(x), *parts[0][0]), [values for _, values in parts]


def load_model(d, p, modes: int):
    """(M, T, score of an index tuple) of an exactrank-model v1 object, every weight checked."""
    d, where = header(d, "tensor.model"), "tensor.model"
    no_float(d, where)
    kind, xi = d.get("kind"), d.get("xi")
    if kind in ("hierarchical", "mixed"):
        return load_tree_model(d, p, modes)
    rnn = kind == "generalized-rnn"
    need(rnn or kind == "generalized-shallow", f"{where}: unknown kind {show(kind)}")
    for key in ("xi", "C", "G") if rnn else ("xi", "lambda", "V"):
        need(key in d, f"{where}: missing key {key!r}")
    ok = isinstance(xi, str) and xi in XI and not (xi == "relu" and p)
    need(ok, f"{where}: xi {show(xi)} is not product, sum or relu (relu over QQ only)")
    (unit, xi), red, cache = XI[xi], (lambda v: v % p) if p else (lambda v: v), {}
    if rnn:
        C, G = d["C"], d["G"]
        ok = isinstance(C, list) and isinstance(G, list) and C and len(C) == len(G)
        need(ok, f"{where}: C and G must be non-empty lists of equal length")
        T, shared = len(C), d.get("shared", False)
        need(type(shared) is bool, f'{where}: "shared" must be true or false')
        if shared:
            T = d.get("T")
            ok = len(C) == 3 and type(T) is int and T >= 2
            need(ok, f'{where}: "shared" needs 3 cores in C and G and an integer "T" >= 2')
        need(modes == T, f"the partition has {modes} modes but the model has T = {show(T)}")
        steps = [0] + [1] * (T - 2) + [2] if shared else list(range(T))  # the core of step t
        C = [array(c, 2, p, f"{where}.C[{s}]") for s, c in enumerate(C)]
        G = [array(g, 3, p, f"{where}.G[{s}]") for s, g in enumerate(G)]
        M, R = C[steps[0]][0][1], 1  # R is R_{t-1}; R_{-1} = 1
        for t, s in enumerate(steps):
            (L, M_t), (L_G, R_in, R_out) = C[s][0], G[s][0]
            ok = (M_t, L_G, R_in) == (M, L, R)
            need(ok, f"{where}: step {t}: C {L}x{M_t}, G {L_G}x{R_in}x{R_out}, M {M}, R_prev {R}")
            R = R_out
        need(R == 1, f"{where}: the last core G must have R = 1, not {R}")
        # per output k, G[s] as one list over (l, j): the order of z in score()
        G = [
            [[g[l][j][k] for l in range(a) for j in range(b)] for k in range(c)]
            for (a, b, c), g in G
        ]
    else:
        (R,), lam = array(d["lambda"], 1, p, f"{where}.lambda")
        (R_V, T, M), V = array(d["V"], 3, p, f"{where}.V")
        need(R_V == R, f"{where}: lambda has {R} entries but V has {R_V} rows")
    for key, value in (("M", M), ("T", T)):
        need(key not in d or d[key] == value, f"{where}: {key} disagrees with the weights")
    F = [[int(i == j) for j in range(M)] for i in range(M)]
    if d.get("F") is not None:
        shape, F = array(d["F"], 2, p, f"{where}.F")
        need(shape == (M, M), f"{where}.F: expected an {M}x{M} array, got {shape}")

    def inputs(t, m):  # eq. 16: a = C[t] f; eq. 14: <f, V[r][t]> for every r
        key = (steps[t], m) if rnn else (t, m)
        if key not in cache:
            rows = C[steps[t]][1] if rnn else [v[t] for v in V]
            cache[key] = [red(sum(map(mul, row, F[m]))) for row in rows]
        return cache[key]

    def score(index):
        if not rnn:
            acc = [unit] * R
            for t, m in enumerate(index):
                acc = [red(xi(x, y)) for x, y in zip(acc, inputs(t, m), strict=True)]
            return red(sum(map(mul, lam, acc)))
        h = [unit]
        for t, m in enumerate(index):
            z = [xi(a, x) for a in inputs(t, m) for x in h]
            h = [red(sum(map(mul, g_k, z))) for g_k in G[steps[t]]]
        return h[0]

    return M, T, score


def header(d, where: str) -> dict:
    d = expect(d, dict, where)
    need(d.get("format") == "exactrank-model", f"{where}: format is not exactrank-model")
    need(type(d.get("version")) is int and d["version"] == 1, f"{where}: version is not 1")
    return d


def no_float(d: dict, where: str) -> None:
    """Refuse a JSON float anywhere in a model (even M, T, widths: 2.0 is not 2), as a model
    file refuses it."""
    stack = [d]
    while stack:
        x = stack.pop()
        need(not isinstance(x, float), f"{where}: a JSON float; numbers are integers or 'p/q'")
        stack += x.values() if isinstance(x, dict) else x if isinstance(x, list) else []


def exact(x, ndim: int, p, where: str):
    """(shape, values in the field, values over QQ) of an array of numbers."""
    shape, q = array(x, ndim, None, where)
    return shape, array(x, ndim, p, where)[1] if p else q, q


def load_network(d, p, where: str) -> dict:
    """A hierarchical model object (seed 000, 3-4), every key checked, as a dict: its tree,
    conv weights W[l][k] (a leaf's k is its mode), output, F, sigma and P per level, widths."""
    d = header(d, where)
    need(d.get("kind") == "hierarchical", f"{where}: kind is not hierarchical")
    for key in ("tree", "weights", "output"):
        need(key in d, f"{where}: missing key {key!r}")
    levels = {}

    def node(x, path):  # [level, index in the level (a leaf: its mode), children, modes]
        if type(x) is int:
            return [0, x, [], [x]]
        need(isinstance(x, list) and x, f"{path}: not a mode or a non-empty window")
        kids = [node(c, f"{path}[{i}]") for i, c in enumerate(x)]
        heights = {c[0] for c in kids}
        need(len(heights) == 1, f"{path}: leaves at different depths (pad with windows of one)")
        h = heights.pop() + 1  # post-order: per level, the order depth-first left to right
        levels.setdefault(h, []).append([h, len(levels.get(h, [])), kids])
        levels[h][-1].append([m for c in kids for m in c[3]])
        return levels[h][-1]

    root = node(d["tree"], f"{where}.tree")
    need(root[0] > 0, f"{where}.tree: not a list of nodes")
    L, N = root[0], len(root[3])
    need(sorted(root[3]) == list(range(N)), f"{where}.tree: not each mode 0 ... {N - 1} once")
    shared = d.get("shared", False)
    need(type(shared) is bool, f'{where}: "shared" is not true or false')
    weights = expect(d["weights"], list, f"{where}.weights")
    need(len(weights) == L, f"{where}.weights: {len(weights)} levels for a tree of L = {L}")
    W, widths, M = [], [], None
    for l, level in enumerate(weights):
        count, w = N if l == 0 else len(levels[l]), f"{where}.weights[{l}]"
        ok = isinstance(level, list) and (len(level) == count or shared and len(level) == 1)
        need(ok, f"{w}: not one array per {'mode' if l == 0 else 'node'} (or one if shared)")
        arrays = [exact(x, 2, p, f"{w}[{k}]") for k, x in enumerate(level)]
        rows, M = arrays[0][0][0], M or arrays[0][0][1]  # level 0 is r_0 x M
        want = (rows, widths[-1] if l else M)
        need(all(shape == want for shape, _, _ in arrays), f"{w}: arrays not all {want}")
        ok = not shared or all(q == arrays[0][2] for _, _, q in arrays)
        need(ok, f"{w}: shared arrays differ")
        W.append([a for _, a, _ in arrays] * (count if len(arrays) == 1 else 1))
        widths.append(rows)
    (r,), output, _ = exact(d["output"], 1, p, f"{where}.output")
    need(r == widths[-1], f"{where}.output: {r} numbers for r_{L - 1} = {widths[-1]}")
    F = q = [[int(i == j) for j in range(M)] for i in range(M)]
    if d.get("F") is not None:
        shape, F, q = exact(d["F"], 2, p, f"{where}.F")
        need(shape == (M, M), f"{where}.F: expected an {M}x{M} array, got {shape}")
    ops = []
    for key, table, name in (("activation", ACT, "identity"), ("pooling", POOL, "product")):
        names = d.get(key, name)
        names = [names] * L if isinstance(names, str) else names
        ok = isinstance(names, list) and len(names) == L
        ok = ok and all(isinstance(x, str) and x in table for x in names)
        need(ok, f"{where}.{key}: not one of {', '.join(table)}, nor one such name per level")
        ops.append(names)
    for l, (act, pool) in enumerate(zip(*ops, strict=True)):
        ok = not p or act == "identity" and pool != "max"
        need(ok, f"{where}: {act}/{pool} at level {l} needs an order; GF(p) has none")
        ok = not p or pool != "mean" or all(len(v[2]) % p for v in levels[l + 1])
        need(ok, f"{where}: mean pooling at level {l} divides by a window size 0 mod p")
    for key, value in (("M", M), ("T", N), ("widths", widths)):
        need(key not in d or d[key] == value, f"{where}: {key} disagrees with the weights")
    inner = {frozenset(v[3]): v for h in range(1, L) for v in levels[h]}  # the highest
    net = {"L": L, "N": N, "M": M, "root": root, "W": W, "output": output, "F": F, "q": q}
    return net | {"ops": ops, "r": widths, "inner": inner}


def load_tree_model(d, p, modes: int):
    """(M, N, score of an index tuple) of a hierarchical or mixed model (seed 000)."""
    where, exchange = "tensor.model", {}
    if d["kind"] == "hierarchical":
        nets = [load_network(d, p, where)]
    else:
        for key in ("first", "second", "mixture"):
            need(key in d, f"{where}: missing key {key!r}")
        nets = [load_network(d[key], p, f"{where}.{key}") for key in ("first", "second")]
        a, b = nets
        need((a["N"], a["M"], a["q"]) == (b["N"], b["M"], b["q"]), f"{where}: N, M or F differ")
        for i, item in enumerate(expect(d["mixture"], list, f"{where}.mixture")):
            w, names = f"{where}.mixture[{i}]", ("into_first", "into_second")
            ok = isinstance(item, dict) and set(item) == {"modes", *names}
            need(ok, f"{w}: not an object with exactly the keys modes, {', '.join(names)}")
            got = item["modes"]
            ok = isinstance(got, list) and got and all(type(m) is int for m in got)
            need(ok and len(set(got)) == len(got), f"{w}.modes: not a list of distinct modes")
            key = frozenset(got)
            u = [net["inner"].get(key) for net in nets]
            need(None not in u, f"{w}: modes {show(got)} are not an internal node of both trees")
            need((0, *u[0][:2]) not in exchange, f"{w}: modes {show(got)} are listed before")
            for n, name in enumerate(names):  # A(v) reads the other network's pool at v
                shape, A, _ = exact(item[name], 2, p, f"{w}.{name}")
                want = (nets[n]["r"][u[n][0]], nets[1 - n]["r"][u[1 - n][0] - 1])
                need(shape == want, f"{w}.{name}: shape {shape}, expected {want}")
                exchange[n, u[n][0], u[n][1]] = A, 1 - n, u[1 - n]
    for key, value in (("M", nets[0]["M"]), ("T", nets[0]["N"])):
        need(key not in d or d[key] == value, f"{where}: {key} disagrees with the weights")
    need(modes == nets[0]["N"], f"the partition has {modes} modes but the model has {nets[0]['N']}")
    red, memo = (lambda v: v % p) if p else (lambda v: v), {}

    def conv(n, v, index):  # conv_n(v) before sigma (the dense output at the root)
        (h, k, _, modes), net = v, nets[n]
        key = (n, h, k, *(index[m] for m in modes))  # conv_n(v) depends on v's modes only
        if key not in memo:
            x = pool(n, v, index) if h else net["F"][index[k]]  # a leaf: f(x^(k))
            rows = [net["output"]] if h == net["L"] else net["W"][h][k]
            out = [red(sum(map(mul, w, x))) for w in rows]
            if (n, h, k) in exchange:  # a mixture node: + A(v) pool_other(v)
                A, m, u = exchange[n, h, k]
                z = pool(m, u, index)
                out = [red(y + sum(map(mul, w, z))) for y, w in zip(out, A, strict=True)]
            memo[key] = out
        return memo[key]

    def pool(n, v, index):  # P_{h-1}{sigma_{h-1}(conv_n(c)) : c child of v}, channel by channel
        act, kind = (names[v[0] - 1] for names in nets[n]["ops"])
        columns = zip(*([ACT[act](y) for y in conv(n, c, index)] for c in v[2]), strict=True)
        z = [POOL[kind](column) for column in columns]
        if kind == "mean":  # the sum divided by the window size
            z = [y * pow(len(v[2]), -1, p) if p else Fraction(y) / len(v[2]) for y in z]
        return [red(y) for y in z]

    def score(index):
        return red(sum(conv(n, net["root"], index)[0] for n, net in enumerate(nets)))

    return nets[0]["M"], nets[0]["N"], score


def load_tensor(data, p, modes: int):
    """(dims, score of an index tuple, whether it is a model) of the certificate's tensor."""
    data = expect(data, dict, "tensor")
    need(("model" in data) != ("entries" in data), "tensor: not one of 'model' and 'entries'")
    if "model" in data:
        M, T, score = load_model(data["model"], p, modes)
        return [M] * T, score, True
    dims = expect(data.get("dims"), list, "tensor.dims")
    need(all(type(d) is int and d >= 1 for d in dims), "tensor.dims: not integers >= 1")
    entries = expect(data["entries"], list, "tensor.entries")
    need(len(entries) == prod(dims), f"tensor: {len(entries)} entries for dims {show(dims)}")
    values = [number(e, p, f"tensor.entries[{i}]") for i, e in enumerate(entries)]
    strides = [prod(dims[t + 1 :]) for t in range(len(dims))]
    return dims, lambda index: values[sum(map(mul, index, strides))], False


def nonsingular(A: list, p) -> bool:
    """Whether the square matrix A over GF(p) (over QQ if p is None) is invertible.

    Over QQ each row is cleared of denominators (a nonzero scale keeps the rank), and full
    rank mod the prime Q proves it; else the exact elimination decides. It eliminates by
    cross-multiplication, row i <- a_kk row i - a_ik row k, which keeps the rank mod p; over
    QQ the new entries are then divided by the previous pivot, exactly (Bareiss).
    """
    if p is None:
        scales = [lcm(*(Fraction(x).denominator for x in row)) for row in A]
        A = [[int(x * s) for x in row] for row, s in zip(A, scales, strict=True)]
        if nonsingular([[x % Q for x in row] for row in A], Q):
            return True
    A, previous = [list(row) for row in A], 1
    for k in range(len(A)):
        pivot = next((i for i in range(k, len(A)) if A[i][k] != 0), None)
        if pivot is None:
            return False
        A[k], A[pivot] = A[pivot], A[k]
        for i in range(k + 1, len(A)):
            row = [A[k][k] * x - A[i][k] * y for x, y in zip(A[i], A[k], strict=True)]
            A[i] = [x % p for x in row] if p else [x // previous for x in row]
        previous = A[k][k]
    return True


def check(cert: dict) -> tuple[bool, str]:
    """(verified, reason) of a parsed certificate. Raises NotACertificate if it is none at all
    or is outside the limits, CouldNotCheck if checking it runs out of memory.

    A verified certificate's reason is "", or a note when the basis was checked and a
    factorization ignored. Any other exception that malformed content raises is a rejection.
    """
    if not isinstance(cert, dict):
        raise NotACertificate(f"not a JSON object but a {type(cert).__name__}")
    if cert.get("format") != "exactrank-certificate":
        raise NotACertificate(f"format is {show(cert.get('format'))}, not exactrank-certificate")
    if type(cert.get("version")) is not int or cert["version"] != 1:
        raise NotACertificate(f"version is {show(cert.get('version'))}, not the integer 1")
    for key in ("claim", "tensor", "witness"):
        if key not in cert:
            raise NotACertificate(f"missing key {key!r}")
    if isinstance(cert["claim"], dict) and cert["claim"].get("kind") == "formula":
        raise NotACertificate(
            "claim kind 'formula' (a structural certificate, a rank for every size) is not "
            "supported by this checker; check it with `exactrank verify`"
        )
    limits(cert)
    with int_digits(MAX_DIGITS):
        try:
            return True, _check(cert)
        except Reject as exc:
            return False, str(exc)
        except NotACertificate:
            raise
        except (MemoryError, RecursionError) as exc:
            raise CouldNotCheck(f"{type(exc).__name__} while checking") from None
        except Exception as exc:
            return False, f"{type(exc).__name__} while checking: {clip(str(exc))}"


# ---------------------------------------------------------------------------- the limits
# Checked on the certificate as parsed, before anything in it is used: a file outside them
# is exit 2 whatever else is wrong with it.

DIGITS = re.compile(r"-?([0-9]+)(?:/([0-9]+))?|GF\(([0-9]+)\)")  # a number or a field
TOO_LONG = 10**MAX_DIGITS  # the least integer of more than MAX_DIGITS digits
AXES = {  # the limit on each axis of a model's number arrays, outermost first
    "C": ("MAX_MODES", "MAX_WIDTH", "MAX_TEMPLATES"),  # T x L_t x M
    "G": ("MAX_MODES", "MAX_WIDTH", "MAX_WIDTH", "MAX_WIDTH"),  # T x L_t x R_{t-1} x R_t
    "lambda": ("MAX_WIDTH",),
    "V": ("MAX_WIDTH", "MAX_MODES", "MAX_TEMPLATES"),  # R x T x M
    "F": ("MAX_TEMPLATES", "MAX_TEMPLATES"),
    "output": ("MAX_WIDTH",),
    "biases": (),  # an overlapping network's (it has no certificate form): counted only
}
LEVEL_AXES = (  # hierarchical weights[l]: one r_l x M (l = 0) or r_l x r_{l-1} array per node
    ("MAX_MODES", "MAX_WIDTH", "MAX_TEMPLATES"),
    ("MAX_MODES", "MAX_WIDTH", "MAX_WIDTH"),
)


def limits(cert: dict) -> None:
    """Refuse (NotACertificate) a certificate outside the limits, naming the limit and where."""
    scan(cert)
    parts = (cert[key] for key in ("claim", "tensor", "witness"))
    claim, tensor, witness = (part if isinstance(part, dict) else {} for part in parts)
    modes = [x for x in (claim.get("row_modes"), claim.get("col_modes")) if isinstance(x, list)]
    within(sum(map(len, modes)), "MAX_MODES", "claim.row_modes + col_modes", "modes")
    if isinstance(tensor.get("model"), dict):
        model_limits(tensor["model"], "tensor.model")
    dims = tensor.get("dims")
    if isinstance(dims, list):
        within(len(dims), "MAX_MODES", "tensor.dims", "modes")
        for d in dims:
            within(d if type(d) is int else 0, "MAX_TEMPLATES", "tensor.dims", "templates")
    witness_limits(witness)


def scan(cert: dict) -> None:
    """Every value anywhere: lists and objects at most MAX_DEPTH deep; integers, and the p and
    q of every "p/q" string and the p of every "GF(p)" string, of at most MAX_DIGITS digits.
    (One container at a time, its values by type: a weight array may hold 2^24 numbers.)"""
    stack = [(cert, 1, ())]  # (a list or an object, its depth, its path)
    while stack:
        x, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            within(depth, "MAX_DEPTH", place(path), "levels of lists and objects")
        keys, values = (list(x), list(x.values())) if isinstance(x, dict) else (range(len(x)), x)
        kinds = set(map(type, values))
        if kinds & {list, dict}:
            pairs = zip(keys, values, strict=True)
            stack += [(y, depth + 1, (path, k)) for k, y in pairs if type(y) in (list, dict)]
        if int in kinds:
            ints = values if kinds == {int} else [y for y in values if type(y) is int]
            if max(ints) >= TOO_LONG or min(ints) <= -TOO_LONG:
                raise NotACertificate(f"{place(path)}: an integer of more than MAX_DIGITS digits")
        for k, y in zip(keys, values, strict=True) if str in kinds else ():
            if type(y) is str and len(y) > MAX_DIGITS and (match := DIGITS.fullmatch(y)):
                digits = max(len(part or "") for part in match.groups())
                within(digits, "MAX_DIGITS", place((path, k)), "digits")


def place(path: tuple) -> str:
    """tensor.model.C[0] for the path (((((), "tensor"), "model"), "C"), 0) of scan()."""
    keys = []
    while path:
        path, key = path
        keys.append(f"[{key}]" if type(key) is int else f".{clip(key)}")
    return "".join(reversed(keys)).lstrip(".") or "the file"


def model_limits(d: dict, where: str) -> int:
    """T, M and widths of a model object and its components; returns its count of numbers."""
    parts = [key for key in ("first", "second") if isinstance(d.get(key), dict)]
    count = sum(model_limits(d[key], f"{where}.{key}") for key in parts)
    for key, name in (("T", "MAX_MODES"), ("M", "MAX_TEMPLATES")):
        within(d[key] if type(d.get(key)) is int else 0, name, f"{where}.{key}", "")
    for width in d.get("widths") if isinstance(d.get("widths"), list) else ():
        within(width if type(width) is int else 0, "MAX_WIDTH", f"{where}.widths", "channels")
    within(leaves(d.get("tree")), "MAX_MODES", f"{where}.tree", "modes")
    arrays = [(d.get(key), axes, f"{where}.{key}") for key, axes in AXES.items()]
    levels = d.get("weights") if isinstance(d.get("weights"), list) else []
    arrays += [(x, LEVEL_AXES[l > 0], f"{where}.weights[{l}]") for l, x in enumerate(levels)]
    for i, item in enumerate(d.get("mixture") if isinstance(d.get("mixture"), list) else ()):
        for key in ("into_first", "into_second") if isinstance(item, dict) else ():
            w = f"{where}.mixture[{i}].{key}"
            arrays.append((item.get(key), ("MAX_WIDTH", "MAX_WIDTH"), w))
    count += sum(numbers(x, axes, w) for x, axes, w in arrays)
    within(count, "MAX_WEIGHTS", where, "numbers in its weights")
    return count


def numbers(x, axes: tuple, where: str, axis: int = 0) -> int:
    """The count of numbers in a nested list, each axis no longer than its limit in axes."""
    if not isinstance(x, list):
        return int(x is not None)
    if axes and len(x) > globals()[axes[0]]:
        within(len(x), axes[0], f"{where} (axis {axis})", "items")
    if list not in set(map(type, x)):  # the innermost axis (fast: 2^24 numbers are allowed)
        return len(x)
    return sum(numbers(y, axes[1:], where, axis + 1) for y in x)


def leaves(tree) -> int:
    """The number of modes (leaves) in a tree of nested lists."""
    return sum(map(leaves, tree)) if isinstance(tree, list) else int(tree is not None)


def witness_limits(witness: dict) -> None:
    """Rows and columns of the minor, rows of the basis, the inner size of U V (the
    columns of U's first row, the rows of V)."""
    for part, key in (("minor", "rows"), ("minor", "cols"), ("basis", "rows")):
        x = witness.get(part)
        x = x.get(key) if isinstance(x, dict) else None
        within(len(x) if isinstance(x, list) else 0, "MAX_MINOR", f"witness.{part}.{key}", "")
    fac = witness.get("factorization")
    U, V = (fac.get(k) for k in "UV") if isinstance(fac, dict) else (None, None)
    s = len(U[0]) if isinstance(U, list) and U and isinstance(U[0], list) else 0
    within(s, "MAX_MINOR", "witness.factorization.U[0]", "columns")
    within(len(V) if isinstance(V, list) else 0, "MAX_MINOR", "witness.factorization.V", "rows")


def _check(cert: dict) -> str:
    claim = expect(cert["claim"], dict, "claim")
    kind, r, field = claim.get("kind"), claim.get("r"), claim.get("field")
    need(kind in ("ge", "le", "eq"), f"claim.kind: {show(kind)} is not 'ge', 'le' or 'eq'")
    need(type(r) is int and r >= 0, f"claim.r: {show(r)} is not an integer >= 0")
    match = re.fullmatch(r"GF\(([1-9][0-9]{0,24})\)", field) if isinstance(field, str) else None
    p = int(match[1]) if match else None
    ok = field == "QQ" or (p is not None and p < 33 * 10**23 and is_prime(p))
    need(ok, f"claim.field: {show(field)} is not QQ or GF(p) with p prime < 3.3e24")
    row_modes = expect(claim.get("row_modes"), list, "claim.row_modes")
    col_modes = expect(claim.get("col_modes"), list, "claim.col_modes")
    T = len(row_modes) + len(col_modes)
    indices(row_modes + col_modes, T, "claim.row_modes + col_modes")
    dims, score, is_model = load_tensor(cert["tensor"], p, T)
    need(len(dims) == T, f"the partition has {T} modes but the tensor has {len(dims)}")
    if kind != "ge" and is_model and prod(dims) > MAX_ENTRIES:  # a limit: before the witness
        M = dims[0]
        raise NotACertificate(f"an upper bound needs all {M}^{T} entries, more than MAX_ENTRIES")
    witness = expect(cert["witness"], dict, "witness")
    row_dims, col_dims = [dims[t] for t in row_modes], [dims[t] for t in col_modes]
    m, n, memo = prod(row_dims), prod(col_dims), {}

    def entry(i: int, j: int):  # the matrix entry (i, j): Gamma at its index tuple
        index = [0] * T
        for modes, sizes, k in ((row_modes, row_dims, i), (col_modes, col_dims, j)):
            for t, size in zip(reversed(modes), reversed(sizes), strict=True):
                k, index[t] = divmod(k, size)
        key = tuple(index)
        if key not in memo:
            memo[key] = score(key)
        return memo[key]

    if kind in ("ge", "eq"):
        minor = expect(witness.get("minor"), dict, "witness.minor")
        rows = indices(minor.get("rows"), m, "minor.rows")
        cols = indices(minor.get("cols"), n, "minor.cols")
        need(len(rows) == len(cols) == r, f"minor: {len(rows)} x {len(cols)} for r = {show(r)}")
        A = [[entry(i, j) for j in cols] for i in rows]
        need(nonsingular(A, p), f"the {r} x {r} minor is singular over {field}")
    if kind == "ge":
        return ""
    both = "basis" in witness and "factorization" in witness
    note = "basis checked, factorization ignored" if both else ""
    try:
        upper_bound(witness, r, p, m, n, entry)
    except Reject as exc:
        raise Reject(f"{exc} ({note})" if note else str(exc)) from None
    return note


def upper_bound(witness: dict, r: int, p, m: int, n: int, entry) -> None:
    """Check the basis (or else the factorization) witness of rank <= r of the m x n matrix."""
    if "basis" in witness:  # row i = sum_k c row b_k, for every row i not in the basis
        basis = expect(witness["basis"], dict, "witness.basis")
        rows = indices(basis.get("rows"), m, "basis.rows")
        need(len(rows) <= r, f"basis: {len(rows)} rows for r = {show(r)}")
        combos = []  # (row i, basis slots k, coefficients c)
        for pair in expect(basis.get("coefficients"), list, "basis.coefficients"):
            need(isinstance(pair, list) and len(pair) == 2, "basis.coefficients: not [i, terms]")
            terms = expect(pair[1], list, "basis.coefficients terms")
            ok = all(isinstance(term, list) and len(term) == 2 for term in terms)
            need(ok, "basis.coefficients: a term is not a pair [k, c]")
            ks = indices([k for k, _ in terms], len(rows), "basis.coefficients k")
            combos.append((pair[0], ks, [number(c, p, "basis coefficient") for _, c in terms]))
        others = indices([i for i, _, _ in combos], m, "basis.coefficients rows")
        ok = not set(others) & set(rows) and len(others) + len(rows) == m
        need(ok, "basis: the basis and coefficient rows must cover every row exactly once")
    elif "factorization" in witness:  # row i = sum_k U[i][k] V[k], for every row i
        fac = expect(witness["factorization"], dict, "witness.factorization")
        U, V = (expect(fac.get(key), list, f"factorization.{key}") for key in "UV")
        U = [[number(x, p, "U") for x in expect(row, list, "U row")] for row in U]
        V = [[number(x, p, "V") for x in expect(row, list, "V row")] for row in V]
        s = len(U[0]) if U else 0
        ok = len(U) == m and len(V) == s <= r and all(len(row) == s for row in U)
        need(ok and all(len(row) == n for row in V), f"factorization: not {m}xs by sx{n}, s <= r")
        combos = [(i, range(s), U[i]) for i in range(m)]
    else:
        raise Reject("witness: an upper bound needs 'basis' or 'factorization'")
    name = "basis" if "basis" in witness else "factorization"
    W = [[entry(b, j) for j in range(n)] for b in rows] if name == "basis" else V
    for i, ks, cs in combos:
        for j in range(n):
            combination = sum(c * W[k][j] for k, c in zip(ks, cs, strict=True))
            if (combination % p if p else combination) != entry(i, j):
                raise Reject(f"{name}: row {show(i)} of the matrix differs in column {j}")


def read(name: str) -> bytes:
    """The bytes of a regular file, or of standard input for "-", at most MAX_FILE_BYTES of
    them; a FIFO, a directory or a device is refused at once, never read (a read could block)."""
    if name == "-":
        if sys.stdin is None:  # file descriptor 0 closed
            raise NotACertificate("standard input is closed")
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO: no wait
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise NotACertificate("not a regular file (a FIFO, directory or device is not read)")
        with open(fd, "rb") as handle:
            within(info.st_size, "MAX_FILE_BYTES", "the file", "bytes")
            data = handle.read(MAX_FILE_BYTES + 1)
    within(len(data), "MAX_FILE_BYTES", "the input", "bytes")
    return data


TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')  # a JSON string, or a bracket
STEP = {"[": 1, "{": 1, "]": -1, "}": -1, '"': 0}  # the nesting a token opens or closes


def nesting(text: str) -> None:
    """Lists and objects at most MAX_DEPTH deep, counted on the text (json.loads recurses)."""
    depth = 0
    for token in TOKENS.finditer(text):
        depth += STEP[text[token.start()]]
        if depth > MAX_DEPTH:
            where = f"character {token.start()}"
            within(depth, "MAX_DEPTH", where, "levels of lists and objects")


def parse(data: bytes):
    """The JSON value of UTF-8 bytes, nested at most MAX_DEPTH deep, no key twice in an
    object, no integer past MAX_DIGITS."""
    text = data.decode("utf-8")
    nesting(text)
    with int_digits(MAX_DIGITS):
        try:
            return json.loads(text, object_pairs_hook=unique_keys)
        except json.JSONDecodeError:
            raise
        except ValueError:  # Python's int-string limit, set to MAX_DIGITS
            message = f"an integer of more than MAX_DIGITS = {MAX_DIGITS} digits"
            raise NotACertificate(message) from None


def unique_keys(pairs: list) -> dict:
    """A JSON object whose keys all differ (json.loads would silently keep the last)."""
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise NotACertificate(f"the key {show(key)} appears twice in one JSON object")
        seen.add(key)
    return dict(pairs)


def say(line: str, stream) -> None:
    """Write one line, whatever the stream's encoding can hold (the rest backslash-escaped)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    line = " ".join(line.split())
    stream.write(line.encode(encoding, "backslashreplace").decode(encoding) + "\n")


def main(argv=None) -> int:
    """Command line (argv without the program name): exit 0 verified, 1 not, 2 not a
    certificate, outside the limits or a usage error, 3 could not check, 130 interrupted."""
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        say("usage: python verify_certificate.py CERT.json (- for standard input)", sys.stderr)
        return 2
    try:
        verified, reason = check(parse(read(args[0])))
    except (OSError, ValueError, NotACertificate) as exc:
        # unreadable, not UTF-8, not JSON, not a certificate, outside the limits
        say(f"{args[0]}: {exc}", sys.stderr)
        return 2
    except (CouldNotCheck, MemoryError) as exc:
        say(f"could not check: {args[0]}: {str(exc) or type(exc).__name__}", sys.stderr)
        return 3
    except KeyboardInterrupt:  # Ctrl-C: as exactrank's commands
        say("interrupted", sys.stderr)
        return 130
    say("s VERIFIED" if verified else f"s NOT VERIFIED: {reason}", sys.stdout)
    return 0 if verified else 1


if __name__ == "__main__":
    sys.exit(main())
