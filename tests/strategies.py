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
