"""A damaged local database: noticing it, and getting the shop going again.

The kiosk runs on a PC that is switched off at the wall, so a damaged SQLite file must never stop
the shop for long, never silently lose an acknowledged order, and never upload anything.

Detection has two speeds:

* :func:`kiosk.storage.damage.probe_files` runs on every :meth:`KioskStore.open` and costs a few
  small reads: the file header, the size against the page size, and whether the ``-wal`` journal
  that the ``-shm`` index says holds unsaved-to-the-main-file changes is really there. The first
  queries of the open path turn SQLite's "not a database" / "malformed" errors into
  :class:`StoreDamaged`.
* :func:`verify_store` runs ``PRAGMA quick_check`` (seconds on a large file), off the GUI thread
  after start-up and in the foreground in ``kiosk doctor`` / ``kiosk tech recover``. A bad verdict
  is recorded in a marker file next to the database (``kiosk.db.corrupt``, written atomically);
  while it is there the sync engine refuses to push or pull (:func:`damaged_reason`).

:func:`recover` moves the damaged files aside together into ``damaged/<UTC time>/`` (never
deleting them), restores the newest backup that passes ``integrity_check`` (or starts an empty
store), then rescues from a scratch copy of the damaged file the orders, order lines and outbox
events the backup lacks — same ids, so the central service's deduplication keeps exactly-once —
and writes a plain-words ``REPORT.txt`` and an audit entry (docs/reliability.md, Damaged
database; ``tests/reliability/test_corruption.py``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from kiosk.errors import KioskError
from kiosk.storage.backup import _fsync_dir
from kiosk.storage.damage import (
    SQLITE_MAGIC,
    StoreDamaged,
    header_page_size,
    lost_journal_frames,
    marker_path,
    probe_files,
)
from kiosk.storage.restore import restore_backup
from kiosk.storage.settings import ORDER_SEQUENCE_KEY, SEQUENCE_PREFIX
from kiosk.storage.store import BACKUP_DIRNAME, DB_FILENAME, KioskStore

log = logging.getLogger(__name__)

#: Where damaged files are moved, one sub-folder per recovery.
DAMAGED_DIRNAME = "damaged"
REPORT_FILENAME = "REPORT.txt"
#: Rowids read per query when rescuing; a failing range is split down to single rows.
RESCUE_CHUNK = 256


# --- detection ---------------------------------------------------------------------------------


def damaged_reason(data_dir: Path) -> str | None:
    """Why the store is flagged damaged, or ``None`` when it is not flagged."""
    marker = marker_path(data_dir)
    try:
        return marker.read_text(encoding="utf-8").strip().splitlines()[0] or "damaged"
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, IndexError):
        return "damaged (the marker file could not be read)"


def flag_damaged(data_dir: Path, reason: str) -> None:
    """Record that the store is damaged (atomically: a half-written marker never exists)."""
    marker = marker_path(data_dir)
    tmp = marker.with_name(marker.name + ".tmp")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(f"{' '.join(reason.split())}\nfound at {stamp}\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, marker)
    _fsync_dir(data_dir)
    log.error("database flagged as damaged: %s", reason)


def quick_check(db: Path) -> str:
    """``PRAGMA quick_check`` of ``db``: ``"ok"`` or what is wrong (first few problems)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"not a readable database: {exc}"
    return "; ".join(str(r[0]) for r in rows[:5])


def verify_store(data_dir: Path) -> str:
    """Run the full quick check and flag the store when it fails (off the GUI thread: seconds).

    Returns:
        ``"ok"`` or the problem found (which is then also in the marker file).
    """
    db = data_dir / DB_FILENAME
    if not db.exists() or db.stat().st_size == 0:
        return "ok"
    verdict = probe_files(db) or quick_check(db)
    if verdict != "ok":
        flag_damaged(data_dir, f"quick_check: {verdict}")
    return verdict


def open_or_recover(
    data_dir: Path, *, refresh_search: bool = True
) -> tuple[KioskStore, RecoveryReport | None]:
    """Open the store for the app, recovering first when it is flagged or found damaged.

    ``refresh_search`` as in :meth:`KioskStore.open`.

    Returns:
        The open store and, when a recovery ran, its report (to tell the shop in plain words).
    """
    db = data_dir / DB_FILENAME
    reason = damaged_reason(data_dir) or probe_files(db)
    if reason is None:
        try:
            return KioskStore.open(data_dir, refresh_search=refresh_search), None
        except StoreDamaged as exc:
            reason = str(exc)
    report = recover(data_dir, reason)
    return KioskStore.open(data_dir, refresh_search=refresh_search), report


# --- recovery ----------------------------------------------------------------------------------


@dataclass
class RecoveryReport:
    """What :func:`recover` did, in counts a shop owner can read (no personal data).

    Attributes:
        reason: why the store was considered damaged.
        damaged_dir: where the damaged files now are (never deleted).
        restored_from: the backup file used, or ``None`` when the kiosk started empty.
        orders_from_backup: orders the restored backup already had.
        orders_rescued: orders read back from the damaged file and put into the store.
        orders_updated: orders whose newer status was read back from the damaged file.
        events_rescued: outbox events (changes for the central service) read back.
        rescued_numbers: local numbers of the rescued orders.
        not_recovered: plain sentences about what could not be read.
        notes: other facts (skipped backups…).
    """

    reason: str
    damaged_dir: str
    restored_from: str | None = None
    orders_from_backup: int = 0
    orders_rescued: int = 0
    orders_updated: int = 0
    events_rescued: int = 0
    rescued_numbers: list[str] = field(default_factory=list)
    not_recovered: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the audit log and the screen."""
        source = f"backup {Path(self.restored_from).name}" if self.restored_from else "no backup"
        lost = f"; {len(self.not_recovered)} problem(s) noted" if self.not_recovered else ""
        return (
            f"damaged database moved aside; restored from {source} ({self.orders_from_backup} "
            f"orders); {self.orders_rescued} orders and {self.events_rescued} changes rescued "
            f"from the damaged file{lost}"
        )

    def text(self) -> str:
        """The full plain-words report (``REPORT.txt``)."""
        out = [
            "Village Kiosk: the database was damaged and has been repaired.",
            f"Why: {self.reason}",
            f"The damaged files are kept in: {self.damaged_dir}",
            (
                f"Restored from the backup {self.restored_from}: {self.orders_from_backup} orders."
                if self.restored_from
                else "No usable backup was found: the kiosk started with an empty database."
            ),
            f"Orders rescued from the damaged file: {self.orders_rescued}"
            + (f" ({', '.join(self.rescued_numbers)})" if self.rescued_numbers else ""),
            f"Orders whose newer status was rescued: {self.orders_updated}",
            f"Changes for the platform rescued (they are sent once, as before): "
            f"{self.events_rescued}",
        ]
        if self.not_recovered:
            out.append("Could NOT be recovered (check paper receipts and the platform):")
            out += [f"  - {line}" for line in self.not_recovered]
        else:
            out.append("Everything readable in the damaged file was recovered.")
        out += [f"Note: {n}" for n in self.notes]
        return "\n".join(out) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``kiosk tech recover --json``)."""
        return asdict(self)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _move_aside(data_dir: Path) -> Path:
    """Move the database, its journal, its index and the marker into a new ``damaged/`` folder."""
    db = data_dir / DB_FILENAME
    folder = data_dir / DAMAGED_DIRNAME / _stamp()
    folder.mkdir(parents=True)
    for p in (
        db,
        db.with_name(db.name + "-wal"),
        db.with_name(db.name + "-shm"),
        marker_path(data_dir),
    ):
        if p.exists():
            os.replace(p, folder / p.name)
    _fsync_dir(data_dir)
    _fsync_dir(folder)
    return folder


def _backups_newest_first(data_dir: Path) -> list[Path]:
    folder = data_dir / BACKUP_DIRNAME
    files = [p for p in folder.glob("*.db") if p.is_file()] if folder.is_dir() else []
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def recover(data_dir: Path, reason: str | None = None, *, actor: str = "kiosk") -> RecoveryReport:
    """Replace a damaged database by the newest good backup and rescue what the backup lacks.

    The kiosk (every connection to the store) must be closed. Never deletes the damaged files.

    Args:
        data_dir: the kiosk's data directory.
        reason: why (shown in the report); default: the marker's or the cheap probe's verdict.
        actor: who asked (``kiosk`` at start-up, ``technician`` from the CLI), for the audit log.
    """
    db = data_dir / DB_FILENAME
    reason = reason or damaged_reason(data_dir) or probe_files(db) or "asked by a technician"
    lost_frames = lost_journal_frames(db)
    folder = _move_aside(data_dir)
    report = RecoveryReport(reason=reason, damaged_dir=str(folder))
    for backup in _backups_newest_first(data_dir):
        try:
            restore_backup(data_dir, backup)
        except KioskError as exc:
            report.notes.append(f"backup {backup.name} was not usable: {exc}")
            continue
        report.restored_from = str(backup)
        break
    if lost_frames:
        report.not_recovered.append(
            f"the journal file with the last {lost_frames} saved changes was missing: orders "
            "placed in the last moments before the damage may be lost"
        )
    with KioskStore.open(data_dir) as store:
        with store.read() as s:
            report.orders_from_backup = s.execute(text("SELECT count(*) FROM orders")).scalar_one()
        damaged_db = folder / DB_FILENAME
        if damaged_db.exists():
            try:
                _rescue(damaged_db, store, report)
            except Exception as exc:  # the restored store is already usable; say what failed
                log.exception("rescue from the damaged database failed")
                report.not_recovered.append(f"reading the damaged file stopped early: {exc}")
        with store.write() as s:
            KioskStore.audit(s, actor, "recovered", None, report.summary())
    path = folder / REPORT_FILENAME
    path.write_text(report.text(), encoding="utf-8")
    log.warning("database recovered: %s (report in %s)", report.summary(), path)
    return report


# --- reading the damaged copy ------------------------------------------------------------------


@contextlib.contextmanager
def _scratch_copy(damaged_db: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a throw-away copy, so reading (and WAL replay) never alters the originals."""
    with tempfile.TemporaryDirectory(prefix=".rescue-", dir=damaged_db.parent) as tmp:
        copy = Path(tmp) / damaged_db.name
        shutil.copyfile(damaged_db, copy)
        wal = damaged_db.with_name(damaged_db.name + "-wal")
        if wal.exists():  # the -shm is left out on purpose: SQLite rebuilds it from the WAL
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        with copy.open("rb+") as fh:
            if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                # A clobbered magic string alone hides every readable page; put it back.
                fh.seek(0)
                fh.write(SQLITE_MAGIC)
            fh.seek(16)
            page = header_page_size(struct.unpack(">H", fh.read(2))[0] or 4096)
            size = fh.seek(0, os.SEEK_END)
            if page >= 512 and size % page:  # a cut-off last page reads as zeros, not as an error
                fh.write(b"\0" * (page - size % page))
        conn = sqlite3.connect(str(copy), isolation_level=None)
        # Lets SQLite open a file shorter than its header says (cut short) instead of refusing
        # all of it; this connection only reads.
        conn.execute("PRAGMA writable_schema=ON")
        try:
            yield conn
        finally:
            conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]


def _read_rows(
    conn: sqlite3.Connection, table: str, columns: list[str]
) -> tuple[list[dict[str, Any]], int]:
    """Every readable row of ``table`` by rowid ranges.

    Returns:
        The rows read and how many rowids could not be read (-1: unknown, the end was damaged).
    """
    cols = ", ".join(f'"{c}"' for c in columns)
    sql = f"SELECT rowid, {cols} FROM {table} WHERE rowid BETWEEN ? AND ?"
    try:
        top = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    except sqlite3.DatabaseError:
        top = None  # the rightmost page is damaged: scan until a long empty stretch
    rows: list[dict[str, Any]] = []
    bad = 0
    last_seen = 0
    if top is None:
        # Without the table's end, single bad rowids past the last good row mean nothing.
        bad = -1

    def read(lo: int, hi: int) -> None:
        nonlocal bad, last_seen
        try:
            found = conn.execute(sql, (lo, hi)).fetchall()
        except sqlite3.DatabaseError:
            if lo == hi:
                bad += 1 if bad >= 0 else 0
                return
            mid = (lo + hi) // 2
            read(lo, mid)
            read(mid + 1, hi)
            return
        for r in found:
            rows.append(dict(zip(columns, r[1:], strict=True)))
            last_seen = max(last_seen, int(r[0]))

    lo = 1
    while True:
        hi = lo + RESCUE_CHUNK - 1
        read(lo, hi)
        lo = hi + 1
        if top is not None and lo > top:
            break
        if top is None and lo > last_seen + 50 * RESCUE_CHUNK:
            break
    return rows, bad


def _lines_complete(order: dict[str, Any], lines: list[dict[str, Any]]) -> bool:
    """The lines read add up to the order's total and are numbered 1..n (nothing missing)."""
    if not lines:
        return False
    numbers = sorted(int(ln["line_no"]) for ln in lines)
    try:
        total = sum(int(ln["line_total_fen"]) for ln in lines)
    except (TypeError, ValueError):
        return False
    return numbers == list(range(1, len(lines) + 1)) and total == order.get("total_fen")


def _insert(s: Session, table: str, row: dict[str, Any]) -> None:
    cols = list(row)
    s.execute(
        text(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
        ),
        row,
    )


def _rescue(damaged_db: Path, store: KioskStore, report: RecoveryReport) -> None:
    """Put back the orders, lines and outbox events the damaged file has and the store lacks."""
    with _scratch_copy(damaged_db) as old, store.write() as s:

        def ours(table: str) -> list[str]:
            return [str(r[1]) for r in s.execute(text(f"PRAGMA table_info({table})"))]

        def shared(table: str) -> list[str]:
            try:
                theirs = set(_columns(old, table))
            except sqlite3.DatabaseError:
                theirs = set()
            mine = ours(table)
            # An unreadable schema: assume the same columns; reading will tell.
            return [c for c in mine if c in theirs] if theirs else mine

        def read(table: str, what: str) -> list[dict[str, Any]]:
            try:
                rows, bad = _read_rows(old, table, shared(table))
            except sqlite3.DatabaseError as exc:
                bad, rows = -1, []
                log.warning("rescue: %s unreadable: %s", table, exc)
            if bad < 0 and not rows:
                report.not_recovered.append(f"the {what}s could not be read at all")
            elif bad < 0:
                report.not_recovered.append(f"some damaged {what} records could not be read")
            elif bad:
                report.not_recovered.append(f"{bad} damaged {what} record(s) could not be read")
            return rows

        orders = read("orders", "order")
        lines = read("order_lines", "order line")
        events = read("outbox", "queued change")
        customers = {r["id"]: r for r in read("customers", "customer")}
        try:
            seqs = {
                str(k): str(v)
                for k, v in old.execute(
                    "SELECT key, value FROM settings WHERE key LIKE ?", (SEQUENCE_PREFIX + "%",)
                )
            }
        except sqlite3.DatabaseError:
            seqs = {}

        have = {r[0]: r[1] for r in s.execute(text("SELECT id, updated_at FROM orders"))}
        have_customers = {r[0] for r in s.execute(text("SELECT id FROM customers"))}
        lines_by_order: dict[str, list[dict[str, Any]]] = {}
        for ln in lines:
            lines_by_order.setdefault(str(ln["order_id"]), []).append(ln)
        highest_no = 0
        for order in sorted(orders, key=lambda o: str(o.get("created_at") or "")):
            oid = str(order["id"])
            if oid in have:
                if str(order.get("updated_at") or "") > str(have[oid] or ""):
                    s.execute(
                        text(
                            "UPDATE orders SET status = :status, updated_at = :updated_at,"
                            " server_no = :server_no, status_reason = :status_reason"
                            " WHERE id = :id"
                        ),
                        {k: order.get(k) for k in ("status", "updated_at", "server_no")}
                        | {"status_reason": order.get("status_reason"), "id": oid},
                    )
                    report.orders_updated += 1
                continue
            own = lines_by_order.get(oid, [])
            if not _lines_complete(order, own):
                report.not_recovered.append(
                    f"order {order.get('local_no')}: its lines could not all be read"
                )
                continue
            try:
                with s.begin_nested():
                    cid = order.get("customer_id")
                    if cid is not None and cid not in have_customers:
                        if cid in customers:
                            _insert(s, "customers", customers[cid])
                            have_customers.add(cid)
                        else:
                            order = order | {"customer_id": None}
                    _insert(s, "orders", order)
                    for ln in sorted(own, key=lambda r: int(r["line_no"])):
                        _insert(s, "order_lines", {k: v for k, v in ln.items() if k != "id"})
            except Exception as exc:  # one bad row must not stop the others
                report.not_recovered.append(
                    f"order {order.get('local_no')} could not be put back: {exc}"
                )
                continue
            report.orders_rescued += 1
            report.rescued_numbers.append(str(order.get("local_no")))
            m = re.search(r"(\d+)$", str(order.get("local_no") or ""))
            highest_no = max(highest_no, int(m.group(1)) if m else 0)

        have_events = {r[0] for r in s.execute(text("SELECT id FROM outbox"))}
        for ev in sorted(events, key=lambda e: int(e.get("seq") or 0)):
            if ev.get("id") in have_events:
                continue
            try:
                json.loads(str(ev.get("payload")))
                with s.begin_nested():
                    _insert(s, "outbox", {k: v for k, v in ev.items() if k != "seq"})
            except Exception as exc:
                report.not_recovered.append(f"a change for the platform was unreadable: {exc}")
                continue
            report.events_rescued += 1

        placed = {
            r[0]
            for r in s.execute(text("SELECT subject_id FROM outbox WHERE kind = 'order_placed'"))
        }
        for order in orders:
            if str(order.get("local_no")) in report.rescued_numbers and order["id"] not in placed:
                report.not_recovered.append(
                    f"order {order.get('local_no')} is back in the kiosk, but its record for the "
                    "platform could not be read: it will not be sent by itself (tell support)"
                )

        # Local order numbers must not repeat: counters go to the highest value either file saw.
        seqs_key = ORDER_SEQUENCE_KEY
        if highest_no:
            seqs[seqs_key] = str(max(highest_no, int(seqs.get(seqs_key, "0") or 0)))
        for key, value in seqs.items():
            current = KioskStore.get_setting(s, key)
            with contextlib.suppress(ValueError):
                if current is None or int(value) > int(current):
                    KioskStore.set_setting(s, key, str(int(value)))
