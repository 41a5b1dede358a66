"""exactrank.numbers.words against Python integers, within each function's stated bounds
(module docstring): values near the bounds (|x| up to 2^92, matrix entries up to 2^62,
limbs' products up to 2^53), not small ones. (helper-written)"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactrank.numbers import words

BOUND = words.BOUND  # 2^92
TWO32 = 1 << 32
PRIMES = [2, 3, 65521, 999983, (1 << 29) - 3, (1 << 30) - 35]  # all prime, below 2^30

SEEDS = st.integers(0, 2**32 - 1)
SHAPES = st.tuples(st.integers(1, 5), st.integers(1, 6))


def _big(rng, shape, bits, exact_top=True):
    """Python integers in (-2^bits, 2^bits), many near the top, as an object array (with
    the extremes ±(2^bits − 1) mixed in)."""
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(*shape):
        kind = int(rng.integers(0, 6))
        top = (1 << bits) - 1
        if kind == 0 and exact_top:
            v = top
        elif kind == 1 and exact_top:
            v = -top
        elif kind == 2:
            v = int(rng.integers(0, 1 << 62)) >> max(0, 62 - bits)  # any size below 2^bits
            v = -v if rng.integers(0, 2) else v
        else:  # the top bits set: near the bound
            low = int.from_bytes(rng.bytes(16), "little") % (1 << max(1, bits - 3))
            v = top - low
            v = -v if rng.integers(0, 2) else v
        out[index] = v
    return out


def _assert_normalized(hi, lo):
    assert hi.dtype == np.int64 and lo.dtype == np.int64
    assert (lo >= 0).all() and (lo < TWO32).all()


def _value(hi, lo):
    out = words.to_integers(hi, lo)
    assert out.dtype == object
    return out


@settings(max_examples=60, deadline=None)
@given(SEEDS, SHAPES)
def test_split_is_the_exact_int64_value(seed, shape):
    rng = np.random.default_rng(seed)
    X = rng.integers(-(2**63), 2**63 - 1, size=shape, dtype=np.int64, endpoint=True)
    X.flat[0] = np.iinfo(np.int64).min
    X.flat[-1] = np.iinfo(np.int64).max
    hi, lo = words.split(X)
    _assert_normalized(hi, lo)
    assert (_value(hi, lo) == X.astype(object)).all()
    # split of other integer dtypes too
    small = rng.integers(-(2**31), 2**31, size=shape).astype(np.int32)
    hi, lo = words.split(small)
    _assert_normalized(hi, lo)
    assert (_value(hi, lo) == small.astype(object)).all()


@settings(max_examples=60, deadline=None)
@given(SEEDS, SHAPES, st.integers(60, 92))
def test_from_integers_round_trips_below_the_bound(seed, shape, bits):
    rng = np.random.default_rng(seed)
    V = _big(rng, shape, bits)
    hi, lo = words.from_integers(V)
    _assert_normalized(hi, lo)
    assert (np.abs(hi) <= 2**60).all()  # |x| < 2^92 gives |hi| <= 2^60 (= at -(2^92 - 1))
    assert (_value(hi, lo) == V).all()
    # the int64 path agrees with the object path
    X = rng.integers(-(2**63), 2**63, size=shape, dtype=np.int64)
    h1, l1 = words.from_integers(X)
    h2, l2 = words.from_integers(X.astype(object))
    assert (h1 == h2).all() and (l1 == l2).all()


def test_zero_and_minus_one_words():
    hi, lo = words.from_integers(np.array([[0, -1, 1, -(2**32), 2**32, -(2**91)]], dtype=object))
    assert hi.tolist() == [[0, -1, 0, -1, 1, -(2**59)]]
    assert lo.tolist() == [[0, 2**32 - 1, 1, 0, 0, 0]]


@settings(max_examples=80, deadline=None)
@given(SEEDS, SHAPES)
def test_normalize_any_lo_including_negative(seed, shape):
    rng = np.random.default_rng(seed)
    hi = rng.integers(-(2**59), 2**59, size=shape, dtype=np.int64)
    lo = rng.integers(-(2**63), 2**63, size=shape, dtype=np.int64)  # any int64, signs mixed
    lo.flat[0] = np.iinfo(np.int64).min
    lo.flat[-1] = -1
    before = hi.astype(object) * TWO32 + lo.astype(object)
    words.normalize(hi, lo)
    _assert_normalized(hi, lo)
    assert (_value(hi, lo) == before).all()


def test_normalize_small_negative_lo():
    hi = np.array([5, 0, -3, 0], dtype=np.int64)
    lo = np.array([-1, -(2**32), -(2**32) - 1, 2**32], dtype=np.int64)
    words.normalize(hi, lo)
    assert (
        _value(hi, lo)
        == np.array([5 * 2**32 - 1, -(2**32), -3 * 2**32 - 2**32 - 1, 2**32], dtype=object)
    ).all()
    _assert_normalized(hi, lo)


@settings(max_examples=60, deadline=None)
@given(SEEDS, SHAPES, st.integers(1, 31))
def test_limbs_reassemble_the_matrix(seed, shape, s):
    rng = np.random.default_rng(seed)
    M = rng.integers(-(2**62), 2**62, size=shape, dtype=np.int64)
    M.flat[0] = 2**62 - 1
    M.flat[-1] = -(2**62) + 1
    M0, M1 = words.limbs(M, s)
    assert M0.dtype == np.float64 and M1.dtype == np.float64
    assert (M0 >= 0).all() and (2**s > M0).all()
    i0, i1 = M0.astype(np.int64), M1.astype(np.int64)
    assert (i0 == M0).all() and (i1 == M1).all()  # integers
    if s >= 9:  # |M1| < 2^53: the float64 limb is exact
        assert (i1.astype(object) * 2**s + i0.astype(object) == M.astype(object)).all()


@st.composite
def _product_case(draw):
    """(s, r, h, a): a split, an inner dimension, max|Y| and max|M| with the limbs'
    products below 2^53 (r·(2^s − 1)·h < 2^53 and r·(a//2^s + 1)·h < 2^53), a as large as
    that allows (up to 2^62)."""
    s = draw(st.integers(1, 31))
    r = draw(st.integers(1, 8))
    room = 53 - s - r.bit_length()  # bits left for h with r·2^s·h < 2^53
    h_bits = draw(st.integers(1, max(1, min(30, room))))
    h = draw(st.integers(max(1, (1 << h_bits) // 2), 1 << h_bits))
    if r * (2**s - 1) * h >= 2**53:
        h = max(1, (2**53 - 1) // (r * (2**s - 1)) - 1)
    cap = (2**53 - 1) // (r * h) - 1  # a//2^s + 1 <= cap
    a = min(2**62 - 1, cap * 2**s + (2**s - 1))
    while r * (a // 2**s + 1) * h >= 2**53:
        a -= 2**s
    a = max(a, 1)
    return s, r, h, a


@settings(max_examples=150, deadline=None)
@given(_product_case(), SEEDS, st.integers(1, 5), st.integers(1, 4), st.sampled_from([1, -1]))
def test_add_product_is_exact(case, seed, m, n, sign):
    s, r, h, a = case
    assert r * (2**s - 1) * h < 2**53 and r * (a // 2**s + 1) * h < 2**53
    rng = np.random.default_rng(seed)
    M = rng.integers(-a, a, size=(m, r), dtype=np.int64, endpoint=True)
    M.flat[0] = a if rng.integers(0, 2) else -a
    Y = rng.integers(-h, h, size=(r, n), dtype=np.int64, endpoint=True)
    Y.flat[0] = h if rng.integers(0, 2) else -h
    if rng.integers(0, 3) == 0:  # the worst case: all extremes of one sign
        M[:] = -a if sign < 0 else a
        Y[:] = h
    start = _big(rng, (m, n), 91)
    hi, lo = words.from_integers(start)
    parts = words.limbs(M, s)
    words.add_product(hi, lo, parts, s, Y.astype(np.float64), sign)
    _assert_normalized(hi, lo)
    expected = start + sign * M.astype(object).dot(Y.astype(object))
    assert (_value(hi, lo) == expected).all()


@settings(max_examples=100, deadline=None)
@given(SEEDS, SHAPES, st.integers(-(2**30) + 1, 2**30 - 1))
def test_add_scaled_is_exact(seed, shape, delta):
    rng = np.random.default_rng(seed)
    W = _big(rng, shape, 62)  # a matrix's entries below 2^62
    w = words.from_integers(W)
    assert (np.abs(w[0]) <= 2**30).all()
    start = _big(rng, shape, 90)  # the sum stays below 2^92
    hi, lo = words.from_integers(start)
    words.add_scaled(hi, lo, w, delta)
    _assert_normalized(hi, lo)
    assert (_value(hi, lo) == start + delta * W).all()
    # the extreme delta on extreme words
    hi, lo = words.from_integers(start)
    words.add_scaled(hi, lo, words.split(np.full(shape, -(2**62) + 1)), -(2**30) + 1)
    assert (_value(hi, lo) == start + (2**30 - 1) * (2**62 - 1)).all()


def test_add_scaled_by_zero_changes_nothing():
    hi, lo = words.from_integers(np.array([[2**91 - 1, -(2**91) + 1]], dtype=object))
    h0, l0 = hi.copy(), lo.copy()
    words.add_scaled(hi, lo, words.split(np.array([[2**61, -(2**61)]])), 0)
    assert (hi == h0).all() and (lo == l0).all()


@settings(max_examples=150, deadline=None)
@given(SEEDS, SHAPES, st.sampled_from(PRIMES), st.booleans())
def test_divide_exact_none_exactly_when_p_misses_an_entry(seed, shape, p, spoil):
    rng = np.random.default_rng(seed)
    bits = (BOUND // p).bit_length() - 1  # p·Q below 2^92
    Q = _big(rng, shape, bits)
    X = p * Q
    if spoil:  # one entry off by a nonzero residue (staying below 2^92)
        index = tuple(int(rng.integers(0, k)) for k in shape)
        e = int(rng.integers(1, p)) if p > 2 else 1
        X[index] += -e if X[index] > 0 else e
        assert X[index] % p != 0
    assert all(abs(v) < BOUND for v in X.flat)
    hi, lo = words.from_integers(X)
    h0, l0 = hi.copy(), lo.copy()
    got = words.divide_exact(hi, lo, p)
    divisible = all(v % p == 0 for v in X.flat)
    assert divisible == (not spoil)
    if not divisible:
        assert got is None
    else:
        assert got is not None
        _assert_normalized(*got)
        assert (_value(*got) == Q).all()
    assert (hi == h0).all() and (lo == l0).all()  # the input is left alone


@settings(max_examples=100, deadline=None)
@given(SEEDS, SHAPES, st.sampled_from(PRIMES))
def test_divide_exact_on_arbitrary_values(seed, shape, p):
    rng = np.random.default_rng(seed)
    X = _big(rng, shape, 92)
    if rng.integers(0, 2):
        X[...] = X - X % p  # make every entry divisible (towards -inf stays below 2^92?)
        X[...] = np.array([v if abs(v) < BOUND else v + p for v in X.flat], dtype=object).reshape(
            shape
        )
    got = words.divide_exact(*words.from_integers(X), p)
    if all(v % p == 0 for v in X.flat):
        assert (
            got is not None
            and (
                _value(*got) == np.array([v // p for v in X.flat], dtype=object).reshape(shape)
            ).all()
        )
    else:
        assert got is None


@settings(max_examples=150, deadline=None)
@given(SEEDS, SHAPES, st.sampled_from(PRIMES + [(1 << 30) - 35]))
def test_mod_is_the_residue(seed, shape, p):
    rng = np.random.default_rng(seed)
    X = _big(rng, shape, 92)
    got = words.mod(*words.from_integers(X), p)
    assert ((got >= 0) & (got < p)).all()
    assert (
        got.astype(object) == np.array([v % p for v in X.flat], dtype=object).reshape(shape)
    ).all()


@settings(max_examples=100, deadline=None)
@given(SEEDS, st.integers(1, 5), st.integers(1, 8))
def test_zero_columns(seed, m, n):
    rng = np.random.default_rng(seed)
    X = _big(rng, (m, n), 92)
    zero = rng.integers(0, 2, size=n).astype(bool)
    for j in range(n):
        if zero[j]:
            X[:, j] = 0
        elif rng.integers(0, 2):  # a single nonzero entry, of a size whose one word is 0
            X[:, j] = 0
            X[int(rng.integers(0, m)), j] = int(
                rng.choice([1, -1, 2**32, -(2**32), 2**32 - 1, -(2**91), 2**91 - 2**32])
            )
    got = words.zero_columns(*words.from_integers(X))
    assert got.dtype == bool and got.tolist() == zero.tolist()


@pytest.mark.parametrize("p", PRIMES)
def test_divide_exact_at_the_extremes(p):
    top = (BOUND - 1) // p * p
    X = np.array([[top, -top, 0, p, -p, (2**62 // p) * p]], dtype=object)
    got = words.divide_exact(*words.from_integers(X), p)
    assert got is not None
    assert (_value(*got) == X // p).all()
    X[0, 2] = 1
    assert words.divide_exact(*words.from_integers(X), p) is None
