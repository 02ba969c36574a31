"""``kiosk-central serve --workers N``: N uvicorn processes on one listening socket.

The supervisor binds the socket, starts N worker processes (``spawn``: each imports the app
afresh through :func:`central.app.worker_app`, which opens its own database pool) and waits. On
SIGTERM or SIGINT it passes SIGTERM to every worker, which drains (``/readyz`` 503, then stops
accepting and finishes its requests in flight; see :class:`central.app.Drain`), and exits 0
once all have ended. A worker that dies is replaced; one that fails to start (exit 3, uvicorn's
start-up failure) stops the whole service with exit 1, since its replacement would fail alike.

Nothing about requests lives here or in a worker's memory: the enrollment brake and the rate
limit are rows in the database (docs/central.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
from multiprocessing.context import SpawnProcess
from typing import Any

import uvicorn

log = logging.getLogger("central")

#: uvicorn's exit code for a server that could not start (app import, socket, lifespan).
STARTUP_FAILURE = 3
#: prctl(2) option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1

multiprocessing.allow_connection_pickling()  # the listening socket goes to each worker
_spawn = multiprocessing.get_context("spawn")


def _die_with_supervisor() -> None:
    """Linux: SIGTERM this worker when its supervisor dies, even by SIGKILL (no orphans)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))


def _worker(config: uvicorn.Config, sock: socket.socket, supervisor: int) -> None:
    """One worker process: uvicorn serving on the supervisor's socket."""
    _die_with_supervisor()
    if os.getppid() != supervisor:
        return  # the supervisor died while this worker started
    config.configure_logging()
    # uvicorn re-raises SIGTERM once it has shut down; with this no-op handler underneath,
    # a drained worker exits 0 instead of dying of the signal.
    signal.signal(signal.SIGTERM, lambda _sig, _frame: None)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:
        raise SystemExit(STARTUP_FAILURE)


def supervise(config: uvicorn.Config, workers: int) -> int:
    """Run ``workers`` processes serving ``config`` (an import string app) until SIGTERM."""
    sock = config.bind_socket()
    # Listen at once: clients queue while the workers start instead of being refused.
    sock.listen(config.backlog)
    stopping: list[int] = []

    def on_signal(sig: int, _frame: Any) -> None:
        stopping.append(sig)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}

    def start() -> SpawnProcess:
        process = _spawn.Process(target=_worker, args=(config, sock, os.getpid()), daemon=False)
        process.start()
        return process

    status = 0
    procs = [start() for _ in range(workers)]
    log.warning("supervisor %d: started workers %s", os.getpid(), [p.pid for p in procs])
    try:
        while not stopping:
            multiprocessing.connection.wait([p.sentinel for p in procs], timeout=0.5)
            for i, p in enumerate(procs):
                if p.is_alive() or stopping:
                    continue
                if p.exitcode == STARTUP_FAILURE:
                    log.error("worker %s could not start; stopping the service", p.pid)
                    stopping.append(signal.SIGTERM)
                    status = 1
                    break
                log.warning("worker %s exited with %s; starting another", p.pid, p.exitcode)
                procs[i] = start()
        for p in procs:
            if p.is_alive() and p.pid is not None:
                os.kill(p.pid, signal.SIGTERM)
        for p in procs:
            p.join()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sock.close()
    log.warning("supervisor %d: all workers ended", os.getpid())
    return status
