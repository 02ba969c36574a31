"""UUIDv7 order and event ids."""

from __future__ import annotations

import re
import time
import uuid

from kiosk.ids import is_uuid, uuid7

_CANON = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_format_version_and_variant() -> None:
    for _ in range(200):
        value = uuid7()
        assert _CANON.match(value), value
        parsed = uuid.UUID(value)
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122


def test_timestamp_is_the_clock_in_ms() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    ms = uuid.UUID(value).int >> 80
    assert before <= ms <= after


def test_ids_sort_by_creation_across_milliseconds() -> None:
    ids: list[str] = []
    last_ms = -1
    # Collect ids from distinct milliseconds (within one ms the order is random by design).
    while len(ids) < 20:
        value = uuid7()
        ms = uuid.UUID(value).int >> 80
        if ms != last_ms:
            ids.append(value)
            last_ms = ms
    assert ids == sorted(ids)


def test_unique() -> None:
    values = {uuid7() for _ in range(10_000)}
    assert len(values) == 10_000


def test_is_uuid() -> None:
    assert is_uuid(uuid7())
    assert not is_uuid("not-a-uuid")
    assert is_uuid(uuid7().upper())  # case does not matter
    assert not is_uuid(uuid7().replace("-", ""))  # but the hyphenated form does
    assert not is_uuid("")
