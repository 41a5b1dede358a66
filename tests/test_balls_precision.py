"""A working precision too low for a minor is reported as "not proven", never as a proof.

The Figure 5 certificates (exactrank.balls) depend on the precision only through what they
can prove: a determinant ball computed at too few bits contains 0 and certifies nothing,
and every certified size stays at most the rank. Checked against mpmath at 400 digits (an
independent evaluation of the square roots and of the determinants), and by a mutation:
dropping the balls' radii (evaluating "exactly" at the working precision) certifies an
exactly singular minor, which the real balls never do.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
import numpy as np
import pytest

import exactrank as er
from exactrank.linalg import balls


def _sqrt_matrix(prec: int, eps_bits: int | None):
    """[[√2, √3], [√6, 3 + 2^−eps_bits]] in balls at ``prec`` bits: determinant
    2^−eps_bits·√2, exactly 0 when eps_bits is None."""
    with flint.ctx.workprec(prec):
        corner = flint.arb(3) + (0 if eps_bits is None else flint.arb(2) ** -eps_bits)
        return [[flint.arb(2).sqrt(), flint.arb(3).sqrt()], [flint.arb(6).sqrt(), corner]]


@pytest.mark.parametrize("prec", [53, 64, 128, 512, 2048])
def test_an_exactly_singular_irrational_minor_is_never_certified(prec):
    assert not balls.certify_minor(_sqrt_matrix(prec, None), prec).nonsingular


def test_dropping_the_radii_would_certify_the_singular_minor():
    """The mutation the test above guards against: the same minor with each ball replaced
    by its midpoint (as if the rounded square roots were exact) is "certified"."""
    wrong = []
    for prec in (53, 64, 128, 512):
        table = _sqrt_matrix(prec, None)
        with flint.ctx.workprec(prec):
            midpoints = [[v.mid() for v in row] for row in table]
        wrong.append(balls.certify_minor(midpoints, prec).nonsingular)
    assert any(wrong)


def test_too_few_bits_say_not_proven_and_enough_bits_prove_the_oracle_determinant():
    eps_bits = 200  # det = 2^-200·√2 ≈ 8.8e-61: past 128 bits of relative accuracy
    assert not balls.certify_minor(_sqrt_matrix(128, eps_bits), 128).nonsingular
    certificate = balls.certify_minor(_sqrt_matrix(512, eps_bits), 512)
    assert certificate.nonsingular
    with mpmath.workdps(400):
        det = mpmath.sqrt(2) * (3 + mpmath.mpf(2) ** -eps_bits) - mpmath.sqrt(3) * mpmath.sqrt(6)
        mid, radius = mpmath.mpf(certificate.det_mid), mpmath.mpf(certificate.det_radius)
        assert det > 0 and abs(det - mid) <= radius * (1 + mpmath.mpf(10) ** -15)


def _ill_conditioned_l2_model():
    """Figure 5's R = 1 shape at M = 3, T = 4: entries ±√(u_i + v_j), 9 × 9, singular
    values decaying geometrically (its float rank is below 9)."""
    inputs = ([3, -5, 7], [-2, 9, 4], [6, 1, -3], [5, -7, 2])
    C = [np.array([[Fraction(c, 8) for c in row]], dtype=object) for row in inputs]
    G = [np.array([[[Fraction(g, 4)]]], dtype=object) for g in (3, -5, 6, 7)]
    return er.GeneralizedRNN("l2", C, G)


def _mp_score(model, seq):
    h = [mpmath.mpf(0)]
    for t, m in enumerate(seq):
        a = [mpmath.mpf(c.numerator) / c.denominator for c in model.C[t][:, m]]
        G = model.G[t]
        h = [
            mpmath.fsum(
                mpmath.mpf(G[i, j, k].numerator)
                / G[i, j, k].denominator
                * mpmath.sqrt(a[i] ** 2 + h[j] ** 2)
                for i in range(G.shape[0])
                for j in range(G.shape[1])
            )
            for k in range(G.shape[2])
        ]
    return h[0]


@pytest.mark.parametrize("prec", [53, 64, 96, 128, 256])
def test_certified_sizes_grow_with_the_precision_and_hold_against_mpmath(prec):
    """At every precision, too low or not, the certified leading minor has a determinant
    that mpmath at 400 digits puts inside the certificate's ball and away from 0."""
    model = _ill_conditioned_l2_model()
    partition = er.odd_even(4)
    A = er.matricize(er.grid_tensor(model, "float"), partition).values
    rows, cols = balls.pivot_minor(A, 9)
    certificate = balls.certify_rank(model, partition, rows, cols, prec)
    high = balls.certify_rank(model, partition, rows, cols, 1024)
    assert certificate.size <= high.size <= 9
    k = certificate.size
    sequences = balls.matrix_sequences(partition, model.M, rows[:k], cols[:k])
    with mpmath.workdps(400):
        entries = [_mp_score(model, seq) for seq in sequences]
        det = mpmath.det(mpmath.matrix([entries[a * k : (a + 1) * k] for a in range(k)]))
        mid, radius = mpmath.mpf(certificate.det_mid), mpmath.mpf(certificate.det_radius)
        assert certificate.nonsingular and (k == 0 or abs(mid) > radius)  # 0 is outside
        assert abs(det - mid) <= radius * (1 + mpmath.mpf(10) ** -15)  # and det inside


def test_the_ill_conditioned_case_needs_more_than_double_precision():
    """The case above exercises the precision: 53 bits prove less than 1024 bits."""
    model = _ill_conditioned_l2_model()
    partition = er.odd_even(4)
    A = er.matricize(er.grid_tensor(model, "float"), partition).values
    rows, cols = balls.pivot_minor(A, 9)
    low = balls.certify_rank(model, partition, rows, cols, 53)
    high = balls.certify_rank(model, partition, rows, cols, 1024)
    assert low.size < high.size


def _exact(x: flint.arb) -> Fraction:
    man, exp = x.man_exp()
    return Fraction(int(man)) * Fraction(2) ** int(exp)


@pytest.mark.parametrize(
    "mid, rad",
    [(0.5, 0.4), (0.51, 0.49), (-3e-40, 2.9e-40), (1e30, 9.9e29), (0, 0.4), (0.5, 0.6), (7, 0)],
)
def test_the_printed_enclosure_contains_the_ball_and_shows_the_proof(mid, rad):
    """A certificate's det_mid ± det_radius contains the determinant's ball, and excludes 0
    whenever the ball does: a reader re-checks nonsingular from the strings (arb prints a
    wide ball as "[+/- r]", which once gave nonsingular with det_mid '0')."""
    x = flint.arb(mid, rad)
    m, r = (Fraction(s) for s in balls._enclosure(x))
    low, high = _exact(x.mid()) - _exact(x.rad()), _exact(x.mid()) + _exact(x.rad())
    assert m - r <= low and high <= m + r
    assert (abs(m) > r) == (not x.contains(0))
