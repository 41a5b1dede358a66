"""Route 2 (p-adic lifting) on entries from 2^40 to 2^61, where the residuals are two int64
words (exactrank.numbers.words) and the matrix two float64 limbs: true bounds proven, false
ones never, whatever the orientation, the guess of d or a broken certifier; FLINT the oracle.
(helper-written)"""

import random

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactrank
import exactrank.linalg.denominator_guess as denominator_guess
import exactrank.linalg.padic as padic
from exactrank.linalg.modular import rank_profile_mod_p
from exactrank.linalg.padic import plan, schur_padic, wide_plan
from exactrank.linalg.upper_bound import prove_upper_bound
from exactrank.numbers.kernels import max_abs

P61 = 2**61 - 1
SEEDS = [0, 1, 2]


def flint_rank(A) -> int:
    return flint.fmpz_mat([[int(v) for v in row] for row in A.tolist()]).rank()


def pivots(A):
    profile = rank_profile_mod_p(A, P61)
    return profile.rows, profile.cols


def assert_wide(A, r):
    """The entries are too large for the float64 plan: the two-word route runs."""
    m, n = A.shape
    a = max_abs(A)
    assert 2**40 <= a < 2**61
    assert plan(r, a, m - r, n - r) is None
    assert wide_plan(r, a, m - r, n - r) is not None


def prove(A, rows, cols, seed=0, budget=None):
    return schur_padic(A, rows, cols, random.Random(seed), budget)


def assert_proven(A, seed=0):
    """rank A <= the rank mod 2^61 − 1 (= FLINT's rank) is proven, on int64 and object."""
    rows, cols = pivots(A)
    assert len(cols) == flint_rank(A)
    assert_wide(A, len(cols))
    for M in (A, A.astype(object)):
        proof = prove(M, rows, cols, seed)
        assert proof is not None and proof.proven is True, (proof, A.shape, len(cols))


def assert_refused(A, rows, cols, seed=0, budget=None):
    """A false bound (FLINT says so): proven False or None, never proven True."""
    assert flint_rank(A) > len(cols)
    for M in (A, A.astype(object)):
        proof = prove(M, rows, cols, seed, budget)
        assert proof is None or proof.proven is False, (proof, A.shape, len(cols))


# matrices ------------------------------------------------------------------------------------


def signed(rng, low_bits, high_bits, shape):
    """Entries of magnitude in [2^low_bits, 2^high_bits), random signs."""
    X = rng.integers(2**low_bits, 2**high_bits, size=shape, dtype=np.int64)
    return X * rng.choice(np.array([-1, 1], dtype=np.int64), size=shape)


def last_row_dependent(rng, m, n):
    """Rows of size about 2^59, the last one r_0 + r_1 − r_2 (so below 2^61): rank m − 1
    (when m <= n) hidden in the last row."""
    A = signed(rng, 57, 59, (m, n))
    A[-1] = A[0] + A[1] - A[2]
    return A


def low_rank(rng, m, n, r, u_bits=28, v_bits=30):
    """U·V with U m×r (entries near 2^u_bits) and V r×n (near 2^v_bits): rank r."""
    return signed(rng, u_bits - 2, u_bits, (m, r)) @ signed(rng, v_bits - 2, v_bits, (r, n))


def asymmetric(rng, n, r):
    """X·B with X n×r of entries in [−3, 3] and B r×n of entries near 2^56: the rows'
    dependencies are small (combinations of B's rows with small coefficients), the columns'
    are as large as det B[:, Q]."""
    X = rng.integers(-3, 4, size=(n, r), dtype=np.int64)
    X[:r] += 7 * np.eye(r, dtype=np.int64)  # nonsingular enough, still small
    return X @ signed(rng, 55, 56, (r, n))


# true bounds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(16, 16), (13, 21), (9, 9)])
def test_rank_deficiency_hidden_in_the_last_row(seed, shape):
    A = last_row_dependent(np.random.default_rng(seed), *shape)
    assert flint_rank(A) == min(shape[0] - 1, shape[1])
    assert_proven(A, seed)
    assert_proven(np.ascontiguousarray(A.T), seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_rank_n_minus_one_generic(seed):
    """Rank n − 1 with no small dependency either way (the solution near Hadamard's bound)."""
    rng = np.random.default_rng(seed)
    n = 14
    A = low_rank(rng, n, n, n - 1, 26, 30)
    assert flint_rank(A) == n - 1
    assert_proven(A, seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("r", [1, 2])
@pytest.mark.parametrize("shape", [(12, 12), (25, 7), (7, 25)])
def test_tiny_ranks(seed, r, shape):
    A = low_rank(np.random.default_rng(seed), *shape, r, 24, 36)
    assert flint_rank(A) == r
    assert_proven(A, seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape,r", [((30, 9), 5), ((9, 30), 5), ((40, 12), 11), ((12, 40), 11)])
def test_tall_and_wide(seed, shape, r):
    A = low_rank(np.random.default_rng(seed), *shape, r, 27, 30)
    assert flint_rank(A) == r
    assert_proven(A, seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n,r", [(16, 4), (20, 8)])
def test_square_with_small_dependencies_one_way_round(seed, n, r):
    """One orientation's solution is small, the other's large: proven either way."""
    A = asymmetric(np.random.default_rng(seed), n, r)
    assert flint_rank(A) == r
    assert_proven(A, seed)
    assert_proven(np.ascontiguousarray(A.T), seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_non_square_with_small_dependencies_either_way(seed):
    """Non-square matrices are lifted tall only: whichever side the small solution is on."""
    rng = np.random.default_rng(seed)
    A = asymmetric(rng, 24, 6)[:, :15]  # 24 × 15, small row dependencies
    assert flint_rank(A) == 6
    assert_proven(A, seed)
    assert_proven(np.ascontiguousarray(A.T), seed)
    A = asymmetric(rng, 24, 6)[:15, :]  # 15 × 24
    assert_proven(A, seed)
    assert_proven(np.ascontiguousarray(A.T), seed)


def test_entries_just_below_2_62():
    """The largest entries route 2 takes (wide_plan's limit), through the extremes."""
    rng = np.random.default_rng(7)
    A = signed(rng, 58, 59, (10, 10))
    A[:, 0] = np.abs(A[:, 0])
    A[0, 0] = 2**62 - 1 - A[1:7, 0].sum()  # then the last row starts with 2^62 − 1
    A[-1] = A[:7].sum(axis=0)  # up to 7·2^59 < 2^62 elsewhere
    assert A[-1, 0] == 2**62 - 1 and max_abs(A) == 2**62 - 1
    rows, cols = pivots(A)
    assert len(cols) == flint_rank(A) == 9
    for M in (A, A.astype(object)):
        proof = prove(M, rows, cols)
        assert proof is not None and proof.proven is True


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("m,n,r", [(60, 30, 29), (30, 60, 29), (40, 40, 39), (40, 40, 20)])
def test_near_the_edge(seed, m, n, r):
    """X·B with X in {−1, 0, 1} (plus 2·I) and B near 2^57: entries near 2^61, large ranks;
    tall, the columns' solution is as large as Hadamard's bound (thousands of bits)."""
    rng = np.random.default_rng(seed)
    X = rng.integers(-1, 2, size=(m, r), dtype=np.int64)
    X[:r] += 2 * np.eye(r, dtype=np.int64)
    A = X @ signed(rng, 56, 57, (r, n))
    assert flint_rank(A) == r
    assert_proven(A, seed)
    rows, cols = pivots(A)
    B = A.copy()
    B[-1, 0] += 1
    assert_refused(B, rows, cols, seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_race_lifts_the_small_side(seed):
    """Square: the guesses race both ways round, so the small rows' solution is found within
    a budget far below what the columns' (d of about 8·57 bits) would need, either way."""
    A = asymmetric(np.random.default_rng(seed), 40, 8)
    for M in (A, np.ascontiguousarray(A.T)):
        rows, cols = pivots(M)
        proof = prove(M, rows, cols, seed, budget=24)
        assert proof is not None and proof.proven is True


# false bounds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape,r", [((14, 14), 4), ((20, 11), 6), ((11, 20), 6), ((13, 13), 12)])
def test_low_rank_with_one_entry_moved_by_one_is_refused(seed, shape, r):
    rng = np.random.default_rng(seed)
    A = low_rank(rng, *shape, r, 26 if r > 6 else 28, 30)
    rows, cols = pivots(A)
    assert len(cols) == r == flint_rank(A)
    for delta in (1, -1):
        B = A.copy()
        B[int(rng.integers(0, shape[0])), int(rng.integers(0, shape[1]))] += delta
        assert flint_rank(B) == r + 1
        assert_refused(B, rows, cols, seed)
        if r + 1 < min(shape):  # (full rank: test_full_column_rank_bound)
            assert_proven(B, seed)  # its own pivots: the true bound r + 1


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "make",
    [
        lambda rng: last_row_dependent(rng, 12, 12),
        lambda rng: low_rank(rng, 15, 15, 5),
        lambda rng: low_rank(rng, 22, 9, 6),
        lambda rng: asymmetric(rng, 16, 6),
        lambda rng: low_rank(rng, 10, 10, 2, 24, 36),
    ],
)
def test_the_pivots_minus_one_are_never_proven(seed, make):
    A = make(np.random.default_rng(seed))
    rows, cols = pivots(A)
    r = len(cols)
    assert r == flint_rank(A)
    for drop in range(min(r, 3)):  # each of several pivot pairs dropped
        sub_rows = rows[:drop] + rows[drop + 1 :]
        sub_cols = cols[:drop] + cols[drop + 1 :]
        assert_refused(A, sub_rows, sub_cols, seed)
    # and a wrong pair: the pivot rows with the columns of another minor
    assert_refused(A, rows[1:], cols[:-1], seed)


def _extra_rank_in_last_row(rng):
    """Tall (lifted as given): the first 11 rows of rank 3, the last row independent."""
    A = np.vstack([low_rank(rng, 11, 8, 3), signed(rng, 58, 60, (1, 8))])
    rows, cols = pivots(A[:-1])
    assert len(cols) == 3 and flint_rank(A) == 4
    return A, rows, cols


@pytest.mark.parametrize("seed", SEEDS)
def test_a_carry_that_ignores_the_last_schur_row_claims_a_false_bound(seed, monkeypatch):
    """The mutation test: the certifier's check on the Schur side is what refuses."""
    A, rows, cols = _extra_rank_in_last_row(np.random.default_rng(seed))
    assert_wide(A, 3)
    assert_refused(A, rows, cols, seed)  # the real route

    original = padic._wide_carry
    calls = []

    def ignores_last_row(parts, s, Y, C, p):
        calls.append(1)
        hi, lo = C
        ok = original((parts[0][:-1], parts[1][:-1]), s, Y, (hi[:-1], lo[:-1]), p)
        hi[-1], lo[-1] = 0, 0
        return ok

    monkeypatch.setattr(padic, "_wide_carry", ignores_last_row)
    claimed = prove(A, rows, cols, seed)
    assert calls and claimed is not None and claimed.proven is True  # the mutant is fooled
    monkeypatch.undo()
    assert_refused(A, rows, cols, seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "wrong",
    [
        lambda d: 1,
        lambda d: 3 * d + 1,
        lambda d: 2**200,
        lambda d: 2 * d,
        lambda d: d + 1,
        lambda d: 0,
        lambda d: -d,
        lambda d: -1,
    ],
    ids=["1", "3d+1", "2^200", "2d", "d+1", "0", "-d", "-1"],
)
def test_the_guess_of_d_is_not_trusted(seed, wrong, monkeypatch):
    rng = np.random.default_rng(seed)
    true_cases = [low_rank(rng, 12, 12, 4), asymmetric(rng, 12, 5), low_rank(rng, 18, 8, 5)]
    B = low_rank(rng, 12, 12, 4)
    rows_b, cols_b = pivots(B)
    B[3, 5] += 1
    tall, rows_t, cols_t = _extra_rank_in_last_row(rng)

    original = denominator_guess._common_denominator
    replaced = []

    def wrong_denominator(values, modulus):
        d = original(values, modulus)
        if d is None:
            return None
        replaced.append((d, wrong(d)))
        return wrong(d)

    monkeypatch.setattr(denominator_guess, "_common_denominator", wrong_denominator)
    for A in true_cases:
        rows, cols = pivots(A)
        proof = prove(A, rows, cols, seed)
        assert proof is not None and proof.proven is True
    assert replaced and any(d != w for d, w in replaced)  # the guesses really were wrong
    assert_refused(B, rows_b, cols_b, seed)
    assert_refused(tall, rows_t, cols_t, seed)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(3, 18),
    st.integers(3, 18),
    st.integers(1, 17),
    st.integers(20, 31),
    st.booleans(),
)
def test_random_low_rank_true_and_moved_bounds(seed, m, n, r, u_bits, moved):
    """Random shapes, ranks and sizes (2^40 .. 2^61): the true bound is proven; moved by one
    entry, the old pivots are refused."""
    r = min(r, m - 1, n - 1)
    v_bits = 61 - u_bits - r.bit_length()
    rng = np.random.default_rng(seed)
    A = low_rank(rng, m, n, r, u_bits, v_bits)
    rows, cols = pivots(A)
    assert len(cols) == r == flint_rank(A)
    if max_abs(A) < 2**40 or plan(r, max_abs(A), m - r, n - r) is not None:
        return  # not the two-word route
    if not moved:
        for M in (A, A.astype(object)):
            proof = prove(M, rows, cols, seed)
            assert proof is not None and proof.proven is True
    else:
        A[int(rng.integers(0, m)), int(rng.integers(0, n))] += int(rng.choice([-1, 1]))
        if flint_rank(A) > r:
            assert_refused(A, rows, cols, seed)


# limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("budget", [0, 1])
def test_a_budget_of_one_digit_gives_none(seed, budget):
    rng = np.random.default_rng(seed)
    for A in (low_rank(rng, 12, 12, 4), low_rank(rng, 20, 9, 5), last_row_dependent(rng, 10, 10)):
        rows, cols = pivots(A)
        assert prove(A, rows, cols, seed, budget) is None
        assert prove(A.astype(object), rows, cols, seed, budget) is None
        assert prove(A, rows, cols, seed).proven is True  # without a budget it is proven


@pytest.mark.parametrize("seed", [0, 1])
def test_budgets_are_monotone_and_never_prove_a_false_bound(seed):
    """None below some number of digits, proven from there on; and whatever the budget, the
    old pivots of a matrix with a moved entry are never proven."""
    rng = np.random.default_rng(seed)
    for A in (low_rank(rng, 12, 12, 4), low_rank(rng, 20, 9, 6)):
        rows, cols = pivots(A)
        outcomes = [prove(A, rows, cols, seed, budget) for budget in range(70)]
        kinds = "".join("N" if p is None else "T" if p.proven else "F" for p in outcomes)
        assert kinds == "N" * kinds.count("N") + "T" * kinds.count("T") and "T" in kinds
        B = A.copy()
        B[0, -1] += 1
        assert flint_rank(B) == len(cols) + 1
        for budget in range(70):
            proof = prove(B, rows, cols, seed, budget)
            assert proof is None or proof.proven is False


@pytest.mark.parametrize("big", [2**62, -(2**62), 2**63 - 1, -(2**63)])
def test_entries_from_2_62_give_none(big):
    rng = np.random.default_rng(3)
    A = last_row_dependent(rng, 8, 8)
    rows, cols = pivots(A)
    A[0, 0] = big  # int64 still holds it
    assert prove(A, rows, cols) is None
    O = A.astype(object)
    assert prove(O, rows, cols) is None
    O[0, 0] = big * 2**40  # beyond int64: object only
    assert prove(O, rows, cols) is None


def test_full_column_rank_bound():
    """rank A <= n for an m × n matrix of full column rank (a true, trivial bound):
    prove_upper_bound answers it before route 2; schur_padic itself leaves it (None)."""
    A = signed(np.random.default_rng(0), 50, 60, (20, 8))
    rows, cols = pivots(A)
    proof = prove(A, rows, cols)
    assert proof is None or proof.proven is True


# the public API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: last_row_dependent(rng, 12, 12),
        lambda rng: low_rank(rng, 15, 10, 4),
        lambda rng: asymmetric(rng, 14, 5).T.copy(),
        lambda rng: low_rank(rng, 9, 9, 8, 26, 31),
    ],
)
def test_public_rank_is_flints_and_exact(make):
    A = make(np.random.default_rng(11))
    expected = flint_rank(A)
    for M in (A, A.astype(object)):
        result = exactrank.rank(M, seed=5)
        assert result.exact and result.rank == expected
        assert result.lower == result.upper == expected


def test_public_rank_where_route_2_runs():
    """500 × 500 of rank 8, entries near 2^61: large enough that prove_upper_bound takes
    route 2 (not FLINT) for the true bound and refuses the old pivots once an entry moved."""
    rng = np.random.default_rng(0)
    A = asymmetric(rng, 500, 8)
    rows, cols = pivots(A)
    proof = prove_upper_bound(A, rows, cols, random.Random(0))
    assert proof.proven is True and "p-adic" in proof.method  # route 2 ran
    B = A.copy()
    B[7, 9] += 1
    refused = prove_upper_bound(B, rows, cols, random.Random(0))
    assert refused.proven is False
    assert flint_rank(B) == 9
    for M, expected in ((A, 8), (np.ascontiguousarray(A.T), 8), (B, 9)):
        result = exactrank.rank(M, seed=3)
        assert result.exact and result.rank == expected
