"""Matrix rank over QQ, GF(p) and float64, saying exactly what is proven.

Over QQ, for an integer matrix A and any prime p, rank(A mod p) <= rank_QQ(A): a modular
rank (with its nonsingular pivot minor) is a proof of the lower bound. The upper bound is
proven separately (:mod:`exactrank.linalg.upper_bound`). The result is ``exact`` only when both
bounds are proven and meet. A Monte-Carlo value, with its error probability stated, is given
only when asked for. Over GF(p) elimination is exact. Over float64 the rank is the number of
singular values above an explicit tolerance, and is never exact.

It implements no paper result: it computes the matricization ranks that the papers' results are
about.
"""

from __future__ import annotations

import math
import numbers
import random
from dataclasses import asdict, astuple, dataclass

import numpy as np

from ..errors import ExactRankError, InvalidInputError
from ..numbers.domains import Field
from .matrices import distinct_nonzero, float_matrix, integer_matrix, matrix_field
from .modular import random_prime, rank_profile_mod_p
from .upper_bound import SCHUR_PRIME_BITS, prove_upper_bound

LOWER_BOUND_PRIME_BITS = SCHUR_PRIME_BITS
MONTE_CARLO_TARGET = 2.0**-40
MONTE_CARLO_MAX_PRIMES = 64  # primes tried at most; the error probability reached is reported
_PROVE_MODES = ("exact", "lower", "monte-carlo")
_MAX_ATTEMPTS = 20


class RankNotProvenError(ExactRankError, ValueError):
    """``int()`` of a :class:`RankResult` whose rank is not proven (not ``exact``)."""


@dataclass(frozen=True)
class RankResult:
    """What is known about a rank, and how.

    ``rank`` is the exact rank when ``exact``; otherwise the best available value (the
    proven lower bound, the Monte-Carlo value or the float rank), never to be read as
    proven. ``lower``/``upper`` are proven bounds (None where nothing is proven: float).
    ``exact`` is True exactly when both bounds are proven and meet (then ``rank`` equals
    them), whatever ``prove`` asked for; a float result is never exact.
    ``rows``/``cols`` index a nonsingular minor of size ``lower`` in the input matrix.
    ``error_probability`` bounds the chance that a Monte-Carlo ``rank`` is too small (None
    when the result is proven or was not a Monte-Carlo value).

    A RankResult is not a number, so that no unproven rank passes for one: ``bool(result)``
    and comparing it with a number (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, either
    side) raise ``TypeError``; read ``result.rank`` and ``result.exact``. ``int(result)``
    (and ``operator.index``, so ``range(result)``) gives the rank when it is exact and
    raises :class:`RankNotProvenError` (a ``ValueError``) with the proven bounds otherwise.
    Two RankResults compare equal when every field is equal (dataclass equality); they
    have no order.
    """

    rank: int
    exact: bool
    field: str
    shape: tuple[int, int]
    lower: int | None
    upper: int | None
    method: str
    rows: tuple[int, ...] = ()
    cols: tuple[int, ...] = ()
    primes: tuple[int, ...] = ()
    tolerance: float | None = None
    error_probability: float | None = None

    def __post_init__(self):
        proven = self.lower is not None and self.lower == self.upper
        if self.exact != proven or (proven and self.rank != self.lower):
            raise InvalidInputError(
                f"a RankResult is exact exactly when its proven bounds meet at its rank; got "
                f"rank={self.rank}, exact={self.exact}, lower={self.lower}, upper={self.upper}"
            )

    def __eq__(self, other):
        if isinstance(other, RankResult):
            return astuple(self) == astuple(other)
        return self._refuse_number(other, "==")

    def __ne__(self, other):
        if isinstance(other, RankResult):
            return not self == other
        return self._refuse_number(other, "!=")

    def __lt__(self, other):
        return self._refuse_number(other, "<")

    def __le__(self, other):
        return self._refuse_number(other, "<=")

    def __gt__(self, other):
        return self._refuse_number(other, ">")

    def __ge__(self, other):
        return self._refuse_number(other, ">=")

    def __bool__(self):
        raise TypeError(
            "the truth value of a RankResult is ambiguous: test result.rank (the value) and "
            "result.exact (whether it is proven)"
        )

    def __index__(self) -> int:
        if not self.exact:
            raise RankNotProvenError(f"int() of a RankResult needs a proven rank: {self._known()}")
        return self.rank

    __int__ = __index__

    def _refuse_number(self, other, op: str):
        # a reflected comparison (1 < result) arrives mirrored (result > 1), as named here
        if isinstance(other, numbers.Number):
            raise TypeError(
                f"a RankResult is not a number: compare result.rank {op} {other!r} and check "
                f"result.exact (here rank={self.rank}, exact={self.exact}), or use int(result), "
                "which refuses an unproven rank"
            )
        return NotImplemented

    def _known(self) -> str:
        if self.lower is None:
            return f"a float rank is never proven (the SVD gives {self.rank}, not a bound)"
        return f"only {self.lower} <= rank <= {self.upper} is proven ({self.method})"

    def to_dict(self) -> dict:
        """A JSON-ready dict (the CLI's ``--json`` output)."""
        out = asdict(self)
        out["shape"] = list(self.shape)
        for key in ("rows", "cols", "primes"):
            out[key] = list(out[key])
        return out


def rank(
    A,
    field: str | Field | None = None,
    *,
    prove: str = "exact",
    tol: float | None = None,
    seed: int | None = None,
) -> RankResult:
    """The rank of the matrix ``A`` over ``field`` ("QQ", "GF(p)" or "float").

    ``field`` None: the field ``A`` carries (a galois array's GF(p), an ``nmod_mat``'s
    modulus, a GridTensor's field), else QQ.

    ``A``: a numpy array (integer or object), nested lists (ints, Fractions, "p/q"
    strings), a python-flint matrix, or a 2-D :class:`~exactrank.models.grid.GridTensor`.
    ``prove`` (QQ only): "exact" proves both bounds; "lower" stops after the modular lower
    bound; "monte-carlo" returns the modular rank with a stated error probability. Whatever
    was asked, the result is ``exact`` when the lower bound reaches min(m, n) of the matrix
    without zero and repeated lines (a proven upper bound).
    ``tol`` (float only): singular values <= tol count as zero (default: numpy's
    S.max()·max(m, n)·eps, reported back). ``seed`` fixes the random primes.
    """
    field = matrix_field(A, field)
    if prove not in _PROVE_MODES:
        raise InvalidInputError(f"prove must be one of {', '.join(_PROVE_MODES)}, got {prove!r}")
    if field.kind == "float":
        if tol is not None and not (
            isinstance(tol, int | float) and math.isfinite(tol) and tol >= 0
        ):
            raise InvalidInputError(f"tol must be a finite number >= 0, got {tol!r}")
        return _float_rank(float_matrix(A), tol)
    if tol is not None:
        raise InvalidInputError(f"tol is for the float field only, not for {field}")
    X = integer_matrix(A, field)
    rng = random.Random(seed)
    reduced = distinct_nonzero(X)
    if field.kind == "GF":
        profile = rank_profile_mod_p(reduced.matrix, field.p)
        return _result(field, X, reduced, profile, "elimination over GF(p)", profile.rank)
    return _rational_rank(X, reduced, prove, rng)


def _result(field, X, reduced, profile, method, upper, **extra) -> RankResult:
    """The result of an exact field: the rank of the minor ``profile`` found (a proven lower
    bound) and the proven ``upper`` bound; exact exactly when the two meet, whatever was asked."""
    rows = tuple(int(reduced.rows[i]) for i in profile.rows) if profile else ()
    cols = tuple(int(reduced.cols[j]) for j in profile.cols) if profile else ()
    lower = len(rows)
    return RankResult(
        lower, lower == upper, str(field), X.shape, lower, upper, method, rows, cols, **extra
    )


def _rational_rank(X, reduced, prove, rng) -> RankResult:
    A = reduced.matrix
    field = Field("QQ")
    if A.size == 0:
        return _result(field, X, reduced, None, "zero matrix", 0)
    primes = []
    profile = _profile(A, rng, primes)
    # rank(X) = rank(A) <= min(A.shape): the reduced matrix's size is a proven upper bound
    if prove == "lower" or profile.rank == min(A.shape):
        method = f"rank modulo the prime {profile.p} (a proven lower bound)"
        if profile.rank == min(A.shape):
            method += "; full rank of the reduced matrix, so also the upper bound"
        return _result(field, X, reduced, profile, method, min(A.shape), primes=tuple(primes))
    if prove == "monte-carlo":
        return _monte_carlo(X, reduced, A, profile, rng, primes)
    for _ in range(_MAX_ATTEMPTS):
        proof = prove_upper_bound(A, profile.rows, profile.cols, rng)
        primes.extend(proof.primes)
        if proof.proven:
            return _result(
                field,
                X,
                reduced,
                profile,
                f"lower bound modulo {profile.p}; upper bound: {proof.method}",
                profile.rank,
                primes=tuple(primes),
            )
        # The rank is proven larger than profile.rank: the prime was unlucky. Try others.
        for _ in range(_MAX_ATTEMPTS):
            other = _profile(A, rng, primes)
            if other.rank > profile.rank:
                profile = other
                break
    raise ExactRankError(
        f"could not close the gap between the proven lower bound {profile.rank} and the "
        f"upper bound after {_MAX_ATTEMPTS} attempts; rerun with another seed"
    )


def _profile(A, rng, primes):
    p = random_prime(LOWER_BOUND_PRIME_BITS, rng)
    primes.append(p)
    return rank_profile_mod_p(A, p)


def _monte_carlo(X, reduced, A, profile, rng, primes) -> RankResult:
    """The largest rank modulo k random primes; wrong only if every prime divides all the
    maximal nonzero minors (see :func:`monte_carlo_error_bound`)."""
    per_prime = monte_carlo_error_bound(A, LOWER_BOUND_PRIME_BITS)
    if per_prime <= MONTE_CARLO_TARGET:
        k = 1
    elif per_prime >= 1.0:  # entries so large that the bound says nothing: it is reported
        k = MONTE_CARLO_MAX_PRIMES
    else:
        k = min(
            MONTE_CARLO_MAX_PRIMES,
            math.ceil(math.log(MONTE_CARLO_TARGET) / math.log(per_prime)),
        )
    full = min(A.shape)
    for _ in range(k - 1):
        if profile.rank == full:
            break  # no prime can give more: the upper bound is met
        other = _profile(A, rng, primes)
        if other.rank > profile.rank:
            profile = other
    method = f"Monte-Carlo: largest rank modulo {len(primes)} random primes"
    if profile.rank == full:
        method += " meets the upper bound min(m, n) of the reduced matrix, so it is proven"
    return _result(
        Field("QQ"),
        X,
        reduced,
        profile,
        method,
        full,
        primes=tuple(primes),
        error_probability=None if profile.rank == full else per_prime**k,
    )


def monte_carlo_error_bound(A: np.ndarray, bits: int) -> float:
    """P(rank mod p < rank over QQ) for p uniform among the primes of ``bits`` bits.

    The rank drops only if p divides a fixed nonzero maximal minor Δ, |Δ| <= H (Hadamard,
    over the whole matrix); at most log2(H)/(bits−1) such primes exist, out of at least
    2^b/ln 2^b − 1.25506·2^(b−1)/ln 2^(b−1) primes of b bits (Rosser–Schoenfeld bounds).
    """
    r = min(A.shape)  # a maximal minor has r rows: the r largest row norms bound it
    if A.dtype == object:
        sizes = sorted((max(abs(int(v)) for v in row).bit_length() for row in A), reverse=True)
        log2_h = sum(sizes[:r]) + r * 0.5 * math.log2(A.shape[1])
    else:
        norms = np.sqrt(np.sum(A.astype(np.float64) ** 2, axis=1))
        log2_h = float(np.sum(np.sort(np.log2(np.maximum(norms, 1.0)))[::-1][:r])) + 1
    b = bits
    count = 2**b / (b * math.log(2)) - 1.25506 * 2 ** (b - 1) / ((b - 1) * math.log(2))
    return min(1.0, (log2_h / (b - 1) + 1) / count)


def _float_rank(A: np.ndarray, tol: float | None) -> RankResult:
    m, n = A.shape
    if A.size == 0:
        return RankResult(0, False, "float", (m, n), None, None, "SVD", tolerance=0.0)
    S = np.linalg.svd(A, compute_uv=False)
    if tol is None:
        tol = float(S.max() * max(m, n) * np.finfo(np.float64).eps)
    value = int(np.sum(tol < S))
    return RankResult(
        value,
        False,
        "float",
        (m, n),
        None,
        None,
        "singular values above the tolerance (float64 SVD)",
        tolerance=tol,
    )


__all__ = ["RankNotProvenError", "RankResult", "monte_carlo_error_bound", "rank"]
