"""Route 2 of :mod:`exactrank.linalg.upper_bound`: p-adic lifting of the pivot columns' solution,
ended exactly by the solution's own size (entries small enough for float64 BLAS).

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
"""

from __future__ import annotations

import math

import numpy as np

from ..numbers.kernels import dgemm, max_abs
from .bordered import UpperBoundProof, complement, hadamard_log2_bound, reconstruct_denominator
from .modular import random_prime, solve_mod_p

_EXACT = 2**53
_MIN_BITS = 12  # a plan with smaller primes is not worth running: the other routes decide
_GUESS_START_BITS = 64  # the first reconstruction of the guess of d at p^k of this size
_GUESS_MARGIN_BITS = 40
_GUESS_VECTORS = 8


def schur_padic(A: np.ndarray, rows, cols, rng) -> UpperBoundProof | None:
    """Prove rank(A) <= len(cols) by (1) of the module docstring; None if the entries are
    too large for float64 lifting or no prime avoids det A11 (another route decides)."""
    r, (m, n) = len(rows), A.shape
    a = max_abs(A)
    if r == 0 or a == 0:
        return None
    chosen = plan(r, a, m - r, n - r)
    if chosen is None:
        return None
    beta, limbs, limb_bits = chosen
    rows_l, cols_l = list(rows), list(cols)
    others_r, others_c = complement(m, rows), complement(n, cols)
    Af = A.astype(np.float64) if A.dtype != object else np.array(A.tolist(), dtype=np.float64)
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
    lift = _Lifting(inverse, A11, p, limbs, limb_bits)
    A12 = Af[np.ix_(rows_l, others_c)]
    hadamard_bits = math.ceil(hadamard_log2_bound(A, rows, cols)) + 1
    d = _guess_denominator(lift, A12, hadamard_bits, plan_bound(r, a, beta), rng)
    digits = _balanced_digits(d, p)
    total = len(digits)  # then p^total > |d|·2^hadamard_bits > |d|·H, and d_total = d
    while p**total <= d << hadamard_bits:
        total += 1
    return lift.schur(
        A12,
        Af[np.ix_(others_r, cols_l)],
        Af[np.ix_(others_r, others_c)],
        digits,
        total,
        d,
        hadamard_bits,
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


def predicted_work(r: int, a: int, m_r: int, n_r: int, bits: float) -> tuple[float, int] | None:
    """(multiply-adds, digits) of lifting ``bits`` bits by :func:`plan`, or None where the
    entries are too large for it (cost models only: no proof depends on this)."""
    chosen = plan(r, a, m_r, n_r)
    if chosen is None:
        return None
    beta, limbs, _ = chosen
    digits = math.ceil(bits / (beta - 1))
    return digits * ((limbs + 1) * r * r * n_r + m_r * r * n_r), digits


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

    def schur(self, A12, A21, A22, digits, total, d, hadamard_bits) -> UpperBoundProof:
        """Lift (2) for ``total`` digits at most, dropping the columns that end exactly
        (tested only once every digit of d is fed in: A12 and A22 are not needed then)."""
        p = self.p
        R, C = digits[0] * A12, -digits[0] * A22
        open_cols = np.arange(A12.shape[1])
        k = 0
        while len(open_cols) and k < total:
            stepped = self.step(R)
            if stepped is None:
                return UpperBoundProof(False, f"a Dixon remainder is not divisible by {p}", (p,))
            Y, R = stepped
            if not _carry(A21, Y, C, p):
                return UpperBoundProof(False, f"a bordered minor is nonzero modulo {p}^k", (p,))
            k += 1
            if k < len(digits):
                R += digits[k] * A12
                C -= digits[k] * A22
                continue
            done = ~R.any(axis=0)
            if done.any():
                done[done] = ~C[:, done].any(axis=0)
            if done.any():
                keep = np.flatnonzero(~done)
                open_cols, R, C = open_cols[keep], R[:, keep], C[:, keep]
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


def _guess_denominator(lift: _Lifting, A12, hadamard_bits: int, bound: int, rng) -> int:
    """A guess of the common denominator of A11⁻¹·A12: the lcm of those of c_v·A11⁻¹·b_v
    for _GUESS_VECTORS random combinations b_v of columns of A12 with weights in [−2, 2]
    (|b_v| <= ``bound``, the lifting's bound; ±1 weights would lose a factor 2 whenever an
    even number of columns hold it) and random c_v (one vector alone loses a factor 2 half
    the time), each reconstructed as a/q at p^k of 64 bits and more, accepted once every
    |a|·q is 2^_GUESS_MARGIN_BITS below p^k (wrong fractions that small are unlikely); 1
    when that does not happen before twice the Hadamard bound. Only a guess: the caller
    proves nothing from it."""
    p, (r, n_r) = lift.p, A12.shape
    chosen = rng.sample(range(n_r), min(n_r, max(1, bound // max(1, 2 * max_abs(A12)))))
    weights = [[float(rng.randint(-2, 2)) for _ in range(_GUESS_VECTORS)] for _ in chosen]
    R = dgemm(np.ascontiguousarray(A12[:, chosen]), np.array(weights))
    c = np.array([[float(rng.randint(-3, 3)) for _ in range(r)] for _ in range(_GUESS_VECTORS)])
    values, modulus, target = [0] * _GUESS_VECTORS, 1, 2**_GUESS_START_BITS
    while modulus.bit_length() <= 2 * hadamard_bits + _GUESS_MARGIN_BITS:
        stepped = lift.step(R)
        if stepped is None:
            return 1
        Y, R = stepped
        values = [
            v + int(w) * modulus for v, w in zip(values, np.sum(c.T * Y, axis=0), strict=True)
        ]
        modulus *= p
        if modulus >= target:
            guess = _common_denominator(values, modulus)
            if guess is not None:
                return guess
            target = target * 5 // 4
    return 1


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
