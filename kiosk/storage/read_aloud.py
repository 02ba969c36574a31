"""The read-aloud settings, typed and declared once (the ``settings`` table).

Off by default: a shop that does not want a talking kiosk never hears it. The owner turns it on,
chooses whether the pickup code is read by itself on the confirmation screen, and sets the
volume and speed. A stored value that does not parse (a hand-edited database) reads as the
default instead of breaking the screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.errors import InvalidInput
from kiosk.storage.settings import (
    READ_ALOUD_AUTO_PICKUP_CODE,
    READ_ALOUD_ENABLED,
    READ_ALOUD_RATE,
    READ_ALOUD_VOLUME,
)

if TYPE_CHECKING:
    from kiosk.storage.store import KioskStore

#: Volume in percent of the engine's normal loudness, and speed in percent of normal speed.
VOLUME_RANGE = (20, 200)
RATE_RANGE = (50, 200)


@dataclass(frozen=True, slots=True)
class ReadAloudSettings:
    """How the kiosk reads aloud.

    Attributes:
        enabled: speaker buttons shown and working.
        auto_pickup_code: the confirmation screen reads the pickup code by itself.
        volume: percent of the engine's normal loudness (20-200).
        rate: percent of normal speed (50-200).
    """

    enabled: bool = False
    auto_pickup_code: bool = False
    volume: int = 100
    rate: int = 100


def _bool(value: str | None, default: bool) -> bool:
    return {"1": True, "0": False}.get(value or "", default)


def _int(value: str | None, default: int, bounds: tuple[int, int]) -> int:
    try:
        n = int(value) if value is not None else default
    except ValueError:
        return default
    return n if bounds[0] <= n <= bounds[1] else default


def load_read_aloud(store: KioskStore) -> ReadAloudSettings:
    """The settings as stored (defaults where unset or unreadable)."""
    d = ReadAloudSettings()
    with store.read() as s:
        get = store.get_setting
        return ReadAloudSettings(
            enabled=_bool(get(s, READ_ALOUD_ENABLED), d.enabled),
            auto_pickup_code=_bool(get(s, READ_ALOUD_AUTO_PICKUP_CODE), d.auto_pickup_code),
            volume=_int(get(s, READ_ALOUD_VOLUME), d.volume, VOLUME_RANGE),
            rate=_int(get(s, READ_ALOUD_RATE), d.rate, RATE_RANGE),
        )


def save_read_aloud(store: KioskStore, settings: ReadAloudSettings, actor: str) -> None:
    """Store ``settings`` in one transaction (audited), or refuse out-of-range values whole."""
    for name, value, (lo, hi) in (
        ("volume", settings.volume, VOLUME_RANGE),
        ("rate", settings.rate, RATE_RANGE),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise InvalidInput(
                f"read-aloud {name} must be between {lo} and {hi}",
                code="read_aloud.out_of_range",
                params={"name": name, "low": lo, "high": hi},
            )
    with store.write() as s:
        store.set_setting(s, READ_ALOUD_ENABLED, "1" if settings.enabled else "0")
        store.set_setting(s, READ_ALOUD_AUTO_PICKUP_CODE, "1" if settings.auto_pickup_code else "0")
        store.set_setting(s, READ_ALOUD_VOLUME, str(settings.volume))
        store.set_setting(s, READ_ALOUD_RATE, str(settings.rate))
        store.audit(
            s,
            actor,
            "read_aloud_set",
            detail=(
                f"enabled={int(settings.enabled)} auto={int(settings.auto_pickup_code)} "
                f"volume={settings.volume} rate={settings.rate}"
            ),
        )
