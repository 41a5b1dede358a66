"""Tests of exactrank.linalg.modular against a schoolbook Gaussian elimination on Python ints."""

from __future__ import annotations

import random

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from exactrank.linalg import modular
from exactrank.linalg.modular import (
    FAST_PRIME_BITS,
    FAST_PRIME_BOUND,
    RankProfile,
    det_mod_p,
    matmul_mod_p,
    random_prime,
    rank_mod_p,
    rank_profile_mod_p,
    solve_mod_p,
)
from exactrank.numbers import ple

NEAR_THRESHOLD = 8388593  # largest prime below 2**23 = FAST_PRIME_BOUND
P31 = 2147483647  # 2**31 - 1
P61 = 2305843009213693951  # 2**61 - 1
P89 = 618970019642690137449562111  # 2**89 - 1, beyond word size
PRIMES = [2, 3, 5, 65521, NEAR_THRESHOLD, P31, P61, P89]


@pytest.fixture(params=["dispatch", "blas"])
def both_paths(request, monkeypatch):
    """Run a test twice: default dispatch (tiny matrices go to FLINT), then BLAS for all sizes.

    The second run makes the small shapes exercise the BLAS kernels too.
    """
    if request.param == "blas":
        monkeypatch.setattr(modular, "_FLINT_ENTRIES", 0)


# --------------------------------------------------------------------------- reference


def ref_rank_det(A, p: int) -> tuple[int, int]:
    """Rank of ``A`` mod ``p`` and, if square, its determinant mod ``p`` (else 0)."""
    M = [[int(x) % p for x in row] for row in A]
    m, n = len(M), len(M[0]) if len(M) else 0
    rank, det = 0, 1
    for j in range(n):
        pivot = next((i for i in range(rank, m) if M[i][j]), None)
        if pivot is None:
            continue
        if pivot != rank:
            M[rank], M[pivot] = M[pivot], M[rank]
            det = -det
        det = det * M[rank][j] % p
        inv = pow(M[rank][j], -1, p)
        for i in range(rank + 1, m):
            f = M[i][j] * inv % p
            if f:
                M[i] = [(a - f * b) % p for a, b in zip(M[i], M[rank], strict=True)]
        rank += 1
    return rank, det % p if m == n == rank else 0


def ref_rank(A, p: int) -> int:
    return ref_rank_det(A, p)[0]


def ref_matmul(A, B, p: int) -> list[list[int]]:
    (m, k), n = np.shape(A), np.shape(B)[1]
    rows = [[int(A[i][t]) for t in range(k)] for i in range(m)]
    cols = [[int(B[t][j]) for t in range(k)] for j in range(n)]
    return [[sum(a * b for a, b in zip(row, col, strict=True)) % p for col in cols] for row in rows]


def residues(rng: np.random.Generator, shape, p: int) -> np.ndarray:
    """Random residues in [0, p): int64 for word-size ``p``, Python ints beyond."""
    if p < 2**62:
        return rng.integers(0, p, size=shape)
    flat = [int.from_bytes(rng.bytes(16), "little") % p for _ in range(int(np.prod(shape)))]
    return np.array(flat, dtype=object).reshape(shape)


def low_rank(rng: np.random.Generator, m: int, n: int, r: int, p: int) -> np.ndarray:
    """An m x n matrix of rank exactly ``r`` mod ``p`` (as a U V product of full-rank factors)."""
    while True:
        U, V = residues(rng, (m, r), p), residues(rng, (r, n), p)
        if ref_rank(U, p) == r and ref_rank(V.T, p) == r:
            return np.array(ref_matmul(U, V, p), dtype=U.dtype).reshape(m, n)


def check_profile(A, p: int, expected_rank: int) -> None:
    """The RankProfile contract, with the rank and the minor checked by the reference."""
    prof = rank_profile_mod_p(A, p)
    assert prof.rank == expected_rank and prof.p == p
    assert len(prof.rows) == len(prof.cols) == prof.rank
    assert list(prof.rows) == sorted(set(prof.rows)) and list(prof.cols) == sorted(set(prof.cols))
    minor = np.asarray(A)[np.ix_(prof.rows, prof.cols)]
    assert ref_rank(minor, p) == prof.rank, "A[rows][:, cols] must be nonsingular mod p"
    assert rank_mod_p(A, p) == expected_rank


# --------------------------------------------------------------------------- rank


SHAPES = [(0, 5), (5, 0), (0, 0), (1, 1), (4, 6), (9, 9), (30, 7), (7, 30), (23, 31)]


@pytest.mark.usefixtures("both_paths")
@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("shape", SHAPES)
def test_rank_of_random_matrix(p, shape):
    A = residues(np.random.default_rng(sum(shape) + p % 1000), shape, p)
    check_profile(A, p, ref_rank(A, p))


@pytest.mark.usefixtures("both_paths")
@pytest.mark.parametrize("p", PRIMES)
def test_rank_of_rank_deficient_and_zero_matrices(p):
    rng = np.random.default_rng(7)
    check_profile(np.zeros((4, 6), dtype=np.int64), p, 0)
    check_profile(low_rank(rng, 30, 45, 12, p), p, 12)
    check_profile(low_rank(rng, 45, 30, 1, p), p, 1)


@pytest.mark.usefixtures("both_paths")
def test_rank_of_one_by_one():
    assert rank_mod_p(np.array([[7]]), 7) == 0
    assert rank_profile_mod_p(np.array([[8]]), 7) == RankProfile(1, (0,), (0,), 7)


@pytest.mark.parametrize("p", [2, 3, 65521, NEAR_THRESHOLD])
def test_blocked_path_low_rank(p):
    """300 x 500 of rank 37: several recursion levels, panels and triangular solves."""
    A = low_rank(np.random.default_rng(p), 300, 500, 37, p)
    check_profile(A, p, 37)


@pytest.mark.parametrize("p", [3, NEAR_THRESHOLD])
def test_blocked_path_with_scattered_pivots(p):
    """Repeated columns and zero rows: pivots are not consecutive and rows must be swapped."""
    rng = np.random.default_rng(11)
    B = low_rank(rng, 200, 160, 150, p)
    cols = rng.integers(0, 160, size=420)  # many repeats, in random order
    A = np.zeros((260, 420), dtype=np.int64)
    A[rng.permutation(260)[:200]] = B[:, cols]
    expected = ref_rank(B[:, np.unique(cols)], p)
    check_profile(A, p, expected)
    check_profile(np.ascontiguousarray(A.T), p, expected)


def test_full_rank_square_blocked():
    p = NEAR_THRESHOLD
    A = residues(np.random.default_rng(3), (260, 260), p)
    rank, det = ref_rank_det(A, p)
    assert rank == 260
    check_profile(A, p, 260)
    assert det_mod_p(A, p) == det


def test_all_paths_agree_on_an_integer_matrix():
    """An integer matrix of rank 40: every prime here sees rank 40 (checked by reference)."""
    rng = np.random.default_rng(5)
    A = rng.integers(-3, 4, size=(120, 40)) @ rng.integers(-3, 4, size=(40, 90))
    for p in (65521, NEAR_THRESHOLD, P31, P61, P89):
        assert ref_rank(A, p) == 40
        check_profile(A, p, 40)


# --------------------------------------------------------------------------- inputs


@pytest.mark.usefixtures("both_paths")
def test_inputs_are_reduced_whatever_their_dtype():
    """int64 extremes, uint64 past 2**63, bool, and object arrays of huge Python ints."""
    A = np.array([[2**62 + 1, -(2**63)], [-1, 14]], dtype=np.int64)
    U = np.array([[2**64 - 1, 5], [3, 2**63]], dtype=np.uint64)
    huge = np.array([[10**40, -3], [7, 10**50 + 1]], dtype=object)
    for p in (13, NEAR_THRESHOLD, P61, P89):
        for X in (A, A.astype(object), A.astype(object) * 10**30, U, huge):
            entries = [[int(x) for x in row] for row in X]
            assert det_mod_p(X, p) == ref_rank_det(entries, p)[1]
            assert matmul_mod_p(X, X, p).tolist() == ref_matmul(entries, entries, p)
    assert rank_mod_p(np.array([[True, False], [True, False]]), 13) == 1


@pytest.mark.parametrize("p", [2, 3, 5, 7, 65521, NEAR_THRESHOLD])
def test_float_reduction_is_exact_up_to_its_budget(p):
    """The rounding argument of _reduce_rows, checked at the extremes it claims to cover."""
    budget = ple._budget(p)
    rng = np.random.default_rng(p)
    T = np.concatenate([budget - 1 - np.arange(500), rng.integers(-budget + 1, budget, 500)])
    T = np.concatenate([T, -T]).astype(np.float64).reshape(4, -1)
    assert all(abs(int(t)) < budget for t in T.flat)  # exact as float64
    out = np.empty_like(T)
    ple._reduce_rows(T.copy(), out, p)
    assert all((int(o) - int(t)) % p == 0 for o, t in zip(out.flat, T.flat, strict=True))
    assert np.abs(out).max() <= ple._bound(p) and np.abs(out).max() < p


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="integer array"):
        rank_mod_p(np.ones((2, 2)), 5)
    with pytest.raises(TypeError, match="integers"):
        rank_mod_p(np.array([[1.5, 2]], dtype=object), 5)
    with pytest.raises(ValueError, match="2-D"):
        rank_mod_p(np.arange(4), 5)
    with pytest.raises(ValueError, match="square"):
        det_mod_p(np.ones((2, 3), dtype=np.int64), 5)
    with pytest.raises(ValueError, match="inner dimensions"):
        matmul_mod_p(np.ones((2, 3), dtype=np.int64), np.ones((2, 3), dtype=np.int64), 5)
    with pytest.raises(ValueError, match="rows"):
        solve_mod_p(np.eye(3, dtype=np.int64), np.ones((2, 1), dtype=np.int64), 5)


COMPOSITES = [0, 1, 4, 91, 65535, 2**31 + 1, 2**64 + 1, 2**89 + 1]


@pytest.mark.parametrize("q", COMPOSITES)
def test_composite_modulus_raises_instead_of_aborting(q):
    """FLINT aborts the process on a composite modulus: it must never be reached."""
    A = np.array([[2, 4], [6, 8]], dtype=np.int64)
    calls = [
        lambda: rank_profile_mod_p(A, q),
        lambda: rank_mod_p(A, q),
        lambda: det_mod_p(A, q),
        lambda: solve_mod_p(A, A, q),
        lambda: matmul_mod_p(A, A, q),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=f"p = {q} is not prime"):
            call()


# --------------------------------------------------------------------------- solve, det, matmul


@pytest.mark.usefixtures("both_paths")
@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("n", [1, 6, 70])
def test_solve(p, n):
    rng = np.random.default_rng(n)
    while True:
        A = residues(rng, (n, n), p)
        if ref_rank_det(A, p)[1]:
            break
    for k in (0, 1, 5):
        B = residues(rng, (n, k), p)
        X = solve_mod_p(A, B, p)
        assert X.shape == (n, k) and X.dtype == (np.int64 if p < 2**63 else object)
        assert all(0 <= int(x) < p for x in X.flat)
        assert ref_matmul(A, X, p) == [[int(b) % p for b in row] for row in B]
    b = residues(rng, (n,), p)
    x = solve_mod_p(A, b, p)
    assert x.shape == (n,)
    assert [row[0] for row in ref_matmul(A, x[:, None], p)] == [int(v) % p for v in b]


@pytest.mark.usefixtures("both_paths")
@pytest.mark.parametrize("p", PRIMES)
def test_solve_singular_raises(p):
    A = low_rank(np.random.default_rng(1), 8, 8, 5, p)
    for k in (0, 2):
        with pytest.raises(ValueError, match="singular"):
            solve_mod_p(A, np.ones((8, k), dtype=np.int64), p)


def test_solve_blocked_path():
    p = NEAR_THRESHOLD
    rng = np.random.default_rng(9)
    A, B = residues(rng, (300, 300), p), residues(rng, (300, 3), p)
    X = solve_mod_p(A, B, p)
    assert ref_matmul(A, X, p) == B.tolist()


@pytest.mark.usefixtures("both_paths")
@pytest.mark.parametrize("p", PRIMES)
def test_det(p):
    rng = np.random.default_rng(4)
    for n in (0, 1, 2, 5, 12):
        A = residues(rng, (n, n), p)
        assert det_mod_p(A, p) == ref_rank_det(A, p)[1]
    assert det_mod_p(low_rank(rng, 9, 9, 6, p), p) == 0
    swap = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.int64)
    assert det_mod_p(swap, p) == (-1) % p


def test_det_of_permuted_diagonal_on_blocked_path():
    """Many row swaps: the sign of the permutation matters."""
    p = NEAR_THRESHOLD
    rng = np.random.default_rng(8)
    n = 150
    perm = rng.permutation(n)
    A = np.zeros((n, n), dtype=np.int64)
    A[perm, np.arange(n)] = rng.integers(1, p, size=n)
    assert det_mod_p(A, p) == ref_rank_det(A, p)[1]


@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("shape", [(3, 4, 5), (0, 3, 2), (3, 0, 2), (3, 2, 0), (1, 40, 1)])
def test_matmul(p, shape):
    m, k, n = shape
    rng = np.random.default_rng(m + k + n)
    A, B = residues(rng, (m, k), p), residues(rng, (k, n), p)
    C = matmul_mod_p(A, B, p)
    assert C.shape == (m, n)
    assert C.tolist() == ref_matmul(A, B, p)


@pytest.mark.parametrize("p", [4194301, NEAR_THRESHOLD])
def test_matmul_long_inner_dimension_stays_exact(p):
    """Residues near p/2 everywhere and an inner dimension past one exact dgemm chunk."""
    k = 2 * ple._max_inner(p) + 7
    h = p // 2
    A, B = np.full((2, k), h, dtype=np.int64), np.full((k, 3), p - h, dtype=np.int64)
    assert matmul_mod_p(A, B, p).tolist() == [[k * h * (p - h) % p] * 3] * 2


def test_exactness_invariants_of_the_float_path():
    """Panels and triangle inverses form dot products up to their widths: those must be exact."""
    assert FAST_PRIME_BOUND == 2**FAST_PRIME_BITS
    inner = ple._max_inner(FAST_PRIME_BOUND - 1)
    assert inner >= ple._PANEL_COLS and inner >= ple._TRIANGLE_ROWS


# --------------------------------------------------------------------------- random_prime


@pytest.mark.parametrize("make_rng", [random.Random, np.random.default_rng])
def test_random_prime(make_rng):
    for bits in (2, 3, 10, 21, FAST_PRIME_BITS, 62, 64, 100):
        p = random_prime(bits, make_rng(bits))
        assert p.bit_length() == bits and sympy.isprime(p)
        assert random_prime(bits, make_rng(bits)) == p  # reproducible from a seed
    with pytest.raises(ValueError, match="at least 2 bits"):
        random_prime(1, make_rng(0))


# --------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 14),
    n=st.integers(1, 14),
    r=st.integers(0, 14),
    p=st.sampled_from([2, 3, 7, 65521, NEAR_THRESHOLD, P61]),
    seed=st.integers(0, 2**32 - 1),
)
def test_rank_invariant_under_permutations_and_transposition(m, n, r, p, seed):
    rng = np.random.default_rng(seed)
    r = min(r, m, n)
    A = np.array(ref_matmul(residues(rng, (m, r), p), residues(rng, (r, n), p), p), dtype=object)
    A = A.reshape(m, n)
    if p < 2**62:
        A = A.astype(np.int64)
    rank = ref_rank(A, p)
    shuffled = A[rng.permutation(m)][:, rng.permutation(n)]
    for flint_entries in (modular._FLINT_ENTRIES, 0):  # FLINT for tiny matrices, or not
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(modular, "_FLINT_ENTRIES", flint_entries)
            assert rank_mod_p(A, p) == rank
            assert rank_mod_p(shuffled, p) == rank
            assert rank_mod_p(A.T, p) == rank
            assert rank_profile_mod_p(np.ascontiguousarray(shuffled.T), p).rank == rank
