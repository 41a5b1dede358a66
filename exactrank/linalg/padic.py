"""Route 2 of :mod:`exactrank.linalg.upper_bound`: p-adic lifting of the pivot columns' solution,
ended exactly by the solution's own size (entries below 2^62, products on float64 BLAS).

Pivots P, Q with A11 = A[P, Q] nonsingular (r × r); A12 = A[P, ~Q], A21 = A[~P, Q],
A22 = A[~P, ~Q]. We prove, for integer W and an integer d ≠ 0,

    A11·W = d·A12   and   A21·W = d·A22,                                            (1)

i.e. d·a_j = A[:, Q]·w_j for every column j ∉ Q, so rank A <= r.

**Lifting** (Dixon, the scale d fed in digit by digit). Write d = Σ_l δ_l p^l in balanced
base p (|δ_l| <= p/2). One prime p ∤ det A11 and A11⁻¹ mod p once; then, for i = 0, 1, …,

    Y_i = A11⁻¹·R_i mod p (centered),
    R_{i+1} = (R_i − A11·Y_i)/p + δ_{i+1}·A12,    R_0 = δ_0·A12,
    C_{i+1} = (C_i + A21·Y_i)/p − δ_{i+1}·A22,    C_0 = −δ_0·A22.

Every division by p is checked to be exact. With X_k = Σ_{i<k} Y_i p^i and
d_k = Σ_{l<=k} δ_l p^l, induction on k gives the integer identities

    d_k·A12 = A11·X_k + p^k·R_k,     A21·X_k − d_k·A22 = p^k·C_k,                   (2)

whatever the digits are: nothing computed modulo p is trusted, only these identities.

**Ending exactly, column by column** (output-sensitive). Once k >= len(δ) − 1, d_k = d, and a
column j with R_k[:, j] = 0 and C_k[:, j] = 0 satisfies (1) with w_j = X_k[:, j] by (2).
When d·A11⁻¹A12 = W is integral, R_k = A11·W_k with W_k the balanced p-adic tail of W
(W = X_k + p^k·W_k), which is 0 once p^k > 2·max|W|: the route ends after about
log_p max|W| digits, the size of the actual solution, long before a determinant bound.
Finished columns are dropped from the products.

**Ending past a bound**, for the columns still open after K digits (k >= len(δ)): by (2),
with D = det A11 ≠ 0 and S = A22 − A21·A11⁻¹·A12,

    d·D·S = −p^K·(D·C_K + A21·adj(A11)·R_K),

so the integer entries of d·D·S, which are d times bordered minors and at most |d|·H in
size (H: Hadamard's bound, :func:`~exactrank.linalg.bordered.hadamard_log2_bound`), are multiples
of p^K: zero once p^K > |d|·H. Then S = 0 on those columns.

**d is a guess, never trusted**: the denominator of c·A11⁻¹·b for a random combination b
of the columns of A12 and random c, by rational reconstruction (:func:`_guess_denominator`,
one lifted vector, r² per digit). A wrong guess leaves columns open until the bound; d = 1
is plain Dixon lifting past the bound.

**Refusals.** If R_i − A11·Y_i is not divisible by p the inverse was wrong (it never is when
computed right): the route proves nothing. If C_i + A21·Y_i is not, then with (2) on the R side
(before δ_{i+1} is fed in), d_i·D·S ≢ 0 (mod p^{i+1}) with p ∤ D, so S ≠ 0: rank > r, proven.

**Float64 exactness** (:func:`plan`). With a = max|A|, p < 2^β and |Y| <= h = 2^(β−1) + 1,
|R_i|, |C_i| <= B = ⌈r·a·h/(2^(β−1) − 1)⌉ + 2·h·a by induction (the recurrence maps
[−B, B] into itself), so R − A11·Y and A21·Y + C stay below B + r·a·h < 2^53. The product
A11⁻¹·R is taken on R mod p (centered, below h) cut into L limbs of b bits,
R = Σ_l R_l 2^(bl) (0 <= R_l < 2^b but the signed top, below h/2^(b(L−1)) + 1), by Horner:
acc ← centered(acc·2^b + A11⁻¹·R_l), below (r + 1)·h·2^b < 2^53, and each limb's product
below r·h·2^b < 2^53. The plan takes the (β, L) of least predicted work per bit.

**Entries too large for that** (:func:`wide_plan`, :class:`_WideLifting`), up to 2^62: R and C
are held exactly as two int64 words (:mod:`exactrank.numbers.words`, |R|, |C| <= B below
2^92 and B + r·a·h too), and A11·Y, A21·Y come from two float64 limbs of the matrix,
M = M_1·2^s + M_0, each limb's product exact because r·max|M_t|·h < 2^53. The recurrence, the
identities (2) and every test above are the same; only the arithmetic that carries them
changes, and it is exact: a word operation that would not be is excluded by the plan's bounds.

It implements no paper result: p-adic lifting after Dixon (Numer. Math. 1982), with the end tests
above.
"""

from __future__ import annotations

import math

import numpy as np

from ..numbers import words
from ..numbers.kernels import dgemm, max_abs
from .bordered import UpperBoundProof, complement, hadamard_log2_bound
from .denominator_guess import Guess
from .modular import random_prime, solve_mod_p

_EXACT = 2**53
_MIN_BITS = 12  # a plan with smaller primes is not worth running: the other routes decide


def schur_padic(A: np.ndarray, rows, cols, rng, budget: int | None = None):
    """Prove rank(A) <= len(cols) by (1) of the module docstring (an UpperBoundProof); None
    if the entries are too large for the lifting (2^62), no prime avoids det A11, or the
    guesses and the lifting together would take more than ``budget`` digits (another route
    decides then).

    rank A = rank Aᵀ, and A[P, Q] is a pivot minor of A exactly when Aᵀ[Q, P] is one of Aᵀ:
    the proof may lift either the columns' dependencies or the rows'. Both ways round, the
    guesses of d race digit by digit (tall first), and the lifting runs where a guess is found
    first: its solution is the smaller, and the size of a solution decides the digits (module
    docstring). On a 990 × 900 Figure 3 grid matrix the columns' d has 21382 bits."""
    if len(cols) == min(A.shape):  # nothing to lift: the bound is min(m, n) itself
        return None
    if A.shape[0] < A.shape[1]:
        A, rows, cols = A.T, cols, rows
    ways = [(A, rows, cols), (A.T, cols, rows)]
    setups = [s for s in (_Orientation.make(*way, rng) for way in ways) if s is not None]
    if not setups:
        return None
    spent, budget = 0, math.inf if budget is None else budget
    while spent <= budget:  # the race; a guess that gives up (d = 1) waits for the others
        for setup in setups:
            if setup.guess.found:
                return setup.lift_with(setup.guess.d, budget - spent)
        running = [setup for setup in setups if not setup.guess.done]
        if not running:
            return setups[0].lift_with(1, budget - spent)
        for setup in running:
            setup.guess.advance()
        spent += len(running)
    return None


class _Orientation:
    """One way round of :func:`schur_padic`: its lifting and its guess of d."""

    def __init__(self, lift, Af, rows, cols, hadamard_bits: int, guess: Guess):
        self.lift, self.Af, self.rows, self.cols = lift, Af, rows, cols
        self.hadamard_bits, self.guess = hadamard_bits, guess

    @classmethod
    def make(cls, A: np.ndarray, rows, cols, rng) -> _Orientation | None:
        r, (m, n) = len(rows), A.shape
        a = max_abs(A)
        if r == 0 or a == 0:
            return None
        chosen, wide = plan(r, a, m - r, n - r), None
        if chosen is None:
            wide = wide_plan(r, a, m - r, n - r)
            if wide is None:
                return None
            chosen = wide[:3]
        beta, limbs, limb_bits = chosen
        rows_l, cols_l = list(rows), list(cols)
        if wide is None:
            Af = A.astype(np.float64) if A.dtype != object else np.array(A.tolist(), np.float64)
        else:
            Af = A.astype(np.int64)  # exact: |A| < 2^62 (wide_plan)
        A11 = Af[np.ix_(rows_l, cols_l)]
        for _ in range(8):
            p = random_prime(beta, rng)
            try:
                inverse = solve_mod_p(A[np.ix_(rows_l, cols_l)], np.eye(r, dtype=np.int64), p)
                break
            except ValueError:  # p divides det A11; another prime will not
                continue
        else:
            return None
        inverse = _centered(np.asarray(inverse, dtype=np.float64), p)
        if wide is None:
            lift = _Lifting(inverse, A11, p, limbs, limb_bits)
        else:
            lift = _WideLifting(inverse, A11, p, limbs, limb_bits, wide[3])
        A12 = Af[np.ix_(rows_l, complement(n, cols))]
        hadamard_bits = math.ceil(hadamard_log2_bound(A, rows, cols)) + 1
        guess = Guess(lift, A12, hadamard_bits, plan_bound(r, a, beta), rng)
        return cls(lift, Af, rows_l, cols_l, hadamard_bits, guess)

    def lift_with(self, d: int, budget: float) -> UpperBoundProof | None:
        """Lift (1) with the guess d (module docstring); every column ends exactly or past
        the bound |d|·H, unless that takes more than ``budget`` digits (None)."""
        p, (m, n) = self.lift.p, self.Af.shape
        others_r, others_c = complement(m, self.rows), complement(n, self.cols)
        d = d or 1  # any nonzero d serves (1); the guess is an lcm, but it is not trusted
        digits = _balanced_digits(d, p)
        # total: the least k >= len(digits) with p^k > |d|·2^hadamard_bits > |d|·H (then
        # d_total = d); p^k < 2^(k·bits(p)) keeps the start k below it, so the loop is short
        bound = abs(d) << self.hadamard_bits
        total = max(len(digits), (bound.bit_length() - 1) // p.bit_length())
        power = p**total
        while power <= bound:
            power *= p
            total += 1
        return self.lift.schur(
            self.Af[np.ix_(self.rows, others_c)],
            self.Af[np.ix_(others_r, self.cols)],
            self.Af[np.ix_(others_r, others_c)],
            digits,
            min(total, budget),
            d,
            self.hadamard_bits,
            total,
        )


def plan_bound(r: int, a: int, beta: int) -> int:
    """B of the module docstring: a bound on |R_i| and |C_i| for primes below 2^β."""
    h = 2 ** (beta - 1) + 1
    return -(-r * a * h // (2 ** (beta - 1) - 1)) + 2 * h * a


def plan(r: int, a: int, m_r: int, n_r: int) -> tuple[int, int, int] | None:
    """(β, L, b): primes below 2^β, A11⁻¹·(R mod p) on L limbs of b bits, every float64
    value below 2^53 (module docstring); the plan of least predicted multiply-adds per bit."""
    best, best_cost = None, math.inf
    for limbs in (1, 2, 3):
        for beta in range(40, _MIN_BITS - 1, -1):
            h = 2 ** (beta - 1) + 1
            b = -(-h.bit_length() // limbs)
            if plan_bound(r, a, beta) + r * a * h >= _EXACT or (r + 1) * h * 2**b >= _EXACT:
                continue
            cost = ((limbs + 1) * r * r * n_r + m_r * r * n_r) / (beta - 1)
            if cost < best_cost:
                best, best_cost = (beta, limbs, b), cost
            break  # smaller primes with as many limbs only cost more per bit
    return best


def wide_plan(r: int, a: int, m_r: int, n_r: int) -> tuple[int, int, int, int] | None:
    """(β, L, b, s) for entries too large for :func:`plan`, up to 2^62: as there, plus the
    split 2^s of the matrix's two limbs, each limb's product with a digit below 2^53 and
    every word bounded (module docstring, "Entries too large"); None past 2^62 or when no
    prime of at least _MIN_BITS bits fits."""
    if a >= 2**62:
        return None
    best, best_cost = None, math.inf
    for limbs in (1, 2, 3):
        for beta in range(29, _MIN_BITS - 1, -1):
            h = 2 ** (beta - 1) + 1
            b = -(-h.bit_length() // limbs)
            s = next(
                (
                    s
                    for s in range(1, 32)
                    if r * (2**s - 1) * h < _EXACT and r * (a // 2**s + 1) * h < _EXACT
                ),
                None,
            )
            if s is None or (r + 1) * h * 2**b >= _EXACT:
                continue
            if plan_bound(r, a, beta) + r * a * h >= words.BOUND:
                continue
            cost = ((limbs + 2) * r * r * n_r + 2 * m_r * r * n_r) / (beta - 1)
            if cost < best_cost:
                best, best_cost = (beta, limbs, b, s), cost
            break  # smaller primes with as many limbs only cost more per bit
    return best


def predicted_work(r: int, a: int, m_r: int, n_r: int, bits: float) -> tuple[float, int] | None:
    """(multiply-adds, digits) of lifting ``bits`` bits by :func:`plan` (or
    :func:`wide_plan`, with its matrix in two limbs), or None where the entries are too large
    for both (cost models only: no proof depends on this)."""
    chosen, products = plan(r, a, m_r, n_r), 1
    if chosen is None:
        chosen, products = wide_plan(r, a, m_r, n_r), 2
    if chosen is None:
        return None
    beta, limbs = chosen[:2]
    digits = math.ceil(bits / (beta - 1))
    return digits * ((limbs + products) * r * r * n_r + products * m_r * r * n_r), digits


def _centered(X: np.ndarray, p: int) -> np.ndarray:
    """X mod p with representatives in about (−p/2, p/2] (exact for integer X < 2**53)."""
    return X - p * np.rint(X / p)


def _divide_exactly(X: np.ndarray, p: int, out: np.ndarray) -> bool:
    """``out = X / p`` if p divides every entry of the integer array X (|X| < 2**53).

    X is clobbered. The quotient is rounded from X·(1/p), so it is the integer X/p when p
    divides X; ``X − p·out`` is exact (integers below 2**53) and is zero exactly then.
    """
    np.multiply(X, 1.0 / p, out=out)
    np.rint(out, out=out)
    X -= p * out
    return not X.any()


def _carry(A21: np.ndarray, Y: np.ndarray, C: np.ndarray, p: int) -> bool:
    """C ← (C + A21·Y)/p, the Schur side of (2), if p divides every entry (else False)."""
    V = dgemm(A21, Y)
    V += C
    return _divide_exactly(V, p, C)


def _balanced_digits(d: int, p: int) -> list[int]:
    """δ with d = Σ_l δ_l p^l and |δ_l| <= p/2 (d >= 1: at least one digit)."""
    digits = []
    while d:
        delta = d % p
        delta -= p if 2 * delta > p else 0
        digits.append(delta)
        d = (d - delta) // p
    return digits


class _Lifting:
    """The digits Y = A11⁻¹·R mod p (centered), exact on float64 (module docstring)."""

    def __init__(self, inverse, A11, p, limbs, limb_bits):
        self.inverse, self.A11, self.p = inverse, A11, p
        self.limbs, self.scale = limbs, float(2**limb_bits)

    def digit(self, R: np.ndarray) -> np.ndarray:
        n, parts, rest = R.shape[1], [], _centered(R, self.p)
        for _ in range(self.limbs - 1):
            high = np.floor(rest / self.scale)
            parts.append(rest - high * self.scale)
            rest = high
        parts.append(rest)
        P = dgemm(self.inverse, np.hstack(parts[::-1]))  # one product: the top limb first
        acc = _centered(P[:, :n], self.p)
        for l in range(1, self.limbs):
            acc = _centered(acc * self.scale + P[:, l * n : (l + 1) * n], self.p)
        return acc

    def step(self, R: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(Y, (R − A11·Y)/p), or None if the division is not exact (a wrong inverse)."""
        Y = self.digit(R)
        T = R - dgemm(self.A11, Y)
        out = np.empty_like(T)
        return (Y, out) if _divide_exactly(T, self.p, out) else None

    # the residuals R and C, float64 integer arrays here (two-word ones in _WideLifting)

    def addend(self, M: np.ndarray):
        """M as this lifting adds it to residuals (δ·M: A12, A22)."""
        return M

    def factor(self, M: np.ndarray):
        """M as this lifting multiplies it by digits (M·Y: A21)."""
        return M

    def scaled(self, M, delta: int):
        """A new residual δ·M."""
        return delta * M

    def add_scaled(self, R, M, delta: int) -> None:
        """R += δ·M in place."""
        R += delta * M

    def carry(self, A21, Y: np.ndarray, C) -> bool:
        """C ← (C + A21·Y)/p in place, if p divides every entry (else False)."""
        return _carry(A21, Y, C, self.p)

    @staticmethod
    def zero_columns(R) -> np.ndarray:
        return ~R.any(axis=0)

    @staticmethod
    def columns(R, keep):
        return R[:, keep]

    def combination(self, A12: np.ndarray, chosen: list, weights: list):
        """The residual A12[:, chosen]·weights (integer weights)."""
        return dgemm(np.ascontiguousarray(A12[:, chosen]), np.array(weights, dtype=np.float64))

    def schur(self, A12, A21, A22, digits, limit, d, hadamard_bits, total):
        """Lift (2) for ``total`` digits at most, dropping the columns that end exactly
        (tested only once every digit of d is fed in: A12 and A22 are not needed then);
        None if columns are still open after ``limit`` (< ``total``) digits."""
        p = self.p
        A12, A21, A22 = self.addend(A12), self.factor(A21), self.addend(A22)
        R, C = self.scaled(A12, digits[0]), self.scaled(A22, -digits[0])
        open_cols = np.arange(len(self.zero_columns(R)))
        k = 0
        while len(open_cols) and k < total:
            if k >= limit:
                return None
            stepped = self.step(R)
            if stepped is None:
                return UpperBoundProof(False, f"a Dixon remainder is not divisible by {p}", (p,))
            Y, R = stepped
            if not self.carry(A21, Y, C):
                return UpperBoundProof(False, f"a bordered minor is nonzero modulo {p}^k", (p,))
            k += 1
            if k < len(digits):
                self.add_scaled(R, A12, digits[k])
                self.add_scaled(C, A22, -digits[k])
                continue
            done = self.zero_columns(R)
            if done.any():
                done[done] = self.zero_columns(self.columns(C, done))
            if done.any():
                keep = np.flatnonzero(~done)
                open_cols, R, C = open_cols[keep], self.columns(R, keep), self.columns(C, keep)
        method = (
            f"every other column an exact combination of the pivot columns: p-adic lifting of "
            f"A11·W = d·A12 (d of {d.bit_length()} bits) modulo {p}^{k} ended exactly"
        )
        if len(open_cols):
            method += (
                f"; {len(open_cols)} columns past the bound |d|·H of {hadamard_bits} + "
                f"{d.bit_length()} bits"
            )
        return UpperBoundProof(True, method, (p,))


class _WideLifting(_Lifting):
    """:class:`_Lifting` for entries up to 2^62 (module docstring, "Entries too large"): the
    residuals are two-word integers (hi, lo) and A11, A21 enter the products in two float64
    limbs split at 2^s."""

    def __init__(self, inverse, A11, p, limbs, limb_bits, s):
        super().__init__(inverse, words.limbs(A11, s), p, limbs, limb_bits)
        self.s = s

    def step(self, R):
        """(Y, (R − A11·Y)/p) on words, or None if the division is not exact."""
        Y = self.digit(words.mod(*R, self.p).astype(np.float64))
        hi, lo = R[0].copy(), R[1].copy()
        words.add_product(hi, lo, self.A11, self.s, Y, -1)
        quotient = words.divide_exact(hi, lo, self.p)
        return None if quotient is None else (Y, quotient)

    def addend(self, M: np.ndarray):
        return words.split(M)

    def factor(self, M: np.ndarray):
        return words.limbs(M, self.s)

    def scaled(self, M, delta: int):
        hi, lo = np.zeros_like(M[0]), np.zeros_like(M[1])
        words.add_scaled(hi, lo, M, delta)
        return hi, lo

    def add_scaled(self, R, M, delta: int) -> None:
        words.add_scaled(*R, M, delta)

    def carry(self, A21, Y: np.ndarray, C) -> bool:
        return _wide_carry(A21, self.s, Y, C, self.p)

    @staticmethod
    def zero_columns(R) -> np.ndarray:
        return words.zero_columns(*R)

    @staticmethod
    def columns(R, keep):
        return R[0][:, keep], R[1][:, keep]

    def combination(self, A12: np.ndarray, chosen: list, weights: list):
        exact = A12[:, chosen].astype(object).dot(np.array(weights, dtype=object))
        return words.from_integers(exact)


def _wide_carry(parts, s: int, Y: np.ndarray, C, p: int) -> bool:
    """C ← (C + A21·Y)/p on words (A21 as ``parts`` = its limbs at 2^s), in place, if p
    divides every entry (else False): :func:`_carry` for :class:`_WideLifting`."""
    hi, lo = C
    words.add_product(hi, lo, parts, s, Y, 1)
    quotient = words.divide_exact(hi, lo, p)
    if quotient is None:
        return False
    hi[...], lo[...] = quotient
    return True
