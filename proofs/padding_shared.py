"""Seed 001, §3.3 after eq. 12: padding the input makes every step of an RNN the shared one.

The paper: with R = R_1 = … = R_{T−1} and G = G(2) = … = G(T−1) the hidden-state equation is
eq. 12, h(t) = g(h(t−1), x(t); Θ_G), "applicable to all hidden states except for the first …
and for the last … However, we can always pad the input sequence with two auxiliary vectors
x(0) and x(T+1) to get full compliance with the standard RNN structure."

Reconstructed as a checkable statement (the paper gives no construction): for every RNN with
shared inner cores (first, inner, last) and T >= 2 steps there is an RNN of T + 2 steps whose
T steps 1 … T, the ones reading the real inputs, all use one shared core, and whose grid on
(x(0), x_1 … x_T, x(T+1)) is the original grid for every choice of the boundary inputs
x(0), x(T+1) (constant inputs: here any template, so the padded grid does not depend on
modes 0 and T + 1 at all). The construction (:func:`padded_rnn`), with ξ = product or relu:

* the shared state is [h (R), s, n, e]: h the original state, s the score the original last
  core would give if this step were the last, n = −s (relu only) and e a flag telling the
  first real step from the others. The shared input rows are [C_inner; C_first; C_last]
  (+ a zero row and a constant row for relu);
* product (unit 1): the pad step sets h = 0, e = 1; the shared core adds the inner terms
  (which vanish at step 1 since h = 0) and the first core's terms times e (e = 0 after
  step 1); the last pad step reads s through a row that is 1 on every template;
* relu, ξ = max(a, h, 0) (unit 0): the pad step leaves every component 0; the shared core sets
  e = max(β, e, 0) = β, β > every inner or first-core input value on the templates. With
  Y(c) = max(c, e, 0) − max(0, e, 0), which is max(c, 0) at step 1 (e = 0) and 0 after
  (e = β >= c), the shared core adds first-core terms G_first·Y(c) and subtracts
  G_inner·Y(c), which cancel the inner terms' max(c, 0, 0) at step 1 (h = 0 there);
  the last pad step reads max(0, s, 0) − max(0, n, 0) = s.

Instances: random shared-core RNNs (relu and product, random invertible F) over a table of
(M, R, T); the padded model must be a shared model (exactrank checks the inner cores equal)
of T + 2 steps, and its grid is compared with the original entry by entry over QQ, for every
value of the two boundary modes. A PASS is exact evidence for these instances; the
construction's argument above is the proof for all.
"""

from __future__ import annotations

import random

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, outcome, run_script
from exactrank.constructions import exact_inverse
from exactrank.models import GeneralizedRNN, require_invertible_features
from exactrank.sampling import random_invertible, random_rnn

NAME = "padding_shared"
CLAIM = (
    "padding the input with x(0), x(T+1) gives an RNN whose T real steps share one core "
    "(eq. 12) and whose grid is the same, whatever the boundary inputs"
)
EXPECTED = "PASS"
QUICK = [(2, 1, 2), (2, 2, 3), (3, 2, 3), (2, 3, 4)]
FULL = QUICK + [(3, 3, 4), (2, 2, 6), (4, 2, 3)]


def padded_rnn(model: GeneralizedRNN) -> GeneralizedRNN:
    """The RNN of T + 2 steps of §3.3 (see the module docstring) with all T real steps
    shared; ``model`` is a shared-core product or relu RNN with an invertible F."""
    if not model.shared or model.xi.name not in ("product", "relu"):
        raise er.InvalidInputError(f"expected a shared product or relu RNN, got {model!r}")
    require_invertible_features(model, "padding (§3.3)")
    relu = model.xi.name == "relu"
    T, M = model.T, model.M
    C1, G1 = model.C[0], model.G[0]
    Cl, Gl = model.C[-1], model.G[-1]
    R = G1.shape[2]
    if T > 2:
        C, G = model.C[1], model.G[1]
    else:  # no inner step: the inner core is any (L, R, R) core, zero here
        C, G = np.zeros((1, M), dtype=object), np.zeros((1, R, R), dtype=object)
    width = R + 3 if relu else R + 2
    s, n, e = R, R + 1, width - 1  # n (= −s) is used by relu only
    F_inverse = exact_inverse(model.F)
    # a row of C that gives the value v on every template: F·c = v·1
    constant = F_inverse @ np.ones(M, dtype=object)
    inner_rows, first_rows = range(len(C)), range(len(C), len(C) + len(C1))
    last_rows = range(len(C) + len(C1), len(C) + len(C1) + len(Cl))
    rows = [C, C1, Cl]
    if relu:
        values = np.vstack([C, C1]) @ model.F.T  # every inner and first-core input value
        beta = 1 + max(abs(v) for v in values.flat)
        zero, big = len(C) + len(C1) + len(Cl), len(C) + len(C1) + len(Cl) + 1
        rows += [np.zeros((1, M), dtype=object), (beta * constant).reshape(1, M)]
    shared_C = np.vstack(rows)
    shared_G = np.zeros((len(shared_C), width, width), dtype=object)
    for a, i in enumerate(inner_rows):
        shared_G[i, :R, :R] = G[a]
    for a, i in enumerate(last_rows):
        shared_G[i, :R, s] = Gl[a, :, 0]
        if relu:
            shared_G[i, :R, n] = -Gl[a, :, 0]
    if relu:
        for a, i in enumerate(first_rows):  # + G_first·Y(c)
            shared_G[i, e, :R] += G1[a, 0]
            shared_G[zero, e, :R] -= G1[a, 0]
        for a, i in enumerate(inner_rows):  # − G_inner·Y(c)
            shared_G[i, e, :R] -= G[a].sum(axis=0)
            shared_G[zero, e, :R] += G[a].sum(axis=0)
        shared_G[big, e, e] = 1  # e = max(β, e, 0) = β
        first = (np.zeros((1, M), dtype=object), np.zeros((1, 1, width), dtype=object))
        last_G = np.zeros((1, width, 1), dtype=object)
        last_G[0, s, 0], last_G[0, n, 0] = 1, -1
        last = (np.zeros((1, M), dtype=object), last_G)
    else:
        for a, i in enumerate(first_rows):  # + G_first·c·e
            shared_G[i, e, :R] = G1[a, 0]
        first_G = np.zeros((1, 1, width), dtype=object)
        first_G[0, 0, e] = 1
        first = (constant.reshape(1, M), first_G)
        last_G = np.zeros((1, width, 1), dtype=object)
        last_G[0, s, 0] = 1
        last = (constant.reshape(1, M), last_G)
    return GeneralizedRNN.with_shared_cores(
        model.xi, first, (shared_C, shared_G), last, T + 2, F=model.F
    )


def random_shared_rnn(xi: str, M: int, R: int, T: int, rng: random.Random) -> GeneralizedRNN:
    """A shared-core RNN: the three cores of a random 3-step RNN (L = M + 1, weights in
    [−5, 5]) as its first, inner and last cores, with a random invertible F."""
    cores = random_rnn(xi, M, 3, rng, L=(M + 1, M + 1), R=(R, R), high=5)
    first, inner, last = zip(cores.C, cores.G, strict=True)
    return GeneralizedRNN.with_shared_cores(xi, first, inner, last, T, F=random_invertible(M, rng))


def varied_rnn(xi: str, M: int, R: int, T: int, rng: random.Random):
    """A random shared RNN and its grid, drawn again (up to 100 times) until the grid takes
    at least 3 values: many small relu networks have constant grids, which test little."""
    for _ in range(100):
        model = random_shared_rnn(xi, M, R, T, rng)
        H = er.grid_tensor(model).to_fractions()
        if len(set(H.flat)) >= 3:
            break
    return model, H


def check(full: bool = False, certs=None) -> CheckResult:
    details, failures, instances, rng = [], 0, 0, random.Random(12)
    for M, R, T in FULL if full else QUICK:
        for xi in ("product", "relu"):
            instances += 1
            model, H = varied_rnn(xi, M, R, T, rng)
            padded = padded_rnn(model)
            P = er.grid_tensor(padded).to_fractions()
            shaped = padded.shared and padded.T == T + 2 and P.shape == (M,) * (T + 2)
            wrong = [i for i in np.ndindex(P.shape) if not shaped or P[i] != H[i[1 : T + 1]]]
            failures += bool(wrong)
            details.append(
                f"{xi} M={M} R={R} T={T}: padded to T+2={padded.T} steps, shared "
                f"{padded.shared}, state {padded.ranks[0]}, L {padded.L[1]}; "
                + (
                    f"grid differs at {wrong[0]}"
                    if wrong
                    else f"grid equal on all {P.size} entries"
                )
                + f" ({len(set(H.flat))} distinct values)"
            )
    M, R, T = max(FULL if full else QUICK, key=lambda size: size[0] ** size[2])
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        largest=f"M = {M}, R = {R}, T = {T}",
        quantity=f"padded to T + 2 = {T + 2} shared steps: the same grid, {M**T} entries",
    )


if __name__ == "__main__":
    run_script(check)
