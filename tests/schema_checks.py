"""The JSON Schemas of docs/schemas/ as validators, and the run-wide check of certificates.

``model_errors`` and ``certificate_errors`` validate a parsed document against
docs/schemas/model.schema.json and certificate.schema.json (draft 2020-12), with one
tightening that JSON Schema itself cannot say: "integer" means a JSON integer, never a float
with no fraction such as 2.0 (the readers refuse JSON floats everywhere; JSON Schema counts
2.0 as an integer).

``check_certificates_made(monkeypatch)`` (installed for the whole run by tests/conftest.py)
wraps ``exactrank.certify`` and ``exactrank.save_certificate`` wherever they are bound, so
that every certificate certify returns during the tests is validated, and so is every file
save_certificate writes from such a certificate, unchanged. A certificate a test changed
after certify made it (the tamper tests) is not validated: it is not exactrank's. A
certificate past MAX_CHECKED_BYTES of JSON is not validated either (jsonschema is pure
Python: a 2 MB certificate takes about a second). Certificates made in a subprocess (the
command-line tests) are outside this check.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, validators
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schemas"
MAX_CHECKED_BYTES = 2 * 2**20


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


MODEL_SCHEMA = _load("model.schema.json")
CERTIFICATE_SCHEMA = _load("certificate.schema.json")
STRUCTURAL_SCHEMA = _load("structural-certificate.schema.json")
# certificate.schema.json refers to "model.schema.json", beside it
REGISTRY = Registry().with_resource("model.schema.json", Resource.from_contents(MODEL_SCHEMA))
StrictValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, instance: type(instance) is int
    ),
)
MODEL = StrictValidator(MODEL_SCHEMA, registry=REGISTRY)
CERTIFICATE = StrictValidator(CERTIFICATE_SCHEMA, registry=REGISTRY)


def _errors(validator, document) -> list[str]:
    """Every schema violation as "path: message" (messages cut to 200 characters)."""
    found = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    return [f"{e.json_path}: {e.message[:200]}" for e in found]


def model_errors(document) -> list[str]:
    return _errors(MODEL, document)


def certificate_errors(document) -> list[str]:
    return _errors(CERTIFICATE, document)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _canonical(document) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def check_certificates_made(monkeypatch) -> None:
    """Validate what exactrank.certify returns and save_certificate writes from it (above)."""
    import exactrank.certificates as module

    certify, save = module.certify, module.save_certificate
    made = set()  # digests of the certificates certify returned

    def fail_unless_valid(document, what: str) -> None:
        errors = certificate_errors(document)
        if errors:
            pytest.fail(
                f"{what} does not match docs/schemas/certificate.schema.json: "
                + "; ".join(errors[:3]),
                pytrace=False,
            )

    @functools.wraps(certify)
    def checked_certify(*args, **kwargs):
        cert = certify(*args, **kwargs)
        try:
            text = _canonical(cert)
        except ValueError:  # an integer past Python's digit limit: save_certificate says so
            return cert
        made.add(_digest(text))
        if len(text) <= MAX_CHECKED_BYTES:
            fail_unless_valid(json.loads(text), "a certificate made by exactrank.certify")
        return cert

    @functools.wraps(save)
    def checked_save(cert, path, *args, **kwargs):
        save(cert, path, *args, **kwargs)
        try:
            mine = _digest(_canonical(cert)) in made  # not one a test changed after certify
        except (TypeError, ValueError):
            return
        path = Path(path)
        if not mine or str(path) == "-" or not path.is_file():
            return
        if path.stat().st_size <= MAX_CHECKED_BYTES:
            written = json.loads(path.read_text(encoding="utf-8"))
            fail_unless_valid(written, f"{path}, written by save_certificate")

    for name, original, wrapper in (
        ("certify", certify, checked_certify),
        ("save_certificate", save, checked_save),
    ):
        for loaded in list(sys.modules.values()):
            if getattr(loaded, "__dict__", {}).get(name) is original:
                monkeypatch.setattr(loaded, name, wrapper)
