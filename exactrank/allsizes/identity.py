"""The family identity of a :class:`~exactrank.allsizes.automaton.BlockFamily`, for every n.

Claim (issue 14, point 1): the matricization of the grid at size n is

    A_n = Σ_k Pre_k(ℓ_first) ⊗ X_k(ℓ_1) ⊗ … ⊗ X_k(ℓ_n) ⊗ Post_k(ℓ_last)

for fixed exact matrices X_k (one per letter), Pre_k and Post_k. Proof by induction over the
network's own recursion (point 2): let S_n^(s) be the 0/1 matrix of the inputs that lead to
state s after the first part and n blocks. Then S_0^(s) is the first part's table from the
unit state, S_{n+1}^(s') = Σ_s S_n^(s) ⊗ P_ℓ(s → s'), and A_n = Σ_s S_n^(s) ⊗ O(s), O(s)
the last part's output from s. The witness gives a coefficient c_{s,k} per state and term;
the induction hypothesis S_n^(s) = Σ_k c_{s,k} Pre_k ⊗ X_k ⊗ … ⊗ X_k then follows for all n
from two finite exact checks over the (finitely many, closed) reachable states:

- base:  Σ_k c_{s,k} Pre_k(ℓ) = S_0^(s)                  for every letter ℓ and state s;
- step:  Σ_s c_{s,k} P_ℓ(s → s') = c_{s',k} X_k(ℓ)       for every letter ℓ, term k, state s';

and Post_k(ℓ) = Σ_s c_{s,k} O_ℓ(s) is computed. For seed 001, Lemma A.2 (states 0 and 1
after each pair; X = J with c = (0, 1) and X = E with c = (1, −1)) this gives A_n = J − E^{⊗n}.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..numbers.domains import to_fraction
from .automaton import BlockFamily, first_tables, output_tables, reachable_states, transition_tables
from .rules import AllSizesError, KroneckerTerm, exact_matrix


class ProofStepFailed(AllSizesError):
    """A step of an all-sizes proof that does not hold; the message names the step."""


@dataclass(frozen=True)
class IdentityTerm:
    """Term k of the identity: X_k per letter, Pre_k per first letter (None: the 1 × 1
    matrix [1], for a family without a first part) and c_{s,k} per state (absent: 0)."""

    name: str
    base: tuple
    weights: dict
    pre: tuple | None = None

    def __post_init__(self):
        object.__setattr__(
            self, "base", tuple(exact_matrix(X, f"{self.name}.base") for X in self.base)
        )
        if self.pre is not None:
            pre = tuple(exact_matrix(X, f"{self.name}.pre") for X in self.pre)
            object.__setattr__(self, "pre", pre)
        weights = {
            tuple(to_fraction(v, f"{self.name}.weights (a state)") for v in s): to_fraction(
                c, f"{self.name}.weights"
            )
            for s, c in dict(self.weights).items()
        }
        object.__setattr__(self, "weights", weights)

    def weight(self, state) -> Fraction:
        return self.weights.get(state, Fraction(0))


@dataclass(frozen=True)
class Identity:
    """A proven identity: the states, and per term its factors for each letter."""

    states: tuple
    terms: tuple  # of IdentityTerm
    post: tuple  # post[k][ℓ]: Post_k(ℓ)

    def kronecker_terms(self, first=0, letter=0, last=0) -> list[KroneckerTerm]:
        """The terms for a word whose blocks all carry ``letter``: c · Pre ⊗ X^{⊗n} ⊗ Post."""
        return [
            KroneckerTerm(1, pre_factor(term, first), term.base[letter], self.post[k][last])
            for k, term in enumerate(self.terms)
        ]


def pre_factor(term: IdentityTerm, letter: int) -> tuple:
    """Pre_k for the first letter ``letter`` ([[1]] when the term has none)."""
    return ((Fraction(1),),) if term.pre is None else term.pre[letter]


def _as_array(X) -> np.ndarray:
    return np.array([list(row) for row in X], dtype=object)


def prove_identity(family: BlockFamily, terms=None) -> Identity:
    """Check the base case and the inductive step above exactly for ``terms`` (default: the
    family's witness); raise :class:`ProofStepFailed` at the first that fails, naming it."""
    terms = tuple(family.witness if terms is None else terms)
    if not terms:
        raise ProofStepFailed("witness: the family states no identity (no terms)")
    _, states = reachable_states(family)
    unknown = [s for t in terms for s in t.weights if s not in states]
    if unknown:
        raise ProofStepFailed(f"witness: the state {_show(unknown[0])} is not reachable")
    for t in terms:
        if len(t.base) != family.letters:
            raise ProofStepFailed(
                f"witness: term {t.name} has {len(t.base)} letters, not {family.letters}"
            )
    _check_shapes(family, terms)
    start = first_tables(family)
    for letter in range(len(family.first)):
        for s in states:
            got = _sum([(t.weight(s), _as_array(pre_factor(t, letter))) for t in terms])
            want = start.get((letter, _unit(start, letter), s))
            if not _equal(got, want):
                raise ProofStepFailed(
                    f"base case: the inputs reaching state {_show(s)} after the first part "
                    f"(letter {letter}) are not Σ_k c_(s,k) Pre_k"
                )
    steps = transition_tables(family, states)
    for letter in range(family.letters):
        for k, t in enumerate(terms):
            for target in states:
                got = _sum(
                    [
                        (t.weight(s), steps[(letter, s, target)])
                        for s in states
                        if (letter, s, target) in steps
                    ]
                )
                want = _as_array(t.base[letter]) * t.weight(target)
                if not _equal(got, want):
                    raise ProofStepFailed(
                        f"inductive step: term {t.name} ({k}), letter {letter}, state "
                        f"{_show(target)}: Σ_s c_(s,k) P(s → s') ≠ c_(s',k) X_k"
                    )
    outputs = output_tables(family, states)
    post = tuple(
        tuple(
            _rows(
                _sum([(t.weight(s), outputs[(letter, s)]) for s in states]),
                outputs[(letter, states[0])],
            )
            for letter in range(len(family.last))
        )
        for t in terms
    )
    return Identity(states, terms, post)


def _check_shapes(family: BlockFamily, terms) -> None:
    """Every Pre_k is shaped like the first part's tables and every X_k like the block's, one
    per letter (numpy would broadcast a factor of the wrong shape into a false identity)."""
    parts = {"first": (family.first, family.rows[0]), "block": (family.block, family.rows[1])}
    for name, (part, rows) in parts.items():
        want = (family.M ** len(rows), family.M ** (len(part[0]) - len(rows)))
        for t in terms:
            if name == "block":
                factors = list(t.base)
            else:
                factors = [((Fraction(1),),)] * len(part) if t.pre is None else list(t.pre)
            if len(factors) != len(part):
                raise ProofStepFailed(
                    f"witness: term {t.name} has {len(factors)} factors for the {name} part, "
                    f"not one per letter ({len(part)})"
                )
            for X in factors:
                if (len(X), len(X[0])) != want:
                    raise ProofStepFailed(
                        f"witness: term {t.name}: a factor for the {name} part has shape "
                        f"{len(X)} × {len(X[0])}, its inputs give {want[0]} × {want[1]}"
                    )


def _rows(total, like: np.ndarray) -> tuple:
    """A matrix as a tuple of rows of Fractions (None: the zero matrix shaped like ``like``)."""
    total = like * 0 if total is None else total
    return tuple(tuple(Fraction(v) for v in row) for row in total)


def _unit(tables: dict, letter: int):
    return next(s for (ell, s, _) in tables if ell == letter)


def _sum(pairs):
    total = None
    for c, X in pairs:
        if c == 0:
            continue
        total = X * c if total is None else total + X * c
    return total


def _equal(a, b) -> bool:
    """Exact equality of two matrices, None meaning the zero matrix."""
    if a is None and b is None:
        return True
    if a is None or b is None:
        return not np.any((a if a is not None else b) != 0)
    return a.shape == b.shape and bool(np.all(a == b))


def _show(state) -> str:
    return "(" + ", ".join(str(v) for v in state) + ")"
