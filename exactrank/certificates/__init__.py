"""Rank certificates (``exactrank-certificate`` v1, see docs/certificates.md): make and check.

A certificate states rank ≥ r, ≤ r or = r for a matricization of a tensor over QQ or GF(p),
gives the tensor (explicit entries, or the model, evaluated lazily: a generalized RNN or
shallow network, seed 001, eq. 14–18; a hierarchical or mixed network, seed 000, §3–4 and
§8) and a witness: a nonsingular minor for "≥"; for "≤" a basis of rows with the exact coefficients
of every other row, or a factorization U·V. :func:`verify_certificate` recomputes every entry
it uses and trusts no other number in the file; :func:`certify` checks what it wrote with it.

The modules, in the order a certificate is read:

* :mod:`.format`: the file, its header and the limits checked before anything else;
* :mod:`.values`: expected types, index lists, exact numbers (the rejection they raise);
* :mod:`.tensor`: the tensor, explicit or a model, and its matricization;
* :mod:`.verify`: the claim and the witness checked (:func:`verify_certificate`);
* :mod:`.make`: :func:`certify` and the witnesses it builds.

The stand-alone checker, proofs/verify_certificate.py, checks the same rules on its own
(docs/certificates.md, "Reviewer's map").
"""

from .format import FORMAT, MAX_PRIME, VERSION, check_header, load_certificate, save_certificate
from .make import certify
from .tensor import EXACT_XI, MODEL_FORMS
from .verify import Verdict, verify_certificate

__all__ = [
    "EXACT_XI",
    "FORMAT",
    "MAX_PRIME",
    "MODEL_FORMS",
    "VERSION",
    "Verdict",
    "certify",
    "check_header",
    "load_certificate",
    "save_certificate",
    "verify_certificate",
]
