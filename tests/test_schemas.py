"""The JSON Schemas of the model-file and certificate formats (docs/schemas/, issue 10).

Every example and every model file save_model writes validates against model.schema.json;
every certificate certify makes validates against certificate.schema.json (here for each
kind of tensor and witness; for every certificate of the run by tests/conftest.py). What the
schemas refuse, the readers refuse too; and what the readers accept after random mutations,
the schemas accept (outside the gaps each schema's description lists).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import random
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schema_checks import (
    CERTIFICATE_SCHEMA,
    MODEL_SCHEMA,
    REGISTRY,
    SCHEMAS,
    STRUCTURAL_SCHEMA,
    certificate_errors,
    check_certificates_made,
    model_errors,
)
from strategies import (
    build_rnn,
    build_shallow,
    build_shared_rnn,
    get_at,
    json_copy,
    json_paths,
    rnn_specs,
    set_at,
    shallow_specs,
    shared_rnn_specs,
    tampered,
    weird_values,
)

import exactrank as er
import exactrank.certificates
import exactrank.checks.theorems
import exactrank.cli
from exactrank.geometry.trees import dilated_tree
from exactrank.sampling import random_invertible, random_rnn, random_shallow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
STANDALONE = ROOT / "proofs" / "verify_certificate.py"


def _standalone():
    spec = importlib.util.spec_from_file_location("verify_certificate_for_schemas", STANDALONE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKER = _standalone()


def round_trip(document):
    """The document as a file holds it (tuples become lists, keys strings)."""
    return json.loads(json.dumps(document))


# ------------------------------------------------------------------------------ the schemas


@pytest.mark.parametrize(
    "schema",
    [MODEL_SCHEMA, CERTIFICATE_SCHEMA, STRUCTURAL_SCHEMA],
    ids=["model", "cert", "structural"],
)
def test_schemas_are_valid_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_certificate_schema_refers_to_the_model_schema_beside_it():
    """A plain draft 2020-12 validator resolves "model.schema.json" from the folder."""
    assert {p.name for p in SCHEMAS.glob("*.json")} == {
        "model.schema.json",
        "certificate.schema.json",
        "structural-certificate.schema.json",
    }
    assert "model.schema.json" in json.dumps(CERTIFICATE_SCHEMA)
    validator = Draft202012Validator(CERTIFICATE_SCHEMA, registry=REGISTRY)
    cert = er.certify(er.load_model(ROOT / "examples" / "mixed_N4.json"), "odd-even")
    assert validator.is_valid(round_trip(cert))
    cert["tensor"]["model"]["first"]["kind"] = "generalized-rnn"  # checked through the $ref
    assert not validator.is_valid(round_trip(cert))


# ------------------------------------------------------------------------------ model files


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_validates(path):
    assert model_errors(json.loads(path.read_text(encoding="utf-8"))) == []
    er.load_model(path)  # and the reader takes it


def _doc_examples(name: str):
    """The complete JSON examples of a document (blocks without "…" or "...")."""
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    for block in re.findall(r"```json\n(.*?)```", text, re.S):
        if "…" not in block and "..." not in block:
            yield json.loads(block)


def test_every_complete_example_of_the_docs_validates():
    models = list(_doc_examples("model-files.md"))
    certificates = list(_doc_examples("certificates.md"))
    assert models and certificates
    for model in models:
        assert model_errors(model) == [], model
        er.model_from_dict(model)
    for cert in certificates:
        assert certificate_errors(cert) == [], cert
        assert er.verify_certificate(cert).verified


def _shared_rnn(xi: str, M: int, T: int, rng: random.Random) -> er.GeneralizedRNN:
    def w(*shape):
        return np.array(
            [Fraction(rng.randint(-9, 9), rng.randint(1, 3)) for _ in range(np.prod(shape))],
            dtype=object,
        ).reshape(shape)

    L, R = 2, 3
    cores = [(w(L, M), w(L, 1, R)), (w(L, M), w(L, R, R)), (w(L, M), w(L, R, 1))]
    return er.GeneralizedRNN.with_shared_cores(xi, *cores, T, F=random_invertible(M, rng))


def _models():
    """One model of every kind and variant a file holds, built by exactrank's constructors."""
    rng = random.Random(10)
    p = "GF(1000003)"
    yield "rnn-relu", random_rnn("relu", 3, 4, rng, den=3)
    yield "rnn-product-F", random_rnn("product", 2, 3, rng, F=random_invertible(2, rng))
    yield "rnn-softplus", random_rnn("softplus", 2, 2, rng)
    yield "rnn-shared", _shared_rnn("sum", 2, 5, rng)
    yield "rnn-shared-T2", _shared_rnn("product", 3, 2, rng)
    yield "shallow-l2", random_shallow("l2", 2, 3, 4, rng, den=5)
    yield "shallow-F", random_shallow("relu", 3, 2, 2, rng, F=random_invertible(3, rng))
    yield "ht", er.random_hierarchical(((0, 1), (2, 3)), 2, 2)
    yield "ht-mirror-GF", er.random_hierarchical(((0, 3), (1, 2)), 3, [2, 1], field=p)
    yield "cp-shared", er.random_hierarchical((0, 1, 2), 2, 3, shared=True)
    yield (
        "padded-per-level",
        er.random_hierarchical(
            ((0, 1), (2,)), 2, 2, activation=["relu", "identity"], pooling=["max", "mean"]
        ),
    )
    yield "overlapping-1d", er.random_overlapping(6, 2, [(3, 2, 2), (4, 3, 1)], bias=True)
    yield "overlapping-2d", er.random_overlapping((4, 4), 2, [(3, 2, 2), (3, 2, 2)], bias=True)
    yield "overlapping-no-bias", er.random_overlapping(4, 3, [(2, 2, 2)] * 2)
    yield "mixed", er.random_mixed(dilated_tree([1, 2, 4]), dilated_tree([2, 1, 4]), 2, 2)
    yield "mixed-no-nodes", er.random_mixed(((0, 1), (2, 3)), ((0, 2), (1, 3)), 2, 1, mixture=[])


MODELS = dict(_models())


@pytest.mark.parametrize("name", MODELS)
def test_every_saved_model_validates(tmp_path, name):
    path = tmp_path / f"{name}.json"
    er.save_model(MODELS[name], path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert model_errors(data) == []
    assert er.model_to_dict(er.model_from_dict(data)) == data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        rnn_specs().map(build_rnn),
        shallow_specs().map(build_shallow),
        shared_rnn_specs().map(build_shared_rnn),
    )
)
def test_random_rnn_and_shallow_files_validate(model):
    assert model_errors(round_trip(er.model_to_dict(model))) == []


# ------------------------------------------------------------------------------ certificates


def _certificates():
    """A certificate of every tensor form, witness form, field and model kind certify makes."""
    X = [[[1, 2], [0, "1/2"]], [[2, 4], [0, 1]], [[1, 0], [1, 1]]]
    rng = random.Random(11)
    pairwise = er.load_model(ROOT / "examples" / "pairwise_similarity_M3_R2_T6.json")
    yield "entries-eq", er.certify(X, "rows=0")
    yield "entries-GF", er.certify([[1, "1/3"], [2, 5]], "rows=0", "GF(7)")
    yield "entries-zero", er.certify([[0, 0], [0, 0]], "rows=0")
    yield "entries-order-1", er.certify([3, "-1/2"], "rows=0", claim="le")
    yield (
        "factorization",
        er.certify([[1, 2], [2, 4]], "rows=0", factors=([[1], [2]], [[1, 2]]), claim="le"),
    )
    yield "rnn-eq", er.certify(pairwise, "odd-even")
    yield "rnn-ge-minor", er.certify(pairwise, "odd-even", claim="ge", r=3)
    yield "rnn-shared-le", er.certify(_shared_rnn("product", 2, 4, rng), "left-right", claim="le")
    yield "shallow-GF", er.certify(random_shallow("sum", 2, 4, 3, rng), "odd-even", "GF(101)")
    yield (
        "ht-ge",
        er.certify(er.random_hierarchical(((0, 1), (2, 3)), 2, 2), "odd-even", claim="ge"),
    )
    yield "mixed-eq", er.certify(er.load_model(ROOT / "examples" / "mixed_N4.json"), "odd-even")
    yield "overlapping", er.certify(er.random_overlapping(4, 2, [(2, 2, 2)] * 2), "left-right")


CERTIFICATES = dict(_certificates())


@pytest.mark.parametrize("name", CERTIFICATES)
def test_every_kind_of_certificate_validates(tmp_path, name):
    cert = CERTIFICATES[name]
    path = tmp_path / "cert.json"
    er.save_certificate(cert, path)
    assert certificate_errors(json.loads(path.read_text(encoding="utf-8"))) == []


def test_the_run_checks_every_certificate_certify_makes():
    """conftest.py has wrapped certify and save_certificate wherever they are bound."""
    for module in (er, exactrank.certificates, exactrank.cli, exactrank.checks.theorems):
        assert module.certify.__wrapped__ is not None
        assert module.save_certificate.__wrapped__ is not None


def test_the_run_check_fails_an_invalid_certificate_from_certify(monkeypatch):
    made = round_trip(CERTIFICATES["entries-eq"])
    del made["witness"]
    monkeypatch.setattr(exactrank.certificates, "certify", lambda *a, **k: json_copy(made))
    check_certificates_made(monkeypatch)  # wraps the stand-in, as conftest wraps certify
    with pytest.raises(pytest.fail.Exception, match="certificate.schema.json: .*witness"):
        exactrank.certificates.certify()


def test_the_run_check_leaves_certificates_changed_by_a_test_alone(tmp_path):
    cert = er.certify([[1, 2], [3, 4]], "rows=0")
    cert["claim"]["r"] = "two"  # tampered after certify: not exactrank's certificate
    er.save_certificate(cert, tmp_path / "bad.json")
    assert certificate_errors(cert) != []


# ------------------------------------------------------------------------------ refusals


def _rnn() -> dict:
    return json.loads((ROOT / "examples" / "random_relu_rnn_M3_T6.json").read_text())


def _changed(document: dict, path: tuple, value) -> dict:
    out = json_copy(document)
    set_at(out, path, value)
    return out


def _without(document: dict, *path) -> dict:
    out = json_copy(document)
    del get_at(out, path[:-1])[path[-1]]
    return out


MIXED = json.loads((ROOT / "examples" / "mixed_N4.json").read_text())
BAD_MODELS = {
    "float weight": _changed(_rnn(), ("C", 0, 0, 0), 0.5),
    "float with no fraction": _changed(_rnn(), ("G", 1, 0, 0, 0), 2.0),
    "float M": _changed(_rnn(), ("M",), 3.0),
    "boolean weight": _changed(_rnn(), ("C", 0, 0, 0), True),
    "unknown kind": _changed(_rnn(), ("kind",), "lstm"),
    "kind a list": _changed(_rnn(), ("kind",), ["list"]),
    "version 2": _changed(_rnn(), ("version",), 2),
    "missing G": _without(_rnn(), "G"),
    "unknown xi": _changed(_rnn(), ("xi",), "tanh"),
    "zero denominator": _changed(_rnn(), ("C", 0, 0, 0), "1/0"),
    "decimal string": _changed(_rnn(), ("C", 0, 0, 0), "1.5"),
    "plus sign": _changed(_rnn(), ("C", 0, 0, 0), "+1"),
    "trailing newline": _changed(_rnn(), ("C", 0, 0, 0), "1/2\n"),
    "non-ASCII digit": _changed(_rnn(), ("C", 0, 0, 0), "١"),
    "10001 digits": _changed(_rnn(), ("C", 0, 0, 0), "1/" + "3" * 10001),
    "empty window": _changed(MIXED, ("first", "tree"), [[0, 1], [2, 3], []]),
    "component not hierarchical": _changed(MIXED, ("second", "kind"), "generalized-rnn"),
    "mixture key unknown": _changed(MIXED, ("mixture", 0, "weights"), [[1]]),
    "unknown pooling": _changed(MIXED, ("first", "pooling"), "sum"),
    "shared not a boolean": _changed(MIXED, ("first", "shared"), "yes"),
    "float under an unknown key": _changed(_rnn(), ("comment",), {"scale": [1, 0.5]}),
}


@pytest.mark.parametrize("name", BAD_MODELS)
def test_the_model_schema_and_the_reader_refuse(name):
    assert model_errors(BAD_MODELS[name]) != []
    with pytest.raises(er.ExactRankError):  # a ModelFileError, or a LimitError
        er.model_from_dict(BAD_MODELS[name])


def test_keys_a_kind_does_not_define_are_allowed_without_floats():
    model = _rnn() | {"comment": "made by hand", "tree": [[0, 1]], "x": [1, "a", None, {"b": True}]}
    assert model_errors(model) == []
    er.model_from_dict(model)
    cert = _changed(_cert(), ("witness", "note"), {"anything": [0.5]}) | {"x-origin": 1.5}
    assert certificate_errors(cert) == [] and er.verify_certificate(cert).verified


def test_a_float_with_no_fraction_is_an_integer_to_json_schema():
    """Gap (1) of the schemas' description: why tests/schema_checks.py tightens "integer"."""
    plain = Draft202012Validator(MODEL_SCHEMA)
    assert plain.is_valid(BAD_MODELS["float with no fraction"])
    assert not plain.is_valid(BAD_MODELS["float weight"])


def test_numbers_of_10000_digits_are_within_the_schema():
    model = _changed(_rnn(), ("C", 0, 0, 0), "-" + "7" * 10000 + "/" + "3" * 10000)
    assert model_errors(model) == []


def _cert() -> dict:
    return round_trip(CERTIFICATES["entries-eq"])


def _model_cert(model: dict) -> dict:
    return _changed(round_trip(CERTIFICATES["rnn-eq"]), ("tensor", "model"), model)


BAD_CERTIFICATES = {
    "missing witness": _without(_cert(), "witness"),
    "missing claim": _without(_cert(), "claim"),
    "ge without a minor": _without(_cert(), "witness", "minor"),
    "le without a basis": _changed(_without(_cert(), "witness", "basis"), ("claim", "kind"), "le"),
    "unknown claim kind": _changed(_cert(), ("claim", "kind"), "gt"),
    "negative r": _changed(_cert(), ("claim", "r"), -1),
    "float r": _changed(_cert(), ("claim", "r"), 2.0),
    "float entry": _changed(_cert(), ("tensor", "entries", 3), 0.5),
    "field with a leading zero": _changed(_cert(), ("claim", "field"), "GF(07)"),
    "field lower case": _changed(_cert(), ("claim", "field"), "qq"),
    "field with a newline": _changed(_cert(), ("claim", "field"), "QQ\n"),
    "repeated mode": _changed(_cert(), ("claim", "col_modes"), [1, 1]),
    "repeated minor row": _changed(_cert(), ("witness", "minor", "rows"), [0, 0]),
    "model and entries": _changed(_cert(), ("tensor", "model"), _rnn()),
    "neither model nor entries": _changed(_cert(), ("tensor",), {"dims": [3, 2, 2]}),
    "a term of three": _changed(_cert(), ("witness", "basis", "coefficients", 0, 1, 0), [0, 2, 1]),
    "coefficient row a string": _changed(_cert(), ("witness", "basis", "coefficients", 0, 0), "1"),
    "softplus model": _model_cert(_changed(_rnn(), ("xi",), "softplus")),
    "overlapping model": _model_cert(round_trip(er.model_to_dict(MODELS["overlapping-1d"]))),
    "malformed model": _model_cert(_without(_rnn(), "C")),
}


@pytest.mark.parametrize("name", BAD_CERTIFICATES)
def test_the_certificate_schema_and_both_checkers_refuse(name):
    cert = BAD_CERTIFICATES[name]
    assert certificate_errors(cert) != []
    with contextlib.suppress(er.CertificateFormatError):  # or not a certificate at all
        assert not er.verify_certificate(cert).verified
    with contextlib.suppress(CHECKER.NotACertificate):
        assert CHECKER.check(cert)[0] is False


# ------------------------------------------------------------------------------ not stricter


def _what_the_checkers_read(cert: dict) -> dict:
    """The certificate without the parts no checker reads: provenance, a witness part the
    claim does not need, a factorization beside a basis (gaps of the schema's description)."""
    out = {key: value for key, value in cert.items() if key != "provenance"}
    claim, witness = cert.get("claim"), cert.get("witness")
    if isinstance(claim, dict) and isinstance(witness, dict):
        kind = claim.get("kind")
        keep = {"minor"} if kind in ("ge", "eq") else set()
        if kind in ("le", "eq"):
            keep.add("basis" if "basis" in witness else "factorization")
        out["witness"] = {k: v for k, v in witness.items() if k in keep or k not in _PARTS}
    return out


_PARTS = ("minor", "basis", "factorization")
POOL = [round_trip(c) for c in CERTIFICATES.values() if len(json.dumps(c)) < 20_000]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(POOL).flatmap(tampered))
def test_what_a_checker_verifies_the_schema_accepts(case):
    cert, _ = case
    try:
        verified = er.verify_certificate(cert).verified
    except er.CertificateFormatError:
        return
    if verified:
        assert certificate_errors(_what_the_checkers_read(cert)) == []


MODEL_POOL = [round_trip(er.model_to_dict(m)) for m in MODELS.values()] + [
    json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES
]


def _lenient_places(model: dict, path: tuple) -> bool:
    """Gaps of the model schema's description: an RNN's "shared" is read by truth value; a
    mixed model's top-level F is not read."""
    kind = model.get("kind")
    return (kind == "generalized-rnn" and path[:1] == ("shared",)) or (
        kind == "mixed" and path[:1] == ("F",)
    )


@st.composite
def mutated_models(draw):
    model = json_copy(draw(st.sampled_from(MODEL_POOL)))
    path, value = draw(st.sampled_from([(p, v) for p, v in json_paths(model) if p]))
    change = draw(st.sampled_from(["replace", "delete", "add a key"]))
    if change == "delete" and isinstance(path[-1], str):
        del get_at(model, path[:-1])[path[-1]]
    elif change == "add a key" and isinstance(value, dict):
        path += ("x-note",)
        set_at(model, path, draw(st.sampled_from(weird_values(1))))
    else:
        set_at(model, path, draw(st.sampled_from(weird_values(value))))
    return model, path


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_models())
def test_what_the_model_reader_accepts_the_schema_accepts(case):
    model, path = case
    try:
        er.model_from_dict(model)
    except Exception:  # refused (that it is refused in one line is the fuzzer's business)
        return
    if not _lenient_places(model, path):
        assert model_errors(model) == [], path
