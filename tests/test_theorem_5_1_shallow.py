"""Seed 001, Theorem 5.1, the shallow half (proofs/theorem_5_1_shallow.py): the quick verdict,
the construction against a brute-force evaluation, the width formula, and mutations that
must turn the verdict to FAIL."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import exactrank as er
from exactrank.checks import theorems
from exactrank.errors import InvalidInputError
from exactrank.sampling import random_invertible


@pytest.fixture
def module():
    return theorems.load("theorem_5_1_shallow")


def _brute_force(lam, V, F, M, T):
    """Eq. 14 written out independently: Σ_r λ_r·max(⟨F[i_0], v_r^(0)⟩, …, 0), in Fractions."""

    def inner(features, v):
        return sum(Fraction(a) * b for a, b in zip(features, v, strict=True))

    return {
        i: sum(
            Fraction(c) * max(0, *(inner(F[i[t]], v[t]) for t in range(T)))
            for c, v in zip(lam, V, strict=True)
        )
        for i in itertools.product(range(M), repeat=T)
    }


def test_quick_verdict():
    result = theorems.run("theorem_5_1_shallow")
    assert result.verdict == result.expected == "PASS", result.details
    assert result.instances == 24
    assert result.details[-1] == "24 instances, 0 failing"
    assert result.details[-2] == "largest instance: M=3 T=4, width 82 vs M^T = 81 (ratio 82/81)"


def test_reported_widths_equal_the_formula(module):
    """Each instance line states width w and nnz + 1 = w: recomputed from the line itself."""
    lines = [line for line in module.check().details if line.startswith("M=")]
    assert len(lines) == 24
    for line in lines:
        width, formula, total = map(
            int, re.search(r"width (\d+) \(nnz \+ 1 = (\d+)\) vs M\^T = (\d+)", line).groups()
        )
        M, T = map(int, re.match(r"M=(\d) T=(\d)", line).groups())
        assert width == formula and total == M**T
        if " dense " in line:
            assert width == M**T + 1


@pytest.mark.parametrize(("M", "T"), [(1, 1), (2, 1), (2, 3), (3, 2)])
def test_every_one_hot_network_has_width_2_and_grid_e(module, M, T):
    for index in itertools.product(range(M), repeat=T):
        network = module.one_hot_shallow(index, M)
        expected = np.zeros((M,) * T, dtype=object)
        expected[index] = 1
        assert network.R == 2
        assert np.array_equal(er.grid_tensor(network).to_fractions(), expected)


def test_one_hot_refuses_a_bad_index(module):
    with pytest.raises(
        InvalidInputError, match=r"index must be T >= 1 integers in 0 … 1, got \(0, 2\)"
    ):
        module.one_hot_shallow((0, 2), 2)


def test_universal_refuses_a_non_cubical_tensor(module):
    with pytest.raises(InvalidInputError, match=r"H must have shape \(M, …, M\), got \(2, 3\)"):
        module.universal_shallow(np.zeros((2, 3), dtype=object))


@st.composite
def _tensors(draw):
    M, T = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    entry = st.fractions(min_value=-3, max_value=3, max_denominator=3)
    values = draw(st.lists(entry | st.just(Fraction(0)), min_size=M**T, max_size=M**T))
    return np.array(values, dtype=object).reshape((M,) * T)


@settings(max_examples=40, deadline=None)
@given(H=_tensors(), random_F=st.booleans())
@example(H=np.zeros((2, 2), dtype=object), random_F=False)  # the zero tensor: width 1
@example(H=np.full((1,), Fraction(-2), dtype=object), random_F=True)  # M = T = 1
def test_grid_is_h_and_width_is_nnz_plus_1(H, random_F):
    module = theorems.load("theorem_5_1_shallow")
    M, T = H.shape[0], H.ndim
    F = random_invertible(M, random.Random(10 * M + T)) if random_F else None
    network = module.universal_shallow(H, F=F)
    assert network.R == sum(1 for v in H.flat if v != 0) + 1 == module.width_formula(H)
    brute = _brute_force(network.lambda_, network.V, network.F, M, T)
    assert all(brute[i] == H[i] for i in brute)
    assert np.array_equal(er.grid_tensor(network).to_fractions(), H)


def test_dropping_a_term_of_the_one_hot_network_fails(module, monkeypatch):
    """Without its constant term a one-hot network's grid is E − J: the sums are wrong."""
    real = module.one_hot_shallow

    def broken(index, M):
        network = real(index, M)
        return type(network)(network.xi, network.lambda_[:1], network.V[:1], F=network.F)

    monkeypatch.setattr(module, "one_hot_shallow", broken)
    result = module.check()
    assert result.verdict == "FAIL"
    assert "DIFFERENT" in "\n".join(result.details)


def test_changing_one_weight_of_the_one_hot_network_fails(module, monkeypatch):
    """v^(0)[index_0] = 1 instead of 0: the first term becomes the constant J, the grid 0."""
    real = module.one_hot_shallow

    def broken(index, M):
        network = real(index, M)
        V = network.V.copy()
        V[0, 0, index[0]] = 1
        return type(network)(network.xi, network.lambda_, V, F=network.F)

    monkeypatch.setattr(module, "one_hot_shallow", broken)
    assert module.check().verdict == "FAIL"


def test_a_wrong_sign_in_the_combination_fails(module, monkeypatch, tmp_path):
    """combine() adding c·λ with the wrong sign for one network is caught by both routes."""
    real = module.combine

    def broken(networks, coefficients):
        coefficients = list(coefficients)
        coefficients[-1] = -coefficients[-1]
        return real(networks, coefficients)

    monkeypatch.setattr(module, "combine", broken)
    result = module.check(certs=tmp_path)  # a wrong grid saves no certificate, and no crash
    assert result.certificates == []
    assert result.verdict == "FAIL"
    assert any("grid_tensor DIFFERENT, eq. 14 DIFFERENT" in line for line in result.details)


def test_saved_certificates_pass_the_stand_alone_checker(module, tmp_path):
    """With --certs, the small instances' 'le 0' certificates (shallow grid − universal_rnn
    grid) are accepted by proofs/verify_certificate.py, run as its own process."""
    result = module.check(certs=tmp_path)
    assert len(result.certificates) == 8
    for path in result.certificates:
        proc = subprocess.run(
            [sys.executable, str(theorems.PROOFS / "verify_certificate.py"), path],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, (path, proc.stdout, proc.stderr)
