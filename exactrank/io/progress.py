"""A status line for long work on stderr, shown only when stderr is a terminal.

``exactrank rank``, ``certify`` and ``verify`` may build a large grid or check a large
certificate; the user at a terminal sees what is running and for how long. In a pipe, a
file, a test or a notebook nothing is written. The line is rewritten about once a second by
a daemon thread (so a single long call such as one rank computation still shows its
elapsed time) and erased when the work ends.
"""

from __future__ import annotations

import sys
import threading
import time

_TICK = 1.0  # seconds between rewrites; nothing is shown during the first one


class Progress:
    """``with Progress("checking") as progress:`` then ``progress.stage("building …")`` or,
    in a loop, ``progress(done, total, "rows evaluated")``."""

    def __init__(self, prefix: str, stream=None):
        self.prefix = prefix
        self.stream = stream if stream is not None else sys.stderr  # looked up now: tests swap it
        self.on = bool(getattr(self.stream, "isatty", lambda: False)())
        self.text = ""
        self._done = threading.Event()
        self._shown = False

    def stage(self, text: str) -> None:
        """What runs now (shown from the next tick on)."""
        self.text = text

    def __call__(self, done: int, total: int, what: str) -> None:
        self.text = f"{what} {done}/{total}"

    def __enter__(self) -> Progress:
        self.start = time.monotonic()
        if self.on:
            threading.Thread(target=self._tick, daemon=True).start()
        return self

    def _tick(self) -> None:
        while not self._done.wait(_TICK):
            elapsed = time.monotonic() - self.start
            self.stream.write(f"\r{self.prefix}: {self.text} ({elapsed:.0f} s)\033[K")
            self.stream.flush()
            self._shown = True

    def __exit__(self, *exc) -> bool:
        self._done.set()
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
        return False
