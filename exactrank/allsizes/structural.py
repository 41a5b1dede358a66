"""All-sizes rank proofs: family identity, rank by rules, comparison with a formula (issue 14).

:func:`prove_rank_formula` chains the three parts for a
:class:`~exactrank.allsizes.automaton.BlockFamily` whose blocks carry one letter: the identity
A_n = Σ_k Pre_k ⊗ X_k^{⊗n} ⊗ Post_k proven by induction (:mod:`.identity`), its rank derived
by the rules of :mod:`.rules` (one term: the Kronecker rule; two terms, one of rank one in
every factor: the rank-one update rule), and the derived sympy expression compared with the
given formula: they must agree at every n >= 1, decided exactly by :mod:`.sequences`. Any
failing step raises :class:`~exactrank.allsizes.identity.ProofStepFailed` or
:class:`~exactrank.allsizes.rules.RuleRefused`, naming the step. Formulas from files are
parsed by :func:`parse_formula`, which accepts integers, the symbols n, T, M, R, r_0,
+ − * / ** and parentheses only.

It implements no paper result: the families it proves formulas for come from :mod:`.families`, which
cites them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from .automaton import BlockFamily
from .identity import Identity, ProofStepFailed, prove_identity
from .rules import RankStep, RuleRefused, kronecker_rank, matrix_rank, n, rank_one_update
from .sequences import first_difference

SYMBOLS = {"n": n, "T": sympy.Symbol("T", integer=True, positive=True)}
SYMBOLS.update(
    {name: sympy.Symbol(name, integer=True, positive=True) for name in ("M", "R", "r_0")}
)
_FORMULA = re.compile(r"[0-9nTMRr_ +\-*/()]{1,200}")
MAX_EXPONENT = 64  # a constant power in a formula from a file: at most this exponent
MAX_SYMBOLIC_EXPONENT = 8  # a constant power of an expression in n, T, M, R, r_0
MAX_BITS = 1 << 16  # a constant power in a formula: at most this many bits


@dataclass(frozen=True)
class RankProof:
    """A formula proven for every n >= 1: the identity, the rank step, the formula."""

    identity: Identity
    step: RankStep
    formula: sympy.Expr

    def describe(self) -> str:
        return f"rank = {self.formula} for every n >= 1 ({self.step.rule}: {self.step.reason})"


def parse_formula(text) -> sympy.Expr:
    """A formula of a certificate as a sympy expression, refusing anything else: names other
    than n, T, M, R, r_0; a division by 0 or by an expression in them that may be 0 (0/0
    would be cancelled); a power in the symbols whose base may be 0 unless its exponent is
    >= 1 for every n (0·0^(-1), 0^0); a constant exponent that is not an integer of at most
    MAX_EXPONENT, or past MAX_SYMBOLIC_EXPONENT on an expression in the symbols; an exponent
    in the symbols that is not linear with rational coefficients of at most MAX_EXPONENT (no
    towers); a constant power of a constant power. The checks run node by node while the
    parsed tree is evaluated from its leaves, so nothing large is computed before it is
    checked."""
    if not isinstance(text, str) or not _FORMULA.fullmatch(text):
        raise ProofStepFailed(
            f"formula: expected integers, n, T, M, R, r_0, + - * / ** and parentheses "
            f"(at most 200 characters), got {str(text)[:60]!r}"
        )
    try:
        raw = sympy.parse_expr(text, local_dict=dict(SYMBOLS), global_dict=_GLOBALS, evaluate=False)
    except (SyntaxError, TypeError, ValueError, NameError, TokenError) as exc:
        raise ProofStepFailed(f"formula: cannot parse {text!r} ({exc})") from None
    unknown = sorted(str(s) for s in raw.free_symbols - set(SYMBOLS.values()))
    if unknown or not isinstance(raw, sympy.Expr):
        raise ProofStepFailed(
            f"formula: expected integers, n, T, M, R, r_0, + - * / ** and parentheses, got "
            f"the name {unknown[0] if unknown else text[:40]!r}"
        )
    expr = _evaluate(raw)
    for power in expr.atoms(sympy.Pow):  # again once evaluated: n**64*n**64 is n**128
        _check_power(*power.args, power.args[1])
        base, exponent = power.args
        if base.free_symbols and exponent.is_number and exponent > MAX_SYMBOLIC_EXPONENT:
            raise ProofStepFailed(
                f"formula: an expression in the symbols raised to {exponent} is refused (at "
                f"most {MAX_SYMBOLIC_EXPONENT})"
            )
    return expr


def _evaluate(expr: sympy.Expr) -> sympy.Expr:
    """expr evaluated from its leaves, each power checked (:func:`_check_power`) before it
    is computed."""
    if not expr.args:
        return expr
    args = [_evaluate(a) for a in expr.args]
    if isinstance(expr, sympy.Pow):
        _check_power(args[0], args[1], expr.args[1], expr.args[0])
    return expr.func(*args)


def _check_power(base: sympy.Expr, exponent: sympy.Expr, written, written_base=None) -> None:
    """One power base**exponent (``written``, ``written_base``: as parsed, before evaluation
    turned (64**64) into one large integer)."""
    if exponent.is_number:
        if not (isinstance(exponent, sympy.Integer) and abs(exponent) <= MAX_EXPONENT):
            raise ProofStepFailed(
                f"formula: a constant exponent must be an integer of at most {MAX_EXPONENT}, "
                f"got {_short(written)}"
            )
        powers = base.atoms(sympy.Pow) | sympy.sympify(written_base or 0).atoms(sympy.Pow)
        if abs(exponent) > 1 and any(p.args[1].is_number and abs(p.args[1]) > 1 for p in powers):
            raise ProofStepFailed(
                f"formula: a power of a power, ({_short(written_base or base)})**{exponent}"
            )
        if base.is_Rational and _bits(base) * abs(exponent) > MAX_BITS:
            raise ProofStepFailed(f"formula: a constant power past {MAX_BITS} bits is refused")
        if exponent < 0 and base.is_zero is not False:
            raise ProofStepFailed(
                f"formula: a division by {_short(base)} is refused (it may be 0 at some n)"
            )
        return
    symbols = sorted(exponent.free_symbols, key=str)
    poly = sympy.Poly(exponent, *symbols) if exponent.is_polynomial(*symbols) else None
    if (
        poly is None
        or poly.total_degree() > 1
        or any(not c.is_Rational or max(abs(c.p), c.q) > MAX_EXPONENT for c in poly.coeffs())
    ):
        raise ProofStepFailed(
            f"formula: an exponent must be linear in n, T, M, R, r_0 with coefficients of at "
            f"most {MAX_EXPONENT}, got {_short(written)}"
        )
    if base.is_zero is not False and (exponent - 1).is_nonnegative is not True:
        raise ProofStepFailed(
            f"formula: ({_short(base)})**({_short(written)}) is refused: the base may be 0 "
            "and the exponent below 1 at some n (0**0, 0**(-1) would be cancelled)"
        )


def _bits(x: sympy.Rational) -> int:
    return max(abs(int(x.p)).bit_length(), int(x.q).bit_length())


def _short(expr, limit: int = 60) -> str:
    text = str(expr) if not (expr.is_Integer and abs(expr) > 10**limit) else "a large integer"
    return text if len(text) <= limit else text[:limit] + " …"


_GLOBALS = {
    name: getattr(sympy, name) for name in ("Integer", "Symbol", "Rational", "Add", "Mul", "Pow")
}
TokenError = getattr(sympy.parsing.sympy_parser, "TokenError", SyntaxError)


def derive_rank(terms) -> RankStep:
    """The rank of Σ_k c_k Pre_k ⊗ X_k^{⊗n} ⊗ Post_k by the rules (zero terms dropped)."""
    live = [t for t in terms if not t.is_zero()]
    if not live:
        return RankStep("zero", sympy.Integer(0), "every term is zero")
    if len(live) == 1:
        return kronecker_rank(live[0])
    if len(live) == 2:
        for B, U in (live, live[::-1]):
            if all(matrix_rank(F) == 1 for F in U.factors):
                return rank_one_update(B, U)
        raise RuleRefused("rank_one_update: neither term has rank one in every factor")
    raise RuleRefused(f"no rule for a sum of {len(live)} Kronecker terms")


def compare(derived: sympy.Expr, formula: sympy.Expr, substitutions=None) -> None:
    """derived = formula identically in n (after the substitutions, e.g. T = 2n), or
    :class:`ProofStepFailed` naming the first n where they differ when one is found."""
    formula = sympy.sympify(formula).subs(substitutions or {})
    try:
        first = first_difference(derived, formula)
        if first is None:
            return
        why = f"they differ at n = {first}"
    except ProofStepFailed as exc:  # not decided: still name an n where they differ, if any
        first = next((k for k in range(1, 65) if _nonzero((derived - formula).subs(n, k))), None)
        why = f"they differ at n = {first}" if first else f"not decided: {exc}"
    raise ProofStepFailed(f"formula: the rules give {derived}, the formula is {formula}; {why}")


def _nonzero(value: sympy.Expr) -> bool:
    return bool(value.is_number and value != 0)


def prove_rank_formula(family: BlockFamily, formula, witness=None) -> RankProof:
    """Prove rank(A_n) = formula for every n >= 1 (see the module docstring); ``formula``
    is a sympy expression in n, or in T (the number of steps at size n), and ``witness``
    the identity's terms (default: the family's own)."""
    if family.letters != 1 or len(family.first) != 1 or len(family.last) != 1:
        raise ProofStepFailed("rank formulas are proven for families of one letter only")
    identity = prove_identity(family, witness)
    step = derive_rank(identity.kronecker_terms())
    formula = sympy.sympify(formula).subs({SYMBOLS["T"]: family.length(n)})
    compare(step.rank, formula)
    return RankProof(identity, step, formula)
