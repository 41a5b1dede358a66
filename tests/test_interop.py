"""Inputs users already have: galois arrays, FLINT matrices, sympy and galois fields as
``field=``, and tensorly's TT and CP tensors both ways, with ``tt_ranks`` (issue 10).

Every rank is checked against a computation that is not exactrank's: galois's own row
reduction, FLINT's ``.rank()``, sympy, or the Fraction elimination of tests/oracles.py;
every converted grid against tensorly's ``tt_to_tensor`` / ``cp_to_tensor`` or the
brute-force scores of tests/oracles.py.
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import galois
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from oracles import rank_fraction, rank_mod_p_ref
from strategies import (
    abs_bound,
    build_rnn,
    build_shallow,
    map_nested,
    rnn_oracle,
    rnn_specs,
    shallow_oracle,
    shallow_specs,
)
from tensorly.cp_tensor import CPTensor, cp_to_tensor
from tensorly.decomposition import tensor_train
from tensorly.tt_tensor import TTTensor, tt_to_tensor

import exactrank as er
from exactrank.limits import MAX_DIGITS
from exactrank.linalg.matrices import matrix_field
from exactrank.numbers.domains import MAX_FIELD_PRIME_BITS

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PRIMES = (2, 3, 7, 31, 65537, 2**31 - 1, 2**61 - 1, 2**89 - 1)  # 2^89 - 1: Python-int residues
GF = {p: galois.GF(p) for p in (2, 3, 5, 7, 31, 65537, 2**31 - 1)}


# ---------------------------------------------------------------------------- field objects


@pytest.mark.parametrize(
    "given_field, expected",
    [
        ("QQ", er.QQ),
        ("float", er.FLOAT),
        ("GF(7)", er.Field("GF", 7)),
        (sympy.QQ, er.QQ),
        (sympy.polys.domains.QQ, er.QQ),
        (sympy.GF(7), er.Field("GF", 7)),
        (sympy.polys.domains.FF(2), er.Field("GF", 2)),
        (sympy.GF(2**61 - 1), er.Field("GF", 2**61 - 1)),
        (galois.GF(7), er.Field("GF", 7)),
        (galois.GF(2), er.Field("GF", 2)),
        (galois.GF(2**61 - 1), er.Field("GF", 2**61 - 1)),
        ("GF(" + "0" * 9000 + "7)", er.Field("GF", 7)),  # 9001 characters, the number 7
        (f"GF({2**521 - 1})", er.Field("GF", 2**521 - 1)),  # a 157-digit (Mersenne) prime
    ],
)
def test_field_objects(given_field, expected):
    assert er.parse_field(given_field) == expected


@pytest.mark.parametrize(
    "bad, error, text",
    [
        (sympy.ZZ, er.InvalidInputError, "ZZ: the integers are a ring, not a field"),
        ("ZZ", er.InvalidInputError, "so ask for 'QQ'"),
        (sympy.GF(6), er.InvalidInputError, "sympy's GF(6) is the ring of integers modulo 6"),
        (sympy.GF(9), er.InvalidInputError, "modulus is not prime"),
        (galois.GF(2**3), er.DomainError, "galois.GF(2**3) is a prime-power field"),
        (galois.GF(3**2), er.DomainError, "galois.GF(3**2) is a prime-power field"),
        (sympy.RR, er.InvalidInputError, "the sympy domain RR is not one of"),
        ("GF(4)", er.InvalidInputError, "got GF(4): 4 is not prime"),
        ("GF(1)", er.InvalidInputError, "got GF(1): 1 is not prime"),
        ("GF(٧)", er.InvalidInputError, "field must be 'QQ', 'GF(p)'"),  # ASCII digits only
        (7, er.InvalidInputError, "got 7"),
        (galois.GF(7)([1, 2]), er.InvalidInputError, "field must be"),  # an array, not a field
    ],
)
def test_field_refusals(bad, error, text):
    with pytest.raises(error) as info:
        er.parse_field(bad)
    assert text in str(info.value)
    assert "\n" not in str(info.value)


def test_a_long_field_string_is_echoed_short():
    with pytest.raises(er.InvalidInputError) as info:
        er.parse_field("x" * 10**6)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("digits", [4300, 4400, MAX_DIGITS])
def test_p_past_pythons_digit_limit_is_refused_by_its_size(digits):
    """Python refuses int() of more than 4300 digits by default; the message is ours, about
    the size of p, and comes at once (no primality proof of a 4400-digit number is begun)."""
    with pytest.raises(er.LimitError) as info:
        er.parse_field(f"GF(1{'0' * (digits - 2)}1)")
    message = str(info.value)
    assert f"p has {digits} digits" in message
    assert f"p < 2^{MAX_FIELD_PRIME_BITS} only" in message
    assert "Exceeds the limit" not in message and len(message) < 200


def test_p_beyond_max_digits_names_the_limit():
    with pytest.raises(er.LimitError) as info:
        er.parse_field("GF(" + "7" * (MAX_DIGITS + 1) + ")")
    assert str(info.value) == (
        f"field GF(p): p has {MAX_DIGITS + 1} digits, more than MAX_DIGITS = {MAX_DIGITS}"
    )


def test_a_huge_modulus_given_as_an_int_is_described_by_its_size():
    with pytest.raises(er.LimitError) as info:
        er.Field("GF", 2**20000 + 1)  # str() of it would raise past Python's 4300 digits
    assert "has 20001 bits" in str(info.value) and len(str(info.value)) < 200


@given(p=st.sampled_from(sorted(GF)), form=st.sampled_from(["str", "sympy", "galois", "Field"]))
@SETTINGS
def test_every_name_of_a_prime_field_is_the_same_field(p, form):
    named = {
        "str": f" gf( {p} ) ",
        "sympy": sympy.GF(p),
        "galois": GF[p],
        "Field": er.Field("GF", p),
    }
    field = er.parse_field(named[form])
    assert field == er.Field("GF", p) and er.parse_field(str(field)) == field


# ---------------------------------------------------------------------------- matrices


@st.composite
def residue_matrices(draw, primes=PRIMES):
    p = draw(st.sampled_from(primes))
    m, n = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    low_rank = draw(st.booleans()) and m and n
    if low_rank:  # a product of two thin factors: the rank is often below min(m, n)
        k = draw(st.integers(1, 3))
        U = [[draw(st.integers(0, p - 1)) for _ in range(k)] for _ in range(m)]
        V = [[draw(st.integers(0, p - 1)) for _ in range(n)] for _ in range(k)]
        A = [[sum(U[i][s] * V[s][j] for s in range(k)) % p for j in range(n)] for i in range(m)]
    else:
        small = st.integers(0, min(p - 1, 2))
        entry = st.one_of(small, st.integers(0, p - 1))
        A = [[draw(entry) for _ in range(n)] for _ in range(m)]
    return p, A


@given(residue_matrices(primes=tuple(GF)))
@example((2, [[1, 1], [1, 1]]))
@example((7, []))
@SETTINGS
def test_rank_of_a_galois_array_is_galois_own_rank(case):
    p, A = case
    m, n = len(A), len(A[0]) if A else 0
    array = GF[p](np.array(A, dtype=np.int64).reshape(m, n))
    expected = int(np.linalg.matrix_rank(array)) if array.size else 0  # galois's row reduction
    for field in (f"GF({p})", sympy.GF(p), GF[p]):
        result = er.rank(array, field)
        assert result.exact and result.field == f"GF({p})" and result.rank == expected


def test_rank_of_a_galois_array_past_int64():
    p = 2**89 - 1  # galois stores these residues as Python ints (object dtype)
    field = galois.GF(p)
    x = 2**88 + 12345
    array = field([[1, x], [2, 2 * x % p], [3, 5]])
    assert array.dtype == object
    assert er.rank(array, f"GF({p})").rank == int(np.linalg.matrix_rank(array)) == 2
    assert er.rank(field([[1, x], [2, 2 * x % p]]), field).rank == 1


@pytest.mark.parametrize("asked", ["GF(5)", "QQ", "float", sympy.GF(5), galois.GF(5), sympy.QQ])
def test_a_galois_array_and_another_field_disagree(asked):
    array = GF[7]([[1, 2], [3, 4]])
    with pytest.raises(er.DomainError) as info:
        er.rank(array, asked)
    message = str(info.value)
    assert message.startswith("the galois array is over GF(7) and has no rank over ")
    assert "ask for GF(7) (or leave the field out)" in message


def test_a_prime_power_galois_array_is_refused():
    array = galois.GF(2**3)([[1, 2], [3, 4]])
    for field in ("GF(2)", None):
        with pytest.raises(er.DomainError, match=r"galois.GF\(2\*\*3\) is a prime-power field"):
            er.rank(array, field) if field else matrix_field(array)


@given(residue_matrices(primes=(2, 3, 7, 65537, 2**61 - 1)))
@SETTINGS
def test_rank_of_an_nmod_mat_is_flints_rank(case):
    p, A = case
    m, n = len(A), len(A[0]) if A else 0
    nmod = flint.nmod_mat(m, n, [v for row in A for v in row], p)
    result = er.rank(nmod, f"GF({p})")
    assert result.exact and result.rank == nmod.rank() == rank_mod_p_ref(A, p)
    assert matrix_field(nmod) == er.Field("GF", p)  # the prime need not be restated


def test_an_nmod_mat_with_a_composite_modulus_never_reaches_flint():
    nmod = flint.nmod_mat(2, 2, [1, 2, 3, 4], 6)  # FLINT's rank would abort the process
    for field in ("GF(3)", "QQ", None):
        with pytest.raises(
            er.DomainError, match="an nmod_mat modulo 6 has no rank: 6 is not prime"
        ):
            er.rank(nmod, field) if field else matrix_field(nmod)


@st.composite
def rational_matrices(draw):
    m, n = draw(st.integers(0, 5)), draw(st.integers(0, 5))
    q = st.builds(Fraction, st.integers(-4, 4), st.sampled_from([1, 1, 2, 3]))
    rows = [[draw(q) for _ in range(n)] for _ in range(m)]
    if m > 1 and draw(st.booleans()):  # a dependent row
        rows[-1] = [a + 2 * b for a, b in zip(rows[0], rows[1], strict=True)]
    return rows


@given(rational_matrices())
@SETTINGS
def test_flint_integer_and_rational_matrices_are_over_qq(A):
    m, n = len(A), len(A[0]) if A else 0
    fmpq = flint.fmpq_mat(m, n, [flint.fmpq(q.numerator, q.denominator) for r in A for q in r])
    den = math.lcm(*(q.denominator for r in A for q in r)) if m * n else 1
    fmpz = flint.fmpz_mat(m, n, [int(q * den) for r in A for q in r])
    expected = sympy.Matrix(
        m, n, [sympy.Rational(q.numerator, q.denominator) for r in A for q in r]
    )
    assert matrix_field(fmpz) == matrix_field(fmpq) == er.QQ
    for M in (fmpq, fmpz):
        result = er.rank(M, "QQ")
        assert result.exact and result.rank == M.rank() == expected.rank() == rank_fraction(A)
    for field in (sympy.QQ, er.QQ):
        assert er.rank(fmpq, field).rank == rank_fraction(A)


@given(rational_matrices(), st.sampled_from([5, 7, 31]))
@SETTINGS
def test_a_rational_matrix_maps_to_gf_p_entry_by_entry(A, p):
    if any(q.denominator % p == 0 for r in A for q in r):
        return
    m, n = len(A), len(A[0]) if A else 0
    fmpq = flint.fmpq_mat(m, n, [flint.fmpq(q.numerator, q.denominator) for r in A for q in r])
    for field in (f"GF({p})", sympy.GF(p), GF[p]):
        assert er.rank(fmpq, field).rank == rank_mod_p_ref(A, p)
        if m:  # [] is no matrix: a list of no rows has no shape (m, n)
            assert er.rank(A, field).rank == rank_mod_p_ref(A, p)


def test_a_grid_over_gf_p_has_no_float_rank():
    model = er.GeneralizedRNN("product", [[[1, 2]], [[3, 1]]], [[[[1]]], [[[2]]]])
    A = er.matricize(er.grid_tensor(model, "GF(7)"), "odd-even")
    assert matrix_field(A) == er.Field("GF", 7)
    with pytest.raises(er.DomainError, match="is over GF.7. and has no rank over float"):
        er.rank(A, "float")


def test_the_field_is_taken_from_the_matrix():
    """``rank(A)`` with no field: a galois array's GF(p), an nmod_mat's modulus, a grid's
    field, else QQ."""
    array = GF[7]([[1, 2], [2, 4], [0, 3]])
    assert er.rank(array).field == "GF(7)" and er.rank(array).rank == 2
    nmod = flint.nmod_mat(2, 2, [1, 2, 3, 6], 7)
    assert er.rank(nmod).field == "GF(7)" and er.rank(nmod).rank == 1
    model = er.GeneralizedRNN("product", [[[1, 2]], [[3, 1]]], [[[[1]]], [[[2]]]])
    grid = er.matricize(er.grid_tensor(model, "GF(7)"), "odd-even")
    assert er.rank(grid).field == "GF(7)"
    assert er.rank(flint.fmpz_mat([[1, 2], [2, 4]])).field == "QQ"
    assert er.rank([[1, 2], [2, 4]]).field == "QQ"


# ---------------------------------------------------------------------------- tensorly: TT


@st.composite
def integer_tt_cores(draw, bound=3):
    M, T = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    R = [1] + [draw(st.integers(1, 3)) for _ in range(T - 1)] + [1]
    entry = st.integers(-bound, bound)
    return [
        np.array(
            [[[draw(entry) for _ in range(R[t + 1])] for _ in range(M)] for _ in range(R[t])],
            dtype=np.int64,
        )
        for t in range(T)
    ]


@given(integer_tt_cores(), st.sampled_from(["float64", "int64", "list"]))
@SETTINGS
def test_a_tt_of_integers_is_an_rnn_with_the_same_grid(cores, how):
    tt = TTTensor([c.astype(np.float64) if how == "float64" else c for c in cores])
    model = er.from_tt_tensor(tt.factors if how == "list" else tt)
    assert model.exact and model.xi.name == "product" and model.ranks == tuple(tt.rank[1:-1])
    grid = er.grid_tensor(model).to_fractions()
    expected = tt_to_tensor(TTTensor([c.astype(np.float64) for c in cores]))
    assert grid.shape == expected.shape
    assert all(q.denominator == 1 for q in grid.flat)
    assert np.array_equal(grid.astype(np.float64), expected)  # small integers: float is exact


def test_a_tt_of_binary_floats_converts_each_float_exactly():
    a, b = [0.1, 1 / 3], [2.5, -0.7]
    model = er.from_tt_tensor(
        TTTensor([np.array(a).reshape(1, 2, 1), np.array(b).reshape(1, 2, 1)])
    )
    grid = er.grid_tensor(model)
    for i in range(2):
        for j in range(2):
            assert grid.entry((i, j)) == Fraction(a[i]) * Fraction(b[j])  # exactly, unrounded
    assert grid.entry((0, 0)) != Fraction(1, 10) * Fraction(5, 2)  # 0.1 is not one tenth
    assert Fraction(0.1) == Fraction(3602879701896397, 36028797018963968)


def test_exact_false_gives_a_float_model():
    cores = [np.array([[[0.1], [0.2]]]), np.array([[[3.0], [0.5]]])]
    model = er.from_tt_tensor(cores, exact=False)
    assert not model.exact
    np.testing.assert_allclose(
        er.grid_tensor(model, "float").values, tt_to_tensor(TTTensor(cores)), rtol=1e-15
    )


@given(rnn_specs(xis=("product",)))
@SETTINGS
def test_an_rnn_as_a_tt_has_its_grid_to_float_precision(spec):
    model = build_rnn(spec)
    tt = er.to_tt_tensor(model)
    assert isinstance(tt, TTTensor) and tuple(tt.rank[1:-1]) == model.ranks
    values = tt_to_tensor(tt)
    assert values.dtype == np.float64
    for seq, exact in rnn_oracle(spec).items():  # the brute-force scores, Fractions
        bound = float(abs_bound(spec, seq)) + 1
        assert abs(values[seq] - float(exact)) <= 1e-12 * bound


@st.composite
def small_integer_specs(draw, specs):
    """A product-network spec with every weight replaced by a small integer: the cores and
    factors passed to tensorly (|entry| <= 3 · 3 · 3 · 99 · 99 < 2^53) are floats exactly."""
    spec = draw(specs)
    small = st.integers(-99, 99)
    for key in ("C", "G", "lambda", "V"):
        if key in spec:
            spec[key] = map_nested(spec[key], lambda _: Fraction(draw(small)))
    if spec["F"] is not None:
        spec["F"] = map_nested(spec["F"], lambda _: Fraction(draw(st.integers(-3, 3))))
    return spec


@given(small_integer_specs(rnn_specs(xis=("product",))))
@SETTINGS
def test_an_integer_rnn_survives_the_round_trip_through_tensorly(spec):
    model = build_rnn(spec)
    back = er.from_tt_tensor(er.to_tt_tensor(model))
    grid = er.grid_tensor(back)
    assert all(grid.entry(seq) == exact for seq, exact in rnn_oracle(spec).items())


@pytest.mark.parametrize(
    "cores, text",
    [
        ([np.ones((1, 2, 2)), np.ones((2, 3, 1))], "every mode must have the same size M"),
        ([np.ones((1, 2, 2)), np.ones((3, 2, 1))], "TT core 1 has shape (3, 2, 1)"),
        ([np.ones((2, 2, 1))], "the first core needs R_{-1} = 1"),
        ([np.ones((1, 2, 2))], "the last TT core must have R_0 = 1"),
        ([np.ones((1, 2))], "TT core 0 must be 3-D"),
        ([np.array([[[np.nan], [1.0]]])], "TT core 0[0][0][0] is nan"),
        ([np.array([[[1.0], [np.inf]]])], "TT core 0[0][1][0] is inf"),
        ([np.ones((1, 2, 1), dtype=complex)], "complex entries"),
        ([], "a TT needs at least one core"),
        (3, "expected a TTTensor or a list of its arrays, got int"),
    ],
)
def test_bad_tts_are_refused_by_name(cores, text):
    with pytest.raises(er.InvalidInputError) as info:
        er.from_tt_tensor(cores)
    assert text in str(info.value)


def test_only_a_product_rnn_is_a_tt():
    relu = er.GeneralizedRNN("relu", [[[1, 2]], [[3, 1]]], [[[[1]]], [[[2]]]])
    with pytest.raises(er.InvalidInputError, match="a TT is a generalized RNN with ξ = product"):
        er.to_tt_tensor(relu)
    shallow = er.GeneralizedShallow("product", [1], [[[1, 2]]])
    with pytest.raises(er.InvalidInputError, match="got a GeneralizedShallow"):
        er.to_tt_tensor(shallow)


def test_a_weight_too_large_for_float64_is_refused():
    model = er.GeneralizedRNN("product", [[[10**400]]], [[[[1]]]])
    with pytest.raises(er.DomainError, match="TT core 0: an entry is too large for float64"):
        er.to_tt_tensor(model)


# ---------------------------------------------------------------------------- tensorly: CP


@st.composite
def integer_cp(draw, bound=3):
    M, T, R = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    entry = st.integers(-bound, bound)
    weights = np.array([draw(entry) for _ in range(R)], dtype=np.int64)
    factors = [
        np.array([[draw(entry) for _ in range(R)] for _ in range(M)], dtype=np.int64)
        for _ in range(T)
    ]
    return weights, factors


@given(integer_cp(), st.sampled_from(["float64", "int64", "pair", "no weights"]))
@SETTINGS
def test_a_cp_of_integers_is_a_shallow_network_with_the_same_grid(cp, how):
    weights, factors = cp
    floats = CPTensor((weights.astype(np.float64), [A.astype(np.float64) for A in factors]))
    if how == "no weights":
        weights = np.ones_like(weights)
        floats = CPTensor((weights.astype(np.float64), floats.factors))
        source = (None, factors)
    else:
        source = {"float64": floats, "int64": CPTensor((weights, factors))}.get(
            how, (weights, factors)
        )
    model = er.from_cp_tensor(source)
    assert model.exact and model.xi.name == "product" and len(weights) == model.R
    for r in range(model.R):  # V[r][t] = factor_t[:, r], lambda = weights
        assert model.lambda_[r] == weights[r]
        for t, A in enumerate(factors):
            assert list(model.V[r, t]) == list(A[:, r])
    grid = er.grid_tensor(model).to_fractions()
    assert np.array_equal(grid.astype(np.float64), cp_to_tensor(floats))


def test_a_cp_of_binary_floats_converts_each_float_exactly():
    cp = CPTensor((np.array([0.3]), [np.array([[0.1], [0.25]]), np.array([[1e-300], [7.0]])]))
    grid = er.grid_tensor(er.from_cp_tensor(cp))
    assert grid.entry((0, 0)) == Fraction(0.3) * Fraction(0.1) * Fraction(1e-300)
    assert grid.entry((1, 1)) == Fraction(0.3) * Fraction(0.25) * 7


@given(shallow_specs(xis=("product",)))
@SETTINGS
def test_a_shallow_network_as_a_cp_has_its_grid_to_float_precision(spec):
    model = build_shallow(spec)
    cp = er.to_cp_tensor(model)
    assert isinstance(cp, CPTensor) and cp.rank == model.R
    values = cp_to_tensor(cp)
    for seq, exact in shallow_oracle(spec).items():
        assert math.isclose(values[seq], float(exact), rel_tol=1e-12, abs_tol=1e-9)


@given(small_integer_specs(shallow_specs(xis=("product",))))
@SETTINGS
def test_an_integer_shallow_network_survives_the_round_trip_through_tensorly(spec):
    back = er.from_cp_tensor(er.to_cp_tensor(build_shallow(spec)))
    grid = er.grid_tensor(back)
    assert all(grid.entry(seq) == exact for seq, exact in shallow_oracle(spec).items())


@pytest.mark.parametrize(
    "cp, text",
    [
        ((np.ones(2), [np.ones((2, 2)), np.ones((3, 2))]), "every mode must have the same size"),
        ((np.ones(2), [np.ones((2, 2)), np.ones((2, 3))]), "CP factor 1 has R = 3 columns"),
        ((np.ones(3), [np.ones((2, 2))]), "CP weights must have shape (2,) for R = 2"),
        ((np.ones(1), [np.ones(2)]), "CP factor 0 must be 2-D (M, R)"),
        ((np.ones(1), []), "needs at least one factor"),
        ((np.ones(1), [np.array([[np.nan]])]), "CP factor 0[0][0] is nan"),
        ("cp", "expected a CPTensor or a pair (weights, factors), got str"),
    ],
)
def test_bad_cps_are_refused_by_name(cp, text):
    with pytest.raises(er.InvalidInputError) as info:
        er.from_cp_tensor(cp)
    assert text in str(info.value)


def test_only_a_product_shallow_network_is_a_cp():
    relu = er.GeneralizedShallow("relu", [1], [[[1, 2], [0, 1]]])
    with pytest.raises(er.InvalidInputError, match="ξ = product, got a GeneralizedShallow"):
        er.to_cp_tensor(relu)


# ---------------------------------------------------------------------------- TT ranks


def unfolding_ranks(tensor: np.ndarray, rank_of) -> tuple[int, ...]:
    """The ranks of the left-right unfoldings by a plain reshape (C order) and ``rank_of``."""
    dims = tensor.shape
    return tuple(
        rank_of(tensor.reshape(math.prod(dims[: k + 1]), -1).tolist()) for k in range(len(dims) - 1)
    )


@st.composite
def integer_tensors(draw):
    M, T = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    if draw(st.booleans()):  # from TT cores: low ranks
        cores = draw(integer_tt_cores())
        return tt_to_tensor(TTTensor([c.astype(np.float64) for c in cores])).astype(np.int64)
    entries = [draw(st.integers(-2, 2)) for _ in range(M**T)]
    return np.array(entries, dtype=np.int64).reshape((M,) * T)


@given(integer_tensors())
@example(np.zeros((2, 2, 2), dtype=np.int64))
@example(np.array([1, 2], dtype=np.int64))
@SETTINGS
def test_tt_ranks_are_the_fraction_ranks_of_the_unfoldings(tensor):
    expected = unfolding_ranks(tensor, rank_fraction)
    assert er.tt_ranks(tensor) == expected
    assert er.tt_ranks(tensor.astype(object) * Fraction(1, 3)) == expected  # Fractions
    for p in (2, 7):
        assert er.tt_ranks(tensor, f"GF({p})") == unfolding_ranks(
            tensor, lambda A, p=p: rank_mod_p_ref(A, p)
        )
        residues = GF[p](tensor % p)
        assert er.tt_ranks(residues) == er.tt_ranks(tensor, galois.GF(p))


@given(integer_tt_cores(bound=9))
@SETTINGS
def test_tt_ranks_of_a_grid_are_at_most_its_trains(cores):
    model = er.from_tt_tensor(cores)
    grid = er.grid_tensor(model)
    ranks = er.tt_ranks(grid)
    assert all(r <= R for r, R in zip(ranks, model.ranks, strict=True))
    assert ranks == unfolding_ranks(grid.to_fractions(), rank_fraction)


CASES = [(seed, M, T) for seed in range(4) for M, T in ((2, 4), (3, 3), (2, 5), (3, 4))]


@pytest.mark.parametrize("seed, M, T", CASES)
def test_tt_ranks_are_what_tensorlys_tensor_train_needs(seed, M, T):
    """TT-SVD (tensorly's tensor_train) with the exact ranks reproduces the tensor; with one
    rank lowered by one it cannot (Oseledets 2011: its error is at least the dropped singular
    value of that unfolding)."""
    rng = np.random.default_rng(seed)
    R = [1] + [int(rng.integers(1, 4)) for _ in range(T - 1)] + [1]
    cores = [rng.integers(-3, 4, size=(R[t], M, R[t + 1])).astype(np.float64) for t in range(T)]
    tensor = tt_to_tensor(TTTensor(cores))
    ranks = er.tt_ranks(tensor.astype(np.int64))
    norm = np.linalg.norm(tensor)
    if norm == 0:
        assert ranks == (0,) * (T - 1)
        return
    full = tt_to_tensor(tensor_train(tensor, rank=[1, *ranks, 1]))
    assert np.linalg.norm(full - tensor) <= 1e-9 * norm
    for k, r in enumerate(ranks):
        lowered = [1, *ranks, 1]
        lowered[k + 1] = r - 1
        if r - 1 == 0:
            continue  # a rank-0 train is the zero tensor: not one tensorly builds
        approx = tt_to_tensor(tensor_train(tensor, rank=lowered))
        assert np.linalg.norm(approx - tensor) > 1e-6 * norm


def test_tt_ranks_refuse_a_float_grid():
    model = er.GeneralizedRNN("product", [[[1, 2]], [[3, 1]]], [[[[1]]], [[[2]]]])
    with pytest.raises(er.DomainError, match="a float grid has only numerical TT ranks"):
        er.tt_ranks(er.grid_tensor(model, "float"))
    with pytest.raises(er.DomainError, match="float matrix"):
        er.tt_ranks(np.array([[0.5, 1.0], [1.0, 2.0]]))


def test_tt_ranks_of_a_grid_over_gf_p_are_over_gf_p():
    model = er.GeneralizedRNN(
        "product", [[[1, 0], [0, 1]]] * 2, [[[[1, 0]], [[0, 1]]], [[[1], [0]], [[0], [7]]]]
    )
    assert er.tt_ranks(er.grid_tensor(model)) == (2,)
    assert er.tt_ranks(er.grid_tensor(model, "GF(7)")) == (1,)  # 7 = 0 modulo 7


def test_the_converters_are_exported():
    for name in ("from_tt_tensor", "to_tt_tensor", "from_cp_tensor", "to_cp_tensor", "tt_ranks"):
        assert name in er.__all__ and callable(getattr(er, name))
