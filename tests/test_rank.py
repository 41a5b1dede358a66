"""Ranks over QQ, GF(p) and float against Gaussian elimination on Fractions and residues.

The references are tests/oracles.py (rank_fraction, rank_mod_p_ref), python-flint's own
fmpz_mat.rank for a few medium matrices, and closed-form ranks of structured matrices
whose formula is checked by the Fraction reference on a smaller instance of the same shape.
"""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from oracles import (
    distinct_nonzero_counts,
    matricize_ref,
    rank_fraction,
    rank_mod_p_ref,
    residue,
    submatrix,
)
from strategies import DENS, EXACT_XIS, MODULAR_XIS, build_rnn, rnn_oracle, rnn_specs

import exactrank as er

Q = Fraction
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PRIMES = (2, 3, 5, 101, 8388593, 2**31 - 1, 2**61 - 1)
BIG_PRIMES = (2**63 + 29, 2**64 - 59, 2**89 - 1)  # past int64: test_rank_over_GFp_past_int64


# ---------------------------------------------------------------------------- matrices


def _entries(kind):
    small = st.integers(-3, 3)
    if kind == "small":
        return small
    if kind == "big":
        return st.one_of(
            small, st.integers(-(2**100), 2**100), st.sampled_from([2**100, -(2**100)])
        )
    if kind == "rational":
        return st.one_of(
            small.map(Q),
            st.builds(Q, st.integers(-50, 50), st.integers(1, 12)),
            st.builds(Q, st.integers(-(2**70), 2**70), st.sampled_from([3, 2**61 - 1, 10**20])),
        )
    raise ValueError(kind)


@st.composite
def matrices(draw, max_dim=12, kinds=("small", "big", "rational", "lowrank", "sparse")):
    """Nested lists of ints or Fractions, from 1×1 up to max_dim × max_dim."""
    m, n = draw(st.integers(1, max_dim)), draw(st.integers(1, max_dim))
    kind = draw(st.sampled_from(kinds))
    if kind == "lowrank":
        k = draw(st.integers(0, min(m, n)))
        entry = _entries(draw(st.sampled_from(["small", "big", "rational"])))
        U = [[draw(entry) for _ in range(k)] for _ in range(m)]
        V = [[draw(entry) for _ in range(n)] for _ in range(k)]
        return [[sum((U[i][t] * V[t][j] for t in range(k)), 0) for j in range(n)] for i in range(m)]
    if kind == "sparse":
        entry = st.one_of(st.just(0), st.just(0), st.just(0), st.integers(-2, 2))
        base = [[draw(entry) for _ in range(n)] for _ in range(draw(st.integers(1, 4)))]
        return [list(base[draw(st.integers(0, len(base) - 1))]) for _ in range(m)]
    entry = _entries(kind)
    return [[draw(entry) for _ in range(n)] for _ in range(m)]


def _all_integers(A):
    return all(Q(v).denominator == 1 for row in A for v in row)


def forms(A):
    """The same matrix in every input form ``er.rank`` accepts over QQ."""
    out = {
        "list": A,
        "strings": [[str(Q(v)) for v in row] for row in A],
        "object": np.array([[Q(v) for v in row] for row in A], dtype=object),
        "fmpq_mat": flint.fmpq_mat(
            len(A), len(A[0]), [flint.fmpq(Q(v).numerator, Q(v).denominator) for r in A for v in r]
        ),
    }
    if _all_integers(A):
        ints = [[int(v) for v in row] for row in A]
        out["fmpz_mat"] = flint.fmpz_mat(ints)
        if all(abs(v) < 2**63 for row in ints for v in row):
            out["int64"] = np.array(ints, dtype=np.int64)
        else:
            out["int-object"] = np.array(ints, dtype=object)
    return out


# ---------------------------------------------------------------------------- invariants


def check_result(res, A, field: str, reference: int):
    """Every documented invariant of a RankResult over an exact field."""
    m, n = len(A), len(A[0])
    assert res.field == field
    assert tuple(res.shape) == (m, n)
    assert res.lower is not None and res.upper is not None
    assert res.lower <= res.rank <= res.upper
    assert res.lower <= reference <= res.upper, "a proven bound is false"
    if res.exact:
        assert res.lower == res.upper == res.rank == reference
    assert len(res.rows) == len(res.cols) == res.lower
    assert len(set(res.rows)) == len(res.rows) and len(set(res.cols)) == len(res.cols)
    assert all(0 <= i < m for i in res.rows) and all(0 <= j < n for j in res.cols)
    minor = submatrix(A, res.rows, res.cols)
    if field == "QQ":
        assert rank_fraction(minor) == res.lower, "the witness minor is singular"
    else:
        p = int(field[3:-1])
        assert rank_mod_p_ref(minor, p) == res.lower, "the witness minor is singular mod p"
    d = res.to_dict()
    json.dumps(d)
    assert d["rank"] == res.rank and d["exact"] == res.exact and list(d["shape"]) == [m, n]


@SETTINGS
@given(matrices(), st.integers(0, 2**32))
@example([[0]], 0)
@example([[2**100, 1], [2**100, 1]], 1)
@example([[Q(1, 3), Q(2, 3)], [Q(1, 2), 1]], 2)
@example([[1, 2, 3], [2, 4, 6], [0, 0, 0]], 3)
def test_rank_over_QQ_matches_fraction_elimination(A, seed):
    reference = rank_fraction(A)
    for name, form in forms(A).items():
        res = er.rank(form, "QQ", seed=seed)
        assert res.exact, name
        assert res.rank == reference, f"{name}: rank {res.rank}, expected {reference}"
        check_result(res, A, "QQ", reference)


@st.composite
def modular_cases(draw):
    p = draw(st.sampled_from(PRIMES))
    A = draw(matrices(kinds=("small", "big", "lowrank", "sparse")))
    if _all_integers(A):
        return p, A
    assume(all(Q(v).denominator % p for row in A for v in row))
    return p, A


@SETTINGS
@given(modular_cases())
@example((2, [[1, 1], [1, 1]]))
@example((2, [[0, 1, 1], [1, 0, 1], [1, 1, 0]]))  # J − I of size 3: rank 2 mod 2, 3 over QQ
@example((3, [[2**100, 1], [1, 2**100]]))
def test_rank_over_GFp_matches_modular_elimination(case):
    p, A = case
    reference = rank_mod_p_ref(A, p)
    res = er.rank(A, f"GF({p})")
    assert res.exact and res.rank == reference
    check_result(res, A, f"GF({p})", reference)
    if _all_integers(A):
        assert res.rank <= rank_fraction(A)
        res_np = er.rank(np.array([[int(v) for v in row] for row in A], dtype=object), f"GF({p})")
        assert res_np.rank == reference
        if p < 2**64:
            residues = [residue(v, p) for row in A for v in row]
            nmod = flint.nmod_mat(len(A), len(A[0]), residues, p)
            assert er.rank(nmod, f"GF({p})").rank == reference


@pytest.mark.parametrize("p", BIG_PRIMES)
def test_rank_over_GFp_past_int64(p):
    """Primes past 2^63 (nmod_mat up to 2^64, fmpz_mod_mat beyond), small integer input."""
    cases = [[[0]], [[1, 2], [3, 4]], [[1, 2], [2, 4]], [[p, 1], [2 * p, 2]], J_minus_I(5).tolist()]
    for A in cases:
        reference = rank_mod_p_ref(A, p)
        for form in (A, np.array(A, dtype=np.int64) if max(map(max, A)) < 2**63 else A):
            res = er.rank(form, f"GF({p})")
            assert res.exact and res.rank == reference
            check_result(res, A, f"GF({p})", reference)
    model = er.GeneralizedRNN("product", [[[1, 2]], [[1, -2]]], [[[[1]]], [[[1]]]])
    gt = er.grid_tensor(model, f"GF({p})")
    assert er.rank(er.matricize(gt, "odd-even"), f"GF({p})").rank == 1


def test_zero_and_empty_matrices():
    for field in ("QQ", "GF(7)"):
        for A in (
            [[0, 0], [0, 0]],
            np.zeros((3, 0), dtype=np.int64),
            np.zeros((0, 4), dtype=np.int64),
        ):
            res = er.rank(A, field)
            assert res.rank == 0 and res.exact and res.lower == res.upper == 0
            assert res.rows == () and res.cols == ()
    res = er.rank(np.zeros((2, 3)), "float")
    assert res.rank == 0 and not res.exact


# ---------------------------------------------------------------------------- prove modes


@SETTINGS
@given(matrices(), st.sampled_from(["lower", "monte-carlo"]), st.integers(0, 2**32))
@example([[1, 2], [2, 4], [1, 2]], "lower", 0)
@example([[1, 2], [2, 4], [1, 2]], "monte-carlo", 0)
@example([[1, 0, 1], [0, 1, 1], [1, 1, 2]], "lower", 1)
def test_lower_and_monte_carlo_are_never_exact_below_full_rank(A, prove, seed):
    reference = rank_fraction(A)
    res = er.rank(A, "QQ", prove=prove, seed=seed)
    check_result(res, A, "QQ", reference)
    rows, cols = distinct_nonzero_counts(A)
    if reference < min(rows, cols):
        assert not res.exact, "rank below full (even after removing repeats) cannot be proven"
    if prove == "lower":
        assert res.rank == res.lower <= reference
    else:
        assert res.rank == reference  # wrong with probability < error_probability
        if not res.exact:
            assert isinstance(res.error_probability, float)
            assert 0 < res.error_probability < 1


# ---------------------------------------------------------------------------- deduplication


@SETTINGS
@given(matrices(max_dim=6, kinds=("small", "big", "rational")), st.data())
def test_repeated_and_zero_rows_and_columns(base, data):
    """Repeats and zero lines do not change the rank; the minor indexes the full matrix."""
    m, n = len(base), len(base[0])
    row_picks = data.draw(st.lists(st.integers(-1, m - 1), min_size=1, max_size=25))
    col_picks = data.draw(st.lists(st.integers(-1, n - 1), min_size=1, max_size=25))
    A = [[0 if i < 0 or j < 0 else base[i][j] for j in col_picks] for i in row_picks]
    reference = rank_fraction(A)
    assert reference <= rank_fraction(base)
    res = er.rank(A)
    assert res.exact and res.rank == reference
    check_result(res, A, "QQ", reference)
    if _all_integers(A):
        res_p = er.rank(A, "GF(2)")
        assert res_p.exact and res_p.rank == rank_mod_p_ref(A, 2)
        check_result(res_p, A, "GF(2)", res_p.rank)


def _first_distinct_nonzero(rows) -> list[int]:
    """Reference: index of the first occurrence of each distinct nonzero row, by a set."""
    seen, keep = set(), []
    for i, row in enumerate(rows):
        if any(row) and tuple(row) not in seen:
            seen.add(tuple(row))
            keep.append(i)
    return keep


@SETTINGS
@given(
    st.integers(1, 8),
    st.lists(st.integers(0, 5), min_size=1, max_size=30),
    st.sampled_from([3, 2**40, 2**62]),
    st.sampled_from(["random", "colliding"]),
    st.randoms(use_true_random=False),
)
def test_distinct_nonzero_against_a_set(n, picks, size, fingerprint, rnd):
    """Rows and columns kept are the first occurrences of the distinct nonzero ones, also
    when every fingerprint collides (the exact comparison must catch it)."""
    from exactrank.linalg import matrices

    pool = [[rnd.randint(-size, size) for _ in range(n)] for _ in range(5)] + [[0] * n]
    A = np.array([pool[k] for k in picks], dtype=np.int64)
    original = matrices._fingerprint_vector
    if fingerprint == "colliding":
        matrices._fingerprint_vector = lambda n: np.zeros(n, dtype=np.int64)
    try:
        reduced = matrices.distinct_nonzero(A)
    finally:
        matrices._fingerprint_vector = original
    rows = _first_distinct_nonzero(A.tolist())
    assert reduced.rows.tolist() == rows
    cols = _first_distinct_nonzero(A[rows].T.tolist())
    assert reduced.cols.tolist() == cols
    assert np.array_equal(reduced.matrix, A[np.ix_(rows, cols)])


# ---------------------------------------------------------------------------- float


@st.composite
def well_conditioned(draw):
    m, n = draw(st.integers(1, 10)), draw(st.integers(1, 10))
    k = draw(st.integers(0, min(m, n)))
    U = [[draw(st.integers(-5, 5)) for _ in range(k)] for _ in range(m)]
    V = [[draw(st.integers(-5, 5)) for _ in range(n)] for _ in range(k)]
    A = [[sum((U[i][t] * V[t][j] for t in range(k)), 0) for j in range(n)] for i in range(m)]
    return A


@SETTINGS
@given(well_conditioned())
def test_float_rank_agrees_on_well_conditioned_matrices(A):
    reference = rank_fraction(A)
    S = np.linalg.svd(np.array(A, dtype=np.float64), compute_uv=False)
    # a clear gap: the smallest nonzero singular value is far above rounding
    assume(reference == 0 or S[reference - 1] > 1e-6 * S[0])
    res = er.rank(A, "float")
    assert res.rank == reference
    assert res.exact is False and res.field == "float"
    assert isinstance(res.tolerance, float) and res.tolerance >= 0
    assert res.lower is None and res.upper is None
    given_tol = er.rank(np.array(A, dtype=np.float64), "float", tol=0.5)
    assert given_tol.tolerance == 0.5 and given_tol.rank == int(np.sum(S > 0.5))
    json.dumps(res.to_dict())


def test_float_rank_of_rationals_and_of_a_float_grid():
    A = [["1/3", "2/3"], ["1/6", "1/3"]]
    res = er.rank(A, "float")
    assert res.rank == 1 and not res.exact
    model = er.GeneralizedRNN("relu", [[[1, -1]], [[2, 1]]], [[[[1]]], [[[1]]]])
    gt = er.grid_tensor(model, "float")
    res = er.rank(er.matricize(gt, "odd-even"), "float")
    spec = {"xi": "relu", "C": [[[1, -1]], [[2, 1]]], "G": [[[[1]]], [[[1]]]], "F": None}
    reference = rank_fraction(matricize_ref(rnn_oracle(spec), [2, 2], [0], [1]))
    assert res.rank == reference and not res.exact


# ---------------------------------------------------------------------------- grid tensors


@st.composite
def partitions(draw, T):
    modes = list(range(T))
    rows = draw(st.lists(st.sampled_from(modes), unique=True, max_size=T))
    cols = [m for m in modes if m not in rows]
    cols = draw(st.permutations(cols))
    return list(rows), list(cols)


@st.composite
def grid_cases(draw, xis=EXACT_XIS):
    T = draw(st.integers(2, 4))
    spec = draw(rnn_specs(xis=xis, T=T))
    return spec, draw(partitions(T)), draw(st.randoms(use_true_random=False))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid_cases())
def test_grid_rank_invariant_under_mode_swaps_and_permutations(case):
    spec, (rows, cols), rnd = case
    model = build_rnn(spec)
    M, T = model.M, model.T
    expected = rnn_oracle(spec)
    reference_matrix = matricize_ref(expected, [M] * T, rows, cols)
    reference = rank_fraction(reference_matrix)
    gt = er.grid_tensor(model)
    matrix = er.matricize(gt, (rows, cols))
    assert matrix.shape == (M ** len(rows), M ** len(cols))
    got = [[Q(int(v), matrix.denominator) for v in row] for row in matrix.values.tolist()]
    assert got == reference_matrix
    # the same matrix from the plain numpy array
    plain = er.matricize(gt.to_fractions(), (rows, cols))
    assert plain.tolist() == reference_matrix
    res = er.rank(matrix)
    assert res.exact and res.rank == reference
    check_result(res, reference_matrix, "QQ", reference)
    assert er.rank(er.matricize(gt, (cols, rows))).rank == reference
    prows, pcols = rows[:], cols[:]
    rnd.shuffle(prows)
    rnd.shuffle(pcols)
    assert er.rank(er.matricize(gt, (prows, pcols))).rank == reference
    assert er.rank(
        er.matricize(gt, er.parse_partition(f"rows={','.join(map(str, rows))}", T)), "QQ"
    ).rank == rank_fraction(matricize_ref(expected, [M] * T, sorted(rows), sorted(cols)))


@st.composite
def modular_grid_cases(draw):
    p = draw(st.sampled_from([2, 3, 101]))
    T = draw(st.integers(2, 4))
    spec = draw(rnn_specs(xis=MODULAR_XIS, dens=tuple(d for d in DENS if d % p), T=T))
    return p, spec, draw(partitions(T))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modular_grid_cases())
def test_grid_rank_over_GFp(case):
    p, spec, (rows, cols) = case
    model = build_rnn(spec)
    M, T = model.M, model.T
    reference_matrix = matricize_ref(rnn_oracle(spec), [M] * T, rows, cols)
    reference = rank_mod_p_ref(reference_matrix, p)
    gt_p = er.grid_tensor(model, f"GF({p})")
    res = er.rank(er.matricize(gt_p, (rows, cols)), f"GF({p})")
    assert res.exact and res.rank == reference
    check_result(res, reference_matrix, f"GF({p})", reference)
    # a grid over QQ ranked over GF(p): the same residues
    gt = er.grid_tensor(model)
    if gt.denominator % p:
        assert er.rank(er.matricize(gt, (rows, cols)), f"GF({p})").rank == reference
    assert reference <= rank_fraction(reference_matrix)


@pytest.mark.parametrize("T", [1, 2, 3, 4, 5, 6, 7])
def test_named_partitions(T):
    oe, lr = er.odd_even(T), er.left_right(T)
    assert oe.row_modes == tuple(range(0, T, 2)) and oe.col_modes == tuple(range(1, T, 2))
    half = math.ceil(T / 2)
    assert lr.row_modes == tuple(range(half)) and lr.col_modes == tuple(range(half, T))
    assert er.parse_partition("odd-even", T) == oe
    assert er.parse_partition("left-right", T) == lr
    if T >= 6:
        p = er.parse_partition("rows=0,2,5", T)
        assert p.row_modes == (0, 2, 5)
        assert p.col_modes == tuple(m for m in range(T) if m not in (0, 2, 5))


def test_matricize_by_name_matches_reference():
    rng = np.random.default_rng(5)
    dims = [2, 3, 2, 4, 3]
    X = rng.integers(-9, 9, dims)
    tensor = {index: int(X[index]) for index in np.ndindex(*dims)}
    for spec, (rows, cols) in [
        ("odd-even", ([0, 2, 4], [1, 3])),
        ("left-right", ([0, 1, 2], [3, 4])),
        ("rows=4,0", ([4, 0], [1, 2, 3])),
    ]:
        assert er.matricize(X, spec).tolist() == matricize_ref(tensor, dims, rows, cols)


# ---------------------------------------------------------------------------- medium cases


def test_medium_low_rank_product():
    """300 × 300 of rank 40: U (300 × 40) · V (40 × 300), entries up to 10^6."""
    rng = np.random.default_rng(11)
    U = rng.integers(-(10**6), 10**6, (300, 40))
    V = rng.integers(-(10**6), 10**6, (40, 300))
    # rank(UV) = 40 because U has full column rank and V full row rank (40 × 40 minors)
    assert rank_fraction(U[:40].tolist()) == 40 and rank_fraction(V[:, :40].tolist()) == 40
    A = U @ V  # |entries| <= 40·10^12 < 2^63
    assert int(flint.fmpz_mat(A.tolist()).rank()) == 40
    res = er.rank(A, seed=1)
    assert res.exact and res.rank == 40
    assert rank_fraction(A[np.ix_(res.rows, res.cols)].tolist()) == 40
    mc = er.rank(A, prove="monte-carlo", seed=2)
    assert mc.rank == 40 and not mc.exact and 0 < mc.error_probability < 1
    low = er.rank(A, prove="lower", seed=3)
    assert not low.exact and low.lower <= 40 <= low.upper
    assert er.rank(A, "float").rank == 40


@pytest.mark.parametrize("extra", [None, "last row", "one entry"])
def test_generic_low_rank_product_takes_the_padic_route(extra):
    """300 × 300 of rank 40, factors in [−512, 512): rank() proves the upper bound by p-adic
    lifting ended at the solution's own size (cheaper than FLINT's exact rank here),
    and agrees with FLINT's exact rank when the last row leaves the span or one entry moves."""
    rng = np.random.default_rng(12)
    A = rng.integers(-512, 512, (300, 40)) @ rng.integers(-512, 512, (40, 300))
    if extra == "last row":
        A[-1] = rng.integers(-3, 4, 299) @ A[:-1] + rng.integers(0, 2, 300)
    elif extra == "one entry":
        A[150, 150] += 1
    expected = int(flint.fmpz_mat(A.tolist()).rank())
    assert expected == (40 if extra is None else 41)
    res = er.rank(A, seed=3)
    assert res.exact and res.rank == expected
    assert "p-adic lifting" in res.method and "ended exactly" in res.method, res.method


def J_minus_I(n):
    return np.ones((n, n), dtype=np.int64) - np.eye(n, dtype=np.int64)


def test_all_ones_minus_identity():
    """J − I: det = (−1)^{n−1}(n − 1), so rank n over QQ, n − 1 over GF(p) when p | n − 1.

    The formula is checked on n = 13 (n − 1 = 12) by the references, then used on n = 301
    (n − 1 = 300 = 2²·3·5²)."""
    small = J_minus_I(13).tolist()
    assert rank_fraction(small) == 13
    for p, expected in [(2, 12), (3, 12), (5, 13), (7, 13)]:
        assert rank_mod_p_ref(small, p) == expected
        assert er.rank(small, f"GF({p})").rank == expected
    A = J_minus_I(301)
    res = er.rank(A)
    assert res.exact and res.rank == 301
    for p, expected in [(2, 300), (3, 300), (5, 300), (7, 301), (8388593, 301)]:
        assert er.rank(A, f"GF({p})").rank == expected
    assert er.rank(A, "float").rank == 301


def complete_multipartite(blocks, b):
    """J − blockdiag(J_b, …): all ones except zero diagonal blocks; rank = number of blocks."""
    n = blocks * b
    A = np.ones((n, n), dtype=np.int64)
    for k in range(blocks):
        A[k * b : (k + 1) * b, k * b : (k + 1) * b] = 0
    return A


def test_all_ones_minus_diagonal_blocks():
    assert rank_fraction(complete_multipartite(4, 3).tolist()) == 4
    assert rank_fraction(complete_multipartite(5, 2).tolist()) == 5
    for blocks, b in [(10, 30), (2, 150), (60, 5)]:
        res = er.rank(complete_multipartite(blocks, b))
        assert res.exact and res.rank == blocks


def test_kronecker_product_of_low_rank_0_1_factors():
    """rank(X ⊗ Y) = rank(X)·rank(Y), each factor ranked by the Fraction reference.

    Unlike J − I, no two rows are equal, so nothing is removed before elimination."""
    rng = np.random.default_rng(12)
    X = rng.integers(0, 2, (20, 6)) @ rng.integers(0, 2, (6, 20))
    Y = rng.integers(0, 2, (15, 5)) @ rng.integers(0, 2, (5, 15)) + np.eye(15, dtype=np.int64)
    rx, ry = rank_fraction(X.tolist()), rank_fraction(Y.tolist())
    A = np.kron(X, Y)
    res = er.rank(A)
    assert res.exact and res.rank == rx * ry
    assert rank_fraction(A[np.ix_(res.rows, res.cols)].tolist()) == rx * ry
    assert er.rank(A, "GF(2)").rank == rank_mod_p_ref(X.tolist(), 2) * rank_mod_p_ref(Y.tolist(), 2)


def test_medium_relu_grid_tensor():
    """A relu RNN with M = 3, T = 6: its 27 × 27 odd-even matricization, ranked exactly."""
    rnd = random.Random(13)

    def q():
        return Q(rnd.randint(-30, 30), rnd.choice([1, 1, 2, 3, 7]))

    M, T, L, R = 3, 6, [3, 2, 3, 2, 3, 2], [1, 2, 3, 2, 3, 2, 1]
    spec = {
        "xi": "relu",
        "C": [[[q() for _ in range(M)] for _ in range(L[t])] for t in range(T)],
        "G": [
            [[[q() for _ in range(R[t + 1])] for _ in range(R[t])] for _ in range(L[t])]
            for t in range(T)
        ],
        "F": None,
        "rep": "string",
    }
    expected = rnn_oracle(spec)
    gt = er.grid_tensor(build_rnn(spec))
    for name, (rows, cols) in [
        ("odd-even", ([0, 2, 4], [1, 3, 5])),
        ("left-right", ([0, 1, 2], [3, 4, 5])),
    ]:
        reference_matrix = matricize_ref(expected, [M] * T, rows, cols)
        reference = rank_fraction(reference_matrix)
        res = er.rank(er.matricize(gt, name))
        assert res.exact and res.rank == reference
        check_result(res, reference_matrix, "QQ", reference)


@pytest.mark.slow
def test_large_low_rank_product():
    """600 × 500 of rank 100, entries up to 10^9: products past 2^63 (Python integers)."""
    rng = np.random.default_rng(21)
    U = rng.integers(-(10**9), 10**9, (600, 100))
    V = rng.integers(-(10**9), 10**9, (100, 500))
    assert int(flint.fmpz_mat(U[:100].tolist()).rank()) == 100
    assert int(flint.fmpz_mat(V[:, :100].tolist()).rank()) == 100
    product = flint.fmpz_mat(U.tolist()) * flint.fmpz_mat(V.tolist())
    A = np.array([[int(v) for v in row] for row in product.tolist()], dtype=object)
    res = er.rank(A, seed=5)
    assert res.exact and res.rank == 100


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices(), st.integers(0, 2**32))
def test_rank_over_QQ_long_sweep(A, seed):
    reference = rank_fraction(A)
    res = er.rank(A, "QQ", seed=seed)
    assert res.exact and res.rank == reference
    check_result(res, A, "QQ", reference)


# ---------------------------------------------------------------------------- upper-bound routes


def _route_matrix(name: str, rng) -> np.ndarray:
    """Matrices whose rank is easy to get wrong, as object arrays of Python integers."""

    def product(n, r, a, b):
        return (
            rng.integers(-a, a, (n, r))
            .astype(object)
            .dot(rng.integers(-b, b, (r, n)).astype(object))
        )

    if name == "rank n-1, last row a combination":
        B = rng.integers(-(2**40), 2**40, (19, 20)).astype(object)
        return np.vstack([B, [rng.integers(-5, 6, 19).astype(object).dot(B)]])
    if name == "low rank plus one entry":
        A = product(20, 3, 2**20, 2**20)
        A[-1, 0] += 1
        return A
    if name == "past 2^63, rank 2":
        return product(20, 2, 2**62, 2**40)
    if name == "rank 1":
        return product(20, 1, 99, 99)
    return np.zeros((20, 20), dtype=object)


_ROUTE_MATRICES = [
    "rank n-1, last row a combination",
    "low rank plus one entry",
    "past 2^63, rank 2",
    "rank 1",
    "zero",
]


@pytest.mark.parametrize("route", ["multimodular", "flint"])
@pytest.mark.parametrize("name", _ROUTE_MATRICES)
@pytest.mark.parametrize("seed", range(2))
def test_each_upper_bound_route_gives_the_exact_rank(route, name, seed, monkeypatch):
    """rank() with the upper bound forced through one route equals the Fraction oracle."""
    import exactrank.linalg.upper_bound as ub

    forced = route == "flint"
    monkeypatch.setattr(ub, "_flint_is_cheaper", lambda A, rows, cols: forced)
    monkeypatch.setattr(ub, "FLINT_EXACT_ENTRIES", 0)
    monkeypatch.setattr(ub, "_small_witness", lambda A, rows, cols, rng: None)
    monkeypatch.setattr(ub, "_padic_budget", lambda *args: None)  # route 2 does not apply
    monkeypatch.setattr(ub, "_MIN_PRIME_BUDGET", 10**9)  # route 3 never hands over
    A = _route_matrix(name, np.random.default_rng(seed))
    result = er.rank(A, seed=seed)
    assert result.exact and result.rank == rank_fraction(A.tolist())
    if 0 < result.rank < min(distinct_nonzero_counts(A.tolist())):
        expected = "fmpz_mat.rank" if forced else "own bound"
        assert expected in result.method, result.method


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-(2**90), 2**90), min_size=12, max_size=12),
    st.sampled_from(["QQ", "GF(2305843009213693951)", "GF(7)"]),
    st.booleans(),
)
def test_object_matrices_of_python_integers_and_of_mixed_entries(values, field, mixed):
    """Python integers past int64 are read as they are, and a matrix that mixes them with
    Fractions the old way; both against the Fraction (or residue) oracle."""
    top, middle = values[0:4], values[4:8]
    rows = [top, middle, [a + b for a, b in zip(top, middle, strict=True)]]
    if mixed:
        rows[2][0] = Fraction(rows[2][0] * 3, 3)  # the same value, as a Fraction
    A = np.array(rows, dtype=object)
    got = er.rank(A, field=field, seed=1)
    if field == "QQ":
        assert got.rank == rank_fraction(rows)
    else:
        p = int(field[3:-1])
        assert got.rank == rank_mod_p_ref([[residue(v, p) for v in row] for row in rows], p)


def test_monte_carlo_with_entries_too_large_for_its_bound_reports_it():
    """Entries of 2 million bits make the per-prime bound 1: the route stops after
    MONTE_CARLO_MAX_PRIMES primes and reports the probability it reached, never divides by
    log 1 (review, 2026-12-05)."""
    x = 3**1_300_000
    A = np.array([[x, 2 * x], [3 * x, 6 * x]], dtype=object)
    result = er.rank(A, prove="monte-carlo", seed=1)
    assert result.rank == 1 and not result.exact
    assert 0 < result.error_probability <= 1


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix itself
def test_numpy_matrix_input_is_read_as_an_array():
    for field in ("QQ", "GF(7)", "float"):
        assert er.rank(np.matrix([[1, 2], [3, 4]]), field).rank == 2
    assert er.rank(np.matrix([[1, 2], [2, 4]], dtype=object)).rank == 1
