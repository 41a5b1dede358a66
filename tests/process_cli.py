"""``python -m exactrank`` run as a separate process, as a user runs it (tests of pipes,
signals, files and exit codes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def command(*args) -> list[str]:
    return [sys.executable, "-m", "exactrank", *map(str, args)]


def run(*args, cwd=ROOT, stdin=None, timeout=120) -> subprocess.CompletedProcess:
    """Run ``exactrank ARGS`` to its end: text stdout and stderr, and the exit code."""
    return subprocess.run(
        command(*args),
        cwd=cwd,
        env=ENV,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(proc, code: int = 2) -> str:
    """The process exited with ``code`` and wrote exactly one line, no traceback, on stderr."""
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    return line
