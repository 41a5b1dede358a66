"""The operators ξ of generalized tensor decompositions (seed 001, §4.1).

ξ is an associative, commutative binary operator that replaces the product in the outer
product: (A ⊗ξ B)[i…, j…] = ξ(A[i…], B[j…]) (seed 001, eq. 13). Its *unit* u initialises
the hidden state of a generalized RNN (seed 001, §4.1, "Initial hidden state"). For
max(x, y, 0) the unit 0 is a unit only in the n-ary sense max(x, y, 0, 0) = max(x, y, 0):
the binary ξ(x, 0) = max(x, 0) is not x for negative x, and exactrank follows the paper's
definition h^(−1) = u regardless.

Each operator says in which domains it is exact: product and sum over QQ and GF(p); relu
over QQ only (max has no meaning in GF(p)); softplus ln(eˣ+eʸ) and l2 √(x²+y²) in float64
only (their values are irrational).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import DomainError, InvalidModelError
from ..numbers.domains import Field


@dataclass(frozen=True)
class Xi:
    """A generalized-product operator ξ with its unit and the domains where it is exact (seed
    001, §4.1: associative, commutative, with a unit u).

    ``scaling`` says how exact rational inputs may be scaled to integers: ``"bilinear"``
    (ξ(ca, db) = cd·ξ(a, b), the product) or ``"homogeneous"`` (ξ(ca, cb) = c·ξ(a, b) for
    c > 0: max(x, y, 0) and x + y). Float-only operators have ``scaling = None``.
    The functions are module-level (never lambdas), so an operator, and a model holding
    it, pickles by reference to them.
    """

    name: str
    unit: Fraction | float
    exact: bool
    modular: bool
    scaling: str | None
    _array: Callable = None
    _scalar: Callable = None
    _bound: Callable = None

    def __call__(self, a, b):
        """ξ(a, b), elementwise on numpy arrays (broadcasting) or on two scalars."""
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return self._array(a, b)
        return self._scalar(a, b)

    def bound(self, a_max: int, b_max: int) -> int:
        """A bound on |ξ(a, b)| given |a| <= a_max and |b| <= b_max (exact operators only; no
        paper equation: it sizes the integers)."""
        return self._bound(a_max, b_max)

    def fold(self, values):
        """The n-ary ξ(v_1, …, v_n) of seed 001, eq. 14, folded from the unit: ξ(u, v_1, …).

        Starting at the unit makes relu's n-ary form max(v_1, …, v_n, 0) for every n
        (DESIGN.md), as a width-1 RNN computes it from h^(−1) = u (seed 001, Prop. A.4).
        """
        values = list(values)
        if not values:
            raise InvalidModelError(f"ξ = {self.name} needs at least one operand, got none")
        result = self.unit
        for v in values:
            result = self(result, v)
        return result

    def check_field(self, field: Field) -> None:
        """Refuse a domain in which ξ is not exact or has no meaning, with the reason (no
        paper equation: a domain check)."""
        if field.kind == "QQ" and not self.exact:
            raise DomainError(
                f"ξ = {self.name} is irrational-valued and has no exact evaluation over QQ; "
                "use field 'float'"
            )
        if field.kind == "GF" and not self.modular:
            raise DomainError(
                f"ξ = {self.name} is meaningless over {field}: "
                + (
                    "max(x, y, 0) needs an order, and GF(p) has none; use 'QQ' or 'float'"
                    if self.name == "relu"
                    else "its values are irrational; use 'float'"
                    if not self.exact
                    else "it needs an order, and GF(p) has none; use 'QQ' or 'float'"
                )
            )


# Module-level functions, never lambdas, so that operators and the models holding them
# pickle (by reference to these names).


def _relu_array(a, b):
    # max(a, b, 0) = max(max(a, 0), max(b, 0)): the inner maxima run on the (small) operands
    # before broadcasting, so the large ξ-outer block is touched once.
    return np.maximum(np.maximum(a, 0), np.maximum(b, 0))


def _relu_scalar(a, b):
    return max(a, b, 0)


def _softplus_scalar(a, b):
    return float(np.logaddexp(float(a), float(b)))


def _l2_scalar(a, b):
    return math.hypot(float(a), float(b))


def _identity(x):
    return x


def _relu_activation(x):
    return np.maximum(x, 0) if isinstance(x, np.ndarray) else max(x, 0)


PRODUCT = Xi(
    "product",
    Fraction(1),
    exact=True,
    modular=True,
    scaling="bilinear",
    _array=operator.mul,
    _scalar=operator.mul,
    _bound=operator.mul,
)
RELU = Xi(
    "relu",
    Fraction(0),
    exact=True,
    modular=False,
    scaling="homogeneous",
    _array=_relu_array,
    _scalar=_relu_scalar,
    _bound=max,
)
SUM = Xi(
    "sum",
    Fraction(0),
    exact=True,
    modular=True,
    scaling="homogeneous",
    _array=operator.add,
    _scalar=operator.add,
    _bound=operator.add,
)
SOFTPLUS = Xi(
    "softplus",
    -math.inf,
    exact=False,
    modular=False,
    scaling=None,
    _array=np.logaddexp,
    _scalar=_softplus_scalar,
)
L2 = Xi(
    "l2",
    0.0,
    exact=False,
    modular=False,
    scaling=None,
    _array=np.hypot,
    _scalar=_l2_scalar,
)

OPERATORS: dict[str, Xi] = {xi.name: xi for xi in (PRODUCT, RELU, SUM, SOFTPLUS, L2)}


def get_xi(xi: str | Xi) -> Xi:
    """Look up ξ by name: product, relu, sum, softplus, l2 (an :class:`Xi` passes through):
    the ξ of seed 001, §4.1 (xy, max(x, y, 0), ln(e^x + e^y)) and Appendix B, Table 1 (x + y,
    √(x² + y²))."""
    if isinstance(xi, Xi):
        return xi
    try:
        return OPERATORS[xi]
    except (KeyError, TypeError):
        raise InvalidModelError(
            f"unknown ξ {xi!r}; expected one of {', '.join(sorted(OPERATORS))}"
        ) from None


def generalized_outer(A, B, xi: str | Xi) -> np.ndarray:
    """The generalized outer product A ⊗ξ B (seed 001, eq. 13).

    ``C[i_1…i_N, j_1…j_M] = ξ(A[i_1…i_N], B[j_1…j_M])``; with ξ = product this is the
    ordinary outer product (seed 001, eq. 4).
    """
    xi = get_xi(xi)
    A, B = np.asarray(A), np.asarray(B)
    return xi(A.reshape(A.shape + (1,) * B.ndim), B)


# ------------------------------------------- generalized convolutional networks (seed 000)

_MAX = Xi(
    "max",
    -math.inf,
    exact=True,
    modular=False,
    scaling="homogeneous",
    _array=np.maximum,
    _scalar=max,
    _bound=max,
)


@dataclass(frozen=True)
class Activation:
    """A point-wise activation σ of a generalized convolutional network (seed 000, §4.1).

    identity (σ(z) = z, the convolutional arithmetic circuit) is exact over QQ and GF(p);
    relu (σ(z) = max(z, 0)) needs an order, so it is exact over QQ only. Both are
    positively homogeneous, so a scaled-integer numerator keeps its denominator.
    """

    name: str
    modular: bool
    _function: Callable = None

    def __call__(self, x):
        """σ(x), elementwise on a numpy array or on one scalar."""
        return self._function(x)


@dataclass(frozen=True)
class Pooling:
    """A pooling operator P over a window of any size (seed 000, §4.1, eq. 3).

    P{c_1, …, c_k} is the fold of the binary ``fold`` operator (product: Π c_j; max:
    max c_j) or, for mean, Σ c_j / k: mean is not the fold of a binary mean, so the sum is
    folded and divided by the window size once. Product and mean are exact over QQ and
    GF(p) (mean when p does not divide the window size); max needs an order (QQ only).
    """

    name: str
    fold: Xi
    mean: bool
    modular: bool

    def __call__(self, values):
        """P{values} for one window of scalars (Fractions, floats or plain integers)."""
        values = list(values)
        if not values:
            raise InvalidModelError(f"pooling {self.name} needs a window of at least one value")
        result = values[0]
        for v in values[1:]:
            result = self.fold(result, v)
        return result / len(values) if self.mean else result


ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation("identity", modular=True, _function=_identity),
    "relu": Activation("relu", modular=False, _function=_relu_activation),
}
POOLINGS: dict[str, Pooling] = {
    "product": Pooling("product", PRODUCT, mean=False, modular=True),
    "max": Pooling("max", _MAX, mean=False, modular=False),
    "mean": Pooling("mean", SUM, mean=True, modular=True),
}


def get_activation(name: str | Activation, where: str = "activation") -> Activation:
    """Look up σ by name: identity or relu (an :class:`Activation` passes through): the
    linear activation of seed 000, §3 and the ReLU of §4.1."""
    return _lookup(ACTIVATIONS, Activation, name, where)


def get_pooling(name: str | Pooling, where: str = "pooling") -> Pooling:
    """Look up P by name: product, max or mean (a :class:`Pooling` passes through): the
    product pooling of seed 000, §3 and the max or average pooling of §4.1."""
    return _lookup(POOLINGS, Pooling, name, where)


def _lookup(table: dict, cls, name, where: str):
    if isinstance(name, cls):
        return name
    try:
        return table[name]
    except (KeyError, TypeError):
        raise InvalidModelError(
            f"{where}: unknown name {name!r}; expected one of {', '.join(table)}"
        ) from None
