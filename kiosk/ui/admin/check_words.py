"""The technician's Checks tab in the screen's language.

Doctor (:mod:`kiosk.storage.doctor`) gives each verdict a ``code`` and ``params``; this module
says them through Qt's translation catalog (context ``CheckWords``). ``kiosk doctor`` at the
terminal keeps its English sentences (``Check.detail``), made from the same codes.

To say a new code, add ONE entry to :func:`check_detail_words`' table, with the sentence written
as ``QCoreApplication.translate("CheckWords", "... %1 ...")``, then give it zh_CN words in
kiosk/ui/i18n/kiosk_zh_CN.ts. A code without an entry is said in general words, never raw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from kiosk.orders import OrderStatus
from kiosk.storage.doctor import Check
from kiosk.ui.order_words import status_words


def _fill(template: str, *values: object) -> str:
    out = template
    for i in range(len(values), 0, -1):
        out = out.replace(f"%{i}", str(values[i - 1]))
    return out


def _then(first: str, second: str) -> str:
    """Two sentences, spaced as the language spaces them (none in Chinese)."""
    return _fill(QCoreApplication.translate("CheckWords", "%1 %2"), first, second)


def size_words(n: object) -> str:
    """Bytes as a person reads them: ``"4.0 KB"``, ``"74.2 GB"``."""
    value = float(n) if isinstance(n, int | float) else 0.0
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover - loop always returns


def age_words(seconds: object) -> str:
    """An age in minutes, hours or days, translated."""
    s = float(seconds) if isinstance(seconds, int | float) else 0.0
    if s < 3600:
        return _fill(QCoreApplication.translate("CheckWords", "%1 minutes"), max(0, int(s // 60)))
    if s < 2 * 86400:
        return _fill(QCoreApplication.translate("CheckWords", "%1 hours"), f"{s / 3600:.1f}")
    return _fill(QCoreApplication.translate("CheckWords", "%1 days"), f"{s / 86400:.1f}")


def when_words(iso: object) -> str:
    """A stored ISO time as the kiosk's local date and time (``2026-12-03 20:19``)."""
    try:
        return datetime.fromisoformat(str(iso)).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return QCoreApplication.translate("CheckWords", "an unreadable time")


def _why(p: Mapping[str, Any]) -> str:
    return {
        "no_database": QCoreApplication.translate("CheckWords", "there is no database yet"),
        "empty_file": QCoreApplication.translate("CheckWords", "the database file is empty"),
        "damaged": QCoreApplication.translate("CheckWords", "the database file is damaged"),
    }.get(
        str(p.get("why")), QCoreApplication.translate("CheckWords", "the database cannot be used")
    )


def _status(name: str) -> str:
    try:
        return status_words(OrderStatus(name))
    except ValueError:
        return name


def _orders(p: Mapping[str, Any]) -> str:
    statuses = p.get("statuses") or {}
    if not statuses:
        return QCoreApplication.translate("CheckWords", "No orders yet.")
    parts = [
        _fill(QCoreApplication.translate("CheckWords", "%1: %2"), _status(str(k)), v)
        for k, v in sorted(statuses.items())
    ]
    return _fill(
        QCoreApplication.translate("CheckWords", "%1 orders. %2"),
        p.get("count", 0),
        QCoreApplication.translate("CheckWords", "; ").join(parts),
    )


def _outbox(p: Mapping[str, Any]) -> str:
    text = _fill(
        QCoreApplication.translate("CheckWords", "%1 waiting to send, %2 sent."),
        p.get("pending", 0),
        p.get("sent", 0),
    )
    if p.get("oldest"):
        text = _then(
            text,
            _fill(
                QCoreApplication.translate("CheckWords", "Oldest waiting since %1."),
                when_words(p["oldest"]),
            ),
        )
    if p.get("quarantined"):
        text = _then(
            text,
            _fill(
                QCoreApplication.translate(
                    "CheckWords", "%1 refused by the platform and set aside: see the Outbox tab."
                ),
                p["quarantined"],
            ),
        )
    return text


def _durability(p: Mapping[str, Any]) -> str:
    text = _fill(
        QCoreApplication.translate("CheckWords", "Journal %1, synchronous %2, foreign keys %3."),
        str(p.get("journal", "")).upper(),
        p.get("synchronous", ""),
        QCoreApplication.translate("CheckWords", "on")
        if p.get("foreign_keys")
        else QCoreApplication.translate("CheckWords", "off"),
    )
    return (
        text
        if p.get("good", True)
        else _then(text, QCoreApplication.translate("CheckWords", "Expected: WAL, FULL, on."))
    )


def _disk(p: Mapping[str, Any]) -> str:
    text = _fill(
        QCoreApplication.translate("CheckWords", "%1 free of %2."),
        size_words(p.get("free_bytes")),
        size_words(p.get("total_bytes")),
    )
    if p.get("good", True):
        return text
    return _then(
        text,
        _fill(
            QCoreApplication.translate("CheckWords", "Less than %1: free some space."),
            size_words(p.get("min_bytes")),
        ),
    )


def _backup(p: Mapping[str, Any]) -> str:
    text = _fill(
        QCoreApplication.translate("CheckWords", "Newest backup %1, made %2 ago."),
        p.get("file", ""),
        age_words(p.get("age_s")),
    )
    if not p.get("stale"):
        return text
    return _then(
        text, QCoreApplication.translate("CheckWords", "Make a fresh one on the Database tab.")
    )


def _last_sync(p: Mapping[str, Any]) -> str:
    age = p.get("age_s")
    if not isinstance(age, int | float):
        return QCoreApplication.translate(
            "CheckWords", "The last successful sync has an unreadable time."
        )
    return _fill(
        QCoreApplication.translate("CheckWords", "Last successful sync %1 ago (%2)."),
        age_words(age),
        when_words(p.get("at")),
    )


def _clock(p: Mapping[str, Any]) -> str:
    offset = p.get("offset_s")
    seconds = f"{offset:+.0f}" if isinstance(offset, int | float) else "?"
    text = _fill(
        QCoreApplication.translate("CheckWords", "The kiosk clock is %1 s off the platform's."),
        seconds,
    )
    return (
        text
        if p.get("good", True)
        else _then(text, QCoreApplication.translate("CheckWords", "Please set the clock right."))
    )


def _catalog(p: Mapping[str, Any]) -> str:
    text = _fill(
        QCoreApplication.translate("CheckWords", "%1 products (%2 on sale) in %3 categories."),
        p.get("products", 0),
        p.get("active", 0),
        p.get("categories", 0),
    )
    if p.get("products"):
        return text
    return _then(
        text, QCoreApplication.translate("CheckWords", "Sync with the platform to get the catalog.")
    )


Words = Callable[[Mapping[str, Any]], str]


def _table() -> dict[str, Words]:
    return {
        "not_checked": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "Not checked: %1."), _why(p)
        ),
        "not_counted": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "Not counted: %1."), _why(p)
        ),
        "check_crashed": lambda p: QCoreApplication.translate(
            "CheckWords", "This check failed to run. Make a support bundle."
        ),
        "dir_missing": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "The folder %1 does not exist."),
            p.get("path", ""),
        ),
        "dir_is_file": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "%1 is a file, not a folder."),
            p.get("path", ""),
        ),
        "dir_not_writable": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "The kiosk cannot write in %1."),
            p.get("path", ""),
        ),
        "dir_ok": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "%1 exists and the kiosk can write in it."),
            p.get("path", ""),
        ),
        "db_none": lambda p: _fill(
            QCoreApplication.translate(
                "CheckWords", "No database yet at %1 (the kiosk makes it on first start)."
            ),
            p.get("path", ""),
        ),
        "db_empty": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "%1 is an empty file."), p.get("path", "")
        ),
        "db_unreadable": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "%1 cannot be read."), p.get("path", "")
        ),
        "db_ok": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "%1, size %2."),
            p.get("path", ""),
            size_words(p.get("size_bytes")),
        ),
        "integrity_ok": lambda p: QCoreApplication.translate("CheckWords", "No damage found."),
        "integrity_bad": lambda p: QCoreApplication.translate(
            "CheckWords", "The database file is damaged. Restore a backup on the Database tab."
        ),
        "schema_unreadable": lambda p: QCoreApplication.translate(
            "CheckWords", "The database version cannot be read."
        ),
        "schema_ok": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "Version %1, up to date."),
            p.get("revision", ""),
        ),
        "schema_none": lambda p: _fill(
            QCoreApplication.translate(
                "CheckWords", "No tables yet; this kiosk expects version %1."
            ),
            p.get("expected", ""),
        ),
        "schema_old": lambda p: _fill(
            QCoreApplication.translate(
                "CheckWords",
                "Version %1; this kiosk expects %2 (it upgrades on start, after a backup).",
            ),
            p.get("revision", ""),
            p.get("expected", ""),
        ),
        "durability_unreadable": lambda p: QCoreApplication.translate(
            "CheckWords", "The database settings cannot be read."
        ),
        "durability": _durability,
        "count_failed": lambda p: QCoreApplication.translate(
            "CheckWords", "The contents cannot be counted."
        ),
        "catalog": _catalog,
        "orders": _orders,
        "outbox": _outbox,
        "disk_unreadable": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "The free space of %1 cannot be read."),
            p.get("path", ""),
        ),
        "disk": _disk,
        "backup_none": lambda p: QCoreApplication.translate(
            "CheckWords", "No backup yet. Make one on the Database tab."
        ),
        "backup": _backup,
        "versions": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "Kiosk %1, Python %2, SQLite %3, %4."),
            p.get("kiosk", ""),
            p.get("python", ""),
            p.get("sqlite", ""),
            p.get("system", ""),
        ),
        "not_enrolled": lambda p: QCoreApplication.translate(
            "CheckWords", "Not enrolled yet: orders are kept here. Enroll on the Sync tab."
        ),
        "enrolled": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "Center %1, server %2."),
            p.get("center", ""),
            p.get("server", ""),
        ),
        "never_synced": lambda p: QCoreApplication.translate(
            "CheckWords", "Never synced successfully. Sync now on the Sync tab."
        ),
        "last_sync": _last_sync,
        "queue": lambda p: _fill(
            QCoreApplication.translate("CheckWords", "%1 waiting to send."), p.get("pending", 0)
        ),
        "set_aside": lambda p: (
            _fill(
                QCoreApplication.translate(
                    "CheckWords", "%1 refused by the platform: see the Outbox tab."
                ),
                p.get("quarantined", 0),
            )
            if p.get("quarantined")
            else QCoreApplication.translate("CheckWords", "None refused by the platform.")
        ),
        "clock_unknown": lambda p: QCoreApplication.translate(
            "CheckWords", "The clock is compared at the next sync."
        ),
        "clock": _clock,
    }


def known_codes() -> frozenset[str]:
    """The check codes this module has words for (a test compares them with doctor's)."""
    return frozenset(_table())


def check_detail_words(c: Check) -> str:
    """A doctor verdict's detail in the screen's language (the Checks tab's third column)."""
    words = _table().get(c.code)
    if words is None:
        return QCoreApplication.translate(
            "CheckWords", "See the details with kiosk doctor at the terminal."
        )
    return words(c.params)
