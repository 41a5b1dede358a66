"""exactrank.testing: assertions that pass only on proven claims and fail with evidence."""

from __future__ import annotations

import itertools
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import certificate_reference, matricize_ref, rank_fraction

import exactrank as er
from exactrank.constructions import pairwise_similarity_rnn
from exactrank.testing import assert_grid_equal, assert_rank

OPS = {
    "==": lambda k, r: k == r,
    "!=": lambda k, r: k != r,
    ">=": lambda k, r: k >= r,
    ">": lambda k, r: k > r,
    "<=": lambda k, r: k <= r,
    "<": lambda k, r: k < r,
}


def _reference_rank(tensor) -> int:
    """Rank of the odd-even matricization by Fraction elimination (tests/oracles.py)."""
    entries = {i: tensor[i] for i in np.ndindex(tensor.shape)}
    T = tensor.ndim
    return rank_fraction(matricize_ref(entries, tensor.shape, range(0, T, 2), range(1, T, 2)))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-3, 3), min_size=16, max_size=16),
    st.sampled_from(sorted(OPS)),
    st.integers(0, 5),
)
def test_assert_rank_agrees_with_an_oracle(tmp_path_factory, values, op, r):
    tensor = np.array(values, dtype=object).reshape(2, 2, 2, 2)
    truth = _reference_rank(tensor)
    folder = tmp_path_factory.mktemp("certs")
    if OPS[op](truth, r):
        cert = assert_rank(tensor, "odd-even", op, r, certs=folder)
        assert certificate_reference(cert)[0] == 0
    else:
        with pytest.raises(AssertionError, match=f"{re.escape(op)} {r}: found rank {truth} "):
            assert_rank(tensor, "odd-even", op, r, certs=folder)
        (saved,) = folder.iterdir()
        cert = er.load_certificate(saved)
        assert cert["claim"]["kind"] == "eq" and cert["claim"]["r"] == truth
        assert certificate_reference(cert)[0] == 0


def test_a_failure_names_the_claim_and_a_certificate_that_verifies(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the default folder goes here
    model = pairwise_similarity_rnn(2, 2, 4)
    with pytest.raises(AssertionError) as info:
        assert_rank(model, "odd-even", "==", 5)
    message = str(info.value)
    assert message.startswith("rank of the odd-even matricization over QQ == 5: found rank 4")
    path = Path(re.search(r"certificate (\S+)\)", message).group(1))
    assert path.parent.parent == tmp_path
    assert er.verify_certificate(er.load_certificate(path))
    assert er.load_certificate(path)["claim"]["r"] == 4


def test_partitions_as_pairs_and_objects_and_a_mixed_network():
    from exactrank.geometry.trees import dilated_tree

    p = "GF(2147483647)"
    model = er.random_mixed(dilated_tree([1, 2, 4]), dilated_tree([2, 1, 4]), 2, 2, field=p)
    pair = ((0, 1, 4, 5), (2, 3, 6, 7))
    assert assert_rank(model, pair, ">=", 16, field=p)["claim"]["r"] == 16
    with pytest.raises(AssertionError, match=r"rows \[0, 1, 4, 5\] \| cols \[2, 3, 6, 7\]"):
        assert_rank(model.first, er.Partition(*pair), "==", 16, field=p)


def test_lower_bounds_on_grids_too_large_to_build():
    big = pairwise_similarity_rnn(2, 2, 32)  # 2^32 entries
    minor = list(range(16))
    cert = assert_rank(big, "odd-even", ">=", 16, rows=minor, cols=minor)
    assert cert["claim"] == {**cert["claim"], "kind": "ge", "r": 16}
    with pytest.raises(AssertionError, match="not proven"):
        assert_rank(big, "odd-even", ">", 15, rows=minor[:8], cols=minor[:8])
    with pytest.raises(er.InvalidInputError, match="needs all"):
        assert_rank(big, "odd-even", "==", 65536)


def test_gf_p_claims():
    A = np.array([[1, 2], [3, 6]], dtype=object).reshape(2, 2)  # rank 1 over QQ and GF(5)
    assert assert_rank(A, "left-right", "==", 1, field="GF(5)")["claim"]["field"] == "GF(5)"
    B = np.array([[1, 2], [3, 1]], dtype=object)  # det = −5: rank 1 over GF(5), 2 over QQ
    assert_rank(B, "left-right", "==", 2)
    with pytest.raises(AssertionError, match="found rank 1"):
        assert_rank(B, "left-right", "==", 2, field="GF(5)")


@pytest.mark.parametrize(
    "op,r,field,message",
    [
        ("=>", 1, "QQ", "op must be one of"),
        ("==", -1, "QQ", "r must be an integer >= 0"),
        ("==", 2.0, "QQ", "r must be an integer >= 0"),
        ("==", 1, "float", "a float rank is not"),
    ],
)
def test_bad_arguments(op, r, field, message):
    with pytest.raises(er.InvalidInputError, match=message):
        assert_rank(np.eye(2, dtype=int), "left-right", op, r, field=field)


def test_assert_grid_equal():
    model = pairwise_similarity_rnn(2, 2, 4)
    expected = np.array(
        [int(not (s[0] == s[1] and s[2] == s[3])) for s in itertools.product(range(2), repeat=4)],
        dtype=object,
    ).reshape((2,) * 4)
    assert_grid_equal(model, expected)
    expected[1, 0, 1, 1] = 7
    with pytest.raises(AssertionError, match=r"differ at 1 of 16 entries: \[1, 0, 1, 1\]: 1 "):
        assert_grid_equal(model, expected)
    with pytest.raises(AssertionError, match="shapes differ"):
        assert_grid_equal(model, expected[0])
    with pytest.raises(er.InvalidInputError, match="floats"):
        assert_grid_equal(model, expected.astype(float))
