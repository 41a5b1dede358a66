"""``exactrank verify`` and proofs/verify_certificate.py on one table of files (issue 10).

docs/certificates.md, "Limits and exit codes": both checkers enforce one table of limits and
give the same exit code on every file: 0 VERIFIED, 1 NOT VERIFIED, 2 not a certificate or
outside the limits (one line on stderr), 3 could not check. Each row below is a file --
valid certificates made by exactrank.certify, tampered ones, every limit at and past its
value, repeated keys, deep nesting, long numbers, floats, FIFOs and folders -- with the exit
code the contract gives. Both run as a user runs them, as subprocesses with a timeout (a
bug may hang, recurse or leave Python's digit limit changed).
"""

from __future__ import annotations

import importlib
import json
import os
import random
import subprocess
import sys
import time

import pytest
from test_certificates import (
    HT4,
    STANDALONE,
    _rng_rnn,
    _rng_shallow,
    _rng_shared,
    _rng_tree,
    er_cli,
    run_main,
    sa_cli,
    standalone,
)

import exactrank as er
from exactrank.cli import main as er_main

LIMITS = ("FILE_BYTES", "DEPTH", "DIGITS", "MODES", "TEMPLATES", "WIDTH", "WEIGHTS", "MINOR")
MAX_DIGITS = 10_000  # the limits, as docs/certificates.md states them
MAX_MODES, MAX_TEMPLATES, MAX_WIDTH, MAX_MINOR = 4096, 1024, 4096, 4096
MAX_FILE_BYTES, MAX_WEIGHTS = 256 * 2**20, 2**24


# ---------------------------------------------------------------------------- certificates


def certificate(claim, tensor, witness) -> dict:
    """A certificate of (kind, r, field, row_modes, col_modes), a tensor and a witness."""
    keys = ("kind", "r", "field", "row_modes", "col_modes")
    return {
        "format": "exactrank-certificate",
        "version": 1,
        "claim": dict(zip(keys, claim, strict=True)),
        "tensor": tensor,
        "witness": witness,
    }


def model(kind, **keys) -> dict:
    return {"format": "exactrank-model", "version": 1, "kind": kind, **keys}


def ones_rnn(M, T, L=1) -> dict:
    """The product RNN whose every entry is L: the first core L x M and L x 1 x 1, the
    others 1 x M and 1 x 1 x 1, all ones (three shared cores when T > 2, then L = 1)."""
    if T > 2:
        C, G = [[[1] * M]] * 3, [[[[1]]]] * 3
        return model("generalized-rnn", xi="product", shared=True, T=T, C=C, G=G)
    C = [[[1] * M] * L] + [[[1] * M]] * (T - 1)
    G = [[[[1]]] * L] + [[[[1]]]] * (T - 1)
    return model("generalized-rnn", xi="product", C=C, G=G)


def eq_one(tensor, M, T, rows=None) -> dict:
    """rank = 1 over QQ of a model (or explicit tensor) of T modes of size M whose entries
    are all equal and nonzero, rows the modes ``rows`` (default all): the minor (0, 0), and
    every other row equals row 0."""
    rows = list(range(T)) if rows is None else rows
    cols = [t for t in range(T) if t not in rows]
    others = [[i, [[0, 1]]] for i in range(1, M ** len(rows))]
    witness = {"minor": {"rows": [0], "cols": [0]}, "basis": {"rows": [0], "coefficients": others}}
    tensor = {"model": tensor} if "format" in tensor else tensor
    return certificate(("eq", 1, "QQ", rows, cols), tensor, witness)


def ge_one(tensor, T, rows=()) -> dict:
    """rank >= 1 from the minor (0, 0) (row modes ``rows``)."""
    cols = [t for t in range(T) if t not in rows]
    witness = {"minor": {"rows": [0], "cols": [0]}}
    return certificate(("ge", 1, "QQ", list(rows), cols), {"model": tensor}, witness)


def explicit_one(value, T=1) -> dict:
    """The 1 x ... x 1 tensor holding ``value`` (a JSON integer or a "p/q" string): rank 1."""
    return eq_one({"dims": [1] * T, "entries": [value]}, 1, T)


def shallow_ones(M, T=1, R=1) -> dict:
    return model("generalized-shallow", xi="product", **{"lambda": [1] * R}, V=[[[1] * M] * T] * R)


def with_model(cert, **keys) -> dict:
    cert = json.loads(json.dumps(cert))
    cert["tensor"]["model"].update(keys)
    return cert


def minor_of(size_rows, size_cols) -> dict:
    """rank >= size_rows of the 4096 x 4096 matrix of ones_rnn(2, 24) (every entry 1), from a
    minor of the given size (rows and columns 0, 1, ...)."""
    witness = {"minor": {"rows": list(range(size_rows)), "cols": list(range(size_cols))}}
    rows = list(range(12))
    cols = list(range(12, 24))
    return certificate(("ge", size_rows, "QQ", rows, cols), {"model": ones_rnn(2, 24)}, witness)


def with_witness(cert, **parts) -> dict:
    cert = json.loads(json.dumps(cert))
    cert["witness"].update(parts)
    return cert


def big_weight_rnn(digits=4000, T=200) -> str:
    """A product RNN (M = 2, widths 2) with one JSON-integer weight of ``digits`` digits (the
    file's text: this process keeps Python's 4300-digit limit), rank >= 1."""
    rng = random.Random(7)
    C = [[[rng.randint(1, 3) for _ in range(2)] for _ in range(2)] for _ in range(T)]
    shapes = [(2, 1 if t == 0 else 2, 1 if t == T - 1 else 2) for t in range(T)]  # L, R_in, R_out
    G = [
        [[[rng.randint(1, 3) for _ in range(c)] for _ in range(b)] for _ in range(a)]
        for a, b, c in shapes
    ]
    C[T // 2][0][0] = "BIG"
    return _replace_first(
        ge_one(model("generalized-rnn", xi="product", C=C, G=G), T), '"BIG"', "9" * digits
    )


# ---------------------------------------------------------------------------- the table


def rng():
    return random.Random(20261204)  # each row its own draws, whichever rows run


WORKED = [[[1, 2], [0, "1/2"]], [[2, 4], [0, 1]], [[1, 0], [1, 1]]]


def _base():
    return er.certify(WORKED, "rows=0")


def _tampered_entry():
    cert = _base()
    cert["tensor"]["entries"][7] = "3/2"
    return cert


def _r_plus_one():
    cert = er.certify(_rng_rnn(rng(), "relu", 2, 4), "left-right")
    cert["claim"]["r"] += 1
    return cert


def _deep_witness(levels):
    """The worked example with a witness key nested so that the file is ``levels`` deep."""
    nested = "[" * (levels - 2) + "1" + "]" * (levels - 2)
    return _replace_first(_base(), '"witness": {', '"witness": {"x": ' + nested + ", ")


def _long_entry(digits) -> str:
    """explicit_one of a JSON integer of ``digits`` digits, as text."""
    return _replace_first(explicit_one(5), "[5]", "[" + "7" * digits + "]")


def _replace_first(cert, old, new) -> str:
    text = json.dumps(cert)
    assert old in text
    return text.replace(old, new, 1)


HUGE_INDEX = certificate(  # m = 1024^4096 rows: no message may write m - 1 out
    ("ge", 1, "QQ", list(range(MAX_MODES)), []),
    {"model": ones_rnn(MAX_TEMPLATES, MAX_MODES)},
    {"minor": {"rows": [-1], "cols": [0]}},
)

# (name, content, exit code): content is a file text, or a callable returning a certificate
# or a file text (made when the row runs).
ROWS = [
    # certificates exactrank.certify makes, and tampered ones
    ("worked example eq", _base, 0),
    ("rnn relu QQ eq", lambda: er.certify(_rng_rnn(rng(), "relu", 2, 4), "left-right"), 0),
    (
        "shared sum GF(101) eq",
        lambda: er.certify(_rng_shared(rng(), "sum", 2, 4), "odd-even", field="GF(101)"),
        0,
    ),
    (
        "shallow product le",
        lambda: er.certify(_rng_shallow(rng(), "product", 2, 3), "rows=0", claim="le"),
        0,
    ),
    ("hierarchical HT4 eq", lambda: er.certify(_rng_tree(rng(), HT4, 2, [2, 2])[0], "odd-even"), 0),
    ("worked example, entry 7 changed", _tampered_entry, 1),
    ("rnn, r + 1", _r_plus_one, 1),
    # sizes numpy cannot hold whole: both evaluate lazily
    ("64 modes of size 1 (model)", lambda: eq_one(ones_rnn(1, 64), 1, 64, list(range(32))), 0),
    ("70 modes of size 1 (model)", lambda: eq_one(ones_rnn(1, 70), 1, 70, list(range(35))), 0),
    ("64 modes of size 1 (entries)", lambda: explicit_one(5, 64), 0),
    # MAX_DEPTH
    ("nested 64 levels", lambda: _deep_witness(64), 0),
    ("nested 65 levels", lambda: _deep_witness(65), 2),
    ("nested 5000 levels", "[" * 5000 + "]" * 5000, 2),
    # MAX_DIGITS (Python's own default is 4300)
    ("a JSON integer of 10000 digits", lambda: _long_entry(MAX_DIGITS), 0),
    (
        "a JSON integer of 10001 digits",
        lambda: _long_entry(MAX_DIGITS + 1),
        2,
    ),
    (
        "p/q of 10000 digits each",
        lambda: explicit_one("7" * MAX_DIGITS + "/" + "3" * MAX_DIGITS),
        0,
    ),
    ("p of 10001 digits", lambda: explicit_one("7" * (MAX_DIGITS + 1)), 2),
    ("q of 10001 digits", lambda: explicit_one("1/" + "3" * (MAX_DIGITS + 1)), 2),
    ("-p of 10001 digits", lambda: explicit_one("-" + "7" * (MAX_DIGITS + 1)), 2),
    ("a 5000-digit weight", lambda: big_weight_rnn(5000, 4), 0),
    ("GF(p) with p of 10000 digits", lambda: _set_field(f"GF({'9' * MAX_DIGITS})"), 1),
    ("GF(p) with p of 10001 digits", lambda: _set_field(f"GF({'9' * (MAX_DIGITS + 1)})"), 2),
    (
        "a 10001-digit string under an extra key",
        lambda: _replace_first(_base(), '"witness": {', '"witness": {"x": "' + "1" * 10001 + '", '),
        2,
    ),
    # MAX_MODES
    ("T = 4096 (shared cores)", lambda: ge_one(ones_rnn(2, MAX_MODES), MAX_MODES), 0),
    ("T = 4097 (shared cores)", lambda: ge_one(ones_rnn(2, MAX_MODES + 1), MAX_MODES + 1), 2),
    ("15000 row modes, M = 2", lambda: ge_one(ones_rnn(2, 15_000), 15_000, range(15_000)), 2),
    ("4096 explicit dims of 1", lambda: explicit_one(5, MAX_MODES), 0),
    ("4097 explicit dims of 1", lambda: explicit_one(5, MAX_MODES + 1), 2),
    ('"T": 100000 in a 3-core model', lambda: with_model(ge_one(ones_rnn(2, 3), 3), T=100_000), 2),
    ("no message writes 1024^4096 - 1", lambda: HUGE_INDEX, 1),
    # MAX_TEMPLATES
    ("M = 1024", lambda: eq_one(shallow_ones(MAX_TEMPLATES), MAX_TEMPLATES, 1), 0),
    ("M = 1025", lambda: eq_one(shallow_ones(MAX_TEMPLATES + 1), MAX_TEMPLATES + 1, 1), 2),
    ('"M": 1025 stated', lambda: with_model(ge_one(ones_rnn(2, 3), 3), M=1025), 2),
    (
        "explicit dims [1025]",
        lambda: certificate(
            ("ge", 0, "QQ", [0], []),
            {"dims": [1025], "entries": [1] * 1025},
            {"minor": {"rows": [], "cols": []}},
        ),
        2,
    ),
    # MAX_WIDTH
    ("L_0 = 4096", lambda: eq_one(ones_rnn(1, 2, MAX_WIDTH), 1, 2, [0]), 0),
    ("L_0 = 4097", lambda: eq_one(ones_rnn(1, 2, MAX_WIDTH + 1), 1, 2, [0]), 2),
    ("4097 lambdas", lambda: eq_one(shallow_ones(1, 1, MAX_WIDTH + 1), 1, 1), 2),
    # MAX_WEIGHTS: files of 2^24 numbers, test_MAX_WEIGHTS below
    # MAX_MINOR
    ("a minor of 4096 x 4095", lambda: minor_of(MAX_MINOR, MAX_MINOR - 1), 1),
    ("a minor of 4097 rows", lambda: minor_of(MAX_MINOR + 1, 1), 2),
    (
        "a basis of 4097 rows",
        lambda: with_witness(
            minor_of(1, 1), basis={"rows": list(range(MAX_MINOR + 1)), "coefficients": []}
        ),
        2,
    ),
    (
        "V of 4097 rows",
        lambda: with_witness(
            minor_of(1, 1), factorization={"U": [[1]], "V": [[1]] * (MAX_MINOR + 1)}
        ),
        2,
    ),
    (
        "U of 4097 columns",
        lambda: with_witness(
            minor_of(1, 1), factorization={"U": [[1] * (MAX_MINOR + 1)], "V": [[1]]}
        ),
        2,
    ),
    # MAX_GRID_ENTRIES (at 2^30 an upper bound would evaluate 2^30 entries: not tested)
    (
        "an upper bound over 2^31 model entries",
        lambda: eq_one(ones_rnn(2, 31), 2, 31, list(range(16))),
        2,
    ),
    ("a lower bound over 2^31 model entries", lambda: ge_one(ones_rnn(2, 31), 31, range(16)), 0),
    # repeated keys
    ('"r": 3, "r": 2', lambda: _replace_first(_base(), '"r": 2', '"r": 3, "r": 2'), 2),
    ("claim twice", lambda: _replace_first(_base(), '"claim":', '"claim": {}, "claim":'), 2),
    (
        '"xi" twice in the model',
        lambda: _replace_first(
            ge_one(ones_rnn(2, 3), 3), '"xi": "product"', '"xi": "sum", "xi": "product"'
        ),
        2,
    ),
    # floats are not exact numbers: NOT VERIFIED, as before
    ('"M": 2.0', lambda: with_model(ge_one(ones_rnn(2, 3), 3), M=2.0), 1),
    ('"T": 3.0', lambda: with_model(ge_one(ones_rnn(2, 3), 3), T=3.0), 1),
    ('"r": 2.0', lambda: _replace_first(_base(), '"r": 2', '"r": 2.0'), 1),
    ("an entry 1.0", lambda: _replace_first(_base(), '"entries": [1,', '"entries": [1.0,'), 1),
    ("an entry NaN", lambda: _replace_first(_base(), '"entries": [1,', '"entries": [NaN,'), 1),
    (
        '"widths": [2.0, 2.0]',
        lambda: with_model(
            er.certify(_rng_tree(rng(), HT4, 2, [2, 2])[0], "odd-even"), widths=[2.0, 2.0]
        ),
        1,
    ),
    (
        "a float under an extra key of the model",
        lambda: with_model(ge_one(ones_rnn(2, 3), 3), x=0.5),
        1,
    ),
    (
        "an integer under an extra key of the model",
        lambda: with_model(ge_one(ones_rnn(2, 3), 3), x=5),
        0,
    ),
    (
        '"widths": [5000, 2]',
        lambda: with_model(
            er.certify(_rng_tree(rng(), HT4, 2, [2, 2])[0], "odd-even"), widths=[5000, 2]
        ),
        2,
    ),
    # outside a limit is exit 2 whatever else is wrong (limits.md: "on every file outside
    # them (both 2)"), so the order in which a checker reads the file cannot matter
    (
        "claim.kind 'gt' and M = 10^30",
        lambda: _set_claim_of(with_model(ge_one(ones_rnn(2, 3), 3), M=10**30), "kind", "gt"),
        2,
    ),
    (
        "a float weight and T = 5000",
        lambda: with_model(ge_one(ones_rnn(2, 3), 3), T=5000, F=[[1.5, 0], [0, 1]]),
        2,
    ),
    (
        "a singular minor and a basis of 4097 rows",
        lambda: with_witness(
            minor_of(1, 1),
            minor={"rows": [0], "cols": [5000]},
            basis={"rows": list(range(MAX_MINOR + 1)), "coefficients": []},
        ),
        2,
    ),
    # echoed values are short
    ("claim.kind of a million characters", lambda: _set_claim("kind", "k" * 10**6), 1),
    ("claim.field of a million characters", lambda: _set_field("F" * 10**6), 1),
    ("format of a million characters", lambda: {**_base(), "format": "f" * 10**6}, 2),
    (
        "a repeated key of a million characters",
        lambda: _replace_first(
            _base(),
            '"witness": {',
            '"witness": {"' + "k" * 10**6 + '": 1, "' + "k" * 10**6 + '": 2, ',
        ),
        2,
    ),
    # exactrank verify took 887 s here before issue 10
    ("product RNN, a 4000-digit weight, T = 200", big_weight_rnn, 0),
]


def _set_claim(key, value):
    return _set_claim_of(_base(), key, value)


def _set_claim_of(cert, key, value):
    cert["claim"][key] = value
    return cert


def _set_field(value):
    return _set_claim("field", value)


# ---------------------------------------------------------------------------- running both


def write(tmp_path, content):
    path = tmp_path / "cert.json"
    content = content() if callable(content) else content
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def both(path, timeout=60) -> dict:
    """{checker: (exit code, stdout, stderr)} of both command lines on ``path``."""
    runs = {
        "verify_certificate.py": sa_cli,
        "exactrank verify": lambda *a, **kw: er_cli("verify", *a, **kw),
    }
    out = {}
    for who, run in runs.items():
        try:
            proc = run(path, timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{who} ran past {timeout} s on {path.name}")
        out[who] = (proc.returncode, proc.stdout, proc.stderr)
    return out


def assert_agree(runs: dict, code: int) -> None:
    """The same exit code, the contract's, and output of the contract's shape."""
    codes = {who: run[0] for who, run in runs.items()}
    detail = {who: (run[0], run[1][:300], run[2][:300]) for who, run in runs.items()}
    assert set(codes.values()) == {code}, detail
    for who, (returned, out, err) in runs.items():
        assert "Traceback" not in out + err, (who, err[-2000:])
        assert "Exceeds the limit" not in out + err, (who, "an integer was formatted", out, err)
        assert all(len(line) <= 400 for line in (out + err).splitlines()), (who, "a long line")
        if returned == 0:
            assert out == "s VERIFIED\n", (who, out, err)
        elif returned == 1:
            assert out.startswith("s NOT VERIFIED: ") and len(out.splitlines()) == 1, (who, out)
        else:
            assert out == "" and len(err.splitlines()) == 1, (who, out, err)
            assert returned == 2 or "could not check: " in err, (who, err)


@pytest.mark.parametrize("name,content,code", ROWS, ids=[row[0] for row in ROWS])
def test_both_checkers_give_the_same_exit_code(tmp_path, name, content, code):
    assert_agree(both(write(tmp_path, content)), code)


# ---------------------------------------------------------------------------- the files read


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "fifo")  # never a real device: a FIFO of our own
    return tmp_path / "fifo"


def _symlink_to_fifo(tmp_path):
    (tmp_path / "link").symlink_to(_fifo(tmp_path))
    return tmp_path / "link"


def _too_big(tmp_path):
    path = tmp_path / "big.json"
    with path.open("wb") as handle:  # sparse: its size is checked before anything is read
        handle.truncate(MAX_FILE_BYTES + 1)
    return path


NOT_READ = [
    ("a FIFO", _fifo),
    ("a symlink to a FIFO", _symlink_to_fifo),
    ("a directory", lambda tmp_path: tmp_path),
    ("a missing file", lambda tmp_path: tmp_path / "missing.json"),
    ("a file of MAX_FILE_BYTES + 1 bytes", _too_big),
]


@pytest.mark.parametrize("name,make", NOT_READ, ids=[row[0] for row in NOT_READ])
def test_what_is_not_read(tmp_path, name, make):
    """Refused at once with one line (a FIFO never blocks either checker)."""
    start = time.monotonic()
    assert_agree(both(make(tmp_path), timeout=20), 2)
    assert time.monotonic() - start < 20


def test_dash_is_standard_input(tmp_path):
    text = json.dumps(_base())
    for command in (
        [sys.executable, str(STANDALONE)],
        [sys.executable, "-m", "exactrank", "verify"],
    ):
        proc = subprocess.run(
            [*command, "-"],
            input=text,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=STANDALONE.parents[1],
        )
        assert (proc.returncode, proc.stdout) == (0, "s VERIFIED\n"), (command, proc.stderr)


def test_a_closed_standard_input(tmp_path):
    for command in (
        [sys.executable, str(STANDALONE)],
        [sys.executable, "-m", "exactrank", "verify"],
    ):
        proc = subprocess.run(
            [*command, "-"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=STANDALONE.parents[1],
            preexec_fn=lambda: os.close(0),
        )
        assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, (command, proc.stderr)


def test_a_file_of_exactly_MAX_FILE_BYTES(tmp_path):
    text = json.dumps(_base())
    path = tmp_path / "padded.json"
    path.write_text(text + " " * (MAX_FILE_BYTES - len(text)), encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert_agree(both(path, timeout=300), 0)


def _weights(R, T, M, F=None):
    """rank >= 1 of a product shallow network of ones: R + R T M numbers (+ F's)."""
    shallow = shallow_ones(M, T, R)
    if F is not None:
        shallow["F"] = F
    return ge_one(shallow, T)


SLOW = pytest.mark.slow  # 16 million one-number lists: minutes and gigabytes in each checker


@pytest.mark.parametrize(
    "R,T,M,F,code",
    [
        pytest.param(4096, 4095, 1, None, 0, marks=SLOW, id="2^24"),
        pytest.param(4096, 4095, 1, [[1]], 2, marks=SLOW, id="2^24 + 1"),
        pytest.param(4, 4096, 1024, None, 2, id="2^24 + 4 in rows of 1024"),
    ],
)
def test_MAX_WEIGHTS(tmp_path, R, T, M, F, code):
    """4096 lambdas and a 4096 x 4095 x 1 V: 2^24 numbers; with F = [[1]] one more; or
    4 lambdas and a 4 x 4096 x 1024 V."""
    assert_agree(both(write(tmp_path, _weights(R, T, M, F)), timeout=600), code)


# ---------------------------------------------------------------------------- the checker


def test_the_limits_are_one_table():
    """The stand-alone checker's copy of the limits is exactrank's (and docs/certificates.md's)."""
    limits = importlib.import_module("exactrank.limits")
    checker = standalone()
    documented = {"DIGITS": MAX_DIGITS, "MODES": MAX_MODES, "TEMPLATES": MAX_TEMPLATES}
    documented |= {"WIDTH": MAX_WIDTH, "MINOR": MAX_MINOR, "FILE_BYTES": MAX_FILE_BYTES}
    documented |= {"WEIGHTS": MAX_WEIGHTS, "DEPTH": 64}
    for name in LIMITS:
        assert getattr(checker, f"MAX_{name}") == getattr(limits, f"MAX_{name}") == documented[name]
    assert checker.MAX_ENTRIES == limits.MAX_GRID_ENTRIES == 2**30


def _in_process(path):
    return run_main(standalone().main, [str(path)])


def test_digits_past_python_default_in_process(tmp_path):
    """Read up to MAX_DIGITS with Python's limit raised inside the checker only, then restored."""
    before = sys.get_int_max_str_digits()
    for digits, code in ((4301, 0), (MAX_DIGITS, 0), (MAX_DIGITS + 1, 2)):
        text = _long_entry(digits)
        code_got, out, err = _in_process(write(tmp_path, text))
        assert code_got == code, (digits, out, err)
        assert sys.get_int_max_str_digits() == before
    assert "MAX_DIGITS" in err


def test_deep_nesting_is_refused_before_parsing(tmp_path):
    """5000 levels: one line naming MAX_DEPTH, no RecursionError (in process, where the
    stack is pytest's)."""
    code, out, err = _in_process(write(tmp_path, "[" * 5000 + "]" * 5000))
    assert (code, out) == (2, "") and "MAX_DEPTH" in err and len(err.splitlines()) == 1


def test_a_repeated_key_is_named(tmp_path):
    code, out, err = _in_process(
        write(tmp_path, _replace_first(_base(), '"r": 2', '"r": 3, "r": 2'))
    )
    assert (code, out) == (2, "") and "'r' appears twice" in err


@pytest.mark.parametrize(
    "where,error",
    [("nonsingular", MemoryError), ("nonsingular", RecursionError), ("parse", MemoryError)],
)
def test_running_out_is_could_not_check(tmp_path, monkeypatch, where, error):
    """Exit 3, one line "could not check: ..." naming what ran out, never NOT VERIFIED
    (while checking the minor, or while reading the file)."""

    def out_of_memory(*args):
        raise error()

    path = write(tmp_path, _base())
    monkeypatch.setattr(standalone(), where, out_of_memory)
    code, out, err = _in_process(path)
    assert (code, out) == (3, "") and len(err.splitlines()) == 1
    assert err.startswith("could not check: ") and error.__name__ in err


def test_ctrl_c_is_one_line(tmp_path, monkeypatch):
    def interrupt(*args):
        raise KeyboardInterrupt

    path = write(tmp_path, _base())
    monkeypatch.setattr(standalone(), "check", interrupt)
    assert _in_process(path) == (130, "", "interrupted\n")


def test_exactrank_verify_out_of_memory_is_could_not_check(tmp_path, monkeypatch):
    def out_of_memory(*args):
        raise MemoryError()

    path = write(tmp_path, _base())  # certify checks what it writes: before the patch
    monkeypatch.setattr(
        importlib.import_module("exactrank.certificates.verify"), "_nonsingular", out_of_memory
    )
    code, out, err = run_main(er_main, ["verify", str(path)])
    assert (code, out) == (3, "") and "could not check" in err and len(err.splitlines()) == 1


def test_long_values_are_echoed_short(tmp_path):
    """At most 80 characters of an echoed value, then an ellipsis."""
    code, out, err = _in_process(write(tmp_path, _set_claim("kind", "k" * 10**6)))
    assert code == 1 and "'" + "k" * 79 + "\u2026" in out and "k" * 80 not in out


def test_a_4000_digit_weight_over_200_steps_is_fast(tmp_path):
    path = write(tmp_path, big_weight_rnn())
    start = time.monotonic()
    proc = sa_cli(path, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "s VERIFIED\n"), proc.stderr
    assert time.monotonic() - start < 10
