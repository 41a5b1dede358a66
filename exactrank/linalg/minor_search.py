"""The search for a nonsingular minor of a matricization whose entries are evaluated lazily.

Used by :func:`exactrank.certificates.certify` for a "ge" certificate when no minor is given
and the grid is too large to hold. Each round evaluates a pool of rows × columns and
takes its rank profile modulo a prime (independent mod p, independent over QQ); its pivots
are kept for the next round, whose pool (twice as large after a round that found no larger
minor) holds, besides the pivots:

- the pivot columns carried over to rows, and the rows of the pool to columns: the k-th
  digit copied to the k-th mode of the other side, the digits of the modes without a
  counterpart random. When the row and column modes have the same sizes this is the same
  index, and most minors tried are principal (a matrix J − D, ones minus a sparse diagonal,
  has rank 1 on any random sample but is nonsingular on almost every principal one: Lemma
  A.2, seed 001);
- perturbations of the pivots: indices whose multi-index differs from a pivot's in one digit
  (the grid's structure near the entries that made the rank so far);
- random indices, at least a quarter of the room the pivots leave (the first round's rows
  are all random: a generic matrix is done there).
"""

from __future__ import annotations

import random

from .modular import random_prime, rank_profile_mod_p

ROUNDS = 4  # at most; a pool is at most 8 times the first


def search_minor(tensor, partition, p: int | None, r: int | None, rng: random.Random):
    """(rows, cols) of a nonsingular minor: of size >= r if found, else the largest found.

    ``tensor`` has ``dims``, ``shape(partition)`` and ``submatrix(partition, rows, cols)``
    (as certificates.tensor._Tensor); ``p`` the prime of GF(p), None over QQ (a random 62-bit
    prime per round). Without r the search stops at the first round that finds no larger
    minor. The first pool has 2r + 8 rows and columns (2·64 + 8 without r), or all there are.
    Deterministic for a given state of ``rng``.
    """
    m, n = tensor.shape(partition)
    row_dims = [tensor.dims[k] for k in partition.row_modes]
    col_dims = [tensor.dims[k] for k in partition.col_modes]
    size = 2 * (r or 64) + 8
    best: tuple[list, list] = ([], [])
    for _ in range(ROUNDS):
        rows = _pool(best[0], _carried(best[1], col_dims, row_dims, rng), row_dims, m, size, rng)
        cols = _pool(best[1], _carried(rows, row_dims, col_dims, rng), col_dims, n, size, rng)
        K, _ = tensor.submatrix(partition, rows, cols)
        profile = rank_profile_mod_p(K, p if p is not None else random_prime(62, rng))
        if profile.rank > len(best[0]):
            best = ([rows[i] for i in profile.rows], [cols[j] for j in profile.cols])
        elif r is None or size >= max(m, n):
            break
        else:  # no larger minor in this pool: a larger one
            size *= 2
        if r is not None and len(best[0]) >= r:
            break
    return best


def _carried(indices: list, source: list, target: list, rng: random.Random) -> list:
    """Indices over the ``target`` mode sizes whose k-th digit is the k-th digit of an index
    over ``source`` (reduced mod the target size); the digits past the shorter list random."""
    out = []
    for i in indices:
        digits = []
        for d in reversed(source):
            i, digit = divmod(i, d)
            digits.append(digit)
        digits.reverse()
        j = 0
        for k, d in enumerate(target):
            j = j * d + (digits[k] % d if k < len(digits) else rng.randrange(d))
        out.append(j)
    return out


def _pool(pivots: list, carried: list, dims: list, bound: int, size: int, rng) -> list:
    """``size`` distinct indices below ``bound``: the pivots, then indices carried over from
    the other side and the pivots perturbed (three quarters of the room left), then random."""
    if size >= bound:
        return list(range(bound))
    pool = dict.fromkeys(pivots[:size])
    target = size - (size - len(pool)) // 4  # a quarter of the room is left to random indices
    for i in carried:
        if len(pool) >= target:
            break
        pool.setdefault(i)
    seeds = list(pool)
    strides = [1] * len(dims)
    for k in range(len(dims) - 2, -1, -1):
        strides[k] = strides[k + 1] * dims[k + 1]
    movable = [k for k, d in enumerate(dims) if d > 1]
    for _ in range(4 * size if seeds and movable else 0):  # a seed with one digit changed
        if len(pool) >= target:
            break
        i, k = rng.choice(seeds), rng.choice(movable)
        digit = i // strides[k] % dims[k]
        other = (digit + rng.randrange(1, dims[k])) % dims[k]
        pool.setdefault(i + (other - digit) * strides[k])
    if bound <= 4 * size:  # a small matrix: drawn among the indices left
        rest = [i for i in range(bound) if i not in pool]
        pool.update(dict.fromkeys(rng.sample(rest, size - len(pool))))
    while len(pool) < size:  # else by rejection (at most a quarter is taken)
        pool.setdefault(rng.randrange(bound))
    return list(pool)
