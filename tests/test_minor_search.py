"""The search for a nonsingular minor behind ``certify(..., claim="ge")`` without rows/cols.

Its results are checked by both checkers (``exactrank.verify_certificate`` and the
stand-alone ``proofs/verify_certificate.py``) and, on small grids, against an exact rank
computed by sympy.
"""

from __future__ import annotations

import importlib.util
import random
import time
from functools import cache
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import exactrank as er
from exactrank.certificates.tensor import _Tensor
from exactrank.constructions import pairwise_similarity_rnn
from exactrank.linalg.minor_search import search_minor
from exactrank.linalg.partitions import parse_partition
from exactrank.numbers.domains import QQ
from exactrank.sampling import random_rnn

STANDALONE = Path(__file__).resolve().parents[1] / "proofs" / "verify_certificate.py"


@cache
def standalone():
    """proofs/verify_certificate.py, imported by path (it is not a package module)."""
    spec = importlib.util.spec_from_file_location("verify_certificate_standalone", STANDALONE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_both_verify(cert) -> None:
    verdict = er.verify_certificate(cert)
    assert verdict, verdict.reason
    ok, reason = standalone().check(cert)
    assert ok, reason


@pytest.mark.parametrize("r", [64, 128])
def test_lemma_a2_search_reaches_r(r):
    """Lemma A.2 (seed 001), M = R = 2, T = 64: the odd-even matrix is J − I of side 2^32.
    Random samples of rows and columns see only ones (rank 1); the search must find r."""
    model = pairwise_similarity_rnn(2, 2, 64)
    start = time.monotonic()
    cert = er.certify(model, "odd-even", claim="ge", r=r, seed=0)
    assert time.monotonic() - start < 10
    assert cert["claim"]["kind"] == "ge" and cert["claim"]["r"] == r
    minor = cert["witness"]["minor"]
    assert len(minor["rows"]) == len(minor["cols"]) == r
    assert_both_verify(cert)


def test_lemma_a2_search_across_unequal_modes():
    """Rows = modes 0, 2, …, 60; columns = 1, 3, …, 61, 62, 63: the row and column spaces
    differ, so no minor is principal; the zeros sit where a column carries its row's digits
    and its last two digits agree. The search carries row digits over to columns."""
    partition = (tuple(range(0, 62, 2)), (*range(1, 62, 2), 62, 63))
    cert = er.certify(pairwise_similarity_rnn(2, 2, 64), partition, claim="ge", r=64, seed=0)
    assert cert["claim"]["r"] == 64
    assert_both_verify(cert)


def test_lemma_a2_search_without_r():
    """Without a target the search returns the largest minor it found, more than one."""
    cert = er.certify(pairwise_similarity_rnn(2, 2, 64), "odd-even", claim="ge", seed=0)
    assert cert["claim"]["r"] >= 64
    assert_both_verify(cert)


def test_generic_rnn_search():
    """A random product RNN (2^32 entries): the first, random, pool is enough."""
    model = random_rnn("product", 2, 32, random.Random(1), R=(2, 2))
    cert = er.certify(model, "odd-even", claim="ge", r=24, seed=0)
    assert cert["claim"]["r"] == 24
    assert_both_verify(cert)


def test_r_above_the_rank_names_the_r_reached():
    """A product RNN of width 2 has left-right rank at most 2 (its cores contract through one
    bond of dimension 2 at the cut, seed 001 eq. 16); asking 3 names the 2 it found."""
    model = random_rnn("product", 2, 32, random.Random(1), R=(2, 2))
    with pytest.raises(er.InvalidInputError) as info:
        er.certify(model, "left-right", claim="ge", r=3, seed=0)
    assert str(info.value) == (
        "the search found a nonsingular minor of size 2 only, fewer than r = 3; "
        "give the minor's rows and cols"
    )


def test_r_beyond_max_minor_is_refused_before_searching():
    """A witness of more than MAX_MINOR rows is outside the format: refused at once."""
    start = time.monotonic()
    with pytest.raises(er.LimitError) as info:
        er.certify(pairwise_similarity_rnn(2, 2, 64), "odd-even", claim="ge", r=4097)
    assert str(info.value) == "r = 4097 is more than MAX_MINOR = 4096 rows of a minor"
    assert time.monotonic() - start < 5


def test_search_is_deterministic_for_a_seed():
    model = pairwise_similarity_rnn(2, 2, 64)
    first, second = (
        er.certify(model, "odd-even", claim="ge", r=64, seed=7)["witness"] for _ in range(2)
    )
    assert first == second
    generic = random_rnn("product", 2, 32, random.Random(1), R=(2, 2))
    witnesses = [er.certify(generic, "odd-even", claim="ge", r=16, seed=3) for _ in range(2)]
    assert witnesses[0]["witness"] == witnesses[1]["witness"]


def small_tensor(dims, entries):
    data = {"dims": list(dims), "entries": entries}
    return _Tensor.from_json(data, QQ, len(dims))


@settings(max_examples=40, deadline=None)
@given(
    dims=st.lists(st.integers(1, 3), min_size=2, max_size=6),
    data=st.data(),
    seed=st.integers(0, 2**32),
    target=st.none() | st.integers(1, 12),
)
def test_search_minor_is_nonsingular_and_within_the_rank(dims, data, seed, target):
    """On sparse 0/±1 grids: the minor returned is nonsingular (sympy, over QQ), no larger
    than the rank, and as large as the rank when the first pool holds every row and column."""
    size = 1
    for d in dims:
        size *= d
    entries = data.draw(st.lists(st.sampled_from([0, 0, 0, 1, -1]), min_size=size, max_size=size))
    tensor = small_tensor(dims, entries)
    partition = parse_partition("odd-even", len(dims))
    rows, cols = search_minor(tensor, partition, None, target, random.Random(seed))
    assert len(rows) == len(cols) == len(set(rows)) == len(set(cols))
    A, _ = tensor.matrix(partition)
    full = sympy.Matrix(A.tolist())
    if rows:
        assert full.extract(rows, cols).det() != 0
    assert len(rows) <= full.rank()
    if 2 * (target or 64) + 8 >= max(full.shape):
        assert len(rows) == full.rank()
