"""The support bundle: a zip of logs and diagnostics a technician takes away on a USB stick.

Every text in it goes through :func:`kiosk.logs.redact`; settings that look like secrets and
event payloads (they may hold personal data) are left out.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk import __version__
from kiosk.errors import InvalidInput, StoreProblem
from kiosk.kernel.clock import utc_now_text
from kiosk.logs import log_files, redact
from kiosk.storage import outbox
from kiosk.storage.backup import _fsync_dir
from kiosk.storage.doctor import run_doctor
from kiosk.storage.models import AuditEntry, Setting
from kiosk.storage.permissions import private_file
from kiosk.storage.set_aside import DISCARDED, list_events
from kiosk.storage.settings import CENTER_ID, DEFAULT_CENTER_ID
from kiosk.storage.store import KioskStore

#: Settings never copied into a support bundle (credentials live in the keyring anyway).
SECRET_WORDS = ("token", "secret", "password", "credential", "pin", "key")


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
