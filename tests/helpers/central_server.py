"""Run the REAL central service (uvicorn, 127.0.0.1, a free port) for end-to-end tests.

Usage, as a pytest fixture (import it into your test module or conftest)::

    from tests.helpers.central_server import central_server  # noqa: F401  (the fixture)

    def test_something(central_server: CentralServer) -> None:
        code = central_server.enroll_code("C001")            # one-time code for center C001
        central_server.import_catalog(DEMO_CATALOG)           # operator command, same database
        ...  # point the kiosk's sync engine at central_server.url ("http://127.0.0.1:PORT")
        orders = central_server.cli_json("orders", "list")    # any kiosk-central command, parsed
        central_server.stop(); central_server.start()         # same port and database again

Or by hand::

    server = start_central_server(tmp_path)                   # fresh SQLite file in tmp_path
    try: ...
    finally: server.stop()

API:
    ``start_central_server(workdir, *, db_url=None, port=None, env=None, log_level="warning",
    extra_args=()) -> CentralServer`` starts
    ``python -m central.cli serve`` in a subprocess on a fresh SQLite file ``workdir/central.db``
    (or ``db_url``), waits until ``GET /v1/health`` answers (deadline 30 s) and returns.
    ``CentralServer`` has ``url`` (base URL, no trailing slash), ``port``, ``db_url``,
    ``log_path`` (the server's stdout+stderr, for log-privacy checks), ``start()``, ``stop()``
    (SIGTERM, then SIGKILL after 10 s), ``kill()`` (SIGKILL at once), ``terminate()`` (SIGTERM,
    no wait) and ``wait(timeout) -> exit code``, ``pid``, ``running``,
    ``cli(*args) -> (exit_code, stdout, stderr)`` and ``cli_json(*args)`` (runs
    ``kiosk-central ARGS --db <same db> --json`` in-process and returns the parsed JSON, raising
    ``AssertionError`` with stderr if it failed), ``enroll_code(center, name=None) -> str``,
    ``import_catalog(path) -> dict``. The ``central_server`` fixture yields a started server and
    stops it after the test.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
START_DEADLINE_S = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CentralServer:
    """One real central service process. See the module docstring for the API."""

    def __init__(
        self, workdir: Path, db_url: str, port: int, env: Mapping[str, str] | None = None
    ) -> None:
        self.workdir = workdir
        self.db_url = db_url
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = workdir / f"central-{port}.log"
        self._env = dict(env or {})
        self.log_level = "warning"
        self.extra_args: list[str] = []
        #: Seconds to wait for the first answer (worker processes start slowly on a busy box).
        self.start_deadline_s = START_DEADLINE_S
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the server process and wait until ``/v1/health`` answers."""
        if self.running:
            return
        env = {**os.environ, **self._env, "PYTHONUNBUFFERED": "1"}
        cmd = [
            sys.executable,
            "-m",
            "central.cli",
            "serve",
            "--db",
            self.db_url,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            self.log_level,
            # No pause before shutting down (tests stop servers often); a test of the drain
            # passes its own --drain-seconds in extra_args, which comes later and wins.
            "--drain-seconds",
            "0",
            *self.extra_args,
        ]
        log = self.log_path.open("ab")
        try:
            self._proc = subprocess.Popen(
                cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        finally:
            log.close()
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.start_deadline_s
        last: Exception | None = None
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"central server exited with {self._proc.returncode}:\n{self.log_tail()}"
                )
            try:
                r = httpx.get(f"{self.url}/v1/health", timeout=1.0)
                if r.status_code == 200:
                    return
            except httpx.HTTPError as exc:
                last = exc
            # Polling a subprocess with a deadline (the house rule allows this; no fixed sleep).
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=0.05)
        self.kill()
        raise RuntimeError(f"central server did not answer in time ({last}):\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """SIGTERM and wait (uvicorn finishes in-flight requests); SIGKILL after 10 s."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._proc = None

    @property
    def pid(self) -> int | None:
        """The server process's id (with ``--workers N``: the supervisor's)."""
        return self._proc.pid if self._proc is not None else None

    def terminate(self) -> None:
        """SIGTERM without waiting (see :meth:`wait`)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()

    def wait(self, timeout: float) -> int:
        """Wait for the process to end; its exit code (``subprocess.TimeoutExpired`` on time)."""
        assert self._proc is not None
        code = self._proc.wait(timeout=timeout)
        self._proc = None
        return code

    def kill(self) -> None:
        """SIGKILL at once (a crash)."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait(timeout=10)
        self._proc = None

    def cli(self, *args: str) -> tuple[int, str, str]:
        """Run ``kiosk-central ARGS --db <this db>`` in-process: (exit code, stdout, stderr)."""
        from central.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*args, "--db", self.db_url])
        return code, out.getvalue(), err.getvalue()

    def cli_json(self, *args: str) -> Any:
        """Run a ``kiosk-central`` command with ``--json`` and return its parsed output."""
        code, out, err = self.cli(*args, "--json")
        assert code == 0, f"kiosk-central {' '.join(args)} failed ({code}): {err.strip()}"
        return json.loads(out)

    def enroll_code(self, center: str = "C001", name: str | None = None) -> str:
        """A fresh one-time enrollment code for ``center``."""
        args = ["enroll-code", "--center", center]
        if name:
            args += ["--center-name", name]
        return str(self.cli_json(*args)["code"])

    def import_catalog(self, path: Path) -> dict[str, Any]:
        """``kiosk-central catalog import PATH``; returns the summary."""
        result: dict[str, Any] = self.cli_json("catalog", "import", str(path))
        return result


def start_central_server(
    workdir: Path,
    *,
    db_url: str | None = None,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    log_level: str = "warning",
    extra_args: tuple[str, ...] = (),
    start_deadline_s: float = START_DEADLINE_S,
) -> CentralServer:
    """Start a real central service; see the module docstring (``log_level`` and
    ``extra_args``: passed to ``serve``; ``start_deadline_s``: how long to wait for it)."""
    workdir.mkdir(parents=True, exist_ok=True)
    url = db_url or f"sqlite:///{workdir / 'central.db'}"
    attempts = 1 if port is not None else 3
    for attempt in range(attempts):
        server = CentralServer(workdir, url, port or free_port(), env)
        server.log_level = log_level
        server.extra_args = list(extra_args)
        server.start_deadline_s = start_deadline_s
        try:
            server.start()
            return server
        except RuntimeError as exc:
            # Another process may have taken the "free" port in between: try a new one.
            if attempt == attempts - 1 or "address already in use" not in str(exc).lower():
                raise
    raise AssertionError("unreachable")


@pytest.fixture
def central_server(tmp_path: Path) -> Iterator[CentralServer]:
    """A started central service on a fresh SQLite file; stopped after the test."""
    server = start_central_server(tmp_path / "central")
    try:
        yield server
    finally:
        server.stop()
