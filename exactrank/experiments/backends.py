"""Where the tasks of a sweep run: this process, a local process pool, or a Dask cluster.

Each backend takes the same :class:`~.tasks.Task` objects, runs :func:`~.tasks.run_task` on
them and yields their outcomes as they finish (in any order: the runner puts them back in
task order). Nothing else differs, so the records are identical whatever the backend.

* ``jobs = 1``: inline, in this process.
* ``jobs > 1``: a pool of ``jobs`` spawned interpreters on this machine, each with
  single-threaded BLAS. A worker that dies breaks the pool: the run stops, and ``--resume``
  runs what is left (the records so far are in the records file).
* ``client``: a ``distributed.Client`` of an existing Dask cluster (``--scheduler ADDRESS``,
  ``DASK_SCHEDULER_ADDRESS``, or ``run_experiment(client=...)``). A worker that dies has its
  tasks run again elsewhere by Dask (``distributed.scheduler.allowed-failures`` times, then
  they are recorded as failed with ``KilledWorker``).

A task is any picklable object with a method ``failed(error) -> outcome`` (the outcome of a
task that could not be run); :class:`~.tasks.Task` and the checks' tasks
(:mod:`exactrank.checks.check_tasks`) are the two kinds.

It implements no paper result.
"""

from __future__ import annotations

import ctypes
import os
import platform
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import cache, partial
from multiprocessing import get_context

from ..errors import ExactRankError, InvalidInputError, shown
from .tasks import error_text, run_task

_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
CONNECT_SECONDS = 10
_POLL_SECONDS = 0.1  # how soon a pool run answers Ctrl-C


class WorkerDied(ExactRankError):
    """A local pool's worker process ended abruptly (killed, out of memory)."""


def outcomes(tasks: list, jobs: int, client=None, function=run_task) -> Iterator:
    """``function(task)`` of every task, as each finishes (``function``: a module-level
    function that never raises, :func:`~.tasks.run_task` or a check's task)."""
    if client is not None:
        return _on_dask(tasks, client, function)
    if jobs == 1 or len(tasks) <= 1:
        return (function(task) for task in tasks)
    return _on_pool(tasks, jobs, function)


def connect(address: str):
    """A ``distributed.Client`` of the scheduler at ``address`` (tcp://host:port), or one
    line saying why not (a malformed address at once, before Dask starts a client)."""
    from distributed import Client

    check_address(address)
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InvalidInputError(
            f"cannot reach the Dask scheduler at {address!r} within {CONNECT_SECONDS} s: "
            f"{error_text(exc)}; expected the address a running dask scheduler prints "
            "(tcp://HOST:8786)"
        ) from None


def check_address(address) -> None:
    """Refuse, in one line, an address no scheduler can have: not a string, an unknown
    scheme, no port or a port outside 1…65535, or ``inproc://`` (one process only)."""
    from distributed.comm import get_address_host_port, parse_address
    from distributed.comm.registry import get_backend

    expected = "expected the address a running dask scheduler prints (tcp://HOST:8786)"
    if not isinstance(address, str):
        raise InvalidInputError(f"scheduler: {expected}, got {shown(address)}")
    try:
        scheme, _ = parse_address(address)
        get_backend(scheme)
        if scheme == "inproc":
            raise ValueError("inproc:// reaches only a scheduler in this same process")
        _, port = get_address_host_port(address)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"scheduler: {expected}, got {shown(address)} ({error_text(exc)})"
        ) from None
    if not 1 <= port <= 65535:
        raise InvalidInputError(f"scheduler: {expected}, got {shown(address)} (port {port})")


def _on_dask(tasks: list, client, function) -> Iterator:
    from distributed import as_completed

    futures = client.map(partial(_on_worker, function), tasks, pure=False)
    task_of = {future.key: task for future, task in zip(futures, tasks, strict=True)}
    try:
        for future in as_completed(futures, loop=client.loop):
            try:
                outcome = future.result()
            except Exception as exc:  # KilledWorker after repeated deaths, a lost scheduler
                outcome = task_of[future.key].failed(error_text(exc))
            future.release()
            yield outcome
    finally:  # an error, Ctrl-C or a closed generator: nothing left running on the cluster
        client.cancel([f for f in futures if not f.done()])


def _on_worker(function, task):
    """``function(task)`` on a Dask worker, its allocator first set as a plain process's."""
    _unpin_malloc()
    return function(task)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
_MMAP_BYTES, _TRIM_BYTES = 32 * 2**20, 64 * 2**20


@cache
def _unpin_malloc() -> None:
    """Undo, once per process, what Dask's nanny does to glibc's allocator.

    The nanny starts each worker with ``MALLOC_TRIM_THRESHOLD_=65536``
    (``distributed.nanny.pre-spawn-environ``); setting it also freezes glibc's mmap
    threshold at 128 KiB, so every array above that is mapped and unmapped anew, page
    faults included: fig3's tasks (M = 10, R = 8) ran 2.4 to 3.4 times slower under it
    (measured in one process with and without the variable). Large blocks are mapped from
    32 MiB on instead, and memory is returned past 64 MiB free (glibc only; elsewhere
    nothing is changed)."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ or platform.libc_ver()[0] != "glibc":
        return
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_BYTES)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_BYTES)
    except (OSError, AttributeError):  # no mallopt: the allocator stays as it is
        return


def _on_pool(tasks: list, jobs: int, function) -> Iterator:
    # spawn: a fresh interpreter per worker, the same on every platform (no forked BLAS)
    pool = ProcessPoolExecutor(
        jobs, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(os.getpid(),)
    )
    try:
        with _interrupts_between_waits() as interrupted:
            # the workers start at the first submits
            with _single_threaded_blas(), _interrupts_blocked():
                pending = {pool.submit(function, task) for task in tasks}
            while pending:
                if interrupted:
                    raise KeyboardInterrupt
                finished, pending = wait(pending, _POLL_SECONDS, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in finished)
    except BrokenProcessPool:
        _stop(pool)
        raise WorkerDied(
            "a worker process died (killed, or out of memory); --resume (resume=True) runs "
            "the tasks left"
        ) from None
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


@contextmanager
def _interrupts_between_waits():
    """Ctrl-C during a pool run is noted, and raised by the run itself between two waits.
    Raised anywhere else it could land inside ``concurrent.futures``: in ``wait``, after it
    has taken some futures' locks and before it can give them back, so that the pool's
    manager thread, and with it the exit of the interpreter, hangs for ever (seen with
    Ctrl-C sent to the whole process group while workers started). Yields the list in
    which interrupts are noted. Only the main thread can set a handler; elsewhere
    interrupts are left as they are."""
    interrupted: list = []
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return
    previous = signal.signal(signal.SIGINT, lambda number, frame: interrupted.append(number))
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _interrupts_blocked():
    """Workers started inside are born with SIGINT blocked (a signal mask goes through
    fork and exec), so a Ctrl-C sent to the whole process group while one is still
    starting stays pending, and is dropped when :func:`_start_worker` ignores SIGINT, rather
    than killing the worker with a traceback. A Ctrl-C meanwhile still reaches the parent
    through its other threads or, once unblocked, through this one."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # as it was, blocked or not


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the running instances at once, not waiting for them (the executor has no public
    way to end them before Python 3.14)."""
    for process in list((pool._processes or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def _single_threaded_blas():
    """Workers started inside run their BLAS on one thread: ``jobs`` workers on ``jobs``
    cores, not jobs × cores threads (measured: a 216² SVD under load took 0.014 s on one
    thread and 0.98 s on two). The parent's own BLAS, already loaded, is not affected.
    (Dask's nanny sets the same variables for its workers.)"""
    saved = {name: os.environ.get(name) for name in _BLAS_THREADS}
    os.environ.update(dict.fromkeys(_BLAS_THREADS, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_PR_SET_PDEATHSIG = 1  # prctl(2), linux/prctl.h


def _start_worker(parent: int) -> None:
    """Workers leave Ctrl-C to the parent, which stops the sweep with one line (no
    traceback from each worker); on Linux they end with it too: the kernel sends SIGTERM
    when the parent dies (a ``kill -9`` of the sweep leaves no orphan to stop by hand)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # born blocked: see _interrupts_blocked
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if sys.platform != "linux":
        return
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # no prctl: the worker may outlive a killed parent
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
