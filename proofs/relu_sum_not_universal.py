"""Seed 001, §4.2: networks with ξ(x, y) = max(x, 0) + max(y, 0) are not universal.

The paper, after Cohen & Shashua (2016): "shallow networks with ξ(x, y) = max(x, 0) +
max(y, 0) no longer have the universal approximation property". exactrank's operators have
no such ξ ("sum" is x + y), so this check defines it (:data:`XI_SUM_RELU`: associative,
commutative, unit 0 in the n-ary sense, positively homogeneous) and runs exactrank's grid
code with it.

The proof. Folded from the unit, the n-ary ξ is ξ(a_1, …, a_T) = Σ_t max(a_t, 0), so a
shallow network's grid (eq. 20) is Γ[i_1 … i_T] = Σ_t g_t(i_t) with
g_t = Σ_r λ_r·max(F v_r^(t), 0): additively separable. Every separable H satisfies, for
every pair of modes s ≠ t, the linear identities

    D_(s,t)(H)[i; a', b'] = H[i] + H[i with i_s = a', i_t = b'] − H[i with i_s = a']
                            − H[i with i_t = b'] = 0,

since each term g_u cancels. For the RNN of eq. 16 the last step gives the score
Σ_{i,j} G[i, j, 0]·(max(c_i(x_{T−1}), 0) + max(h_j, 0)) = a(x_{T−1}) + b(x_0 … x_{T−2}):
the identity holds for every pair (s, T − 1) (the reading "additively separable" is true of
shallow networks only: for T >= 3 an RNN's grid need not be separable in its first T − 1
modes, :func:`and_rnn` is [x_0 = 0]·[x_1 = 0]). The one-hot tensor E = E^(0…0) (M, T >= 2) has
D_(0,T−1)(E)[0…0; 1, 1] = E[0…0] = 1 ≠ 0, so no shallow network and no RNN with this ξ
realizes it, whatever its width, F or weights; with ξ = max(x, y, 0) an RNN does
(seed 001, Lemma 5.2; checked here too).

Instances: random shallow networks and RNNs with this ξ (random invertible F) whose grids
(exactrank, over QQ) are compared with a direct evaluation of eq. 14 (shallow) and checked
against every identity above; then E is shown to violate one. PASS: no instance breaks an
identity and E violates one. The proof is the algebra above; the instances test it and
exactrank's evaluation of the new ξ.
"""

from __future__ import annotations

import itertools
import operator
import random
from fractions import Fraction
from functools import reduce

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.constructions import one_hot_rnn
from exactrank.models import GeneralizedRNN
from exactrank.models.operators import Xi
from exactrank.sampling import random_invertible, random_rnn, random_shallow

NAME = "relu_sum_not_universal"
CLAIM = (
    "networks with ξ(x, y) = max(x, 0) + max(y, 0) are not universal: every grid satisfies "
    "D_(s,T−1)(H) = 0, which the one-hot tensor violates"
)
EXPECTED = "PASS"
QUICK = [(2, 2, 2), (2, 3, 3), (3, 3, 2), (2, 4, 2), (3, 3, 3)]  # (M, T, width)
FULL = QUICK + [(2, 5, 3), (3, 4, 3), (4, 3, 4)]


def _sum_relu_array(a, b):
    return np.maximum(a, 0) + np.maximum(b, 0)


def _sum_relu_scalar(a, b):
    return max(a, 0) + max(b, 0)


XI_SUM_RELU = Xi(
    "max(x,0)+max(y,0)",
    Fraction(0),
    exact=True,
    modular=False,
    scaling="homogeneous",
    _array=_sum_relu_array,
    _scalar=_sum_relu_scalar,
    _bound=operator.add,
)


def mixed_difference(H: np.ndarray, s: int, t: int) -> np.ndarray:
    """D_(s,t)(H) with base point 0 in modes s and t: H[i] − H[i_s = 0] − H[i_t = 0] +
    H[i_s = i_t = 0]; zero everywhere iff every identity D_(s,t) of the docstring holds."""
    at_s, at_t = np.take(H, [0], axis=s), np.take(H, [0], axis=t)
    return H - at_s - at_t + np.take(at_s, [0], axis=t)


def violations(H: np.ndarray, pairs) -> list:
    """(s, t, index) of the first nonzero D_(s,t)(H) entry, for each pair that has one."""
    found = []
    for s, t in pairs:
        nonzero = np.argwhere(mixed_difference(H, s, t) != 0)
        if len(nonzero):
            found.append((s, t, tuple(int(i) for i in nonzero[0])))
    return found


def eq14(shallow, index) -> Fraction:
    """One grid entry by eq. 14 with the n-ary ξ folded from the unit, in Fractions."""
    F = shallow.F
    return sum(
        lam * reduce(XI_SUM_RELU, [F[i] @ shallow.V[r, t] for t, i in enumerate(index)], 0)
        for r, lam in enumerate(shallow.lambda_)
    )


def one_hot(M: int, T: int) -> np.ndarray:
    """The tensor E^(0…0) exhibited as not realizable."""
    E = np.zeros((M,) * T, dtype=object)
    E[(0,) * T] = 1
    return E


def and_rnn() -> GeneralizedRNN:
    """An RNN with this ξ (M = 2, T = 3, F = I) whose grid is [x_0 = 0]·[x_1 = 0]: not
    separable in modes 0, 1. h = [x_0 = 0]; h' = [x_1 = 0] + max(h, 0) − 1 (rows e_0, 1
    and 0 with G = 1, −1, 1: the row sums of G weigh max(c_i, 0), its column sums max(h, 0));
    score = max(h', 0) (a zero row)."""
    C = [[[1, 0]], [[1, 0], [1, 1], [0, 0]], [[0, 0]]]
    G = [[[[1]]], [[[1]], [[-1]], [[1]]], [[[1]]]]
    return GeneralizedRNN(XI_SUM_RELU, C, G)


def check(full: bool = False, certs=None) -> CheckResult:
    details, failures, instances, rng = [], 0, 0, random.Random(42)
    separable_rnns = 0
    for M, T, width in FULL if full else QUICK:
        F = random_invertible(M, rng)
        shallow = random_shallow(XI_SUM_RELU, M, T, width, rng, F=F)
        H = er.grid_tensor(shallow).to_fractions()
        wrong = [i for i in np.ndindex(H.shape) if H[i] != eq14(shallow, i)]
        broken = violations(H, itertools.combinations(range(T), 2))
        rnn = random_rnn(XI_SUM_RELU, M, T, rng, L=(1, 3), R=(1, 3), F=F)
        G = er.grid_tensor(rnn).to_fractions()
        last = violations(G, [(s, T - 1) for s in range(T - 1)])
        inner = violations(G, itertools.combinations(range(T - 1), 2))
        separable_rnns += not inner
        instances += 2
        failures += bool(wrong) + bool(broken) + bool(last)
        details.append(
            f"M={M} T={T}: shallow width {width}: grid = eq. 14 "
            f"({'yes' if not wrong else f'NO at {wrong[0]}'}), separable "
            f"({'yes' if not broken else f'NO, D{broken[0][:2]} at {broken[0][2]}'}); "
            f"RNN ranks {rnn.ranks}: D_(s,T−1) = 0 "
            f"({'yes' if not last else f'NO, D{last[0][:2]} at {last[0][2]}'})"
            + (f", not separable in modes {inner[0][:2]}" if inner else "")
        )
    details.append(
        f"{instances // 2 - separable_rnns} of {instances // 2} RNN grids are not additively "
        "separable in their first T − 1 modes: the non-universality of RNNs rests on the last mode"
    )
    H = er.grid_tensor(and_rnn()).to_fractions()
    expected = np.zeros((2, 2, 2), dtype=object)
    expected[0, 0, :] = 1
    instances += 1
    failures += not np.array_equal(H, expected)
    details.append(
        f"an RNN with this ξ has the grid [x_0 = 0]·[x_1 = 0] "
        f"({'yes' if np.array_equal(H, expected) else 'NO'}): "
        f"D_(0,1) ≠ 0 ({'yes' if violations(H, [(0, 1)]) else 'NO'}), RNN grids are not "
        "all separable"
    )
    M, T = (2, 3) if not full else (3, 4)
    E = one_hot(M, T)
    violated = violations(E, [(0, T - 1)])
    instances += 1
    if violated:
        s, t, index = violated[0]
        base_s, base_t, base = list(index), list(index), list(index)
        base_s[s] = base[s] = base_t[t] = base[t] = 0
        terms = [tuple(index), tuple(base_s), tuple(base_t), tuple(base)]
        values = [E[i] for i in terms]
        details.append(
            f"E^(0…0), M={M} T={T}: D_({s},{t}) = E{terms[0]} − E{terms[1]} − E{terms[2]} + "
            f"E{terms[3]} = {values[0]} − {values[1]} − {values[2]} + {values[3]} = "
            f"{values[0] - values[1] - values[2] + values[3]} ≠ 0: no shallow network or RNN "
            "with this ξ realizes E"
        )
        quantity = f"D_({s},{t})(E) = {values[0] - values[1] - values[2] + values[3]} ≠ 0"
    else:
        quantity = f"D_(0,{T - 1})(E) = 0: nothing exhibited"
        failures += 1
        details.append(f"the exhibited tensor, M={M} T={T}, satisfies D_(0,{T - 1}) = 0")
    relu = er.grid_tensor(one_hot_rnn((0,) * T, M)).to_fractions()
    realized = np.array_equal(relu, one_hot(M, T))
    failures += not realized
    details.append(
        f"with ξ = max(x, y, 0) an RNN realizes E (Lemma 5.2): {'yes' if realized else 'NO'}"
    )
    quantity += f"; every grid of this ξ has D_(s,T−1) = 0, so none is E ({M**T} entries)"
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest=f"E^(0…0), M = {M}, T = {T}",
        quantity=quantity,
    )


if __name__ == "__main__":
    run_script(check)
