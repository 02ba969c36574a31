"""Logging for the kiosk: rotating files in ``data_dir/logs`` and a redaction filter everywhere.

No log file ever holds a villager's phone number, a pickup code, a PIN or a
credential. Code is written not to log them in the first place; :class:`RedactingFilter` is the
safety net for the mistakes (an exception message quoting a payload, a library logging a
header). It runs on every handler of the root logger, so it also covers handlers added by
libraries, and it masks:

- mainland mobile numbers (``13812345678`` → ``138****5678``);
- values of known secret fields (``pin``, ``code``, ``pickup_code``, ``token``, ``password`` …) in
  ``key=value``, ``key: value`` and JSON form;
- ``Bearer`` credentials, and anything shaped like a device token (a 32+ character URL-safe
  string with letters and digits that is not a plain hex hash).

Qt-free; the GUI calls :func:`setup_logging` once at start-up, the CLI too.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

LOG_DIRNAME = "logs"
LOG_FILENAME = "kiosk.log"
#: 1 MB per file, 5 old files: a week of busy days fits, the disk never fills.
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")
_SECRET_FIELD = re.compile(
    r"""(?ix)
    (["']?\b(?:pin|new_pin|old_pin|code|pickup_code|enroll_code|enrollment_code|token|
        access_token|device_token|password|secret|authorization|credential)\b["']?
     \s*[:=]\s*)
    (?:"[^"]*"|'[^']*'|[^\s,;&}\])]+)
    """
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")
_TOKENISH = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])")
# Hex with optional hyphens: sha256 hashes and UUIDs (order and event ids), never credentials.
_HEX = re.compile(r"^[0-9a-fA-F-]+$")
MASK = "***"


def _token_mask(m: re.Match[str]) -> str:
    text = m.group(0)
    # Hashes and ids (image sha256, payload hashes, order UUIDs) are useful in logs, not secret.
    if _HEX.match(text):
        return text
    if not (any(c.isdigit() for c in text) and any(c.isalpha() for c in text)):
        return text
    return MASK


def redact(text: str) -> str:
    """Mask phone numbers, secret field values, bearer credentials and token-like strings."""
    text = _SECRET_FIELD.sub(lambda m: m.group(1) + MASK, text)
    text = _BEARER.sub(lambda m: m.group(1) + " " + MASK, text)
    text = _TOKENISH.sub(_token_mask, text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and exception text) with :func:`redact`.

    The record is formatted once here and its ``args`` dropped, so every handler after this one
    sees the redacted text only.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Add the redaction filter to every handler of ``logger`` (default: root) lacking one."""
    target = logger or logging.getLogger()
    flt = RedactingFilter()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(flt)
    return flt


def log_dir(data_dir: Path) -> Path:
    """Where the kiosk's log files live."""
    return data_dir / LOG_DIRNAME


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Log to ``data_dir/logs/kiosk.log`` (rotating), with redaction on every root handler.

    Calling it again (a second window, tests) does not add a second file handler.

    Returns:
        The log file's path.
    """
    folder = log_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILENAME
    root = logging.getLogger()
    have = False
    for h in list(root.handlers):
        if not getattr(h, "kiosk_log_file", False):
            continue
        if isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path.resolve():
            have = True
        else:  # another data folder in the same process (tests, a re-pointed kiosk)
            root.removeHandler(h)
            h.close()
    if not have:
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.kiosk_log_file = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    install_redaction(root)
    return path


def log_files(data_dir: Path) -> list[Path]:
    """Every log file of the kiosk (current and rotated), oldest name last."""
    folder = log_dir(data_dir)
    return sorted(p for p in folder.glob(f"{LOG_FILENAME}*") if p.is_file())
