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
from collections.abc import Callable, Iterable, Sequence
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
    """One check's verdict. ``detail`` is a plain sentence for a technician."""

    name: str
    ok: bool
    detail: str


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
        """A JSON-ready dict: ``{"ok", "data_dir", "checks": [{"name","ok","detail"}]}``."""
        return {
            "ok": self.ok,
            "data_dir": self.data_dir,
            "checks": [asdict(c) for c in self.checks],
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


def check_data_dir(ctx: DoctorContext) -> Check:
    """The data folder exists and the kiosk can write in it."""
    d = ctx.data_dir
    if not d.exists():
        return Check("data folder", False, f"{d} does not exist")
    if not d.is_dir():
        return Check("data folder", False, f"{d} is a file, not a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=d, prefix=".doctor-", delete=True):
            pass
    except OSError as exc:
        return Check("data folder", False, f"{d} is not writable: {exc.strerror}")
    return Check("data folder", True, f"{d} exists and is writable")


def check_database_file(ctx: DoctorContext) -> Check:
    """The database file exists and SQLite can open it with the kiosk's settings."""
    path = ctx.db_path
    if not path.exists():
        ctx.db_unusable = "no database yet"
        return Check(
            "database", False, f"no database yet at {path} (the kiosk creates it on first start)"
        )
    if ctx.db_path.stat().st_size == 0:
        ctx.db_unusable = "empty database file"
        return Check("database", False, f"{path} is an empty file")
    try:
        with ctx.engine().connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar_one()
    except (SQLAlchemyError, sqlite3.Error) as exc:
        ctx.db_unusable = "damaged"
        cause = getattr(exc, "orig", exc)
        return Check("database", False, f"{path} cannot be read: {cause}")
    return Check("database", True, f"{path} ({_size(path.stat().st_size)})")


def check_integrity(ctx: DoctorContext) -> Check:
    """``PRAGMA integrity_check`` says ok."""
    if not ctx.db_exists:
        return Check("integrity", False, f"not checked: {ctx.db_unusable or 'no database'}")
    # Runs even when the database check failed: its verdict is what a technician needs.
    verdict = integrity_check(ctx.db_path)
    if verdict == "ok":
        return Check("integrity", True, "integrity_check: ok")
    return Check("integrity", False, f"integrity_check found problems: {verdict}")


def check_schema(ctx: DoctorContext) -> Check:
    """The schema revision is the one this version of the kiosk expects."""
    if ctx.db_unusable:
        return Check("schema", False, f"not checked: {ctx.db_unusable}")
    from kiosk.storage import migrate  # Alembic is slow to import (docs/benchmarks.md)

    head = migrate.head_revision()
    try:
        with ctx.engine().connect() as conn:
            current = migrate.current_revision(conn)
    except SQLAlchemyError as exc:
        return Check("schema", False, f"cannot read the schema revision: {exc}")
    if current == head:
        return Check("schema", True, f"revision {current} (up to date)")
    if current is None:
        return Check("schema", False, f"no schema yet; this kiosk expects {head}")
    return Check(
        "schema",
        False,
        f"revision {current}, this kiosk expects {head} (it upgrades, after a backup, on start)",
    )


def check_durability(ctx: DoctorContext) -> Check:
    """The journal mode and synchronous level the kiosk's connections actually get."""
    if ctx.db_unusable:
        return Check("durability", False, f"not checked: {ctx.db_unusable}")
    try:
        with ctx.engine().connect() as conn:
            journal = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())
            level = int(conn.exec_driver_sql("PRAGMA synchronous").scalar_one())
            fks = int(conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one())
    except SQLAlchemyError as exc:
        return Check("durability", False, f"cannot read the connection settings: {exc}")
    sync = _SYNC_LEVELS.get(level, str(level))
    detail = f"journal_mode={journal}, synchronous={sync}, foreign_keys={'on' if fks else 'off'}"
    ok = journal.lower() == "wal" and level >= 2 and fks == 1
    return Check("durability", ok, detail if ok else detail + " (expected wal, FULL, on)")


def check_counts(ctx: DoctorContext) -> Sequence[Check]:
    """What is in the store: catalog size, orders by status, and the outbox queue."""
    if ctx.db_unusable:
        return [Check("contents", False, f"not counted: {ctx.db_unusable}")]
    try:
        with Session(ctx.engine()) as s:
            products = s.scalar(select(func.count()).select_from(Product)) or 0
            active = s.scalar(select(func.count()).where(Product.active.is_(True))) or 0
            categories = s.scalar(select(func.count()).select_from(Category)) or 0
            by_status = count_orders_by_status(s)
            queue = outbox_mod.stats(s)
    except SQLAlchemyError as exc:
        return [Check("contents", False, f"cannot count: {exc}")]
    orders = sum(by_status.values())
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())) or "none yet"
    catalog = Check(
        "catalog",
        True,
        f"{products} products ({active} on sale) in {categories} categories"
        + ("" if products else "; import a catalog with `kiosk catalog import FILE`"),
    )
    order_check = Check("orders", True, f"{orders} order{'' if orders == 1 else 's'}: {statuses}")
    oldest = f"; oldest waiting since {queue.oldest_pending_at}" if queue.oldest_pending_at else ""
    quarantined = (
        f"; {queue.quarantined} refused by the platform and set aside, need a person"
        if queue.quarantined
        else ""
    )
    out = Check(
        "outbox",
        queue.quarantined == 0,
        f"{queue.pending} waiting to send, {queue.sent} sent{oldest}{quarantined}",
    )
    return [catalog, order_check, out]


def check_disk(ctx: DoctorContext) -> Check:
    """Free space on the disk holding the data folder."""
    where = ctx.data_dir if ctx.data_dir.exists() else ctx.data_dir.parent
    try:
        usage = shutil.disk_usage(where)
    except OSError as exc:
        return Check("disk", False, f"cannot read free space of {where}: {exc.strerror}")
    ok = usage.free >= MIN_FREE_BYTES
    detail = f"{_size(usage.free)} free of {_size(usage.total)}"
    return Check("disk", ok, detail if ok else detail + f" (below {_size(MIN_FREE_BYTES)})")


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
        return Check("backup", False, "no backup yet; make one with `kiosk backup`")
    age = time.time() - newest.stat().st_mtime
    detail = f"newest {newest.name}, {_age(age)} old"
    if age > MAX_BACKUP_AGE_S:
        return Check("backup", False, detail + "; make a fresh one with `kiosk backup`")
    return Check("backup", True, detail)


def check_versions(ctx: DoctorContext) -> Check:
    """Versions of the kiosk, Python and SQLite (for support)."""
    return Check(
        "versions",
        True,
        f"village-kiosk {__version__}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}",
    )


def _settings(ctx: DoctorContext) -> dict[str, str]:
    with ctx.engine().connect() as conn:
        rows = conn.exec_driver_sql("SELECT key, value FROM settings").all()
    return {k: v for k, v in rows}


def check_sync(ctx: DoctorContext) -> list[Check]:
    """Enrollment, last successful sync, queue depth, set-aside events and the clock."""
    if ctx.db_unusable:
        return [Check("sync", False, f"not checked: {ctx.db_unusable}")]
    st = _settings(ctx)
    if not (st.get("device.id") and st.get("sync.server_url")):
        return [
            Check(
                "enrollment",
                True,
                "not enrolled yet: orders are kept here; enroll with `kiosk enroll`",
            )
        ]
    out = [
        Check("enrollment", True, f"center {st.get('center.id', '?')} at {st['sync.server_url']}")
    ]
    last = st.get("sync.last_success_at") or ""
    if not last:
        out.append(Check("last sync", False, "never synced successfully; run `kiosk sync --once`"))
    else:
        try:
            age = (datetime.now(UTC) - datetime.fromisoformat(last)).total_seconds()
        except ValueError:
            age = None
        ok = age is not None and age <= MAX_SYNC_AGE_S
        words = f"{age / 3600:.1f} h ago" if age is not None else "at an unreadable time"
        out.append(Check("last sync", ok, f"last successful sync {words} ({last})"))
    with ctx.engine().connect() as conn:
        counts: dict[str, int] = dict(
            conn.exec_driver_sql("SELECT state, count(*) FROM outbox GROUP BY state").all()
        )
    pending, quarantined = int(counts.get("pending", 0)), int(counts.get("quarantined", 0))
    out.append(Check("queue", True, f"{pending} waiting to send"))
    out.append(
        Check(
            "set aside",
            quarantined == 0,
            f"{quarantined} refused by the platform"
            + ("; see `kiosk tech outbox`" if quarantined else ""),
        )
    )
    offset_text = st.get("sync.clock_offset_s") or ""
    try:
        offset = float(offset_text) if offset_text else None
    except ValueError:
        offset = None
    if offset is None:
        out.append(Check("clock", True, "offset unknown until the next sync"))
    else:
        ok = abs(offset) <= CLOCK_WARN_S
        out.append(
            Check(
                "clock",
                ok,
                f"kiosk clock {offset:+.0f} s from the platform"
                + ("" if ok else "; please fix the clock"),
            )
        )
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
                report.checks.append(Check(name, False, f"check crashed: {exc!r}"))
                continue
            if isinstance(result, Check):
                report.checks.append(result)
            else:
                report.checks.extend(result)
    finally:
        ctx.close()
    return report
