"""The upper-bound proofs: they close true bounds and are never fooled by false ones."""

import random
from fractions import Fraction

import numpy as np
import pytest

from exactrank.modular import rank_profile_mod_p
from exactrank.upper_bound import (
    _schur_multimodular,
    _schur_padic,
    _small_witness,
    hadamard_log2_bound,
    prove_upper_bound,
    rational_reconstruction,
)

ROUTES = [_small_witness, _schur_padic, _schur_multimodular, prove_upper_bound]


def _low_rank(seed, n=40, r=6, high=50):
    rng = np.random.default_rng(seed)
    return rng.integers(-high, high + 1, (n, r)) @ rng.integers(-high, high + 1, (r, n))


def _outside(n, chosen):
    return next(k for k in range(n) if k not in chosen)


@pytest.mark.parametrize("seed", range(6))
def test_true_bounds_are_proven_by_the_schur_routes(seed):
    A = _low_rank(seed)
    profile = rank_profile_mod_p(A, 1000003)
    for route in (_schur_padic, _schur_multimodular, prove_upper_bound):
        assert route(A, profile.rows, profile.cols, random.Random(seed)).proven


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("change", [1, -3, 2**40, 1000003 * 7])
def test_false_bounds_are_refused_by_every_route(seed, change):
    """One entry outside the pivot rows and columns changed: the rank grows by one, and a
    change by a large power of two or a multiple of the pivot prime must not slip through."""
    A = _low_rank(seed)
    profile = rank_profile_mod_p(A, 1000003)
    i, j = _outside(A.shape[0], profile.rows), _outside(A.shape[1], profile.cols)
    A[i, j] += change
    for route in ROUTES:
        proof = route(A, profile.rows, profile.cols, random.Random(seed))
        assert proof is None or not proof.proven, route.__name__


def test_structured_matrix_gets_a_small_witness():
    n = 30
    A = np.ones((n, n), dtype=np.int64) - np.eye(n, dtype=np.int64)
    A = np.vstack([A, A[:5] + A[5:10]])  # extra rows in the span
    profile = rank_profile_mod_p(A, 1000003)
    proof = _small_witness(A, profile.rows, profile.cols, random.Random(0))
    assert proof is not None and proof.proven
    w = proof.witness
    lhs = A[:, list(w.cols)].astype(object).dot(w.W.astype(object))
    assert (lhs == w.d * A[:, list(w.others)].astype(object)).all()


def test_rational_reconstruction_finds_small_fractions():
    p = 2**61 - 1
    fractions = [Fraction(3, 7), Fraction(-22, 5), Fraction(0), Fraction(10**8, 10**9 + 7)]
    Y = np.array([q.numerator * pow(q.denominator, -1, p) % p for q in fractions])
    num, den = rational_reconstruction(Y, p)
    assert [Fraction(int(a), int(b)) for a, b in zip(num, den, strict=True)] == fractions


def test_hadamard_bound_dominates_the_bordered_minors():
    import sympy

    A = _low_rank(3, n=12, r=3, high=9)
    A[5, 7] += 11
    profile = rank_profile_mod_p(A, 1000003)
    log2_bound = hadamard_log2_bound(A, profile.rows, profile.cols)
    rows, cols = list(profile.rows), list(profile.cols)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if i in rows or j in cols:
                continue
            minor = sympy.Matrix(A[np.ix_(rows + [i], cols + [j])].tolist()).det()
            assert minor == 0 or np.log2(abs(int(minor))) <= log2_bound


@pytest.mark.parametrize("seed", range(3))
def test_padic_route_does_not_trust_its_inverse(seed, monkeypatch):
    """A wrong inverse of the pivot minor mod p breaks the checked Dixon identities: the
    route refuses instead of proving anything (true bound or not)."""
    import exactrank.upper_bound as ub

    A = _low_rank(seed)
    profile = rank_profile_mod_p(A, 1000003)
    real = ub.solve_mod_p

    def wrong_inverse(M, B, p):
        X = real(M, B, p)
        X[0, 0] = (X[0, 0] + 1) % p
        return X

    monkeypatch.setattr(ub, "solve_mod_p", wrong_inverse)
    proof = _schur_padic(A, profile.rows, profile.cols, random.Random(seed))
    assert proof is not None and not proof.proven
    assert "Dixon" in proof.method
