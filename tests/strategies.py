"""Hypothesis strategies for random models, shared by the test files.

A model is drawn as a *spec*: nested lists of Fractions (what the oracles read) plus the
way the weights are handed to exactrank ("rep": Fractions, "p/q" strings or numpy arrays).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import strategies as st
from oracles import grid, rnn_score, shallow_score

import exactrank as er

EXACT_XIS = ("product", "relu", "sum")
MODULAR_XIS = ("product", "sum")
DENS = (1, 1, 1, 2, 3, 4, 5, 6, 7, 9, 11, 101)
Q = Fraction


def rationals(dens=DENS, bound=12):
    small = st.builds(Q, st.integers(-bound, bound), st.sampled_from(dens))
    wide = st.builds(Q, st.integers(-(10**6), 10**6), st.sampled_from(dens))
    return st.one_of(small, small, small, wide)


def tensor(draw, shape, q):
    if len(shape) == 1:
        return [draw(q) for _ in range(shape[0])]
    return [tensor(draw, shape[1:], q) for _ in range(shape[0])]


@st.composite
def feature_matrices(draw, M, dens=DENS):
    if draw(st.booleans()):
        return None
    return tensor(draw, (M, M), rationals(dens, bound=4))


@st.composite
def rnn_specs(draw, xis=EXACT_XIS, dens=DENS, M=None, T=None):
    """A generalized RNN as nested lists of Fractions: L_t and R_t vary per step."""
    xi = draw(st.sampled_from(xis))
    M = draw(st.integers(1, 3)) if M is None else M
    T = draw(st.integers(1, 4)) if T is None else T
    L = [draw(st.integers(1, 3)) for _ in range(T)]
    R = [1] + [draw(st.integers(1, 3)) for _ in range(T - 1)] + [1]  # R[t] = R_{t-1}
    q = rationals(dens)
    C = [tensor(draw, (L[t], M), q) for t in range(T)]
    G = [tensor(draw, (L[t], R[t], R[t + 1]), q) for t in range(T)]
    F = draw(feature_matrices(M, dens))
    return {"xi": xi, "C": C, "G": G, "F": F, "rep": draw(st.sampled_from(REPS))}


@st.composite
def shallow_specs(draw, xis=EXACT_XIS, dens=DENS):
    xi = draw(st.sampled_from(xis))
    # T = 1 with relu is the n = 1 corner of the n-ary ξ: test_shallow_with_one_step
    T = draw(st.integers(2 if xi == "relu" else 1, 4))
    R, M = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    q = rationals(dens)
    lam = tensor(draw, (R,), q)
    V = tensor(draw, (R, T, M), q)
    F = draw(feature_matrices(M, dens))
    return {"xi": xi, "lambda": lam, "V": V, "F": F, "rep": draw(st.sampled_from(REPS))}


REPS = ("fraction", "string", "array")


def as_rep(A, rep):
    """The same exact weights written as Fractions, "p/q" strings or a numpy array."""
    if A is None:
        return None
    if rep == "string":
        return map_nested(A, str)
    if rep == "array":
        flat = list(flatten(A))
        if all(q.denominator == 1 for q in flat):
            return np.array(map_nested(A, int), dtype=np.int64)
        arr = np.empty(np.shape(np.array(map_nested(A, float))), dtype=object)
        arr.flat[:] = flat
        return arr
    return A


def map_nested(A, fn):
    return [map_nested(a, fn) for a in A] if isinstance(A, list) else fn(A)


def flatten(A):
    if isinstance(A, list):
        for a in A:
            yield from flatten(a)
    else:
        yield A


def build_rnn(spec):
    rep = spec.get("rep", "fraction")
    return er.GeneralizedRNN(
        spec["xi"],
        [as_rep(c, rep) for c in spec["C"]],
        [as_rep(g, rep) for g in spec["G"]],
        F=as_rep(spec["F"], rep),
    )


def build_shallow(spec):
    rep = spec.get("rep", "fraction")
    return er.GeneralizedShallow(
        spec["xi"], as_rep(spec["lambda"], rep), as_rep(spec["V"], rep), F=as_rep(spec["F"], rep)
    )


def rnn_oracle(spec):
    M, T = len(spec["C"][0][0]), len(spec["C"])
    return grid(lambda s: rnn_score(spec["C"], spec["G"], spec["F"], spec["xi"], s), M, T)


def shallow_oracle(spec):
    M, T = len(spec["V"][0][0]), len(spec["V"][0])
    return grid(lambda s: shallow_score(spec["lambda"], spec["V"], spec["F"], spec["xi"], s), M, T)


def abs_bound(spec, seq):
    """A bound on every intermediate magnitude: |ξ(a, b)| <= |a|·|b| or |a| + |b|."""
    absolute = {k: (None if spec[k] is None else map_nested(spec[k], abs)) for k in ("C", "G", "F")}
    xi = "product" if spec["xi"] == "product" else "sum"
    return rnn_score(absolute["C"], absolute["G"], absolute["F"], xi, seq)


# ---------------------------------------------------------------------------- certificates


@st.composite
def shared_rnn_specs(draw, xis=EXACT_XIS, dens=DENS, M=None, T=None):
    """An RNN whose inner steps share one (C, G) (seed 001, §5): first, inner, last cores.

    "C" and "G" hold the T expanded steps the oracles read; "cores" the three pairs.
    """
    xi = draw(st.sampled_from(xis))
    M = draw(st.integers(1, 3)) if M is None else M
    T = draw(st.integers(3, 4)) if T is None else T
    R = draw(st.integers(1, 3))
    L = [draw(st.integers(1, 3)) for _ in range(3)]
    q = rationals(dens)
    shapes = [((L[0], M), (L[0], 1, R)), ((L[1], M), (L[1], R, R)), ((L[2], M), (L[2], R, 1))]
    cores = [(tensor(draw, c, q), tensor(draw, g, q)) for c, g in shapes]
    steps = [cores[0]] + [cores[1]] * (T - 2) + [cores[2]]
    return {
        "xi": xi,
        "cores": cores,
        "T": T,
        "C": [c for c, _ in steps],
        "G": [g for _, g in steps],
        "F": draw(feature_matrices(M, dens)),
        "rep": draw(st.sampled_from(REPS)),
    }


def build_shared_rnn(spec):
    rep = spec.get("rep", "fraction")
    first, inner, last = ((as_rep(c, rep), as_rep(g, rep)) for c, g in spec["cores"])
    return er.GeneralizedRNN.with_shared_cores(
        spec["xi"], first, inner, last, spec["T"], F=as_rep(spec["F"], rep)
    )


def exact_array(nested):
    """Nested Fractions as a numpy array: int64 when every entry is an integer, else an
    object array of Fraction."""
    flat = list(flatten(nested))
    shape = np.shape(np.array(map_nested(nested, float)))
    if all(q.denominator == 1 for q in flat):
        return np.array([int(q) for q in flat], dtype=np.int64).reshape(shape)
    arr = np.empty(shape, dtype=object)
    arr.flat[:] = flat
    return arr


@st.composite
def exact_tensor_specs(draw, dens=DENS, max_order=4):
    """A tensor of order 1 … max_order (sizes 1 … 3) as nested Fractions: entries drawn
    freely, or a sum of a few outer products (so that ranks fall below the generic one)."""
    order = draw(st.integers(1, max_order))
    dims = [draw(st.integers(1, 3)) for _ in range(order)]
    q = rationals(dens)
    if draw(st.booleans()):
        return tensor(draw, dims, q)
    terms = draw(st.integers(0, 3))
    vectors = [[tensor(draw, (d,), q) for d in dims] for _ in range(terms)]

    def build(prefix):
        if len(prefix) == order:
            total = Fraction(0)
            for vs in vectors:
                term = Fraction(1)
                for v, i in zip(vs, prefix, strict=True):
                    term *= v[i]
                total += term
            return total
        return [build(prefix + (i,)) for i in range(dims[len(prefix)])]

    return build(())


# ---------------------------------------------------------------------------- tampering
#
# A certificate is JSON: a tree of dicts, lists and leaves. A mutation picks a place in the
# tree and changes it the way a careless or malicious editor might.

PRIMES = (2, 3, 5, 7, 11, 13, 101, 65537, 2**61 - 1, 3299999999999999999999999)
# not prime, or a prime the contract refuses (above 3.3e24); 318665857834031151167461 and
# 3317044064679887385961981 are strong pseudoprimes to the bases 2 … 37 and 2 … 41
NOT_FIELDS = (
    0,
    1,
    4,
    9,
    15,
    561,
    2**64,
    318665857834031151167461,
    3317044064679887385961981,
    3317044064679887385962123,
)
FIELD_SPELLINGS = (
    "qq",
    "Q",
    " QQ",
    "QQ ",
    "GF7",
    "gf(7)",
    "GF( 7)",
    "GF(+7)",
    "GF(7.0)",
    "GF(0x7)",
    "GF(٧)",
    "float",
    "RR",
    "",
    "GF()",
    "GF(-7)",
)


def _deep(v, depth):
    for _ in range(depth):
        v = [v]
    return v


def weird_values(v):
    """Replacements for a value: floats, booleans, non-numbers, huge and malformed numbers."""
    out = [
        0.5,
        1.0,
        -0.0,
        True,
        False,
        None,
        "abc",
        "",
        "1/0",
        "1.5",
        "+1",
        " 1",
        "1 ",
        "١",
        "1_000",
        "0x10",
        "1e3",
        "--1",
        "1/-2",
        "1/2/3",
        "NaN",
        10**40,
        -(10**40),
        "7" * 5000,
        "1/" + "3" * 5000,
        [],
        {},
        [v],
        _deep(v, 50),
        {"value": v},
    ]
    if type(v) is int:
        out += [float(v), str(v), v + 10**30]
    if isinstance(v, str) and len(v) < 100 and _is_rational_text(v):
        out += [float(Fraction(v))] + ([int(v)] if "/" not in v else [])
    return out


def json_paths(obj, path=()):
    """Every (path, value) of a JSON tree, outside "provenance" (which nobody trusts)."""
    yield path, obj
    if isinstance(obj, dict):
        for key, value in obj.items():
            if path == () and key == "provenance":
                continue
            yield from json_paths(value, path + (key,))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from json_paths(value, path + (i,))


def get_at(obj, path):
    for key in path:
        obj = obj[key]
    return obj


def set_at(obj, path, value):
    get_at(obj, path[:-1])[path[-1]] = value


def is_number_leaf(v) -> bool:
    return (type(v) is int) or (isinstance(v, str) and len(v) < 200 and _is_rational_text(v))


def _is_rational_text(text):
    try:
        Fraction(text)
    except (ValueError, ZeroDivisionError):
        return False
    return all(ch in "-/0123456789" for ch in text)


def _as_number(q: Fraction, as_string: bool):
    if q.denominator == 1 and not as_string:
        return int(q)
    return str(q)


@st.composite
def numeric_changes(draw, v):
    q = Fraction(v) if type(v) is int else Fraction(v)
    new = draw(
        st.sampled_from(
            [q + 1, q - 1, -q, Fraction(0), 2 * q, q + Fraction(1, 7), q / 3, q + 2**64, q - 2]
        )
        | rationals()
    )
    return _as_number(new, as_string=draw(st.booleans()) and type(v) is str)


def _paths(cert, where=lambda path, v: True):
    return [(p, v) for p, v in json_paths(cert) if p and where(p, v)]


def _pick(draw, choices):
    if not choices:
        return None
    return draw(st.sampled_from(choices))


def mut_r(draw, cert):
    claim = cert.get("claim")
    if not isinstance(claim, dict) or type(claim.get("r")) is not int:
        return None
    r = claim["r"]
    claim["r"] = draw(st.sampled_from([r + 1, r - 1, r + 2, r - 2, r + 5, -1, 10**30, 2**63]))
    return f"r {r} -> {claim['r']}"


def mut_kind(draw, cert):
    claim = cert.get("claim")
    if not isinstance(claim, dict):
        return None
    old = claim.get("kind")
    claim["kind"] = draw(st.sampled_from(["ge", "le", "eq", "gt", "EQ", "=", ""]))
    return f"kind {old!r} -> {claim['kind']!r}"


def mut_field(draw, cert):
    claim = cert.get("claim")
    if not isinstance(claim, dict):
        return None
    old = claim.get("field")
    new = draw(
        st.sampled_from(PRIMES).map(lambda p: f"GF({p})")
        | st.sampled_from(NOT_FIELDS).map(lambda p: f"GF({p})")
        | st.just("QQ")
        | st.sampled_from(FIELD_SPELLINGS)
    )
    claim["field"] = new
    return f"field {old!r} -> {new!r}"


def mut_modes(draw, cert):
    claim = cert.get("claim")
    if not isinstance(claim, dict):
        return None
    rows, cols = claim.get("row_modes"), claim.get("col_modes")
    if not isinstance(rows, list) or not isinstance(cols, list):
        return None
    op = draw(
        st.sampled_from(
            [
                "swap-one",
                "move",
                "reverse",
                "swap-sides",
                "repeat",
                "oob",
                "drop",
                "negative",
                "rotate",
            ]
        )
    )
    if op == "swap-one" and rows and cols:
        i, j = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(cols) - 1))
        rows[i], cols[j] = cols[j], rows[i]
    elif op == "move" and rows:
        cols.append(rows.pop(draw(st.integers(0, len(rows) - 1))))
    elif op == "reverse":
        rows.reverse()
    elif op == "rotate" and cols:
        cols.append(cols.pop(0))
    elif op == "swap-sides":
        claim["row_modes"], claim["col_modes"] = cols, rows
    elif op == "repeat" and rows:
        rows.append(rows[0])
    elif op == "oob":
        rows.append(len(rows) + len(cols))
    elif op == "drop" and cols:
        cols.pop()
    elif op == "negative":
        rows.append(-1)
    else:
        return None
    return f"modes {op}: {claim['row_modes']} | {claim['col_modes']}"


def _witness_part(cert, *keys):
    obj = cert.get("witness")
    for key in keys:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def mut_transpose(draw, cert):
    """Transpose the matricization consistently: the minor stays a minor of the transpose."""
    claim, minor = cert.get("claim"), _witness_part(cert, "minor")
    if not isinstance(claim, dict) or not isinstance(minor, dict):
        return None
    claim["row_modes"], claim["col_modes"] = claim.get("col_modes"), claim.get("row_modes")
    minor["rows"], minor["cols"] = minor.get("cols"), minor.get("rows")
    return "transpose"


def mut_minor(draw, cert):
    minor = _witness_part(cert, "minor")
    if not isinstance(minor, dict):
        return None
    side = draw(st.sampled_from(["rows", "cols"]))
    idx = minor.get(side)
    if not isinstance(idx, list):
        return None
    op = draw(
        st.sampled_from(
            ["set", "swap", "repeat", "permute", "negative", "oob", "drop", "append", "cross"]
        )
    )
    if op == "set" and idx:
        k = draw(st.integers(0, len(idx) - 1))
        idx[k] = draw(st.integers(0, max([i for i in idx if type(i) is int] + [0]) + 3))
    elif op == "swap" and len(idx) >= 2:
        a, b = draw(st.permutations(range(len(idx))))[:2]
        idx[a], idx[b] = idx[b], idx[a]
    elif op == "repeat" and len(idx) >= 2:
        idx[-1] = idx[0]
    elif op == "permute":
        minor[side] = draw(st.permutations(idx))
    elif op == "negative" and idx:
        idx[0] = -1 - idx[0] if type(idx[0]) is int else -1
    elif op == "oob" and idx:
        idx[-1] = 10**6
    elif op == "drop" and idx:
        idx.pop()
    elif op == "append":
        idx.append(draw(st.integers(0, 30)))
    elif op == "cross" and idx and isinstance(minor.get("rows"), list) and minor["rows"]:
        other = minor.get("cols" if side == "rows" else "rows")
        if isinstance(other, list) and other:
            idx[0] = other[0]
    else:
        return None
    return f"minor {side} {op}: {minor.get(side)}"


def mut_grow_T(draw, cert):
    """One more step of a shared-cores RNN, its mode appended to the rows or the columns:
    a well-formed certificate about another tensor (true or not)."""
    claim = cert.get("claim")
    tensor = cert.get("tensor")
    model = tensor.get("model") if isinstance(tensor, dict) else None
    if not (isinstance(claim, dict) and isinstance(model, dict) and model.get("shared") is True):
        return None
    T = model.get("T")
    side = draw(st.sampled_from(["row_modes", "col_modes"]))
    if type(T) is not int or not isinstance(claim.get(side), list):
        return None
    model["T"] = T + 1
    claim[side].insert(draw(st.integers(0, len(claim[side]))), T)
    return f"T {T} -> {T + 1}, mode {T} in {side}"


def mut_shrink(draw, cert):
    """r - 1 with the k-th row and column of the minor left out (often still a proof)."""
    claim, minor = cert.get("claim"), _witness_part(cert, "minor")
    if not isinstance(claim, dict) or not isinstance(minor, dict):
        return None
    rows, cols, r = minor.get("rows"), minor.get("cols"), claim.get("r")
    if not (isinstance(rows, list) and isinstance(cols, list) and rows and cols):
        return None
    if type(r) is not int:
        return None
    k = draw(st.integers(0, min(len(rows), len(cols)) - 1))
    rows.pop(k)
    cols.pop(k)
    claim["r"] = r - 1
    return f"shrink minor at {k}"


def mut_basis(draw, cert):
    basis = _witness_part(cert, "basis")
    if not isinstance(basis, dict):
        return None
    brows, coeffs = basis.get("rows"), basis.get("coefficients")
    op = draw(
        st.sampled_from(
            [
                "row",
                "swap-rows",
                "i",
                "k",
                "c",
                "drop-item",
                "dup-item",
                "drop-pair",
                "zero-pair",
                "swap-items",
                "basis-row-item",
            ]
        )
    )
    if op == "row" and isinstance(brows, list) and brows:
        k = draw(st.integers(0, len(brows) - 1))
        brows[k] = draw(st.integers(0, 12))
    elif op == "swap-rows" and isinstance(brows, list) and len(brows) >= 2:
        brows[0], brows[1] = brows[1], brows[0]
    elif not isinstance(coeffs, list) or not coeffs:
        return None
    elif op == "i":
        item = draw(st.sampled_from(coeffs))
        if isinstance(item, list) and item:
            item[0] = draw(st.integers(-1, 12))
    elif op == "k":
        pairs = [
            p
            for item in coeffs
            if isinstance(item, list) and len(item) == 2 and isinstance(item[1], list)
            for p in item[1]
        ]
        pair = _pick(draw, [p for p in pairs if isinstance(p, list) and p])
        if pair is None:
            return None
        pair[0] = draw(st.integers(-1, 4))
    elif op == "c":
        pairs = [
            p
            for item in coeffs
            if isinstance(item, list) and len(item) == 2 and isinstance(item[1], list)
            for p in item[1]
        ]
        pair = _pick(
            draw, [p for p in pairs if isinstance(p, list) and len(p) == 2 and is_number_leaf(p[1])]
        )
        if pair is None:
            return None
        pair[1] = draw(numeric_changes(pair[1]))
    elif op == "drop-item":
        coeffs.pop(draw(st.integers(0, len(coeffs) - 1)))
    elif op == "dup-item":
        coeffs.append(json_copy(draw(st.sampled_from(coeffs))))
    elif op == "swap-items" and len(coeffs) >= 2:
        a, b = coeffs[0], coeffs[1]
        if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) == 2:
            a[1], b[1] = b[1], a[1]
    elif op in ("drop-pair", "zero-pair"):
        item = draw(st.sampled_from(coeffs))
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], list)):
            return None
        if op == "drop-pair" and item[1]:
            item[1].pop()
        elif op == "zero-pair" and isinstance(brows, list) and brows:
            item[1].append([draw(st.integers(0, len(brows) - 1)), 0])
        else:
            return None
    elif op == "basis-row-item" and isinstance(brows, list) and brows:
        coeffs.append([brows[0], [[0, 1]]])
    else:
        return None
    return f"basis {op}"


def mut_tensor_number(draw, cert):
    choices = _paths(
        cert,
        lambda p, v: p[0] == "tensor" and is_number_leaf(v) and p[-1] not in ("version", "M", "T"),
    )
    picked = _pick(draw, choices)
    if picked is None:
        return None
    path, v = picked
    set_at(cert, path, draw(numeric_changes(v)))
    return f"tensor number at {path}: {v!r} -> {get_at(cert, path)!r}"


def mut_model_key(draw, cert):
    model = cert.get("tensor", {}).get("model") if isinstance(cert.get("tensor"), dict) else None
    if not isinstance(model, dict):
        return None
    op = draw(st.sampled_from(["xi", "kind", "shared", "M", "T", "F", "format", "version"]))
    if op == "xi":
        model["xi"] = draw(st.sampled_from(["product", "relu", "sum", "softplus", "l2", "tanh"]))
    elif op == "kind":
        model["kind"] = draw(st.sampled_from(["generalized-rnn", "generalized-shallow", "lstm"]))
    elif op == "shared":
        model["shared"] = draw(st.sampled_from([True, False, 1, "yes"]))
    elif op in ("M", "T"):
        v = model.get(op)
        model[op] = (
            draw(st.sampled_from([2, 3, 40, 0, 10**30]))
            if type(v) is not int
            else (v + draw(st.sampled_from([1, -1, 10**30])))
        )
    elif op == "F":
        if "F" in model and draw(st.booleans()):
            del model["F"]
        else:
            M = model.get("M") if type(model.get("M")) is int and 0 < model.get("M") < 5 else 2
            model["F"] = [[draw(st.integers(-2, 2)) for _ in range(M)] for _ in range(M)]
    elif op == "format":
        model["format"] = "exactrank-certificate"
    else:
        model["version"] = draw(st.sampled_from([2, True, "1", 1.0, 0]))
    return f"model {op} -> {model.get(op, '<absent>')!r:.80}"


def mut_any_number(draw, cert):
    picked = _pick(draw, _paths(cert, lambda p, v: is_number_leaf(v)))
    if picked is None:
        return None
    path, v = picked
    set_at(cert, path, draw(numeric_changes(v)))
    return f"number at {path}: {v!r} -> {get_at(cert, path)!r}"


def mut_type(draw, cert):
    picked = _pick(draw, _paths(cert))
    if picked is None:
        return None
    path, v = picked
    new = draw(st.sampled_from(weird_values(v)))
    set_at(cert, path, new)
    return f"type at {path}: {type(v).__name__} -> {type(new).__name__} {str(new)[:40]!r}"


def mut_drop_key(draw, cert):
    picked = _pick(draw, [(p, v) for p, v in json_paths(cert) if isinstance(v, dict) and v])
    if picked is None:
        return None
    path, d = picked
    keys = [k for k in d if not (path == () and k == "provenance")]
    if not keys:
        return None
    key = draw(st.sampled_from(sorted(keys)))
    del d[key]
    return f"drop key {path + (key,)}"


def mut_list(draw, cert):
    picked = _pick(draw, [(p, v) for p, v in json_paths(cert) if isinstance(v, list)])
    if picked is None:
        return None
    path, lst = picked
    op = draw(st.sampled_from(["drop", "dup", "append-copy", "swap", "empty", "reverse"]))
    if op == "drop" and lst:
        lst.pop(draw(st.integers(0, len(lst) - 1)))
    elif op == "dup" and lst:
        k = draw(st.integers(0, len(lst) - 1))
        lst.insert(k, json_copy(lst[k]))
    elif op == "append-copy" and lst:
        lst.append(json_copy(lst[-1]))
    elif op == "swap" and len(lst) >= 2:
        a, b = draw(st.permutations(range(len(lst))))[:2]
        lst[a], lst[b] = lst[b], lst[a]
    elif op == "empty" and lst:
        lst.clear()
    elif op == "reverse" and len(lst) >= 2:
        lst.reverse()
    else:
        return None
    return f"list {op} at {path}"


def mut_extra(draw, cert):
    """An extra key: the contract says extra keys are ignored."""
    picked = _pick(draw, [(p, v) for p, v in json_paths(cert) if isinstance(v, dict)])
    if picked is None:
        return None
    path, d = picked
    d["x-extra"] = draw(st.sampled_from([1, "note", None, 0.5, [1, 2], {"r": 99}]))
    return f"extra key at {path}"


def mut_header(draw, cert):
    op = draw(st.sampled_from(["format", "version", "claim", "tensor", "witness"]))
    if op == "format":
        cert["format"] = draw(
            st.sampled_from(["exactrank-model", "", None, "EXACTRANK-CERTIFICATE"])
        )
    elif op == "version":
        cert["version"] = draw(st.sampled_from([2, 0, True, "1", 1.0, None, [1]]))
    else:
        cert[op] = draw(st.sampled_from([None, [], "x", 1]))
    return f"header {op}"


# weights: the targeted mutations come up more often than the generic ones
MUTATIONS = (
    [mut_r] * 3
    + [mut_kind] * 2
    + [mut_field] * 3
    + [mut_modes] * 2
    + [mut_transpose]
    + [mut_minor] * 3
    + [mut_shrink] * 2
    + [mut_grow_T]
    + [mut_basis] * 3
    + [mut_tensor_number] * 3
    + [mut_model_key] * 2
    + [mut_any_number] * 2
    + [mut_type] * 3
    + [mut_drop_key] * 2
    + [mut_list] * 2
    + [mut_extra]
    + [mut_header]
)


def json_copy(obj):
    if isinstance(obj, dict):
        return {k: json_copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [json_copy(v) for v in obj]
    return obj


@st.composite
def tampered(draw, cert, max_mutations=3):
    """A copy of ``cert`` with 1 … max_mutations mutations, and what was done."""
    out = json_copy(cert)
    done = []
    for _ in range(draw(st.integers(1, max_mutations))):
        mutation = draw(st.sampled_from(MUTATIONS))
        what = mutation(draw, out)
        if what is not None:
            done.append(what)
        if not isinstance(out, dict):
            break
    return out, done
