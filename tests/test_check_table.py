"""The table of `exactrank check` (exactrank/checks/check_table.py): two lines per check, rows
streamed as each check finishes, -v with every detail, the largest instance in --json."""

from __future__ import annotations

import json

import pytest

from exactrank import cli
from exactrank.checks import check_table, theorems
from exactrank.checks.theorems import CheckResult


def _result(**changes) -> CheckResult:
    fields = {
        "name": "some_check",
        "claim": "a claim",
        "verdict": "PASS",
        "expected": "PASS",
        "instances": 3,
        "seconds": 1.5,
        "details": ["M=2: rank 4", "3 instances, 0 failing"],
        "largest": "M = 2, T = 64",
        "quantity": "rank >= 1024",
    }
    return CheckResult(**{**fields, **changes})


def test_each_check_takes_a_row_and_its_largest_instance():
    lines = check_table.rows(_result())
    assert lines == [
        f"{'some_check':24} PASS     PASS             3     1.50  a claim",
        "    at M = 2, T = 64: rank >= 1024",
    ]


def test_the_largest_instance_line_is_cut_at_100_columns():
    line = check_table.rows(_result(quantity="x" * 300))[1]
    assert len(line) == check_table.WIDTH == 100 and line.endswith("…")


def test_a_check_without_largest_has_one_line():
    assert len(check_table.rows(_result(largest="", quantity=""))) == 1


def test_verbose_adds_the_claim_every_detail_the_counterexample_and_certificates():
    result = _result(
        verdict="REFUTED",
        expected="REFUTED",
        claim="c" * 150,
        details=["M=2: counterexample: x = 1", "M=3: also"],
        certificates=["certs/a.json"],
    )
    lines = check_table.rows(result, verbose=True)
    assert lines[2:] == [
        f"    claim: {'c' * 150}",
        "    M=2: counterexample: x = 1",
        "    M=3: also",
        "    counterexample: M=2: counterexample: x = 1",
        "    saved certs/a.json",
    ]


@pytest.mark.parametrize(
    "details,expected",
    [
        (["first", "counterexample: the one"], "the one"),
        (["first", "second"], "first"),
    ],
)
def test_the_counterexample_is_the_line_naming_one_else_the_first(details, expected):
    assert check_table.counterexample(_result(verdict="REFUTED", details=details)) == expected
    assert check_table.counterexample(_result(details=details)) is None


def test_rows_stream_as_each_check_finishes(monkeypatch, capsys):
    """When the second check starts, the header and the first check's rows are printed."""
    seen = []

    def run(name, full=False, certs=None):
        seen.append(capsys.readouterr().out)
        return _result(name=name)

    monkeypatch.setattr(theorems, "require", lambda names: {})
    monkeypatch.setattr(theorems, "run", run)
    assert cli.main(["check", "first", "second"]) == 0
    assert seen[0] == check_table.HEADER + "\n"
    assert seen[1].splitlines() == check_table.rows(_result(name="first"))
    assert capsys.readouterr().out.splitlines() == check_table.rows(_result(name="second"))


def test_an_unknown_name_is_refused_before_any_check_runs(monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(theorems, "run", lambda name, **kwargs: ran.append(name))
    assert cli.main(["check", "lemma_a2", "no_such_check"]) == 2
    assert ran == []
    err = capsys.readouterr().err
    assert err.startswith("exactrank: error: unknown check 'no_such_check'; known: ")


def test_check_v_prints_the_details_json_holds(capsys):
    assert cli.main(["check", "-v", "theorem_5_2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert cli.main(["check", "--json", "theorem_5_2"]) == 0
    (check,) = json.loads(capsys.readouterr().out)["checks"]
    assert (
        out[1].startswith("theorem_5_2 ")
        and out[2] == f"    at {check['largest']}: " + (check["quantity"])
    )
    assert out[3] == f"    claim: {check['claim']}"
    assert out[4 : 4 + len(check["details"])] == [f"    {line}" for line in check["details"]]
    assert f"    counterexample: {check['counterexample']}" in out
    assert check["largest"] == "M = 2, R = 2, T = 6"
    assert check["quantity"] == ("width 9 realizes the grid; printed bound MT·min(M,R)^(T/2) = 96")


def test_a_check_that_raises_is_a_fail_and_the_next_checks_run(monkeypatch, capsys):
    module = theorems.load("theorem_5_2")

    def boom(full=False, certs=None):
        raise ZeroDivisionError("a bug in the check")

    monkeypatch.setattr(module, "check", boom)
    monkeypatch.setattr(theorems, "load", lambda name: module)
    result = theorems.run("theorem_5_2")
    assert (result.verdict, result.expected, result.claim) == ("FAIL", "REFUTED", module.CLAIM)
    (detail,) = result.details
    assert detail.startswith("the check raised ZeroDivisionError: a bug in the check (")
    assert detail.endswith(f"test_check_table.py, line {boom.__code__.co_firstlineno + 1})")
    assert cli.main(["check", "theorem_5_2", "theorem_5_2"]) == 1
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[:2] for row in rows[1:]] == [["theorem_5_2", "FAIL"]] * 2


def test_checks_in_two_processes_give_the_same_json_in_the_names_order(capsys):
    names = ["prop_a4", "lemma_5_2"]
    assert cli.main(["check", *names, "--json"]) == 0
    inline = json.loads(capsys.readouterr().out)["checks"]
    assert cli.main(["check", *names, "--json", "--jobs", "2"]) == 0
    pooled = json.loads(capsys.readouterr().out)["checks"]
    assert [c["name"] for c in pooled] == names

    def without_times(checks):
        return [{k: v for k, v in c.items() if k != "seconds"} for c in checks]

    assert without_times(pooled) == without_times(inline)


def test_jobs_and_a_scheduler_are_refused_together(capsys):
    assert cli.main(["check", "lemma_5_2", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--jobs counts this machine's processes" in capsys.readouterr().err


def test_certs_naming_a_file_is_refused_before_any_check_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(theorems, "run", lambda *a, **k: pytest.fail("a check ran"))
    (tmp_path / "a-file").write_text("")
    assert cli.main(["check", "lemma_5_2", "--certs", str(tmp_path / "a-file")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
