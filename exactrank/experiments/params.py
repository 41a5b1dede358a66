"""Parameters and exact ranks shared by the experiments: validation with one-line errors
naming the key, the exact field, partition keys, derived seeds.

It implements no paper result: the experiments that use these parameters cite theirs.
"""

from __future__ import annotations

import zlib

import numpy as np

from ..errors import ExactRankError, InvalidInputError, shown
from ..linalg.partitions import matricize
from ..linalg.rank import rank
from ..numbers.domains import parse_field

PRIME = 2**61 - 1
FIELD = f"GF({PRIME})"
MIN_PRIME = 2**31  # smaller primes make rank drops of generic weights likely
MAX_GRID = 10**7  # grid entries an experiment builds (N = 16, M = 3 would be 4.3·10^7)
MAX_WIDTH = 64


SAMPLE_COUNT_KEYS = ("n", "samples", "n_samples")  # what users try for the number of samples


def refuse_sample_count(name: str, group: str, defaults, overrides) -> None:
    """Point ``--set n=20`` (a sample count given as a parameter) to ``--samples``."""
    for key in SAMPLE_COUNT_KEYS:
        if key in overrides and key not in defaults:
            raise InvalidInputError(
                f"experiment {name} has no parameter {key!r}: the number of samples per "
                f"{group} is --samples (samples= in run_experiment), e.g. --samples 20"
            )


def partition_key(rows) -> str:
    """The partition's name on the command line (``exactrank rank --partition rows=0,2``)."""
    return "rows=" + ",".join(map(str, rows))


def exact_rank(grid, partition, field: str, seed: int) -> int:
    """The rank of the matricization, exact over ``field`` (GF(p): elimination; QQ: both
    bounds proven, primes drawn from ``seed``)."""
    result = rank(matricize(grid, partition), field, seed=seed)
    if not result.exact:  # rank(prove="exact") proves or raises; never record a guess
        raise ExactRankError(f"the rank over {field} was not proven: {result.method}")
    return result.rank


def derived_seed(seed: int, label: str) -> int:
    """An independent 64-bit seed for the network ``label`` of a sample (SeedSequence with
    spawn key crc32(label), as :func:`~exactrank.experiments.sample_seed`)."""
    sequence = np.random.SeedSequence(seed, spawn_key=(zlib.crc32(label.encode()),))
    return int(sequence.generate_state(1, dtype=np.uint64)[0])


def int_param(value, key: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise InvalidInputError(f"parameter {key}: expected an integer >= {low}, got {value!r}")
    if high is not None and value > high:
        raise InvalidInputError(f"parameter {key}: expected at most {high}, got {value}")
    return int(value)


def field_param(value) -> str:
    """'QQ' or 'GF(p)' with p a prime >= 2^31, canonical; exact fields only."""
    what = f"'QQ' or 'GF(p)' with p a prime >= 2^31, got {value!r}"
    if not isinstance(value, str):
        raise InvalidInputError(f"parameter field: expected {what}")
    try:
        field = parse_field(value)
    except ExactRankError as exc:
        raise InvalidInputError(f"parameter field: {exc}") from None
    if field.kind == "float":
        raise InvalidInputError(f"parameter field: ranks here are exact; expected {what}")
    if field.kind == "GF" and field.p < MIN_PRIME:
        raise InvalidInputError(
            f"parameter field: GF({field.p}) is too small for generic weights (random "
            f"residues of a small field often drop the rank); expected {what}"
        )
    return str(field)


def names_param(value, key: str, known) -> list[str]:
    """A non-empty list of distinct names from ``known`` (a comma string is split)."""
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not names:
        raise InvalidInputError(f"parameter {key}: expected a non-empty list, got {value!r}")
    names = [n.strip() if isinstance(n, str) else n for n in names]
    for n in names:
        if n not in known:
            raise InvalidInputError(
                f"parameter {key}: unknown {n!r}; expected some of {', '.join(known)}"
            )
    if len(set(names)) != len(names):
        raise InvalidInputError(f"parameter {key}: names repeat in {names}")
    return names


def widths_param(value, L: int, key: str) -> list[int]:
    """r_0 … r_{L−1} (leaves first) from an int or a list of L ints in [1, MAX_WIDTH]."""
    widths = [value] * L if isinstance(value, int | np.integer) else value
    if not isinstance(widths, list | tuple) or len(widths) != L:
        raise InvalidInputError(
            f"parameter {key}: expected an int or a list of L = {L} widths r_0 … r_{L - 1} "
            f"(leaves first), got {value!r}"
        )
    return [int_param(r, key, 1, MAX_WIDTH) for r in widths]


def check_grid_size(M: int, N: int, key: str) -> None:
    """Refuse a grid of M^N entries past MAX_GRID, without forming M^N when N alone shows it
    (any M >= 2 past log2(MAX_GRID) modes) and without writing it out."""
    if M > 1 and (MAX_GRID.bit_length() < N or M**N > MAX_GRID):
        raise InvalidInputError(
            f"parameters {key}: the grid has {shown(M)}^{N} entries, more than the "
            f"{MAX_GRID} experiments build"
        )
