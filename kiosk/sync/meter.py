"""Bytes on the wire, counted at the socket: what this kiosk really sent and received.

The client made by :func:`kiosk.sync.client.make_http_client` reads and writes through
:class:`~kiosk.sync.client.DeadlineTransport`, whose every socket stream reports to one
:class:`WireMeter`: request and status lines, headers and compressed bodies, as the dongle's
data plan counts them, less what lies below HTTP: IP and TCP headers and, over https, the TLS
handshake and record framing (a few KB per connection; keep-alive reuse keeps it rare). The
sync engine moves what the meter counted into the store's daily and monthly totals
(:mod:`kiosk.storage.data_usage`) after each run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WireCount:
    """Bytes each way and TCP connections opened."""

    sent: int = 0
    received: int = 0
    connections: int = 0

    @property
    def total(self) -> int:
        """Bytes both ways."""
        return self.sent + self.received


class WireMeter:
    """Thread-safe counters (image workers share the client); :meth:`take` empties them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent = self._received = self._connections = 0

    def add(self, sent: int = 0, received: int = 0, connections: int = 0) -> None:
        """Count bytes written, bytes read, connections opened."""
        with self._lock:
            self._sent += sent
            self._received += received
            self._connections += connections

    def peek(self) -> WireCount:
        """What was counted since the last :meth:`take`."""
        with self._lock:
            return WireCount(self._sent, self._received, self._connections)

    def take(self) -> WireCount:
        """What was counted since the last take, and start again from zero."""
        with self._lock:
            count = WireCount(self._sent, self._received, self._connections)
            self._sent = self._received = self._connections = 0
            return count
