"""Sums over indices of expressions in Kronecker deltas, with symbolic bounds (sympy).

The symbolic proof of seed 001, Lemma A.2 (:mod:`.symbolic`) runs the network's recursion
(eq. 16) on cores whose entries are functions of their indices (1 − δ_im, δ_ij, …). Two kinds of
step turn those sums into closed forms, and each is derived here rather than written by hand:

- :func:`on_deltas`: an expression whose only dependence on the indices is through Kronecker
  deltas (e.g. max(1 − δ_jb, 1 − δ_ja, 0), relu of deltas) is a function of the deltas' 0/1
  values, so it equals the multilinear polynomial interpolating it on {0, 1}^m; the 2^m values
  are computed exactly (an exhaustive check; an assignment that is not consistent, such as
  δ_ja = δ_jb = 1 with δ_ab = 0, only adds a point the polynomial also matches), and a value
  that is not decided by the deltas alone is refused;
- :func:`range_sum`: Σ_{j=lo}^{hi} of an expression with Piecewise conditions in j (the ones
  sympy's delta summation leaves, e.g. "j <= M − 1" after collapsing Σ_i δ_ij f(i)): on the
  range, j = lo + t or hi − t with t >= 0, and every condition must then be decided by sympy
  (else refused); the summand, put on deltas, is summed by sympy's delta summation.

It implements no paper result: it serves the proof of Lemma A.2 in :mod:`.symbolic`.
"""

from __future__ import annotations

import itertools

import sympy

from .identity import ProofStepFailed

t = sympy.Symbol("t", integer=True, nonnegative=True)  # the offset into a summation range


def on_deltas(expr: sympy.Expr) -> sympy.Expr:
    """The multilinear polynomial in expr's Kronecker deltas that equals expr on every 0/1
    assignment of them (computed exactly on all 2^m), or :class:`ProofStepFailed` when a value
    still holds a max, a min or a Piecewise (the deltas do not decide it)."""
    deltas = sorted(expr.atoms(sympy.KroneckerDelta), key=str)
    xs = sympy.symbols(f"x0:{len(deltas)}")
    f = sympy.sympify(expr).xreplace(dict(zip(deltas, xs, strict=True)))
    poly = sympy.Integer(0)
    for values in itertools.product((0, 1), repeat=len(xs)):
        value = f.subs(dict(zip(xs, values, strict=True)))
        if value.has(sympy.Max, sympy.Min, sympy.Piecewise):
            raise ProofStepFailed(
                f"deltas: {_short(expr)} is not decided by its Kronecker deltas (at {values}: "
                f"{_short(value)})"
            )
        corner = sympy.Mul(*(x if v else 1 - x for x, v in zip(xs, values, strict=True)))
        poly += value * corner
    return sympy.expand(poly).xreplace(dict(zip(xs, deltas, strict=True)))


def range_sum(expr: sympy.Expr, j: sympy.Symbol, lo, hi, from_top: bool = True) -> sympy.Expr:
    """Σ_{j=lo}^{hi} expr for symbolic bounds: j written as hi − t (or lo + t) with t >= 0 so
    that sympy decides each Piecewise condition on the whole range, then the summand on its
    deltas (:func:`on_deltas`) summed by sympy; refused when a condition stays undecided."""
    offset = hi - t if from_top else lo + t
    decided = sympy.sympify(expr).subs(j, offset)
    if decided.has(sympy.Piecewise):
        raise ProofStepFailed(
            f"deltas: a condition is not decided on {j} = {lo} … {hi}: {_short(decided)}"
        )
    summand = decided.subs(t, hi - j if from_top else j - lo)
    return sympy.Sum(on_deltas(summand), (j, lo, hi)).doit()


def _short(expr, limit: int = 160) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[:limit] + " …"
