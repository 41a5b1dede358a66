"""exactrank.numbers.residue_products (blocked residue matrix products mod p) against Python
integers, and hierarchical grids over GF(p) that run through it against the network run one sequence
at a time (exactrank.score, plain Python loops over residues)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import exactrank as er
from exactrank.geometry.trees import contiguous_tree
from exactrank.numbers import residue_products, residues

PRIMES = [
    2,
    3,
    5,
    2**26 - 5,  # the largest prime of the centered float64 path
    2**26 + 15,  # the smallest of the split product (27 bits)
    2**31 - 1,
    2**31 + 11,
    2**45 - 55,
    2**61 - 1,
    2**62 - 57,  # the largest prime below RESIDUE_PRIME_BOUND
]


def _expected(A: np.ndarray, B: np.ndarray, p: int) -> list:
    return ((A.astype(object) @ B.astype(object)) % p).tolist()


@st.composite
def product_case(draw):
    p = draw(st.sampled_from(PRIMES))
    n, k, m = draw(st.integers(1, 12)), draw(st.integers(1, 64)), draw(st.integers(1, 12))
    top = draw(st.booleans())  # entries p − 1 everywhere: the sums the bounds are tight for
    entry = st.just(p - 1) if top else st.one_of(st.integers(0, p - 1), st.sampled_from([0, p - 1]))
    A = np.array(draw(st.lists(entry, min_size=n * k, max_size=n * k)), dtype=np.int64)
    B = np.array(draw(st.lists(entry, min_size=k * m, max_size=k * m)), dtype=np.int64)
    return p, A.reshape(n, k), B.reshape(k, m)


@settings(max_examples=300, deadline=None)
@given(product_case())
@example((2**62 - 57, np.full((2, 64), 2**62 - 58), np.full((64, 3), 2**62 - 58)))
@example((2**26 - 5, np.full((1, 64), 2**26 - 6), np.full((64, 1), 2**26 - 6)))
@example((2, np.ones((1, 1), dtype=np.int64), np.ones((1, 1), dtype=np.int64)))
def test_products_match_python_integers(case):
    p, A, B = case
    got = residue_products.matmul_mod(A, B, p)
    assert got.dtype == np.int64 and got.shape == (A.shape[0], B.shape[1])
    assert got.tolist() == _expected(A, B, p)


@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("shape", [(300, 2, 256), (1, 8, 40000), (70000, 3, 1), (130, 64, 300)])
def test_products_over_several_blocks(p, shape):
    """Row blocks, a block narrower than one row (m > _BLOCK) and several pieces of the inner
    dimension; the largest residues in the first row and column."""
    n, k, m = shape
    rng = np.random.default_rng(p % 997 + n)
    A, B = rng.integers(0, p, (n, k)), rng.integers(0, p, (k, m))
    A[0], B[:, 0], A[-1, -1] = p - 1, p - 1, p - 1
    got = residue_products.matmul_mod(A, B, p)
    rows = rng.choice(n, size=min(n, 40), replace=False).tolist() + [0, n - 1]
    cols = rng.choice(m, size=min(m, 40), replace=False).tolist() + [0, m - 1]
    expected = _expected(A[rows], B[:, cols], p)
    assert got[np.ix_(rows, cols)].tolist() == expected


@pytest.mark.parametrize("shape", [(0, 3, 4), (3, 0, 4), (3, 4, 0)])
def test_empty_products(shape):
    n, k, m = shape
    got = residue_products.matmul_mod(np.zeros((n, k), np.int64), np.zeros((k, m), np.int64), 7)
    assert got.shape == (n, m) and not got.any()


@pytest.mark.parametrize(
    ("bits", "k"), list(itertools.product(range(27, 63), [1, 2, 3, 8, 16, 64]))
)
def test_split_plans_keep_every_sum_exact(bits, k):
    """The bounds the docstrings prove from: sums below 2^51, limbs covering the residue,
    shifts of at most 48 bits, halves of at most h bits."""
    h, limbs, w, terms = residue_products._plan(bits, k)
    assert h == (bits + 1) // 2 and bits - h <= h <= 31
    assert w * limbs >= bits and w <= 48 and terms >= 1
    assert terms * ((1 << w) - 1) * ((1 << h) - 1) < 2**51
    if bits == 61 and k <= 8:
        assert limbs * k <= terms  # the grids' products: one dgemm per half


def test_a_product_without_its_last_correction_is_caught(monkeypatch):
    """The comparison above sees a reduction that leaves negative remainders."""
    rng = np.random.default_rng(3)
    for p in (2**26 - 5, 2**61 - 1):
        A, B = rng.integers(0, p, (30, 4)), rng.integers(0, p, (4, 30))
        assert residue_products.matmul_mod(A, B, p).tolist() == _expected(A, B, p)
    monkeypatch.setattr(residues, "_add_p_where_negative", lambda X, scratch, p: None)
    for p in (2**26 - 5, 2**61 - 1):
        A, B = rng.integers(0, p, (30, 4)), rng.integers(0, p, (4, 30))
        assert residue_products.matmul_mod(A, B, p).tolist() != _expected(A, B, p)


def test_a_wrong_combination_constant_is_caught(monkeypatch):
    p = 2**61 - 1
    rng = np.random.default_rng(4)
    A, B = rng.integers(0, p, (30, 4)), rng.integers(0, p, (4, 30))
    real = residue_products._combine_constant
    monkeypatch.setattr(residue_products, "_combine_constant", lambda h: real(h) + 1)
    assert residue_products.matmul_mod(A, B, p).tolist() != _expected(A, B, p)


@pytest.mark.parametrize("p", [2**26 - 5, 2**31 - 1, 2**61 - 1, 2**62 - 57])
@pytest.mark.parametrize(("N", "M", "widths"), [(8, 4, [8, 8, 8]), (16, 2, [2, 4, 8, 8])])
def test_hierarchical_grids_over_GFp_match_the_network_run_sequence_by_sequence(p, N, M, widths):
    """Grids of 2^16 entries: the root's product runs in several row blocks of the split or
    the centered path. Sampled entries (and the corners) against er.score."""
    L = N.bit_length() - 1
    tree = contiguous_tree(N, [2] * L)
    field = f"GF({p})"
    model = er.random_hierarchical(tree, M, widths, field=field, seed=p % 101)
    grid = er.grid_tensor(model, field)
    values = grid.values.reshape((M,) * N)
    rng = random.Random(p)
    sequences = [(0,) * N, (M - 1,) * N]
    sequences += [tuple(rng.randrange(M) for _ in range(N)) for _ in range(60)]
    for seq in sequences:
        assert int(values[seq]) == er.score(model, seq, field), seq
