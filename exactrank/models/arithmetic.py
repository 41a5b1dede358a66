"""Array arithmetic of the grid recursions in one number domain: QQ, GF(p) or float64.

Over QQ a tensor is held as integer numerators and one common positive denominator; the
integers live in the storage their proven bound allows (see :mod:`exactrank.numbers.kernels`).
Rational weights are scaled to integers where ξ allows it: the product is bilinear
(ξ(a/c, b/d) = ξ(a, b)/(cd)); max(x, y, 0) and x + y are positively homogeneous
(ξ(a/d, b/d) = ξ(a, b)/d for d > 0). Over GF(p) the same integer machinery runs on
residues, reduced after every operation. float64 is the fast path and is never exact.

It implements no paper result: the recursions that run on it (:mod:`.rnn_grid`,
:mod:`.hierarchical_grid`, …) cite their equations; :func:`features_times` forms the products with
the feature matrix F of seed 001, eq. 19.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..errors import DomainError, InvalidInputError, shown
from ..numbers.domains import Field, fraction_to_residue
from ..numbers.kernels import (
    FLOAT_EXACT,
    INT64_SAFE,
    align,
    column_abs_sums,
    dgemm,
    exact_matmul,
    max_abs,
    reduce_mod,
    storage_for,
    to_storage,
)
from ..numbers.residue_products import matmul_mod
from ..numbers.residues import RESIDUE_PRIME_BOUND, add_mod, mul_mod, residues
from .operators import Xi


def arithmetic_for(field: Field, exact_model: bool):
    """The arithmetic of ``field``; an exact field needs a model with exact weights."""
    if field.kind == "float":
        return FloatArithmetic()
    if not exact_model:
        raise DomainError(
            f"the model has float weights, so it cannot be evaluated over {field}; "
            "give exact weights (integers, Fractions or 'p/q' strings) or use field 'float'"
        )
    if field.kind == "GF" and field.p < RESIDUE_PRIME_BOUND:
        return ResidueArithmetic(field.p)
    return ExactArithmetic(field.p if field.kind == "GF" else None)


class ExactArithmetic:
    """Scaled-integer arithmetic over QQ (``p is None``) or residues over GF(p).

    A value is a pair (integer array, denominator); the denominator is always 1 over GF(p).
    """

    def __init__(self, p: int | None = None):
        self.p = p

    def lift(self, Q: np.ndarray, where: str = "weights") -> tuple[np.ndarray, int]:
        """Fractions (object array) as (integer array, common denominator)."""
        if self.p is not None:
            flat = [fraction_to_residue(q, self.p, where) for q in Q.flat]
            den = 1
        else:
            den = math.lcm(*(q.denominator for q in Q.flat)) if Q.size else 1
            flat = [q.numerator * (den // q.denominator) for q in Q.flat]
        return self.narrow(np.array(flat, dtype=object).reshape(Q.shape)), den

    def scalar(self, q: Fraction) -> tuple[np.ndarray, int]:
        """A single rational (the unit of ξ, say) as a (1, 1) array and its denominator."""
        return self.lift(np.array([[Fraction(q)]], dtype=object))

    def narrow(self, X: np.ndarray) -> np.ndarray:
        """``X`` in the cheapest storage its actual values allow (float64 is the cheapest)."""
        if X.dtype == np.float64:
            return X
        return to_storage(X, storage_for(max_abs(X)))

    def _reduce(self, X: np.ndarray) -> np.ndarray:
        return X if self.p is None else reduce_mod(X, self.p)

    def reduce(self, X: np.ndarray) -> np.ndarray:
        """Integers reduced mod p over GF(p); unchanged over QQ."""
        return self._reduce(X)

    def _scale(self, X: np.ndarray, factor: int) -> np.ndarray:
        if factor == 1:
            return X
        # the bound counts the factor even where X is zero: int64 zeros times a factor past
        # int64 would overflow
        (X,) = align([X], max(max_abs(X), 1) * abs(factor))
        return X * factor

    def xi(self, xi: Xi, A: np.ndarray, a_den: int, S: np.ndarray, s_den: int):
        """ξ(A, S) elementwise (A and S broadcast against each other) and its denominator."""
        Z, den, _ = self.xi_bounded(xi, A, a_den, S, s_den)
        return Z, den

    def xi_bounded(self, xi: Xi, A: np.ndarray, a_den: int, S: np.ndarray, s_den: int):
        """(ξ(A, S), its denominator, a proven bound on its magnitude), the bound taken from
        the operands (which are far smaller than the ξ-outer block over QQ)."""
        if xi.scaling == "bilinear":
            den = a_den * s_den
        else:
            den = math.lcm(a_den, s_den)
            A, S = self._scale(A, den // a_den), self._scale(S, den // s_den)
        bound = xi.bound(max_abs(A), max_abs(S))
        A, S = align([A, S], bound)
        return self._reduce(xi(A, S)), den, bound if self.p is None else self.p

    def matmul(self, Z: np.ndarray, G: np.ndarray, z_bound: int | None = None) -> np.ndarray:
        """The exact product Z @ G (reduced mod p over GF(p)); ``z_bound``, when given, is a
        proven bound on max |Z| (spares a pass over a large Z)."""
        if self.p is None and Z.dtype == np.float64 and G.dtype == np.float64:
            product = split_product(Z, G, max_abs(Z) if z_bound is None else z_bound)
            if product is not None:
                return self.narrow(product)
        product, _ = exact_matmul(Z, G)
        return self.narrow(self._reduce(product))

    def divide(self, X: np.ndarray, den: int, k: int) -> tuple[np.ndarray, int]:
        """(X / den) / k for a positive integer k: over QQ the denominator grows; over
        GF(p) X is multiplied by the inverse of k (the caller checks that p does not divide k).
        """
        if self.p is None:
            return X, den * k
        return self._reduce(self._scale(X, pow(k, -1, self.p))), den

    def weighted_sum(self, terms, weights: np.ndarray) -> np.ndarray:
        """Σ_r weights[r] · terms[r] exactly (``weights``: integers, one per term)."""
        total = None
        for w, X in zip(weights.tolist(), terms, strict=True):
            term = self._scale(X, int(w))
            if total is None:
                total = term
            else:
                total, term = align([total, term], max_abs(total) + max_abs(term))
                total = total + term
            total = self._reduce(total)
        return total

    def output(self, X: np.ndarray) -> np.ndarray:
        """Numerators for the user: int64 when they fit, Python integers otherwise."""
        X = self.narrow(X)
        return X.astype(np.int64) if X.dtype == np.float64 else X


def features_times(F: np.ndarray, X: np.ndarray) -> np.ndarray:
    """F·X for a model's feature matrix F (seed 001, eq. 19), in the weights' own numbers
    (Fractions or floats); with F = I, the default, X itself: no product of Fractions (a
    third of the time of a relu grid at M = 10, R = 8, half of a small hierarchical one)."""
    identity = all(F[i, j] == (i == j) for i in range(F.shape[0]) for j in range(F.shape[1]))
    return X if identity else F.dot(X)


def split_product(Z: np.ndarray, G: np.ndarray, z_bound: int) -> np.ndarray | None:
    """Z @ G exactly for float64-held integers with |Z| <= z_bound < 2^53, as int64, by
    two dgemms; None when the bounds below do not hold (the caller falls back).

    Z = 2^k·H + L with H = ⌊Z / 2^k⌋ and 0 <= L < 2^k (a scaling by a power of two, a
    floor and a subtraction, each exact on float64 integers below 2^53), so
    |H| <= z_bound / 2^k + 1. With c = max_col Σ_i |G[i, c]| every partial sum of H @ G
    is at most (z_bound / 2^k + 1)·c and of L @ G below 2^k·c: both below 2^53, so dgemm
    computes them exactly in any order. Then
    Z @ G = 2^k·(H @ G) + L @ G, where |2^k·(H @ G)| <= (z_bound + 2^k)·c < 2^63 (int64
    shift) and the sum is bounded by z_bound·c < 2^62 (int64). Z is never converted: the
    limb split of :func:`~exactrank.numbers.kernels.exact_matmul` costs several passes more.
    """
    c = column_abs_sums(G)
    if z_bound * c < FLOAT_EXACT:  # one dgemm is exact
        return dgemm(Z, G)
    if z_bound >= FLOAT_EXACT or z_bound * c >= INT64_SAFE:
        return None
    k = FLOAT_EXACT.bit_length() - 1 - c.bit_length()  # 2^k·c < 2^53
    if k < 1 or ((z_bound >> k) + 1) * c >= FLOAT_EXACT or (z_bound + (1 << k)) * c >= 2**63:
        return None
    high = Z * (1.0 / (1 << k))  # exact: a power of two
    np.floor(high, out=high)
    low = high * -float(1 << k)  # exact, and so is the sum: 0 <= Z − 2^k·H < 2^k
    low += Z
    out = dgemm(high, G).astype(np.int64)
    out <<= k
    out += dgemm(low, G).astype(np.int64)
    return out


_OBJECT_PRODUCT = 256  # residue products this small run on Python integers (measured)


class ResidueArithmetic(ExactArithmetic):
    """GF(p) for p < 2^62: int64 residues in [0, p) through the BLAS kernels of
    :mod:`exactrank.numbers.residues` (denominators are always 1)."""

    def lift(self, Q: np.ndarray, where: str = "weights") -> tuple[np.ndarray, int]:
        p = self.p
        flat = [  # an exact weight is a Fraction or an integer: both have these attributes
            int(q.numerator) % p
            if q.denominator == 1
            else fraction_to_residue(Fraction(q), p, where)
            for q in Q.flat
        ]
        return np.array(flat, dtype=np.int64).reshape(Q.shape), 1

    def narrow(self, X: np.ndarray) -> np.ndarray:
        return X if X.dtype == np.int64 else residues(X, self.p)

    def _reduce(self, X: np.ndarray) -> np.ndarray:
        return residues(X, self.p)

    def xi(self, xi: Xi, A: np.ndarray, a_den: int, S: np.ndarray, s_den: int):
        """ξ(A, S) elementwise: the product or the sum mod p (the ξ defined over GF(p))."""
        kernels = {"product": mul_mod, "sum": add_mod}
        if xi.name not in kernels:
            raise DomainError(f"ξ = {xi.name} has no meaning over GF({self.p})")
        return kernels[xi.name](A, S, self.p), 1

    def xi_bounded(self, xi: Xi, A: np.ndarray, a_den: int, S: np.ndarray, s_den: int):
        return (*self.xi(xi, A, a_den, S, s_den), self.p)

    def matmul(self, Z: np.ndarray, G: np.ndarray, z_bound: int | None = None) -> np.ndarray:
        """Z @ G mod p: products of at most _OBJECT_PRODUCT multiply-adds in Python
        integers (3 µs for 16 against 20 µs through the split dgemms, whose fixed cost
        is a dozen numpy calls: a tree's small nodes near its leaves are most of its
        nodes), larger ones by :func:`~exactrank.numbers.residue_products.matmul_mod`."""
        if Z.shape[0] * Z.shape[1] * G.shape[1] <= _OBJECT_PRODUCT:
            product = Z.astype(object).dot(G.astype(object)) % self.p
            return product.astype(np.int64).reshape(Z.shape[0], G.shape[1])
        return matmul_mod(Z, G, self.p)

    def divide(self, X: np.ndarray, den: int, k: int) -> tuple[np.ndarray, int]:
        return mul_mod(X, np.int64(pow(k, -1, self.p)), self.p), 1

    def weighted_sum(self, terms, weights: np.ndarray) -> np.ndarray:
        total = None
        for w, X in zip(weights.tolist(), terms, strict=True):
            term = mul_mod(X, np.int64(w), self.p)
            total = term if total is None else add_mod(total, term, self.p)
        return total

    def output(self, X: np.ndarray) -> np.ndarray:
        return X


class FloatArithmetic:
    """float64 everywhere, with the interface of :class:`ExactArithmetic` (denominators 1)."""

    p = None

    def lift(self, Q: np.ndarray, where: str = "weights") -> tuple[np.ndarray, int]:
        try:
            values = [float(q) for q in Q.flat]
        except OverflowError:
            big = max(Q.flat, key=abs)
            raise InvalidInputError(
                f"{where}: {shown(big)} is beyond float64's range; use an exact field (QQ, GF(p))"
            ) from None
        return np.array(values, dtype=np.float64).reshape(Q.shape), 1

    def scalar(self, q) -> tuple[np.ndarray, int]:
        return np.array([[float(q)]]), 1

    def narrow(self, X: np.ndarray) -> np.ndarray:
        return X

    def xi(self, xi: Xi, A: np.ndarray, a_den: int, S: np.ndarray, s_den: int):
        return xi(A, S), 1

    def xi_bounded(self, xi: Xi, A: np.ndarray, a_den: int, S: np.ndarray, s_den: int):
        return xi(A, S), 1, None

    def matmul(self, Z: np.ndarray, G: np.ndarray, z_bound: int | None = None) -> np.ndarray:
        return dgemm(Z, G)

    def divide(self, X: np.ndarray, den: int, k: int) -> tuple[np.ndarray, int]:
        return X / k, 1

    def weighted_sum(self, terms, weights: np.ndarray) -> np.ndarray:
        return sum(w * X for w, X in zip(weights.tolist(), terms, strict=True))

    def output(self, X: np.ndarray) -> np.ndarray:
        return X


def scalar_domain(field: Field):
    """The map from exact weights (or plain numbers) to scalars of ``field`` for the
    brute-force evaluators (Fractions, residues, floats); no paper equation."""
    if field.kind == "QQ":
        return Fraction
    if field.kind == "GF":
        p = field.p
        return lambda v: v % p if isinstance(v, int) else fraction_to_residue(Fraction(v), p)
    return float
