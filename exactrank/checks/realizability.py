"""Which grid tensors a rank-1 shallow relu network realizes: an exact decision procedure.

Seed 001, Theorem 5.3 ("the corresponding grid tensor can be realized by a rank 1 shallow
network with rectifier nonlinearity") needs the set of tensors

    λ · max(u_0[i_0], u_1[i_1], …, u_{T−1}[i_{T−1}], 0)                          (★)

over all λ ∈ QQ and vectors u_t ∈ QQ^M (seed 001, eq. 14 with R = 1 and ξ = max(x, y, 0);
with an invertible feature matrix F, u_t[m] = ⟨f(x^(m)), v^(t)⟩, i.e. u_t = F·v^(t), so the
shallow weights are v^(t) = F^(−1)·u_t). :func:`relu_rank_one_shallow` decides membership
and returns a witness.

**The procedure.** Let G be the tensor. For s = +1 and s = −1 put G' = s·G and require
G' ≥ 0 everywhere; take the *greatest subsolution*

    ũ_t[m] = min { G'[i] : i_t = m }

and accept with (λ, U) = (s, ũ) when max(0, max_t ũ_t[i_t]) = G'[i] for every i.

**Proof that this decides (★).**

* *Sound.* If it accepts, G = s·max(ũ_0[i_0], …, 0): (★) with λ = s, u = ũ.
* *Complete.* Let G = λ·max(u(i), 0) with m(i) = max(0, max_t u_t[i_t]) ≥ 0.
  If λ = 0 then G = 0, and the procedure accepts G' = 0 with s = +1 (ũ = 0 and
  max(0, 0) = 0). Otherwise put s = sign(λ) and w_t = |λ|·u_t: by positive homogeneity of
  max, G' = s·G = |λ|·m(i) = max(0, max_t w_t[i_t]), so G' ≥ 0 and w is a solution with
  λ = 1. For every i with i_t = m, w_t[m] ≤ max(0, max_t w_t[i_t]) = G'[i]; hence
  w_t[m] ≤ ũ_t[m] (max-plus residuation: every solution lies below ũ). Then, for every i,
  G'[i] = max(0, max_t w_t[i_t]) ≤ max(0, max_t ũ_t[i_t]) ≤ G'[i], the last step because
  ũ_t[i_t] ≤ G'[i] (i is one of the entries of the min) and 0 ≤ G'[i]. So equality holds
  and the procedure accepts with this s.
* Hence G has the form (★) iff the procedure accepts for s = +1 or s = −1. For G ≠ 0 at
  most one sign can pass (G' ≥ 0 fixes the sign of the nonzero entries).

The comparisons are exact: the grid's rationals are compared as integers over one common
positive denominator, never as floats.

**Witnesses of non-realizability.** When no such network exists, a few entries prove it
(:class:`NotRankOne`, found by :func:`not_rank_one_witness`, checked by :meth:`NotRankOne.holds`
from the entries' values alone, e.g. T + 1 exact scores of a network too large to tabulate):

* "above": an entry i and entries j^0, …, j^{T−1} with j^t_t = i_t and
  G[i] > max(0, G[j^0], …, G[j^{T−1}]). If G = λ·max(0, max_t u_t[i_t]), then G[i] > 0 forces
  λ > 0, and with w = λ·u: G[j^t] ≥ w_t[i_t] and G[j^t] ≥ 0, so
  G[i] = max(0, max_t w_t[i_t]) ≤ max(0, max_t G[j^t]) < G[i], a contradiction.
* "below": the same for −G (G[i] < min(0, G[j^t]) for every t).
* "mixed": entries i, k with G[i] > 0 > G[k] (a rank-1 grid has one sign).

They are complete: if G ≥ 0 is not realizable, the procedure above fails at some i with
max(0, max_t ũ_t[i_t]) < G[i], and the minimizers j^t of the slabs give an "above" witness
(likewise "below" for G ≤ 0); a grid of both signs has a "mixed" one.

**Also here:** :func:`tt_rank_one_as_shallow`, the rank-1 shallow network of any relu RNN
of TT-rank 1 (seed 001, §6, Figure 3's R = 1); and for average pooling with one hidden
channel (seed 000, Claim 6) the decision :func:`relu_mean_rank_one` and its witnesses
:class:`MeanNotRankOne` (:func:`mean_not_rank_one_witness`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import InvalidInputError
from ..models import GeneralizedShallow, require_invertible_features
from ..models.grid import GridTensor
from ..numbers.domains import to_fraction


def relu_rank_one_shallow(grid) -> tuple[Fraction, np.ndarray] | None:
    """(λ, U) with grid = λ·max(U[0][i_0], …, U[T−1][i_{T−1}], 0) exactly, or None if no
    rank-1 shallow relu network (seed 001, eq. 14, R = 1) realizes ``grid``.

    ``grid``: a :class:`~exactrank.models.grid.GridTensor` over QQ, or an array (nested lists) of
    exact numbers of shape (M, …, M). U is a (T, M) object array of Fractions; λ is +1 or −1
    (and +1 for the zero tensor, with U = 0). With a feature matrix F the shallow weights
    are v^(t) = F^(−1)·U[t]: see :func:`rank_one_shallow_network`. The procedure and its
    proof are in the module docstring.
    """
    values, denominator = _integer_grid(grid)
    T = values.ndim
    for s in (1, -1):
        G = s * values
        if (G < 0).any():
            continue
        # ũ_t[m] = min of G over the slab i_t = m: reduce every axis but t
        U = [G.min(axis=tuple(a for a in range(T) if a != t)) for t in range(T)]
        rebuilt = np.zeros_like(G)
        for t, u in enumerate(U):
            shape = [1] * T
            shape[t] = u.shape[0]
            rebuilt = np.maximum(rebuilt, u.reshape(shape))
        if np.array_equal(rebuilt, G):
            out = np.empty((T, values.shape[0]), dtype=object)
            for t, u in enumerate(U):
                out[t] = [Fraction(int(v), denominator) for v in u]
            return Fraction(s), out
    return None


@dataclass(frozen=True)
class NotRankOne:
    """Entries of a grid that no rank-1 shallow relu network has (module docstring).

    ``kind`` is "above", "below" or "mixed"; ``entry`` is i; ``others`` are j^0, …, j^{T−1}
    ("above", "below") or (k,) ("mixed").
    """

    kind: str
    entry: tuple[int, ...]
    others: tuple[tuple[int, ...], ...]

    def __post_init__(self):
        if self.kind not in ("above", "below", "mixed"):
            raise InvalidInputError(
                f"a witness kind is 'above', 'below' or 'mixed', got {self.kind!r}"
            )
        T = len(self.entry)
        wanted = 1 if self.kind == "mixed" else T
        if len(self.others) != wanted or any(len(j) != T for j in self.others):
            raise InvalidInputError(
                f"a {self.kind!r} witness for T = {T} needs {wanted} other entries of length "
                f"{T}, got {[list(j) for j in self.others]}"
            )

    def holds(self, value: Callable[[tuple[int, ...]], Fraction]) -> bool:
        """True when the inequalities hold for ``value`` (entry → exact number): then no
        rank-1 shallow relu network has these values at these entries."""
        g = value(self.entry)
        others = [value(j) for j in self.others]
        if self.kind == "mixed":
            return g > 0 > others[0]
        slabs = all(j[t] == self.entry[t] for t, j in enumerate(self.others))
        if self.kind == "above":
            return slabs and g > max([0, *others])
        return slabs and g < min([0, *others])

    def describe(self, value: Callable[[tuple[int, ...]], Fraction]) -> str:
        """The inequalities, with the values (floats, for reading only: the check is exact)."""
        g = value(self.entry)
        head = f"grid{list(self.entry)} = {float(g):.12g}"
        if self.kind == "mixed":
            k = self.others[0]
            return f"{head} > 0 > grid{list(k)} = {float(value(k)):.12g}"
        word = "exceeds" if self.kind == "above" else "is below"
        distinct = dict.fromkeys(self.others)
        gaps = [f"grid{list(j)} by {float(abs(g - value(j))):.3g}" for j in distinct]
        return f"{head} {word} 0 and {', '.join(gaps)}"


def not_rank_one_witness(grid) -> NotRankOne | None:
    """A :class:`NotRankOne` witness for ``grid`` (a QQ GridTensor or an exact array of shape
    (M, …, M)), or None when a rank-1 shallow relu network realizes it (then
    :func:`relu_rank_one_shallow` returns its weights)."""
    values, _ = _integer_grid(grid)
    T = values.ndim
    if (values > 0).any() and (values < 0).any():
        high = np.unravel_index(int(np.argmax(values)), values.shape)
        low = np.unravel_index(int(np.argmin(values)), values.shape)
        return NotRankOne("mixed", _entry(high), (_entry(low),))
    s = -1 if (values < 0).any() else 1
    G = s * values
    minimizers = []  # minimizers[t][m]: an entry of the slab i_t = m where G is smallest
    rebuilt = np.zeros_like(G)
    for t in range(T):
        slabs = np.moveaxis(G, t, 0).reshape(G.shape[0], -1)
        where = np.argmin(slabs, axis=1)
        rest = [np.unravel_index(int(k), G.shape[:t] + G.shape[t + 1 :]) for k in where]
        minimizers.append([(*r[:t], m, *r[t:]) for m, r in enumerate(rest)])
        shape = [1] * T
        shape[t] = G.shape[0]
        rebuilt = np.maximum(rebuilt, slabs.min(axis=1).reshape(shape))
    gaps = np.argwhere(rebuilt < G)
    if len(gaps) == 0:
        return None
    i = _entry(gaps[0])
    others = tuple(_entry(minimizers[t][i[t]]) for t in range(T))
    return NotRankOne("above" if s == 1 else "below", i, others)


def _entry(index) -> tuple[int, ...]:
    return tuple(int(k) for k in index)


def tt_rank_one_as_shallow(model) -> GeneralizedShallow:
    """The rank-1 shallow relu network with the grid of a relu RNN of TT-rank 1 (L_t = 1,
    R_t = 1 for every t): every such RNN is one, so a width bound of 1 is attained there.

    Seed 001, eq. 16 with scalars: h_t = g_t·max(a_t(x_t), h_{t−1}, 0), h_{−1} = 0, with
    a_t(x) = C(t)·f(x). By induction h_t = σ_t·max(0, max_{k∈S_t} c_k·a_k(x_k)), c_k > 0:
    if h_{t−1} >= 0 (σ = +1) then max(a_t, h_{t−1}, 0) adds k = t with c_t = 1 to the max
    (positive homogeneity); if h_{t−1} <= 0 (σ = −1) the history drops out,
    max(a_t, h_{t−1}, 0) = max(a_t, 0), and S = {t}. Then g_t multiplies: σ takes its
    sign, every c_k its size (g_t = 0 empties S). The network: λ = σ_{T−1},
    v^(k) = c_k·C(k)[0] for k in S_{T−1} (so ⟨f(x), v^(k)⟩ = c_k·a_k(x)) and v^(k) = 0
    otherwise (max(0, 0) adds nothing).
    """
    if model.xi.name != "relu" or any(np.shape(c)[0] != 1 for c in model.C):
        raise InvalidInputError(
            f"expected a relu RNN with L_t = 1 and ranks 1, got ξ = {model.xi.name}, "
            f"L = {[np.shape(c)[0] for c in model.C]}"
        )
    if any(np.shape(g) != (1, 1, 1) for g in model.G):
        raise InvalidInputError(
            f"expected TT-rank 1 (every G[t] of shape (1, 1, 1)), got "
            f"{[list(np.shape(g)) for g in model.G]}"
        )
    sign, scale = 1, {}  # σ and c_k for k in S
    for t, g in enumerate(model.G):
        g = to_fraction(np.asarray(g).flat[0], f"G[{t}]")
        scale = {**scale, t: Fraction(1)} if sign > 0 else {t: Fraction(1)}
        sign = 1 if g >= 0 else -1
        scale = {k: abs(g) * c for k, c in scale.items()} if g != 0 else {}
    V = np.zeros((1, model.T, model.M), dtype=object)
    for k, c in scale.items():
        V[0, k] = [c * to_fraction(w, f"C[{k}]") for w in np.asarray(model.C[k])[0]]
    return GeneralizedShallow("relu", [sign], V, F=model.F)


@dataclass(frozen=True)
class MeanNotRankOne:
    """Entries of a grid that no one-channel average-pooling rectifier network has.

    Such a grid is (λ/N)·Σ_t B_t[i_t] with every B_t >= 0 (:func:`relu_mean_rank_one`),
    so it is additively separable and of one sign. Kind "inseparable": ``entry`` i and
    ``modes`` (s, t, a, b) with the mixed difference
    H[i] + H[i; i_s = a, i_t = b] − H[i; i_s = a] − H[i; i_t = b] ≠ 0 (each B_u cancels);
    kind "mixed": entries i, k with H[i] > 0 > H[k].
    """

    kind: str
    entry: tuple[int, ...]
    other: tuple[int, ...]  # k for "mixed", (s, t, a, b) for "inseparable"

    def entries(self) -> list[tuple[int, ...]]:
        """The entries whose values the witness uses."""
        if self.kind == "mixed":
            return [self.entry, self.other]
        s, t, a, b = self.other
        i = list(self.entry)
        moved = [i[:s] + [a] + i[s + 1 :], i[:t] + [b] + i[t + 1 :]]
        both = list(moved[0])
        both[t] = b
        return [self.entry, tuple(both), tuple(moved[0]), tuple(moved[1])]

    def holds(self, value: Callable[[tuple[int, ...]], Fraction]) -> bool:
        """True when the values prove that no such network has this grid."""
        v = [value(x) for x in self.entries()]
        if self.kind == "mixed":
            return v[0] > 0 > v[1]
        s, t = self.other[:2]
        return s != t and v[0] + v[1] - v[2] - v[3] != 0

    def describe(self, value: Callable[[tuple[int, ...]], Fraction]) -> str:
        """The (in)equality, values as floats for reading (the check is exact)."""
        e = self.entries()
        if self.kind == "mixed":
            high, low = (f"grid{list(x)} = {float(value(x)):.6g}" for x in e)
            return f"{high} > 0 > {low}"
        D = value(e[0]) + value(e[1]) - value(e[2]) - value(e[3])
        return (
            f"grid{list(e[0])} + grid{list(e[1])} − grid{list(e[2])} − grid{list(e[3])} = "
            f"{float(D):.6g} ≠ 0 (not additively separable)"
        )


def mean_not_rank_one_witness(grid) -> MeanNotRankOne | None:
    """A :class:`MeanNotRankOne` witness for ``grid``, or None when
    :func:`relu_mean_rank_one` accepts it (separable and of one sign: then it is
    (λ/N)·Σ_t B_t with B_t >= 0, as that function's docstring shows)."""
    values, _ = _integer_grid(grid)
    values = values.astype(object)  # sums of int64 entries could wrap
    N, M = values.ndim, values.shape[0]
    for s in range(N):
        for t in range(s + 1, N):
            for a in range(M):
                for b in range(M):
                    D = (
                        values
                        + np.take(np.take(values, [a], s), [b], t)
                        - np.take(values, [a], s)
                        - np.take(values, [b], t)
                    )
                    nonzero = np.argwhere(D != 0)
                    if len(nonzero):
                        return MeanNotRankOne("inseparable", _entry(nonzero[0]), (s, t, a, b))
    if (values > 0).any() and (values < 0).any():
        high = np.unravel_index(int(np.argmax(values)), values.shape)
        low = np.unravel_index(int(np.argmin(values)), values.shape)
        return MeanNotRankOne("mixed", _entry(high), _entry(low))
    return None


def relu_mean_rank_one(grid) -> tuple[Fraction, np.ndarray] | None:
    """(λ, B) with grid[i] = (λ/N)·Σ_t B[t][i_t], every B[t][m] >= 0, or None: whether a
    shallow rectifier network with average pooling and one hidden channel, λ·mean_t
    relu(⟨v^(t), f(x^(t))⟩) (seed 000, §4.1, Claim 6), realizes ``grid``.

    relu(·) >= 0, so such grids are exactly λ/N times the sums of nonnegative functions of
    one input each. A tensor is additively separable iff G[i] = Σ_t A_t[i_t] − (N − 1)·μ,
    where A_t[m] is the mean of G over the slab i_t = m and μ the mean of G (then the A_t
    are the parts up to constants c_t with Σ_t c_t = (N − 1)·μ); nonnegative parts exist
    iff Σ_t min_m A_t[m] >= (N − 1)·μ (take c_t = min A_t for t >= 1, c_0 the rest). The
    sign of λ is tried both ways, λ = ±N, and B = 0 for the zero tensor. Exact throughout.
    """
    values, denominator = _integer_grid(grid)
    N, M = values.ndim, values.shape[0]
    G = np.vectorize(lambda v: Fraction(int(v), denominator), otypes=[object])(values)
    mu = sum(G.flat, Fraction(0)) / G.size
    A = [G.mean(axis=tuple(a for a in range(N) if a != t)) for t in range(N)]
    rebuilt = -(N - 1) * mu
    for t, a in enumerate(A):
        shape = [1] * N
        shape[t] = M
        rebuilt = rebuilt + a.reshape(shape)
    if not np.array_equal(rebuilt, G):
        return None  # not a sum of functions of one input each
    for s in (1, -1):
        parts = [s * a for a in A]
        lows = [min(p) for p in parts]
        if sum(lows) >= s * (N - 1) * mu:
            shift = [lows[t] if t else s * (N - 1) * mu - sum(lows[1:]) for t in range(N)]
            B = np.empty((N, M), dtype=object)
            for t, (part, c) in enumerate(zip(parts, shift, strict=True)):
                B[t] = [p - c for p in part]
            return Fraction(s * N), B
    return None


def rank_one_shallow_network(grid, F=None) -> GeneralizedShallow | None:
    """A width-1 relu :class:`~exactrank.models.GeneralizedShallow` whose grid tensor is
    ``grid`` for the feature matrix F (identity by default; must be invertible), or None.

    v^(t) = F^(−1)·U[t] with (λ, U) from :func:`relu_rank_one_shallow`, so that
    ⟨f(x^(m)), v^(t)⟩ = (F·v^(t))[m] = U[t][m] (seed 001, eq. 19–20).
    """
    found = relu_rank_one_shallow(grid)
    if found is None:
        return None
    lam, U = found
    T, M = U.shape
    V = U.reshape(1, T, M)
    if F is None:
        return GeneralizedShallow("relu", [lam], V)
    probe = GeneralizedShallow("relu", [lam], V, F=F)
    if probe.M != M:
        raise InvalidInputError(f"F must be {M} × {M} for a grid with M = {M}")
    require_invertible_features(probe, "a rank-1 shallow network with a feature matrix F")
    from ..constructions import exact_inverse  # constructions imports models, not us

    F_inverse = exact_inverse(probe.F)
    V = np.array([[F_inverse @ U[t] for t in range(T)]], dtype=object)
    return GeneralizedShallow("relu", [lam], V, F=probe.F)


def _integer_grid(grid) -> tuple[np.ndarray, int]:
    """Integer numerators over one positive common denominator (order-preserving)."""
    if isinstance(grid, GridTensor):
        if grid.field.kind != "QQ":
            raise InvalidInputError(
                f"rank-1 relu realizability compares values, so it needs a grid over QQ, "
                f"got one over {grid.field}"
            )
        A = np.asarray(grid.values)
        if A.dtype == np.int64 and not (np.iinfo(np.int64).min == A).any():
            _check_shape(A.shape)  # int64 compares exactly, and s·A cannot wrap: fast path
            return A, int(grid.denominator)
        A = A.astype(object)
        _check_shape(A.shape)
        return A, int(grid.denominator)
    A = np.asarray(grid, dtype=object)
    _check_shape(A.shape)
    Q = np.empty(A.shape, dtype=object)
    for index in np.ndindex(A.shape):
        Q[index] = to_fraction(A[index], f"grid{list(index)}")
    denominator = 1
    for q in Q.flat:
        denominator = math.lcm(denominator, q.denominator)
    values = np.empty(A.shape, dtype=object)
    for index in np.ndindex(A.shape):
        q = Q[index]
        values[index] = q.numerator * (denominator // q.denominator)
    return values, int(denominator)


def _check_shape(shape: tuple[int, ...]) -> None:
    if len(shape) < 1 or 0 in shape or len(set(shape)) != 1:
        raise InvalidInputError(
            f"expected a whole grid tensor of shape (M, …, M) with M, T >= 1, got shape {shape}"
        )
