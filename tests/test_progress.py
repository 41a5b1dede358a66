"""The status line of long work (exactrank.io.progress): shown on a terminal only, erased after."""

from __future__ import annotations

import io
import time

from exactrank.io import progress as progress_module
from exactrank.io.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(stream, monkeypatch, seconds: float = 0.3) -> str:
    monkeypatch.setattr(progress_module, "_TICK", 0.05)
    with Progress("rank", stream) as progress:
        progress.stage("building the grid tensor (2^20 entries)")
        time.sleep(seconds / 2)
        progress(3, 10, "rows evaluated")
        time.sleep(seconds / 2)
    return stream.getvalue()


def test_a_terminal_sees_the_stage_the_count_and_the_time_then_a_clean_line(monkeypatch):
    shown = _run(_Terminal(), monkeypatch)
    assert "\rrank: building the grid tensor (2^20 entries) (0 s)" in shown
    assert "\rrank: rows evaluated 3/10 (" in shown
    assert shown.endswith("\r\033[K")  # erased: the next output starts on a clean line


def test_nothing_is_written_when_stderr_is_not_a_terminal(monkeypatch):
    assert _run(io.StringIO(), monkeypatch) == ""


def test_work_shorter_than_a_tick_writes_nothing(monkeypatch):
    with Progress("verify", _Terminal()) as progress:
        progress.stage("checking")
    assert progress.stream.getvalue() == ""


def test_verify_shows_what_it_checks_on_a_terminal(monkeypatch):
    """A rank >= 64 certificate of a 2^64-entry grid (Lemma A.2) takes long enough to tick."""
    import sys

    from exactrank import certify, verify_certificate
    from exactrank.constructions import pairwise_similarity_rnn

    minor = list(range(64))
    cert = certify(
        pairwise_similarity_rnn(2, 2, 64), "odd-even", claim="ge", rows=minor, cols=minor
    )
    monkeypatch.setattr(progress_module, "_TICK", 0.001)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert verify_certificate(cert)
    assert "\rchecking: " in terminal.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert verify_certificate(cert)
    assert sys.stderr.getvalue() == ""
