"""Grid tensors (seed 001, eq. 18): the score of every sequence of templates.

Γ[i_0, …, i_{T−1}] = score(x^(i_0), …, x^(i_{T−1})), the templates given by the feature
matrix F (row m = f_θ(x^(m)), eq. 19). Three ways to get entries:

* :func:`grid_tensor` — the whole grid through the models' structured recursions
  (eq. 20 for shallow networks, eq. 21 for RNNs), never a Python loop over M^T sequences;
* :func:`grid_entries` — chosen entries only, at given index tuples, through the same
  recursions run on a batch of sequences (for grids far too large to hold);
* :func:`score` — the brute-force evaluator: the network run on one sequence by plain
  Python loops over eq. 14 / eq. 16, used as the oracle in tests.

Each model kind's evaluation sits beside the model, and :data:`_EVALUATORS` maps the kind to
it: RNNs go through :mod:`exactrank.models.rnn_grid`, hierarchical networks over a mode tree
(seed 000) through :mod:`exactrank.models.hierarchical_grid`,
overlapping networks of GC layers (seed 000, §6) through :mod:`exactrank.models.overlapping_grid`,
mixed networks of two trees (seed 000, §8) through :mod:`exactrank.models.mixed_grid`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from ..errors import InvalidInputError, shown
from ..limits import MAX_GRID_ENTRIES, WHOLE_GRID_MODES, whole_grid
from ..numbers.domains import Field, parse_field
from ..numbers.multimodular import ResidueArray
from .arithmetic import arithmetic_for, scalar_domain
from .hierarchical import HierarchicalNetwork
from .hierarchical_grid import hierarchical_entries, hierarchical_grid, hierarchical_score
from .mixed import MixedNetwork
from .mixed_grid import mixed_entries, mixed_grid, mixed_score
from .overlapping import OverlappingNetwork
from .overlapping_grid import overlapping_entries, overlapping_grid, overlapping_score
from .rnn import GeneralizedRNN
from .rnn_grid import rnn_entries, rnn_grid, rnn_score
from .shallow import GeneralizedShallow


class GridTensor:
    """Exact or float values of a grid tensor (seed 001, eq. 18; seed 000, §3), or of a batch
    of its entries.

    Over QQ the value at ``i`` is ``values[i] / denominator`` with integer ``values`` (int64
    when they fit, Python integers otherwise); over GF(p) ``values`` are residues in [0, p);
    over float they are float64 and ``exact`` is False.

    It reads like a numpy array of its values (not of the numerators): ``np.asarray(grid)``
    gives :attr:`dtype` — object holding Fractions over QQ, the residues over GF(p) (int64
    when p < 2^63, Python integers in an object array otherwise), float64 over float.
    ``grid[i_0, …, i_{T−1}]`` with one integer per mode is that entry (:meth:`entry`); any
    other key (slices, ``...``, index arrays, fewer integers) gives a numpy array of the
    selected values with the same dtype. ``shape``, ``ndim`` and ``len`` are the numpy ones.

    A grid whose numerators pass int64 may be held in their residues modulo a few word-size
    primes (:meth:`from_residues`, a :class:`~exactrank.numbers.multimodular.ResidueArray`): then
    ``values`` is built by Chinese remaindering the first time it is read (and kept), while
    entries, shape and selections read the residues. Immutable, like a frozen dataclass.
    """

    def __init__(self, values: np.ndarray, denominator: int, field: Field):
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "residues", None)
        object.__setattr__(self, "denominator", denominator)
        object.__setattr__(self, "field", field)

    @classmethod
    def from_residues(cls, residues: ResidueArray, denominator: int, field: Field):
        """A grid over QQ whose numerators are held in ``residues`` until read (no paper
        equation: storage)."""
        grid = cls(None, denominator, field)
        object.__setattr__(grid, "residues", residues)
        return grid

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self):
        """Pickled without the Python integers when the residues can rebuild them."""
        state = dict(self.__dict__)
        if state["residues"] is not None:
            state["_values"] = None
        return state

    def __repr__(self) -> str:
        return (
            f"GridTensor(values={self.values!r}, denominator={self.denominator!r}, "
            f"field={self.field!r})"
        )

    @property
    def values(self) -> np.ndarray:
        """The numerators (QQ), residues (GF(p)) or floats, as a numpy array."""
        if self._values is None:
            object.__setattr__(self, "_values", self.residues.integers())
        return self._values

    @property
    def exact(self) -> bool:
        return self.field.exact

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape if self.residues is None else self.residues.shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def dtype(self) -> np.dtype:
        """The dtype of ``np.asarray(grid)``: object (QQ, GF(p) with p >= 2^63), int64
        (GF(p) with p < 2^63) or float64."""
        if self.field.kind == "GF" and self.field.p < 2**63:
            return np.dtype(np.int64)
        return np.dtype(np.float64 if self.field.kind == "float" else object)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d grid")
        return self.shape[0]

    def __getitem__(self, key):
        """The entry at one integer per mode; the numpy array of the values otherwise."""
        if isinstance(key, int | np.integer) and not isinstance(key, bool):
            key = (key,)
        if (
            isinstance(key, tuple)
            and len(key) == self.ndim
            and all(isinstance(k, int | np.integer) and not isinstance(k, bool) for k in key)
        ):
            return self.entry(key)
        if self._values is None:
            part = GridTensor.from_residues(self.residues.select(key), self.denominator, self.field)
        else:
            part = GridTensor(np.asarray(self.values[key]), self.denominator, self.field)
        return part.__array__()

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """The values as a new numpy array of :attr:`dtype` (numpy's array protocol).

        ``dtype``: object and the float dtypes convert (a float rounds, as asked); any
        other dtype must hold every value exactly, else ValueError (a residue never wraps,
        a fraction is never truncated). ``copy=False`` raises ValueError: the values are
        always converted into a new array, never shared with the grid.
        """
        if copy is False:
            raise ValueError(
                "a GridTensor's values are converted into a new array; copy=False cannot "
                "be honoured (use copy=None or True)"
            )
        out = self.to_fractions() if self.field.kind == "QQ" else self.values.astype(self.dtype)
        if dtype is None or np.dtype(dtype) == out.dtype:
            return out
        return _exact_cast(out, np.dtype(dtype))

    @property
    def storage(self) -> str:
        """The numbers of ``values``: "int64", "bigint" (Python integers) or "float64"
        (a grid held in residues gives "bigint": its values are Python integers)."""
        if self._values is None:
            return "bigint"
        return {"i": "int64", "O": "bigint", "f": "float64"}[self._values.dtype.kind]

    def entry(self, index) -> Fraction | int | float:
        """One entry as a Fraction (QQ), an int (GF(p)) or a float (no paper equation)."""
        if self._values is None:
            return Fraction(self.residues.entry(_entry_index(index, self.shape)), self.denominator)
        value = self.values[tuple(index)]
        if self.field.kind == "QQ":
            return Fraction(int(value), self.denominator)
        return int(value) if self.field.kind == "GF" else float(value)

    def to_fractions(self) -> np.ndarray:
        """All values as an object array of Fraction (QQ only; no paper equation)."""
        if self.field.kind != "QQ":
            raise InvalidInputError(f"to_fractions needs a grid over QQ, this one is {self.field}")
        out = np.empty(self.shape, dtype=object)
        out.flat[:] = [Fraction(int(v), self.denominator) for v in self.values.flat]
        return out


def _entry_index(index, shape) -> tuple[int, ...]:
    """``index`` as one non-negative integer per axis (numpy's negative indices too)."""
    if not all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in index):
        raise IndexError(f"an entry's indices are integers, one per axis; got {index!r}")
    index = tuple(int(i) for i in index)
    if len(index) != len(shape):
        raise IndexError(f"an entry needs {len(shape)} indices, got {len(index)}")
    for i, n in zip(index, shape, strict=True):
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of bounds for an axis of size {n}")
    return tuple(i % n for i, n in zip(index, shape, strict=True))


def _exact_cast(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``values`` as ``dtype``: rounding to a float dtype is asked for; any other cast must
    give back every value (an int32 never wraps, a Fraction is never truncated)."""
    if dtype.kind in "Ofc":
        return values.astype(dtype)
    try:
        out = values.astype(dtype)
        kept = np.array_equal(out.astype(object), values.astype(object))
    except (OverflowError, TypeError, ValueError):
        kept = False
    if not kept:
        raise ValueError(
            f"the grid's values do not all fit dtype {dtype} exactly; "
            f"use dtype=None ({values.dtype}), object or a float dtype"
        )
    return out


def grid_tensor(model, field: str | Field = "QQ") -> GridTensor:
    """The grid tensor of ``model`` over ``field`` (seed 001, eq. 18, 20, 21; seed 000, §3)."""
    field, arith = _prepare(model, field)
    M, T = model.M, model.T
    if T > WHOLE_GRID_MODES:
        raise InvalidInputError(
            f"the grid tensor has T = {T} modes, more than the {WHOLE_GRID_MODES} dimensions a "
            "numpy array can have; evaluate chosen entries with grid_entries instead"
        )
    if not whole_grid(M, T):
        raise InvalidInputError(
            f"the grid tensor has M^T = {M}^{T} = {M**T} entries, more than the "
            f"{MAX_GRID_ENTRIES} (2^30) exactrank builds at once; evaluate chosen entries "
            "with grid_entries instead"
        )
    flat, den = _evaluator(model).grid(model, arith)
    if isinstance(flat, ResidueArray):
        return GridTensor.from_residues(flat.rearranged((0,), (M,) * T), den, field)
    return GridTensor(arith.output(flat).reshape((M,) * T), den, field)


def grid_entries(model, indices, field: str | Field = "QQ") -> GridTensor:
    """Entries Γ[i] for each index tuple ``i`` (a row of ``indices``), without the grid:
    seed 001, eq. 18 (seed 000, §3) at the chosen sequences only.

    ``indices`` has shape (B, T) with values in 0 … M−1; the result has shape (B,).
    """
    field, arith = _prepare(model, field)
    indices = _check_indices(indices, model.M, model.T)
    flat, den = _evaluator(model).entries(model, arith, indices)
    return GridTensor(arith.output(flat), den, field)


def _prepare(model, field):
    if not isinstance(model, _MODELS):
        raise InvalidInputError(
            "expected a GeneralizedRNN, GeneralizedShallow, HierarchicalNetwork, "
            f"OverlappingNetwork or MixedNetwork model, got {type(model).__name__}"
        )
    field = parse_field(field)
    model.check_field(field)
    return field, arithmetic_for(field, model.exact)


def _check_indices(indices, M: int, T: int) -> np.ndarray:
    """Index tuples as an int64 array (B, T); floats, even 1.0, are refused, never truncated."""
    message = "indices must be integers in 0 … M−1, one row of T per entry"
    raw = indices if isinstance(indices, np.ndarray) else np.asarray(indices, dtype=object)
    if raw.dtype == object:
        if not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in raw.flat):
            raise InvalidInputError(f"{message}; got {shown(_first_non_integer(raw))}")
    elif raw.dtype.kind not in "iu":
        raise InvalidInputError(f"{message}; got an array of dtype {raw.dtype}")
    try:
        idx = raw.astype(np.int64)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInputError(message) from None
    if idx.ndim == 1 and idx.size == T:
        idx = idx.reshape(1, T)
    if idx.ndim != 2 or idx.shape[1] != T:
        raise InvalidInputError(f"indices must have shape (B, T = {T}), got {idx.shape}")
    bad = np.argwhere((idx < 0) | (idx >= M))
    if bad.size:
        b, t = bad[0]
        raise InvalidInputError(
            f"index {idx[b, t]} at entry {b}, mode {t} is outside 0 … {M - 1} (M = {M})"
        )
    return idx


def _first_non_integer(raw: np.ndarray):
    return next(v for v in raw.flat if not isinstance(v, int | np.integer) or isinstance(v, bool))


def _shallow_entries(model: GeneralizedShallow, arith, indices):
    """Seed 001, eq. 20: Γ = Σ_r λ_r (F v_r^(0)) ⊗ξ … ⊗ξ (F v_r^(T−1)); all entries or chosen ones.

    With ``indices`` None the ξ-outer product builds every entry in C-order; otherwise
    the n-ary ξ is folded over the chosen templates of each sequence. Both start at the
    unit, as :meth:`~exactrank.models.operators.Xi.fold` does.
    """
    xi = model.xi
    U, u_den = arith.lift(np.einsum("rtm,nm->rtn", model.V, model.F), "F·V")
    lam, lam_den = arith.lift(model.lambda_, "lambda")
    unit, unit_den = arith.scalar(xi.unit)
    terms, den = [], 1
    for r in range(model.R):
        # the fold starts at the unit (Xi.fold): ξ(u, v) = max(v, 0) for relu, |v| for l2
        first = U[r, 0] if indices is None else U[r, 0][indices[:, 0]]
        O, o_den = arith.xi(xi, unit, unit_den, first, u_den)
        O = O.reshape(-1)
        if indices is None:
            for t in range(1, model.T):
                O, o_den = arith.xi(xi, O[:, None], o_den, U[r, t][None, :], u_den)
                O = O.reshape(-1)
        else:
            for t in range(1, model.T):
                O, o_den = arith.xi(xi, O, o_den, U[r, t][indices[:, t]], u_den)
        terms.append(O)
        den = o_den
    return arith.weighted_sum(terms, lam), den * lam_den


def _shallow_score(model: GeneralizedShallow, sequence, field: Field):
    """Seed 001, eq. 14: the shallow network run on one sequence by plain Python loops;
    the brute-force evaluator behind :func:`score`."""
    num = scalar_domain(field)
    features = [[num(v) for v in model.F[m]] for m in range(model.M)]
    total = num(0)
    for r in range(model.R):
        inputs = []
        for t, m in enumerate(sequence):
            v = [num(w) for w in model.V[r, t]]
            inputs.append(num(sum(a * b for a, b in zip(features[m], v, strict=True))))
        total = num(total + num(model.lambda_[r]) * num(model.xi.fold(inputs)))
    return total


class _Evaluator(NamedTuple):
    """A model kind's grid evaluation, in its module beside the model (exactrank/models/)."""

    grid: Callable  # (model, arith) -> (flat values in C order, denominator)
    entries: Callable  # (model, arith, indices) -> (values, denominator)
    score: Callable  # (model, sequence, field) -> one entry, by plain Python loops


_EVALUATORS = {
    GeneralizedRNN: _Evaluator(rnn_grid, rnn_entries, rnn_score),
    GeneralizedShallow: _Evaluator(
        lambda m, a: _shallow_entries(m, a, None), _shallow_entries, _shallow_score
    ),
    HierarchicalNetwork: _Evaluator(hierarchical_grid, hierarchical_entries, hierarchical_score),
    OverlappingNetwork: _Evaluator(overlapping_grid, overlapping_entries, overlapping_score),
    MixedNetwork: _Evaluator(mixed_grid, mixed_entries, mixed_score),
}
_MODELS = tuple(_EVALUATORS)


def _evaluator(model) -> _Evaluator:
    """The evaluator of ``model``'s kind (the models are checked by :func:`_prepare`)."""
    return next(e for kind, e in _EVALUATORS.items() if isinstance(model, kind))


def score(model, sequence, field: str | Field = "QQ") -> Fraction | int | float:
    """The brute-force evaluator: the network run on one sequence of template indices.

    Plain Python loops over eq. 16 (RNN), eq. 14 (shallow network), the tree of a
    hierarchical network (seed 000, §3–4), the GC layers of an overlapping one (§6) or the
    two trees of a mixed one (§8), in
    Fractions over QQ, residues over GF(p) and floats in the float field: the oracle for
    the recursions.
    """
    field = parse_field(field)
    if not isinstance(model, _MODELS):
        raise InvalidInputError(f"expected a model, got {type(model).__name__}")
    model.check_field(field)
    arithmetic_for(field, model.exact)  # refuses float weights in an exact field
    (sequence,) = _check_indices([list(sequence)], model.M, model.T)
    return _evaluator(model).score(model, [int(m) for m in sequence], field)
