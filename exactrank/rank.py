"""Matrix rank over QQ, GF(p) and float64, saying exactly what is proven.

Over QQ, for an integer matrix A and any prime p, rank(A mod p) <= rank_QQ(A): a modular
rank (with its nonsingular pivot minor) is a proof of the lower bound. The upper bound is
proven separately (:mod:`exactrank.upper_bound`). The result is ``exact`` only when both
bounds are proven and meet. A Monte-Carlo value, with its error probability stated, is given
only when asked for. Over GF(p) elimination is exact. Over float64 the rank is the number of
singular values above an explicit tolerance, and is never exact.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass

import numpy as np

from .domains import Field, parse_field
from .errors import ExactRankError, InvalidInputError
from .matrices import distinct_nonzero, float_matrix, integer_matrix
from .modular import random_prime, rank_profile_mod_p
from .upper_bound import SCHUR_PRIME_BITS, prove_upper_bound

LOWER_BOUND_PRIME_BITS = SCHUR_PRIME_BITS
MONTE_CARLO_TARGET = 2.0**-40
_PROVE_MODES = ("exact", "lower", "monte-carlo")
_MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class RankResult:
    """What is known about a rank, and how.

    ``rank`` is the exact rank when ``exact``; otherwise the best available value (the
    proven lower bound, the Monte-Carlo value or the float rank), never to be read as
    proven. ``lower``/``upper`` are proven bounds (None where nothing is proven: float).
    ``rows``/``cols`` index a nonsingular minor of size ``lower`` in the input matrix.
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

    def to_dict(self) -> dict:
        """A JSON-ready dict (the CLI's ``--json`` output)."""
        out = asdict(self)
        out["shape"] = list(self.shape)
        for key in ("rows", "cols", "primes"):
            out[key] = list(out[key])
        return out


def rank(
    A,
    field: str | Field = "QQ",
    *,
    prove: str = "exact",
    tol: float | None = None,
    seed: int | None = None,
) -> RankResult:
    """The rank of the matrix ``A`` over ``field`` ("QQ", "GF(p)" or "float").

    ``A``: a numpy array (integer or object), nested lists (ints, Fractions, "p/q"
    strings), a python-flint matrix, or a 2-D :class:`~exactrank.grid.GridTensor`.
    ``prove`` (QQ only): "exact" proves both bounds; "lower" stops after the modular lower
    bound; "monte-carlo" returns the modular rank with a stated error probability.
    ``tol`` (float only): singular values <= tol count as zero (default: numpy's
    S.max()·max(m, n)·eps, reported back). ``seed`` fixes the random primes.
    """
    field = parse_field(field)
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
        return _result(profile.rank, True, field, X, reduced, profile, "elimination over GF(p)")
    return _rational_rank(X, reduced, prove, rng)


def _result(value, exact, field, X, reduced, profile, method, **extra) -> RankResult:
    rows = tuple(int(reduced.rows[i]) for i in profile.rows) if profile else ()
    cols = tuple(int(reduced.cols[j]) for j in profile.cols) if profile else ()
    lower = len(rows)
    upper = extra.pop("upper", value if exact else min(X.shape))
    return RankResult(value, exact, str(field), X.shape, lower, upper, method, rows, cols, **extra)


def _rational_rank(X, reduced, prove, rng) -> RankResult:
    A = reduced.matrix
    field = Field("QQ")
    if A.size == 0:
        return _result(0, True, field, X, reduced, None, "zero matrix", upper=0)
    primes = []
    profile = _profile(A, rng, primes)
    full = profile.rank == min(A.shape)
    if prove == "lower" or (full and prove != "monte-carlo"):
        method = f"rank modulo the prime {profile.p} (a proven lower bound)"
        if full:
            method += "; full rank of the reduced matrix, so also the upper bound"
        return _result(
            profile.rank,
            full,
            field,
            X,
            reduced,
            profile,
            method,
            upper=profile.rank if full else min(X.shape),
            primes=tuple(primes),
        )
    if prove == "monte-carlo":
        return _monte_carlo(X, reduced, A, profile, rng, primes)
    for _ in range(_MAX_ATTEMPTS):
        proof = prove_upper_bound(A, profile.rows, profile.cols, rng)
        primes.extend(proof.primes)
        if proof.proven:
            return _result(
                profile.rank,
                True,
                field,
                X,
                reduced,
                profile,
                f"lower bound modulo {profile.p}; upper bound: {proof.method}",
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
    k = (
        1
        if per_prime <= MONTE_CARLO_TARGET
        else math.ceil(math.log(MONTE_CARLO_TARGET) / math.log(per_prime))
    )
    for _ in range(k - 1):
        other = _profile(A, rng, primes)
        if other.rank > profile.rank:
            profile = other
    return _result(
        profile.rank,
        False,
        Field("QQ"),
        X,
        reduced,
        profile,
        f"Monte-Carlo: largest rank modulo {k} random primes",
        primes=tuple(primes),
        error_probability=per_prime**k,
    )


def monte_carlo_error_bound(A: np.ndarray, bits: int) -> float:
    """P(rank mod p < rank over QQ) for p uniform among the primes of ``bits`` bits.

    The rank drops only if p divides a fixed nonzero maximal minor Δ, |Δ| <= H (Hadamard,
    over the whole matrix); at most log2(H)/(bits−1) such primes exist, out of at least
    2^b/ln 2^b − 1.25506·2^(b−1)/ln 2^(b−1) primes of b bits (Rosser–Schoenfeld bounds).
    """
    norms = np.sqrt(np.sum(A.astype(np.float64) ** 2, axis=1)) if A.dtype != object else None
    if norms is None:
        log2_h = sum(
            max(abs(int(v)) for v in row).bit_length() + 0.5 * math.log2(A.shape[1]) for row in A
        )
    else:
        r = min(A.shape)
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


__all__ = ["RankResult", "rank", "monte_carlo_error_bound"]
