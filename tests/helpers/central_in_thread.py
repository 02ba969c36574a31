"""The REAL central app served by uvicorn on 127.0.0.1 in a thread of the test process.

Unlike :mod:`tests.helpers.central_server` (a subprocess with the real clock), the test holds the
:class:`~central.service.CentralService` itself: it injects a clock it moves (enrollment brake,
expiry) and can replace one of its methods to make the real app answer 500 ``server_error`` or
503 ``busy`` through its own exception handlers. Everything else is the production path: the
FastAPI app of :func:`central.app.create_app`, uvicorn, HTTP over a real socket.

Usage::

    with CentralInThread(CentralService(db, clock=fake_clock)) as central:
        ...  # point the kiosk at central.url ("http://127.0.0.1:PORT")

The listening socket is bound and listening before the server thread starts, so a client may
connect at once (the connection waits in the backlog until uvicorn accepts it): no start-up
polling.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

import uvicorn

from central.app import create_app
from central.edge import DeviceRateLimit
from central.service import CentralService

STOP_DEADLINE_S = 10.0


class CentralInThread:
    """One uvicorn server of ``create_app(service)`` on a free port of 127.0.0.1."""

    def __init__(
        self,
        service: CentralService,
        rate_limit: DeviceRateLimit | None = None,
        *,
        round_trip: bool = True,
        zstd: bool = True,
        offer_snapshots: bool = True,
    ) -> None:
        self.service = service
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(
                service,
                rate_limit,
                round_trip=round_trip,
                zstd=zstd,
                offer_snapshots=offer_snapshots,
            ),
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self) -> CentralInThread:
        """Start serving (connections made before this wait in the backlog)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask uvicorn to finish and wait for its thread."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(STOP_DEADLINE_S)
        self._sock.close()

    def __enter__(self) -> CentralInThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
