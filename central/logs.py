"""Central's log: one redacting filter on every handler, and no tracebacks.

Whatever reaches a handler (uvicorn's access and error lines, SQLAlchemy, ``central``) passes
:class:`RedactingFilter` first. It

* masks phone numbers (any run of 7 or more digits, and ``138 0013 8000`` shapes), device
  tokens (``Bearer …`` and long URL-safe strings), enrollment codes (``XXXX-XXXX`` shapes and
  ``code=…``), ``name=…``/``phone=…`` pairs and SQL parameters;
* replaces control characters (a newline in a URL path cannot forge a log line);
* drops the traceback of a record (``exc_info``) and keeps only the exception's type, so a
  handled error can never dump request data through a stack frame.

Names cannot be recognised by a pattern; they stay out of the log because nothing logs a request
body and every engine runs with ``hide_parameters=True`` (see docs/security.md).
"""

from __future__ import annotations

import logging
import re
import sys

#: The loggers whose handlers get the filter (and the root's).
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "central", "sqlalchemy")

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|token)([\s=:\"']+)[A-Za-z0-9._~+/=-]+"), r"\1\2[token]"),
    (re.compile(r"(?i)\b(code|phone|name|customer_\w+)([\s=:\"']+)[^\s,;&\"']+"), r"\1\2[hidden]"),
    (re.compile(r"\[parameters: .*?\]"), "[parameters hidden]"),
    (re.compile(r"[A-Za-z0-9_-]{40,}"), "[long-id]"),
    (re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b"), "[code]"),
    (re.compile(r"(?<![0-9])[0-9]{7,}(?![0-9])"), "[number]"),
    (re.compile(r"(?<![0-9])1[3-9][0-9][ -][0-9]{4}[ -][0-9]{4}(?![0-9])"), "[number]"),
    (re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]"), "?"),
)


def redact(text: str) -> str:
    """``text`` with phone numbers, tokens, codes and control characters masked."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message through :func:`redact`; strips tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Arguments are redacted one by one and kept (uvicorn's access formatter reads them).
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        record.msg = redact(record.msg) if isinstance(record.msg, str) else redact(str(record.msg))
        if record.exc_info:
            exc = record.exc_info[1]
            if exc is not None:
                record.msg += f" ({type(exc).__name__})"
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        return True


def _redact_arg(value: object) -> object:
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact(str(value))


def install_redaction() -> RedactingFilter:
    """Put one :class:`RedactingFilter` on every handler of :data:`LOGGERS` (root gets a stderr
    handler if it has none). Call after uvicorn configured its logging."""
    flt = RedactingFilter()
    root = logging.getLogger()
    if not root.handlers:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        root.addHandler(stream)
        if root.level > logging.INFO:
            root.setLevel(logging.INFO)
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(flt)
    return flt
