"""The upper-bound proofs: they close true bounds and are never fooled by false ones."""

import random
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exactrank.linalg.modular import rank_profile_mod_p
from exactrank.linalg.upper_bound import (
    _schur_multimodular,
    _schur_padic,
    _small_witness,
    hadamard_log2_bound,
    prove_upper_bound,
    rational_reconstruction,
)

ROUTES = [_small_witness, _schur_padic, _schur_multimodular, prove_upper_bound]


def _low_rank(seed, n=40, r=6, high=50):
    rng = np.random.default_rng(seed)
    return rng.integers(-high, high + 1, (n, r)) @ rng.integers(-high, high + 1, (r, n))


def _outside(n, chosen):
    return next(k for k in range(n) if k not in chosen)


@pytest.mark.parametrize("seed", range(6))
def test_true_bounds_are_proven_by_the_schur_routes(seed):
    A = _low_rank(seed)
    profile = rank_profile_mod_p(A, 1000003)
    for route in (_schur_padic, _schur_multimodular, prove_upper_bound):
        assert route(A, profile.rows, profile.cols, random.Random(seed)).proven


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("change", [1, -3, 2**40, 1000003 * 7])
def test_false_bounds_are_refused_by_every_route(seed, change):
    """One entry outside the pivot rows and columns changed: the rank grows by one, and a
    change by a large power of two or a multiple of the pivot prime must not slip through."""
    A = _low_rank(seed)
    profile = rank_profile_mod_p(A, 1000003)
    i, j = _outside(A.shape[0], profile.rows), _outside(A.shape[1], profile.cols)
    A[i, j] += change
    for route in ROUTES:
        proof = route(A, profile.rows, profile.cols, random.Random(seed))
        assert proof is None or not proof.proven, route.__name__


def test_structured_matrix_gets_a_small_witness():
    n = 30
    A = np.ones((n, n), dtype=np.int64) - np.eye(n, dtype=np.int64)
    A = np.vstack([A, A[:5] + A[5:10]])  # extra rows in the span
    profile = rank_profile_mod_p(A, 1000003)
    proof = _small_witness(A, profile.rows, profile.cols, random.Random(0))
    assert proof is not None and proof.proven
    w = proof.witness
    lhs = A[:, list(w.cols)].astype(object).dot(w.W.astype(object))
    assert (lhs == w.d * A[:, list(w.others)].astype(object)).all()


def test_rational_reconstruction_finds_small_fractions():
    p = 2**61 - 1
    fractions = [Fraction(3, 7), Fraction(-22, 5), Fraction(0), Fraction(10**8, 10**9 + 7)]
    Y = np.array([q.numerator * pow(q.denominator, -1, p) % p for q in fractions])
    num, den = rational_reconstruction(Y, p)
    assert [Fraction(int(a), int(b)) for a, b in zip(num, den, strict=True)] == fractions


def test_hadamard_bound_dominates_the_bordered_minors():
    import sympy

    A = _low_rank(3, n=12, r=3, high=9)
    A[5, 7] += 11
    profile = rank_profile_mod_p(A, 1000003)
    log2_bound = hadamard_log2_bound(A, profile.rows, profile.cols)
    rows, cols = list(profile.rows), list(profile.cols)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if i in rows or j in cols:
                continue
            minor = sympy.Matrix(A[np.ix_(rows + [i], cols + [j])].tolist()).det()
            assert minor == 0 or np.log2(abs(int(minor))) <= log2_bound


@pytest.mark.parametrize("seed", range(3))
def test_padic_route_does_not_trust_its_inverse(seed, monkeypatch):
    """A wrong inverse of the pivot minor mod p breaks the checked Dixon identities: the
    route refuses instead of proving anything (true bound or not)."""
    import exactrank.linalg.padic as padic

    A = _low_rank(seed)
    profile = rank_profile_mod_p(A, 1000003)
    real = padic.solve_mod_p

    def wrong_inverse(M, B, p):
        X = real(M, B, p)
        X[0, 0] = (X[0, 0] + 1) % p
        return X

    monkeypatch.setattr(padic, "solve_mod_p", wrong_inverse)
    proof = _schur_padic(A, profile.rows, profile.cols, random.Random(seed))
    assert proof is not None and not proof.proven
    assert "Dixon" in proof.method


# ---------------------------------------------------------------- route 3 and the route choice


def _oracle_rank(A) -> int:
    return flint.fmpz_mat(np.asarray(A, dtype=object).tolist()).rank()


def _adversarial(kind, seed):
    """Matrices whose rank is easy to get wrong: deficiency hidden in the last row, one
    entry +1 (rank up by one), entries past 2^63, ranks 0, 1, full and n − 1."""
    rng = np.random.default_rng(seed)
    n = 24
    if kind == "last row":  # rank n − 1: the last row is a combination of the others
        A = rng.integers(-(2**20), 2**20, (n, n)).astype(object)
        A[-1] = sum(int(c) * A[i] for i, c in enumerate(rng.integers(-9, 10, n - 1)))
        return A
    if kind == "plus one":  # a low-rank product with one entry moved: rank r + 1
        A = _low_rank(seed, n=n, r=5, high=2**20).astype(object)
        A[-1, -1] += 1
        return A
    if kind == "past 2^63":
        U = rng.integers(-(2**40), 2**40, (n, 4)).astype(object) * 2**30
        V = rng.integers(-(2**40), 2**40, (4, n)).astype(object)
        return U.dot(V)
    if kind == "rank 1":
        return np.outer(rng.integers(1, 2**31, n), rng.integers(-(2**31), 2**31, n)).astype(object)
    if kind == "full":
        return rng.integers(-(2**62), 2**62, (n, n)).astype(object)
    raise ValueError(kind)


ADVERSARIAL = ["last row", "plus one", "past 2^63", "rank 1", "full"]


@pytest.mark.parametrize("kind", ADVERSARIAL)
@pytest.mark.parametrize("seed", range(3))
def test_multimodular_route_agrees_with_flint(kind, seed):
    """Route 3 proves rank <= r exactly when FLINT's exact rank is r, for the pivots of a
    rank profile modulo a prime (true bound) and for those pivots minus one (false bound)."""
    A = _adversarial(kind, seed)
    exact = _oracle_rank(A)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    assert profile.rank == exact  # a 61-bit prime dividing a maximal minor: not here
    for rows, cols in [(profile.rows, profile.cols), (profile.rows[1:], profile.cols[1:])]:
        if len(cols) == 0 and exact > 0 or len(cols) == min(A.shape):
            continue
        proof = _schur_multimodular(A, rows, cols, random.Random(seed))
        assert proof.proven == (len(cols) >= exact), (kind, len(cols), exact, proof.method)


def test_multimodular_route_closes_columns_by_their_own_size():
    """A matrix whose non-pivot columns are small combinations of 12 columns of 60-bit
    entries is proven long before the Hadamard bound."""
    rng = np.random.default_rng(0)
    B = rng.integers(-(2**60), 2**60, (40, 12)).astype(object)
    A = np.hstack([B, B.dot(rng.integers(-3, 4, (12, 28)).astype(object))])
    profile = rank_profile_mod_p(A, 2**61 - 1)
    proof = _schur_multimodular(A, profile.rows, profile.cols, random.Random(0))
    assert proof.proven and "own bound" in proof.method and "Hadamard" not in proof.method
    assert len(proof.primes) < hadamard_log2_bound(A, profile.rows, profile.cols) / 62 / 4


@pytest.mark.parametrize("seed", range(3))
def test_multimodular_route_does_not_trust_its_reconstructions(seed, monkeypatch):
    """Wrong denominators from rational reconstruction only delay the proof: a true bound
    is still proven (by the Hadamard backstop) and a false one still refused."""
    import exactrank.linalg.upper_bound as ub

    monkeypatch.setattr(ub, "_reconstruct", lambda c, N: 3)
    A = _low_rank(seed, n=30, r=4, high=2**30)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    proof = _schur_multimodular(A, profile.rows, profile.cols, random.Random(seed))
    assert proof.proven and "Hadamard" in proof.method
    i, j = _outside(A.shape[0], profile.rows), _outside(A.shape[1], profile.cols)
    A[i, j] += 1
    assert not _schur_multimodular(A, profile.rows, profile.cols, random.Random(seed)).proven


@pytest.mark.parametrize("seed", range(4))
def test_a_check_skipping_one_schur_row_is_caught_by_the_oracle(seed, monkeypatch):
    """Mutation: the per-prime check A[:, Q]·X_p ≡ A[:, ~Q] made blind to the last row.
    With the extra rank in one entry of that row (one nonzero Schur entry) the mutated route
    claims a false bound, and comparing with FLINT's exact rank catches it; the real route
    refuses."""
    import exactrank.linalg.upper_bound as ub

    A = _low_rank(seed, n=30, r=4, high=2**30).astype(object)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    assert A.shape[0] - 1 not in profile.rows and A.shape[1] - 1 not in profile.cols
    A[-1, -1] += 1  # rank 5, and the Schur complement is zero but for its last entry
    assert _oracle_rank(A) == 5
    assert not _schur_multimodular(A, profile.rows, profile.cols, random.Random(seed)).proven

    real_nmod = ub.flint.nmod_mat

    class BlindFlint:  # nmod_mat of the m-row matrices A[:, Q], A[:, ~Q] without their last row
        fmpz_mat = ub.flint.fmpz_mat

        @staticmethod
        def nmod_mat(Z, p):
            if Z.nrows() != A.shape[0]:
                return real_nmod(Z, p)
            return real_nmod([[int(v) for v in row] for row in Z.tolist()[:-1]], p)

    monkeypatch.setattr(ub, "flint", BlindFlint)
    mutated = _schur_multimodular(A, profile.rows, profile.cols, random.Random(seed))
    assert mutated.proven and profile.rank < _oracle_rank(A)  # the oracle sees the false claim


def test_fraction_free_elimination_is_chosen_only_where_cheap():
    from exactrank.linalg.upper_bound import _flint_is_cheaper

    small = _adversarial("past 2^63", 1)  # 24 × 24, big entries: elimination is cheap
    p = rank_profile_mod_p(small, 2**61 - 1)
    assert _flint_is_cheaper(small, p.rows, p.cols)
    generic = _low_rank(0, n=1024, r=128, high=512)  # where fmpz_mat.rank collapses
    rows = cols = tuple(range(128))
    assert not _flint_is_cheaper(generic, rows, cols)


def test_route_3_past_its_budget_hands_over_to_flint(monkeypatch):
    """Out of primes, route 3 proves nothing (None); prove_upper_bound then ends in FLINT's
    exact rank, and both a true and a false bound come out right."""
    import exactrank.linalg.upper_bound as ub

    A = _low_rank(0, n=40, r=6, high=2**20)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    assert _schur_multimodular(A, profile.rows, profile.cols, random.Random(0), 1) is None
    monkeypatch.setattr(ub, "_flint_is_cheaper", lambda A, rows, cols: False)
    monkeypatch.setattr(ub, "FLINT_EXACT_ENTRIES", 0)
    monkeypatch.setattr(ub, "_small_witness", lambda A, rows, cols, rng: None)
    monkeypatch.setattr(ub, "_padic_budget", lambda *args: None)  # route 2 does not apply
    monkeypatch.setattr(ub, "_MIN_PRIME_BUDGET", 1)
    monkeypatch.setattr(ub, "_predicted_costs", lambda A, rows, cols: (0.0, 1.0, 1.0))
    proof = prove_upper_bound(A, profile.rows, profile.cols, random.Random(0))
    assert proof.proven and "passed its budget of 1 primes" in proof.method
    A[-1, -1] += 1
    assert not prove_upper_bound(A, profile.rows, profile.cols, random.Random(0)).proven


# ---------------------------------------------------------------- route 2: p-adic, ended exactly


def _padic_case(kind, seed):
    """Matrices for route 2 (entries below 2^40), rank known to FLINT: deficiency hidden in
    the last row, a low-rank product with one entry moved, huge (n − 1) and tiny (1, 2) ranks,
    and a generic product whose solution is as large as the Hadamard bound allows."""
    rng = np.random.default_rng(seed)
    n = 24
    if kind == "last row":
        A = rng.integers(-(2**20), 2**20, (n, n))
        A[-1] = rng.integers(-9, 10, n - 1) @ A[:-1]
        return A
    if kind == "plus one":
        A = _low_rank(seed, n=n, r=5, high=2**10)
        A[-1, -1] += 1
        return A
    if kind == "rank 1":
        return np.outer(rng.integers(1, 2**15, n), rng.integers(-(2**15), 2**15, n))
    if kind == "rank 2, tall":
        return rng.integers(-(2**12), 2**12, (3 * n, 2)) @ rng.integers(-(2**12), 2**12, (2, n))
    if kind == "generic":
        return _low_rank(seed, n=48, r=16, high=512)
    raise ValueError(kind)


PADIC_CASES = ["last row", "plus one", "rank 1", "rank 2, tall", "generic"]


@pytest.mark.parametrize("kind", PADIC_CASES)
@pytest.mark.parametrize("seed", range(3))
def test_padic_route_agrees_with_flint(kind, seed):
    """Route 2 proves rank <= r exactly when FLINT's exact rank is r: the pivots of a rank
    profile (true bound) and those pivots minus one (false bound)."""
    A = _padic_case(kind, seed)
    exact = _oracle_rank(A)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    assert profile.rank == exact
    for rows, cols in [(profile.rows, profile.cols), (profile.rows[1:], profile.cols[1:])]:
        if not cols or len(cols) == min(A.shape):
            continue
        proof = _schur_padic(A, rows, cols, random.Random(seed))
        assert proof is not None
        assert proof.proven == (len(cols) >= exact), (kind, len(cols), exact, proof.method)


def test_padic_route_ends_with_the_solution_not_the_bound():
    """A generic product's solution has about half the Hadamard bound's bits (the minors
    of V alone): the lifting ends exactly, every column, well before the bound."""
    from exactrank.linalg import padic

    A = _padic_case("generic", 0)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    proof = _schur_padic(A, profile.rows, profile.cols, random.Random(0))
    assert proof.proven and "ended exactly" in proof.method and "past" not in proof.method
    p = proof.primes[0]
    digits = int(proof.method.split(f"{p}^")[1].split()[0])
    assert digits * np.log2(p) < 0.75 * hadamard_log2_bound(A, profile.rows, profile.cols)
    assert padic.plan(16, 10**6, 32, 32) is not None


@pytest.mark.parametrize("wrong", [lambda d: 1, lambda d: 3 * d + 1, lambda d: 2**200])
def test_padic_route_does_not_trust_its_guess_of_d(wrong, monkeypatch):
    """A wrong common denominator only leaves columns open until the bound |d|·H: a true
    bound is still proven, and a false one still refused."""
    from exactrank.linalg import denominator_guess

    real = denominator_guess._common_denominator

    def wrong_guess(values, modulus):
        guess = real(values, modulus)
        return None if guess is None else wrong(guess)

    monkeypatch.setattr(denominator_guess, "_common_denominator", wrong_guess)
    A = _padic_case("generic", 1)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    proof = _schur_padic(A, profile.rows, profile.cols, random.Random(1))
    assert proof.proven
    i, j = _outside(A.shape[0], profile.rows), _outside(A.shape[1], profile.cols)
    A[i, j] += 1
    assert not _schur_padic(A, profile.rows, profile.cols, random.Random(1)).proven


def test_padic_route_with_a_carry_blind_to_one_schur_row_is_caught(monkeypatch):
    """Mutation: the carried check of A21·X ≡ d·A22 made blind to the last row of the
    Schur complement. With the extra rank in that row the mutated route claims a false
    bound, which FLINT's exact rank refutes; the real route refuses."""
    from exactrank.linalg import padic

    A = _padic_case("generic", 2)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    assert A.shape[0] - 1 not in profile.rows and A.shape[1] - 1 not in profile.cols
    A[-1, -1] += 1
    assert _oracle_rank(A) == profile.rank + 1
    assert not _schur_padic(A, profile.rows, profile.cols, random.Random(2)).proven
    real = padic._carry

    def blind(A21, Y, C, p):
        ok = real(A21[:-1], Y, C[:-1], p)
        C[-1] = 0
        return ok

    monkeypatch.setattr(padic, "_carry", blind)
    assert _schur_padic(A, profile.rows, profile.cols, random.Random(2)).proven


def test_padic_route_declines_entries_too_large_for_float64():
    A = _adversarial("past 2^63", 0)
    profile = rank_profile_mod_p(A, 2**61 - 1)
    assert _schur_padic(A, profile.rows, profile.cols, random.Random(0)) is None
    assert prove_upper_bound(A, profile.rows, profile.cols, random.Random(0)).proven


@given(st.integers(1, 2**300), st.sampled_from([3, 5, 1000003, 2**31 - 1]))
def test_balanced_digits_give_back_d(d, p):
    from exactrank.linalg.padic import _balanced_digits

    digits = _balanced_digits(d, p)
    assert sum(delta * p**k for k, delta in enumerate(digits)) == d
    assert all(2 * abs(delta) <= p for delta in digits)


@given(st.integers(1, 4096), st.integers(1, 2**45), st.integers(0, 4096))
def test_padic_plans_keep_every_value_below_2_53(r, a, others):
    """The plan's bound B on the remainders and carries, and each product it takes, stay
    below 2^53 (the float64 exactness of the module docstring)."""
    from exactrank.linalg.padic import plan, plan_bound

    chosen = plan(r, a, others, others)
    if chosen is None:
        return
    beta, limbs, b = chosen
    h = 2 ** (beta - 1) + 1
    B = plan_bound(r, a, beta)
    assert B + r * a * h < 2**53
    assert b * limbs >= h.bit_length()  # the limbs hold R mod p, |R mod p| <= h
    assert (r + 1) * h * 2**b < 2**53
    # the recurrence maps [−B, B] into itself for every prime of β bits
    for p in (2 ** (beta - 1) + 1, 2**beta - 1):
        assert (B + r * a * h) // p + 1 + h * a <= B + 1


@pytest.mark.parametrize("shape", [(9, 23), (23, 9)])
def test_fraction_free_elimination_gets_the_tall_orientation_and_stays_exact(monkeypatch, shape):
    """FLINT is handed A or Aᵀ, whichever has at least as many rows as columns; a true bound
    is proven and a false one (one below the rank) refused, against the Fraction oracle.
    A square matrix goes the way whose pivots reach further, with the same ranks."""
    from oracles import rank_fraction

    import exactrank.linalg.upper_bound as ub

    rng = np.random.default_rng(7)
    A = rng.integers(-(2**40), 2**40, (shape[0], 5)) @ rng.integers(-9, 9, (5, shape[1]))
    A[-1, -1] += 1  # rank deficiency broken in the last entry: rank 6
    seen = []
    real = ub._fmpz_mat
    monkeypatch.setattr(ub, "_fmpz_mat", lambda X: seen.append(X.shape) or real(X))
    rank = rank_fraction(A.tolist())
    assert rank == 6
    assert ub._flint_rank(A, range(rank), range(rank)).proven
    assert not ub._flint_rank(A, range(rank - 1), range(rank - 1)).proven
    assert seen == [(23, 9), (23, 9)]
    square = A[:9, :9]
    assert ub._flint_orientation(square, (0, 1, 8), (0, 1, 2)) is not square  # Aᵀ
    assert ub._flint_orientation(square, (0, 1, 2), (0, 1, 8)) is square
    assert ub._flint_orientation(square, (), ()) is square
    rank = rank_fraction(square.tolist())
    for rows, cols in [((8,), (0,)), ((0,), (8,))]:  # either orientation: the same verdicts
        assert ub._flint_rank(square, rows + (1,) * (rank - 1), cols + (1,) * (rank - 1)).proven
        shy = rows + (1,) * (rank - 2), cols + (1,) * (rank - 2)
        assert not ub._flint_rank(square, *shy).proven


def test_route_3_on_a_singular_minor_gives_up():
    """Pivots whose minor is singular (never what rank() passes): every prime divides its
    determinant, and route 3 returns None after _MAX_SKIPPED_PRIMES instead of looping."""
    A = np.array([[1, 2, 3], [2, 4, 6], [1, 1, 1], [5, 5, 7]])
    assert _schur_multimodular(A, (0, 1), (0, 1), random.Random(1), 8) is None
