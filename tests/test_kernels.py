"""Exact integer kernels against Python integers: nothing wraps, whatever the magnitudes."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exactrank.kernels import align, exact_matmul, max_abs, reduce_mod, storage_for, to_storage

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
