"""Tensor-train and CP decompositions (tensorly's ``TTTensor``, ``CPTensor``) as networks.

With ξ = product the generalized RNN is the tensor train and the generalized shallow
network is the CP decomposition (seed 001, Lemma 3.1, eq. 5–9), both with F = identity:

* TT cores G_t of shape (R_{t−1}, M, R_t), R_{−1} = R_{T−1} = 1, are the RNN with
  C[t] = I_M (L_t = M) and G[t][i, j, k] = G_t[j, i, k] (eq. 16–17, shape (L_t, R_{t−1}, R_t));
* CP weights λ and factors A_t of shape (M, R) are the shallow network with
  lambda = λ and V[r][t] = A_t[:, r] (eq. 14, V of shape (R, T, M)).

Both ways are exact from tensorly: tensorly arrays hold binary floats, and every finite
binary float is a rational with a power-of-two denominator, so ``Fraction(x)`` is exactly
the number stored (0.1 becomes 3602879701896397/36028797018963968, not 1/10); integer
arrays stay integers. Towards tensorly the cores and factors are float64, rounded from the
exact values (``float(Fraction)``, correctly rounded): that direction is not exact.

:func:`tt_ranks` gives the TT ranks of a grid tensor, proven: the exact rank of each
left-right unfolding (Oseledets 2011, Theorem 2.1: they are the smallest TT ranks of any
TT of the tensor).

tensorly is imported only where a tensorly object is made (``to_tt_tensor``,
``to_cp_tensor``); reading one needs only its ``factors`` (and ``weights``).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .errors import DomainError, ExactRankError, InvalidInputError
from .linalg.matrices import matrix_field
from .linalg.partitions import Partition, matricize
from .linalg.rank import rank
from .models import GeneralizedRNN, GeneralizedShallow
from .models.grid import GridTensor


def from_tt_tensor(tt, *, exact: bool = True) -> GeneralizedRNN:
    """The generalized RNN with ξ = product whose grid tensor is the TT ``tt``.

    ``tt``: a tensorly ``TTTensor`` or the list of its cores G_t (R_{t−1}, M, R_t), every
    mode of the same size M (a grid has M templates at every step). ``exact``: the floats
    become the rationals they are exactly (module docstring); ``exact=False`` keeps them as
    float64, a float model (evaluated over float only, never exact).
    """
    cores = [_numbers(G, f"TT core {t}", exact) for t, G in enumerate(_factors(tt, "a TTTensor"))]
    if not cores:
        raise InvalidInputError("a TT needs at least one core, got none")
    for t, G in enumerate(cores):
        if G.ndim != 3:
            raise InvalidInputError(
                f"TT core {t} must be 3-D (R_{t - 1}, M, R_{t}), got shape {G.shape}"
            )
    _same_mode_size([G.shape[1] for G in cores], "TT cores", "shape[1]")
    for t, G in enumerate(cores):
        before = 1 if t == 0 else cores[t - 1].shape[2]
        if G.shape[0] != before:
            what = "the first core needs R_{-1} = 1" if t == 0 else f"core {t - 1} has R = {before}"
            raise InvalidInputError(
                f"TT core {t} has shape {G.shape}: shape[0] = {G.shape[0]}, but {what}"
            )
    if cores[-1].shape[2] != 1:
        raise InvalidInputError(
            f"the last TT core must have R_{len(cores) - 1} = 1, got shape {cores[-1].shape}"
        )
    M = cores[0].shape[1]
    C = [np.eye(M, dtype=np.int64)] * len(cores)
    return GeneralizedRNN("product", C, [G.transpose(1, 0, 2) for G in cores])


def to_tt_tensor(model: GeneralizedRNN):
    """The tensorly ``TTTensor`` (float64, rounded) of an RNN with ξ = product.

    C[t] and F are absorbed into the cores (seed 001, Prop. A.1): the core of step t is
    G_t[j, m, k] = Σ_i (F C[t]^T)[m, i] · G[t][i, j, k], computed exactly, then rounded.
    """
    tensorly = _tensorly()
    if not isinstance(model, GeneralizedRNN) or model.xi.name != "product":
        raise InvalidInputError(f"a TT is a generalized RNN with ξ = product, got {_what(model)}")
    cores = []
    for t, (C, G) in enumerate(zip(model.C, model.G, strict=True)):
        W = model.F.dot(C.T)  # (M, L_t): row m is C[t] f(x^(m))
        core = np.tensordot(W, G, axes=([1], [0])).transpose(1, 0, 2)
        cores.append(tensorly.tensor(_float64(core, f"TT core {t}")))
    return tensorly.tt_tensor.TTTensor(cores)


def from_cp_tensor(cp, *, exact: bool = True) -> GeneralizedShallow:
    """The generalized shallow network with ξ = product whose grid tensor is the CP ``cp``.

    ``cp``: a tensorly ``CPTensor`` or a pair (weights, factors), factors A_t of shape
    (M, R), weights of length R (None: all 1). ``exact`` as in :func:`from_tt_tensor`.
    """
    weights, factors = (cp.weights, cp.factors) if hasattr(cp, "weights") else _pair(cp)
    factors = [_numbers(A, f"CP factor {t}", exact) for t, A in enumerate(factors)]
    if not factors:
        raise InvalidInputError("a CP decomposition needs at least one factor, got none")
    for t, A in enumerate(factors):
        if A.ndim != 2:
            raise InvalidInputError(f"CP factor {t} must be 2-D (M, R), got shape {A.shape}")
        if A.shape[1] != factors[0].shape[1]:
            raise InvalidInputError(
                f"CP factor {t} has R = {A.shape[1]} columns (shape {A.shape}) but factor 0 "
                f"has R = {factors[0].shape[1]}"
            )
    _same_mode_size([A.shape[0] for A in factors], "CP factors", "shape[0]")
    R = factors[0].shape[1]
    lam = np.ones(R, dtype=np.int64) if weights is None else _numbers(weights, "CP weights", exact)
    if lam.shape != (R,):
        raise InvalidInputError(f"CP weights must have shape ({R},) for R = {R}, got {lam.shape}")
    return GeneralizedShallow("product", lam, np.stack([A.T for A in factors], axis=1))


def to_cp_tensor(model: GeneralizedShallow):
    """The tensorly ``CPTensor`` (float64, rounded) of a shallow network with ξ = product.

    F is absorbed into the factors: A_t = F · V[:, t, :]^T, so A_t[m, r] = ⟨f(x^(m)), v_r^(t)⟩
    (eq. 14), computed exactly, then rounded; the weights are lambda.
    """
    tensorly = _tensorly()
    if not isinstance(model, GeneralizedShallow) or model.xi.name != "product":
        raise InvalidInputError(
            f"a CP decomposition is a generalized shallow network with ξ = product, got "
            f"{_what(model)}"
        )
    factors = [
        tensorly.tensor(_float64(model.F.dot(model.V[:, t, :].T), f"CP factor {t}"))
        for t in range(model.T)
    ]
    weights = tensorly.tensor(_float64(model.lambda_, "CP weights"))
    return tensorly.cp_tensor.CPTensor((weights, factors))


def tt_ranks(grid, field=None) -> tuple[int, ...]:
    """The TT ranks R_0 … R_{T−2} of a grid tensor, each proven exactly.

    R_k is the rank of the unfolding with rows = modes 0 … k (C order) and columns = the
    rest, over ``field`` (default: the grid's own field, a galois array's GF(p), else QQ),
    computed by :func:`~exactrank.linalg.rank.rank` and never a float estimate. The convention of
    :attr:`GeneralizedRNN.ranks`: without tensorly's boundary ranks 1 (``tt.rank[1:-1]``).
    ``grid``: a :class:`~exactrank.models.grid.GridTensor` or an array of exact numbers (integers,
    Fractions, "p/q" strings, a galois ``GF(p)`` array); a float grid has no exact rank.
    """
    field = matrix_field(grid, field)
    if not field.exact:
        raise DomainError(
            "tt_ranks proves ranks over QQ or GF(p); a float grid has only numerical TT ranks "
            "(tensorly's tensor_train with a tolerance)"
        )
    values = grid.values if isinstance(grid, GridTensor) else np.asarray(grid)
    T = values.ndim
    ranks = []
    for k in range(T - 1):
        unfolding = matricize(grid, Partition(tuple(range(k + 1)), tuple(range(k + 1, T))))
        result = rank(unfolding, field)
        if not result.exact:  # rank() proves or raises; this keeps the promise explicit
            raise ExactRankError(f"the rank of unfolding {k} is not proven: {result.method}")
        ranks.append(result.rank)
    return tuple(ranks)


def _tensorly():
    try:
        import tensorly
        import tensorly.cp_tensor
        import tensorly.tt_tensor
    except ImportError:
        raise ImportError(
            "converting to tensorly needs tensorly: pip install tensorly (or exactrank[test])"
        ) from None
    return tensorly


def _factors(tt, kind: str) -> list:
    factors = getattr(tt, "factors", tt)
    if not isinstance(factors, list | tuple):
        raise InvalidInputError(f"expected {kind} or a list of its arrays, got {type(tt).__name__}")
    return list(factors)


def _pair(cp) -> tuple:
    if not (isinstance(cp, list | tuple) and len(cp) == 2):
        raise InvalidInputError(
            f"expected a CPTensor or a pair (weights, factors), got {type(cp).__name__}"
        )
    return cp[0], _factors(cp[1], "a list of CP factors")


def _numbers(A, where: str, exact: bool) -> np.ndarray:
    """A tensorly array as exact numbers (each float as the Fraction it is) or float64."""
    A = np.asarray(A)
    if A.dtype.kind == "c":
        raise InvalidInputError(f"{where}: complex entries ({A.dtype}) have no grid tensor here")
    if A.dtype.kind == "b":
        A = A.astype(np.int64)
    if A.dtype.kind in "iu":
        return A
    if not exact:
        return A.astype(np.float64)
    floats = [isinstance(v, float | np.floating) for v in A.flat]
    if not any(floats):
        return A  # exact already: ints, Fractions, "p/q" (the model checks each)
    out = np.empty(A.shape, dtype=object)
    for index, (v, is_float) in enumerate(zip(A.flat, floats, strict=True)):
        if is_float and not np.isfinite(v):
            place = "".join(f"[{i}]" for i in np.unravel_index(index, A.shape))
            raise InvalidInputError(f"{where}{place} is {v}: a tensor entry must be finite")
        out.flat[index] = Fraction(float(v)) if is_float else v
    return out


def _float64(A: np.ndarray, where: str) -> np.ndarray:
    """Exact values rounded to float64 (an overflow is refused by name, never inf)."""
    if A.dtype != object:
        return A.astype(np.float64)
    try:
        return np.array([float(v) for v in A.flat], dtype=np.float64).reshape(A.shape)
    except OverflowError:
        raise DomainError(f"{where}: an entry is too large for float64") from None


def _same_mode_size(sizes: list[int], what: str, axis: str) -> None:
    for t, size in enumerate(sizes):
        if size != sizes[0]:
            raise InvalidInputError(
                f"{what}: every mode must have the same size M (a grid tensor has M templates "
                f"at every step), but {axis} is {sizes[0]} at mode 0 and {size} at mode {t}"
            )


def _what(model) -> str:
    xi = getattr(model, "xi", None)
    name = type(model).__name__
    return f"a {name} with ξ = {xi.name}" if xi is not None else f"a {name}"


__all__ = ["from_cp_tensor", "from_tt_tensor", "to_cp_tensor", "to_tt_tensor", "tt_ranks"]
