"""The relu ranks of seed 001's Figures 3 and 4: a proven lower bound modulo a prime, the
exact rank when asked, and the width bound they give (Lemma A.1, seed 001, App. A).

A record asks only for what it reports (issue 11, item 3): the width bound ⌈rank/(M·T)⌉ of
Lemma A.1 needs only a proven lower bound on the rank, the rank of the grid's integer
matricization modulo a random prime p (a minor nonsingular mod p is nonzero over QQ); the
exact rank over QQ (FLINT's exact ``fmpz_mat.rank``) runs with ``prove = "exact"`` only,
and a modular rank equal to the full size of the reduced matrix is exact anyway.
"""

from __future__ import annotations

import flint
import numpy as np

from ..errors import ExactRankError, InvalidInputError
from ..linalg.matrices import distinct_nonzero
from ..linalg.modular import FAST_PRIME_BITS, FAST_PRIME_BOUND, random_prime, rank_mod_p
from ..linalg.partitions import matricize, odd_even
from ..linalg.rank import monte_carlo_error_bound
from ..models import GeneralizedRNN
from ..models.grid import GridTensor, grid_tensor

PRIME_BITS = 62
FLINT_ENTRIES = 1 << 16  # matricizations up to this size take a 62-bit prime (prime_bits)


def width_lower_bound(rank_value: int, M: int, T: int) -> int:
    """Lemma A.1 read backwards: rank ≤ W·T·M, so W ≥ ⌈rank / (M·T)⌉ (seed 001, App. A)."""
    return -(-rank_value // (M * T))


def relu_rank(params: dict, model: GeneralizedRNN, rng: np.random.Generator) -> dict:
    """The rank fields of a relu record: the odd-even rank of ``model``'s exact grid modulo
    a prime drawn from ``rng`` (a proven lower bound), exact when full or when
    ``params["prove"]`` is "exact", and the width bound of Lemma A.1 from it."""
    M, T = params["M"], params["T"]
    grid = grid_tensor(model, "QQ")
    matrix = matricize(grid, odd_even(T))
    bits = prime_bits(params["prime_bits"], matrix.values.size)
    p = random_prime(bits, rng)
    reduced = integer_lines(matrix, p)
    lower = reduced.rank_mod(p)
    out = {"rank_lower": lower, "prime": p, "grid_storage": grid.storage}
    if lower == min(matrix.shape) or not np.any(matrix.values):
        method = "zero matrix" if lower == 0 else f"full rank modulo p = {p}, hence over QQ"
        out.update(rank=lower, exact=True, rank_method=method)
    elif params["prove"] == "exact":
        exact = reduced.rank()
        if exact < lower:
            raise ExactRankError(
                f"inconsistent ranks: FLINT's exact rank {exact} is below the rank {lower} "
                f"modulo {p}, which is a proven lower bound"
            )
        out.update(rank=exact, exact=True, rank_method="FLINT fmpz_mat.rank (exact over QQ)")
    else:
        error = monte_carlo_error_bound(matrix.values, bits)
        out.update(
            rank=lower,
            exact=False,
            rank_method=f"rank modulo p = {p}: a proven lower bound",
            mod_p_error_bound=float(f"{error:.3g}"),
        )
    out["width_lower_bound"] = width_lower_bound(out["rank"], M, T)
    return out


def prime_bits(choice, entries: int) -> int:
    """The bits of the random prime of a relu rank: ``choice`` itself, or for "auto"
    PRIME_BITS (62: FLINT's ``nmod_mat``) while the matrix has at most FLINT_ENTRIES
    entries, else FAST_PRIME_BITS (23: the BLAS elimination of :mod:`exactrank.linalg.modular`).

    Either rank is a proven lower bound, and the width bound needs nothing more. Measured
    on a 1000 × 1000 Figure 3 matrix (one core): 35–55 ms on BLAS against 200–250 ms for
    FLINT, most of it spent converting 10^6 Python integers to ``fmpz``. The price is the
    Monte-Carlo bound on rank_p < rank over QQ (``mod_p_error_bound``, a worst-case bound
    from the Hadamard bound): about 1.5e-2 for 23 bits there, 3e-14 for 62 bits.
    """
    if choice != "auto":
        return choice
    return PRIME_BITS if entries <= FLINT_ENTRIES else FAST_PRIME_BITS


class IntegerLines:
    """The distinct nonzero rows and columns of a relu grid's integer matricization, for
    both ranks a record asks for.

    Over QQ the matricization is ``values / denominator`` with integer ``values``: the
    nonzero scalar does not change the rank over QQ, nor modulo a prime p not dividing it,
    and neither do zero or repeated lines. A prime below 2^FAST_PRIME_BITS eliminates on
    BLAS (:func:`~exactrank.linalg.modular.rank_mod_p`); larger ones and the exact rank go to
    FLINT through one ``fmpz_mat``, made on first use (``nmod_mat(fmpz_mat, p)`` costs half
    of an ``nmod_mat`` built from lists).
    """

    def __init__(self, integers: np.ndarray):
        reduced = distinct_nonzero(integers).matrix
        # the same rank either way, but FLINT's rank took 2-400x longer on 7 of 8 wide
        # Figure 4 matrices than on their transposes (measured; no rule found for square ones)
        self.reduced = reduced.T if reduced.shape[0] < reduced.shape[1] else reduced
        self._fmpz = None

    @property
    def matrix(self):
        """The reduced matrix as a FLINT ``fmpz_mat`` (None when the matrix is zero)."""
        if self._fmpz is None and self.reduced.size:
            self._fmpz = flint.fmpz_mat(self.reduced.tolist())
        return self._fmpz

    def rank(self) -> int:
        """The rank over QQ: FLINT's exact ``fmpz_mat.rank``."""
        return 0 if self.matrix is None else int(self.matrix.rank())

    def rank_mod(self, p: int) -> int:
        """The rank modulo the prime ``p`` (a proven lower bound on :meth:`rank`)."""
        if not self.reduced.size:
            return 0
        if p < FAST_PRIME_BOUND:
            return rank_mod_p(self.reduced, p)
        return int(flint.nmod_mat(self.matrix, p).rank())


def integer_lines(matrix: GridTensor, p: int | None = None) -> IntegerLines:
    """The integer matrix of the QQ matricization ``matrix`` (same rank over QQ, and modulo
    ``p``, which must not divide the denominator: checked)."""
    if matrix.field.kind != "QQ" or matrix.values.ndim != 2:
        raise InvalidInputError(f"expected a matricized grid over QQ, got {matrix!r}")
    if p is not None and matrix.denominator % p == 0:
        raise ExactRankError(f"the grid's denominator {matrix.denominator} is divisible by p = {p}")
    return IntegerLines(matrix.values)


def exact_rank(matrix: GridTensor) -> int:
    """The rank over QQ of a matricized QQ grid by FLINT's exact ``fmpz_mat.rank`` on its
    integer values (zero and repeated rows and columns removed: they do not change the
    rank)."""
    return integer_lines(matrix).rank()
