"""Exact integer kernels against Python integers: nothing wraps, whatever the magnitudes."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exactrank.numbers import multimodular, residue_products, residues
from exactrank.numbers.kernels import (
    align,
    dgemm,
    exact_matmul,
    max_abs,
    reduce_mod,
    storage_for,
    to_storage,
)

BITS = st.sampled_from([0, 1, 3, 20, 26, 40, 52, 53, 61, 62, 63, 64, 100, 300])


def _array(rows, dtype_bits):
    """Python ints as an int64 array when they fit, else an object array."""
    A = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            A[i, j] = v
    return A.astype(np.int64) if dtype_bits < 62 else A


@st.composite
def matmul_case(draw):
    n, k, m = draw(st.integers(0, 5)), draw(st.integers(0, 6)), draw(st.integers(0, 5))
    ba, bb = draw(BITS), draw(BITS)
    A = [[draw(st.integers(-(2**ba), 2**ba)) for _ in range(k)] for _ in range(n)]
    B = [[draw(st.integers(-(2**bb), 2**bb)) for _ in range(m)] for _ in range(k)]
    return A, B, ba, bb, n, k, m


@settings(max_examples=300, deadline=None)
@given(matmul_case())
@example(([[2**62 - 1, -(2**62)]], [[2**62], [2**62 - 3]], 63, 63, 1, 2, 1))
@example(([[-(2**52)] * 6], [[2**52]] * 6, 53, 53, 1, 6, 1))
def test_exact_matmul_matches_python_integers(case):
    A, B, ba, bb, n, k, m = case
    Aa = _array(A, ba) if n and k else np.zeros((n, k), dtype=np.int64)
    Bb = _array(B, bb) if k and m else np.zeros((k, m), dtype=np.int64)
    C, bound = exact_matmul(Aa, Bb)
    expected = [[sum(A[i][t] * B[t][j] for t in range(k)) for j in range(m)] for i in range(n)]
    got = [[int(C[i, j]) for j in range(m)] for i in range(n)]
    assert got == expected
    assert all(abs(v) <= bound for row in expected for v in row)
    if C.dtype == np.float64:
        assert bound < 2**53


def test_storage_ladder():
    assert storage_for(2**53 - 1) is np.float64
    assert storage_for(2**53) is np.int64
    assert storage_for(2**62) is object


def test_to_storage_keeps_large_integers_exact():
    X = np.array([2**53 + 1, -(2**61)], dtype=np.int64)
    assert to_storage(X, object).tolist() == [2**53 + 1, -(2**61)]
    F = np.array([2.0**52, -3.0])
    assert [type(v) for v in to_storage(F, object)] == [int, int]


def test_align_never_narrows_and_never_mixes():
    a = np.array([1.0, 2.0])
    b = np.array([2**60], dtype=np.int64)
    x, y = align([a, b], 0)
    assert x.dtype == y.dtype == np.int64
    (z,) = align([np.array([1], dtype=object)], 0)
    assert z.dtype == object


def test_max_abs_of_int64_extremes():
    assert max_abs(np.array([-(2**62), 5], dtype=np.int64)) == 2**62
    assert max_abs(np.array([], dtype=np.int64)) == 0


def test_reduce_mod_of_big_integers():
    X = np.array([2**200 + 5, -(2**100)], dtype=object)
    assert reduce_mod(X, 7).tolist() == [(2**200 + 5) % 7, (-(2**100)) % 7]


@pytest.mark.parametrize("shape_a,shape_b", [((0, 2), (2, 3)), ((2, 0), (0, 3)), ((2, 2), (2, 0))])
def test_exact_matmul_of_empty_operands_is_zero(shape_a, shape_b):
    """An empty operand makes the bound 0: the huge other operand must not be cast."""
    A = np.full(shape_a, 3**700, dtype=object)
    B = np.full(shape_b, 5**900, dtype=object)
    C, bound = exact_matmul(A, B)
    assert C.shape == (shape_a[0], shape_b[1]) and bound == 0 and not C.any()


# ------------------------------------------------------------- residues mod p and CRT
# exactrank.numbers.residues and exactrank.numbers.multimodular against Python integers.

RESIDUE_PRIMES = [
    2,
    3,
    5,
    1000003,
    2**26 - 5,  # the largest prime of modular's float64 kernels here
    2**26 + 15,  # the smallest prime of the split product (27 bits)
    2**31 - 1,
    2**61 - 1,
    2**62 - 57,  # the largest prime below RESIDUE_PRIME_BOUND
]


def _residue_array(draw, shape, p):
    values = [draw(st.one_of(st.integers(0, p - 1), st.sampled_from([0, 1, p - 1])))]
    values += [draw(st.integers(0, p - 1)) for _ in range(int(np.prod(shape)) - 1)]
    return np.array(values[: int(np.prod(shape))], dtype=np.int64).reshape(shape)


@st.composite
def residue_case(draw):
    p = draw(st.sampled_from(RESIDUE_PRIMES))
    n, k, m = draw(st.integers(1, 5)), draw(st.integers(1, 70)), draw(st.integers(1, 5))
    return p, _residue_array(draw, (n, k), p), _residue_array(draw, (k, m), p)


@settings(max_examples=200, deadline=None)
@given(residue_case())
def test_residue_kernels_match_python_integers(case):
    p, A, B = case
    As, Bs = A.astype(object), B.astype(object)
    assert residue_products.matmul_mod(A, B, p).tolist() == ((As @ Bs) % p).tolist()
    col, row = A[:, :1], B[:1, :]  # broadcast to (n, m)
    assert residues.mul_mod(col, row, p).tolist() == ((col.astype(object) * row) % p).tolist()
    assert residues.add_mod(col, row, p).tolist() == ((col.astype(object) + row) % p).tolist()
    scalar = np.int64(B[0, 0])
    assert residues.mul_mod(A, scalar, p).tolist() == ((As * int(scalar)) % p).tolist()


@pytest.mark.parametrize("p", RESIDUE_PRIMES)
def test_residue_matmul_at_the_largest_residues(p):
    """Every entry p − 1 and long inner dimensions: the sums the bounds are tight for."""
    for k in (1, 8, 63, 64, 65, 300):
        A, B = np.full((3, k), p - 1, dtype=np.int64), np.full((k, 2), p - 1, dtype=np.int64)
        assert residue_products.matmul_mod(A, B, p).tolist() == [[k * (p - 1) ** 2 % p] * 2] * 3


def test_a_residue_reduction_without_its_last_correction_is_caught(monkeypatch):
    """The oracle comparison above sees a reduction that leaves negative remainders."""
    p = 2**61 - 1
    A = np.array([[p - 1, p - 2, 12345]], dtype=np.int64)
    B = np.array([[p - 1], [p - 3], [p - 7]], dtype=np.int64)
    expected = ((A.astype(object) @ B.astype(object)) % p).tolist()
    assert residue_products.matmul_mod(A, B, p).tolist() == expected

    def no_correction(V, z, p, scratch=None):
        np.rint(z, out=z)
        V -= z.astype(np.int64) * p
        return V

    monkeypatch.setattr(residues, "_reduce_wrapped", no_correction)
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, p, (20, 1)), rng.integers(0, p, (1, 20))  # the split product
    expected = ((a.astype(object) * b.astype(object)) % p).tolist()
    assert residues.mul_mod(a, b, p).tolist() != expected


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(-(2**200), 2**200), min_size=1, max_size=12),
    st.integers(0, 2**200),
)
def test_crt_rebuilds_integers_within_the_bound(values, extra):
    bound = max(abs(v) for v in values) + extra % 7
    primes = multimodular.primes_for(bound)
    P = math.prod(primes)
    assert 2 * bound < P and all(p < 2**multimodular.CRT_PRIME_BITS for p in primes)
    # centered residues as the float kernels leave them: |r| <= p/2 + 2
    res = [np.array([float((v + p // 2) % p - p // 2) for v in values]) for p in primes]
    got = multimodular.crt(res, primes, bound)
    assert [int(v) for v in got] == values
    assert got.dtype == (np.int64 if bound < 2**62 else object)


@pytest.mark.parametrize("bits", [10, 52, 61, 62, 63, 100, 400])
def test_multimodular_product_matches_python_integers(bits):
    rng = np.random.default_rng(bits)
    half = bits // 2
    left = np.array(
        [[int(rng.integers(-(2**20), 2**20)) << max(0, half - 20) for _ in range(5)]] * 7,
        dtype=object,
    )
    left[3, 2] = -(2**half)
    right = np.array(
        [[int(rng.integers(-(2**20), 2**20)) << max(0, half - 20) for _ in range(6)]] * 5,
        dtype=object,
    )
    exact = left @ right
    bound = max(abs(int(v)) for v in exact.flat) + 1
    assert [int(v) for v in multimodular.multimodular_product(left, right, bound).flat] == [
        int(v) for v in exact.flat
    ]


def test_crt_with_one_prime_too_few_is_caught():
    """The product of all but the last prime is below 2·max|x|: the values wrap."""
    values = [2**80 + 12345, -(2**79) - 1, 7]
    bound = 2**80 + 12345
    primes = multimodular.primes_for(bound)
    fewer = primes[:-1]
    assert math.prod(fewer) <= 2 * bound
    res = [np.array([float((v + p // 2) % p - p // 2) for v in values]) for p in fewer]
    got = multimodular.crt(res, fewer, bound)
    assert [int(v) for v in got] != values


@pytest.mark.parametrize("p", RESIDUE_PRIMES)
def test_residue_products_of_large_arrays(p):
    """Elementwise products past the Python-integer size go through the split product."""
    rng = np.random.default_rng(p % 1000)
    a = np.array([[rng.integers(0, p)] for _ in range(40)], dtype=np.int64)
    b = np.array([[rng.integers(0, p) for _ in range(40)]], dtype=np.int64)
    a[0, 0], b[0, 0] = p - 1, p - 1
    assert a.size * b.size > residues._OBJECT_ENTRIES
    expected = ((a.astype(object) * b.astype(object)) % p).tolist()
    assert residues.mul_mod(a, b, p).tolist() == expected
    assert residues.mul_mod(a[:, :, None], b.T[None], p)[:, :, 0].tolist() == expected


@pytest.mark.parametrize("shape", [(3, 4, 5), (300, 8, 256), (1000, 3, 1000), (5000, 64, 64)])
def test_dgemm_in_blocks_is_the_product(shape):
    """Small products run in row blocks kept off BLAS threads: same exact integer result."""
    n, k, m = shape
    rng = np.random.default_rng(n)
    A = rng.integers(-(2**20), 2**20, (n, k)).astype(np.float64)
    B = rng.integers(-(2**20), 2**20, (k, m)).astype(np.float64)
    expected = A.astype(np.int64).astype(object) @ B.astype(np.int64).astype(object)
    assert (dgemm(A, B).astype(np.int64).astype(object) == expected).all()
    out = np.full((n, m), np.nan)  # into a given array, every row written
    assert dgemm(A, B, out=out) is out
    assert (out.astype(np.int64).astype(object) == expected).all()
