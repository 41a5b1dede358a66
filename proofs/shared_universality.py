"""Seed 001, §5 "Shared case": "By imposing this constraint, we lose the property of
universality" — REFUTED at fixed T; the corrected claim is ``proofs/shared_bounded_rank.py``.

The paragraph: "all the RNNs used in practice have shared weights […] So far in the
analysis we have not made such assumptions about RNNs (i.e., G(2) = · · · = G(T−1)). By
imposing this constraint, we lose the property of universality". Reading: universality in
the sense of Theorem 5.1 — for a fixed T, every tensor H of shape M × … × M is the grid
tensor (eq. 18) of some RNN, ranks as large as needed — now for RNNs whose inner steps
1 … T−2 (0-based) share one (C, G).

That reading is false: :func:`exactrank.constructions.shared_universal_rnn` builds, for any
H, a shared-core RNN whose grid is exactly H, by a prefix trie (one state per prefix of
length 1 … T−1, so one inner core serves every step). ξ = max(x, y, 0) uses h_p·[x = m] =
[x = m] + h_p − max([x = m], h_p, 0) on {0, 1} with a zero input row and a zero state;
ξ = xy uses the product directly; an invertible F is handled by C·F^(−T). The ranks it
needs grow like the number of prefixes: R = Σ_{k=1}^{T−1} M^k (+1 for relu), L = M (+1).

Instances: random integer H in [−9, 9] for (M, T) ∈ {(2, 3), (2, 4), (3, 3), (3, 4)}, ξ ∈
{relu, product}, F = I and a random invertible rational F (full mode adds (2, 5), (4, 3)).
Each model is checked exactly: its grid equals H entry by entry (exactrank's grid; the tests
compare with the Fraction oracle), it is marked shared, its inner cores C[1] = … = C[T−2]
and G[1] = … = G[T−2] are equal arrays, and its model file holds three cores. REFUTED when
every instance does so (one suffices: a shared RNN reaching an H that the statement says is
out of reach); FAIL if any construction is wrong. With --certs each counterexample is saved
as a model file and a JSON stating H and how to re-check it.

What it does not refute: with ranks bounded independently of T a shared RNN cannot be
universal once M^T exceeds its parameter count — that is the corrected claim, checked
(PASS) by ``proofs/shared_bounded_rank.py``.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

import exactrank as er
from exactrank.checks.theorems import CheckResult, run_script
from exactrank.constructions import shared_universal_rnn
from exactrank.io.files import write_json
from exactrank.models.modelfile import model_to_dict
from exactrank.sampling import random_invertible

NAME = "shared_universality"
CLAIM = "with shared cores (G(2) = … = G(T−1)) relu/product RNNs are no longer universal at fixed T"
EXPECTED = "REFUTED"
QUICK = [(2, 3), (2, 4), (3, 3), (3, 4)]
FULL = QUICK + [(2, 5), (4, 3)]


def inner_cores_equal(model: er.GeneralizedRNN) -> bool:
    """C[1] = … = C[T−2] and G[1] = … = G[T−2] (seed 001, §5), checked on the arrays."""
    inner = range(1, model.T - 1)
    return all(
        np.array_equal(model.C[t], model.C[1]) and np.array_equal(model.G[t], model.G[1])
        for t in inner
    )


def check(full: bool = False, certs=None) -> CheckResult:
    rng, details, saved, broken, instances, example = random.Random(51), [], [], 0, 0, None
    for xi in ("relu", "product"):
        for M, T in FULL if full else QUICK:
            for label, F in (("I", None), ("random", random_invertible(M, rng))):
                H = np.array([rng.randint(-9, 9) for _ in range(M**T)], dtype=object)
                H = H.reshape((M,) * T)
                model = shared_universal_rnn(H, xi, F=F)
                same = np.array_equal(er.grid_tensor(model).to_fractions(), H)
                shared = model.shared and inner_cores_equal(model)
                stored = len(model_to_dict(model)["G"]) == 3
                instances += 1
                broken += not (same and shared and stored)
                details.append(
                    f"ξ={xi} M={M} T={T} F={label}: grid {'= H' if same else '!= H'}, "
                    f"{'shared' if shared and stored else 'NOT shared'}, "
                    f"ranks R = {max(model.ranks)}, L = {max(model.L)}"
                )
                if example is None and same and shared:
                    example = f"counterexample: {model!r} has the grid H = {H.ravel().tolist()}"
                if certs is not None:
                    saved += _save(Path(certs), model, H, xi, M, T, label)
    verdict = "FAIL" if broken else "REFUTED"
    if example is not None:
        details.append(f"{example} (C-order)")
    if saved:
        details.append(f"saved {len(saved)} files (model files and H with how to re-check)")
    details.append(
        f"{instances} shared-core RNNs, {broken} not realizing H"
        + ("" if broken else ": every H was reached with shared cores, so the claim is false")
    )
    M, T = max(FULL if full else QUICK, key=lambda size: size[0] ** size[1])
    return CheckResult(
        NAME,
        CLAIM,
        verdict,
        EXPECTED,
        instances,
        details=details,
        largest=f"M = {M}, T = {T}",
        quantity=f"every random H ({M**T} entries) is the grid of a shared-core RNN",
    )


def _save(folder: Path, model, H, xi, M, T, label) -> list[str]:
    """The counterexample: the shared model file and a JSON with H and how to re-check it."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"shared_universality_{xi}_M{M}_T{T}_F{label}"
    er.save_model(model, folder / f"{stem}.json")
    note = {
        "claim refuted": "seed 001 §5: with shared cores RNNs lose universality (fixed T)",
        "model": f"{stem}.json",
        "H": [[int(v) for v in H.reshape(M, -1)[m]] for m in range(M)],
        "H shape": [M] * T,
        "H layout": "H[i_0] flattened in C-order over (i_1, ..., i_{T-1})",
        "recheck": (
            'the model file has "shared": true (one inner core for steps 1 ... T-2); '
            'python -c "import exactrank as er, json, numpy as np; '
            f"m = er.load_model('{stem}.json'); "
            f"H = np.array(json.load(open('{stem}_H.json'))['H']).reshape({tuple([M] * T)}); "
            'print(m.shared, (er.grid_tensor(m).to_fractions() == H).all())" prints True True'
        ),
    }
    path = folder / f"{stem}_H.json"
    write_json(note, path)
    return [str(folder / f"{stem}.json"), str(path)]


if __name__ == "__main__":
    run_script(check)
