"""Reading inputs and writing outputs safely: nothing is clobbered or left half-written.

Outputs (:func:`output`, :func:`output_path`, :func:`write_json`), by what the path names:

* ``-``: standard output.
* a regular file, or nothing yet in an existing folder: the content goes to a temporary file
  ``.NAME.<pid>.<random>.tmp`` beside it, renamed over the target once complete, so a
  failure or a ``kill -9`` leaves the old file whole. The new file gets the mode the umask
  gives (0666 & ~umask), as any file a program creates. Temporary files of the same target
  whose process is no longer alive (a killed write) are removed at the next write to it.
* a symlink is followed: to a regular file, its target is replaced atomically (the link
  stays a link).
* a FIFO or a character or block device (or a symlink to one) is written through: opened
  for writing as it is, never replaced or removed (a FIFO waits for its reader, as a shell
  redirection does; :func:`output_path` gives a writer that seeks a temporary file in the
  system's temporary folder, copied into it at the end).
* a folder (or a symlink to one), a socket, an empty path, a missing folder: refused in one
  line (:class:`~exactrank.errors.InvalidInputError`), nothing written.

Inputs (:func:`read_text`): ``-`` is standard input; anything but a regular file (a FIFO, a
folder, a device) is refused at once, never opened for a read that could block, and a file
larger than :data:`~exactrank.limits.MAX_FILE_BYTES` is refused before it is read.

It implements no paper result.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO

from ..errors import InvalidInputError
from ..limits import MAX_FILE_BYTES, digits_allowed

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_text(path) -> str:
    """The UTF-8 text of the input file ``path`` (``-``: standard input).

    Anything but a regular file, or a file of more than MAX_FILE_BYTES, is refused with an
    OSError whose ``strerror`` says why in words (a FIFO is never opened for a read that
    could block), as a missing or unreadable file is: the caller words "cannot read";
    undecodable bytes raise UnicodeDecodeError.
    """
    name = os.fspath(path)
    if name == "-":
        if sys.stdin is None:  # started with stdin closed
            raise OSError(errno.EBADF, "there is no standard input to read", name)
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        _require_regular(os.stat(name).st_mode, name)
        # O_NONBLOCK: a FIFO put in place since the stat must not block the open
        fd = os.open(name, os.O_RDONLY | _NONBLOCK | _NOCTTY | _CLOEXEC)
        with open(fd, "rb") as handle:
            info = os.fstat(fd)
            _require_regular(info.st_mode, name)
            if info.st_size > MAX_FILE_BYTES:
                raise _too_large(name, f"{info.st_size} bytes")
            data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(name, f"more than {MAX_FILE_BYTES} bytes")
    return data.decode("utf-8")


def _require_regular(mode: int, name: str) -> None:
    if not stat.S_ISREG(mode):
        reason = f"{_kind(mode)}, not a regular file; - reads stdin"
        raise OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, reason, name)


def _too_large(name: str, size: str) -> OSError:
    limit = f"MAX_FILE_BYTES = {MAX_FILE_BYTES} bytes ({MAX_FILE_BYTES >> 20} MiB)"
    reason = f"{size}, over the limit {limit}"
    return OSError(errno.EFBIG, reason, name)


def _kind(mode: int) -> str:
    return next((kind for test, kind in _KINDS if test(mode)), "a special file")


def write_json(data, path, indent: int | None = 1) -> None:
    """Write ``data`` as JSON to the output ``path`` (the rules of the module docstring).

    ``indent`` None writes compact JSON (certificates with millions of numbers).
    """
    with output(path) as handle, digits_allowed():
        json.dump(data, handle, indent=indent, separators=None if indent else (",", ":"))
        handle.write("\n")


@contextmanager
def output(path, binary: bool = False) -> Iterator[IO]:
    """A file object for the new content of the output ``path`` (``-``: stdout), by the
    rules of the module docstring: a regular file is replaced when the block completes."""
    name = os.fspath(path)
    if name == "-":
        if sys.stdout is None:  # started with stdout closed
            raise OSError(errno.EBADF, "there is no standard output to write", name)
        sys.stdout.flush()
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8"}
    target, through = _resolve(name)
    place = _through(target) if through else _replacing(target)
    with place as writable, open(writable, **mode) as handle:
        yield handle


@contextmanager
def output_path(path) -> Iterator[str]:
    """The name of a file to write the new content of the output ``path`` to, for writers
    that take a name and may seek (matplotlib's savefig): a temporary file that replaces a
    regular ``path`` when the block completes, or is copied into a FIFO or device."""
    target, through = _resolve(os.fspath(path))
    if not through:
        with _replacing(target) as temporary:
            yield temporary
        return
    handle, temporary = tempfile.mkstemp(suffix=".tmp")  # a device's folder may be /dev
    os.close(handle)
    try:
        yield temporary
        with _through(target), open(temporary, "rb") as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)
    finally:
        os.unlink(temporary)


@contextmanager
def _replacing(target: str) -> Iterator[str]:
    """A new temporary file beside ``target``, renamed over it when the block completes."""
    folder, base = os.path.split(target)
    _remove_stale(folder, base)
    temporary = os.path.join(folder, f".{base}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:  # 0o666: the umask gives the mode, as for open(path, "w") (mkstemp would give 0600)
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o666))
    except OSError as exc:
        raise InvalidInputError(
            f"{target}: cannot create a file in {folder} ({exc.strerror})"
        ) from None
    try:
        yield temporary
        _sync(temporary)
        os.replace(temporary, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextmanager
def _through(target: str) -> Iterator[str]:
    """Write into the FIFO or device ``target`` as it is: a reader gone is one line."""
    try:
        yield target
    except BrokenPipeError:
        raise InvalidInputError(f"{target}: its reader closed it before all was written") from None


def check_output(path) -> None:
    """Refuse at once, in one line, an output path :func:`output` would refuse (an empty
    path, a folder, a missing folder), before the work whose result it is meant to hold."""
    name = os.fspath(path)
    if name != "-":
        _resolve(name)


def _resolve(name: str) -> tuple[str, bool]:
    """The file to write for the output path ``name``, and whether to write through it."""
    expected = "expected a file name, or - for stdout"
    if not name or name.endswith(("/", os.sep)):
        raise InvalidInputError(f"the output path {name!r} names no file; {expected}")
    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:  # a file used as a folder, a symlink loop, no permission
        raise InvalidInputError(
            f"{name}: cannot write there ({exc.strerror}); {expected}"
        ) from None
    if mode is None or stat.S_ISREG(mode):
        target = os.path.realpath(name)
        if not os.path.isdir(os.path.dirname(target)):
            link = os.path.islink(name)  # a dangling link: the folder of its target
            folder = os.path.dirname(target) if link else os.path.dirname(name) or "."
            raise InvalidInputError(f"{name}: the folder {folder} does not exist; create it first")
        return target, False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return name, True
    raise InvalidInputError(f"{name}: {_kind(mode)}, not a file; {expected}")


def _sync(name: str) -> None:
    """Flush ``name`` to disk, so that the rename never points to content not yet written."""
    fd = os.open(name, os.O_RDONLY | _CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale(folder: str, base: str) -> None:
    """Remove temporary files of ``folder/base`` left by processes no longer alive."""
    pattern = re.compile(rf"\.{re.escape(base)}\.(\d+)\.[0-9a-f]+\.tmp")
    try:
        entries = os.listdir(folder or ".")
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry)
        if match and not _alive(int(match[1])):
            with suppress(OSError):
                os.unlink(os.path.join(folder, entry))


def _alive(pid: int) -> bool:
    """Whether process ``pid`` may still be writing (unsure: True, the file is kept)."""
    if os.name != "posix" or not 0 < pid < 2**31:  # Windows' os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True
