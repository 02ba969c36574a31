"""The technician's toolbox: support bundle, restore from a backup, set-aside (quarantined) events,
and the sync checks of ``kiosk doctor``.

Nothing here talks to the network; the "connection test" and "sync now" belong to the sync engine.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk import __version__
from kiosk.errors import InvalidInput, NotFound, StoreProblem
from kiosk.kernel.clock import utc_now_text
from kiosk.logs import log_files, redact
from kiosk.storage import outbox
from kiosk.storage.backup import _fsync_dir, integrity_check
from kiosk.storage.doctor import run_doctor
from kiosk.storage.models import AuditEntry, Order, OutboxEvent, Setting
from kiosk.storage.permissions import private_file
from kiosk.storage.settings import CENTER_ID, DEFAULT_CENTER_ID, DEVICE_ID
from kiosk.storage.store import DB_FILENAME, KioskStore
from kiosk.text import check_text

log = logging.getLogger(__name__)

#: Outbox state of an event a technician discarded (kept, with the reason, never sent).
DISCARDED = "discarded"
#: Settings never copied into a support bundle (credentials live in the keyring anyway).
SECRET_WORDS = ("token", "secret", "password", "credential", "pin", "key")


# --- set-aside events --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """One outbox event as the technician sees it (no payload: it may hold personal data)."""

    event_id: str
    kind: str
    subject_id: str
    state: str
    attempts: int
    last_error: str | None
    created_at: str
    last_attempt_at: str | None
    #: The shop's order number (``C017-0042``) when the change is about an order, else None.
    order_number: str | None = None


def list_events(
    store: KioskStore, states: Sequence[str] = (outbox.PENDING, outbox.QUARANTINED)
) -> list[QueuedEvent]:
    """Events in ``states`` in send order, with attempts and last error."""
    with store.read() as s:
        rows = s.scalars(
            select(OutboxEvent).where(OutboxEvent.state.in_(list(states))).order_by(OutboxEvent.seq)
        )
        events = list(rows)
        subjects = {r.subject_id for r in events}
        numbers: dict[str, str] = {}
        if subjects:
            found = s.execute(
                select(Order.id, Order.local_no).where(Order.id.in_(sorted(subjects)))
            )
            numbers = {order_id: number for order_id, number in found}
        return [
            QueuedEvent(
                r.id,
                r.kind,
                r.subject_id,
                r.state,
                r.attempts,
                r.last_error,
                r.created_at,
                r.last_attempt_at,
                numbers.get(r.subject_id),
            )
            for r in events
        ]


def _event(s: Session, event_id: str) -> OutboxEvent:
    row = s.scalars(select(OutboxEvent).where(OutboxEvent.id == event_id.strip())).first()
    if row is None:
        raise NotFound(f"no event {event_id} in the outbox")
    return row


def retry_event(store: KioskStore, event_id: str, actor: str) -> QueuedEvent:
    """Put a set-aside event back in the queue (audited); it goes with the next sync."""
    with store.write() as s:
        row = _event(s, event_id)
        if row.state != outbox.QUARANTINED:
            raise InvalidInput(f"event {row.id} is {row.state}, not set aside")
        outbox.requeue(s, row.id)
        KioskStore.audit(s, actor, "event_retry", row.id, row.kind)
    return next(e for e in list_events(store) if e.event_id == row.id)


def discard_event(store: KioskStore, event_id: str, reason: str, actor: str) -> None:
    """Give up on a set-aside event, with a reason (audited; the event is kept, marked)."""
    why = check_text(" ".join((reason or "").split()), "the reason")
    if not why:
        raise InvalidInput("discarding an event needs a reason (it goes into the audit log)")
    with store.write() as s:
        row = _event(s, event_id)
        if row.state != outbox.QUARANTINED:
            raise InvalidInput(
                f"event {row.id} is {row.state}; only set-aside events are discarded"
            )
        s.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == row.id)
            .values(
                state=DISCARDED,
                last_error=f"discarded by {actor}: {why[:300]} (was: {row.last_error or '-'})",
            )
        )
        KioskStore.audit(s, actor, "event_discarded", row.id, f"{row.kind}: {why[:200]}")
    log.warning("outbox event %s (%s) discarded by %s", row.id, row.kind, actor)


# --- support bundle ----------------------------------------------------------------------------


def _safe_settings(store: KioskStore) -> dict[str, str]:
    with store.read() as s:
        rows = s.scalars(select(Setting))
        return {r.key: r.value for r in rows if not any(w in r.key.lower() for w in SECRET_WORDS)}


def _audit_tail(store: KioskStore, n: int = 500) -> list[dict[str, Any]]:
    with store.read() as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(n)))
    return [
        {"at": r.at, "actor": r.actor, "action": r.action, "subject": r.subject, "detail": r.detail}
        for r in reversed(rows)
    ]


def write_support_bundle(
    store: KioskStore, dest_dir: Path, status: dict[str, Any] | None = None
) -> Path:
    """Write ``kiosk-support-<center>-<UTC time>.zip`` into ``dest_dir`` (atomically).

    Holds: the log files, ``doctor.json``, ``status.json`` (if given), ``settings.json`` (no
    secrets), ``outbox.json`` (attempts and errors, no payloads), ``audit.json`` (last 500) and
    ``about.json``. Every text goes through :func:`kiosk.logs.redact`, so phone numbers, codes
    and tokens are masked even if something slipped into a log.

    Returns:
        The bundle's path.
    """
    dest_dir = Path(dest_dir)
    if not dest_dir.is_dir():
        raise InvalidInput(f"{dest_dir} is not a folder (plug in the USB stick and choose it)")
    center = store.setting(CENTER_ID) or DEFAULT_CENTER_ID
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = dest_dir / f"kiosk-support-{center}-{stamp}.zip"
    tmp = path.with_name(path.name + ".partial")

    def text(obj: Any) -> str:
        return redact(json.dumps(obj, ensure_ascii=False, indent=2, default=str))

    parts: dict[str, str] = {
        "doctor.json": text(run_doctor(store.data_dir).to_json()),
        "settings.json": text(_safe_settings(store)),
        "outbox.json": text(
            [asdict(e) for e in list_events(store, (outbox.PENDING, outbox.QUARANTINED, DISCARDED))]
        ),
        "audit.json": text(_audit_tail(store)),
        "about.json": text(
            {"version": __version__, "written_at": utc_now_text(), "center": center}
        ),
    }
    if status is not None:
        parts["status.json"] = text(status)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, body in parts.items():
                zf.writestr(name, body)
            for f in log_files(store.data_dir):
                with contextlib.suppress(OSError):
                    raw = f.read_text(encoding="utf-8", errors="replace")
                    zf.writestr(f"logs/{f.name}", redact(raw))
        private_file(tmp)  # 0600 where the file system keeps modes (not on a FAT stick)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(dest_dir)
    except OSError as exc:
        raise StoreProblem(
            f"cannot write the support bundle to {dest_dir}: {exc.strerror}"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    with store.write() as s:
        KioskStore.audit(s, "technician", "support_bundle", None, path.name)
    return path


# --- restore -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did.

    Attributes:
        moved_to: the folder holding the replaced database files (db, -wal, -shm together).
        unsent_in_replaced: events that were waiting to send in the replaced database: they are
            not in the restored one (their data is kept in ``moved_to``).
    """

    restored_from: str
    moved_to: str | None
    unsent_in_replaced: int
    schema_revision: str | None


def _count_unsent(db: Path) -> int:
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT count(*) FROM outbox WHERE state='pending'").fetchone()
        finally:
            conn.close()
        return int(row[0])
    except sqlite3.Error:
        return 0


def restore_backup(data_dir: Path, backup: Path) -> RestoreResult:
    """Replace the kiosk's database with ``backup``. The kiosk must not be running.

    The backup must pass ``integrity_check`` and look like a kiosk database. The current files
    (``kiosk.db``, ``-wal``, ``-shm``) are moved aside together into
    ``data_dir/replaced-<UTC time>/``, the backup is copied in (to a temporary name, synced, then
    renamed) and the store is opened once, which migrates it if it is older.
    """
    backup = Path(backup)
    if not backup.is_file():
        raise InvalidInput(f"no backup file at {backup}")
    verdict = integrity_check(backup)
    if verdict != "ok":
        raise StoreProblem(f"{backup.name} is not a usable backup: {verdict}")
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreProblem(f"{backup.name} cannot be read: {exc}") from exc
    if not {"orders", "outbox", "alembic_version"} <= tables:
        raise StoreProblem(f"{backup.name} is not a Village Kiosk database")
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / DB_FILENAME
    unsent = _count_unsent(db) if db.exists() else 0
    moved: Path | None = None
    present = [
        p
        for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
        if p.exists()
    ]
    if present:
        moved = data_dir / f"replaced-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
        moved.mkdir()
        for p in present:
            os.replace(p, moved / p.name)
        _fsync_dir(data_dir)
    tmp = db.with_name(db.name + ".restoring")
    shutil.copyfile(backup, tmp)
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, db)
    _fsync_dir(data_dir)
    with KioskStore.open(data_dir) as store:
        revision = store.schema_revision()
        with store.write() as s:
            from kiosk.storage.pullback import RESTORE, mark_needed

            # The backup may lack orders central holds, and its order counter is behind: the
            # next sync pulls them back and re-seeds the counter (kiosk/storage/pullback.py).
            if KioskStore.get_setting(s, DEVICE_ID):
                mark_needed(s, RESTORE)
            KioskStore.audit(
                s,
                "technician",
                "restored",
                None,
                f"from {backup.name}; replaced files in {moved.name if moved else '-'}",
            )
    log.warning("database restored from %s (replaced files in %s)", backup.name, moved)
    return RestoreResult(str(backup), str(moved) if moved else None, unsent, revision)


# --- doctor: sync checks -----------------------------------------------------------------------


def bundle_member_names(path: Path) -> list[str]:
    """Names inside a support bundle (for screens and tests)."""
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def bundle_text(path: Path) -> str:
    """All text in a support bundle, concatenated (for privacy checks)."""
    buf = io.StringIO()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            buf.write(zf.read(name).decode("utf-8", errors="replace"))
    return buf.getvalue()
