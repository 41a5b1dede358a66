"""Bad input through the API and the command line; the CLI's happy path; model files.

The CLI contract (DESIGN.md): bad input exits 2 with ONE line on stderr and no traceback;
``--json`` prints one JSON object on stdout. Expected ranks come from tests/oracles.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import flint
import numpy as np
import pytest
from oracles import frac_nested, matricize_ref, rank_fraction, rank_mod_p_ref, residue
from strategies import rnn_oracle, shallow_oracle

import exactrank as er

ROOT = Path(__file__).resolve().parents[1]
Q = Fraction


# ---------------------------------------------------------------------------- models

# T = 4, M = 2, L = (2, 1, 2, 1), R = (2, 3, 2)
RNN = {
    "format": "exactrank-model",
    "version": 1,
    "kind": "generalized-rnn",
    "xi": "relu",
    "C": [
        [[1, "-1/2"], [2, 3]],
        [["2/3", -1]],
        [[1, 1], [-2, "5/7"]],
        [[3, -1]],
    ],
    "G": [
        [[[1, -1]], [[2, "1/3"]]],
        [[[1, 0, 2], [-1, 3, 1]]],
        [[[1, 2], [0, 1], [-1, 1]], [[2, -3], [1, 1], ["1/2", 0]]],
        [[[1], [-2]]],
    ],
}
SHALLOW = {
    "format": "exactrank-model",
    "version": 1,
    "kind": "generalized-shallow",
    "xi": "relu",
    "lambda": [1, "-1/2", 3],
    "V": [
        [[1, -1], [2, 0], ["1/3", 1]],
        [[0, 2], [-1, 1], [1, 1]],
        [[1, 1], [1, -2], [-3, "2/5"]],
    ],
    "F": [[2, 1], [1, "1/2"]],
}


def rnn_spec(data):
    return {
        "xi": data["xi"],
        "C": frac_nested(data["C"]),
        "G": frac_nested(data["G"]),
        "F": frac_nested(data["F"]) if "F" in data else None,
    }


def shallow_spec(data):
    return {
        "xi": data["xi"],
        "lambda": frac_nested(data["lambda"]),
        "V": frac_nested(data["V"]),
        "F": frac_nested(data["F"]) if "F" in data else None,
    }


def with_(base, **changes):
    out = json.loads(json.dumps(base))
    out.update(changes)
    return out


def without(base, key):
    out = json.loads(json.dumps(base))
    del out[key]
    return out


def write(tmp_path, data, name="model.json") -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data), encoding="utf-8")
    return path


def cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "exactrank", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_clean_failure(proc, *substrings):
    """Exit 2, exactly one line on stderr, no traceback, nothing on stdout."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert proc.stdout == ""
    for s in substrings:
        assert s in lines[0], (s, lines[0])
    return lines[0]


# ---------------------------------------------------------------------------- hierarchy


def test_error_hierarchy():
    assert issubclass(er.InvalidModelError, er.ExactRankError)
    assert issubclass(er.InvalidModelError, ValueError)
    assert issubclass(er.ModelFileError, er.InvalidModelError)
    assert issubclass(er.InvalidInputError, er.ExactRankError)
    assert issubclass(er.InvalidInputError, ValueError)
    assert issubclass(er.DomainError, er.ExactRankError)
    assert issubclass(er.DomainError, ValueError)


# ---------------------------------------------------------------------------- model files

# (name, file content, substrings the one-line message must contain)
BAD_FILES = [
    ("not JSON", '{"format": "exactrank-model", ', ["JSON"]),
    ("empty file", "", ["JSON"]),
    ("invalid UTF-8", b'\xff\xfe{"format": 1}', []),
    ("top-level list", [1, 2], []),
    ("wrong format", with_(RNN, format="exactrank-certificate"), ["format"]),
    ("no format", without(RNN, "format"), ["format"]),
    ("wrong version", with_(RNN, version=2), ["version", "2"]),
    ("version true", with_(RNN, version=True), ["version"]),
    ("unknown kind", with_(RNN, kind="lstm"), ["lstm"]),
    ("missing G", without(RNN, "G"), ["'G'"]),
    ("missing xi", without(RNN, "xi"), ["'xi'"]),
    ("missing lambda", without(SHALLOW, "lambda"), ["'lambda'"]),
    ("unknown xi", with_(RNN, xi="tanh"), ["tanh", "relu"]),
    ("C not a list", with_(RNN, C=5), ["C"]),
    ("bad weight", with_(RNN, C=[[["x", 1], [2, 3]]] + RNN["C"][1:]), ["C[0][0][0]", "p/q"]),
    ("zero denominator", with_(RNN, C=[[["1/0", 1], [2, 3]]] + RNN["C"][1:]), ["C[0][0][0]"]),
    ("boolean weight", with_(RNN, C=[[[True, 1], [2, 3]]] + RNN["C"][1:]), ["C[0][0][0]"]),
    ("null weight", with_(RNN, C=[[[None, 1], [2, 3]]] + RNN["C"][1:]), ["C[0][0][0]"]),
    ("M disagrees", with_(RNN, M=3), ["M", "3", "2"]),
    ("T disagrees", with_(RNN, T=5), ["T", "5", "4"]),
]


@pytest.mark.parametrize("name,content,substrings", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_model_files_api(tmp_path, name, content, substrings):
    path = write(tmp_path, content)
    with pytest.raises(er.ModelFileError) as info:
        er.load_model(path)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message, "the message names the file"
    for s in substrings:
        assert s in message, (s, message)


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(er.ModelFileError, match="nope.json"):
        er.load_model(tmp_path / "nope.json")
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(er.ModelFileError, match="dir.json"):
        er.load_model(tmp_path / "dir.json")
    for data in ([1], "text", None, 3):
        with pytest.raises(er.ModelFileError):
            er.model_from_dict(data)


def test_json_float_in_a_model_file_is_refused(tmp_path):
    """Model files hold integers and "p/q" strings only: "a JSON float is refused (0.1 is
    not 1/10)" (modelfile.py); the message says how to write the number exactly."""
    bad = with_(RNN, C=[[[0.5, 1], [2, 3]]] + RNN["C"][1:])
    path = write(tmp_path, bad)
    with pytest.raises(er.ModelFileError) as info:
        er.load_model(path)
    message = str(info.value)
    assert "p/q" in message or "'1/2'" in message, message
    with pytest.raises(er.InvalidModelError):
        er.model_from_dict(bad)
    proc = cli("rank", path, "--partition", "odd-even")
    assert_clean_failure(proc)
    assert "p/q" in proc.stderr or "1/2" in proc.stderr


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e400", "0.1"])
def test_json_non_integers_name_their_place(tmp_path, text):
    """Python's json reads NaN, Infinity and 1e400 as floats: each is refused by position."""
    content = json.dumps(RNN).replace('"C": [[[1', f'"C": [[[{text}', 1)
    assert text in content
    path = write(tmp_path, content)
    with pytest.raises(er.ModelFileError, match=r"C\[0\]\[0\]\[0\]"):
        er.load_model(path)
    assert_clean_failure(cli("rank", path, "--partition", "odd-even"), "C[0][0][0]")


def test_grid_too_large_to_build(tmp_path):
    """M^T = 2^40 entries: refused up front with the count, not a MemoryError mid-way."""
    core = ([[1, 2]], [[[1]]])
    model = er.GeneralizedRNN.with_shared_cores("product", core, core, core, 40)
    with pytest.raises(er.InvalidInputError, match="2\\^40"):
        er.grid_tensor(model)
    assert er.grid_entries(model, [[1] * 40]).entry((0,)) == 2**40
    path = write(tmp_path, er.model_to_dict(model))
    assert_clean_failure(cli("rank", path, "--partition", "odd-even"), "grid_entries")


# ---------------------------------------------------------------------------- shapes

# (name, change to RNN, substrings): each message names the array/step and both sizes
SHAPE_CASES = [
    (
        "L of G[2] vs C[2]",
        {"G": RNN["G"][:2] + [RNN["G"][2][:1]] + RNN["G"][3:]},
        ["G[2]", "C[2]", "1", "2"],
    ),
    (
        "R of G[1] vs G[0]",
        {"G": [[[[1, -1, 0]], [[2, 1, 1]]]] + RNN["G"][1:]},
        ["G[1]", "G[0]", "2", "3"],
    ),
    ("R_{T-1} of the last core", {"G": RNN["G"][:3] + [[[[1, 2], [-2, 0]]]]}, ["G[3]", "2"]),
    (
        "R_{-1} of the first core",
        {"G": [[[[1, -1], [0, 0]], [[2, 1], [0, 0]]]] + RNN["G"][1:]},
        ["G[0]", "2"],
    ),
    (
        "M of C[1] vs C[0]",
        {"C": RNN["C"][:1] + [[["2/3", -1, 5]]] + RNN["C"][2:]},
        ["C[1]", "C[0]", "3", "2"],
    ),
    ("steps of C vs G", {"G": RNN["G"][:3]}, ["C", "G", "4", "3"]),
    ("F shape", {"F": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}, ["F", "(2, 2)", "(3, 3)"]),
    ("C[0] not 2-D", {"C": [[1, 2]] + RNN["C"][1:]}, ["C[0]"]),
    ("G[1] not 3-D", {"G": RNN["G"][:1] + [[[1, 0, 2], [-1, 3, 1]]] + RNN["G"][2:]}, ["G[1]"]),
    ("ragged C[0]", {"C": [[[1, 2], [3]]] + RNN["C"][1:]}, ["C[0]"]),
]


@pytest.mark.parametrize("name,change,substrings", SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_shape_mismatches(tmp_path, name, change, substrings):
    data = with_(RNN, **change)
    with pytest.raises(er.InvalidModelError) as info:
        er.GeneralizedRNN(data["xi"], data["C"], data["G"], F=data.get("F"))
    for s in substrings:
        assert s in str(info.value), (s, str(info.value))
    with pytest.raises(er.ModelFileError) as info:
        er.model_from_dict(data)
    for s in substrings:
        assert s in str(info.value), (s, str(info.value))
    proc = cli("rank", write(tmp_path, data), "--partition", "odd-even")
    assert_clean_failure(proc, *substrings)


def test_shallow_shape_mismatches():
    with pytest.raises(er.InvalidModelError) as info:
        er.GeneralizedShallow("relu", [1, 2], SHALLOW["V"])
    assert "lambda" in str(info.value) and "2" in str(info.value) and "3" in str(info.value)
    with pytest.raises(er.InvalidModelError, match="V"):
        er.GeneralizedShallow("relu", [1], [[1, 2]])
    with pytest.raises(er.InvalidModelError, match="F"):
        er.GeneralizedShallow("relu", SHALLOW["lambda"], SHALLOW["V"], F=[[1]])
    with pytest.raises(er.InvalidModelError, match="tanh"):
        er.GeneralizedShallow("tanh", SHALLOW["lambda"], SHALLOW["V"])


def test_constructor_errors():
    with pytest.raises(er.InvalidModelError, match="tanh"):
        er.GeneralizedRNN("tanh", RNN["C"], RNN["G"])
    with pytest.raises(er.InvalidModelError):
        er.GeneralizedRNN("relu", [], [])
    with pytest.raises(er.InvalidModelError):
        er.GeneralizedRNN("relu", 5, 5)
    with pytest.raises(er.InvalidModelError, match=r"C\[0\]"):
        er.GeneralizedRNN("relu", [[["x", 1]]], [[[[1]]]])
    with pytest.raises(er.InvalidModelError, match="T >= 2"):
        er.GeneralizedRNN.with_shared_cores(
            "relu", ([[1]], [[[1]]]), ([[1]], [[[1]]]), ([[1]], [[[1]]]), 1
        )


# ---------------------------------------------------------------------------- domains


def test_relu_over_GFp_is_refused():
    model = er.model_from_dict(RNN)
    for call in (
        lambda: er.grid_tensor(model, "GF(7)"),
        lambda: er.grid_entries(model, [[0, 1, 0, 1]], "GF(7)"),
        lambda: er.score(model, [0, 1, 0, 1], "GF(7)"),
        lambda: er.grid_tensor(er.model_from_dict(SHALLOW), "GF(2)"),
    ):
        with pytest.raises(er.DomainError, match="GF"):
            call()


def test_irrational_operators_over_QQ_are_refused():
    C, G = [[[1.0, 2.0]]], [[[[1.0]]]]
    for xi in ("softplus", "l2"):
        model = er.GeneralizedRNN(xi, C, G)
        with pytest.raises(er.DomainError):
            er.grid_tensor(model, "QQ")
        with pytest.raises(er.DomainError):
            er.grid_tensor(model, "GF(5)")
        exact = er.GeneralizedRNN(xi, [[[1, 2]]], [[[[1]]]])
        with pytest.raises(er.DomainError):
            er.grid_tensor(exact, "QQ")


def test_float_model_only_in_float():
    model = er.GeneralizedRNN("relu", [[[1.5, 2]]], [[[[1]]]])
    assert model.exact is False
    with pytest.raises(er.DomainError):
        er.grid_tensor(model, "QQ")
    with pytest.raises(er.DomainError):
        er.grid_tensor(model, "GF(101)")
    with pytest.raises(er.InvalidModelError):
        er.model_to_dict(model)


def test_denominator_divisible_by_p():
    model = er.GeneralizedRNN("product", [[[Q(1, 3), 1]]], [[[[1]]]])
    with pytest.raises(er.DomainError, match="3"):
        er.grid_tensor(model, "GF(3)")
    assert er.grid_tensor(model, "GF(5)").entry((0,)) == residue(Q(1, 3), 5)
    gt = er.grid_tensor(er.GeneralizedRNN("product", [[["1/3", 1], [1, 1]]], [[[[1]], [[1]]]]))
    with pytest.raises(er.DomainError):
        er.rank(er.matricize(gt, ([0], [])), "GF(3)")


@pytest.mark.parametrize("field", ["GF(4)", "GF(1)", "GF(0)", "GF(91)", "GF(x)", "RR2", "", 5])
def test_bad_fields(field):
    model = er.GeneralizedRNN("product", [[[1, 2]]], [[[[1]]]])
    with pytest.raises(er.InvalidInputError):
        er.grid_tensor(model, field)
    with pytest.raises(er.InvalidInputError):
        er.rank([[1, 2], [3, 4]], field)


# ---------------------------------------------------------------------------- partitions


@pytest.mark.parametrize(
    "spec,substring",
    [
        ("rows=9", "9"),
        ("rows=a", "rows=a"),
        ("rows=0,0", "mode 0 is listed twice"),
        ("rows=-1", "-1"),
        ("zigzag", "zigzag"),
        (("a", "b"), ""),
        (([0, 1], [1, 2, 3]), ""),
        (([0], [1, 2]), ""),
    ],
)
def test_bad_partitions(spec, substring):
    with pytest.raises(er.InvalidInputError) as info:
        er.parse_partition(spec, 4)
    assert substring in str(info.value)
    X = np.zeros((2, 2, 2, 2), dtype=np.int64)
    with pytest.raises(er.InvalidInputError):
        er.matricize(X, spec)


# ---------------------------------------------------------------------------- indices


def test_grid_entries_bad_indices():
    model = er.model_from_dict(RNN)  # M = 2, T = 4
    with pytest.raises(er.InvalidInputError) as info:
        er.grid_entries(model, [[0, 1, 2, 0]])
    assert "2" in str(info.value) and "M = 2" in str(info.value)
    for bad in (
        [[0, -1, 0, 0]],
        [[0, 1, 0]],
        [[0, 1, 0, 0, 1]],
        [["a", 0, 0, 0]],
        [[2**70, 0, 0, 0]],
        [[[0, 0, 0, 0]]],
    ):
        with pytest.raises(er.InvalidInputError):
            er.grid_entries(model, bad)
    with pytest.raises(er.InvalidInputError):
        er.score(model, [0, 1, 5, 0])


def test_grid_entries_refuse_non_integer_indices():
    """Index 1.5 is not a template: it must not be truncated silently to 1."""
    model = er.model_from_dict(RNN)
    with pytest.raises(er.InvalidInputError):
        er.grid_entries(model, [[0, 1.5, 0, 0]])
    with pytest.raises(er.InvalidInputError):
        er.grid_entries(model, np.array([[0.0, 1.5, 0.0, 0.0]]))


# ---------------------------------------------------------------------------- rank input


def test_bad_rank_inputs():
    with pytest.raises(er.InvalidInputError):
        er.rank([[1, 2], [3]])
    with pytest.raises(er.InvalidInputError):
        er.rank([[[1]]])
    with pytest.raises(er.InvalidInputError):
        er.rank([[1, "x"]])
    with pytest.raises(er.InvalidInputError):
        er.rank([[1, None]])
    with pytest.raises(er.InvalidInputError):
        er.rank([[1, 2]], prove="maybe")
    with pytest.raises(er.InvalidInputError):
        er.rank([[1, 2]], "QQ", tol=0.1)
    with pytest.raises((er.DomainError, er.InvalidInputError)):
        er.rank(np.array([[0.5, 1.0]]), "QQ")
    with pytest.raises((er.DomainError, er.InvalidInputError)):
        er.rank([[0.5, 1]], "QQ")
    with pytest.raises(er.DomainError):
        er.rank(flint.nmod_mat(2, 2, [1, 2, 3, 4], 7), "QQ")
    with pytest.raises(er.DomainError):
        er.rank(flint.nmod_mat(2, 2, [1, 2, 3, 4], 7), "GF(5)")
    assert er.rank(flint.nmod_mat(2, 2, [1, 2, 3, 4], 7), "GF(7)").rank == rank_mod_p_ref(
        [[1, 2], [3, 4]], 7
    )
    model = er.model_from_dict(RNN)
    with pytest.raises(er.DomainError):
        er.rank(er.matricize(er.grid_tensor(model, "float"), "odd-even"), "QQ")
    with pytest.raises(er.InvalidInputError):
        er.rank(er.grid_tensor(model))  # 4-D, not a matrix
    product = er.GeneralizedRNN("product", [[[1, 2]], [[1, -2]]], [[[[1]]], [[[1]]]])
    with pytest.raises(er.DomainError):
        er.rank(er.matricize(er.grid_tensor(product, "GF(5)"), "odd-even"), "QQ")
    with pytest.raises(er.DomainError):
        er.rank(er.matricize(er.grid_tensor(product, "GF(5)"), "odd-even"), "GF(7)")


def test_float_rank_of_nan_is_refused():
    """A NaN entry has no rank: an error of exactrank's, not numpy's LinAlgError."""
    with pytest.raises(er.ExactRankError):
        er.rank([[float("nan"), 1.0], [1.0, 2.0]], "float")


def test_bad_float_tolerances():
    """A NaN or negative tolerance makes every singular value count (or none)."""
    with pytest.raises(er.InvalidInputError):
        er.rank([[1.0, 2.0], [3.0, 4.0]], "float", tol=float("nan"))
    with pytest.raises(er.InvalidInputError):
        er.rank([[1.0, 2.0], [2.0, 4.0]], "float", tol=-1.0)


# ---------------------------------------------------------------------------- CLI failures

CLI_FILE_CASES = [
    ("not JSON", "{oops", ["JSON"]),
    ("invalid UTF-8", b"\xff\xfe\x00{", []),
    ("missing key", without(RNN, "G"), ["'G'"]),
    ("wrong format", with_(RNN, format="nope"), ["format"]),
    ("wrong version", with_(RNN, version=7), ["version"]),
    ("unknown xi", with_(RNN, xi="tanh"), ["tanh"]),
    ("C not a list", with_(RNN, C=5), []),
    ("shallow mismatch", with_(SHALLOW, **{"lambda": [1, 2]}), ["lambda"]),
]


@pytest.mark.parametrize(
    "name,content,substrings", CLI_FILE_CASES, ids=[c[0] for c in CLI_FILE_CASES]
)
def test_cli_bad_model_files(tmp_path, name, content, substrings):
    path = write(tmp_path, content)
    for extra in ([], ["--json"]):
        assert_clean_failure(cli("rank", path, "--partition", "odd-even", *extra), *substrings)


CLI_ARG_CASES = [
    ("relu over GF(p)", ["--partition", "odd-even", "--field", "GF(7)"], ["GF(7)"]),
    ("non-prime GF(4)", ["--partition", "odd-even", "--field", "GF(4)"], ["4"]),
    ("unknown field", ["--partition", "odd-even", "--field", "reals"], ["reals"]),
    ("rows=9 for T = 4", ["--partition", "rows=9"], ["9"]),
    ("rows=a", ["--partition", "rows=a"], ["rows=a"]),
    ("repeated mode", ["--partition", "rows=1,1"], []),
    ("unknown partition", ["--partition", "zigzag"], ["zigzag"]),
    ("missing --partition", [], ["--partition"]),
    ("bad --prove", ["--partition", "odd-even", "--prove", "maybe"], ["maybe"]),
    ("tol over QQ", ["--partition", "odd-even", "--tol", "0.1"], ["tol"]),
]


@pytest.mark.parametrize("name,args,substrings", CLI_ARG_CASES, ids=[c[0] for c in CLI_ARG_CASES])
def test_cli_bad_arguments(tmp_path, name, args, substrings):
    path = write(tmp_path, RNN)
    assert_clean_failure(cli("rank", path, *args), *substrings)


def test_cli_usage_errors(tmp_path):
    assert_clean_failure(cli())
    assert_clean_failure(cli("frobnicate"))
    assert_clean_failure(
        cli("rank", tmp_path / "missing.json", "--partition", "odd-even"), "missing.json"
    )


# ---------------------------------------------------------------------------- CLI success


def _run_json(path, *args):
    proc = cli("rank", path, "--json", *args)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 1
    return json.loads(proc.stdout)


@pytest.mark.parametrize(
    "partition,rows,cols",
    [
        ("odd-even", [0, 2], [1, 3]),
        ("left-right", [0, 1], [2, 3]),
        ("rows=0,3", [0, 3], [1, 2]),
        ("rows=2", [2], [0, 1, 3]),
    ],
)
def test_cli_rank_of_an_rnn_file(tmp_path, partition, rows, cols):
    path = write(tmp_path, RNN)
    expected_matrix = matricize_ref(rnn_oracle(rnn_spec(RNN)), [2] * 4, rows, cols)
    expected = rank_fraction(expected_matrix)
    out = _run_json(path, "--partition", partition)
    for key in ("rank", "exact", "field", "row_modes", "col_modes", "shape"):
        assert key in out
    assert out["rank"] == expected
    assert out["exact"] is True and out["field"] == "QQ"
    assert out["row_modes"] == rows and out["col_modes"] == cols
    assert out["shape"] == [2 ** len(rows), 2 ** len(cols)]
    flt = _run_json(path, "--partition", partition, "--field", "float")
    assert flt["exact"] is False and flt["field"] == "float" and flt["rank"] == expected
    lower = _run_json(path, "--partition", partition, "--prove", "lower", "--seed", "3")
    assert lower["rank"] <= expected


def test_cli_rank_of_a_shallow_file_and_over_GFp(tmp_path):
    path = write(tmp_path, SHALLOW)
    expected = rank_fraction(
        matricize_ref(shallow_oracle(shallow_spec(SHALLOW)), [2] * 3, [0, 2], [1])
    )
    assert _run_json(path, "--partition", "odd-even")["rank"] == expected
    product = with_(RNN, xi="product")
    path = write(tmp_path, product, "product.json")
    matrix = matricize_ref(rnn_oracle(rnn_spec(product)), [2] * 4, [0, 2], [1, 3])
    for p in (5, 11, 101):  # the weights' denominators 2, 3 and 7 have no image mod 2, 3, 7
        out = _run_json(path, "--partition", "odd-even", "--field", f"GF({p})")
        assert out["rank"] == rank_mod_p_ref(matrix, p)
        assert out["field"] == f"GF({p})" and out["exact"] is True


def test_cli_plain_output(tmp_path):
    path = write(tmp_path, RNN)
    proc = cli("rank", path, "--partition", "odd-even")
    assert proc.returncode == 0
    expected = rank_fraction(matricize_ref(rnn_oracle(rnn_spec(RNN)), [2] * 4, [0, 2], [1, 3]))
    assert proc.stdout.startswith(f"rank {expected} ")


# ---------------------------------------------------------------------------- save / load


def _models():
    shared = er.GeneralizedRNN.with_shared_cores(
        "sum",
        ([[1, "1/2"]], [[[2, -1]]]),
        ([[3, 1], ["-2/9", 4]], [[[1, 0], [0, 1]], [[1, 1], ["7/3", 0]]]),
        ([[1, 1]], [[[5], [-1]]]),
        5,
        F=[[1, "1/3"], [0, 2]],
    )
    big = er.GeneralizedRNN(
        "product",
        [[[2**100, Q(-1, 2**70 + 1)]], [[Q(3, 10**30), 7]]],
        [[[[Q(2**90, 3)]]], [[[-(2**65)]]]],
    )
    return [
        er.model_from_dict(RNN),
        er.model_from_dict(SHALLOW),
        er.model_from_dict(with_(RNN, F=[[0, 1], [1, "-5/3"]], xi="product")),
        shared,
        big,
    ]


def _same_model(a, b):
    assert type(a) is type(b)
    assert a.xi.name == b.xi.name and a.exact and b.exact
    assert (a.M, a.T) == (b.M, b.T)
    assert np.array_equal(a.F, b.F)
    if isinstance(a, er.GeneralizedShallow):
        assert np.array_equal(a.lambda_, b.lambda_) and np.array_equal(a.V, b.V)
    else:
        assert a.shared == b.shared
        assert all(np.array_equal(x, y) for x, y in zip(a.C, b.C, strict=True))
        assert all(np.array_equal(x, y) for x, y in zip(a.G, b.G, strict=True))
    ga, gb = er.grid_tensor(a), er.grid_tensor(b)
    assert ga.to_fractions().tolist() == gb.to_fractions().tolist()


def _no_floats(text):
    def refuse(s):
        raise AssertionError(f"a JSON float {s} in a saved model")

    return json.loads(text, parse_float=refuse)


@pytest.mark.parametrize("index", range(5))
def test_save_load_round_trip(tmp_path, index):
    model = _models()[index]
    path = tmp_path / "saved.json"
    er.save_model(model, path)
    assert sorted(os.listdir(tmp_path)) == ["saved.json"], "stray temporary files"
    data = _no_floats(path.read_text(encoding="utf-8"))
    assert data["format"] == "exactrank-model" and data["version"] == 1
    loaded = er.load_model(path)
    _same_model(model, loaded)
    again = er.model_from_dict(json.loads(json.dumps(er.model_to_dict(model))))
    _same_model(model, again)
    # the saved file through the CLI gives the oracle's rank
    if index == 0:
        out = _run_json(path, "--partition", "odd-even")
        matrix = matricize_ref(rnn_oracle(rnn_spec(RNN)), [2] * 4, [0, 2], [1, 3])
        assert out["rank"] == rank_fraction(matrix)


def test_refused_save_leaves_the_old_file(tmp_path):
    path = write(tmp_path, RNN)
    before = path.read_bytes()
    with pytest.raises(er.InvalidModelError):
        er.save_model(er.GeneralizedRNN("relu", [[[0.5]]], [[[[1.0]]]]), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.json"]


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    first, second = _models()[0], _models()[1]
    er.save_model(first, path)
    er.save_model(second, path)  # overwrite in place
    assert sorted(os.listdir(tmp_path)) == ["model.json"]
    _same_model(second, er.load_model(path))
    er.save_model(first, path)
    before = path.read_bytes()

    # a failure in the middle of writing leaves the old file and no temporary file
    def broken_dump(obj, handle, **kwargs):
        handle.write('{"format": "exactrank-model", "vers')
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(OSError):
        er.save_model(second, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.json"]
    _same_model(first, er.load_model(path))


# ---------------------------------------------------------------------------- feature matrix


@pytest.mark.parametrize(
    "F,singular",
    [
        ([[1, 2], [3, 4]], False),
        ([[1, 2], [2, 4]], True),
        ([["1/3", "1/2"], ["2/3", 1]], True),
        ([["1/3", "1/2"], ["2/3", "1000000000000000000001/1000000000000000000000"]], False),
        ([[0, 0], [0, 0]], True),
    ],
)
def test_invertible_features_checked_exactly(F, singular):
    """Near-singular but invertible F passes (a float determinant would say 0); the verdict
    agrees with Gaussian elimination on Fractions."""
    assert singular == (rank_fraction(F) < 2)
    model = er.model_from_dict(with_(RNN, F=F))
    if singular:
        with pytest.raises(er.InvalidModelError, match=f"rank is {rank_fraction(F)} < 2"):
            er.require_invertible_features(model, "Lemma A.2")
    else:
        er.require_invertible_features(model, "Lemma A.2")


def test_invertible_features_of_a_float_model_is_refused():
    model = er.GeneralizedShallow("relu", [1.0], [[[1.0, 0.0]]])
    with pytest.raises(er.InvalidModelError, match="float weights"):
        er.require_invertible_features(model, "Theorem 5.2")


# ------------------------------------------------ experiment and certify input (review, 2026-12-05)

HUGE = "7" * 5071  # digits: past Python's 4300-digit conversion limit


@pytest.mark.parametrize(
    "args,substring",
    [
        (["fig3", "--set", "T=5000"], "the grid has 10^5000 entries"),
        (["fig3", "--set", "T=1000000000"], "the grid has 10^1000000000 entries"),
        (["theorem8", "--set", "N=1073741824"], "entries, more than"),
        (["theorem8", "--set", f"M={7**700}"], "an integer of 592 digits"),
        (["theorem8", "--set", f"M={HUGE}"], "5071 digits is too large"),
        (["fig3", "--set", "ranks=100000"], "expected at most 64"),
        (["theorem8", "--samples", "99999999999999999999"], "samples: expected at most"),
    ],
)
def test_experiment_sizes_past_the_limits_are_refused_at_once(tmp_path, args, substring):
    """Sizes that used to print M^T in full (a traceback past 4300 digits), hang while forming
    it, or plan 10^20 tasks: one line, exit 2, no folder made (each within the 120 s
    timeout of cli(); they take well under a second)."""
    out = tmp_path / "run"
    assert_clean_failure(cli("experiment", *args, "--out", out), substring)
    assert not out.exists()


def test_l2_over_GFp_suggests_only_float(tmp_path):
    data = with_(RNN, xi="l2")
    line = assert_clean_failure(
        cli("rank", write(tmp_path, data), "--partition", "odd-even", "--field", "GF(7)")
    )
    assert "use 'float'" in line and "QQ" not in line.split(";")[-1]


def test_certify_rows_with_an_upper_bound_claim_says_what_is_wrong(tmp_path):
    model = ROOT / "examples" / "pairwise_similarity_M3_R2_T6.json"
    args = ["--partition", "odd-even", "--claim", "le", "--r", "9", "--rows", "0,1,2"]
    line = assert_clean_failure(
        cli("certify", model, *args, "--cols", "0,1,2", "-o", tmp_path / "x.json"),
        "rows/cols choose the minor of a 'ge' certificate",
    )
    assert "729 entries" not in line
    assert os.listdir(tmp_path) == []


def test_dangling_link_names_the_missing_folder_of_its_target(tmp_path):
    link = tmp_path / "d"
    link.symlink_to("nonexist/x.json")
    model = ROOT / "examples" / "pairwise_similarity_M3_R2_T6.json"
    assert_clean_failure(
        cli("certify", model, "--partition", "odd-even", "--claim", "ge", "--r", "2", "-o", link),
        f"the folder {tmp_path / 'nonexist'} does not exist",
    )


@pytest.mark.parametrize("certs", ["file", ""])
def test_check_certs_must_be_a_folder(tmp_path, certs):
    target = tmp_path / "f.json" if certs == "file" else ""
    if certs == "file":
        target.write_text("keep")
    assert_clean_failure(
        cli("check", "lemma_3_1", "--certs", target), "expected a folder to save into"
    )
    if certs == "file":
        assert target.read_text() == "keep"
