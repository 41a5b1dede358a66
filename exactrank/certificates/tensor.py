"""The tensor of a certificate (docs/certificates.md, "tensor"): explicit entries in C order, or
an exact model evaluated lazily, entry by entry, through :mod:`exactrank.models.grid`: a generalized
RNN or shallow network (seed 001, eq. 14–18), a hierarchical or mixed network (seed 000, §3–4
and §8). Reading one checks every weight (each with an image in GF(p) over GF(p)) and the
operators the field has; matricization indices follow the "claim" section (C order over the
row modes, then the column modes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..limits import MAX_GRID_ENTRIES, WHOLE_GRID_MODES
from ..linalg.partitions import Partition
from ..models import (
    GeneralizedRNN,
    GeneralizedShallow,
    HierarchicalNetwork,
    MixedNetwork,
    OverlappingNetwork,
)
from ..models.grid import GridTensor, grid_entries, grid_tensor
from ..models.modelfile import model_from_dict
from ..numbers.domains import Field, fraction_to_residue, to_fraction
from ..numbers.kernels import align
from .format import VERSION
from .values import _exact_values, _expect, _Rejected

EXACT_XI = ("product", "relu", "sum")
# models a certificate holds as such (tensor.model); others go in as their grid's entries
MODEL_FORMS = (GeneralizedRNN, GeneralizedShallow, HierarchicalNetwork, MixedNetwork)
_INDEX_BLOCK = 1 << 24  # index-tuple entries formed at once when evaluating a minor


@dataclass(frozen=True)
class _Tensor:
    """The tensor of a certificate: a model (entries evaluated on demand) or all entries."""

    dims: tuple[int, ...]
    field: Field
    model: GeneralizedRNN | GeneralizedShallow | HierarchicalNetwork | MixedNetwork | None = None
    values: GridTensor | None = None  # the entries, flat in C order over dims
    progress: object = None  # called as progress(done, total, what) during long work

    @classmethod
    def from_json(cls, data, field: Field, T: int, progress=None) -> _Tensor:
        data = _expect(data, dict, "tensor")
        if ("model" in data) == ("entries" in data):
            raise _Rejected("tensor: expected exactly one of 'model' and 'entries'")
        if "model" in data:
            kind = _expect(data["model"], dict, "tensor.model").get("kind")
            if kind == OverlappingNetwork.kind:  # refused before it is built, as by the
                raise _Rejected(  # stand-alone checker, which does not read this kind
                    f"tensor.model: a {kind!r} model has no certificate form in version "
                    f"{VERSION}; certify its grid tensor (explicit entries) instead"
                )
            model = model_from_dict(data["model"], "tensor.model")
            if isinstance(model, HierarchicalNetwork | MixedNetwork):
                model.check_field(field)  # σ and P per level: relu, max need QQ; mean, p ∤ k
                if field.kind == "GF":
                    for where, A in _tree_arrays(model):
                        _check_residues(A.tolist(), field.p, f"tensor.model.{where}")
            else:
                if model.xi.name not in EXACT_XI:
                    raise _Rejected(
                        f"tensor.model: xi must be one of {EXACT_XI}, got {model.xi.name}"
                    )
                model.xi.check_field(field)
                if field.kind == "GF":
                    for key in ("F", "C", "G", "lambda", "V"):
                        _check_residues(data["model"].get(key), field.p, f"tensor.model.{key}")
            dims = (model.M,) * model.T
            tensor = cls(dims, field, model=model, progress=progress)
        else:
            dims = tuple(_expect(data.get("dims"), list, "tensor.dims"))
            if any(type(d) is not int or d < 1 for d in dims):
                raise _Rejected("tensor.dims: expected integers >= 1")
            entries = _expect(data["entries"], list, "tensor.entries")
            if len(entries) != math.prod(dims):
                raise _Rejected(f"tensor.entries: {len(entries)} entries for dims {list(dims)}")
            values, den = _exact_values(entries, field, "tensor.entries")
            # flat, in C order over dims: any number of modes (numpy arrays have at most 64)
            tensor = cls(dims, field, values=GridTensor(values, den, field), progress=progress)
        if len(dims) != T:
            raise _Rejected(f"the partition has {T} modes but the tensor has {len(dims)}")
        return tensor

    def shape(self, partition: Partition) -> tuple[int, int]:
        return (
            math.prod(self.dims[m] for m in partition.row_modes),
            math.prod(self.dims[m] for m in partition.col_modes),
        )

    def submatrix(self, partition: Partition, rows: list[int], cols: list[int]):
        """(integers, denominator) of the matrix entries at rows × cols, evaluated lazily.

        Index tuples are formed for a block of rows at a time, which bounds the memory.
        """
        if not rows or not cols:
            return np.zeros((len(rows), len(cols)), dtype=np.int64), 1
        if not self.dims:  # an order-0 tensor: one entry, a 1 × 1 matrix
            return self.values.values.reshape(1, 1), self.values.denominator
        r_digits = _digits(rows, [self.dims[m] for m in partition.row_modes])
        c_digits = _digits(cols, [self.dims[m] for m in partition.col_modes])
        step = max(1, _INDEX_BLOCK // (len(cols) * max(1, len(self.dims))))
        if self.values is not None:  # explicit entries: at most the file's count, int64
            strides = np.array(_strides(self.dims), dtype=np.int64)
        blocks, den = [], 1
        for start in range(0, len(rows), step):
            if self.progress is not None:
                self.progress(start, len(rows), "rows of the matrix evaluated")
            block = r_digits[start : start + step]
            index = np.empty((len(block), len(cols), len(self.dims)), dtype=np.int64)
            index[:, :, list(partition.row_modes)] = block[:, None, :]
            index[:, :, list(partition.col_modes)] = c_digits[None, :, :]
            index = index.reshape(-1, len(self.dims))
            if self.model is not None:
                grid = grid_entries(self.model, index, self.field)
                values, den = grid.values, grid.denominator
            else:
                values, den = self.values.values[index @ strides], self.values.denominator
            blocks.append(values.reshape(len(block), len(cols)))
        return np.concatenate(align(blocks, 0)), den

    def matrix(self, partition: Partition):
        """(integers, denominator) of the whole matrix: through the whole grid when it can be
        built (:func:`~exactrank.limits.whole_grid`), else entry by entry (more than 64
        modes: a 1 × 1 matrix of 64 modes of size 1 is still a matrix)."""
        m, n = self.shape(partition)
        if len(self.dims) > WHOLE_GRID_MODES or m * n > MAX_GRID_ENTRIES:
            return self.submatrix(partition, list(range(m)), list(range(n)))
        values = self.values if self.model is None else grid_tensor(self.model, self.field)
        order = partition.row_modes + partition.col_modes
        grid = values.values.reshape(self.dims)
        return np.transpose(grid, order).reshape(m, n), values.denominator


def _tree_arrays(model):
    """(where, array) of every weight of a hierarchical or mixed model, F included."""
    if isinstance(model, MixedNetwork):
        for name, net in (("first", model.first), ("second", model.second)):
            yield from ((f"{name}.{where}", A) for where, A in _tree_arrays(net))
        for k, node in enumerate(model.mixture):
            yield f"mixture[{k}].into_first", node.into_first
            yield f"mixture[{k}].into_second", node.into_second
        return
    yield "F", model.F
    for l, level in enumerate(model.weights):
        yield from ((f"weights[{l}][{k}]", A) for k, A in enumerate(level))
    yield "output", model.output


def _check_residues(value, p: int, where: str) -> None:
    """Every weight has an image in GF(p), even one that cancels out or is never used."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif value is not None:
            fraction_to_residue(to_fraction(value, where), p, where)


def _strides(dims) -> list[int]:
    """The C-order strides of a flat array of shape ``dims``, in entries."""
    out, step = [], 1
    for d in reversed(dims):
        out.append(step)
        step *= d
    return out[::-1]


def _digits(indices: list[int], dims: list[int]) -> np.ndarray:
    """The mode indices of matricization rows (C order over ``dims``), one row per index."""
    out = np.zeros((len(indices), len(dims)), dtype=np.int64)
    for row, i in enumerate(indices):
        for k in range(len(dims) - 1, -1, -1):
            i, out[row, k] = divmod(i, dims[k])
    return out
