"""The parts both kinds of structural certificate share (docs/certificates.md, "Structural
certificates"): the claim kind, the provenance, and exact numbers read from and written to JSON
("p/q" strings). :mod:`.certificate` (block RNN families, seed 001) and :mod:`.tree_certificate`
(seed 000, Theorem 3's tree family) both use them.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import numpy as np

from ..numbers.domains import fraction_to_text, to_fraction
from ..version import __version__
from .identity import ProofStepFailed

KIND = "formula"


def _provenance(theorem: str) -> dict:
    return {
        "tool": f"exactrank {__version__}",
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "theorem": theorem,
    }


def _numbers(value, where: str) -> np.ndarray:
    array = np.array(value, dtype=object)
    if array.dtype != object or any(isinstance(v, list) for v in array.flat):
        raise ProofStepFailed(f"{where}: expected a rectangular array of numbers")
    out = np.empty(array.shape, dtype=object)
    for i in np.ndindex(array.shape):
        out[i] = to_fraction(array[i], f"{where}{list(i)}")
    return out


def _text(A) -> list:
    return np.vectorize(lambda v: fraction_to_text(Fraction(v)), otypes=[object])(
        np.asarray(A, dtype=object)
    ).tolist()
