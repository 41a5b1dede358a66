"""An API that cannot be misread (issue 10): RankResult is not a number, a met pair of proven
bounds is exact, GridTensor is an array, the assertion helpers take every model kind, and
models, grids and results pickle.

Expected values come from tests/oracles.py (Fraction elimination, brute-force matricization)
and from :func:`exactrank.score`, the network run on one sequence by plain loops.
"""

from __future__ import annotations

import itertools
import operator
import pickle
import random
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst
from oracles import matricize_ref, rank_fraction, rank_mod_p_ref

import exactrank as er
from exactrank.cli import main
from exactrank.constructions import pairwise_similarity_rnn, shared_pairwise_similarity_rnn
from exactrank.geometry.trees import dilated_tree
from exactrank.linalg.rank import RankNotProvenError
from exactrank.models.modelfile import model_to_dict
from exactrank.models.operators import ACTIVATIONS, OPERATORS, POOLINGS
from exactrank.sampling import random_rnn, random_shallow
from exactrank.testing import assert_grid_equal, assert_rank

P = 1000003  # a prime for the GF(p) cases
BIG_P = 2**64 + 13  # a prime >= 2^63: residues do not fit int64
RANK_2 = [[1, 0, 1], [0, 1, 1], [1, 1, 2]]  # rank 2, no repeated or zero lines

# ---------------------------------------------------------------------------- models


def _model(kind: str):
    """A small model (M = 2, T = 4) of each kind; the generic weights are seeded."""
    rng = random.Random(7)
    return {
        "generalized-rnn": lambda: random_rnn("relu", 2, 4, rng, R=(1, 2)),
        "shared-rnn": lambda: shared_pairwise_similarity_rnn(2, 2, 4),
        "shared-product-rnn": lambda: er.GeneralizedRNN.with_shared_cores(
            "product",
            ([[1, 2]], [[[1, -1]]]),
            ([[3, -1]], [[[2, 1], [0, 1]]]),
            ([[1, 1]], [[[1], [5]]]),
            T=4,
        ),
        "generalized-shallow": lambda: random_shallow("product", 2, 4, 2, rng),
        "hierarchical": lambda: er.random_hierarchical(((0, 1), (2, 3)), 2, 2, seed=1),
        "hierarchical-relu-max": lambda: er.random_hierarchical(
            ((0, 1), (2, 3)), 2, [2, 1], seed=2, activation="relu", pooling="max"
        ),
        "overlapping": lambda: er.random_overlapping(4, 2, [(2, 2, 2), (2, 2, 1)], seed=3),
        "mixed": lambda: er.random_mixed(dilated_tree([1, 2]), dilated_tree([2, 1]), 2, 1, seed=4),
    }[kind]()


KINDS = [
    "generalized-rnn",
    "shared-rnn",
    "shared-product-rnn",
    "generalized-shallow",
    "hierarchical",
    "hierarchical-relu-max",
    "overlapping",
    "mixed",
]
GF_KINDS = ["shared-product-rnn", "generalized-shallow", "hierarchical", "overlapping", "mixed"]


def _brute_grid(model, field="QQ") -> np.ndarray:
    """Every entry by :func:`exactrank.score` (plain loops, one sequence at a time)."""
    out = np.empty((model.M,) * model.T, dtype=object)
    for seq in itertools.product(range(model.M), repeat=model.T):
        out[seq] = er.score(model, seq, field)
    return out


def _odd_even_rank(grid: np.ndarray, p: int | None = None) -> int:
    T = grid.ndim
    entries = {i: grid[i] for i in np.ndindex(grid.shape)}
    matrix = matricize_ref(entries, grid.shape, range(0, T, 2), range(1, T, 2))
    return rank_fraction(matrix) if p is None else rank_mod_p_ref(matrix, p)


# ---------------------------------------------------------------------------- RankResult

COMPARISONS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@pytest.mark.parametrize("op", sorted(COMPARISONS))
@pytest.mark.parametrize("number", [1, 1.0, Fraction(1), np.int64(1), np.float64(1), True])
def test_comparing_a_rank_result_with_a_number_raises(op, number):
    result = er.rank(RANK_2, seed=0)
    compare = COMPARISONS[op]
    with pytest.raises(TypeError, match=rf"result\.rank {re.escape(op)} .*result\.exact"):
        compare(result, number)
    # 1 < result is asked of the result as result > 1
    with pytest.raises(TypeError, match=rf"result\.rank {re.escape(MIRRORED[op])} "):
        compare(number, result)


def test_bool_of_a_rank_result_raises():
    result = er.rank(RANK_2, seed=0)
    with pytest.raises(TypeError, match=r"ambiguous: test result\.rank .* result\.exact"):
        bool(result)
    with pytest.raises(TypeError, match="ambiguous"):
        if result:
            pass
    with pytest.raises(TypeError, match="ambiguous"):
        _ = not result


def test_int_of_an_exact_rank_result_is_the_rank():
    result = er.rank(RANK_2, seed=0)
    assert result.exact
    assert int(result) == operator.index(result) == 2 == rank_fraction(RANK_2)
    assert type(int(result)) is int
    assert list(range(result)) == [0, 1]
    assert int(er.rank(RANK_2, f"GF({P})")) == rank_mod_p_ref(RANK_2, P)


def test_int_of_an_unproven_rank_result_raises_with_the_bounds():
    lower = er.rank(RANK_2, prove="lower", seed=0)
    assert (lower.lower, lower.upper, lower.exact) == (2, 3, False)
    for convert in (int, operator.index):
        with pytest.raises(RankNotProvenError, match=r"^int\(\) of a RankResult needs a proven"):
            convert(lower)
    with pytest.raises(ValueError, match=r"only 2 <= rank <= 3 is proven \(rank modulo"):
        int(lower)
    assert issubclass(RankNotProvenError, er.ExactRankError)
    floating = er.rank(np.eye(3), "float")
    with pytest.raises(RankNotProvenError, match="a float rank is never proven"):
        int(floating)


def test_two_rank_results_compare_by_their_fields_and_have_no_order():
    a, b = er.rank(RANK_2, seed=5), er.rank(RANK_2, seed=5)
    assert a == b and (a != b) is False and hash(a) == hash(b) and {a: 1}[b] == 1
    other = er.rank(RANK_2, f"GF({P})")
    assert a != other and (a == other) is False
    with pytest.raises(TypeError):
        _ = a < b
    # a comparison with something that is not a number is the usual inequality
    assert a != "2" and a != None  # noqa: E711


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), min_size=1, max_size=4),
    st.sampled_from(["exact", "lower", "monte-carlo"]),
    st.integers(0, 2**32),
)
@example([[1, 2], [2, 4]], "monte-carlo", 0)
@example([[1, 0], [0, 1]], "monte-carlo", 0)
@example([[0, 0]], "lower", 0)
def test_exact_exactly_when_the_proven_bounds_meet(A, prove, seed):
    result = er.rank(A, prove=prove, seed=seed)
    truth = rank_fraction(A)
    assert result.lower <= truth <= result.upper
    assert result.exact == (result.lower == result.upper)
    if result.exact:
        assert int(result) == result.rank == truth and result.error_probability is None
    else:
        with pytest.raises(RankNotProvenError):
            int(result)


def test_monte_carlo_at_full_rank_is_exact():
    """min(m, n) is a proven upper bound: a modular rank reaching it is proven exact."""
    A = [[2, 1, 0], [1, 3, 1], [0, 1, 4]]
    result = er.rank(A, prove="monte-carlo", seed=1)
    assert result.exact and result.lower == result.upper == result.rank == 3
    assert result.error_probability is None
    wide = er.rank([[1, 2, 3, 4], [1, 2, 3, 5]], prove="monte-carlo", seed=1)
    assert wide.exact and int(wide) == 2


def test_float_results_are_never_exact():
    result = er.rank(np.eye(4), "float")
    assert result.rank == 4 and not result.exact and result.lower is result.upper is None


def test_the_cli_says_exact_when_monte_carlo_meets_the_upper_bound(tmp_path, capsys):
    path = tmp_path / "model.json"
    er.save_model(pairwise_similarity_rnn(2, 2, 4), path)
    assert main(["rank", str(path), "--partition", "odd-even", "--prove", "monte-carlo"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "rank 4 over QQ, exact"


# ---------------------------------------------------------------------------- GridTensor

SMALL_RNN = pairwise_similarity_rnn(2, 2, 4)  # the grid: 1 unless s0 = s1 and s2 = s3
PRODUCT = _model("shared-product-rnn")


def test_grid_tensor_as_a_numpy_array_over_QQ():
    model = _model("generalized-shallow")
    model = er.GeneralizedShallow(model.xi, model.lambda_, model.V / 3)  # proper fractions
    grid, brute = er.grid_tensor(model), _brute_grid(model)
    array = np.asarray(grid)
    assert array.dtype == grid.dtype == object and array.shape == grid.shape == (2,) * 4
    assert grid.ndim == array.ndim == 4 and len(grid) == 2
    assert all(type(v) is Fraction for v in array.flat) and (array == brute).all()
    assert any(v.denominator > 1 for v in array.flat)
    assert grid[1, 0, 1, 1] == brute[1, 0, 1, 1] and type(grid[1, 0, 1, 1]) is Fraction
    assert grid[-1, 0, np.int64(1), 1] == brute[1, 0, 1, 1]
    part = grid[1, :, 0]
    assert isinstance(part, np.ndarray) and part.dtype == object and (part == brute[1, :, 0]).all()
    assert (grid[...] == brute).all() and grid[0].shape == (2, 2, 2)
    assert (np.array(grid, dtype=float) == brute.astype(float)).all()
    with pytest.raises(ValueError, match="do not all fit dtype int64 exactly"):
        np.asarray(grid, dtype=np.int64)  # Fractions are never truncated
    with pytest.raises(ValueError, match="copy=False cannot be honoured"):
        np.array(grid, copy=False)
    with pytest.raises(IndexError):
        grid[2, 0, 0, 0]


@pytest.mark.parametrize("p,dtype", [(P, np.int64), (2**61 - 1, np.int64), (BIG_P, object)])
def test_grid_tensor_as_a_numpy_array_over_GF_p(p, dtype):
    model = _model("generalized-shallow")
    grid, brute = er.grid_tensor(model, f"GF({p})"), _brute_grid(model, f"GF({p})")
    array = np.asarray(grid)
    assert array.dtype == grid.dtype == np.dtype(dtype)
    assert array.tolist() == brute.tolist() and all(0 <= v < p for v in array.flat)
    assert type(grid[0, 1, 1, 0]) is int and grid[0, 1, 1, 0] == brute[0, 1, 1, 0]
    assert grid[:, 1].dtype == np.dtype(dtype) and grid[:, 1].tolist() == brute[:, 1].tolist()
    if p < 2**31:
        assert np.asarray(grid, dtype=np.int32).tolist() == brute.tolist()
    else:
        with pytest.raises(ValueError, match="do not all fit dtype int32 exactly"):
            np.asarray(grid, dtype=np.int32)  # a residue never wraps


def test_grid_tensor_as_a_numpy_array_over_float():
    model = random_rnn("softplus", 2, 3, random.Random(3))
    grid, brute = er.grid_tensor(model, "float"), _brute_grid(model, "float")
    array = np.asarray(grid)
    assert array.dtype == grid.dtype == np.float64 and np.allclose(array, brute.astype(float))
    assert type(grid[0, 1, 1]) is float and grid[0, :, 1].dtype == np.float64


GRIDS = {
    field: er.grid_tensor(_model("generalized-shallow"), field)
    for field in ("QQ", f"GF({P})", f"GF({BIG_P})")
}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(GRIDS)), npst.basic_indices((2,) * 4, allow_newaxis=True))
@example("QQ", (1, 0, 1, 1))
@example(f"GF({BIG_P})", (-1, slice(None), 0, Ellipsis))
def test_indexing_selects_what_numpy_selects(field, key):
    """grid[key] is np.asarray(grid)[key]: numpy's own indexing is the reference."""
    grid = GRIDS[field]
    reference = np.asarray(grid)[key]
    got = grid[key]
    if isinstance(reference, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == grid.dtype
        assert got.shape == reference.shape and got.tolist() == reference.tolist()
    else:
        assert got == reference and type(got) is (Fraction if field == "QQ" else int)


def test_grid_entries_index_like_a_vector():
    entries = er.grid_entries(SMALL_RNN, [[0, 0, 1, 1], [0, 1, 1, 1]])
    assert entries.shape == (2,) and len(entries) == 2 and entries.ndim == 1
    assert entries[0] == 0 and entries[1] == 1 and type(entries[1]) is Fraction
    assert list(entries) == [0, 1] and np.asarray(entries).tolist() == [0, 1]


# ---------------------------------------------------------------------------- exactrank.testing


@pytest.mark.parametrize("kind", KINDS)
def test_assert_grid_equal_takes_every_model_kind(kind):
    model = _model(kind)
    brute = _brute_grid(model)
    assert_grid_equal(model, brute)
    assert_grid_equal(brute, model)
    assert_grid_equal(model, er.grid_tensor(model))
    assert_grid_equal(er.grid_tensor(model), model)
    wrong = brute.copy()
    wrong[1, 0, 1, 1] += 1
    with pytest.raises(AssertionError, match=r"differ at 1 of 16 entries: \[1, 0, 1, 1\]: "):
        assert_grid_equal(model, wrong)
    with pytest.raises(AssertionError, match=r"grid shapes differ: \(2, 2, 2, 2\) \(actual\)"):
        assert_grid_equal(model, brute[0])


@pytest.mark.parametrize("kind", GF_KINDS)
def test_assert_grid_equal_over_GF_p(kind):
    model, field = _model(kind), f"GF({P})"
    brute = _brute_grid(model)  # over QQ: reduced modulo p by the assertion
    assert_grid_equal(model, brute, field=field)
    assert_grid_equal(model, er.grid_tensor(model, field), field=field)
    wrong = brute.copy()
    wrong[0, 0, 0, 0] += P  # the same residue
    assert_grid_equal(model, wrong, field=field)
    wrong[0, 1, 0, 0] += 1
    with pytest.raises(AssertionError, match=r"differ at 1 of 16 entries: \[0, 1, 0, 0\]"):
        assert_grid_equal(model, wrong, field=field)


def test_assert_grid_equal_refuses_floats_and_mixed_fields():
    with pytest.raises(er.InvalidInputError, match="not float"):
        assert_grid_equal(SMALL_RNN, SMALL_RNN, field="float")
    with pytest.raises(er.InvalidInputError, match=r"actual grid is over GF\(5\), the comparis"):
        assert_grid_equal(er.grid_tensor(PRODUCT, "GF(5)"), PRODUCT)
    with pytest.raises(er.InvalidInputError, match="expected grid holds floats"):
        assert_grid_equal(SMALL_RNN, np.ones((2,) * 4))


@pytest.mark.parametrize("kind", KINDS)
def test_assert_rank_takes_every_model_kind(kind, tmp_path):
    model = _model(kind)
    truth = _odd_even_rank(_brute_grid(model))
    cert = assert_rank(model, "odd-even", "==", truth, certs=tmp_path)
    assert cert["claim"]["r"] == truth
    assert assert_rank(model, "odd-even", ">=", truth)["claim"]["kind"] == "ge"
    with pytest.raises(AssertionError, match=f"== {truth + 1}: found rank {truth} "):
        assert_rank(model, "odd-even", "==", truth + 1, certs=tmp_path)


@pytest.mark.parametrize("kind", GF_KINDS)
def test_assert_rank_over_GF_p_takes_every_model_kind(kind):
    model, field = _model(kind), f"GF({P})"
    truth = _odd_even_rank(_brute_grid(model, field), P)
    assert assert_rank(model, "odd-even", "<=", truth, field=field)["claim"]["r"] == truth
    with pytest.raises(AssertionError, match=f"found rank {truth} "):
        assert_rank(model, "odd-even", "<", truth, field=field)


# ---------------------------------------------------------------------------- pickling


@pytest.mark.parametrize("kind", KINDS)
def test_models_pickle(kind):
    model = _model(kind)
    again = pickle.loads(pickle.dumps(model))
    assert type(again) is type(model) and model_to_dict(again) == model_to_dict(model)
    assert_grid_equal(again, er.grid_tensor(model))
    assert again.M == model.M and again.T == model.T


@pytest.mark.parametrize("xi", sorted(OPERATORS))
def test_rnns_of_every_operator_pickle(xi):
    model = random_rnn(xi, 2, 3, random.Random(1))
    again = pickle.loads(pickle.dumps(model))
    assert again.xi == model.xi and again.xi.name == xi
    field = "QQ" if model.xi.exact else "float"
    a, b = er.grid_tensor(model, field), er.grid_tensor(again, field)
    assert np.array_equal(np.asarray(a), np.asarray(b))


def test_operators_activations_and_poolings_pickle():
    for op in [*OPERATORS.values(), *ACTIVATIONS.values(), *POOLINGS.values()]:
        again = pickle.loads(pickle.dumps(op))
        assert again == op
    relu = pickle.loads(pickle.dumps(ACTIVATIONS["relu"]))
    assert relu(Fraction(-1, 2)) == 0 and relu(np.array([-1, 3])).tolist() == [0, 3]
    assert pickle.loads(pickle.dumps(POOLINGS["max"]))([1, Fraction(5, 2), 2]) == Fraction(5, 2)
    assert pickle.loads(pickle.dumps(POOLINGS["mean"]))([1, 2]) == Fraction(3, 2)


def test_rank_results_and_grids_pickle():
    for result in (
        er.rank(RANK_2, seed=3),
        er.rank(RANK_2, prove="lower", seed=3),
        er.rank(RANK_2, f"GF({P})"),
        er.rank(np.eye(2), "float"),
    ):
        assert pickle.loads(pickle.dumps(result)) == result
    for field in ("QQ", f"GF({P})", f"GF({BIG_P})"):
        grid = er.grid_tensor(_model("hierarchical"), field)
        again = pickle.loads(pickle.dumps(grid))
        assert again.field == grid.field and again.denominator == grid.denominator
        assert np.asarray(again).tolist() == np.asarray(grid).tolist()


@pytest.mark.parametrize(
    "rank,exact,lower,upper",
    [(2, False, 2, 2), (2, True, 2, 3), (3, True, 2, 2), (2, True, None, None)],
)
def test_a_rank_result_cannot_claim_what_its_bounds_do_not_say(rank, exact, lower, upper):
    with pytest.raises(er.InvalidInputError, match="exact exactly when its proven bounds meet"):
        er.RankResult(rank, exact, "QQ", (3, 3), lower, upper, "by hand")


def test_the_geometry_names_users_imported_before_the_layers_became_folders():
    """``from exactrank.geometry import dilated_tree`` was the README's own line when
    geometry was one module; the package re-exports its names."""
    import exactrank.geometry as geometry
    import exactrank.geometry.trees as trees

    assert geometry.dilated_tree is dilated_tree
    for name in geometry.__all__:
        assert getattr(geometry, name) is getattr(trees, name)


def test_every_name_of_all_is_there_and_star_import_works():
    """``__all__`` names only what the package has (``__version__`` went missing once when
    it moved to exactrank/version.py)."""
    import exactrank.version

    missing = [name for name in er.__all__ if not hasattr(er, name)]
    assert missing == []
    namespace: dict = {}
    exec("from exactrank import *", namespace)
    assert namespace["__version__"] == exactrank.version.__version__
