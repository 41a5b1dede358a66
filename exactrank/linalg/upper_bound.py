"""Proofs that an integer matrix has rank at most r over QQ.

A rank profile modulo a prime p gives r pivot rows P and columns Q with A[P, Q] nonsingular
mod p, hence nonsingular over QQ: rank(A) >= r is proven. Closing the gap needs a proof that
every other column lies in the span of the columns Q. The route is chosen by its predicted
cost (:func:`_flint_is_cheaper`); every route ends in a proof, and ``method`` names it.

0. **FLINT's exact rank** (``fmpz_mat.rank``, FLINT 3.6): exact over ZZ, so rank <= r when
   it returns at most r. Below 25 rows or columns, on entries of at most 30 bits, and on
   wide matrices of at most 100 rows it is fraction-free elimination; otherwise it is
   ``fmpz_mat_rref_mul`` (flint ``src/fmpz_mat/rank.c``, ``rref.c``, ``rref_mul.c``): pivots
   modulo a small prime, the pivot system solved by the multimodular
   ``fmpz_mat_solve_multi_mod_den``, which stops at the solution's actual size, and an exact
   product check that the other rows are orthogonal to the kernel it found — route 3 below,
   in C, on the columns' dependencies. Which way round it gets the matrix decides which
   dependencies it solves for (:func:`_flint_orientation`). Chosen for matrices of at most
   64 × 64 entries, and wherever its predicted cost (:func:`_predicted_costs`, a fit) is below
   those of routes 2 and 3 at the Hadamard bound (it collapses on generic low-rank
   matrices, whose check multiplies the other rows by a kernel of solution-sized entries:
   > 300 s at n = 2048, r = 256). It is also the fallback when route 3 passes a budget of
   primes worth that predicted cost, so that an output-sensitive attempt that turns out
   large costs at most about that much again.
1. **Small witness.** Solve A[P, Q] Y = A[P, ~Q] modulo one 62-bit prime, rationally
   reconstruct Y = W / d, and check the integer identity A[:, Q] · W = d · A[:, ~Q] exactly
   (limbed BLAS products). If it holds, each non-pivot column is an explicit rational
   combination of the pivot columns: rank <= r, proven, and (Q, W, d) is a certificate.
   A generic matrix fails on 16 sampled columns first, cheaply.
2. **p-adic, ended exactly** (:mod:`exactrank.linalg.padic`; entries below 2^62, held in
   float64 or, past what it carries exactly, in two int64 words). A guess d of the common
   denominator of A11⁻¹A12 (never trusted), then Dixon lifting of A11·W = d·A12 modulo p^k
   with exact carries of A21·W − d·A22, d fed in digit by digit.
   A column whose remainder and carry are both exactly zero satisfies a_j·d = A[:, Q]·w_j
   as an integer identity: it ends after about log_p max|w_j| digits, the solution's own
   size. Columns still open when p^k > |d|·H are closed by the bordered minors: E = D·A22 −
   A21·adj(A11)·A12 (D = det A11) has the bordered (r+1)-minors det[[A11, a_j], [b_i, c_ij]]
   as entries, bounded by H (Hadamard's inequality on the actual rows or columns), and d·E
   is a multiple of p^k: zero. Each digit costs one BLAS product with the *original*
   entries of A21, so a digit carries ~15–35 bits; a U·V product of rank r ends at about
   the bits of an r × r minor of V instead of those of a bordered minor of U·V. The matrix
   is lifted either way round (the rows' dependencies or the columns'), the guesses racing
   digit by digit; a Figure 3 grid matrix's solutions differed 9-fold in size. The
   route takes at most a budget of digits (:func:`_padic_budget`), then hands over to FLINT
   (route 3 would be no cheaper: its primes also follow the solution's size).
3. **Multimodular, output-sensitive** (otherwise). For 62-bit primes p (FLINT nmod_mat),
   X_p = A11⁻¹A12 mod p and the congruence A[:, Q]·X_p ≡ A[:, ~Q] (mod p) is checked on
   every row. Per open column j, C_j ≡ X_p[:, j] (mod N = Π p) by CRT, a nonzero d_j by
   rational reconstruction, w_j = d_j·C_j centered mod N; then A[:, Q]·w_j ≡ d_j·a_j
   (mod N) holds, and once N > r·max|A[:, Q]|·max|w_j| + |d_j|·max|a_j| — a bound taken
   from the actual w_j, not from Hadamard — both sides are below N/2 in size, so it is an
   identity over ZZ: a_j = A[:, Q]·w_j / d_j. Closed columns leave the later primes' work.
   Columns still open when N passes the Hadamard bound H are closed by route 2's argument
   (their bordered minors are multiples of N below it in size). Reconstruction needs N of
   about twice the solution's bits; its guesses are never trusted, only the bound above.

A check that fails proves a nonzero bordered minor, so rank >= r + 1; the caller then looks
for the larger pivot set with a fresh prime.

It implements no paper result: FLINT's exact rank, Dixon's p-adic lifting, Chinese
remaindering with rational reconstruction.
"""

from __future__ import annotations

import math
import random

import flint
import numpy as np

from ..numbers.kernels import align, exact_matmul, max_abs, reduce_mod, to_storage
from .bordered import ColumnSpanWitness, UpperBoundProof, complement, hadamard_log2_bound
from .bordered import reconstruct_denominator as _reconstruct
from .modular import FAST_PRIME_BITS, random_prime, solve_mod_p
from .padic import predicted_work
from .padic import schur_padic as _schur_padic

RECONSTRUCTION_PRIME_BITS = 62
FLINT_EXACT_ENTRIES = 64 * 64  # matrices this small get FLINT's exact rank (see above)
SCHUR_PRIME_BITS = FAST_PRIME_BITS
MULTIMODULAR_PRIME_BITS = 62
_SAMPLE_COLUMNS = 16
_MIN_PRIME_BUDGET = 8  # route 3 always gets this many primes before giving up
_MIN_DIGIT_BUDGET = 64  # route 2 always gets this many digits before giving up
_DIGIT_BUDGET_FACTOR = 4
_MAX_SKIPPED_PRIMES = 8  # 62-bit primes dividing det A11 before route 3 calls it singular
_RECONSTRUCTED_PER_ROUND = 4  # entries of a column whose denominators a round clears


def prove_upper_bound(A: np.ndarray, rows, cols, rng: random.Random) -> UpperBoundProof:
    """Prove rank(A) <= len(cols) over QQ, given pivots with A[rows, cols] nonsingular."""
    rows, cols = tuple(rows), tuple(cols)
    m, n = A.shape
    if len(cols) == min(m, n):
        return UpperBoundProof(True, "full rank: the bound min(rows, cols) is trivial")
    if A.size <= FLINT_EXACT_ENTRIES or _flint_is_cheaper(A, rows, cols):
        return _flint_rank(A, rows, cols)
    flint_seconds, prime_seconds, _ = _predicted_costs(A, rows, cols)
    proof = _small_witness(A, rows, cols, rng)
    digits = None if proof is not None else _padic_budget(A, rows, cols, flint_seconds)
    if digits is not None:  # route 2 applies; past its budget, route 3 would be no cheaper
        proof = _schur_padic(A, rows, cols, rng, digits)
        if proof is None:
            note = f" (route 2 gave up: past its budget of {digits} digits, or no prime "
            note += "of its size avoided det A11)"
            return _flint_rank(A, rows, cols, note)
    if proof is None:
        budget = max(_MIN_PRIME_BUDGET, math.ceil(flint_seconds / prime_seconds))
        proof = _schur_multimodular(A, rows, cols, rng, budget)
    if proof is None:
        note = f" (route 3 passed its budget of {budget} primes)"
        return _flint_rank(A, rows, cols, note)
    return proof


def _flint_rank(A: np.ndarray, rows, cols, note: str = "") -> UpperBoundProof:
    exact = _fmpz_mat(_flint_orientation(A, rows, cols)).rank()
    method = f"FLINT's exact rank over ZZ (fmpz_mat.rank): rank {exact}{note}"
    return UpperBoundProof(exact <= len(cols), method)


def _flint_orientation(A: np.ndarray, rows, cols) -> np.ndarray:
    """A or Aᵀ (rank A = rank Aᵀ), whichever ``fmpz_mat.rank`` is expected to eliminate
    faster; a choice of speed only, never of the result.

    Measured on Figure 3/4 grid matrices (benchmarks/bench_grid_matrices.py --seeds, 2026-12):
    a non-square matrix goes tall (7 of 7 faster, by 20–300×: 180 × 216 of rank 178 took 3.0 s
    wide, 0.010 s tall); a square one goes the way whose pivots (of the modular rank profile)
    reach further, ``max(rows)`` against ``max(cols)`` (10 of 11 faster, by up to 100×; the
    miss cost 9 %).
    """
    m, n = A.shape
    if m != n:
        return A if m > n else A.T
    return A.T if cols and max(rows) > max(cols) else A


def _predicted_costs(A: np.ndarray, rows, cols) -> tuple[float, float, float]:
    """Predicted seconds of ``fmpz_mat.rank``, seconds per prime of route 3, and the primes
    route 3 needs at most (the Hadamard bound's bits in 62-bit primes).

    Measured here (python-flint 0.9, 216² to 2048² matrices, within a factor of about 3 and
    up to 14× too high for tall matrices): ``fmpz_mat.rank`` of an m × n matrix of b-bit
    entries and rank r takes about 1e-10 s · b · Σ_{k<r} (m−k)(n−k)·k (a fit, shaped like
    fraction-free elimination; at these sizes FLINT runs its multimodular rref, whose cost
    follows the actual solution's size, unknown beforehand); a prime of route 3 about
    2e-9 s · (r³/3 + r²(n−r) + m·r(n−r)) + 5 ms. Only choices depend on these, never a proof.
    """
    (m, n), r = A.shape, len(cols)
    k = np.arange(r, dtype=np.float64)
    flint_seconds = 1e-10 * max_abs(A).bit_length() * float(np.sum((m - k) * (n - k) * k))
    prime_seconds = 2e-9 * (r**3 / 3 + r * r * (n - r) + m * r * (n - r)) + 5e-3
    primes = hadamard_log2_bound(A, rows, cols) / MULTIMODULAR_PRIME_BITS
    return flint_seconds, prime_seconds, primes


def _padic_seconds(A: np.ndarray, rows, cols) -> float:
    """Predicted seconds of route 2 lifting past the Hadamard bound (its worst case; inf
    where its entries are too large): about 1e-10 s per float64 multiply-add of its BLAS
    products plus 1 ms per digit (measured at n = 300 to 2048 on two busy cores)."""
    (m, n), r = A.shape, len(cols)
    bits = hadamard_log2_bound(A, rows, cols)
    work = predicted_work(r, max_abs(A), m - r, n - r, bits)
    return math.inf if work is None else 1e-10 * work[0] + 1e-3 * work[1]


def _padic_budget(A: np.ndarray, rows, cols, flint_seconds: float) -> int | None:
    """The digits route 2 may take (its guesses' and its lifting's together) before it hands
    over to FLINT: worth _DIGIT_BUDGET_FACTOR times FLINT's predicted seconds at
    :func:`_padic_seconds`' cost of a digit (the predictions err both ways), and at least
    _MIN_DIGIT_BUDGET; None where its entries are too large for it (a choice of speed, never
    of a result)."""
    (m, n), r = A.shape, len(cols)
    work = predicted_work(r, max_abs(A), m - r, n - r, 1)  # one digit's multiply-adds
    if work is None:
        return None
    seconds = _DIGIT_BUDGET_FACTOR * flint_seconds
    return max(_MIN_DIGIT_BUDGET, math.ceil(seconds / (1e-10 * work[0] + 1e-3)))


def _flint_is_cheaper(A: np.ndarray, rows, cols) -> bool:
    """Whether FLINT's exact rank is predicted faster than routes 2 and 3 at their worst.

    Always where the matrix it gets (:func:`_flint_orientation`) has one column outside the
    pivots: its rref then solves a single right-hand side by Dixon lifting in C
    (``fmpz_mat_solve_dixon_den``), which no lifting here matches (measured: a 216 × 198 grid
    matrix of rank 197, 0.016 s against 0.14 s for route 2, whose digits cost numpy calls).
    """
    if _flint_orientation(A, rows, cols).shape[1] - len(cols) <= 1:
        return True
    flint_seconds, prime_seconds, primes = _predicted_costs(A, rows, cols)
    return flint_seconds < min(primes * prime_seconds, _padic_seconds(A, rows, cols))


def _small_witness(A, rows, cols, rng) -> UpperBoundProof | None:
    """Route 1: reconstruct W/d modulo one large prime, then check A[:,Q]·W = d·A[:,~Q]."""
    p = random_prime(RECONSTRUCTION_PRIME_BITS, rng)
    others = complement(A.shape[1], cols)
    A11 = reduce_mod(A[np.ix_(rows, cols)], p)
    A12 = reduce_mod(A[np.ix_(rows, others)], p)
    sample = others[:_SAMPLE_COLUMNS] if len(others) > 2 * _SAMPLE_COLUMNS else None
    try:
        if sample is not None:  # a generic matrix fails here cheaply, before the full solve
            Y = solve_mod_p(A11, A12[:, : len(sample)], p)
            if rational_reconstruction(np.asarray(Y, dtype=np.int64), p) is None:
                return None
        Y = solve_mod_p(A11, A12, p)
    except ValueError:  # p divides det A11: this route gives up, the next one decides
        return None
    reconstructed = rational_reconstruction(np.asarray(Y, dtype=np.int64), p)
    if reconstructed is None:
        return None
    num, den = reconstructed
    d = math.lcm(*{int(v) for v in np.unique(den)})
    W = _scale_columns(num, den, d)
    lhs, _ = exact_matmul(A[:, list(cols)], W)
    rhs = A[:, others]
    rhs = to_storage(rhs, object) * d if d != 1 else rhs
    lhs, rhs = align([lhs, rhs], 0)
    if not np.array_equal(lhs, rhs):
        return None
    witness = ColumnSpanWitness(cols, tuple(int(j) for j in others), W, d)
    return UpperBoundProof(True, "column-span witness checked exactly", (p,), witness)


def _scale_columns(num: np.ndarray, den: np.ndarray, d: int) -> np.ndarray:
    """W = num · (d / den) entrywise, in int64 when it fits, Python integers otherwise."""
    if d < 2**31 and max_abs(num) < 2**31:
        return num * (d // den)
    factors = np.array([d // int(v) for v in den.flat], dtype=object).reshape(den.shape)
    return num.astype(object) * factors


def rational_reconstruction(Y: np.ndarray, p: int):
    """Vectorized rational reconstruction of residues Y mod p.

    Returns (num, den) int64 arrays with num ≡ den·Y (mod p), |num| <= N, 0 < den <= N,
    N = ⌊√(p/2)⌋, or None when some entry has no such fraction. Uniqueness is not needed:
    whatever comes out is checked exactly by the caller.
    """
    bound = math.isqrt(p // 2)
    r0 = np.full(Y.shape, p, dtype=np.int64)
    r1 = Y.astype(np.int64) % p
    t0 = np.zeros(Y.shape, dtype=np.int64)
    t1 = np.ones(Y.shape, dtype=np.int64)
    active = r1 > bound
    while active.any():
        q = np.where(active, r0 // np.where(active, r1, 1), 0)
        r0, r1 = np.where(active, r1, r0), np.where(active, r0 - q * r1, r1)
        t0, t1 = np.where(active, t1, t0), np.where(active, t0 - q * t1, t1)
        active = r1 > bound
    sign = np.where(t1 < 0, -1, 1)
    num, den = r1 * sign, t1 * sign
    if np.any(den == 0) or np.any(den > bound):
        return None
    return num, den


def _schur_multimodular(A, rows, cols, rng, budget=None) -> UpperBoundProof | None:
    """Route 3: A[:, Q]·X_p ≡ A[:, ~Q] modulo 62-bit primes; each column is closed by its
    own solution's size (:class:`_OpenColumns`), the rest by the Hadamard bound. None when
    ``budget`` primes did not close every column (the caller then takes another route)."""
    rows_l, cols_l = list(rows), list(cols)
    hadamard_bits = math.ceil(hadamard_log2_bound(A, rows, cols)) + 2
    AQ = A[:, cols_l]
    Z11, ZQ = _fmpz_mat(A[np.ix_(rows_l, cols_l)]), _fmpz_mat(AQ)
    columns = _OpenColumns(A, rows_l, complement(A.shape[1], cols), len(cols) * max_abs(AQ))
    primes, modulus, next_bits, skipped = [], 1, 0, 0
    while len(columns.open) and modulus.bit_length() <= hadamard_bits:
        if budget is not None and len(primes) >= budget:
            return None
        p = random_prime(MULTIMODULAR_PRIME_BITS, rng)
        if p in primes:
            continue
        try:
            X = flint.nmod_mat(Z11, p).solve(flint.nmod_mat(columns.Z12, p))
        except ZeroDivisionError:  # p | det A11: this prime tells nothing
            skipped += 1
            if skipped > _MAX_SKIPPED_PRIMES:  # det A11 = 0: these are no pivots
                return None
            continue
        if flint.nmod_mat(ZQ, p) * X != flint.nmod_mat(columns.ZN, p):
            return UpperBoundProof(False, f"a bordered minor is nonzero modulo {p}", (p,))
        primes.append(p)
        modulus *= p
        columns.add(p, X)
        if modulus.bit_length() >= next_bits:
            columns.close()
            next_bits = modulus.bit_length() * 3 // 2 + 1
    method = (
        f"every other column an exact rational combination of the pivot columns, checked "
        f"modulo {len(primes)} primes past each column's own bound (at most "
        f"{columns.bound_bits} bits)"
    )
    if len(columns.open):
        method += f"; {len(columns.open)} columns past a {hadamard_bits}-bit Hadamard bound"
    return UpperBoundProof(True, method, tuple(primes))


def _fmpz_mat(X: np.ndarray):
    return flint.fmpz_mat(X.shape[0], X.shape[1], X.ravel().tolist())


class _OpenColumns:
    """The non-pivot columns j not yet proven to be rational combinations of A[:, Q].

    For every prime p so far, X_p solves A[:, Q]·X_p ≡ A[:, ~Q] (mod p) (checked by the
    caller on all rows). ``close`` takes C ≡ X_p (mod every p) by CRT and, per column j,
    a nonzero d_j (rational reconstruction); w_j = d_j·C[:, j] centered mod the modulus N
    then satisfies A[:, Q]·w_j ≡ d_j·a_j (mod N), and a column is closed when
    r·max|A[:, Q]|·max|w_j| + |d_j|·max|a_j| < N, which makes the congruence an identity.
    """

    def __init__(self, A, rows, others, r_aQ):
        self.A, self.rows, self.r_aQ, self.bound_bits = A, rows, r_aQ, 0
        self.new = []  # (p, X_p as int64) since the last close, for the open columns
        self.C, self.N = np.zeros((len(rows), len(others)), dtype=object), 1  # C ≡ X_p mod N
        self.a = np.array([max_abs(A[:, [j]]) for j in others], dtype=object)
        self.d = np.ones(len(others), dtype=object)  # denominators found so far
        self.Z12 = None
        self._set_open(np.asarray(others), np.arange(len(others)))

    def _set_open(self, open_cols, keep) -> None:
        self.open, self.a, self.C, self.d = open_cols, self.a[keep], self.C[:, keep], self.d[keep]
        if self.Z12 is None or 3 * len(open_cols) <= 2 * self.Z12.ncols():
            # the primes' work shrinks with the open columns (closed ones cost a rebuild)
            self.Z12 = _fmpz_mat(self.A[np.ix_(self.rows, open_cols)])
            self.ZN = _fmpz_mat(self.A[:, open_cols])
            self.solved = open_cols  # the columns the caller solves and checks per prime

    def add(self, p: int, X) -> None:
        flat = np.array([int(v) for v in X.entries()], dtype=np.int64)
        X = flat.reshape(X.nrows(), X.ncols())
        self.new.append((p, X[:, np.searchsorted(self.solved, self.open)]))

    def close(self) -> None:
        held_p, held_R = self.new[-1]  # a prime held out to test reconstructions cheaply
        M = math.prod(p for p, _ in self.new)
        fresh = np.zeros(self.C.shape, dtype=object)  # the new primes' CRT, mod M
        for p, R in self.new:
            cofactor = M // p
            fresh += R.astype(object) * (cofactor * pow(cofactor % p, -1, p))
        # C + N·t ≡ C (mod N) and ≡ fresh (mod M), for t = (fresh − C)·N⁻¹ mod M
        self.C += self.N * ((fresh - self.C) * pow(self.N % M, -1, M) % M)
        self.N, self.new = self.N * M, []
        C, N = self.C, self.N  # C ≡ X_p (mod every p so far), 0 <= C < N
        denominator = self._denominators(C, N, held_p, held_R)
        pending = np.ones(len(self.open), dtype=bool)
        closed = np.zeros(len(self.open), dtype=bool)
        d = self.d
        while pending.any():  # a round clears one more factor of each pending d_j
            idx = np.flatnonzero(pending)
            W = C[:, idx] * d[idx] % N
            W = np.where(2 * W > N, W - N, W)
            big = np.max(np.abs(W), axis=0)
            bound = self.r_aQ * big + d[idx] * self.a[idx]
            ok = bound < N
            closed[idx[ok]] = True
            pending[idx[ok]] = False
            if ok.any():
                self.bound_bits = max(self.bound_bits, int(max(bound[ok])).bit_length())
            for k in np.flatnonzero(~ok):
                factor = 1
                for i in np.argsort(np.abs(W[:, k]))[::-1][:_RECONSTRUCTED_PER_ROUND]:
                    b = denominator(idx[k], i, d[idx[k]])
                    if b is None:
                        break
                    factor = math.lcm(factor, b)
                d[idx[k]] *= factor
                # w_j is d_j times x_j, so once d_j·r·a_Q >= N this N cannot close column j
                if factor == 1 or d[idx[k]] * self.r_aQ >= N:
                    pending[idx[k]] = False  # not yet: more primes
        if closed.any():
            keep = np.flatnonzero(~closed)
            self._set_open(self.open[keep], keep)

    @staticmethod
    def _denominators(C, N: int, p: int, R):
        """b(t, i, d): the denominator of d·C[i, t] by rational reconstruction modulo N/p,
        kept only if the fraction also holds modulo the held-out prime p (else None): a
        filter against futile guesses, which proves nothing and need not."""
        held = N // p

        def denominator(t: int, i: int, d: int) -> int | None:
            if held <= p:  # too few primes to hold one out: wait for more
                return None
            b = _reconstruct(int(C[i, t]) * d % held, held)
            if b is None:
                return None
            a = b * d * int(C[i, t]) % held
            return b if (a - held if 2 * a > held else a) % p == b * d * int(R[i, t]) % p else None

        return denominator
