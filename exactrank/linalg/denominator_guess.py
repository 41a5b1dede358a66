"""The guess of route 2's common denominator d (:mod:`exactrank.linalg.padic`), a digit at a
time: rational reconstruction of random combinations of the lifted solution. Only a guess:
route 2 proves nothing from it (a wrong d leaves columns open until a bound), so nothing
here needs to be right, only likely and cheap.

It implements no paper result: rational reconstruction (Wang's algorithm, via
:func:`exactrank.linalg.bordered.reconstruct_denominator`).
"""

from __future__ import annotations

import math

import numpy as np

from ..numbers.kernels import max_abs
from .bordered import reconstruct_denominator

_GUESS_START_BITS = 64  # the first reconstruction of the guess of d at p^k of this size
_GUESS_MARGIN_BITS = 40
_GUESS_VECTORS = 8


class Guess:
    """A guess of the common denominator d of A11⁻¹·A12, a digit at a time: the lcm of those
    of c_v·A11⁻¹·b_v for _GUESS_VECTORS random combinations b_v of columns of A12 with
    weights in [−2, 2] (|b_v| <= ``bound``, the lifting's bound; ±1 weights would lose a
    factor 2 whenever an even number of columns hold it) and random c_v (one vector alone
    loses a factor 2 half the time), each reconstructed as a/q at p^k of 64 bits and more,
    accepted once every |a|·q is 2^_GUESS_MARGIN_BITS below p^k (wrong fractions that small
    are unlikely); 1 when that does not happen before twice the Hadamard bound. Only a
    guess: the caller proves nothing from it. ``found`` once reconstructed, ``done`` once
    reconstructed or given up."""

    def __init__(self, lift, A12, hadamard_bits: int, bound: int, rng):
        r, n_r = A12.shape
        chosen = rng.sample(range(n_r), min(n_r, max(1, bound // max(1, 2 * max_abs(A12)))))
        weights = [[rng.randint(-2, 2) for _ in range(_GUESS_VECTORS)] for _ in chosen]
        self.lift, self.R = lift, lift.combination(A12, chosen, weights)
        self.c = np.array(
            [[float(rng.randint(-3, 3)) for _ in range(r)] for _ in range(_GUESS_VECTORS)]
        )
        self.values, self.modulus, self.target = [0] * _GUESS_VECTORS, 1, 2**_GUESS_START_BITS
        self.limit = 2 * hadamard_bits + _GUESS_MARGIN_BITS
        self.d, self.found, self.done = 1, False, False

    def advance(self) -> None:
        """One more digit of the lifted combinations, and a reconstruction when due."""
        if self.modulus.bit_length() > self.limit:
            self.done = True
            return
        stepped = self.lift.step(self.R)
        if stepped is None:
            self.done = True
            return
        Y, self.R = stepped
        sums = np.sum(self.c.T * Y, axis=0)
        self.values = [v + int(w) * self.modulus for v, w in zip(self.values, sums, strict=True)]
        self.modulus *= self.lift.p
        if self.modulus >= self.target:
            guess = _common_denominator(self.values, self.modulus)
            if guess is not None:
                self.d, self.found, self.done = guess, True, True
            # the next try at a quarter more bits: a reconstruction costs the square of
            # the modulus' size, so trying at every digit costs more than the lifting
            self.target = 1 << (self.modulus.bit_length() * 5 // 4)


def _common_denominator(values: list[int], modulus: int) -> int | None:
    """lcm of the denominators q of fractions a/q ≡ v (mod modulus), each with |a|·q below
    modulus / 2^_GUESS_MARGIN_BITS, or None if some value has no such fraction."""
    common = 1
    for value in values:
        q = reconstruct_denominator(value % modulus, modulus)
        if q is None:
            return None
        a = q * value % modulus
        if min(a, modulus - a) * q << _GUESS_MARGIN_BITS >= modulus:
            return None
        common = math.lcm(common, q)
    return common
