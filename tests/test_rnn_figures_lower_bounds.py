"""Figures 3 and 4 ask only for what they report (issue 11, item 3): the prime of the
modular lower bound (``prime_bits``), the BLAS route for small primes against FLINT, and
fig4's default of proven lower bounds with the exact ranks a parameter away."""

from __future__ import annotations

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactrank as er
from exactrank.errors import InvalidInputError
from exactrank.experiments import (
    get_experiment,
    relu_ranks,
    rnn_figures,
    run_experiment,
    sample_seed,
)
from exactrank.experiments.registry import merge_parameters
from exactrank.linalg.modular import FAST_PRIME_BITS, random_prime
from exactrank.linalg.rank import monte_carlo_error_bound


def test_auto_prime_bits_follow_the_matrix_size():
    assert relu_ranks.prime_bits("auto", relu_ranks.FLINT_ENTRIES) == 62
    assert relu_ranks.prime_bits("auto", relu_ranks.FLINT_ENTRIES + 1) == FAST_PRIME_BITS
    assert relu_ranks.prime_bits(40, 10**6) == 40


@pytest.mark.parametrize("bad", ["23", 1, 63, True, 2.5])
def test_prime_bits_parameter_is_checked(bad):
    experiment = get_experiment("fig3")
    with pytest.raises(InvalidInputError, match="parameter prime_bits: expected 'auto' or an"):
        experiment.validate(merge_parameters(experiment, {"prime_bits": bad}))


def _flint_rank_mod(values: np.ndarray, p: int) -> int:
    return flint.nmod_mat([[int(v) for v in row] for row in values], p).rank()


@st.composite
def integer_matrices(draw):
    n, m = draw(st.integers(40, 70)), draw(st.integers(40, 70))
    r = draw(st.integers(0, min(n, m)))
    bits = draw(st.sampled_from([4, 30, 70]))  # 70: Python integers past 2^63
    rng = np.random.default_rng(draw(st.integers(0, 2**32)))
    U = rng.integers(-(2**15), 2**15, size=(n, r)).astype(object)
    V = rng.integers(-(2**15), 2**15, size=(r, m)).astype(object) * (1 << max(0, bits - 30))
    A = U.dot(V) if r else np.zeros((n, m), dtype=object)
    return A if bits == 70 else A.astype(np.int64)


@given(integer_matrices(), st.integers(0, 2**32))
@settings(max_examples=25, deadline=None)
def test_rank_mod_small_prime_on_blas_equals_flint(A, seed):
    p = random_prime(FAST_PRIME_BITS, np.random.default_rng(seed))
    lines = relu_ranks.IntegerLines(A)
    assert lines.rank_mod(p) == _flint_rank_mod(A, p)
    assert lines.rank_mod(p) <= lines.rank()  # a lower bound on the exact rank


def _large_fig3(R: int = 2) -> dict:
    """fig3's parameters at M = 17, T = 4: a 289 × 289 matricization, past FLINT_ENTRIES."""
    experiment = get_experiment("fig3")
    return experiment.validate(merge_parameters(experiment, {"M": 17, "T": 4, "ranks": [R]}))


def test_large_matricizations_take_a_small_prime_and_say_so():
    params = _large_fig3()
    record = rnn_figures.run_sample(params, 2, 0, sample_seed("fig3", 2, 0, 0))
    model = rnn_figures.sample_rnn(params, 2, np.random.default_rng(sample_seed("fig3", 2, 0, 0)))
    matrix = er.matricize(er.grid_tensor(model), "odd-even")
    assert matrix.values.size > relu_ranks.FLINT_ENTRIES
    p = record["prime"]
    assert p < 2**FAST_PRIME_BITS
    assert record["rank_lower"] == _flint_rank_mod(matrix.values, p)
    assert record["rank_lower"] <= relu_ranks.exact_rank(matrix)
    if not record["exact"]:
        bound = monte_carlo_error_bound(matrix.values, FAST_PRIME_BITS)
        assert record["mod_p_error_bound"] == float(f"{bound:.3g}")
        assert f"p = {p}" in record["rank_method"]


def test_fig4_records_lower_bounds_unless_asked_for_exact_ranks():
    tiny = {"M": 3, "T": 4, "ranks": [2, 3]}
    lower = run_experiment("fig4", 2, jobs=1, seed=2, progress=False, params=tiny)
    exact = run_experiment(
        "fig4", 2, jobs=1, seed=2, progress=False, params={**tiny, "prove": "exact"}
    )
    assert lower["parameters"]["prove"] == "lower"
    for low, ex in zip(lower["samples"], exact["samples"], strict=True):
        assert low["rank_lower"] == ex["rank_lower"] and ex["exact"]
        assert low["rank"] <= ex["rank"]
        if low["exact"]:  # full rank modulo p: exact anyway
            assert low["rank"] == ex["rank"]
        else:
            assert low["rank_method"].endswith("a proven lower bound")
    assert exact["summary"]["ranks"] == "exact ranks over QQ (proven)"
    assert lower["summary"]["ranks"].startswith("proven lower bounds on the rank")
