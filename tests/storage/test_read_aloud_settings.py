"""The read-aloud settings: off by default, typed, refused whole when out of range."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.errors import InvalidInput
from kiosk.storage.models import AuditEntry
from kiosk.storage.read_aloud import ReadAloudSettings, load_read_aloud, save_read_aloud
from kiosk.storage.settings import READ_ALOUD_ENABLED, READ_ALOUD_VOLUME
from kiosk.storage.store import KioskStore


def test_off_by_default(store: KioskStore) -> None:
    s = load_read_aloud(store)
    assert s == ReadAloudSettings(enabled=False, auto_pickup_code=False, volume=100, rate=100)


def test_round_trip_is_audited(store: KioskStore) -> None:
    wanted = ReadAloudSettings(enabled=True, auto_pickup_code=True, volume=150, rate=80)
    save_read_aloud(store, wanted, "owner")
    assert load_read_aloud(store) == wanted
    with store.read() as s:
        actions = [(a.actor, a.action) for a in s.scalars(select(AuditEntry))]
    assert ("owner", "read_aloud_set") in actions


@pytest.mark.parametrize("field", ["volume", "rate"])
@pytest.mark.parametrize("value", [0, 10, 201, 10_000, -5])
def test_out_of_range_is_refused_and_nothing_written(
    store: KioskStore, field: str, value: int
) -> None:
    bad = ReadAloudSettings(enabled=True, **{field: value})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as info:
        save_read_aloud(store, bad, "owner")
    assert info.value.code == "read_aloud.out_of_range"
    assert store.setting(READ_ALOUD_ENABLED) is None


def test_unreadable_stored_values_read_as_defaults(store: KioskStore) -> None:
    with store.write() as s:
        KioskStore.set_setting(s, READ_ALOUD_ENABLED, "yes please")
        KioskStore.set_setting(s, READ_ALOUD_VOLUME, "9999")
    assert load_read_aloud(store) == ReadAloudSettings()
