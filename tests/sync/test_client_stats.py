"""ClientStats is shared by the engine's image workers: no count may be lost between threads."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest

from kiosk.sync.client import ClientStats

THREADS = 8
ADDS = 20_000


@pytest.fixture
def eager_thread_switches() -> Iterator[None]:
    """Switch threads as often as CPython allows, so an unlocked read-modify-write loses counts."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_counts_from_many_threads_add_up(eager_thread_switches: None) -> None:
    stats = ClientStats()
    start = threading.Barrier(THREADS)

    def work() -> None:
        start.wait()
        for _ in range(ADDS):
            stats.add(requests=1, wire_bytes_in=3)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stats.requests == THREADS * ADDS
    assert stats.wire_bytes_in == 3 * THREADS * ADDS
    assert stats.retries == 0


def test_unknown_counter_is_refused() -> None:
    with pytest.raises(AttributeError):
        ClientStats().add(no_such_counter=1)
