"""The records file of a run, ``DIR/NAME.records.jsonl``: one JSON line per finished task.

Line 1 is the run's header (experiment, parameters with samples and seed, shard, number of
tasks); every further line is one task's outcome (:mod:`.tasks`), appended with a single
``write`` as soon as the task finishes, so a line is complete or absent. After a ``kill
-9`` (or a power cut) the last line may be torn: it is dropped, and cut off the file, when
the run is resumed. A second run on the same file is refused while the first holds it (an
advisory ``flock``). Each shard of a sharded run has its own file,
``NAME.shard-K-of-N.records.jsonl``, so shards may share a folder.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

from ..errors import InvalidInputError
from ..io.files import output
from ..limits import digits_allowed

try:
    import fcntl
except ImportError:  # not POSIX: no lock, one run per file is the user's care
    fcntl = None

FORMAT = "exactrank-records"
VERSION = 1
SUFFIX = ".records.jsonl"
_SYNC_SECONDS = 1.0  # fsync at most this often (a kill -9 needs none; a power cut does)


def records_path(folder, name: str, shard: tuple[int, int] | None = None) -> Path:
    stem = name if shard is None else f"{name}.shard-{shard[0]}-of-{shard[1]}"
    return Path(folder) / f"{stem}{SUFFIX}"


def header(name: str, parameters: dict, shard, tasks: int) -> dict:
    """``parameters`` include ``samples`` and ``seed``: with the name they fix every task."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "experiment": name,
        "parameters": parameters,
        "shard": list(shard) if shard else None,
        "tasks": tasks,
    }


def read(path) -> tuple[dict, dict, int]:
    """(header, outcomes by task key, length of the complete lines in bytes) of a records
    file; a torn last line (no newline at its end) is left out. A successful outcome of a
    task wins over an error of the same task (a failed task run again on resume)."""
    path = Path(path)
    data = path.read_bytes()
    lines, end = data.split(b"\n"), data.rfind(b"\n") + 1
    complete = lines[:-1]  # the piece after the last newline is empty or torn
    if not complete:
        raise InvalidInputError(f"{path}: no header line; expected an exactrank records file")
    parsed = []
    with digits_allowed():
        for number, line in enumerate(complete, 1):
            try:
                parsed.append(json.loads(line))
            except ValueError as exc:
                raise InvalidInputError(
                    f"{path}, line {number}: not a JSON record ({exc}); expected one JSON "
                    "object per line"
                ) from None
    head = parsed[0]
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise InvalidInputError(
            f"{path}, line 1: expected a header with format {FORMAT!r}, got {str(head)[:80]}"
        )
    outcomes: dict[str, dict] = {}
    for number, outcome in enumerate(parsed[1:], 2):
        if not isinstance(outcome, dict) or not {"group", "index", "seed"} <= set(outcome):
            raise InvalidInputError(
                f"{path}, line {number}: expected a task outcome with group, index and seed, "
                f"got {str(outcome)[:80]}"
            )
        key = json.dumps([outcome["group"], outcome["index"]])
        if key not in outcomes or "record" not in outcomes[key]:
            outcomes[key] = outcome
    return head, outcomes, end


def difference(mine: dict, theirs: dict) -> str | None:
    """The first key whose values differ, as ``key = theirs (this run: mine)``; None."""
    for key in sorted(set(mine) | set(theirs)):
        if mine.get(key) != theirs.get(key):
            if isinstance(mine.get(key), dict) and isinstance(theirs.get(key), dict):
                return difference(mine[key], theirs[key])
            return f"{key} = {json.dumps(theirs.get(key))} (this run: {json.dumps(mine.get(key))})"
    return None


class Writer:
    """Appends outcomes to an open records file, one ``write`` per line (see module)."""

    def __init__(self, path: Path, fd: int):
        self.path, self.fd, self.synced = path, fd, time.monotonic()

    def append(self, outcome: dict) -> None:
        with digits_allowed():
            line = (json.dumps(outcome, separators=(",", ":")) + "\n").encode()
        written = os.write(self.fd, line)
        while written < len(line):  # a regular file takes it whole; never leave half a line
            written += os.write(self.fd, line[written:])
        if time.monotonic() - self.synced > _SYNC_SECONDS:
            os.fsync(self.fd)
            self.synced = time.monotonic()

    def close(self) -> None:
        if self.fd >= 0:
            os.fsync(self.fd)
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_run(path: Path, head: dict, resume: bool) -> tuple[Writer, dict]:
    """A :class:`Writer` on ``path`` and the outcomes already there (resume), or on a new
    file holding only ``head``. Without ``resume`` an unfinished file of this same run is
    refused (its work would be lost); a finished one, or one of another run, is replaced.
    A file another run is writing is refused either way."""
    if not _existing(path):
        return _new(path, head), {}
    fd = _open_locked(path)
    try:
        if not (resume or _unfinished(path, head)):
            return _new(path, head), {}
        theirs, outcomes, end = read(path)
        differ = difference(_identity(head), _identity(theirs))
        if differ:
            raise InvalidInputError(
                f"{path} holds another run ({differ}); give the same parameters to resume "
                "it, or remove the file"
            )
        if not resume:
            done = sum("record" in o for o in outcomes.values())
            raise InvalidInputError(
                f"{path} holds {done} of {head['tasks']} records of this run, unfinished: "
                "--resume (resume=True) continues it; remove the file to start again"
            )
        os.truncate(fd, end)  # a torn last line goes
        writer, fd = Writer(path, fd), -1
        return writer, outcomes
    finally:
        if fd >= 0:
            os.close(fd)


def _new(path: Path, head: dict) -> Writer:
    with output(path) as handle:  # atomically: the header line whole, or the old file
        handle.write(json.dumps(head, separators=(",", ":")) + "\n")
    return Writer(path, _open_locked(path))


def _existing(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(mode):
        raise InvalidInputError(
            f"{path}: not a regular file; expected the records file of a run (or nothing)"
        )
    return True


def _unfinished(path: Path, head: dict) -> bool:
    try:
        theirs, outcomes, _ = read(path)
    except InvalidInputError:
        return False  # not a records file of ours: replaced
    if difference(_identity(head), _identity(theirs)):
        return False
    return sum("record" in o for o in outcomes.values()) < head["tasks"]


def _identity(head: dict) -> dict:
    return {k: head.get(k) for k in ("experiment", "parameters", "shard", "tasks")}


def _open_locked(path: Path) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise InvalidInputError(
                f"{path}: another exactrank run is writing it; wait for it to end"
            ) from None
    return fd
