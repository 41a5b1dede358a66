"""Grids over QQ held in residues (issue 11): product RNN grids whose entries pass int64 are
kept as int32 residues modulo word-size primes (exactrank.numbers.multimodular.ResidueArray) and
rebuilt by Chinese remaindering only when ``values`` is read.

Oracles: the brute-force Fraction evaluator of tests/oracles.py, the batched recursion of
``grid_entries`` (Python integers, no CRT), and numpy's object-array products; tamper tests
change one residue or the bound and expect the CRT check to refuse the result.
"""

from __future__ import annotations

import copy
import itertools
import pickle
from dataclasses import FrozenInstanceError
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracles import rank_fraction
from strategies import Q, build_rnn, map_nested, rnn_oracle, rnn_specs

import exactrank as er
from exactrank.numbers.kernels import max_abs
from exactrank.numbers.multimodular import ResidueArray, primes_for, residue_product

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def product_spec(seed, M, T, bits, den=1):
    """A product RNN with weights of up to ``bits`` bits (both signs), bond dimensions 1–3."""
    rng = np.random.default_rng(seed)

    def draw(shape):
        top = 2**bits
        flat = [
            Q(int(rng.integers(-top, top)), int(rng.integers(1, den + 1)))
            for _ in range(int(np.prod(shape)))
        ]
        return np.array(flat, dtype=object).reshape(shape).tolist()

    L = [int(rng.integers(1, 4)) for _ in range(T)]
    R = [1] + [int(rng.integers(1, 4)) for _ in range(T - 1)] + [1]
    C = [draw((L[t], M)) for t in range(T)]
    G = [draw((L[t], R[t], R[t + 1])) for t in range(T)]
    return {"xi": "product", "C": C, "G": G, "F": None}


# (seed, M, T, bits, den, the entries must pass 2^this)
CASES = [(0, 2, 6, 30, 1, 127), (1, 3, 4, 40, 1, 127), (2, 2, 7, 20, 5, 63), (3, 2, 5, 62, 3, 200)]


@pytest.mark.parametrize("seed,M,T,bits,den,past", CASES)
def test_residue_grid_matches_the_fraction_oracle(seed, M, T, bits, den, past):
    spec = product_spec(seed, M, T, bits, den)
    expected = rnn_oracle(spec)
    numerators = [v.numerator for v in expected.values()]
    assert max(map(abs, numerators)) >= 2**past and min(numerators) < 0  # big and negative
    gt = er.grid_tensor(build_rnn(spec))
    assert gt.residues is not None and gt._values is None  # held in residues
    assert gt.shape == (M,) * T and gt.ndim == T and len(gt) == M and gt.dtype == object
    assert gt.storage == "bigint"
    for index, value in expected.items():
        assert gt.entry(index) == value and gt[index] == value
    assert gt._values is None  # entries read the residues
    fractions = np.asarray(gt)
    assert fractions.dtype == object
    for index, value in expected.items():
        assert fractions[index] == value
        assert Fraction(int(gt.values[index]), gt.denominator) == value
    assert gt.values.dtype == object and gt.storage == "bigint"


@pytest.mark.parametrize("seed,M,T,bits,den,past", CASES[:3])
def test_residue_grid_equals_the_batched_recursion(seed, M, T, bits, den, past):
    """grid_entries runs eq. 16 step by step on Python integers: no CRT, no residues."""
    model = build_rnn(product_spec(seed, M, T, bits, den))
    gt = er.grid_tensor(model)
    indices = np.array(list(itertools.product(range(M), repeat=T)))
    batch = er.grid_entries(model, indices)
    assert gt.residues is not None and batch.residues is None
    got = [Fraction(int(v), gt.denominator) for v in gt.values.flat]
    assert got == [Fraction(int(v), batch.denominator) for v in batch.values.flat]


KEYS = [
    (0,),
    (slice(None), 1),
    (Ellipsis, slice(None, None, -1)),
    ([0, 1, 1],),
    (slice(None), [1, 0], slice(None), [0, 1]),  # advanced indices apart: numpy moves them
    (0, 1, 0),
    (-1, -2, 0, 1, -1),  # an entry, with negative indices
    (),
    (0, Ellipsis, 1),  # 0-d results (found by review)
    (Ellipsis, 1, 1, 0, 0, 1),
    (np.array(0), 1, 0, 1, 1),
    ([0, 1], Ellipsis, [1, 1]),  # advanced indices apart, across an Ellipsis
    (None, 1, slice(None), None),
    ([[0], [1]], [[0, 1]]),  # broadcast fancy indices
]


@pytest.mark.parametrize("key", KEYS, ids=str)
def test_selections_read_the_residues_like_numpy(key):
    spec = product_spec(4, 2, 5, 40)
    gt = er.grid_tensor(build_rnn(spec))
    reference = er.GridTensor(gt.residues.integers(), gt.denominator, gt.field)
    got, want = gt[key], reference[key]
    assert gt._values is None  # a selection builds only its own integers
    if isinstance(want, Fraction):
        assert got == want
    else:
        assert got.dtype == want.dtype and got.shape == want.shape and (got == want).all()


def test_boolean_mask_and_the_errors_of_bad_entries():
    gt = er.grid_tensor(build_rnn(product_spec(5, 2, 4, 40)))
    reference = er.GridTensor(gt.residues.integers(), gt.denominator, gt.field)
    mask = np.arange(16).reshape((2,) * 4) % 3 == 0
    assert (gt[mask] == reference[mask]).all()
    with pytest.raises(IndexError):
        gt.entry((0, 0, 0, 2))
    with pytest.raises(IndexError):
        gt.entry((0, 0, 0))
    for bad in [(1.7, 0, 0, 0), (0.0, 0, 0, 1), ("1", 0, 0, 0), (True, 0, 0, 0)]:
        with pytest.raises(IndexError, match="integers"):  # refused, never truncated
            gt.entry(bad)


def test_immutable_and_pickled_without_its_python_integers():
    gt = er.grid_tensor(build_rnn(product_spec(6, 2, 6, 30)))
    with pytest.raises(FrozenInstanceError):
        gt.denominator = 2
    with pytest.raises(FrozenInstanceError):
        del gt.field
    values = gt.values.copy()  # builds and keeps them
    assert gt.values is gt.values
    again = pickle.loads(pickle.dumps(gt))
    assert again._values is None and again.residues is not None
    assert np.array_equal(again.values, values) and again.denominator == gt.denominator
    assert np.array_equal(copy.deepcopy(gt).values, values)
    assert repr(gt).startswith("GridTensor(values=array(")


def test_rank_of_a_residue_grid_matches_fraction_elimination():
    spec = product_spec(7, 2, 6, 30, den=3)
    expected = rnn_oracle(spec)
    gt = er.grid_tensor(build_rnn(spec))
    matrix = er.matricize(gt, ((0, 2, 4), (1, 3, 5)))
    rows = list(itertools.product(range(2), repeat=3))
    table = [[expected[(r[0], c[0], r[1], c[1], r[2], c[2])] for c in rows] for r in rows]
    result = er.rank(matrix)
    assert result.exact and result.rank == rank_fraction(table)


# ------------------------------------------------------------- the residue array itself


def _big_matrices(seed, n, k, m, bits):
    rng = np.random.default_rng(seed)

    def draw(rows, cols):
        flat = [int(v) for v in rng.integers(-(2**31), 2**31, size=rows * cols)]
        scale = [int(rng.integers(0, bits)) for _ in flat]
        return np.array([v << s for v, s in zip(flat, scale, strict=True)], dtype=object).reshape(
            rows, cols
        )

    return draw(n, k), draw(k, m)


@SETTINGS
@given(
    st.integers(0, 2**32),
    st.integers(1, 9),
    st.integers(1, 40),
    st.integers(1, 9),
    st.integers(1, 120),
    st.booleans(),
)
def test_residue_product_is_the_integer_product(seed, n, k, m, bits, tight):
    """Against numpy's object product, with the tightest valid bound (max |entry|) or a
    loose one; selections and rearrangements agree with numpy's on the integers."""
    left, right = _big_matrices(seed, n, k, m, bits)
    exact = left.dot(right)
    bound = max(max_abs(exact), 1) * (1 if tight else 2**20 + 3)
    held = residue_product(left, right, bound)
    assert held.residues.dtype == np.int32 and held.shape == (n, m)
    assert (held.integers() == exact).all()
    assert held.entry((n - 1, 0)) == exact[n - 1, 0]
    assert (held.select((slice(None, None, -1), [0])).integers() == exact[::-1, [0]]).all()
    moved = held.rearranged((1, 0), (m * n,))
    assert (moved.integers() == exact.T.reshape(-1)).all()


def test_residues_in_any_class_representative_and_memory_order_are_read():
    """Residues off their centered range by multiples of p, in Fortran order or a 0-d
    selection, give the same integers (review: the reduction once ran on a lost copy)."""
    left, right = _big_matrices(13, 5, 4, 6, 100)
    exact = left.dot(right)
    held = residue_product(left, right, max_abs(exact))
    shifted = held.residues.astype(np.int64) + 60 * np.array(held.primes).reshape(-1, 1, 1)
    fortran = np.asfortranarray(shifted.astype(np.int32))
    assert (ResidueArray(fortran, held.primes, held.bound).integers() == exact).all()
    zero_d = held.select((2, 3))
    assert zero_d.shape == () and zero_d.integers() == exact[2, 3]


def test_the_primes_carry_a_spare():
    for bound in (1, 2**62, 2**100 + 7, 2**300):
        primes = primes_for(bound, spare=True)
        product = int(np.prod(primes, dtype=object))
        assert all(product // p > 2 * bound for p in primes)
        assert len(primes) == len(primes_for(bound)) + 1  # the spare


@pytest.mark.parametrize("which", range(6))
def test_one_wrong_residue_is_caught(which):
    """Any single residue off (by one, or wrapped at the edge of its range) is refused:
    the spare prime puts the rebuilt integer past the bound (module docstring)."""
    left, right = _big_matrices(11, 6, 5, 7, 100)
    exact = left.dot(right)
    held = residue_product(left, right, max_abs(exact))
    assert len(held.primes) >= 6
    rng = np.random.default_rng(which)
    for delta in (1, -1, int(rng.integers(2, 2**20)), 2**30):
        for _ in range(5):
            i, j = int(rng.integers(0, 6)), int(rng.integers(0, 7))
            bad = held.residues.copy()
            bad[which, i, j] += delta
            tampered = ResidueArray(bad, held.primes, held.bound)
            with pytest.raises(ArithmeticError):
                tampered.integers()
            with pytest.raises(ArithmeticError):
                tampered.entry((i, j))
    edge, p = held.residues.copy(), held.primes[which]
    # the top of the centered range, (p + 1)/2 ≡ −(p − 1)/2: wrong unless that was the class
    top = (p + 1) // 2
    edge[which, 0, 0] = top if (int(edge[which, 0, 0]) - top) % p else top - 1
    with pytest.raises(ArithmeticError):
        ResidueArray(edge, held.primes, held.bound).integers()


def test_a_wrong_bound_is_caught():
    """A bound below the true entries: too few primes, and the check refuses the result."""
    left, right = _big_matrices(12, 4, 6, 4, 100)
    exact = left.dot(right)
    assert max_abs(exact) > 2**120
    for bound in (2**62, 2**80, max_abs(exact) - 1):
        held = residue_product(left, right, bound)
        with pytest.raises(ArithmeticError):
            held.integers()


def test_a_grid_whose_spare_prime_is_dropped_is_still_exact(monkeypatch):
    """The spare is only the check: without it the CRT still has P > 2·bound."""
    from exactrank.numbers import multimodular

    spec = product_spec(8, 2, 6, 30)
    expected = rnn_oracle(spec)
    real = multimodular.primes_for
    dropped = []

    def without_spare(bound, spare=False):
        primes = real(bound, spare)
        dropped.extend(primes[-1:] if spare else [])
        return primes[:-1] if spare else primes

    monkeypatch.setattr(multimodular, "primes_for", without_spare)
    gt = er.grid_tensor(build_rnn(spec))
    assert dropped and gt.residues is not None
    assert all(gt.entry(i) == v for i, v in expected.items())


@pytest.mark.parametrize("T", [1, 2, 3])
def test_few_modes_with_weights_past_2_70(T):
    """Even T = 1 (no bond to cut) goes to residues when the bound passes 2^62."""
    C = [[[Q(2**70 + 1), Q(-(2**71) + 3, 7)]] for _ in range(T)]
    G = [[[[Q(3**50)]]] for _ in range(T)]
    spec = {"xi": "product", "C": C, "G": G, "F": None}
    gt = er.grid_tensor(build_rnn(spec))
    assert gt.residues is not None and gt.shape == (2,) * T
    for index, value in rnn_oracle(spec).items():
        assert gt.entry(index) == value and gt[index] == value
        assert np.asarray(gt)[index] == value


@SETTINGS
@given(rnn_specs(xis=("product",)), st.integers(64, 130))
def test_product_grids_with_weights_scaled_past_int64_match_the_oracle(spec, shift):
    """Random shapes and rationals, the features scaled by 2^shift: the residue route
    whenever the bound passes 2^62, checked entry by entry and through ``values``."""
    spec = dict(spec, C=map_nested(spec["C"], lambda q: q * 2**shift), rep="fraction")
    expected = rnn_oracle(spec)
    gt = er.grid_tensor(build_rnn(spec))
    for index, value in expected.items():
        assert gt.entry(index) == value
    for index, value in expected.items():
        assert Fraction(int(gt.values[index]), gt.denominator) == value
