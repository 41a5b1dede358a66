"""Bad input at and past the limits of exactrank.limits (issue 10, "Bad input").

Every case is one line on stderr and exit 2 from the command line (run in process), never a
traceback or a hang, and a named error type from the Python API; a file exactly at a limit
is accepted where that is cheap to build. Certificates are also run through the stand-alone
checker (proofs/verify_certificate.py, as a user runs it), which must give the same exit code.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from exactrank import certificates, limits
from exactrank.certificates import certify, verify_certificate
from exactrank.cli import main
from exactrank.errors import (
    CertificateFormatError,
    InvalidInputError,
    LimitError,
    ModelFileError,
    ResourceError,
    shown,
)
from exactrank.io.json_input import json_depth, parse_json
from exactrank.linalg.partitions import Partition, parse_partition
from exactrank.models import GeneralizedRNN, GeneralizedShallow, OverlappingNetwork
from exactrank.models.grid import grid_entries, grid_tensor
from exactrank.models.modelfile import load_model

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "proofs" / "verify_certificate.py"
HEADER = {"format": "exactrank-model", "version": 1}


# ------------------------------------------------------------------------------ helpers


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *args, naming: str = "") -> str:
    """The command exits 2 with one short line on stderr naming ``naming``."""
    code, out, err = cli(capsys, *args)
    assert code == 2, (out, err[:300])
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err[:300]
    assert "Traceback" not in err and len(err) < 400, err[:400]
    assert naming in err, err
    return err


def write(tmp_path, content, name: str = "model.json", raw: str = "") -> Path:
    """A file of ``content`` (text, or JSON whose string "RAW" becomes the text ``raw``:
    integers of any length are written without ever being formatted here)."""
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text.replace('"RAW"', raw) if raw else text)
    return path


def digits(n: int, last: str = "7") -> str:
    """An n-digit decimal integer as text: 10…0 followed by ``last``."""
    return "1" + "0" * (n - 2) + last


def rnn(T: int = 4, M: int = 2, weight=1, **keys) -> dict:
    """The product RNN whose first input weight is ``weight``, every other weight 1."""
    C = [[[weight] + [1] * (M - 1)]] + [[[1] * M]] * (T - 1)
    return {
        **HEADER,
        "kind": "generalized-rnn",
        "xi": "product",
        "C": C,
        "G": [[[[1]]]] * T,
        **keys,
    }


def shared_rnn(T: int, M: int = 2) -> dict:
    C, G = [[[1] * M]] * 3, [[[[1]]]] * 3
    return {
        **HEADER,
        "kind": "generalized-rnn",
        "xi": "product",
        "shared": True,
        "T": T,
        "C": C,
        "G": G,
    }


def certificate(kind, r, rows, cols, tensor, witness, field="QQ") -> dict:
    claim = {"kind": kind, "r": r, "field": field, "row_modes": list(rows), "col_modes": list(cols)}
    return {
        "format": "exactrank-certificate",
        "version": 1,
        "claim": claim,
        "tensor": tensor,
        "witness": witness,
    }


def ge_one(model: dict, T: int, rows=()) -> dict:
    """rank >= 1 from the minor (0, 0): true for a model whose entries are all nonzero."""
    cols = [t for t in range(T) if t not in set(rows)]
    return certificate("ge", 1, rows, cols, {"model": model}, {"minor": {"rows": [0], "cols": [0]}})


def eq_one(tensor: dict, T: int, rows=()) -> dict:
    """rank = 1 of a tensor all of whose entries are equal and nonzero, as a 1 × n matrix
    (every mode a column mode when ``rows`` is empty): the minor (0, 0), a basis of row 0."""
    cols = [t for t in range(T) if t not in set(rows)]
    witness = {"minor": {"rows": [0], "cols": [0]}, "basis": {"rows": [0], "coefficients": []}}
    return certificate("eq", 1, rows, cols, tensor, witness)


def checker_code(path: Path) -> int:
    """The stand-alone checker's exit code on ``path``, run as a user runs it."""
    run = subprocess.run(
        [sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    return run.returncode


def verify_both(capsys, tmp_path, cert: dict, expected: int, naming: str = "") -> str:
    """``exactrank verify`` in process and the stand-alone checker give ``expected``."""
    path = write(tmp_path, cert, "cert.json")
    code, out, err = cli(capsys, "verify", path)
    assert code == expected, (out[:300], err[:300])
    assert "Traceback" not in err and len(out + err) < 400
    assert naming in out + err, out + err
    assert checker_code(path) == expected
    return out + err


def elapsed(function, *args):
    start = time.monotonic()
    result = function(*args)
    return result, time.monotonic() - start


# ------------------------------------------------------------------------------ the table


def _checker_module():
    spec = importlib.util.spec_from_file_location("verify_certificate", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_two_copies_of_the_limits_are_equal():
    checker = _checker_module()
    names = ("MAX_FILE_BYTES", "MAX_DEPTH", "MAX_DIGITS", "MAX_MODES", "MAX_TEMPLATES")
    names += ("MAX_WIDTH", "MAX_WEIGHTS", "MAX_MINOR")
    for name in names:
        assert getattr(checker, name) == getattr(limits, name), name
    assert checker.MAX_ENTRIES == limits.MAX_GRID_ENTRIES == 2**30
    assert (limits.MAX_FILE_BYTES, limits.MAX_WEIGHTS) == (256 * 2**20, 2**24)


def test_docs_state_the_limits_and_every_kind():
    text = (ROOT / "docs" / "model-files.md").read_text(encoding="utf-8")
    kinds = text[text.index("* `kind`") : text.index("* `M`")]
    for kind in ("generalized-rnn", "generalized-shallow", "hierarchical", "overlapping", "mixed"):
        assert f'"{kind}"' in kinds, kind
    section = text[text.index("## Limits") :]
    for name in ("MAX_DEPTH", "MAX_DIGITS", "MAX_MODES", "MAX_TEMPLATES", "MAX_WIDTH"):
        assert f"`{name}`" in section, name
    assert "10 000" in section or "10000" in section or "10_000" in section


def test_whole_grid_rule():
    assert limits.whole_grid(2, 30) and limits.whole_grid(1, 64)
    assert not limits.whole_grid(2, 31) and not limits.whole_grid(1, 65)


def test_shown_bounds_every_echo():
    assert shown("x" * 10**6).endswith("…") and len(shown("x" * 10**6)) == 80
    assert len(shown([list(range(10**5))] * 10)) == 80
    assert shown(10**5000) == "<an integer of 5001 digits>"  # never formatted
    assert shown({"r": 3}) == "{'r': 3}" and shown(2.5) == "2.5"


# ------------------------------------------------------------------------------ model files


def test_a_kind_that_is_a_list(capsys, tmp_path):
    path = write(tmp_path, {**rnn(), "kind": ["list"]})
    refused(capsys, "rank", path, "--partition", "odd-even", naming="unknown kind ['list']")
    with pytest.raises(ModelFileError, match="unknown kind"):
        load_model(path)


@pytest.mark.parametrize("n", [4301, limits.MAX_DIGITS])
def test_long_integers_up_to_the_limit_are_read(capsys, tmp_path, n):
    text = digits(n)
    path = write(tmp_path, rnn(weight="RAW"), raw=text)
    code, out, _ = cli(capsys, "rank", path, "--partition", "odd-even")
    assert code == 0 and out.startswith("rank 1 over QQ, exact")
    with limits.digits_allowed():
        weight = int(text)
    assert load_model(path).C[0][0, 0] == weight
    q = write(tmp_path, rnn(weight=f"1/{text}"), "q.json")
    assert load_model(q).C[0][0, 0].denominator == weight


def test_integers_past_the_limit_are_refused(capsys, tmp_path):
    too_long = digits(limits.MAX_DIGITS + 1)
    path = write(tmp_path, rnn(weight="RAW"), raw=f"-{too_long}")
    refused(capsys, "rank", path, "--partition", "odd-even", naming="MAX_DIGITS = 10000")
    with pytest.raises(ModelFileError, match="MAX_DIGITS"):
        load_model(path)
    for text in (f"-{too_long}", f"1/{too_long}", f"{too_long}/3"):
        path = write(tmp_path, rnn(weight=text), "q.json")
        err = refused(capsys, "rank", path, "--partition", "odd-even", naming="MAX_DIGITS")
        assert "C[0][0][0]" in err
        with pytest.raises(LimitError, match=r"C\[0\]\[0\]\[0\]"):
            load_model(path)


def test_nesting_depth(capsys, tmp_path):
    path = write(tmp_path, '{"C": ' + "[" * 5000 + "]" * 5000 + "}")
    refused(capsys, "rank", path, "--partition", "odd-even", naming="MAX_DEPTH = 64")
    with pytest.raises(ModelFileError, match="MAX_DEPTH"):
        load_model(path)
    at = "[" * (limits.MAX_DEPTH - 1) + '"]]{"' + "]" * (limits.MAX_DEPTH - 1)
    assert json_depth("{}") == 1 and json_depth(at) == limits.MAX_DEPTH - 1
    assert parse_json("[" * 64 + "]" * 64, "x") == json.loads("[" * 64 + "]" * 64)
    with pytest.raises(ModelFileError, match="65 levels deep"):
        parse_json("[" * 65 + "]" * 65, "x")


def test_a_33_deep_weight(capsys, tmp_path):
    weight = 1
    for _ in range(33):
        weight = [weight]
    path = write(tmp_path, {**rnn(), "G": [weight] * 4})
    refused(capsys, "rank", path, "--partition", "odd-even", naming="G[0]: nested 33 levels")


def test_70_modes_of_one_template(capsys, tmp_path):
    path = write(tmp_path, rnn(T=70, M=1))
    refused(capsys, "rank", path, "--partition", "odd-even", naming="64 dimensions")
    model = load_model(path)
    with pytest.raises(InvalidInputError, match="64 dimensions"):
        grid_tensor(model)
    assert grid_entries(model, [[0] * 70]).values.tolist() == [1]


def test_overlapping_shape_of_2_to_the_64(capsys, tmp_path):
    data = {**HEADER, "kind": "overlapping", "shape": [2**32, 2**32], "strides": [1]}
    path = write(tmp_path, {**data, "weights": [[[[[1]]]]], "output": [1]})
    refused(capsys, "rank", path, "--partition", "odd-even", naming="MAX_MODES = 4096")
    with pytest.raises(LimitError, match="MAX_MODES"):
        OverlappingNetwork([2**32, 2**32], [1], [[[[[1]]]]], [1])


def test_shared_cores_T(capsys, tmp_path):
    path = write(tmp_path, shared_rnn(100_000))
    start = time.monotonic()
    refused(capsys, "rank", path, "--partition", "odd-even", naming="MAX_MODES = 4096")
    assert time.monotonic() - start < 2
    with pytest.raises(LimitError, match="MAX_MODES"):
        GeneralizedRNN.with_shared_cores("product", *[([[1, 1]], [[[1]]])] * 3, 100_000)
    model, seconds = elapsed(load_model, write(tmp_path, shared_rnn(limits.MAX_MODES), "at.json"))
    assert model.T == limits.MAX_MODES and seconds < 2
    with pytest.raises(LimitError, match="4097"):
        load_model(write(tmp_path, shared_rnn(limits.MAX_MODES + 1), "past.json"))


def test_a_long_partition_is_refused_fast(capsys, tmp_path):
    path = write(tmp_path, rnn(T=4))
    spec = "rows=" + ",".join(["0"] * 10**5)
    start = time.monotonic()
    refused(capsys, "rank", path, "--partition", spec, naming="MAX_MODES")
    assert time.monotonic() - start < 2
    with pytest.raises(LimitError, match="MAX_MODES"):
        Partition((0,) * 10**5, ())
    modes = list(range(limits.MAX_MODES))
    start = time.monotonic()
    for _ in range(10):  # O(T): the check of a partition of 4096 modes is quick
        parse_partition("rows=" + ",".join(map(str, modes[::2])), limits.MAX_MODES)
        with pytest.raises(InvalidInputError, match="mode 4094 is listed twice"):
            Partition(tuple(modes[:-1]), (4094,))
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("M", [4000, 10_000])
def test_many_templates_are_refused_before_F_is_built(capsys, tmp_path, M):
    path = write(tmp_path, rnn(T=2, M=M))
    start = time.monotonic()
    refused(capsys, "rank", path, "--partition", "odd-even", naming="MAX_TEMPLATES = 1024")
    with pytest.raises(LimitError, match="MAX_TEMPLATES"):
        load_model(path)
    assert time.monotonic() - start < 2


def test_templates_at_the_limit(tmp_path):
    assert load_model(write(tmp_path, rnn(T=1, M=limits.MAX_TEMPLATES))).M == 1024
    with pytest.raises(LimitError, match="1025"):
        load_model(write(tmp_path, rnn(T=1, M=limits.MAX_TEMPLATES + 1)))


def test_widths_past_the_limit(tmp_path):
    C = [[[1, 1]] * (limits.MAX_WIDTH + 1), [[1, 1]]]
    G = [[[[1]]] * (limits.MAX_WIDTH + 1), [[[1]]]]
    data = {**HEADER, "kind": "generalized-rnn", "xi": "product", "C": C, "G": G}
    with pytest.raises(LimitError, match="MAX_WIDTH"):
        load_model(write(tmp_path, data))


@pytest.mark.parametrize(
    "change, naming",
    [
        ({"M": 2.0}, "M is the JSON float 2.0"),
        ({"T": 4.0}, "T is the JSON float 4.0"),
        ({"x-note": [0.5]}, "x-note[0] is the JSON float 0.5"),
    ],
)
def test_floats_are_refused_everywhere(capsys, tmp_path, change, naming):
    path = write(tmp_path, {**rnn(), **change})
    refused(capsys, "rank", path, "--partition", "odd-even", naming=naming)


def test_float_widths_and_nan(capsys, tmp_path):
    tree = {**HEADER, "kind": "hierarchical", "tree": [[0, 1]], "widths": [1.0, 1]}
    tree.update(weights=[[[[1, 1]], [[1, 1]]], [[[1]]]], output=[1])
    path = write(tmp_path, tree)
    refused(capsys, "rank", path, "--partition", "odd-even", naming="widths[0] is the JSON float")
    text = json.dumps(rnn()).replace('"C": [[[1, 1]]', '"C": [[[NaN, 1]]', 1)
    refused(
        capsys, "rank", write(tmp_path, text), "--partition", "odd-even", naming="JSON float nan"
    )


def test_repeated_keys(capsys, tmp_path):
    text = json.dumps(rnn()).replace('"xi": "product"', '"xi": "product", "xi": "sum"')
    path = write(tmp_path, text)
    refused(capsys, "rank", path, "--partition", "odd-even", naming="the key 'xi' appears twice")
    with pytest.raises(ModelFileError, match="'xi' appears twice"):
        load_model(path)


@pytest.mark.parametrize("key", ["kind", "xi", "format", "version", "M"])
def test_echoed_values_are_short(capsys, tmp_path, key):
    path = write(tmp_path, {**rnn(), key: "z" * 10**6})
    err = refused(capsys, "rank", path, "--partition", "odd-even")
    assert "z" * 80 not in err


def test_an_echoed_partition_is_short(capsys, tmp_path):
    err = refused(capsys, "rank", write(tmp_path, rnn()), "--partition", "q" * 10**6)
    assert "q" * 80 not in err


# ------------------------------------------------------------------------------ certificates


def test_64_modes_of_size_one_verify(capsys, tmp_path):
    verify_both(capsys, tmp_path, eq_one({"model": rnn(T=64, M=1)}, 64), 0, "s VERIFIED")
    verify_both(capsys, tmp_path, eq_one({"model": rnn(T=70, M=1)}, 70), 0, "s VERIFIED")
    explicit = {"dims": [1] * 70, "entries": ["3/2"]}
    verify_both(capsys, tmp_path, eq_one(explicit, 70, rows=range(35)), 0, "s VERIFIED")


def test_claim_modes(capsys, tmp_path):
    cert = ge_one(shared_rnn(30_000), 30_000)
    start = time.monotonic()
    verify_both(capsys, tmp_path, cert, 2, "MAX_MODES = 4096")
    assert time.monotonic() - start < 10
    verify_both(capsys, tmp_path, ge_one(shared_rnn(15_000), 15_000, range(15_000)), 2, "MAX_MODES")
    verify_both(capsys, tmp_path, ge_one(shared_rnn(4096), 4096, range(2048)), 0, "s VERIFIED")
    with pytest.raises(CertificateFormatError, match="MAX_MODES"):
        verify_certificate(cert)


@pytest.mark.parametrize("M", [4000, 10_000])
def test_certificate_templates(capsys, tmp_path, M):
    cert = eq_one({"model": rnn(T=1, M=M)}, 1)
    start = time.monotonic()
    verify_both(capsys, tmp_path, cert, 2, "MAX_TEMPLATES = 1024")
    assert time.monotonic() - start < 10


def test_minor_of_a_million_indices(capsys, tmp_path):
    cert = ge_one(shared_rnn(40), 40, range(20))
    cert["claim"]["r"] = 10**6
    cert["witness"]["minor"] = {"rows": list(range(10**6)), "cols": list(range(10**6))}
    start = time.monotonic()
    verify_both(capsys, tmp_path, cert, 2, "MAX_MINOR = 4096")
    assert time.monotonic() - start < 20
    cert["witness"]["minor"] = {"rows": list(range(4097)), "cols": [0]}
    with pytest.raises(CertificateFormatError, match="4097, more than MAX_MINOR"):
        verify_certificate(cert)


def test_field_digits(capsys, tmp_path):
    cert = ge_one(rnn(T=2), 2, [0])
    cert["claim"]["field"] = f"GF({digits(4400, '1')})"  # the MAX_PRIME rule: NOT VERIFIED
    verify_both(capsys, tmp_path, cert, 1, "not QQ or GF(p) with p prime < 3.3e24")
    cert["claim"]["field"] = f"GF({digits(limits.MAX_DIGITS + 1, '1')})"
    verify_both(capsys, tmp_path, cert, 2, "MAX_DIGITS = 10000")


def test_upper_bound_past_the_grid_limit(capsys, tmp_path):
    cert = eq_one({"model": shared_rnn(31)}, 31)
    verify_both(capsys, tmp_path, cert, 2, "MAX_GRID_ENTRIES")


def test_repeated_keys_in_a_certificate(capsys, tmp_path):
    text = json.dumps(ge_one(rnn(T=2), 2, [0])).replace('"r": 1', '"r": 3, "r": 1')
    path = write(tmp_path, text, "cert.json")
    refused(capsys, "verify", path, naming="the key 'r' appears twice")
    assert checker_code(path) == 2
    with pytest.raises(CertificateFormatError, match="'r' appears twice"):
        certificates.load_certificate(path)


def test_running_out_of_memory_is_not_a_verdict(capsys, tmp_path, monkeypatch):
    cert = ge_one(rnn(T=2), 2, [0])

    def exhausted(*args):
        raise MemoryError

    monkeypatch.setattr(certificates.verify, "_nonsingular", exhausted)
    with pytest.raises(ResourceError, match="MemoryError while checking"):
        verify_certificate(cert)
    code, out, err = cli(capsys, "verify", write(tmp_path, cert, "cert.json"))
    assert (code, out) == (3, "") and err.count("\n") == 1 and "could not check" in err


def test_a_4000_digit_weight_is_checked_quickly(capsys, tmp_path):
    """A product RNN of T = 200 with one 4000-digit weight: a 16 × 16 minor takes seconds in
    the stand-alone checker and must in ``exactrank verify`` too (it took 887 s)."""
    T, big = 200, 10**3999 + 7
    C = [[[1, 2], [3, 1]]] * T
    G = [[[[1, 2]], [[2, 1]]]] + [[[[1, 0], [0, 1]], [[2, 1], [1, 3]]]] * (T - 2)
    G = G + [[[[1], [1]], [[1], [2]]]]
    G[100] = [[[big, 0], [0, 1]], [[2, 1], [1, 3]]]
    model = {**HEADER, "kind": "generalized-rnn", "xi": "product", "C": C, "G": G}
    cert = ge_one(model, T, range(100))
    cert["claim"]["r"] = 16
    cert["witness"]["minor"] = {"rows": list(range(16)), "cols": list(range(16))}
    path = write(tmp_path, cert, "cert.json")
    start = time.monotonic()
    code, _, err = cli(capsys, "verify", path)
    seconds = time.monotonic() - start
    assert code == 1 and "Traceback" not in err  # TT-rank 2: every 16 × 16 minor is singular
    assert checker_code(path) == 1
    assert seconds < 10, f"exactrank verify took {seconds:.0f} s"


def test_certify_writes_numbers_past_pythons_default(capsys, tmp_path):
    """A weight of 5000 digits (within MAX_DIGITS, past Python's 4300) is certified and the
    certificate verifies in both checkers."""
    path = write(tmp_path, rnn(weight="RAW"), raw=digits(5000))
    out_path = tmp_path / "cert.json"
    code, _, err = cli(capsys, "certify", path, "--partition", "odd-even", "-o", out_path)
    assert code == 0, err
    code, out, err = cli(capsys, "verify", out_path)
    assert (code, out) == (0, "s VERIFIED\n"), err
    assert checker_code(out_path) == 0


def test_a_long_r_is_not_echoed(capsys, tmp_path):
    cert = ge_one(rnn(T=2), 2, [0])
    cert["claim"]["r"] = "RAW"
    path = write(tmp_path, cert, "cert.json", raw=digits(5000))
    code, out, err = cli(capsys, "verify", path)
    assert (code, err) == (1, "") and "r = <an integer of 5000 digits>" in out and len(out) < 200
    assert checker_code(path) == 1


def test_an_overlapping_model_in_a_certificate(capsys, tmp_path):
    """No certificate form: NOT VERIFIED in both checkers, even past MAX_MODES (it is not
    read as a model at all)."""
    model = {**HEADER, "kind": "overlapping", "shape": [2**32, 2**32], "strides": [1]}
    model.update(weights=[[[[[1]]]]], output=[1])
    verify_both(capsys, tmp_path, ge_one(model, 2, [0]), 1, "no certificate form")


@pytest.mark.parametrize("shared", ["no", 1, None, [True]])
def test_shared_must_be_a_boolean(capsys, tmp_path, shared):
    """ "shared": "no" once meant shared (read by truth value); now both readers refuse it."""
    model = {**shared_rnn(4), "shared": shared}
    refused(capsys, "rank", write(tmp_path, model), "--partition", "odd-even", naming="shared")
    verify_both(capsys, tmp_path, ge_one(model, 4), 1, naming="shared")


def test_a_factorization_of_inner_size_zero(tmp_path):
    """rank <= 0 of a zero grid through U (4 × 0) · V (0 × 4): written and verified by both."""
    zero = GeneralizedShallow("product", lambda_=[0], V=[[[1, 0]] * 4])
    factors = (np.zeros((4, 0), dtype=object), np.zeros((0, 4), dtype=object))
    cert = certify(zero, "odd-even", claim="le", r=0, factors=factors)
    assert cert["witness"] == {"factorization": {"U": [[]] * 4, "V": []}}
    assert verify_certificate(cert)
    path = write(tmp_path, cert, "cert.json")
    assert checker_code(path) == 0


def test_a_tiny_weight_next_to_zeros(capsys, tmp_path):
    """A weight 1/10^4301 scales int64 zeros by a factor past int64 (was an OverflowError)."""
    model = json.loads(Path("examples/shallow_relu_M3_T4.json").read_text())
    model["V"][0][1][0] = "1/RAW"
    path = write(tmp_path, json.dumps(model).replace('"1/RAW"', '"1/1' + "0" * 4301 + '"'))
    code, out, err = cli(capsys, "rank", path, "--partition", "odd-even")
    assert code == 0 and "exact" in out, err


def test_a_weight_beyond_float_range_over_float(capsys, tmp_path):
    model = json.loads(Path("examples/pairwise_similarity_M3_R2_T6.json").read_text())
    model["C"][0][0][0] = "7" * 5000
    path = write(tmp_path, model)
    err = refused(capsys, "rank", path, "--partition", "odd-even", "--field", "float")
    assert "<a rational of 5000/1 digits> is beyond float64's range" in err


def test_shown_describes_huge_rationals_by_their_size():
    assert shown(Fraction(10**5000 + 1, 3)) == "<a rational of 5001/1 digits>"
    assert shown(Fraction(1, 3)) == "Fraction(1, 3)"
