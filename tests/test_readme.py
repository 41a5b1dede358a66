"""The README stays true: its Python tour runs, and its CLI transcripts are what the CLI prints.

In a transcript, a line starting with "$ " is a command run, in order, in a folder holding a
copy of examples/ (as from the repository root); the
lines after it are its expected output (stdout and stderr together), where "…" stands for
any text (a random prime, a tolerance).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.S | re.M)


def _transcripts() -> list[tuple[str, list[str]]]:
    runs = []
    for block in _blocks("console"):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            if chunk.startswith("$ "):
                command, *expected = chunk.rstrip("\n").split("\n")
                runs.append((command[2:], [line for line in expected if line]))
    return runs


def _pattern(line: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(part) for part in line.split("…")))


def test_the_readme_has_a_tour():
    assert _blocks("python") and _transcripts()


@pytest.mark.parametrize("code", _blocks("python"))
def test_python_tour_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder holding a copy of examples/, where the transcripts run in order."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


@pytest.mark.parametrize("command,expected", _transcripts(), ids=lambda v: str(v)[:60])
def test_cli_transcript(command, expected, workdir):
    argv = shlex.split(command)
    assert argv[0] == "exactrank"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "exactrank", *argv[1:]],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    got = (proc.stdout + proc.stderr).rstrip("\n").split("\n")
    assert len(got) == len(expected), (got, expected)
    for line, want in zip(got, expected, strict=True):
        assert _pattern(want).fullmatch(line), (line, want)
    assert proc.returncode == (2 if expected[0].startswith("exactrank: error") else 0)
