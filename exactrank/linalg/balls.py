"""Certified lower bounds on ranks of grid tensors with irrational entries, in ball arithmetic.

For ξ = l2 = √(x² + y²) the grid tensor of a generalized RNN has irrational entries, so
its rank has no exact computation over QQ, and a float64 rank is only a numerical rank
(below the true rank as soon as singular values fall under the tolerance). A lower bound
can still be *proven*: pick r rows and r columns of the matricization that look independent
in floats (:func:`pivot_minor`), re-evaluate exactly those r² grid entries in arb balls
(python-flint; the weights are exact rationals and every ball operation encloses the true
value), and compute the determinant of the r × r minor in ball arithmetic. If the resulting
ball excludes 0 the minor is nonsingular and rank ≥ r is proven (:func:`certify_minor`).

The evaluator (:func:`rnn_entries_balls`) runs the recursion of seed 001, eq. 16–17 with the
conventions of DESIGN.md — h^(−1) = [unit of ξ]; h^(t)_k = Σ_{i,j} G[t][i,j,k] ·
ξ((C[t] f(x^(t)))_i, h^(t−1)_j); score = h^(T−1)_0 — on the requested sequences only,
sharing the hidden states of common prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np

from ..errors import InvalidInputError
from ..models import GeneralizedRNN
from .partitions import Partition, parse_partition

DEFAULT_PREC = 128


def _same(values: list) -> list:
    return values


def _squares(values: list) -> list:
    return [x * x for x in values]


def _l2_block(a2: list, h2: list) -> list:
    """ξ(a_i, h_j) = √(a_i² + h_j²) for every (i, j), i-major, from the squares a_i², h_j²."""
    return [(x + y).sqrt() for x in a2 for y in h2]


def _relu_block(a: list, h: list) -> list:
    zero = flint.arb(0)
    return [x.max(y).max(zero) for x in a for y in h]


BALL_XI = {
    "l2": (_squares, _l2_block),
    "relu": (_same, _relu_block),
    "product": (_same, lambda a, h: [x * y for x in a for y in h]),
    "sum": (_same, lambda a, h: [x + y for x in a for y in h]),
}
"""ξ on balls as (prepare, block): ``block(prepare(a), prepare(h))`` is [ξ(a_i, h_j) for i
for j], each result enclosing the true value. ``prepare`` runs once per input column and
once per hidden state (the squares of l2), not once per pair of them."""


def _ball(q: Fraction) -> flint.arb:
    """The rational ``q`` as a ball (exact when q is dyadic and fits the working precision)."""
    return flint.arb(flint.fmpq(q.numerator, q.denominator))


def _check_model(model) -> None:
    if not isinstance(model, GeneralizedRNN):
        raise InvalidInputError(
            f"ball evaluation needs a GeneralizedRNN, got {type(model).__name__}"
        )
    if not model.exact:
        raise InvalidInputError(
            "ball evaluation needs exact weights (integers or Fractions): float weights are "
            "not the numbers they print as, so no enclosure of the model would be proven"
        )
    if model.xi.name not in BALL_XI:
        raise InvalidInputError(
            f"no ball arithmetic for ξ = {model.xi.name}; expected one of {', '.join(BALL_XI)}"
        )


def _sequences(sequences, M: int, T: int) -> np.ndarray:
    seq = np.asarray(sequences)
    if seq.ndim != 2 or seq.shape[1] != T or seq.dtype.kind not in "iu":
        raise InvalidInputError(
            f"sequences must be an integer array of shape (B, T = {T}), got "
            f"shape {seq.shape} and dtype {seq.dtype}"
        )
    if seq.size and (seq.min() < 0 or seq.max() >= M):
        raise InvalidInputError(
            f"template indices must lie in 0 … {M - 1} (M = {M}); got {seq.min()} … {seq.max()}"
        )
    return seq.astype(np.int64)


def _prefixes(seq: np.ndarray):
    """Per step t: (parent of each distinct prefix of length t+1, its last symbol, and the
    distinct prefix of every sequence)."""
    steps, previous = [], np.zeros(len(seq), dtype=np.int64)
    base = int(seq.max()) + 1 if seq.size else 1
    for t in range(seq.shape[1]):
        # previous = the rank of the prefix of length t among the distinct ones, in
        # lexicographic order, so (previous, symbol) orders the prefixes of length t + 1
        # lexicographically too; the key stays below len(seq) · base: no overflow
        _, first, inverse = np.unique(
            previous * base + seq[:, t], return_index=True, return_inverse=True
        )
        inverse = inverse.reshape(-1)
        steps.append((previous[first], seq[first, t], inverse))
        previous = inverse
    return steps


def ball_cost(model: GeneralizedRNN, sequences) -> int:
    """The number of ξ evaluations :func:`rnn_entries_balls` makes for these sequences."""
    seq = _sequences(sequences, model.M, model.T)
    R_prev = [1] + [g.shape[2] for g in model.G[:-1]]
    return sum(
        len(parent) * model.L[t] * R_prev[t] for t, (parent, _, _) in enumerate(_prefixes(seq))
    )


def rnn_entries_balls(model: GeneralizedRNN, sequences, prec: int = DEFAULT_PREC) -> list:
    """Balls enclosing the scores Γ[s] of the sequences ``s`` (rows of ``sequences``).

    seed 001, eq. 16–17, evaluated in python-flint ``arb`` at ``prec`` bits: inputs
    a = C[t] F^T are computed exactly in Fractions and only then made balls; ξ and the
    contraction with G[t] (an ``arb_mat`` product) enclose their true values, so every
    returned ball contains the exact score.
    """
    _check_model(model)
    seq = _sequences(sequences, model.M, model.T)
    if len(seq) == 0:
        return []
    prepare, block = BALL_XI[model.xi.name]
    with flint.ctx.workprec(prec):
        states = [[_ball(Fraction(model.xi.unit))]]
        steps = _prefixes(seq)
        for t, (parent, symbol, _) in enumerate(steps):
            A = model.C[t].dot(model.F.T)  # column m holds C[t] f(x^(m)), exact Fractions
            inputs = [prepare([_ball(A[i, m]) for i in range(A.shape[0])]) for m in range(model.M)]
            states = [prepare(state) for state in states]  # every state is some prefix's
            G = model.G[t]
            G_mat = flint.arb_mat(
                [
                    [_ball(G[i, j, k]) for k in range(G.shape[2])]
                    for i in range(G.shape[0])
                    for j in range(G.shape[1])
                ]
            )
            pairs = zip(parent.tolist(), symbol.tolist(), strict=True)
            Z = flint.arb_mat([block(inputs[m], states[p]) for p, m in pairs])
            states = (Z * G_mat).tolist()
        return [states[p][0] for p in steps[-1][2]]


def matrix_sequences(partition: Partition, M: int, rows, cols) -> np.ndarray:
    """The sequences behind the entries (rows[a], cols[b]) of a matricization, a-major.

    Row ``i`` of the matricization is the C-order index over ``row_modes`` (DESIGN.md),
    column ``j`` likewise over ``col_modes``.
    """
    if not isinstance(partition, Partition):
        raise InvalidInputError(f"expected a Partition, got {type(partition).__name__}")
    row_digits = _digits(rows, M, len(partition.row_modes), "rows")
    col_digits = _digits(cols, M, len(partition.col_modes), "cols")
    seq = np.empty((len(rows), len(cols), partition.T), dtype=np.int64)
    for k, mode in enumerate(partition.row_modes):
        seq[:, :, mode] = row_digits[k][:, None]
    for k, mode in enumerate(partition.col_modes):
        seq[:, :, mode] = col_digits[k][None, :]
    return seq.reshape(-1, partition.T)


def _digits(indices, M: int, n_modes: int, name: str) -> np.ndarray:
    idx = np.asarray(indices, dtype=np.int64).reshape(-1)
    if idx.size and (idx.min() < 0 or idx.max() >= M**n_modes):
        raise InvalidInputError(
            f"{name} must lie in 0 … {M**n_modes - 1} (M^{n_modes}), got {idx.min()} … {idx.max()}"
        )
    return np.array(np.unravel_index(idx, (M,) * n_modes)).reshape(n_modes, -1)


def pivot_minor(A: np.ndarray, r: int) -> tuple[list[int], list[int]]:
    """Rows and columns of an r × r minor of the float matrix ``A`` that looks nonsingular.

    Gaussian elimination with complete pivoting in float64, r steps: the k-th pivot is the
    largest remaining entry. The leading k × k minors (rows[:k], cols[:k]) are nested, so a
    minor that fails to certify can be shrunk. Floats only *choose* the minor; the proof is
    :func:`certify_minor`.
    """
    W = np.array(A, dtype=np.float64)
    m, n = W.shape
    if not 0 <= r <= min(m, n):
        raise InvalidInputError(f"minor size r must be in 0 … {min(m, n)}, got {r}")
    rows, cols = [], []
    alive_r, alive_c = np.ones(m, dtype=bool), np.ones(n, dtype=bool)
    for _ in range(r):
        masked = np.where(alive_r[:, None] & alive_c[None, :], np.abs(W), -1.0)
        i, j = np.unravel_index(int(np.argmax(masked)), W.shape)
        if masked[i, j] <= 0:
            break
        rows.append(int(i))
        cols.append(int(j))
        W -= np.outer(W[:, j] / W[i, j], W[i, :])
        alive_r[i] = alive_c[j] = False
    return rows, cols


@dataclass(frozen=True)
class MinorCertificate:
    """The outcome of a ball determinant: ``rank >= size`` is proven when ``nonsingular``.

    The determinant lies in [det_mid − det_radius, det_mid + det_radius] (decimal strings,
    the radius rounded up).
    """

    size: int
    nonsingular: bool
    det_mid: str
    det_radius: str
    prec: int

    def to_dict(self) -> dict:
        return {
            "size": self.size,
            "nonsingular": self.nonsingular,
            "det_mid": self.det_mid,
            "det_radius": self.det_radius,
            "prec": self.prec,
        }


def certify_minor(entries, prec: int = DEFAULT_PREC) -> MinorCertificate:
    """Is the square matrix of balls (or exact numbers) ``entries`` provably nonsingular?

    Its ball determinant encloses the true determinant of every matrix inside the balls;
    if that ball excludes 0, the minor is nonsingular: a proof. A ball containing 0 proves
    nothing (the minor may still be nonsingular).
    """
    rows = [list(row) for row in entries]
    r = len(rows)
    if any(len(row) != r for row in rows):
        raise InvalidInputError(
            f"a minor must be square, got {r} rows of lengths {sorted({len(row) for row in rows})}"
        )
    if r == 0:
        return MinorCertificate(0, True, "1", "0", prec)
    with flint.ctx.workprec(prec):
        balls = [
            [v if isinstance(v, flint.arb) else _ball(Fraction(v)) for v in row] for row in rows
        ]
        det = flint.arb_mat(balls).det()
        return MinorCertificate(r, not det.contains(0), *_enclosure(det), prec)


def _enclosure(x: flint.arb) -> tuple[str, str]:
    """Decimal (mid, radius) strings of an interval containing ``x``.

    arb prints "[m +/- r]", "[+/- r]" or an exact "m", and guarantees that the printed
    interval contains the ball, which the bare 17-digit midpoint alone would not.
    """
    text = x.str(17, radius=True)
    if not text.startswith("["):
        return text, "0"
    mid, radius = _mid_radius(text)
    if not x.contains(0) and abs(Fraction(mid)) <= Fraction(radius):
        # arb prints a wide ball as "[+/- r]", which contains 0 when the ball does not:
        # then the midpoint's digits too, so that the strings still show the proof
        mid, radius = _mid_radius(x.str(17, radius=True, more=True))
    return mid, radius


def _mid_radius(text: str) -> tuple[str, str]:
    mid, _, radius = text[1:-1].partition("+/-")
    return mid.strip() or "0", radius.strip()


def certify_rank(
    model, partition, rows, cols, prec: int = DEFAULT_PREC, start: int = 0
) -> MinorCertificate:
    """Prove rank ≥ k for the matricization of ``model``'s grid tensor by ``partition``.

    The r² entries of the minor (rows, cols) are evaluated in balls once; k = r is tried
    first, and if its determinant ball contains 0, a bisection over the nested leading
    minors (rows[:k], cols[:k]), k in ``start`` … r, looks for a k that certifies (``start``:
    a size already certified, e.g. at a lower precision). Returns the certificate of the
    largest k it proved, or the attempt at k = ``start`` when none above it was proven.
    """
    table = _minor_table(model, partition, rows, cols, start, prec)
    whole = certify_minor(table, prec)
    return whole if whole.nonsingular else _bisect(table, prec, start, len(rows))


def certify_rank_precisions(
    model, partition, rows, cols, precisions
) -> tuple[MinorCertificate, list[int]]:
    """:func:`certify_rank` at each precision of ``precisions`` in turn, each search starting
    from the size the previous ones proved, until the whole minor is certified.

    Returns the best certificate (the whole minor at the first precision that proves it;
    otherwise the largest proven size, the earliest precision on ties) and the precisions
    tried. The same result as calling :func:`certify_rank` in that loop, for less: the whole
    minor is tried at every precision first, and the bisections, needed only when it fails
    at all of them, then reuse the entries already evaluated.
    """
    tables, wholes = [], []
    for i, prec in enumerate(precisions):
        tables.append(_minor_table(model, partition, rows, cols, 0, prec))
        wholes.append(certify_minor(tables[-1], prec))
        if wholes[-1].nonsingular:
            return wholes[-1], list(precisions[: i + 1])
    best = None
    for table, prec in zip(tables, precisions, strict=True):
        attempt = _bisect(table, prec, best.size if best else 0, len(rows))
        if best is None or (attempt.nonsingular and attempt.size > best.size):
            best = attempt
    return best, list(precisions)


def _minor_table(model, partition, rows, cols, start: int, prec: int) -> list:
    """The minor (rows, cols) of the matricization as r rows of r balls at ``prec`` bits."""
    if len(rows) != len(cols):
        raise InvalidInputError(
            f"rows and cols must have the same length, got {len(rows)} and {len(cols)}"
        )
    if not 0 <= start <= len(rows):
        raise InvalidInputError(f"start must be in 0 … {len(rows)}, got {start}")
    partition = parse_partition(partition, model.T)
    r = len(rows)
    values = rnn_entries_balls(model, matrix_sequences(partition, model.M, rows, cols), prec)
    return [values[a * r : (a + 1) * r] for a in range(r)]


def _bisect(table: list, prec: int, start: int, r: int) -> MinorCertificate:
    """The largest leading minor of ``table`` found to certify by bisection over k in
    ``start`` … r, the whole (k = r) having failed; the attempt at ``start`` if none."""

    def leading(k: int) -> MinorCertificate:
        return certify_minor([row[:k] for row in table[:k]], prec)

    lo, hi, best = start, r, None  # leading(hi) failed; sizes <= lo need no new proof
    while hi - lo > 1:
        mid = (lo + hi) // 2
        attempt = leading(mid)
        if attempt.nonsingular:
            lo, best = mid, attempt
        else:
            hi = mid
    return best if best is not None else leading(start)


__all__ = [
    "BALL_XI",
    "MinorCertificate",
    "ball_cost",
    "certify_minor",
    "certify_rank",
    "certify_rank_precisions",
    "matrix_sequences",
    "pivot_minor",
    "rnn_entries_balls",
]
