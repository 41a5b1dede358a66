"""Partitions of the modes and matricizations (seed 001, Appendix A, proof of Theorem 5.2).

A matricization by (row_modes, col_modes) arranges a tensor as a matrix whose rows are the
C-order flattening over ``row_modes`` in the order listed, and whose columns are the same
over ``col_modes``. Modes are 0-based. Named partitions:

* ``odd-even``: rows = modes 0, 2, 4, …, columns = 1, 3, 5, … (the papers' s_odd / t_even,
  which count from 1);
* ``left-right``: rows = 0 … ⌈T/2⌉−1, columns = the rest;
* explicit: ``rows=0,2,5`` (columns = the complement, ascending), or a pair of mode lists.

For H × W images (seed 000, §5–6: pixel (h, w) is mode h·W + w, row-major), with the image
size in the name:

* ``top-bottom:HxW``: rows = the pixels of image rows 0 … ⌈H/2⌉−1, columns = the rest (for
  an even H the same modes as the 1D ``left-right``, pixels being row-major);
* ``left-right:HxW``: rows = the pixels of image columns 0 … ⌈W/2⌉−1, columns = the rest.

Seed 000 names no other partition; the mirror geometry is a pooling tree
(:func:`exactrank.geometry.trees.mirror_tree`), not a partition.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidInputError, LimitError, shown
from ..limits import MAX_MODES


@dataclass(frozen=True)
class Partition:
    """A split of the modes 0 … T−1 into row modes and column modes (each in its order)."""

    row_modes: tuple[int, ...]
    col_modes: tuple[int, ...]

    def __post_init__(self):
        rows, cols = tuple(self.row_modes), tuple(self.col_modes)
        object.__setattr__(self, "row_modes", rows)
        object.__setattr__(self, "col_modes", cols)
        modes = rows + cols
        if len(modes) > MAX_MODES:
            raise LimitError(
                f"a partition of {len(modes)} modes: more than MAX_MODES = {MAX_MODES}"
            )
        for mode in modes:
            if not isinstance(mode, int | np.integer) or isinstance(mode, bool):
                raise InvalidInputError(f"modes must be integers, got {shown(mode)}")
        where = f"row_modes {shown(list(rows))}, col_modes {shown(list(cols))}"
        seen = set()
        for m in modes:  # O(T): the first mode listed twice
            if m in seen:
                raise InvalidInputError(f"{where}: mode {m} is listed twice")
            seen.add(m)
        T = len(modes)
        if sorted(modes) != list(range(T)):
            missing = sorted(set(range(T)) - seen)
            raise InvalidInputError(
                f"{where}: the modes of T = {T} steps are 0 … {T - 1}, each once; "
                f"mode {missing[0]} is missing"
            )

    @property
    def T(self) -> int:
        return len(self.row_modes) + len(self.col_modes)

    def swapped(self) -> Partition:
        """The transposed matricization (same rank)."""
        return Partition(self.col_modes, self.row_modes)

    def __iter__(self):
        """``rows, cols = partition``."""
        return iter((self.row_modes, self.col_modes))


def each_partition(T: int, *, balanced: bool = False) -> list[Partition]:
    """Every split of the modes 0 … T−1 into non-empty I and J, each once up to complement
    (0 ∈ I: the transposed matricization has the same rank): 2^{T−1} − 1 of them; with
    ``balanced`` only those with |I| and |J| differing by at most one (35 for T = 8). In
    order of |I|, then lexicographically."""
    if not isinstance(T, int | np.integer) or isinstance(T, bool) or T < 2:
        raise InvalidInputError(f"each_partition needs T >= 2 modes, got {shown(T)}")
    sizes = sorted({T // 2, (T + 1) // 2}) if balanced else range(1, T)
    out = []
    for k in sizes:
        for rest in itertools.combinations(range(1, T), k - 1):
            rows = (0, *rest)
            out.append(Partition(rows, tuple(m for m in range(T) if m not in rows)))
    return out


def odd_even(T: int) -> Partition:
    """Rows = even 0-based modes (the paper's odd ones), columns = the others."""
    return Partition(tuple(range(0, T, 2)), tuple(range(1, T, 2)))


def left_right(T: int) -> Partition:
    """Rows = the first ⌈T/2⌉ modes, columns = the rest."""
    half = (T + 1) // 2
    return Partition(tuple(range(half)), tuple(range(half, T)))


def _image_shape(H, W, name: str) -> tuple[int, int]:
    for label, value in (("H", H), ("W", W)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
            raise InvalidInputError(f"{name}: {label} must be an integer >= 1, got {shown(value)}")
    return int(H), int(W)


def top_bottom(H: int, W: int) -> Partition:
    """Rows = the pixels of the top ⌈H/2⌉ image rows, columns = the rest (pixel (h, w) is mode
    h·W + w)."""
    H, W = _image_shape(H, W, "top_bottom")
    top = (H + 1) // 2
    return Partition(tuple(range(top * W)), tuple(range(top * W, H * W)))


def left_right_2d(H: int, W: int) -> Partition:
    """Rows = the pixels of the left ⌈W/2⌉ image columns, columns = the rest (pixel (h, w) is
    mode h·W + w), each side in row-major order."""
    H, W = _image_shape(H, W, "left_right_2d")
    left = (W + 1) // 2
    rows = tuple(h * W + w for h in range(H) for w in range(left))
    cols = tuple(h * W + w for h in range(H) for w in range(left, W))
    return Partition(rows, cols)


_IMAGE_PARTITIONS = {"top-bottom": top_bottom, "left-right": left_right_2d}


def halves(shape) -> dict[str, Partition]:
    """The partitions of seed 000 §6 by name: ``left-right`` (1D, ``shape = (N,)``: the first
    ⌈N/2⌉ modes; 2D, ``shape = (H, W)``: the left half of the columns) and, in 2D,
    ``top-bottom`` (the upper half of the rows); pixel (h, w) is mode h·W + w."""
    if len(shape) == 1:
        return {"left-right": left_right(shape[0])}
    return {"left-right": left_right_2d(*shape), "top-bottom": top_bottom(*shape)}


def _image_partition(text: str, T: int, spec: str) -> Partition:
    """``top-bottom:HxW`` or ``left-right:HxW``, with H·W = T."""
    name, _, size = text.partition(":")
    parts = size.split("x")
    try:
        H, W = (int(part) for part in parts)
    except ValueError:
        raise InvalidInputError(
            f"partition {shown(spec)}: expected the image size as HxW, e.g. '{name[:20]}:4x4'"
        ) from None
    if H < 1 or W < 1 or H * W != T:
        raise InvalidInputError(
            f"partition {shown(spec)}: an H x W image has H·W pixels (modes), so H·W must equal "
            f"T = {T}; got {shown(H)} x {shown(W)} = {shown(H * W)}"
        )
    return _IMAGE_PARTITIONS[name](H, W)


def parse_partition(spec, T: int) -> Partition:
    """A partition of T modes from a name (``odd-even``, ``left-right``, ``top-bottom:HxW``,
    ``left-right:HxW``), ``"rows=0,2,5"``, a (rows, cols) pair or a Partition."""
    if isinstance(spec, Partition):
        partition = spec
    elif isinstance(spec, str):
        text = spec.strip().lower()
        if text == "odd-even":
            partition = odd_even(T)
        elif text == "left-right":
            partition = left_right(T)
        elif text.startswith("rows="):
            partition = _explicit_rows(text[5:], T, spec)
        elif text.partition(":")[0] in _IMAGE_PARTITIONS and ":" in text:
            partition = _image_partition(text, T, spec)
        else:
            raise InvalidInputError(
                f"unknown partition {shown(spec)}; expected 'odd-even', 'left-right', "
                "'top-bottom:HxW', 'left-right:HxW' or 'rows=0,2,5'"
            )
    elif isinstance(spec, tuple | list) and len(spec) == 2:
        partition = Partition(tuple(spec[0]), tuple(spec[1]))
    else:
        raise InvalidInputError(
            f"a partition is a name, 'rows=…' or a (row_modes, col_modes) pair; got {shown(spec)}"
        )
    if partition.T != T:
        raise InvalidInputError(
            f"partition {list(partition.row_modes)} | {list(partition.col_modes)} covers "
            f"{partition.T} modes but the tensor has T = {T}"
        )
    return partition


def _explicit_rows(text: str, T: int, spec: str) -> Partition:
    try:
        rows = tuple(int(part) for part in text.split(",") if part.strip() != "")
    except ValueError:
        raise InvalidInputError(
            f"partition {shown(spec)}: expected comma-separated 0-based modes such as 'rows=0,2,5'"
        ) from None
    out_of_range = [m for m in rows if not 0 <= m < T]
    if out_of_range:
        raise InvalidInputError(
            f"partition {shown(spec)}: modes {shown(out_of_range)} are outside 0 … {T - 1} "
            f"(T = {T})"
        )
    chosen = set(rows)
    return Partition(rows, tuple(m for m in range(T) if m not in chosen))


def matricize(tensor, partition, col_modes=None):
    """The matrix of ``tensor`` by a partition (rows: C-order over row_modes as listed).

    ``tensor`` is a numpy array (result: a 2-D numpy array) or a
    :class:`~exactrank.models.grid.GridTensor` (result: a GridTensor with 2-D values and the same
    denominator and field). ``partition`` is anything :func:`parse_partition` accepts, or
    the row modes when ``col_modes`` is given too.
    """
    from ..models.grid import GridTensor

    values = tensor.values if isinstance(tensor, GridTensor) else np.asarray(tensor)
    if col_modes is not None:
        partition = (tuple(partition), tuple(col_modes))
    p = parse_partition(partition, values.ndim)
    shape = values.shape
    n_rows = int(np.prod([shape[m] for m in p.row_modes], dtype=object))
    n_cols = int(np.prod([shape[m] for m in p.col_modes], dtype=object))
    matrix = np.transpose(values, p.row_modes + p.col_modes).reshape(n_rows, n_cols)
    if isinstance(tensor, GridTensor):
        return GridTensor(matrix, tensor.denominator, tensor.field)
    return matrix
