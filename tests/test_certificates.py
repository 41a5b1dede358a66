"""Rank certificates (docs/certificates.md): make, check, tamper, and feed both checkers junk.

Two checkers must give the same verdict on every file: ``er.verify_certificate`` (with
``exactrank verify``) and the stand-alone ``proofs/verify_certificate.py``. Neither is
trusted here: a claim a checker accepts must be TRUE by an independent recomputation
(tests/oracles.py evaluates the certificate's own model or entries with plain Fractions,
matricizes with its own index arithmetic and takes the rank by Fraction elimination), and
the verdict must be the one tests/oracles.py's reading of the contract gives.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from oracles import (
    PSI_12,
    PSI_13,
    CertClaim,
    CertModel,
    _CertContext,
    certificate_claim_truth,
    certificate_reference,
    certificate_witness_holds,
    hierarchical_score,
    is_prime_ref,
    matricize_ref,
    mixed_score,
    nonsingular_minor,
    rank_fraction,
    rank_mod_p_ref,
    residue,
    rnn_score,
    tree_levels,
)
from strategies import (
    DENS,
    MODULAR_XIS,
    build_rnn,
    build_shallow,
    build_shared_rnn,
    exact_array,
    exact_tensor_specs,
    json_copy,
    rnn_oracle,
    rnn_specs,
    shallow_oracle,
    shallow_specs,
    shared_rnn_specs,
    tampered,
)

import exactrank as er

ROOT = Path(__file__).resolve().parents[1]
STANDALONE = ROOT / "proofs" / "verify_certificate.py"
Q = Fraction
BIG_PRIME = 3299999999999999999999999  # the largest prime below 3.3e24
GF_PRIMES = (2, 3, 5, 7, 101, 2**31 - 1, 18446744073709551557, BIG_PRIME)  # 2^64 - 59
# primes the contract allows above one machine word (p < 3.3e24)
WIDE_PRIMES = (18446744073709551629, 1208925819614629174706111, BIG_PRIME)  # 1.2e24 < 2^80
HT4 = ((0, 1), (2, 3))  # mode trees of seed 000
PADDED4 = (((0,), (1,)), ((2,), (3,)))
W3 = ((0, 1, 2), (3, 4, 5))


# ---------------------------------------------------------------------------- the checkers


@functools.cache
def standalone():
    """proofs/verify_certificate.py, imported by path (it is not a package module)."""
    if not STANDALONE.exists():
        pytest.fail(f"{STANDALONE} does not exist")
    spec = importlib.util.spec_from_file_location("verify_certificate_standalone", STANDALONE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def api_verdict(cert) -> tuple[bool, str]:
    """er.verify_certificate; "not a certificate" may raise CertificateFormatError."""
    try:
        verdict = er.verify_certificate(cert)
    except er.CertificateFormatError as exc:
        return False, f"CertificateFormatError: {exc}"
    assert isinstance(verdict, er.Verdict)
    assert type(verdict.verified) is bool and isinstance(verdict.reason, str)
    return verdict.verified, verdict.reason


def standalone_verdict(cert) -> tuple[bool, str]:
    """check(cert) -> (bool, str); an exception of the checker's own is a refusal."""
    module = standalone()
    try:
        ok, reason = module.check(cert)
    except Exception as exc:
        if type(exc).__module__ != module.__name__:
            raise
        return False, f"{type(exc).__name__}: {exc}"
    assert type(ok) is bool and isinstance(reason, str)
    return ok, reason


def run_main(main, argv) -> tuple[int, str, str]:
    """Run a checker's main() in this process, capturing stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def cli_codes(path) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """``exactrank verify PATH`` and ``verify_certificate.py PATH``, in process."""
    from exactrank.cli import main as er_main

    return run_main(er_main, ["verify", str(path)]), run_main(standalone().main, [str(path)])


def assert_output_shape(code, out, err, who):
    """0: "s VERIFIED"; 1: "s NOT VERIFIED: reason" (one line); 2: one line on stderr."""
    assert code in (0, 1, 2), (who, code, out, err)
    assert "Traceback" not in out + err, (who, out, err)
    if code == 0:
        assert out == "s VERIFIED\n", (who, out, err)
    elif code == 1:
        lines = out.splitlines()
        assert len(lines) == 1 and lines[0].startswith("s NOT VERIFIED: "), (who, out, err)
    else:
        assert out == "" and len(err.splitlines()) == 1, (who, out, err)


def env():
    return dict(os.environ, PYTHONPATH=str(ROOT))


def er_cli(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "exactrank", *map(str, args)],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def sa_cli(*args, timeout=120):
    return subprocess.run(
        [sys.executable, str(STANDALONE), *map(str, args)],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# ---------------------------------------------------------------------------- independent truth


def expected_partition(spec, T):
    """DESIGN.md conventions, written out again: odd-even, left-right, rows=…, a pair."""
    if spec == "odd-even":
        return list(range(0, T, 2)), list(range(1, T, 2))
    if spec == "left-right":
        half = (T + 1) // 2
        return list(range(half)), list(range(half, T))
    if isinstance(spec, str):
        rows = [int(x) for x in spec[5:].split(",") if x]
        return rows, [m for m in range(T) if m not in rows]
    return list(spec[0]), list(spec[1])


def oracle_rank(matrix, p):
    return rank_fraction(matrix) if p is None else rank_mod_p_ref(matrix, p)


def field_of(p):
    return "QQ" if p is None else f"GF({p})"


def cert_tensor_values(cert) -> dict:
    """The certificate's own tensor, decoded by the oracle, as {index tuple: Fraction}."""
    claim = CertClaim(cert, _CertContext())
    dims = claim.tensor.dims
    return {idx: claim.tensor.value(idx) for idx in itertools.product(*map(range, dims))}


def same_tensor(a: dict, b: dict, p) -> bool:
    if a.keys() != b.keys():
        return False
    if p is None:
        return all(Q(a[k]) == Q(b[k]) for k in a)
    return all(residue(a[k], p) == residue(b[k], p) for k in a)


def assert_round_trip(cert, grid: dict, dims, partition, p, claim=None, r=None):
    """certify's output: JSON-ready, the right claim, tensor and partition, accepted by both
    checkers and by the contract's reading, and TRUE by the oracle's rank."""
    assert json.loads(json.dumps(cert)) == cert, "certify must return JSON-ready data"
    assert cert["format"] == "exactrank-certificate" and cert["version"] == 1
    c = cert["claim"]
    rows, cols = expected_partition(partition, len(dims))
    assert (c["row_modes"], c["col_modes"]) == (rows, cols)
    assert c["field"] == field_of(p)
    assert c["kind"] == (claim or "eq")
    assert same_tensor(cert_tensor_values(cert), grid, p), "the certificate holds another tensor"
    matrix = matricize_ref(grid, dims, rows, cols)
    rank = oracle_rank(matrix, p)
    assert {"ge": c["r"] <= rank, "le": c["r"] >= rank, "eq": c["r"] == rank}[c["kind"]], (c, rank)
    if claim is None:
        assert c["r"] == rank, "claim=None gives the strongest claim, the exact rank"
    if r is not None:
        assert c["r"] == r
    ok, reason = api_verdict(cert)
    assert ok, reason
    ok, reason = standalone_verdict(cert)
    assert ok, reason
    assert certificate_reference(cert) == (0, "verified")
    assert certificate_claim_truth(cert) is True
    return rank


# ---------------------------------------------------------------------------- round trips

PARTITION_KINDS = ("odd-even", "left-right", "rows", "pair")


@st.composite
def partitions(draw, T):
    kind = draw(st.sampled_from(PARTITION_KINDS))
    if kind in ("odd-even", "left-right"):
        return kind
    modes = draw(st.permutations(range(T)))
    k = draw(st.integers(0, T))
    if kind == "rows":
        return "rows=" + ",".join(map(str, modes[:k]))
    return (list(modes[:k]), list(modes[k:]))


@st.composite
def fields(draw, xi):
    if xi == "relu" or draw(st.booleans()):
        return None
    return draw(st.sampled_from(GF_PRIMES))


def dens_for(p):
    return DENS if p is None else tuple(d for d in DENS if d % p)


@st.composite
def claims(draw, rank):
    """(claim, r): None, or a kind with r None, or a true r for it."""
    kind = draw(st.sampled_from([None, "eq", "ge", "le"]))
    if kind is None or draw(st.booleans()):
        return kind, None
    if kind == "eq":
        return kind, rank
    if kind == "ge":
        return kind, draw(st.integers(0, rank))
    return kind, rank + draw(st.integers(0, 3))


ROUND_TRIP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def certify_and_check(data, source, grid, dims, p):
    partition = data.draw(partitions(len(dims)), label="partition")
    rows, cols = expected_partition(partition, len(dims))
    rank = oracle_rank(matricize_ref(grid, dims, rows, cols), p)
    claim, r = data.draw(claims(rank), label="claim")
    cert = er.certify(source, partition, field_of(p), claim=claim, r=r)
    assert_round_trip(cert, grid, dims, partition, p, claim, r)


@ROUND_TRIP
@given(data=st.data())
def test_round_trip_rnn_per_step_cores(data):
    xi = data.draw(st.sampled_from(("product", "relu", "sum")), label="xi")
    p = data.draw(fields(xi), label="p")
    spec = data.draw(rnn_specs(xis=(xi,), dens=dens_for(p)), label="spec")
    M, T = len(spec["C"][0][0]), len(spec["C"])
    certify_and_check(data, build_rnn(spec), rnn_oracle(spec), [M] * T, p)


@ROUND_TRIP
@given(data=st.data())
def test_round_trip_rnn_shared_cores(data):
    xi = data.draw(st.sampled_from(("product", "relu", "sum")), label="xi")
    p = data.draw(fields(xi), label="p")
    spec = data.draw(shared_rnn_specs(xis=(xi,), dens=dens_for(p)), label="spec")
    M, T = len(spec["C"][0][0]), spec["T"]
    model = build_shared_rnn(spec)
    assert model.shared
    certify_and_check(data, model, rnn_oracle(spec), [M] * T, p)


@ROUND_TRIP
@given(data=st.data())
def test_round_trip_shallow(data):
    xi = data.draw(st.sampled_from(("product", "relu", "sum")), label="xi")
    p = data.draw(fields(xi), label="p")
    spec = data.draw(shallow_specs(xis=(xi,), dens=dens_for(p)), label="spec")
    M, T = len(spec["V"][0][0]), len(spec["V"][0])
    certify_and_check(data, build_shallow(spec), shallow_oracle(spec), [M] * T, p)


def nested_to_grid(nested, dims) -> dict:
    out = {}
    for idx in itertools.product(*map(range, dims)):
        v = nested
        for i in idx:
            v = v[i]
        out[idx] = v
    return out


@ROUND_TRIP
@given(data=st.data())
def test_round_trip_explicit_tensors(data):
    p = data.draw(st.sampled_from((None, None) + GF_PRIMES), label="p")
    nested = data.draw(exact_tensor_specs(dens=dens_for(p)), label="tensor")
    array = exact_array(nested)
    dims = list(array.shape)
    certify_and_check(data, array, nested_to_grid(nested, dims), dims, p)


@ROUND_TRIP
@given(data=st.data())
def test_round_trip_grid_tensor_source(data):
    """An er.GridTensor is a source too (the grid of a model, built by exactrank)."""
    p = data.draw(st.sampled_from((None, 7, 101)), label="p")
    spec = data.draw(
        rnn_specs(xis=MODULAR_XIS if p else ("relu", "product"), dens=dens_for(p)), label="spec"
    )
    M, T = len(spec["C"][0][0]), len(spec["C"])
    source = er.grid_tensor(build_rnn(spec), field_of(p))
    certify_and_check(data, source, rnn_oracle(spec), [M] * T, p)


@ROUND_TRIP
@given(data=st.data())
def test_round_trip_explicit_minor(data):
    """claim "ge" with the rows and columns of a nonsingular minor found by the oracle."""
    xi = data.draw(st.sampled_from(("product", "relu", "sum")), label="xi")
    p = data.draw(fields(xi), label="p")
    spec = data.draw(rnn_specs(xis=(xi,), dens=dens_for(p)), label="spec")
    M, T = len(spec["C"][0][0]), len(spec["C"])
    grid, dims = rnn_oracle(spec), [M] * T
    partition = data.draw(partitions(T), label="partition")
    rows_m, cols_m = expected_partition(partition, T)
    rows, cols = nonsingular_minor(matricize_ref(grid, dims, rows_m, cols_m), p)
    order = data.draw(st.permutations(range(len(rows))), label="order")
    rows, cols = [rows[k] for k in order], [cols[k] for k in order]
    cert = er.certify(
        build_rnn(spec), partition, field_of(p), claim="ge", r=len(rows), rows=rows, cols=cols
    )
    assert_round_trip(cert, grid, dims, partition, p, "ge", len(rows))
    minor = cert["witness"]["minor"]
    assert sorted(minor["rows"]) == sorted(rows) and sorted(minor["cols"]) == sorted(cols)


def test_round_trip_factorization_witness():
    """certify(..., factors=(U, V)) writes the factorization form; both checkers take it."""
    U = [[1, Q(1, 2)], [0, 3], [2, -1], [Q(-5, 7), 4]]
    V = [[2, 0, 1], [1, 1, Q(1, 3)]]
    X = [[sum((U[i][k] * V[k][j] for k in range(2)), Q(0)) for j in range(3)] for i in range(4)]
    array = exact_array(X)
    grid = nested_to_grid(X, [4, 3])
    for claim in ("le", "eq"):
        cert = er.certify(
            array, "rows=0", "QQ", claim=claim, factors=(exact_array(U), exact_array(V))
        )
        assert "factorization" in cert["witness"], cert["witness"]
        assert_round_trip(cert, grid, [4, 3], "rows=0", None, claim)
    bad = [row[:] for row in U]
    bad[0][0] += 1
    with pytest.raises(er.ExactRankError):
        er.certify(array, "rows=0", "QQ", claim="le", factors=(exact_array(bad), exact_array(V)))


@pytest.mark.parametrize("p", WIDE_PRIMES)
@pytest.mark.parametrize("kind", ["rnn", "shared", "shallow", "explicit"])
def test_certify_over_wide_primes(p, kind):
    """The contract allows any prime p < 3.3e24 (seed: GF(p) "past int64" is supported)."""
    rng = random.Random(p % 1000 + len(kind))
    if kind == "explicit":
        nested = [
            [Q(rng.randint(-5, 5), rng.choice((1, 2, 3))) for _ in range(3)] for _ in range(2)
        ]
        source, grid, dims = exact_array(nested), nested_to_grid(nested, [2, 3]), [2, 3]
        partition = "rows=0"
    else:
        build = {"rnn": _rng_rnn, "shared": _rng_shared, "shallow": _rng_shallow}[kind]
        source = build(rng, "product", 2, 3)
        oracle = CertModel(er.model_to_dict(source), _CertContext())
        grid = {s: oracle.score(s) for s in itertools.product(range(2), repeat=3)}
        dims, partition = [2, 2, 2], "odd-even"
    cert = er.certify(source, partition, f"GF({p})")
    assert_round_trip(cert, grid, dims, partition, p)


def test_the_format_documents_examples(tmp_path, monkeypatch):
    """docs/certificates.md stays true: its Python runs and writes the worked example as
    printed (but the time), and both checkers say what its transcripts say."""
    doc = (ROOT / "docs" / "certificates.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for code in re.findall(r"^```python\n(.*?)^```", doc, flags=re.S | re.M):
        exec(compile(code, "docs/certificates.md", "exec"), {})
    blocks = re.findall(r"^```json\n(.*?)^```", doc, flags=re.S | re.M)
    (shown,) = [json.loads(b) for b in blocks if '"worked example"' in b]
    written = json.loads((tmp_path / "example_cert.json").read_text(encoding="utf-8"))
    for cert in (shown, written):
        del cert["provenance"]["created"], cert["provenance"]["tool"]
    assert written == shown
    for name in ("example_cert.json", "ht32_ge24.json"):
        for code, out, err in cli_codes(tmp_path / name):
            assert (code, out, err) == (0, "s VERIFIED\n", "")
    written["tensor"]["entries"][7] = "3/2"
    (tmp_path / "example_bad.json").write_text(json.dumps(written), encoding="utf-8")
    (code, out, _), (code2, _, _) = cli_codes(tmp_path / "example_bad.json")
    reason = "basis: a row is not the stated combination of the basis rows"
    assert (code, code2, out) == (1, 1, f"s NOT VERIFIED: {reason}\n")


def test_certify_refuses_false_claims():
    X = exact_array([[1, 2, 3], [2, 4, 6], [0, 1, 1]])  # rank 2
    for claim, r in (("ge", 3), ("le", 1), ("eq", 1), ("eq", 3)):
        with pytest.raises(er.ExactRankError):
            er.certify(X, "left-right", claim=claim, r=r)
    with pytest.raises(er.ExactRankError):  # a singular minor given explicitly
        er.certify(X, "left-right", claim="ge", r=2, rows=[0, 1], cols=[0, 1])
    with pytest.raises(er.ExactRankError):  # a relu network has no grid over GF(p)
        er.certify(er.GeneralizedRNN("relu", [[[1, 2]]], [[[[1]]]]), "odd-even", "GF(7)")


def test_zero_tensor_and_rank_zero():
    X = exact_array([[[0, 0], [0, 0]], [[0, 0], [0, 0]]])
    for claim in (None, "le", "ge", "eq"):
        cert = er.certify(X, "odd-even", claim=claim)
        assert cert["claim"]["r"] == 0
        assert_round_trip(
            cert, nested_to_grid(X.tolist(), [2, 2, 2]), [2, 2, 2], "odd-even", None, claim
        )


def test_save_and_load_round_trip(tmp_path):
    cert = er.certify(exact_array([[1, Q(1, 3)], [2, 5]]), "rows=0", "GF(7)")
    path = tmp_path / "cert.json"
    er.save_certificate(cert, path)
    assert er.load_certificate(path) == cert
    assert json.loads(path.read_text(encoding="utf-8")) == cert


def test_standalone_uses_the_standard_library_only(tmp_path):
    """It must never import exactrank (nor numpy, flint, sympy)."""
    cert = er.certify(exact_array([[1, 2], [3, 4]]), "rows=0")
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(cert), encoding="utf-8")
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('v', {str(STANDALONE)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        f"rc = m.main([{str(path)!r}])\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "('exactrank', 'numpy', 'flint', 'sympy', 'networkx'))\n"
        "print(rc, bad)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "0 []", proc.stdout


# ---------------------------------------------------------------------------- CLI round trip

RNN_FILE = {
    "format": "exactrank-model",
    "version": 1,
    "kind": "generalized-rnn",
    "xi": "relu",
    "C": [[[1, "-1/2"], [2, 3]], [["2/3", -1]], [[1, 1], [-2, "5/7"]], [[3, -1]]],
    "G": [
        [[[1, -1]], [[2, "1/3"]]],
        [[[1, 0, 2], [-1, 3, 1]]],
        [[[1, 2], [0, 1], [-1, 1]], [[2, -3], [1, 1], ["1/2", 0]]],
        [[[1], [-2]]],
    ],
}


def rnn_file_matrix(partition):
    model = CertClaim(
        {
            "format": "exactrank-certificate",
            "version": 1,
            "claim": {
                "kind": "ge",
                "r": 0,
                "field": "QQ",
                "row_modes": [0, 1, 2, 3],
                "col_modes": [],
            },
            "tensor": {"model": RNN_FILE},
            "witness": {},
        },
        _CertContext(),
    ).tensor.model
    grid = {s: model.score(s) for s in itertools.product(range(2), repeat=4)}
    rows, cols = expected_partition(partition, 4)
    return matricize_ref(grid, [2] * 4, rows, cols)


@pytest.mark.parametrize("partition", ["odd-even", "left-right", "rows=3,0"])
def test_cli_certify_then_verify(tmp_path, partition):
    model = tmp_path / "model.json"
    model.write_text(json.dumps(RNN_FILE), encoding="utf-8")
    cert_path = tmp_path / "cert.json"
    proc = er_cli("certify", model, "--partition", partition, "-o", cert_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    cert = json.loads(cert_path.read_text(encoding="utf-8"))
    rank = rank_fraction(rnn_file_matrix(partition))
    assert cert["claim"]["kind"] == "eq" and cert["claim"]["r"] == rank
    for proc in (er_cli("verify", cert_path), sa_cli(cert_path)):
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "s VERIFIED\n", "")
    proc = er_cli("verify", cert_path, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["verified"] is True and report["claim"] == cert["claim"]
    # a lower bound from a minor chosen by the oracle, through --claim/--r/--rows/--cols
    rows, cols = nonsingular_minor(rnn_file_matrix(partition))
    proc = er_cli(
        "certify",
        model,
        "--partition",
        partition,
        "--claim",
        "ge",
        "--r",
        len(rows),
        "--rows",
        ",".join(map(str, rows)),
        "--cols",
        ",".join(map(str, cols)),
        "-o",
        cert_path,
    )
    assert proc.returncode == 0, proc.stderr
    cert = json.loads(cert_path.read_text(encoding="utf-8"))
    assert cert["claim"]["kind"] == "ge" and cert["claim"]["r"] == len(rows)
    assert certificate_reference(cert)[0] == 0
    for proc in (er_cli("verify", cert_path), sa_cli(cert_path)):
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "s VERIFIED\n", "")
    # and a false one is refused
    cert["claim"]["r"] += 1
    cert_path.write_text(json.dumps(cert), encoding="utf-8")
    for proc in (er_cli("verify", cert_path), sa_cli(cert_path)):
        assert proc.returncode == 1 and proc.stdout.startswith("s NOT VERIFIED: "), proc
    report = json.loads(er_cli("verify", cert_path, "--json").stdout)
    assert report["verified"] is False and report["reason"] and report["claim"] == cert["claim"]


# ---------------------------------------------------------------------------- big grids

BIG_T = 40
BIG_CORES = {
    "first": ([[1, 2], [-1, 1]], [[[1, 2]], [[0, 1]]]),
    "inner": ([[2, -1], [1, 1]], [[[1, 0], [1, 1]], [[0, 1], [-1, 2]]]),
    "last": ([[1, 1], [3, -2]], [[[1], [2]], [[-1], [1]]]),
}


@functools.cache
def big_model_and_minor():
    """A shared-cores product RNN, M = 2, T = 40 (2^40 entries), and a nonsingular minor of
    its odd-even matricization found by the oracle on a random 10 x 10 sample."""
    model = er.GeneralizedRNN.with_shared_cores(
        "product", BIG_CORES["first"], BIG_CORES["inner"], BIG_CORES["last"], BIG_T
    )
    steps = [BIG_CORES["first"]] + [BIG_CORES["inner"]] * (BIG_T - 2) + [BIG_CORES["last"]]
    C = [[[Q(v) for v in row] for row in c] for c, _ in steps]
    G = [[[[Q(v) for v in x] for x in y] for y in g] for _, g in steps]
    rows_m, cols_m = list(range(0, BIG_T, 2)), list(range(1, BIG_T, 2))
    rng = random.Random(2026)
    m = 2 ** len(rows_m)

    def entry(i, j):
        index = [0] * BIG_T
        for modes, k in ((rows_m, i), (cols_m, j)):
            for mode in reversed(modes):
                k, index[mode] = divmod(k, 2)
        return rnn_score(C, G, None, "product", index)

    sample_r, sample_c = rng.sample(range(m), 10), rng.sample(range(m), 10)
    A = [[entry(i, j) for j in sample_c] for i in sample_r]
    rows, cols = nonsingular_minor(A)
    rows, cols = [sample_r[k] for k in rows], [sample_c[k] for k in cols]
    assert len(rows) >= 3, "the sample should hold a minor of order >= 3"
    minor = [[entry(i, j) for j in cols] for i in rows]
    assert rank_fraction(minor) == len(rows)
    return model, rows, cols


def test_big_grid_lower_bound_from_given_minor(tmp_path):
    model, rows, cols = big_model_and_minor()
    with pytest.raises(er.InvalidInputError):
        er.grid_tensor(model)
    cert = er.certify(model, "odd-even", claim="ge", r=len(rows), rows=rows, cols=cols)
    assert cert["claim"] == {
        "kind": "ge",
        "r": len(rows),
        "field": "QQ",
        "row_modes": list(range(0, BIG_T, 2)),
        "col_modes": list(range(1, BIG_T, 2)),
    }
    assert "model" in cert["tensor"]
    assert api_verdict(cert)[0] and standalone_verdict(cert)[0]
    assert certificate_reference(cert) == (0, "verified")  # the oracle checked the minor
    path = tmp_path / "big.json"
    er.save_certificate(cert, path)
    for proc in (er_cli("verify", path), sa_cli(path)):
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "s VERIFIED\n", "")
    # one more than the minor's order is not proven by it
    bad = json_copy(cert)
    bad["claim"]["r"] += 1
    assert not api_verdict(bad)[0] and not standalone_verdict(bad)[0]
    _changed_weights_follow_the_oracle(
        cert, (("C", 1, 0, 0), ("G", 1, 1, 0, 1), ("C", 2, 1, 1), ("C", 0, 0, 1))
    )


def _changed_weights_follow_the_oracle(cert, places):
    """One weight of the model raised by 1 at each place: the two checkers agree, and accept
    only what the oracle proves."""
    for place in places:
        bad = json_copy(cert)
        target = bad["tensor"]["model"]
        for key in place[:-1]:
            target = target[key]
        target[place[-1]] = int(Q(target[place[-1]])) + 1
        verdicts = api_verdict(bad)[0], standalone_verdict(bad)[0]
        assert verdicts[0] == verdicts[1], (place, verdicts)
        assert verdicts[0] == (certificate_reference(bad)[0] == 0), place


def test_big_grid_cli_certify_with_rows_and_cols(tmp_path):
    model, rows, cols = big_model_and_minor()
    model_path, cert_path = tmp_path / "model.json", tmp_path / "cert.json"
    er.save_model(model, model_path)
    proc = er_cli(
        "certify",
        model_path,
        "--partition",
        "odd-even",
        "--claim",
        "ge",
        "--r",
        len(rows),
        "--rows",
        ",".join(map(str, rows)),
        "--cols",
        ",".join(map(str, cols)),
        "-o",
        cert_path,
    )
    assert proc.returncode == 0, proc.stderr
    cert = json.loads(cert_path.read_text(encoding="utf-8"))
    assert certificate_reference(cert) == (0, "verified")
    for proc in (er_cli("verify", cert_path), sa_cli(cert_path)):
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "s VERIFIED\n", "")
    # an upper bound needs every entry: refused cleanly
    proc = er_cli("certify", model_path, "--partition", "odd-even", "-o", tmp_path / "x.json")
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_big_grid_lower_bound_by_search():
    """Without rows/cols certify searches a minor; whatever it finds must be proven. (r is
    given: the strongest search finds a minor of order ~500, too big for the oracle.)"""
    model, _, _ = big_model_and_minor()
    cert = er.certify(model, "odd-even", claim="ge", r=8, seed=3)
    assert cert["claim"]["r"] == 8
    assert api_verdict(cert)[0] and standalone_verdict(cert)[0]
    assert certificate_reference(cert) == (0, "verified")


# ---------------------------------------------------------------------------- seed 000 models
#
# Hierarchical and mixed networks are certified as models (tensor.model): the checkers
# evaluate the entries they need from the definitions; the expected grids come from the
# oracle's hierarchical_score and mixed_score, written from those definitions.

TREES = {
    "HT4": HT4,
    "mirror": ((0, 3), (1, 2)),
    "windows of 3": W3,
    "padded window of one": ((0, 1), (2,)),
    "padded levels": PADDED4,
    "one window": (0, 1, 2),
    "a window over one window": ((0, 1, 2, 3),),
    "three levels": (((0, 1), (2, 3)), ((4,), (5,))),
}
MODULAR_PRIMES = (5, 7, 101, 2**31 - 1, BIG_PRIME)  # none divides a window size here


@st.composite
def tree_ops(draw, L, p):
    """σ and P: one name, or one per level; relu and max only over QQ."""
    acts = ("identity",) if p else ("identity", "relu")
    pools = ("product", "mean") if p else ("product", "max", "mean")
    if draw(st.booleans()):
        return draw(st.sampled_from(acts)), draw(st.sampled_from(pools))
    return (
        draw(st.lists(st.sampled_from(acts), min_size=L, max_size=L)),
        draw(st.lists(st.sampled_from(pools), min_size=L, max_size=L)),
    )


@ROUND_TRIP
@given(data=st.data())
def test_round_trip_hierarchical(data):
    tree = TREES[data.draw(st.sampled_from(sorted(TREES)), label="tree")]
    L, N = _tree_height(tree), len(_modes(tree))
    p = data.draw(st.sampled_from((None, None) + MODULAR_PRIMES), label="p")
    act, pool = data.draw(tree_ops(L, p), label="ops")
    M = data.draw(st.integers(1, 3 if N <= 4 else 2), label="M")
    widths = data.draw(st.lists(st.integers(1, 3), min_size=L, max_size=L), label="widths")
    shared, with_F = data.draw(st.booleans(), label="shared"), data.draw(st.booleans())
    rng = random.Random(data.draw(st.integers(0, 2**32), label="seed"))
    model, spec = _rng_tree(
        rng, tree, M, widths, act, pool, shared, dens=dens_for(p), with_F=with_F
    )
    certify_and_check(data, model, _tree_grid(spec), [M] * N, p)


MIXED_PAIRS = {  # (first tree, second tree, the nodes both have)
    "HT4 and padded levels": (HT4, PADDED4, [(0, 1), (2, 3)]),
    "windows of 3, reordered": (W3, ((2, 0, 1), (5, 3, 4)), [(0, 1, 2), (3, 4, 5)]),
    "HT4 and a padded window": (HT4, ((0, 1), (2,), (3,)), [(0, 1)]),
    "HT4 and the mirror tree": (HT4, ((0, 3), (1, 2)), []),
}


@ROUND_TRIP
@given(data=st.data())
def test_round_trip_mixed(data):
    first, second, common = MIXED_PAIRS[data.draw(st.sampled_from(sorted(MIXED_PAIRS)))]
    p = data.draw(st.sampled_from((None, None, 7, 101, BIG_PRIME)), label="p")
    nodes = data.draw(st.lists(st.sampled_from(common), unique=True) if common else st.just([]))
    rng = random.Random(data.draw(st.integers(0, 2**32), label="seed"))
    M, N, specs = 2, len(_modes(first)), []
    for tree in (first, second):
        L = _tree_height(tree)
        act, pool = data.draw(tree_ops(L, p), label="ops")
        widths = data.draw(st.lists(st.integers(1, 2), min_size=L, max_size=L), label="widths")
        specs.append(_tree_spec(rng, tree, M, widths, act, pool, dens=dens_for(p)))
    model, mixture = _rng_mixed(rng, *specs, nodes, dens_for(p))
    certify_and_check(data, model, _mixed_grid(*specs, mixture), [M] * N, p)


@pytest.mark.parametrize("kind", ["hierarchical", "mixed"])
def test_seed000_models_are_certified_as_models(tmp_path, kind):
    """certify writes tensor.model exactly as model_to_dict does, for every claim kind; both
    checkers agree in process and through both command lines."""
    rng = random.Random(kind)
    spec = _tree_spec(rng, W3, 2, [2, 2], ["relu", "identity"], ["mean", "product"])
    if kind == "hierarchical":
        model, grid = _tree_net(spec), _tree_grid(spec)
    else:
        other = _tree_spec(rng, ((0, 1), (2,), (3, 4, 5)), 2, [2, 2])
        model, mixture = _rng_mixed(rng, spec, other, [(3, 4, 5)])
        grid = _mixed_grid(spec, other, mixture)
    rank = rank_fraction(matricize_ref(grid, [2] * 6, [0, 1, 3], [2, 4, 5]))
    assert rank >= 2
    rows, cols = nonsingular_minor(matricize_ref(grid, [2] * 6, [0, 1, 3], [2, 4, 5]))
    claims = [
        {},
        {"claim": "le", "r": rank + 1},
        {"claim": "ge", "r": rank, "rows": rows, "cols": cols},
    ]
    for kw in claims:
        cert = er.certify(model, "rows=0,1,3", **kw)
        assert cert["tensor"] == {"model": er.model_to_dict(model)}
        assert_round_trip(cert, grid, [2] * 6, "rows=0,1,3", None, kw.get("claim"), kw.get("r"))
        path = tmp_path / f"{kw.get('claim')}.json"
        er.save_certificate(cert, path)
        for proc in (er_cli("verify", path), sa_cli(path)):
            assert (proc.returncode, proc.stdout, proc.stderr) == (0, "s VERIFIED\n", ""), proc
    cert["claim"]["r"] += 1  # the minor proves one less
    er.save_certificate(cert, path)
    for proc in (er_cli("verify", path), sa_cli(path)):
        assert proc.returncode == 1 and proc.stdout.startswith("s NOT VERIFIED: "), proc


def test_cli_certify_of_a_mixed_model_file(tmp_path):
    rng = random.Random(13)
    specs = _tree_spec(rng, HT4, 3, [2, 2]), _tree_spec(rng, PADDED4, 3, [2, 1, 2])
    model, mixture = _rng_mixed(rng, *specs, [(2, 3)])
    model_path, cert_path = tmp_path / "mixed.json", tmp_path / "cert.json"
    er.save_model(model, model_path)
    proc = er_cli("certify", model_path, "--partition", "odd-even", "-o", cert_path)
    assert proc.returncode == 0, proc.stderr
    cert = json.loads(cert_path.read_text(encoding="utf-8"))
    assert cert["tensor"]["model"] == json.loads(model_path.read_text(encoding="utf-8"))
    assert_round_trip(cert, _mixed_grid(*specs, mixture), [3] * 4, "odd-even", None)
    assert [c for c, _, _ in cli_codes(cert_path)] == [0, 0]


def test_float_models_are_refused_and_overlapping_keeps_entries():
    model = er.HierarchicalNetwork(HT4, [[[[1.5, 0]]] * 4, [[[1.0]]] * 2], [1.0])
    with pytest.raises(er.ExactRankError, match="float"):
        er.certify(model, "odd-even")
    net = er.random_overlapping(4, 2, [(3, 2, 1), (2, 2, 1)], seed=1)
    cert = er.certify(net, "odd-even")
    assert "entries" in cert["tensor"] and api_verdict(cert)[0] and standalone_verdict(cert)[0]
    cert["tensor"] = {"model": er.model_to_dict(net)}  # no model form in version 1
    assert not api_verdict(cert)[0] and not standalone_verdict(cert)[0]
    assert certificate_reference(cert)[0] == 1


def _ht(lo, n):
    return (lo, lo + 1) if n == 2 else (_ht(lo, n // 2), _ht(lo + n // 2, n // 2))


@functools.cache
def ht32_model_and_minor():
    """An HT network over N = 32 modes, M = 2 (a grid of 2^32 entries), and a nonsingular
    minor of its odd-even matricization found by the oracle on a random 12 x 12 sample."""
    rng = random.Random(32)
    model, spec = _rng_tree(rng, _ht(0, 32), 2, [2] * 5)
    rows_m, cols_m = list(range(0, 32, 2)), list(range(1, 32, 2))

    def entry(i, j):
        index = [0] * 32
        for modes, k in ((rows_m, i), (cols_m, j)):
            for mode in reversed(modes):
                k, index[mode] = divmod(k, 2)
        return hierarchical_score(**spec, seq=index)

    sample_r, sample_c = rng.sample(range(2**16), 12), rng.sample(range(2**16), 12)
    rows, cols = nonsingular_minor([[entry(i, j) for j in sample_c] for i in sample_r])
    assert len(rows) >= 3, "the sample should hold a minor of order >= 3"
    return model, spec, [sample_r[k] for k in rows], [sample_c[k] for k in cols]


def test_hierarchical_N32_lower_bound_from_a_minor(tmp_path):
    model, spec, rows, cols = ht32_model_and_minor()
    with pytest.raises(er.InvalidInputError):
        er.grid_tensor(model)
    with pytest.raises(er.InvalidInputError):  # an upper bound needs all 2^32 entries
        er.certify(model, "odd-even")
    start = time.monotonic()
    cert = er.certify(model, "odd-even", claim="ge", r=len(rows), rows=rows, cols=cols)
    assert cert["tensor"] == {"model": er.model_to_dict(model)}
    assert api_verdict(cert)[0] and standalone_verdict(cert)[0]
    assert certificate_reference(cert) == (0, "verified")  # the oracle checked the minor
    path = tmp_path / "ht32.json"
    er.save_certificate(cert, path)
    for proc in (er_cli("verify", path), sa_cli(path)):
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "s VERIFIED\n", "")
    assert time.monotonic() - start < 20
    bad = json_copy(cert)
    bad["claim"]["r"] += 1
    assert not api_verdict(bad)[0] and not standalone_verdict(bad)[0]
    _changed_weights_follow_the_oracle(
        cert, (("weights", 0, 5, 1, 0), ("weights", 3, 1, 0, 1), ("output", 1), ("F", 1, 0))
    )
    # without rows and cols, certify searches a minor; whatever it finds is proven
    cert = er.certify(model, "odd-even", claim="ge", r=8, seed=3)
    assert api_verdict(cert)[0] and standalone_verdict(cert)[0]
    assert certificate_reference(cert) == (0, "verified")


# ---------------------------------------------------------------------------- tampering


def _spec_rng_rationals(rng, shape, dens=(1, 1, 2, 3)):
    if not shape:
        q = Q(rng.randint(-4, 4), rng.choice(dens))
        return int(q) if q.denominator == 1 else q
    return [_spec_rng_rationals(rng, shape[1:], dens) for _ in range(shape[0])]


def _rng_rnn(rng, xi, M, T, dens=(1, 1, 2, 3), with_F=None):
    L = [rng.randint(2, 3) for _ in range(T)]
    R = [1] + [rng.randint(2, 3) for _ in range(T - 1)] + [1]
    C = [_spec_rng_rationals(rng, (L[t], M), dens) for t in range(T)]
    G = [_spec_rng_rationals(rng, (L[t], R[t], R[t + 1]), dens) for t in range(T)]
    with_F = rng.random() < 0.4 if with_F is None else with_F
    F = _spec_rng_rationals(rng, (M, M), dens) if with_F else None
    return er.GeneralizedRNN(xi, C, G, F=F)


def _rng_shared(rng, xi, M, T, dens=(1, 1, 2, 3)):
    R = rng.randint(2, 3)
    cores = [
        (_spec_rng_rationals(rng, (2, M), dens), _spec_rng_rationals(rng, (2, 1, R), dens)),
        (_spec_rng_rationals(rng, (2, M), dens), _spec_rng_rationals(rng, (2, R, R), dens)),
        (_spec_rng_rationals(rng, (2, M), dens), _spec_rng_rationals(rng, (2, R, 1), dens)),
    ]
    return er.GeneralizedRNN.with_shared_cores(xi, *cores, T)


def _rng_shallow(rng, xi, M, T, dens=(1, 1, 2, 3), with_F=None):
    R = rng.randint(2, 4)
    with_F = rng.random() < 0.4 if with_F is None else with_F
    F = _spec_rng_rationals(rng, (M, M), dens) if with_F else None
    return er.GeneralizedShallow(
        xi, _spec_rng_rationals(rng, (R,), dens), _spec_rng_rationals(rng, (R, T, M), dens), F=F
    )


def _rng_tensor(rng, dims, rank=None, dens=(1, 1, 2, 3)):
    if rank is None:
        return exact_array(_spec_rng_rationals(rng, tuple(dims), dens))
    total = np.zeros(dims, dtype=object)
    for _ in range(rank):
        term = np.ones(dims, dtype=object)
        for axis, d in enumerate(dims):
            v = np.array([Q(x) for x in _spec_rng_rationals(rng, (d,), dens)], dtype=object)
            shape = [1] * len(dims)
            shape[axis] = d
            term = term * v.reshape(shape)
        total = total + term
    return total


def _tree_height(tree) -> int:
    return 0 if isinstance(tree, int) else 1 + _tree_height(tree[0])


def _tree_spec(rng, tree, M, widths, act="identity", pool="product", shared=False, **kw):
    """A hierarchical network's weights (small random rationals), as the keyword arguments
    of the oracle's hierarchical_score; ``shared`` repeats one array per level."""
    dens, with_F = kw.get("dens", (1, 1, 2, 3)), kw.get("with_F", False)
    levels = tree_levels(tree)
    inputs = [M, *widths]
    weights = []
    for l in range(len(levels) - 1):
        draws = 1 if shared else len(levels[l])
        arrays = [_spec_rng_rationals(rng, (widths[l], inputs[l]), dens) for _ in range(draws)]
        weights.append(arrays * len(levels[l]) if shared else arrays)
    return {
        "tree": tree,
        "weights": weights,
        "output": _spec_rng_rationals(rng, (widths[-1],), dens),
        "F": _spec_rng_rationals(rng, (M, M), dens) if with_F else None,
        "activation": act,
        "pooling": pool,
    }


def _tree_net(spec, shared=False) -> er.HierarchicalNetwork:
    keys = ("tree", "weights", "output", "F", "activation", "pooling")
    return er.HierarchicalNetwork(*(spec[k] for k in keys), shared=shared)


def _tree_grid(spec) -> dict:
    M, N = len(spec["weights"][0][0][0]), len(spec["weights"][0])
    return {s: hierarchical_score(**spec, seq=s) for s in itertools.product(range(M), repeat=N)}


def _rng_tree(rng, tree, M, widths, act="identity", pool="product", shared=False, **kw):
    spec = _tree_spec(rng, tree, M, widths, act, pool, shared, **kw)
    return _tree_net(spec, shared), spec


def _inner_nodes(tree) -> dict:
    """frozenset(modes) → level of the highest node with those modes, leaves and root apart."""
    levels = tree_levels(tree)
    return {_modes(v): h for h in range(1, len(levels) - 1) for v in levels[h]}


def _modes(node) -> frozenset:
    return frozenset([node]) if isinstance(node, int) else frozenset().union(*map(_modes, node))


def _rng_mixed(rng, spec1, spec2, nodes, dens=(1, 1, 2, 3)):
    """A MixedNetwork of two specs, exchanging at ``nodes``, and the oracle's mixture dict."""
    inner = [_inner_nodes(s["tree"]) for s in (spec1, spec2)]
    widths = [[len(level[0]) for level in s["weights"]] for s in (spec1, spec2)]
    mixture, entries = {}, []
    for modes in nodes:
        key = frozenset(modes)
        h = [inner[0][key], inner[1][key]]
        A = _spec_rng_rationals(rng, (widths[0][h[0]], widths[1][h[1] - 1]), dens)
        B = _spec_rng_rationals(rng, (widths[1][h[1]], widths[0][h[0] - 1]), dens)
        mixture[key] = (A, B)
        entries.append((list(modes), A, B))
    model = er.MixedNetwork(_tree_net(spec1), _tree_net(spec2), entries)
    return model, mixture


def _mixed_grid(spec1, spec2, mixture) -> dict:
    M, N = len(spec1["weights"][0][0][0]), len(spec1["weights"][0])
    return {s: mixed_score(spec1, spec2, mixture, s) for s in itertools.product(range(M), repeat=N)}


@functools.cache
def certificate_pool() -> tuple:
    """Valid certificates of every shape the format allows, made once (deterministic)."""
    rng = random.Random(20261123)
    pool = []

    def add(name, *args, **kwargs):
        pool.append((name, er.certify(*args, **kwargs)))

    add("rnn product QQ odd-even eq", _rng_rnn(rng, "product", 2, 4), "odd-even")
    add("rnn relu QQ left-right eq", _rng_rnn(rng, "relu", 2, 4), "left-right")
    add("rnn relu QQ M=3 odd-even eq", _rng_rnn(rng, "relu", 3, 3), "odd-even")
    add("rnn sum QQ rows=1 eq", _rng_rnn(rng, "sum", 3, 3), "rows=1")
    add("rnn product GF(7) eq", _rng_rnn(rng, "product", 2, 4), "odd-even", "GF(7)")
    add(
        "rnn sum GF(2) le", _rng_rnn(rng, "sum", 2, 3, (1, 1, 5)), "left-right", "GF(2)", claim="le"
    )
    add("rnn relu QQ ge", _rng_rnn(rng, "relu", 2, 4), ([3, 0], [1, 2]), claim="ge")
    # a QQ certificate read modulo a wide prime: its witness still proves the claim there
    # (certify itself over such primes is tested in test_certify_over_wide_primes)
    wide = er.certify(_rng_rnn(rng, "product", 2, 3), "odd-even")
    wide["claim"]["field"] = f"GF({BIG_PRIME})"
    pool.append(("rnn product GF(big p) eq, from QQ", wide))
    add("rnn relu QQ with F", _rng_rnn(rng, "relu", 3, 3, with_F=True), "rows=2,0")
    add("rnn product GF(big p) eq", _rng_rnn(rng, "product", 2, 3), "odd-even", f"GF({BIG_PRIME})")
    add("shallow relu T=1", _rng_shallow(rng, "relu", 3, 1), "rows=0")
    add("shallow product QQ with F", _rng_shallow(rng, "product", 2, 3, with_F=True), "rows=1")
    huge = er.GeneralizedRNN(
        "product",
        [[[rng.randint(-(10**12), 10**12) for _ in range(2)] for _ in range(2)] for _ in range(3)],
        [
            [[[rng.randint(-(2**40), 2**40) for _ in range(2)]] for _ in range(2)],
            [
                [[rng.randint(-(2**40), 2**40) for _ in range(2)] for _ in range(2)]
                for _ in range(2)
            ],
            [[[rng.randint(-(2**40), 2**40)] for _ in range(2)] for _ in range(2)],
        ],
    )
    add("rnn product huge weights", huge, "odd-even")
    add("shared product QQ T=4 eq", _rng_shared(rng, "product", 2, 4), "odd-even")
    add("shared relu QQ T=3 eq", _rng_shared(rng, "relu", 3, 3), "left-right")
    add("shared sum GF(101) T=4 eq", _rng_shared(rng, "sum", 2, 4), "odd-even", "GF(101)")
    add("shallow product QQ eq", _rng_shallow(rng, "product", 2, 4), "odd-even")
    add("shallow relu QQ eq", _rng_shallow(rng, "relu", 2, 3), "left-right")
    add("shallow sum GF(3) eq", _rng_shallow(rng, "sum", 3, 2, (1, 1, 5)), "odd-even", "GF(3)")
    add("shallow relu QQ le", _rng_shallow(rng, "relu", 2, 4), "rows=2,0", claim="le", r=3)
    add("explicit order 3 QQ eq", _rng_tensor(rng, [2, 3, 2]), "odd-even")
    add("explicit order 4 rank 2 eq", _rng_tensor(rng, [2, 2, 3, 2], rank=2), "left-right")
    add("explicit int GF(5) eq", np.array([[1, 2, 3], [4, 5, 6], [7, 8, 10]]), "rows=0", "GF(5)")
    add("explicit order 1", _rng_tensor(rng, [3]), "rows=0")
    add("explicit zero", np.zeros((2, 2), dtype=np.int64), "rows=1")
    add("explicit ge r=1", _rng_tensor(rng, [3, 3], rank=2), "rows=0", claim="ge", r=1)
    add("grid tensor source", er.grid_tensor(_rng_rnn(rng, "relu", 2, 3)), "rows=2")
    U = exact_array([[1, Q(1, 2)], [0, 3], [2, -1]])
    V = exact_array([[2, 0, 1, 1], [1, 1, Q(1, 3), 0]])
    X = exact_array(
        [[sum((U[i, k] * V[k, j] for k in range(2)), Q(0)) for j in range(4)] for i in range(3)]
    )
    add("factorization le", X, "rows=0", claim="le", factors=(U, V))
    add("factorization eq GF(11)", X, "rows=0", "GF(11)", claim="eq", factors=(U, V))
    add("shared relu T=2", _rng_shared(rng, "relu", 2, 2), "rows=1")
    for name, cert, _ in CONTRACT_CASES:
        if name in (
            "s = 0 factorization of zero",
            "T = 0, rank 1",
            "T = 0, rank 0",
            "both witnesses, good basis, bad factors",
        ):
            pool.append((name, json_copy(cert)))
    # seed 000: hierarchical and mixed networks, as models
    add("hier HT4 QQ eq", _rng_tree(rng, HT4, 2, [2, 2], with_F=True)[0], "odd-even")
    add(
        "hier mirror relu/max QQ eq",
        _rng_tree(rng, ((0, 3), (1, 2)), 2, [2, 1], "relu", "max")[0],
        "left-right",
    )
    add(
        "hier windows of 3 relu/mean QQ eq",
        _rng_tree(rng, W3, 2, [2, 2], "relu", "mean")[0],
        "rows=0,3",
    )
    add(
        "hier padded per-level ops QQ le",
        _rng_tree(rng, ((0, 1), (2,)), 3, [2, 2], ["relu", "identity"], ["max", "mean"])[0],
        "rows=1",
        claim="le",
    )
    add(
        "hier shared GF(7) eq",
        _rng_tree(rng, HT4, 2, [2, 2], shared=True, dens=(1, 2, 3))[0],
        "odd-even",
        "GF(7)",
    )
    add(
        "hier mean GF(5) ge",
        _rng_tree(rng, W3, 2, [2, 1], pool="mean", dens=(1, 2, 4))[0],
        "odd-even",
        "GF(5)",
        claim="ge",
    )
    add("hier one window QQ eq", _rng_tree(rng, (0, 1, 2), 3, [2])[0], "rows=2")
    spec1, spec2 = _tree_spec(rng, HT4, 2, [2, 2]), _tree_spec(rng, PADDED4, 2, [1, 2, 2])
    add("mixed QQ eq", _rng_mixed(rng, spec1, spec2, [(0, 1), (2, 3)])[0], "odd-even")
    spec1 = _tree_spec(rng, W3, 2, [2, 1], "relu", "max")
    spec2 = _tree_spec(rng, ((2, 0, 1), (5, 3, 4)), 2, [1, 2])
    add("mixed relu QQ eq", _rng_mixed(rng, spec1, spec2, [(0, 1, 2)])[0], "rows=0,4")
    spec1 = _tree_spec(rng, HT4, 2, [2, 2], dens=(1, 2))
    spec2 = _tree_spec(rng, ((0, 1), (2,), (3,)), 2, [2, 1], pool="mean", dens=(1, 2))
    add(
        "mixed GF(101) eq",
        _rng_mixed(rng, spec1, spec2, [(0, 1)], (1, 2))[0],
        "odd-even",
        "GF(101)",
    )
    model, rows, cols = big_model_and_minor()
    add("big shared T=40 ge", model, "odd-even", claim="ge", r=len(rows), rows=rows, cols=cols)
    model, _, rows, cols = ht32_model_and_minor()
    add("big HT N=32 ge", model, "odd-even", claim="ge", r=len(rows), rows=rows, cols=cols)
    return tuple(pool)


def test_pool_is_valid():
    for name, cert in certificate_pool():
        assert certificate_reference(cert) == (0, "verified"), name
        assert certificate_claim_truth(cert) in (True, None), name
        assert api_verdict(cert)[0], name
        assert standalone_verdict(cert)[0], name


def judge(cert, done, tmp_dir, conformance):
    """What a tampered certificate must satisfy. Always: the oracle's own consistency. Then
    either (``conformance`` False) soundness -- an accepted claim is TRUE -- and agreement of
    the two checkers, in process and through their command lines; or (``conformance`` True)
    the verdict tests/oracles.py reads from the contract, wherever the contract decides."""
    api, sa = api_verdict(cert), standalone_verdict(cert)
    ref, ref_reason = certificate_reference(cert)
    what = f"mutations {done}: api {api}, stand-alone {sa}, contract {ref} ({ref_reason})"
    with contextlib.suppress(Exception):  # statistics, under Hypothesis only
        event(f"accepted={api[0]} contract={ref}")
    if ref == 0:  # the oracle's own consistency: a witness it accepts proves a true claim
        assert certificate_claim_truth(cert) in (True, None), "oracle bug: " + what
    if conformance:
        if ref is not None:
            assert api[0] == (ref == 0), "api vs contract: " + what
            assert sa[0] == (ref == 0), "stand-alone vs contract: " + what
            # exit 2 (not a certificate, outside the limits) is a refusal, never a verdict
            outside = (api[1].startswith("CertificateFormatError:"), sa[1].startswith("NotA"))
            assert outside == (ref == 2, ref == 2), "NOT VERIFIED vs outside: " + what
        return
    assert api[0] == sa[0], "the checkers disagree: " + what
    if api[0] or sa[0]:
        truth = certificate_claim_truth(cert)
        # too big to build: a lower bound is proven by the oracle's own check of the minor
        proven = truth is True or (
            truth is None
            and isinstance(cert.get("claim"), dict)
            and cert["claim"].get("kind") == "ge"
            and certificate_witness_holds(cert)
        )
        assert proven, f"accepted a claim that is not true (truth {truth}): " + what
    path = tmp_dir / "tampered.json"
    path.write_text(json.dumps(cert), encoding="utf-8")
    (c1, o1, e1), (c2, o2, e2) = cli_codes(path)
    assert_output_shape(c1, o1, e1, "exactrank verify")
    assert_output_shape(c2, o2, e2, "verify_certificate.py")
    assert c1 == c2, f"exit codes {c1} vs {c2}: {e1}{o1} | {e2}{o2} " + what
    assert (c1 == 0) == api[0], "exactrank verify vs verify_certificate(): " + what


@st.composite
def pool_tampering(draw):
    pool = certificate_pool()
    name, cert = pool[draw(st.integers(0, len(pool) - 1))]
    mutated, done = draw(tampered(cert))
    return name, mutated, done


TAMPER = settings(deadline=None, suppress_health_check=list(HealthCheck))


@settings(TAMPER, max_examples=300)
@given(case=pool_tampering())
def test_tampering_is_sound_and_the_checkers_agree(case, tmp_path_factory):
    name, cert, done = case
    judge(cert, [name] + done, _tmp(tmp_path_factory), conformance=False)


@settings(TAMPER, max_examples=300)
@given(case=pool_tampering())
def test_tampering_verdicts_follow_the_contract(case, tmp_path_factory):
    name, cert, done = case
    judge(cert, [name] + done, _tmp(tmp_path_factory), conformance=True)


@pytest.mark.slow
@settings(TAMPER, max_examples=10_000)
@given(case=pool_tampering())
def test_tampering_many(case, tmp_path_factory):
    name, cert, done = case
    judge(cert, [name] + done, _tmp(tmp_path_factory), conformance=False)


@pytest.mark.slow
@settings(TAMPER, max_examples=10_000)
@given(case=pool_tampering())
def test_tampering_many_follow_the_contract(case, tmp_path_factory):
    name, cert, done = case
    judge(cert, [name] + done, _tmp(tmp_path_factory), conformance=True)


_TMP = {}


def _tmp(factory):
    if "dir" not in _TMP:
        _TMP["dir"] = factory.mktemp("tampered")
    return _TMP["dir"]


# targeted tampering of one certificate, each with the verdict the contract gives
def _eq_cert():
    return json_copy(dict(certificate_pool())["rnn relu QQ left-right eq"])


def _gf_cert():
    return json_copy(dict(certificate_pool())["rnn product GF(7) eq"])


def _wrap(value, depth):
    for _ in range(depth):
        value = [value]
    return value


def _set(cert, path, value):
    target = cert
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return cert


TARGETED = [
    ("r + 1", lambda c: _set(c, ("claim", "r"), c["claim"]["r"] + 1), 1),
    ("r as string", lambda c: _set(c, ("claim", "r"), str(c["claim"]["r"])), 1),
    ("r as float", lambda c: _set(c, ("claim", "r"), float(c["claim"]["r"])), 1),
    ("r true", lambda c: _set(c, ("claim", "r"), True), 1),
    ("field GF(4)", lambda c: _set(c, ("claim", "field"), "GF(4)"), 1),
    ("field PSI_12", lambda c: _set(c, ("claim", "field"), f"GF({PSI_12})"), 1),
    ("field PSI_13", lambda c: _set(c, ("claim", "field"), f"GF({PSI_13})"), 1),
    ("field gf7", lambda c: _set(c, ("claim", "field"), "GF7"), 1),
    ("field float", lambda c: _set(c, ("claim", "field"), "float"), 1),
    ("kind gt", lambda c: _set(c, ("claim", "kind"), "gt"), 1),
    ("extra keys", lambda c: _set(_set(c, ("claim", "note"), 1), ("witness", "x"), [1]), 0),
    ("no provenance", lambda c: (c.pop("provenance", None), c)[1], 0),
    ("xi softplus", lambda c: _set(c, ("tensor", "model", "xi"), "softplus"), 1),
    ("model M wrong", lambda c: _set(c, ("tensor", "model", "M"), 3), 1),
    ("weight float", lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), 1.0), 1),
    ("weight bool", lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), True), 1),
    ("weight arabic digit", lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), "١"), 1),
    ("weight underscore", lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), "1_0"), 1),
    ("weight plus", lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), "+1"), 1),
    ("weight 5000 digits", lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), "7" * 5000), 1),
    # the limits (docs/certificates.md): MAX_DIGITS digits are read, one more is outside
    ("weight 10000 digits", lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), "7" * 10_000), 1),
    ("weight 10001 digits", lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), "7" * 10_001), 2),
    (
        "weight denominator 10001 digits",
        lambda c: _set(c, ("tensor", "model", "C", 0, 0, 0), "1/" + "3" * 10_001),
        2,
    ),
    ("provenance 10001 digits", lambda c: _set(c, ("provenance", "n"), "-" + "9" * 10_001), 2),
    ("field of 10001 digits", lambda c: _set(c, ("claim", "field"), f"GF({'1' * 10_001})"), 2),
    ("field of 5000 digits", lambda c: _set(c, ("claim", "field"), f"GF(1{'0' * 4998}1)"), 1),
    ("relu over GF(7)", lambda c: _set(c, ("claim", "field"), "GF(7)"), 1),
    ("model T past MAX_MODES", lambda c: _set(c, ("tensor", "model", "T"), 4097), 2),
    ("model M past MAX_TEMPLATES", lambda c: _set(c, ("tensor", "model", "M"), 1025), 2),
    ("model M a float", lambda c: _set(c, ("tensor", "model", "M"), 2.0), 1),
    ("a float under an extra model key", lambda c: _set(c, ("tensor", "model", "x"), [0.5]), 1),
    (
        "an unchecked factorization past MAX_MINOR",
        lambda c: _set(c, ("witness", "factorization"), {"U": [[0] * 4097], "V": []}),
        2,
    ),
    (
        "minor rows past MAX_MINOR",
        lambda c: _set(c, ("witness", "minor", "rows"), list(range(4097))),
        2,
    ),
    (
        "a core wrapped 40 levels deep",
        lambda c: _set(c, ("tensor", "model", "C", 0), _wrap(c["tensor"]["model"]["C"][0], 40)),
        1,
    ),
    ("minor row -1", lambda c: _set(c, ("witness", "minor", "rows", 0), -1), 1),
    ("minor row m", lambda c: _set(c, ("witness", "minor", "rows", 0), 4), 1),
    (
        "minor row repeated",
        lambda c: _set(c, ("witness", "minor", "rows", -1), c["witness"]["minor"]["rows"][0]),
        1,
    ),
    (
        "minor row as string",
        lambda c: _set(c, ("witness", "minor", "rows", 0), str(c["witness"]["minor"]["rows"][0])),
        1,
    ),
    (
        "minor row bool",
        lambda c: _set(
            c,
            ("witness", "minor", "rows"),
            [True if x == 1 else x for x in c["witness"]["minor"]["rows"]],
        ),
        None,
    ),
    ("no minor", lambda c: (c["witness"].pop("minor"), c)[1], 1),
    ("no basis", lambda c: (c["witness"].pop("basis", None), c)[1], 1),
    (
        "modes swapped",
        lambda c: _set(
            _set(c, ("claim", "row_modes"), c["claim"]["col_modes"]),
            ("claim", "col_modes"),
            c["claim"]["row_modes"],
        ),
        None,
    ),
]


@pytest.mark.parametrize("name,change,code", TARGETED, ids=[t[0] for t in TARGETED])
def test_targeted_tampering(tmp_path, name, change, code):
    cert = change(_eq_cert())
    judge(cert, [name], tmp_path, conformance=False)
    judge(cert, [name], tmp_path, conformance=True)
    if code is not None:
        assert certificate_reference(cert)[0] == code  # the oracle reads the contract so
        path = tmp_path / "cert.json"
        path.write_text(json.dumps(cert), encoding="utf-8")
        assert [c for c, _, _ in cli_codes(path)] == [code, code]


def _in_model(*path, value):
    """A change of the certificate's model: the value at ``path`` (a callable: applied to it)."""

    def change(cert):
        target = cert["tensor"]["model"]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(target[path[-1]]) if callable(value) else value
        return cert

    return change


def _field_to(field):
    return lambda c: _set(c, ("claim", "field"), field)


HIER, SHARED7, MEAN5 = "hier HT4 QQ eq", "hier shared GF(7) eq", "hier mean GF(5) ge"
MIX, MIX101 = "mixed QQ eq", "mixed GF(101) eq"
# (name, the pool certificate changed, change, the contract's exit code or None, a word both
# reasons must hold); the model and its parts follow docs/model-files.md
MODEL_TARGETED = [
    ("a mode twice", HIER, _in_model("tree", value=[[0, 1], [2, 2]]), 1, "mode"),
    ("a mode missing", HIER, _in_model("tree", value=[[0, 1], [2, 4]]), 1, "mode"),
    ("leaves at different depths", HIER, _in_model("tree", value=[[0, 1], 2, 3]), 1, "depth"),
    ("an empty window", HIER, _in_model("tree", value=[[0, 1], [2, 3], []]), 1, "window"),
    ("a tree of one mode", HIER, _in_model("tree", value=0), 1, "tree"),
    ("a mode as a string", HIER, _in_model("tree", value=[["0", 1], [2, 3]]), 1, "tree"),
    ("a mode true", HIER, _in_model("tree", value=[[0, True], [2, 3]]), 1, "tree"),
    ("windows swapped", HIER, _in_model("tree", value=[[2, 3], [0, 1]]), None, ""),
    ("a level of weights missing", HIER, _in_model("weights", value=lambda w: w[:1]), 1, "weights"),
    ("an array of the wrong shape", HIER, _in_model("weights", 1, 0, value=[[1]]), 1, "weights"),
    ("an array too many", HIER, _in_model("weights", 0, value=lambda w: w + w[:1]), 1, "weights"),
    ("output too long", HIER, _in_model("output", value=lambda o: o + [1]), 1, "output"),
    ("F of the wrong shape", HIER, _in_model("F", value=[[1]]), 1, "F"),
    ("F null", HIER, _in_model("F", value=None), None, ""),
    ("an unknown activation", HIER, _in_model("activation", value="tanh"), 1, "activation"),
    ("an unknown pooling", HIER, _in_model("pooling", value="min"), 1, "pooling"),
    ("pooling one name short", HIER, _in_model("pooling", value=["product"]), 1, "pooling"),
    ("activation null", HIER, _in_model("activation", value=None), 1, "activation"),
    ("shared 'yes'", HIER, _in_model("shared", value="yes"), 1, "shared"),
    ("shared 1", HIER, _in_model("shared", value=1), 1, "shared"),
    (
        "shared arrays that differ",
        SHARED7,
        _in_model("weights", 0, value=lambda w: w * 3 + [[[1, 0], [0, 1]]]),
        1,
        "shared",
    ),
    (
        "shared, one equal array per node",
        SHARED7,
        _in_model("weights", 0, value=lambda w: w * 4),
        None,
        "",
    ),
    ("widths disagree", HIER, _in_model("widths", value=[3, 2]), 1, "widths"),
    ("widths as floats", HIER, _in_model("widths", value=[2.0, 2.0]), 1, "float"),
    ("widths past MAX_WIDTH", HIER, _in_model("widths", value=[4097, 2]), 2, "MAX_WIDTH"),
    ("a tree past MAX_MODES", HIER, _in_model("tree", value=list(range(4097))), 2, "MAX_MODES"),
    ("a float under an unknown key", HIER, _in_model("note", value={"x": [0.5]}), 1, "float"),
    (
        "into_first past MAX_WIDTH",
        MIX,
        _in_model("mixture", 0, "into_first", value=[[1]] * 4097),
        2,
        "MAX_WIDTH",
    ),
    ("M a float", HIER, _in_model("M", value=2.0), 1, "float"),
    ("a weight 0.5", HIER, _in_model("weights", 0, 0, 0, 0, value=0.5), 1, "float"),
    ("relu over GF(p)", SHARED7, _in_model("activation", value="relu"), 1, "relu"),
    ("max over GF(p)", SHARED7, _in_model("pooling", value=["product", "max"]), 1, "max"),
    ("mean over GF(p), p | a window size", MEAN5, _field_to("GF(3)"), 1, "mean"),
    ("mean over GF(p), p = 2 and windows of 3", MEAN5, _field_to("GF(2)"), None, ""),
    ("a kind that is not a model", HIER, _in_model("kind", value="overlapping"), 1, "overlapping"),
    ("an extra key is ignored", HIER, _in_model("xi", value="relu"), 0, ""),
    (
        "a mixture node not in both trees",
        MIX,
        _in_model("mixture", 0, "modes", value=[0, 2]),
        1,
        "internal",
    ),
    ("a leaf as mixture node", MIX, _in_model("mixture", 0, "modes", value=[0]), 1, "internal"),
    (
        "the root as mixture node",
        MIX,
        _in_model("mixture", 0, "modes", value=[0, 1, 2, 3]),
        1,
        "internal",
    ),
    ("a mixture node twice", MIX, _in_model("mixture", value=lambda x: x + x[:1]), 1, "mixture"),
    (
        "a mixture node's mode twice",
        MIX,
        _in_model("mixture", 0, "modes", value=[0, 1, 1]),
        1,
        "mode",
    ),
    (
        "a mixture item with an extra key",
        MIX,
        _in_model("mixture", 0, "note", value=1),
        1,
        "mixture",
    ),
    (
        "into_first of the wrong shape",
        MIX,
        _in_model("mixture", 0, "into_first", value=[[1]]),
        1,
        "into_first",
    ),
    ("mixture modes in another order", MIX, _in_model("mixture", 0, "modes", value=[1, 0]), 0, ""),
    (
        "second not hierarchical",
        MIX,
        _in_model("second", "kind", value="generalized-rnn"),
        1,
        "second",
    ),
    ("the components' F differ", MIX, _in_model("first", "F", value=[[1, 1], [0, 1]]), 1, "F"),
    ("a top-level F is ignored", MIX, _in_model("F", value=[[2, 0], [0, 2]]), 0, ""),
    ("a top-level F with a float", MIX, _in_model("F", value=[[0.5]]), 1, "float"),
    ("no mixture key", MIX, lambda c: (c["tensor"]["model"].pop("mixture"), c)[1], 1, "mixture"),
    ("an empty mixture", MIX, _in_model("mixture", value=[]), None, ""),
    (
        "relu in a component over GF(p)",
        MIX101,
        _in_model("first", "activation", value="relu"),
        1,
        "relu",
    ),
]


@pytest.mark.parametrize(
    "name,base,change,code,word", MODEL_TARGETED, ids=[t[0] for t in MODEL_TARGETED]
)
def test_malformed_seed000_models(tmp_path, name, base, change, code, word):
    """A malformed hierarchical or mixed model: NOT VERIFIED, with a reason naming the fault,
    by both checkers, in process and through their command lines."""
    cert = change(json_copy(dict(certificate_pool())[base]))
    judge(cert, [name], tmp_path, conformance=False)
    judge(cert, [name], tmp_path, conformance=True)
    if code is not None:
        assert certificate_reference(cert)[0] == code, certificate_reference(cert)
        path = tmp_path / "cert.json"
        path.write_text(json.dumps(cert), encoding="utf-8")
        assert [c for c, _, _ in cli_codes(path)] == [code, code]
    if word:
        for verified, reason in (api_verdict(cert), standalone_verdict(cert)):
            assert not verified and word.lower() in reason.lower(), reason


@pytest.mark.parametrize("p", [3, 5, 11, 13, 2**61 - 1, BIG_PRIME])
def test_gf_certificate_under_another_prime(tmp_path, p):
    """The same witness read modulo another prime: accepted exactly when it still proves."""
    cert = _set(_gf_cert(), ("claim", "field"), f"GF({p})")
    judge(cert, [f"GF(7) -> GF({p})"], tmp_path, conformance=False)
    judge(cert, [f"GF(7) -> GF({p})"], tmp_path, conformance=True)


def _primes_below(bound, count):
    out, n = [], bound - 1
    while len(out) < count:
        if is_prime_ref(n):
            out.append(n)
        n -= 1
    return out


# numbers that vanish under int64 wrap-around, float64 rounding or a fixed modulus
VANISHING = [
    2**64,
    2**63,
    3 * 2**62,
    2**53,
    2**64 * 3**40,
    (2**61 - 1) * (2**31 - 1),
    math.prod(_primes_below(2**62, 40)),
    math.prod(_primes_below(2**63, 40)),
    math.prod(_primes_below(2**64, 40)),
    math.prod(_primes_below(2**31, 40)),
]


def _diag_cert(X, kind, field="QQ"):
    """The matrix [[1, 0], [0, X]] (explicit, rows = mode 0): "le 1" with row 1 = 0 · row 0
    is false unless X = 0 in the field; "ge 2" from the whole matrix is true unless so."""
    cert = {
        "format": "exactrank-certificate",
        "version": 1,
        "claim": {
            "kind": kind,
            "r": 1 if kind == "le" else 2,
            "field": field,
            "row_modes": [0],
            "col_modes": [1],
        },
        "tensor": {"dims": [2, 2], "entries": [1, 0, 0, X]},
        "witness": {
            "minor": {"rows": [0, 1], "cols": [0, 1]},
            "basis": {"rows": [0], "coefficients": [[1, [[0, 0]]]]},
            "factorization": {"U": [[1], [0]], "V": [[1, 0]]},
        },
    }
    return cert


@pytest.mark.parametrize("X", VANISHING, ids=[f"bits{x.bit_length()}" for x in VANISHING])
@pytest.mark.parametrize("form", ["int", "string", "fraction"])
def test_arithmetic_that_could_wrap(tmp_path, X, form):
    """A false upper bound whose identity fails only by a number that int64, float64 or a
    fixed modulus would see as zero must be refused; the true lower bound accepted."""
    value = {"int": X, "string": str(X), "fraction": f"{X * 7}/7"}[form]
    for kind in ("le", "ge"):
        for upper in ("basis", "factorization"):
            cert = _diag_cert(value, kind)
            other = "factorization" if upper == "basis" else "basis"
            del cert["witness"][other]
            judge(cert, [f"{kind} {upper} X=2^{X.bit_length()}"], tmp_path, conformance=False)
            judge(cert, [f"{kind} {upper} X=2^{X.bit_length()}"], tmp_path, conformance=True)
            assert api_verdict(cert)[0] is (kind == "ge")
            assert standalone_verdict(cert)[0] is (kind == "ge")
    # over GF(p) with p | X the upper bound is true, and the minor singular
    for p in (2, 3, 2**31 - 1, 2**61 - 1):
        if X % p == 0:
            for kind in ("le", "ge"):
                cert = _diag_cert(value, kind, f"GF({p})")
                del cert["witness"]["factorization"]
                assert api_verdict(cert)[0] is (kind == "le"), (p, kind)
                assert standalone_verdict(cert)[0] is (kind == "le"), (p, kind)


def test_gf_denominator_divisible_by_p(tmp_path):
    cert = er.certify(exact_array([[1, Q(1, 2)], [3, 4]]), "rows=0", "GF(7)")
    # the basis coefficient or an entry 1/7: refused over GF(7)
    cert["tensor"]["entries"][1] = "1/7"
    judge(cert, ["entry 1/7 over GF(7)"], tmp_path, conformance=False)
    judge(cert, ["entry 1/7 over GF(7)"], tmp_path, conformance=True)
    assert not api_verdict(cert)[0] and not standalone_verdict(cert)[0]


def _cert(claim, tensor, witness):
    return {
        "format": "exactrank-certificate",
        "version": 1,
        "claim": dict(zip(("kind", "r", "field", "row_modes", "col_modes"), claim, strict=True)),
        "tensor": tensor,
        "witness": witness,
    }


def _explicit(dims, entries):
    return {"dims": dims, "entries": entries}


def _shared_model(T, inner_C=((1, 0), (0, 1)), F=None):
    model = {
        "format": "exactrank-model",
        "version": 1,
        "kind": "generalized-rnn",
        "xi": "product",
        "shared": True,
        "T": T,
        "C": [[[1, 2], [3, -1]], [list(row) for row in inner_C], [[1, 1], [2, -1]]],
        "G": [
            [[[1, 0]], [[0, 1]]],
            [[[1, 0], [0, 1]], [[1, 1], [0, 1]]],
            [[[1], [1]], [[2], [-1]]],
        ],
    }
    if F is not None:
        model["F"] = F
    return {"model": model}


ZERO_2x2 = _explicit([2, 2], [0, 0, 0, 0])
FULL_2x2 = _explicit([2, 2], [1, 2, 3, 4])
RANK1_2x2 = _explicit([2, 2], [1, 2, 2, 4])
GOOD_BASIS = {"rows": [0], "coefficients": [[1, [[0, 2]]]]}
GOOD_FACTORS = {"U": [[1], [2]], "V": [[1, 2]]}
# (name, certificate, the exit code of the contract, or None: agreement and soundness only)
CONTRACT_CASES = [
    (
        "s = 0 factorization of zero",
        _cert(("le", 0, "QQ", [0], [1]), ZERO_2x2, {"factorization": {"U": [[], []], "V": []}}),
        0,
    ),
    (
        "s = 0 with V = [[]]",
        _cert(("le", 0, "QQ", [0], [1]), ZERO_2x2, {"factorization": {"U": [[], []], "V": [[]]}}),
        1,
    ),
    (
        "s = 0 of a nonzero matrix",
        _cert(("le", 0, "QQ", [0], [1]), RANK1_2x2, {"factorization": {"U": [[], []], "V": []}}),
        1,
    ),
    (
        "s = 0 with too few rows of U",
        _cert(("le", 0, "QQ", [0], [1]), ZERO_2x2, {"factorization": {"U": [[]], "V": []}}),
        1,
    ),
    (
        "T = 0, rank 1",
        _cert(
            ("eq", 1, "QQ", [], []),
            _explicit([], ["-5/3"]),
            {"minor": {"rows": [0], "cols": [0]}, "basis": {"rows": [0], "coefficients": []}},
        ),
        0,
    ),
    (
        "T = 0, rank 0",
        _cert(
            ("eq", 0, "QQ", [], []),
            _explicit([], [0]),
            {"minor": {"rows": [], "cols": []}, "basis": {"rows": [], "coefficients": [[0, []]]}},
        ),
        0,
    ),
    (
        "T = 0, false rank 0",
        _cert(
            ("le", 0, "QQ", [], []),
            _explicit([], [7]),
            {"basis": {"rows": [], "coefficients": [[0, []]]}},
        ),
        1,
    ),
    (
        "T = 0, two entries",
        _cert(("ge", 0, "QQ", [], []), _explicit([], [1, 2]), {"minor": {"rows": [], "cols": []}}),
        1,
    ),
    (
        "both witnesses, good basis, bad factors",
        _cert(
            ("le", 1, "QQ", [0], [1]),
            RANK1_2x2,
            {"basis": GOOD_BASIS, "factorization": {"U": [[1], [3]], "V": [[1, 2]]}},
        ),
        0,
    ),
    (
        "both witnesses, bad basis, good factors",
        _cert(
            ("le", 1, "QQ", [0], [1]),
            RANK1_2x2,
            {
                "basis": {"rows": [0], "coefficients": [[1, [[0, 3]]]]},
                "factorization": GOOD_FACTORS,
            },
        ),
        1,
    ),
    (
        "both witnesses, garbage factors",
        _cert(
            ("le", 1, "QQ", [0], [1]), RANK1_2x2, {"basis": GOOD_BASIS, "factorization": "garbage"}
        ),
        0,
    ),
    (
        "an unneeded basis is not checked",
        _cert(
            ("ge", 2, "QQ", [0], [1]),
            FULL_2x2,
            {"minor": {"rows": [0, 1], "cols": [1, 0]}, "basis": "garbage"},
        ),
        0,
    ),
    (
        "r = 0 with an empty minor",
        _cert(("ge", 0, "QQ", [0], [1]), FULL_2x2, {"minor": {"rows": [], "cols": []}}),
        0,
    ),
    (
        "a minor of order r + 1",
        _cert(("ge", 1, "QQ", [0], [1]), FULL_2x2, {"minor": {"rows": [0, 1], "cols": [0, 1]}}),
        1,
    ),
    (
        "basis rows more than r",
        _cert(("le", 1, "QQ", [0], [1]), FULL_2x2, {"basis": {"rows": [0, 1], "coefficients": []}}),
        1,
    ),
    (
        "basis row listed twice",
        _cert(
            ("le", 2, "QQ", [0], [1]),
            FULL_2x2,
            {"basis": {"rows": [0, 0], "coefficients": [[1, []]]}},
        ),
        1,
    ),
    (
        "coefficient k twice",
        _cert(
            ("le", 1, "QQ", [0], [1]),
            RANK1_2x2,
            {"basis": {"rows": [0], "coefficients": [[1, [[0, 1], [0, 1]]]]}},
        ),
        1,
    ),
    (
        "coefficients of a row twice",
        _cert(
            ("le", 1, "QQ", [0], [1]),
            RANK1_2x2,
            {"basis": {"rows": [0], "coefficients": [[1, [[0, 2]]], [1, [[0, 2]]]]}},
        ),
        1,
    ),
    (
        "shared T = 2, good inner core",
        _cert(("ge", 1, "QQ", [0], [1]), _shared_model(2), {"minor": {"rows": [0], "cols": [0]}}),
        None,
    ),
    (
        "shared T = 2, inner core with a float",
        _cert(
            ("ge", 1, "QQ", [0], [1]),
            _shared_model(2, inner_C=((1, 0.5), (0, 1))),
            {"minor": {"rows": [0], "cols": [0]}},
        ),
        1,
    ),
    (
        "shared T = 2, inner core 1/7 over GF(7)",
        _cert(
            ("ge", 1, "GF(7)", [0], [1]),
            _shared_model(2, inner_C=((1, "1/7"), (0, 1))),
            {"minor": {"rows": [0], "cols": [0]}},
        ),
        1,
    ),
    (
        "shared T = 3, inner core 1/7 over GF(7)",
        _cert(
            ("ge", 1, "GF(7)", [0], [1, 2]),
            _shared_model(3, inner_C=((1, "1/7"), (0, 1))),
            {"minor": {"rows": [0], "cols": [0]}},
        ),
        1,
    ),
    (
        "F row never used with 1/5 over GF(5)",
        _cert(
            ("ge", 1, "GF(5)", [0], [1, 2]),
            _shared_model(3, F=[[1, 0], [2, "1/5"]]),
            {"minor": {"rows": [0], "cols": [0]}},
        ),
        1,
    ),
    (
        "model upper bound over 2^31 entries",
        _cert(
            ("le", 2**16, "QQ", list(range(16)), list(range(16, 31))),
            _shared_model(31),
            {"basis": {"rows": [], "coefficients": [[i, []] for i in range(2**16)]}},
        ),
        2,  # an upper bound needs every entry: past MAX_GRID_ENTRIES it is outside the format
    ),
    (
        "model lower bound over 2^31 entries",
        _cert(
            ("ge", 0, "QQ", list(range(16)), list(range(16, 31))),
            _shared_model(31),
            {"minor": {"rows": [], "cols": []}},
        ),
        0,
    ),
    (
        "model eq over 2^31 entries, its minor garbage",
        _cert(("eq", 0, "QQ", list(range(16)), list(range(16, 31))), _shared_model(31), {}),
        2,  # MAX_ENTRIES: refused once the claim and the model are read, before the witness
    ),
    (
        "shared T = MAX_MODES, a lower bound",
        _cert(
            ("ge", 0, "QQ", list(range(2048)), list(range(2048, 4096))),
            _shared_model(4096),
            {"minor": {"rows": [], "cols": []}},
        ),
        0,
    ),
    (
        "shared T = MAX_MODES + 1",
        _cert(
            ("ge", 0, "QQ", list(range(2048)), list(range(2048, 4097))),
            _shared_model(4097),
            {"minor": {"rows": [], "cols": []}},
        ),
        2,
    ),
    (
        "explicit dims of MAX_TEMPLATES",
        _cert(
            ("ge", 1, "QQ", [0], []),
            _explicit([1024], [0] * 1023 + [5]),
            {"minor": {"rows": [1023], "cols": [0]}},
        ),
        0,
    ),
    (
        "explicit dims past MAX_TEMPLATES",
        _cert(("ge", 0, "QQ", [0], []), _explicit([1025], [0] * 1025), {"minor": {}}),
        2,
    ),
    (
        "an entry of MAX_DIGITS digits",
        _cert(
            ("eq", 1, "QQ", [0], []),
            _explicit([1], ["-1" + "0" * 9999]),
            {"minor": {"rows": [0], "cols": [0]}, "basis": {"rows": [0], "coefficients": []}},
        ),
        0,
    ),
    (
        "an unused entry of MAX_DIGITS + 1 digits",
        _cert(
            ("ge", 1, "QQ", [0], [1]),
            _explicit([2, 2], [1, 2, 3, "1/" + "7" * 10_001]),
            {"minor": {"rows": [0], "cols": [0]}},
        ),
        2,
    ),
    (
        "model and entries both",
        _cert(
            ("ge", 0, "QQ", [0], [1]),
            {**FULL_2x2, **_shared_model(2)},
            {"minor": {"rows": [], "cols": []}},
        ),
        None,
    ),
]


@pytest.mark.parametrize("name,cert,code", CONTRACT_CASES, ids=[c[0] for c in CONTRACT_CASES])
def test_contract_cases(tmp_path, name, cert, code):
    """Hand-made certificates at the corners the contract spells out."""
    start = time.monotonic()
    judge(cert, [name], tmp_path, conformance=False)
    judge(cert, [name], tmp_path, conformance=True)
    if code is not None:
        assert certificate_reference(cert)[0] == code, certificate_reference(cert)
        path = tmp_path / "cert.json"
        path.write_text(json.dumps(cert), encoding="utf-8")
        assert [c for c, _, _ in cli_codes(path)] == [code, code]
    assert time.monotonic() - start < 20


# ---------------------------------------------------------------------------- malformed files


def _base_cert():
    return json_copy(dict(certificate_pool())["rnn relu QQ left-right eq"])


def _dump(obj):
    return json.dumps(obj)


def _replace_r(text):
    base = _base_cert()
    return _dump(base).replace(f'"r": {base["claim"]["r"]}', f'"r": {text}', 1)


def _deep_list(depth, leaf="1"):
    return "[" * depth + leaf + "]" * depth


NOT_A_CERTIFICATE = [
    ("empty file", ""),
    ("not JSON", '{"format": "exactrank-certificate", '),
    ("invalid UTF-8", b'\xff\xfe{"format": 1}'),
    (
        "invalid UTF-8 inside a string",
        lambda: (
            _dump(_base_cert())
            .replace('"provenance"', '"prov\udcffenance"', 1)
            .encode("utf-8", "surrogateescape")
        ),
    ),
    ("top-level list", "[1, 2]"),
    ("top-level string", '"exactrank-certificate"'),
    ("top-level null", "null"),
    ("wrong format", lambda: _dump({**_base_cert(), "format": "exactrank-model"})),
    ("no format", lambda: _dump({k: v for k, v in _base_cert().items() if k != "format"})),
    ("version 2", lambda: _dump({**_base_cert(), "version": 2})),
    ("version true", lambda: _dump({**_base_cert(), "version": True})),
    ("version 1.0", lambda: _dump({**_base_cert(), "version": 1.0})),
    ("version '1'", lambda: _dump({**_base_cert(), "version": "1"})),
    ("missing claim", lambda: _dump({k: v for k, v in _base_cert().items() if k != "claim"})),
    ("missing tensor", lambda: _dump({k: v for k, v in _base_cert().items() if k != "tensor"})),
    ("missing witness", lambda: _dump({k: v for k, v in _base_cert().items() if k != "witness"})),
    ("r = 10**10001 as a JSON integer (past MAX_DIGITS)", "R:1" + "0" * 10_001),
    ("an entry of 10001 digits as a JSON integer (past MAX_DIGITS)", "W:" + "7" * 10_001),
    ("nesting 100000 deep", "R:" + _deep_list(100_000)),
]

# (name, file text, the exit codes the contract allows)
MALFORMED_INSIDE = [
    ("r = 10**30", "R:" + str(10**30), {1}),
    ("r = 10**5000 as a JSON integer (within MAX_DIGITS)", "R:1" + "0" * 5000, {1}),
    ("an entry of 5000 digits as a JSON integer (within MAX_DIGITS)", "W:" + "7" * 5000, {1}),
    ("r a 5000-digit string", "R:" + json.dumps("9" * 5000), {1}),
    ("r a string", 'R:"3"', {1}),
    ("r negative", "R:-1", {1}),
    ("r a float", "R:2.0", {1}),
    ("r NaN", "R:NaN", {1}),
    ("r Infinity", "R:Infinity", {1}),
    ("r 1e400", "R:1e400", {1}),
    # "lists and objects nested deeper than 64 levels (the top-level object is level 1)": 2
    ("witness 63 lists deep (64 levels)", "K:witness:" + _deep_list(63), {1}),
    ("witness 64 lists deep (65 levels)", "K:witness:" + _deep_list(64), {2}),
    ("witness 63 levels of objects", "K:witness:" + '{"a": ' * 63 + "1" + "}" * 63, {1}),
    ("witness 64 levels of objects", "K:witness:" + '{"a": ' * 64 + "1" + "}" * 64, {2}),
    ("r nested 200 deep", "R:" + _deep_list(200), {2}),
    ("r nested 990 deep", "R:" + _deep_list(990), {2}),
    ("weight a 5000-digit string", "W:" + json.dumps("7" * 5000), {1}),
    ("weight a 5000-digit denominator", "W:" + json.dumps("1/" + "3" * 5000), {1}),
    ("weight nested 200 deep", "W:" + _deep_list(200), {2}),
    ("weight nested 990 deep", "W:" + _deep_list(990), {2}),
    ("weight 0.5", "W:0.5", {1}),
    ("a core wrapped 40 levels deep", "K0:" + "[" * 40 + "[[1, 2], [3, 4]]" + "]" * 40, {1}),
    ("weight NaN", "W:NaN", {1}),
    ("claim a list", "K:claim:[1, 2]", {1}),
    ("tensor a string", 'K:tensor:"model"', {1}),
    ("witness null", "K:witness:null", {1}),
    ("witness nested 200 deep", "K:witness:" + _deep_list(200), {2}),
    ("field nested 200 deep", "C:field:" + _deep_list(200, '"QQ"'), {2}),
    ("field nested 990 deep", "C:field:" + _deep_list(990, '"QQ"'), {2}),
    ("provenance nested 100 deep", "K:provenance:" + _deep_list(100), {2}),
    ("field GF of a 100000-digit prime candidate", 'C:field:"GF(1' + "0" * 99_999 + '1)"', {2}),
    ("field GF(PSI_13)", f'C:field:"GF({PSI_13})"', {1}),
    ("row_modes a string", 'C:row_modes:"0,1"', {1}),
    ("row_modes 10**30", f"C:row_modes:[{10**30}, 1]", {1}),
    ("minor rows 10**30", f"M:rows:[{10**30}]", {1}),
    ("minor rows an object", 'M:rows:{"0": 1}', {1}),
    # past MAX_MODES / MAX_TEMPLATES (docs/certificates.md, limits): outside the format, exit 2
    ("model T 10**30", f"T:{10**30}", {2}),
    ("model shared with T 10**30", "S:" + str(10**30), {2}),
    ("explicit dims 10**30", "D:" + json.dumps({"dims": [10**30, 10**30], "entries": [1]}), {2}),
]


def _malformed_text(spec: str) -> str:
    """Build a certificate file from a short spec: R: the claim's r, W: the first weight,
    K:key: a top-level part, C:key: a claim key, M:key: a minor key, T:/S: the model's T
    (S: also "shared": true), D: the tensor."""
    base = _base_cert()
    marker = "__MARK__"
    tag, _, rest = spec.partition(":")
    if tag == "R":
        base["claim"]["r"] = marker
    elif tag == "W":
        base["tensor"]["model"]["C"][0][0][0] = marker
    elif tag == "K0":
        base["tensor"]["model"]["C"][0] = marker
    elif tag in ("K", "C", "M"):
        key, _, rest = rest.partition(":")
        target = {"K": base, "C": base["claim"], "M": base["witness"]["minor"]}[tag]
        target[key] = marker
    elif tag in ("T", "S"):
        base["tensor"]["model"]["T"] = marker
        if tag == "S":
            base["tensor"]["model"]["shared"] = True
    elif tag == "D":
        base["tensor"] = marker
    return json.dumps(base).replace(json.dumps(marker), rest, 1)


def _write_case(tmp_path, content) -> Path:
    path = tmp_path / "cert.json"
    if callable(content):
        content = content()
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        if content[:2] in ("R:", "W:"):
            content = _malformed_text(content)
        path.write_text(content, encoding="utf-8")
    return path


def _one_clean_line(proc, allowed):
    if isinstance(proc, tuple):  # (code, stdout, stderr) of an in-process main()
        proc = subprocess.CompletedProcess([], proc[0], proc[1], proc[2])
    assert proc.returncode in allowed, (proc.returncode, proc.stdout[:300], proc.stderr[:300])
    assert "Traceback" not in proc.stderr + proc.stdout
    if proc.returncode == 2:
        assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1, proc.stderr[:500]
    else:
        lines = proc.stdout.splitlines()
        assert len(lines) == 1 and lines[0].startswith("s NOT VERIFIED: "), proc.stdout[:500]
        assert len(lines[0]) < 2000, "the reason is one readable line"


def _er_json_in_process(path):
    from exactrank.cli import main as er_main

    code, out, err = run_main(er_main, ["verify", str(path), "--json"])
    assert "Traceback" not in out + err
    if code == 2:
        assert out == "" and len(err.splitlines()) == 1, err
    else:
        report = json.loads(out)
        assert report["verified"] is (code == 0) and isinstance(report["reason"], str)
    return code


@pytest.mark.parametrize("name,content", NOT_A_CERTIFICATE, ids=[c[0] for c in NOT_A_CERTIFICATE])
def test_not_a_certificate(tmp_path, name, content):
    path = _write_case(tmp_path, content)
    allowed = {2}
    procs = [er_cli("verify", path), sa_cli(path)]
    for proc in procs:
        _one_clean_line(proc, allowed)
    assert procs[0].returncode == procs[1].returncode
    assert _er_json_in_process(path) in allowed
    if procs[0].returncode == 2:
        with pytest.raises(er.CertificateFormatError) as info:
            er.load_certificate(path)
        assert isinstance(info.value, er.ExactRankError)
        assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "name,spec,allowed", MALFORMED_INSIDE, ids=[c[0] for c in MALFORMED_INSIDE]
)
def test_malformed_content(tmp_path, name, spec, allowed):
    path = tmp_path / "cert.json"
    path.write_text(_malformed_text(spec), encoding="utf-8")
    start = time.monotonic()
    # exactrank in process (its import is the slow part of a subprocess), except where the
    # depth of the call stack matters; the stand-alone checker as a user runs it
    from exactrank.cli import main as er_main

    if "deep" in name:
        first = er_cli("verify", path, timeout=60)
    else:
        first = run_main(er_main, ["verify", str(path)])
    procs = [first, sa_cli(path, timeout=60)]
    assert time.monotonic() - start < 30, "malformed input must be refused quickly"
    for proc in procs:
        _one_clean_line(proc, allowed)
    codes = [p[0] if isinstance(p, tuple) else p.returncode for p in procs]
    assert codes[0] == codes[1], codes


def test_the_oracle_limits_are_the_documented_ones():
    """tests/oracles.py keeps its own copy of the limits (it imports nothing from exactrank):
    the numbers of the table in docs/certificates.md, "Limits and exit codes"."""
    text = (ROOT / "docs" / "certificates.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(MAX_[A-Z_]+)` \| ([^|]+) \|", text, re.MULTILINE))
    powers = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

    def number(cell):  # "64", "10 000", "2²⁴ (16 777 216)", "2³⁰"
        spelled = re.search(r"\((.*)\)", cell)
        cell = re.sub(r"\s", "", spelled[1] if spelled else cell)
        return int(cell) if cell.isdecimal() else 2 ** int(cell[1:].translate(powers))

    documented = {name: number(cell) for name, cell in table.items()}
    documented.pop("MAX_FILE_BYTES")  # the size of a file: the oracle reads parsed JSON
    assert documented["MAX_WEIGHTS"] == 2**24 and documented["MAX_DIGITS"] == 10_000
    import oracles

    assert {name: getattr(oracles, name, None) for name in documented} == documented


def test_unreadable_files(tmp_path):
    for path in (tmp_path / "missing.json", tmp_path):
        for proc in (er_cli("verify", path), sa_cli(path)):
            _one_clean_line(proc, {2})
        with pytest.raises(er.CertificateFormatError):
            er.load_certificate(path)
    locked = tmp_path / "locked.json"
    locked.write_text(json.dumps(_base_cert()), encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # running as root: permissions do not stop reading
            pytest.skip("cannot make an unreadable file here")
        for proc in (er_cli("verify", locked), sa_cli(locked)):
            _one_clean_line(proc, {2})
    finally:
        locked.chmod(0o644)


def test_standalone_main_signature(tmp_path):
    """main(argv) returns the exit code; check(cert) returns (bool, str)."""
    cert = _base_cert()
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(cert), encoding="utf-8")
    code, out, err = run_main(standalone().main, [str(path)])
    assert (code, out, err) == (0, "s VERIFIED\n", "")
    assert standalone().check(cert) == (True, standalone().check(cert)[1])
    cert["claim"]["r"] += 1
    ok, reason = standalone().check(cert)
    assert ok is False and reason and "\n" not in reason


@given(st.data())
@settings(max_examples=30, deadline=None)
def test_numbers_follow_the_grammar(data):
    """An entry written in another legal spelling of the same rational is accepted; a
    near-miss spelling is refused (every entry is used by an "eq" certificate)."""
    cert = er.certify(exact_array([[1, Q(-2, 3)], [3, 0]]), "rows=0")
    entries = cert["tensor"]["entries"]
    k = data.draw(st.integers(0, 3), label="k")
    v = Q(entries[k])
    n, d = v.numerator, v.denominator
    sign, a = ("-" if n < 0 else ""), abs(n)
    spellings = [
        f"{n}/{d}",
        f"{sign}{2 * a}/{2 * d}",
        f"{sign}00{a}/{d}",
        f"{sign}{3 * a}/0{3 * d}",
    ]
    if d == 1:
        spellings += [f"{sign}00{a}", str(n)]
    if v == 0:
        spellings += ["-0", "0/7", "-0/3"]
    legal = data.draw(st.sampled_from(spellings), label="legal")
    assume(Q(legal) == v)
    entries[k] = legal
    assert certificate_reference(cert) == (0, "verified")
    assert api_verdict(cert)[0] and standalone_verdict(cert)[0], legal
    bad = data.draw(
        st.sampled_from(
            [
                "3.0",
                "+3",
                " 3",
                "3 ",
                "3/0",
                "3/-1",
                "1_0",
                "٣",
                "0x3",
                "3e0",
                "",
                "-",
                "/3",
                "3/",
                "--3",
                "３",
                "3\n",
                "1/2/3",
            ]
        ),
        label="bad",
    )
    entries[k] = bad
    assert certificate_reference(cert)[0] == 1
    assert not api_verdict(cert)[0] and not standalone_verdict(cert)[0], bad
