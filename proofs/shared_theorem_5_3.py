"""Seed 001, §5 "Shared case": "the example constructed in the proof of Theorem 5.3 already
has this property" (shared cores), and Theorem 5.3 holds for shared perturbations.

The paragraph: "we believe that the statements of Theorems 5.2 and 5.3 still hold (without
requiring that shallow networks also have shared weights). Note that the example constructed
in the proof of Theorem 5.3 already has this property". Theorem 5.3: "For every value of R
there exists an open set […] of generalized RNNs with rectifier nonlinearity […] such that
for each RNN in this open set the corresponding grid tensor can be realized by a rank 1
shallow network with rectifier nonlinearity." Shared version (reconstructed): the base RNN
of the proof (:func:`exactrank.constructions.perturbation_base_rnn`, C = (F^T)^(−1),
G = 2·1, 1, …, 1) has G(2) = … = G(T−1) and C(2) = … = C(T−1), and every small *shared*
perturbation (one perturbation of the inner core, used at every inner step, plus the first
and last cores and F) still has a grid realizable by a rank-1 shallow relu network.

Instances: (M, R, T) ∈ {(2, 1, 3), (2, 2, 3), (3, 2, 3), (2, 3, 4), (3, 2, 4), (2, 2, 5)}
(full mode adds (3, 3, 5), (2, 2, 7)). For each: the base RNN's inner cores are compared
array by array, and the base must equal (cores and grid) the model built from its first,
inner and last cores by ``GeneralizedRNN.with_shared_cores``; with a random invertible F
too. Then exact rational perturbations, every entry of F, C and G of the first, inner and
last cores moved by a rational in [−1/100, 1/100] (4 per size; 10 in full mode), built with
shared cores; the grid goes to the exact decision procedure
:func:`exactrank.checks.realizability.relu_rank_one_shallow` (a proof of "rank-1 realizable or not"
for that grid, see its module docstring), and the width-1 shallow network it returns (with
v^(t) = F_ε^(−1)·u_t) must reproduce the grid exactly. A control: random shared relu RNNs
with large weights are usually *not* rank-1 realizable (reported, not part of the verdict).

A PASS proves, for these sizes, that the base is a shared-core RNN and that the sampled
shared perturbations are rank-1 realizable; it samples the open set at rational points and
does not certify a whole neighbourhood. The base RNN is built step by step, so its
``shared`` flag is False: the check reports that and relies on the equal arrays. With
--certs: per size, the perturbed shared RNN, the shallow network and a rank <= 0 certificate
of (RNN − shallow network as an RNN) (Prop. A.4 + Lemma 5.1), which the stand-alone checker
re-evaluates entry by entry.
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import numpy as np

import exactrank as er
from exactrank.checks.realizability import rank_one_shallow_network, relu_rank_one_shallow
from exactrank.checks.theorems import difference_certificate, keep, outcome, run_script
from exactrank.constructions import perturbation_base_rnn
from exactrank.sampling import random_invertible

NAME = "shared_theorem_5_3"
CLAIM = (
    "the Theorem 5.3 base RNN has shared inner cores, and small shared perturbations of it "
    "are rank-1 shallow relu realizable"
)
EXPECTED = "PASS"
QUICK = [(2, 1, 3), (2, 2, 3), (3, 2, 3), (2, 3, 4), (3, 2, 4), (2, 2, 5)]
FULL = QUICK + [(3, 3, 5), (2, 2, 7)]


def inner_cores_equal(model: er.GeneralizedRNN) -> bool:
    """C[1] = … = C[T−2] and G[1] = … = G[T−2] (seed 001, §5), checked on the arrays."""
    return all(
        np.array_equal(model.C[t], model.C[1]) and np.array_equal(model.G[t], model.G[1])
        for t in range(1, model.T - 1)
    )


def as_shared(model: er.GeneralizedRNN) -> er.GeneralizedRNN:
    """The model rebuilt from its first, inner and last cores with shared cores."""
    T = model.T
    first, inner, last = ((model.C[t], model.G[t]) for t in (0, min(1, T - 1), T - 1))
    return er.GeneralizedRNN.with_shared_cores(model.xi, first, inner, last, T, F=model.F)


def same_model(a: er.GeneralizedRNN, b: er.GeneralizedRNN) -> bool:
    cores = all(
        np.array_equal(x, y) for x, y in zip(a.C + a.G, b.C + b.G, strict=True)
    ) and np.array_equal(a.F, b.F)
    return cores and np.array_equal(
        er.grid_tensor(a).to_fractions(), er.grid_tensor(b).to_fractions()
    )


def _perturbed(A: np.ndarray, rng: random.Random) -> np.ndarray:
    noise = [Fraction(rng.randint(-100, 100), 10**4) for _ in range(A.size)]
    return np.array(A, dtype=object) + np.array(noise, dtype=object).reshape(A.shape)


def shared_perturbation(base: er.GeneralizedRNN, rng: random.Random) -> er.GeneralizedRNN:
    """One perturbation of F, of the first, the inner (used at every inner step) and the
    last core, each entry moved by a rational in [−1/100, 1/100]."""
    T = base.T
    cores = [
        (_perturbed(base.C[t], rng), _perturbed(base.G[t], rng)) for t in (0, min(1, T - 1), T - 1)
    ]
    F = _perturbed(base.F, rng)
    return er.GeneralizedRNN.with_shared_cores("relu", *cores, T, F=F)


def _random_shared(M: int, R: int, T: int, rng: random.Random) -> er.GeneralizedRNN:
    def w(*shape):
        values = [rng.randint(-(10**6), 10**6) for _ in range(int(np.prod(shape)))]
        return np.array(values, dtype=object).reshape(shape)

    return er.GeneralizedRNN.with_shared_cores(
        "relu", (w(R, M), w(R, 1, R)), (w(R, M), w(R, R, R)), (w(R, M), w(R, R, 1)), T
    )


def check(full: bool = False, certs=None):
    rng, details, failures, instances, saved = random.Random(530), [], 0, 0, []
    for M, R, T in FULL if full else QUICK:
        for label, F in (("I", None), ("random", random_invertible(M, rng))):
            base = perturbation_base_rnn(M, R, T, F=F)
            equal, rebuilt = inner_cores_equal(base), same_model(base, as_shared(base))
            instances += 1
            failures += not (equal and rebuilt)
            details.append(
                f"M={M} R={R} T={T} F={label}: base inner cores "
                f"{'equal' if equal else 'NOT equal'}, "
                f"{'equals' if rebuilt else 'DIFFERS from'} its with_shared_cores rebuild "
                f"(shared flag {base.shared})"
            )
        base = perturbation_base_rnn(M, R, T)
        realized = 0
        count = 10 if full else 4
        for k in range(count):
            model = shared_perturbation(base, rng)
            grid = er.grid_tensor(model)
            shallow = rank_one_shallow_network(grid, F=model.F)
            ok = shallow is not None and np.array_equal(
                er.grid_tensor(shallow).to_fractions(), grid.to_fractions()
            )
            ok = ok and model.shared and inner_cores_equal(model)
            instances += 1
            realized += ok
            if ok and k == 0 and certs is not None:
                folder = Path(certs)
                folder.mkdir(parents=True, exist_ok=True)
                stem = f"shared_theorem_5_3_M{M}_R{R}_T{T}"
                er.save_model(model, folder / f"{stem}_rnn.json")
                er.save_model(shallow, folder / f"{stem}_shallow.json")
                theorem = "seed 001 §5, Theorem 5.3 shared: RNN minus its rank-1 shallow network"
                zero = difference_certificate(model, shallow, "le", theorem)
                saved += keep(certs, f"{stem}_same_grid.json", zero)
        failures += count - realized
        details.append(
            f"M={M} R={R} T={T}: {realized}/{count} shared perturbations rank-1 realizable "
            "(decided exactly, rebuilt width-1 network equal)"
        )
    control = [
        relu_rank_one_shallow(er.grid_tensor(_random_shared(M, R, T, rng))) is not None
        for M, R, T in [(2, 2, 4), (3, 2, 4), (3, 3, 5)]
        for _ in range(3)
    ]
    details.append(
        f"control: {sum(control)}/{len(control)} random shared relu RNNs (weights in ±10^6) "
        "are rank-1 realizable"
    )
    M, R, T = (FULL if full else QUICK)[-1]
    return outcome(
        NAME,
        CLAIM,
        EXPECTED,
        instances,
        failures,
        details,
        saved,
        largest=f"M = {M}, R = {R}, T = {T}",
        quantity=f"{realized}/{count} shared perturbations (radius 1/100) rank-1 realizable",
    )


if __name__ == "__main__":
    run_script(check)
