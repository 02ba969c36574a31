"""The service center this kiosk belongs to: its code and name, kept in the settings table.

The sync engine writes them at enrollment; order numbers carry the code
(:mod:`kiosk.storage.orders`) and the day close reports it (:mod:`kiosk.storage.cash`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kiosk.errors import InvalidInput
from kiosk.storage.settings import CENTER_ID, CENTER_NAME, DEFAULT_CENTER_ID
from kiosk.storage.store import KioskStore


@dataclass(frozen=True, slots=True)
class Center:
    """The service center this kiosk belongs to."""

    id: str
    name: str


def get_center(s: Session) -> Center:
    """The center's code and name (``LOCAL`` and an empty name until enrolled)."""
    center_id = KioskStore.get_setting(s, CENTER_ID) or DEFAULT_CENTER_ID
    return Center(id=center_id, name=KioskStore.get_setting(s, CENTER_NAME) or "")


CENTER_CODE = re.compile(r"[A-Za-z0-9._-]{1,24}")


def set_center(s: Session, center_id: str, name: str) -> None:
    """Record the center's code and name inside a write unit of work."""
    center_id = center_id.strip()
    # The code goes into every order number and onto the wire: letters, digits, dots, dashes
    # and underscores only (central's own rule for center ids).
    if not CENTER_CODE.fullmatch(center_id):
        raise InvalidInput("the center code must be 1 to 24 characters", code="center.bad_code")
    KioskStore.set_setting(s, CENTER_ID, center_id)
    KioskStore.set_setting(s, CENTER_NAME, name.strip())
