"""RNN families indexed by a size n, and their finitely many reachable hidden states.

A :class:`BlockFamily` is a generalized RNN (seed 001, eq. 16–17) made of a fixed first part,
n repetitions of a block of p steps, and a fixed last part; each part may depend on a
*letter* (Lemma 5.2's target index j_t): the network at size n for the word
(ℓ_first, ℓ_1, …, ℓ_n, ℓ_last) runs first[ℓ_first], block[ℓ_1], …, block[ℓ_n], last[ℓ_last].
Its grid at every n is decided by a finite automaton when the hidden states the network can
reach are finitely many: :func:`reachable_states` computes them exactly and checks that the
set is closed under one more block, the finite check on which the induction over n rests
(issue 14, point 2). :func:`transition_tables` gives, for each pair of states (s, s'), the
0/1 matrix P_ℓ(s → s') over the block's inputs (rows: the block positions in ``rows``, in
C order; columns: the others), so that the matricization of the grid is a sum over paths of
Kronecker products of these tables.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import InvalidInputError
from ..models import GeneralizedRNN
from ..models.operators import get_xi
from .rules import AllSizesError

MAX_STATES = 64  # a family whose reachable states exceed this is refused, not enumerated


class FamilyError(AllSizesError):
    """A family whose states are not finitely many (within MAX_STATES), or malformed."""


@dataclass(frozen=True)
class BlockFamily:
    """first, block and last: for each letter, a tuple of (C, G) steps (exact arrays);
    ``rows``: the positions of each part that are row modes of the matricization;
    ``witness``: the terms of its identity (:class:`~exactrank.allsizes.identity.IdentityTerm`),
    which :func:`~exactrank.allsizes.identity.prove_identity` checks, trusting nothing."""

    xi: str
    M: int
    first: tuple  # letter -> steps (empty tuples: no first part)
    block: tuple
    last: tuple
    rows: tuple = ((), (0,), ())  # row positions within first, block, last
    witness: tuple = ()  # the identity's terms (IdentityTerm), checked by prove_identity

    def __post_init__(self):
        get_xi(self.xi)
        parts = (self.first, self.block, self.last)
        for name, part in zip(("first", "block", "last"), parts, strict=True):
            if not part or len({len(steps) for steps in part}) != 1:
                raise InvalidInputError(
                    f"{name}: expected one tuple of steps per letter, all of one length"
                )
        if not self.block[0]:
            raise InvalidInputError("block: expected at least one step per letter")
        for part, rows, name in zip(parts, self.rows, ("first", "block", "last"), strict=True):
            if any(not 0 <= r < len(part[0]) for r in rows) or list(rows) != sorted(set(rows)):
                raise InvalidInputError(
                    f"rows of {name}: expected increasing positions, got {rows}"
                )

    @property
    def letters(self) -> int:
        return len(self.block)

    def length(self, size):
        """The number of steps T at size n (an int, or a sympy expression for a symbol)."""
        return len(self.first[0]) + size * len(self.block[0]) + len(self.last[0])

    def steps(self, word) -> list:
        """The (C, G) steps of the network for ``word`` = (ℓ_first, ℓ_1, …, ℓ_n, ℓ_last)."""
        *middle, end = word[1:]
        out = list(self.first[word[0]])
        for letter in middle:
            out.extend(self.block[letter])
        return out + list(self.last[end])

    def model(self, n: int, word=None) -> GeneralizedRNN:
        """The network at size n (letters 0 when no word is given)."""
        word = (0,) * (n + 2) if word is None else tuple(word)
        if len(word) != n + 2:
            raise InvalidInputError(f"expected a word of n + 2 = {n + 2} letters, got {len(word)}")
        steps = self.steps(word)
        return GeneralizedRNN(self.xi, [c for c, _ in steps], [g for _, g in steps])

    def same_network(self, model, n: int, word=None) -> bool:
        """Whether ``model`` (e.g. a construction at T = length(n)) is this family's network
        at size n for ``word``, core by core (exactly)."""
        ours = self.model(n, word)
        pairs = ((model.C, ours.C), (model.G, ours.G))
        return model.T == ours.T and all(
            a.shape == b.shape and bool((a == b).all())
            for x, y in pairs
            for a, b in zip(x, y, strict=True)
        )

    def modes(self, n: int) -> tuple[list[int], list[int]]:
        """(row modes, col modes) of the family's matricization at size n."""
        lengths = [len(self.first[0])] + [len(self.block[0])] * n + [len(self.last[0])]
        rows_of = [self.rows[0]] + [self.rows[1]] * n + [self.rows[2]]
        rows, cols, t = [], [], 0
        for length, part_rows in zip(lengths, rows_of, strict=True):
            for i in range(length):
                (rows if i in part_rows else cols).append(t + i)
            t += length
        return rows, cols


def run_steps(xi, steps, state: tuple, inputs) -> tuple:
    """The hidden state after ``steps`` on template indices ``inputs`` from ``state``
    (seed 001, eq. 16, F = I: the template m is the unit vector e_m), in Fractions."""
    xi = get_xi(xi)
    h = [Fraction(v) for v in state]
    for (C, G), m in zip(steps, inputs, strict=True):
        a = [Fraction(C[i, m]) for i in range(C.shape[0])]
        if G.shape[1] != len(h):
            raise FamilyError(f"a core expects a state of size {G.shape[1]}, got {len(h)}")
        h = [
            sum(
                (
                    Fraction(G[i, j, k]) * Fraction(xi(a[i], h[j]))
                    for i in range(G.shape[0])
                    for j in range(G.shape[1])
                ),
                Fraction(0),
            )
            for k in range(G.shape[2])
        ]
    return tuple(h)


def _index(inputs, positions, M: int) -> int:
    """The C-order index of the inputs at ``positions`` (0 for none)."""
    index = 0
    for i in positions:
        index = index * M + inputs[i]
    return index


def _tables(family: BlockFamily, part, rows, sources) -> dict:
    """{(letter, s, s'): 0/1 matrix over the part's inputs} for the states s in sources."""
    p = len(part[0])
    cols = [i for i in range(p) if i not in rows]
    shape = (family.M ** len(rows), family.M ** len(cols))
    out = {}
    for letter, steps in enumerate(part):
        for s in sources:
            for inputs in itertools.product(range(family.M), repeat=p):
                t = run_steps(family.xi, steps, s, inputs)
                r = _index(inputs, rows, family.M)
                c = _index(inputs, cols, family.M)
                table = out.setdefault((letter, s, t), np.zeros(shape, dtype=object))
                table[r, c] = 1
    return out


def reachable_states(family: BlockFamily) -> tuple[tuple, tuple]:
    """(initial states, all states): the states after the first part from h^(−1) = [unit],
    and their closure under the block (every letter, every input), exactly; the closure
    being a fixed point is the finite check of the induction over n. Refused past MAX_STATES."""
    unit = (Fraction(get_xi(family.xi).unit),)
    initial = {t for (_, _, t) in _tables(family, family.first, family.rows[0], [unit])}
    seen, frontier = set(initial), list(initial)
    while frontier:
        new = {t for (_, _, t) in _tables(family, family.block, family.rows[1], frontier)}
        frontier = sorted(new - seen)
        seen |= new
        if len(seen) > MAX_STATES:
            raise FamilyError(
                f"reachable states: more than MAX_STATES = {MAX_STATES} hidden states, the "
                "family is not a finite automaton within the limit"
            )
    return tuple(sorted(initial)), tuple(sorted(seen))


def transition_tables(family: BlockFamily, states) -> dict:
    """P_ℓ(s → s') of the block for every letter ℓ and state s ∈ states (0/1 matrices)."""
    return _tables(family, family.block, family.rows[1], states)


def first_tables(family: BlockFamily) -> dict:
    """The first part's tables from the unit state: {(ℓ, unit, s): matrix}."""
    unit = (Fraction(get_xi(family.xi).unit),)
    return _tables(family, family.first, family.rows[0], [unit])


def output_tables(family: BlockFamily, states) -> dict:
    """O_ℓ(s): the score (the last state's entry 0, a state of size 1) after the last
    part from state s, as a matrix over the last part's inputs; {(ℓ, s): matrix}."""
    p = len(family.last[0])
    rows = family.rows[2]
    cols = [i for i in range(p) if i not in rows]
    shape = (family.M ** len(rows), family.M ** len(cols))
    out = {}
    for letter, steps in enumerate(family.last):
        for s in states:
            table = np.zeros(shape, dtype=object)
            for inputs in itertools.product(range(family.M), repeat=p):
                h = run_steps(family.xi, steps, s, inputs)
                if len(h) != 1:
                    raise FamilyError(f"the last part ends in a state of size {len(h)}, not 1")
                r = _index(inputs, rows, family.M)
                c = _index(inputs, cols, family.M)
                table[r, c] = h[0]
            out[(letter, s)] = table
    return out
