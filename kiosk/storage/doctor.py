"""``kiosk doctor``: health checks of a kiosk's data directory, in plain words.

Doctor is a list of checks (:data:`CHECKS`); each takes a :class:`DoctorContext` and returns one or
more :class:`Check` results. Other parts (the owner and technician screens, the support bundle)
add their own checks by passing ``extra`` to :func:`run_doctor`.

Doctor never creates or migrates a database: asked about a data directory without one it says
"no database yet"; a damaged file is reported, not repaired.
"""

from __future__ import annotations

import platform
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kiosk import __version__
from kiosk.storage import outbox as outbox_mod
from kiosk.storage.backup import integrity_check
from kiosk.storage.models import Category, Product
from kiosk.storage.orders import count_orders_by_status
from kiosk.storage.settings import (
    CENTER_ID,
    CLOCK_OFFSET_S,
    DEVICE_ID,
    LAST_SUCCESS_AT,
    SERVER_URL,
)
from kiosk.storage.store import BACKUP_DIRNAME, DB_FILENAME, make_engine

#: Below this much free space on the data disk doctor warns (orders, backups, images live there).
MIN_FREE_BYTES = 500 * 1024 * 1024
#: A newest backup older than this is reported as stale.
MAX_BACKUP_AGE_S = 7 * 24 * 3600
#: A kiosk that has not synced for this long is reported by doctor.
MAX_SYNC_AGE_S = 24 * 3600
CLOCK_WARN_S = 5 * 60
_SYNC_LEVELS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


@dataclass(frozen=True, slots=True)
class Check:
    """One check's verdict: a ``code`` and the ``params`` its words need.

    ``detail`` is the same verdict as an English sentence for a technician at the terminal
    (``kiosk doctor``); screens say ``code`` and ``params`` in their own language instead.
    The codes and their params are listed in :data:`ENGLISH`.
    """

    name: str
    ok: bool
    detail: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


def check(name: str, ok: bool, code: str, **params: Any) -> Check:
    """A verdict from its code and params; its English ``detail`` is made from them."""
    return Check(name, ok, english_detail(code, params), code, params)


def english_detail(code: str, params: Mapping[str, Any]) -> str:
    """The English sentence for a check's code (the terminal's words)."""
    words = ENGLISH.get(code)
    if words is None:
        return f"{code} {dict(params)}" if params else code
    return words(params)


@dataclass
class DoctorReport:
    """Every check's result, in the order they ran."""

    data_dir: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(c.ok for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: ``{"ok", "data_dir", "checks": [{"name","ok","detail","code",
        "params"}]}``."""
        return {
            "ok": self.ok,
            "data_dir": self.data_dir,
            "checks": [{**asdict(c), "params": dict(c.params)} for c in self.checks],
        }


class DoctorContext:
    """What checks look at: the data directory and, lazily, an engine on its database.

    The engine is only made when the database file exists, so doctor never creates one.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.db_path = data_dir / DB_FILENAME
        self._engine: Engine | None = None
        #: Set by the database check when the file is missing or unreadable; later checks skip.
        self.db_unusable: str | None = None

    @property
    def db_exists(self) -> bool:
        """True when there is a non-empty database file."""
        return self.db_path.is_file() and self.db_path.stat().st_size > 0

    def engine(self) -> Engine:
        """A reader engine with the app's own connection settings (only if the file exists)."""
        if not self.db_exists:
            raise FileNotFoundError(self.db_path)
        if self._engine is None:
            self._engine = make_engine(self.db_path, immediate=False)
        return self._engine

    def close(self) -> None:
        """Release the engine, if one was made."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


CheckFn = Callable[[DoctorContext], "Check | Sequence[Check]"]


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover - loop always returns


def _age(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(0, int(seconds // 60))} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


#: Why a check that needs the database did not run (``why`` of ``not_checked``).
_UNUSABLE = {
    "no_database": "no database yet",
    "empty_file": "empty database file",
    "damaged": "damaged",
}


def _why(p: Mapping[str, Any]) -> str:
    return _UNUSABLE.get(str(p.get("why")), str(p.get("why")))


def _durability(p: Mapping[str, Any]) -> str:
    detail = (
        f"journal_mode={p['journal']}, synchronous={p['synchronous']}, "
        f"foreign_keys={'on' if p['foreign_keys'] else 'off'}"
    )
    return detail if p.get("good", True) else detail + " (expected wal, FULL, on)"


def _outbox(p: Mapping[str, Any]) -> str:
    text = f"{p['pending']} waiting to send, {p['sent']} sent"
    if p.get("oldest"):
        text += f"; oldest waiting since {p['oldest']}"
    if p.get("quarantined"):
        text += f"; {p['quarantined']} refused by the platform and set aside, need a person"
    return text


def _orders(p: Mapping[str, Any]) -> str:
    n = int(p["count"])
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(p["statuses"].items())) or "none yet"
    return f"{n} order{'' if n == 1 else 's'}: {statuses}"


def _disk(p: Mapping[str, Any]) -> str:
    detail = f"{_size(p['free_bytes'])} free of {_size(p['total_bytes'])}"
    return detail if p.get("good", True) else detail + f" (below {_size(p['min_bytes'])})"


def _backup(p: Mapping[str, Any]) -> str:
    detail = f"newest {p['file']}, {_age(p['age_s'])} old"
    return detail + "; make a fresh one with `kiosk backup`" if p.get("stale") else detail


def _last_sync(p: Mapping[str, Any]) -> str:
    age = p.get("age_s")
    words = f"{age / 3600:.1f} h ago" if age is not None else "at an unreadable time"
    return f"last successful sync {words} ({p['at']})"


def _clock(p: Mapping[str, Any]) -> str:
    text = f"kiosk clock {p['offset_s']:+.0f} s from the platform"
    return text if p.get("good", True) else text + "; please fix the clock"


#: Every check code with its English words (the params each needs are the keys they read).
ENGLISH: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "not_checked": lambda p: f"not checked: {_why(p)}",
    "not_counted": lambda p: f"not counted: {_why(p)}",
    "check_crashed": lambda p: f"check crashed: {p['error']}",
    "dir_missing": lambda p: f"{p['path']} does not exist",
    "dir_is_file": lambda p: f"{p['path']} is a file, not a folder",
    "dir_not_writable": lambda p: f"{p['path']} is not writable: {p['error']}",
    "dir_ok": lambda p: f"{p['path']} exists and is writable",
    "db_none": lambda p: f"no database yet at {p['path']} (the kiosk creates it on first start)",
    "db_empty": lambda p: f"{p['path']} is an empty file",
    "db_unreadable": lambda p: f"{p['path']} cannot be read: {p['error']}",
    "db_ok": lambda p: f"{p['path']} ({_size(p['size_bytes'])})",
    "integrity_ok": lambda p: "integrity_check: ok",
    "integrity_bad": lambda p: f"integrity_check found problems: {p['verdict']}",
    "schema_unreadable": lambda p: f"cannot read the schema revision: {p['error']}",
    "schema_ok": lambda p: f"revision {p['revision']} (up to date)",
    "schema_none": lambda p: f"no schema yet; this kiosk expects {p['expected']}",
    "schema_old": lambda p: (
        f"revision {p['revision']}, this kiosk expects {p['expected']} "
        "(it upgrades, after a backup, on start)"
    ),
    "durability_unreadable": lambda p: f"cannot read the connection settings: {p['error']}",
    "durability": _durability,
    "count_failed": lambda p: f"cannot count: {p['error']}",
    "catalog": lambda p: (
        f"{p['products']} products ({p['active']} on sale) in {p['categories']} categories"
        + ("" if p["products"] else "; import a catalog with `kiosk catalog import FILE`")
    ),
    "orders": _orders,
    "outbox": _outbox,
    "disk_unreadable": lambda p: f"cannot read free space of {p['path']}: {p['error']}",
    "disk": _disk,
    "backup_none": lambda p: "no backup yet; make one with `kiosk backup`",
    "backup": _backup,
    "versions": lambda p: (
        f"village-kiosk {p['kiosk']}, Python {p['python']}, SQLite {p['sqlite']}, {p['system']}"
    ),
    "not_enrolled": lambda p: "not enrolled yet: orders are kept here; enroll with `kiosk enroll`",
    "enrolled": lambda p: f"center {p['center']} at {p['server']}",
    "never_synced": lambda p: "never synced successfully; run `kiosk sync --once`",
    "last_sync": _last_sync,
    "queue": lambda p: f"{p['pending']} waiting to send",
    "set_aside": lambda p: (
        f"{p['quarantined']} refused by the platform"
        + ("; see `kiosk tech outbox`" if p["quarantined"] else "")
    ),
    "clock_unknown": lambda p: "offset unknown until the next sync",
    "clock": _clock,
}


def _error(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc))


def check_data_dir(ctx: DoctorContext) -> Check:
    """The data folder exists and the kiosk can write in it."""
    d = str(ctx.data_dir)
    if not ctx.data_dir.exists():
        return check("data folder", False, "dir_missing", path=d)
    if not ctx.data_dir.is_dir():
        return check("data folder", False, "dir_is_file", path=d)
    try:
        with tempfile.NamedTemporaryFile(dir=d, prefix=".doctor-", delete=True):
            pass
    except OSError as exc:
        return check("data folder", False, "dir_not_writable", path=d, error=exc.strerror)
    return check("data folder", True, "dir_ok", path=d)


def check_database_file(ctx: DoctorContext) -> Check:
    """The database file exists and SQLite can open it with the kiosk's settings."""
    path = ctx.db_path
    if not path.exists():
        ctx.db_unusable = "no_database"
        return check("database", False, "db_none", path=str(path))
    if ctx.db_path.stat().st_size == 0:
        ctx.db_unusable = "empty_file"
        return check("database", False, "db_empty", path=str(path))
    try:
        with ctx.engine().connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar_one()
    except (SQLAlchemyError, sqlite3.Error) as exc:
        ctx.db_unusable = "damaged"
        return check("database", False, "db_unreadable", path=str(path), error=_error(exc))
    return check("database", True, "db_ok", path=str(path), size_bytes=path.stat().st_size)


def check_integrity(ctx: DoctorContext) -> Check:
    """``PRAGMA integrity_check`` says ok."""
    if not ctx.db_exists:
        return check("integrity", False, "not_checked", why=ctx.db_unusable or "no_database")
    # Runs even when the database check failed: its verdict is what a technician needs.
    verdict = integrity_check(ctx.db_path)
    if verdict == "ok":
        return check("integrity", True, "integrity_ok")
    return check("integrity", False, "integrity_bad", verdict=verdict)


def check_schema(ctx: DoctorContext) -> Check:
    """The schema revision is the one this version of the kiosk expects."""
    if ctx.db_unusable:
        return check("schema", False, "not_checked", why=ctx.db_unusable)
    from kiosk.storage import migrate  # Alembic is slow to import (docs/benchmarks.md)

    head = migrate.head_revision()
    try:
        with ctx.engine().connect() as conn:
            current = migrate.current_revision(conn)
    except SQLAlchemyError as exc:
        return check("schema", False, "schema_unreadable", error=_error(exc))
    if current == head:
        return check("schema", True, "schema_ok", revision=current)
    if current is None:
        return check("schema", False, "schema_none", expected=head)
    return check("schema", False, "schema_old", revision=current, expected=head)


def check_durability(ctx: DoctorContext) -> Check:
    """The journal mode and synchronous level the kiosk's connections actually get."""
    if ctx.db_unusable:
        return check("durability", False, "not_checked", why=ctx.db_unusable)
    try:
        with ctx.engine().connect() as conn:
            journal = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())
            level = int(conn.exec_driver_sql("PRAGMA synchronous").scalar_one())
            fks = int(conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one())
    except SQLAlchemyError as exc:
        return check("durability", False, "durability_unreadable", error=_error(exc))
    ok = journal.lower() == "wal" and level >= 2 and fks == 1
    sync = _SYNC_LEVELS.get(level, str(level))
    return check(
        "durability", ok, "durability", journal=journal, synchronous=sync, foreign_keys=fks == 1,
        good=ok,
    )  # fmt: skip


def check_counts(ctx: DoctorContext) -> Sequence[Check]:
    """What is in the store: catalog size, orders by status, and the outbox queue."""
    if ctx.db_unusable:
        return [check("contents", False, "not_counted", why=ctx.db_unusable)]
    try:
        with Session(ctx.engine()) as s:
            products = s.scalar(select(func.count()).select_from(Product)) or 0
            active = s.scalar(select(func.count()).where(Product.active.is_(True))) or 0
            categories = s.scalar(select(func.count()).select_from(Category)) or 0
            by_status = count_orders_by_status(s)
            queue = outbox_mod.stats(s)
    except SQLAlchemyError as exc:
        return [check("contents", False, "count_failed", error=_error(exc))]
    catalog = check(
        "catalog", True, "catalog", products=products, active=active, categories=categories
    )
    statuses = {str(k): int(v) for k, v in by_status.items()}
    order_check = check("orders", True, "orders", count=sum(statuses.values()), statuses=statuses)
    out = check(
        "outbox",
        queue.quarantined == 0,
        "outbox",
        pending=queue.pending,
        sent=queue.sent,
        oldest=queue.oldest_pending_at or None,
        quarantined=queue.quarantined,
    )
    return [catalog, order_check, out]


def check_disk(ctx: DoctorContext) -> Check:
    """Free space on the disk holding the data folder."""
    where = ctx.data_dir if ctx.data_dir.exists() else ctx.data_dir.parent
    try:
        usage = shutil.disk_usage(where)
    except OSError as exc:
        return check("disk", False, "disk_unreadable", path=str(where), error=exc.strerror)
    ok = usage.free >= MIN_FREE_BYTES
    return check(
        "disk", ok, "disk", free_bytes=usage.free, total_bytes=usage.total,
        min_bytes=MIN_FREE_BYTES, good=ok,
    )  # fmt: skip


def newest_backup(data_dir: Path) -> Path | None:
    """The most recently written backup in the data folder's backup folder, if any."""
    folder = data_dir / BACKUP_DIRNAME
    if not folder.is_dir():
        return None
    files = [p for p in folder.glob("*.db") if p.is_file()]
    return max(files, key=lambda p: p.stat().st_mtime, default=None)


def check_backup(ctx: DoctorContext) -> Check:
    """There is a recent backup."""
    newest = newest_backup(ctx.data_dir)
    if newest is None:
        return check("backup", False, "backup_none")
    age = time.time() - newest.stat().st_mtime
    stale = age > MAX_BACKUP_AGE_S
    return check("backup", not stale, "backup", file=newest.name, age_s=age, stale=stale)


def check_versions(ctx: DoctorContext) -> Check:
    """Versions of the kiosk, Python and SQLite (for support)."""
    return check(
        "versions",
        True,
        "versions",
        kiosk=__version__,
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        system=f"{platform.system()} {platform.release()}",
    )


def _settings(ctx: DoctorContext) -> dict[str, str]:
    with ctx.engine().connect() as conn:
        rows = conn.exec_driver_sql("SELECT key, value FROM settings").all()
    return {k: v for k, v in rows}


def check_sync(ctx: DoctorContext) -> list[Check]:
    """Enrollment, last successful sync, queue depth, set-aside events and the clock."""
    if ctx.db_unusable:
        return [check("sync", False, "not_checked", why=ctx.db_unusable)]
    st = _settings(ctx)
    if not (st.get(DEVICE_ID) and st.get(SERVER_URL)):
        return [check("enrollment", True, "not_enrolled")]
    out = [
        check(
            "enrollment",
            True,
            "enrolled",
            center=st.get(CENTER_ID, "?"),
            server=st[SERVER_URL],
        )
    ]
    last = st.get(LAST_SUCCESS_AT) or ""
    if not last:
        out.append(check("last sync", False, "never_synced"))
    else:
        try:
            age = (datetime.now(UTC) - datetime.fromisoformat(last)).total_seconds()
        except ValueError:
            age = None
        ok = age is not None and age <= MAX_SYNC_AGE_S
        out.append(check("last sync", ok, "last_sync", age_s=age, at=last))
    with ctx.engine().connect() as conn:
        counts: dict[str, int] = dict(
            conn.exec_driver_sql("SELECT state, count(*) FROM outbox GROUP BY state").all()
        )
    pending, quarantined = int(counts.get("pending", 0)), int(counts.get("quarantined", 0))
    out.append(check("queue", True, "queue", pending=pending))
    out.append(check("set aside", quarantined == 0, "set_aside", quarantined=quarantined))
    offset_text = st.get(CLOCK_OFFSET_S) or ""
    try:
        offset = float(offset_text) if offset_text else None
    except ValueError:
        offset = None
    if offset is None:
        out.append(check("clock", True, "clock_unknown"))
    else:
        ok = abs(offset) <= CLOCK_WARN_S
        out.append(check("clock", ok, "clock", offset_s=offset, good=ok))
    return out


#: The checks ``kiosk doctor`` runs, in order. The database check must precede those using it.
CHECKS: tuple[CheckFn, ...] = (
    check_data_dir,
    check_database_file,
    check_integrity,
    check_schema,
    check_durability,
    check_counts,
    check_disk,
    check_backup,
    check_sync,
    check_versions,
)


def run_doctor(data_dir: Path, extra: Iterable[CheckFn] = ()) -> DoctorReport:
    """Run every check (plus ``extra``) against ``data_dir``; a crashing check is a failed check."""
    ctx = DoctorContext(data_dir)
    report = DoctorReport(data_dir=str(data_dir))
    try:
        for fn in (*CHECKS, *extra):
            name = fn.__name__.removeprefix("check_").replace("_", " ")
            try:
                result = fn(ctx)
            except Exception as exc:  # one broken check must not hide the others
                report.checks.append(check(name, False, "check_crashed", error=repr(exc)))
                continue
            if isinstance(result, Check):
                report.checks.append(result)
            else:
                report.checks.extend(result)
    finally:
        ctx.close()
    return report
