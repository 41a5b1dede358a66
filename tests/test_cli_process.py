"""The command line as a process (issue 10): a closed pipe, Ctrl-C, running out of memory,
certify --json, the help texts, and the counterexamples of REFUTED checks."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time

import pytest
from process_cli import ENV, ROOT, command, one_line, run

import exactrank as er
from exactrank import cli as cli_module

MODEL = ROOT / "examples" / "pairwise_similarity_M3_R2_T6.json"


def start(*args, cwd, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(command(*args), cwd=cwd, env=ENV, **kwargs)


# ---------------------------------------------------------------------------- pipes, Ctrl-C


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--json", "lemma_a2", "theorem_5_2"],
        ["check", "lemma_a2", "theorem_5_2"],
        ["certify", MODEL, "--partition", "odd-even", "-o", "-"],
        ["experiment", "--list"],
    ],
    ids=["check --json", "check", "certify -o -", "experiment --list"],
)
def test_a_closed_stdout_ends_the_command_quietly(tmp_path, args):
    """As in `exactrank check --json | head -1`: the reader is gone before anything is
    written (closed at once, so the pipe is broken whatever the output's size)."""
    proc = start(*args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0
    assert stderr == "" or stderr.startswith("wrote"), stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "args, group",
    [
        (["experiment", "fig3", "--jobs", "1", "--out", "results"], False),
        (["experiment", "fig3", "--jobs", "2", "--out", "results"], False),
        (["experiment", "fig3", "--jobs", "2", "--out", "results"], True),
    ],
    ids=["inline", "process pool", "process pool, whole process group"],
)
def test_ctrl_c_exits_130_with_one_line(tmp_path, args, group):
    """SIGINT once the run is under way (its records file has its header: fig3 at its
    default size runs for minutes), while the pool's workers start: one line, exit 130, no
    traceback, no worker left, and only the records file, which --resume continues. A
    terminal's Ctrl-C goes to the whole process group, workers included (``group``; the
    command gets a process group of its own, and only that group is signalled)."""
    proc = start(
        *args,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=group,
    )
    records = tmp_path / "results" / "fig3.records.jsonl"
    try:
        deadline = time.monotonic() + 60
        while not records.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.002)
        assert records.exists() and proc.poll() is None
        if group:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        assert proc.wait(timeout=60) == 130
    finally:
        if group:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert rest.splitlines() == ["exactrank: interrupted"]
    assert os.listdir(tmp_path / "results") == ["fig3.records.jsonl"]
    assert records.read_text().startswith('{"format":"exactrank-records"')


def test_ctrl_c_in_process_is_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "load_model", interrupted)
    assert cli_module.main(["rank", str(MODEL), "--partition", "odd-even"]) == 130
    assert capsys.readouterr().err == "exactrank: interrupted\n"


# ---------------------------------------------------------------------------- out of memory


@pytest.mark.parametrize(
    "failure", [MemoryError, lambda: er.ResourceError("memory ran out while checking")]
)
def test_verify_that_ran_out_of_memory_could_not_check_exit_3(
    tmp_path, monkeypatch, capsys, failure
):
    path = tmp_path / "c.json"
    er.save_certificate(er.certify(er.load_model(MODEL), "odd-even"), path)

    def exhausted(cert):
        raise failure()

    monkeypatch.setattr(cli_module, "verify_certificate", exhausted)
    assert cli_module.main(["verify", str(path)]) == 3
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("exactrank: could not check: ")
    assert "NOT VERIFIED" not in line


def test_other_commands_that_ran_out_of_memory_exit_2_with_one_line(monkeypatch, capsys):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(cli_module, "grid_tensor", exhausted)
    assert cli_module.main(["rank", str(MODEL), "--partition", "odd-even"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == "exactrank: error: out of memory (the grid tensor is too large to build)"


def test_a_system_error_on_a_file_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("")
    line = one_line(run("check", "theorem_5_2", "--certs", tmp_path / "a-file"))
    assert line.startswith("exactrank: error: ") and "a-file" in line


# ---------------------------------------------------------------------------- certify --json


def test_certify_json_prints_a_summary_of_what_was_written(tmp_path):
    proc = run("certify", MODEL, "--partition", "odd-even", "-o", "c.json", "--json", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""
    summary = json.loads(proc.stdout)
    cert = er.load_certificate(tmp_path / "c.json")
    assert summary == {
        "certificate": "c.json",
        "claim": {
            "kind": "eq",
            "r": 9,
            "field": "QQ",
            "row_modes": [0, 2, 4],
            "col_modes": [1, 3, 5],
        },
        "witness": ["minor", "basis"],
    }
    assert summary["claim"] == cert["claim"] and summary["witness"] == list(cert["witness"])
    ge = run(
        "certify",
        MODEL,
        "--partition",
        "odd-even",
        "--claim",
        "ge",
        "--r",
        "3",
        "--rows",
        "0,1,2",
        "--cols",
        "0,1,2",
        "-o",
        "ge.json",
        "--json",
        cwd=tmp_path,
    )
    assert json.loads(ge.stdout)["witness"] == ["minor"]


def test_certify_json_to_stdout_is_refused(tmp_path):
    line = one_line(run("certify", MODEL, "--partition", "odd-even", "-o", "-", "--json"))
    assert "-o - and --json would both print on stdout" in line


# ---------------------------------------------------------------------------- texts


def _words(text: str) -> str:
    return " ".join(text.split())  # argparse wraps help at the terminal's width


@pytest.mark.parametrize("args", [["--help"], ["experiment", "--help"]])
def test_help_names_every_kind_of_experiment(args):
    proc = run(*args)
    assert proc.returncode == 0
    assert "seed 001 Figures 3-5 and seed 000 tables, see --list" in _words(proc.stdout)


@pytest.mark.parametrize("key", ["n", "samples", "n_samples"])
def test_a_sample_count_given_as_a_parameter_points_to_samples(key):
    line = one_line(run("experiment", "fig3", "--set", f"{key}=20", "--quiet"))
    assert f"experiment fig3 has no parameter {key!r}" in line and "--samples 20" in line
    with pytest.raises(er.InvalidInputError, match="--samples"):
        er.run_experiment("theorem8", params={key: 20}, progress=False)


def test_refuted_checks_print_their_counterexample(tmp_path):
    proc = run("check", "theorem_5_2", "prop_a5", "lemma_a2", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()  # the header, then two lines per check
    assert lines[7].startswith("theorem_5_2 counterexample: M=2 R=2 T=2: shallow width 3")
    assert lines[8].startswith("prop_a5 counterexample: F = [[")
    assert lines[9] == (
        "(--certs DIR saves the counterexamples as certificates; --json prints every detail)"
    )
    assert len(lines) == 10, "nothing printed for a check that passed"


def test_refuted_checks_say_where_their_certificates_are(tmp_path):
    proc = run("check", "theorem_5_2", "--certs", "certs", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[3].startswith("theorem_5_2 counterexample: ")
    saved = sorted(os.listdir(tmp_path / "certs"))
    assert lines[4:] == [f"  saved as {len(saved)} certificates in certs"] and saved
    for name in saved[:2]:
        assert er.verify_certificate(er.load_certificate(tmp_path / "certs" / name))


def test_check_json_keeps_its_structure_and_adds_the_counterexample():
    proc = run("check", "--json", "theorem_5_2", "lemma_a2")
    checks = json.loads(proc.stdout)["checks"]
    keys = {
        "name",
        "claim",
        "verdict",
        "expected",
        "instances",
        "seconds",
        "details",
        "certificates",
        "largest",
        "quantity",
        "as_expected",
        "counterexample",
    }
    assert [set(c) for c in checks] == [keys, keys]
    refuted, passed = checks
    assert refuted["counterexample"] == refuted["details"][0]
    assert passed["counterexample"] is None
