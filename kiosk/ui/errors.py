"""Errors in the screen's language.

Storage and the domain raise :class:`~kiosk.errors.KioskError` with an English one-line message
(the CLI prints it) and, where a screen may show it, a machine-readable ``code`` with ``params``.
:func:`error_words` turns that code into a translated sentence with the params filled in, so the
zh_CN screens never show English from storage. An error without a known code still gets a
translated sentence, with the English detail added for the technician.

The central service's codes (an ``ErrorBody.error`` of a refused request, or an
``EventResult.reason`` of a refused change, see central/) have their own table here,
:func:`central_words`: what happened and what to do. The sync client's typed errors
(:mod:`kiosk.sync.errors`: offline, a refused TLS certificate, a timeout, a busy or failing
server, a bad reply) are said by type, and by what they carry: the reason TLS gave (the
certificate's dates, so the clock; or the certificate itself), central's code and wait. A sync
run that did not succeed is said from its summary's ``error_code`` (:func:`sync_summary_words`),
and why a change was set aside from the central code its reason starts with
(:func:`outbox_reason_words`); no English text is ever matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDateTime

from kiosk.errors import KioskError
from kiosk.money import format_yuan
from kiosk.orders import OrderStatus
from kiosk.storage.diskspace import is_disk_full
from kiosk.sync.errors import (
    KeyringRefused,
    Rejected,
    ServerError,
    SyncCode,
    SyncError,
    TlsRefused,
    sync_code,
)
from kiosk.ui.order_words import status_words

if TYPE_CHECKING:
    from kiosk.sync.engine import SyncSummary
from kiosk.waits import rounded_wait


def _fill(template: str, *values: object) -> str:
    """Replace %1, %2… (highest first, so %1 never eats the start of %10)."""
    out = template
    for i in range(len(values), 0, -1):
        out = out.replace(f"%{i}", str(values[i - 1]))
    return out


def _status(value: object) -> str:
    try:
        return status_words(OrderStatus(str(value)))
    except ValueError:
        return str(value)


def _yuan(value: object) -> str:
    return format_yuan(value) if isinstance(value, int) and not isinstance(value, bool) else ""


def _wait(seconds: float) -> str:
    # The one rounding (kiosk.waits.rounded_wait). Separate sentences, not %n plurals: lupdate
    # does not see plural forms in QCoreApplication.translate calls.
    w = rounded_wait(seconds)
    if w.amount == 1 and not w.in_minutes:
        return QCoreApplication.translate(
            "Errors", "Wrong pickup code. Wait 1 second, then try again."
        )
    if not w.in_minutes:
        return _fill(
            QCoreApplication.translate(
                "Errors", "Wrong pickup code. Wait %1 seconds, then try again."
            ),
            w.amount,
        )
    return _fill(
        QCoreApplication.translate("Errors", "Wrong pickup code. Wait %1 minutes, then try again."),
        w.amount,
    )


Sentence = Callable[[Mapping[str, object]], str]

# code → how to say it. Every ``code=`` raised in kiosk/ must have an entry (a test checks).
_SENTENCES: dict[str, Sentence] = {
    "read_aloud.out_of_range": lambda p: _fill(
        QCoreApplication.translate("Errors", "Choose a value between %1 and %2."),
        p["low"],
        p["high"],
    ),
    "store.disk_full": lambda p: disk_full_words(),
    "server.bad_address": lambda p: _fill(
        QCoreApplication.translate(
            "Errors",
            "'%1' is not a central service address. Type it as on the platform's letter, "
            "for example https://central.example.cn",
        ),
        p["url"],
    ),
    "order.ref_missing": lambda p: QCoreApplication.translate(
        "Errors", "Give the order number (for example C017-0042)."
    ),
    "order.not_found": lambda p: _fill(
        QCoreApplication.translate("Errors", "There is no order %1 on this kiosk."), p["order"]
    ),
    "order.ambiguous": lambda p: _fill(
        QCoreApplication.translate(
            "Errors",
            "More than one order ends in %1. Type the whole order number (for example C017-0042).",
        ),
        p["order"],
    ),
    "order.already": lambda p: _fill(
        QCoreApplication.translate(
            "Errors", "Nothing to change: the order's status is already %1."
        ),
        _status(p["status"]),
    ),
    "order.bad_move": lambda p: _fill(
        QCoreApplication.translate("Errors", "This order cannot go from “%1” to “%2”."),
        _status(p["status"]),
        _status(p["target"]),
    ),
    "order.empty": lambda p: QCoreApplication.translate(
        "Errors", "The order has no items. Add at least one product."
    ),
    "order.too_many_lines": lambda p: _fill(
        QCoreApplication.translate("Errors", "An order can have at most %1 different products."),
        p["max"],
    ),
    "reason.missing": lambda p: QCoreApplication.translate("Errors", "Choose or type a reason."),
    "reason.too_long": lambda p: _fill(
        QCoreApplication.translate("Errors", "The reason is longer than %1 characters."), p["max"]
    ),
    "checkin.already": lambda p: _fill(
        QCoreApplication.translate("Errors", "Order %1 is already checked in."), p["order"]
    ),
    "checkin.wrong_status": lambda p: _fill(
        QCoreApplication.translate(
            "Errors",
            "Order %1 cannot be checked in (its status: %2). Only orders on the way can be "
            "checked in.",
        ),
        p["order"],
        _status(p["status"]),
    ),
    "checkin.no_line": lambda p: _fill(
        QCoreApplication.translate("Errors", "Order %1 has no product %2."), p["order"], p["sku"]
    ),
    "checkin.bad_qty": lambda p: _fill(
        QCoreApplication.translate("Errors", "The number of %1 must be a whole number from 1."),
        p["sku"],
    ),
    "checkin.too_many": lambda p: _fill(
        QCoreApplication.translate("Errors", "Only %1 of %2 are still expected for order %3."),
        p["left"],
        p["sku"],
        p["order"],
    ),
    "checkin.all_in": lambda p: _fill(
        QCoreApplication.translate("Errors", "Every parcel of order %1 is already checked in."),
        p["order"],
    ),
    "pickup.wrong_status": lambda p: _fill(
        QCoreApplication.translate(
            "Errors", "Order %1 is not waiting for pickup (its status: %2)."
        ),
        p["order"],
        _status(p["status"]),
    ),
    "pickup.bad_payment": lambda p: QCoreApplication.translate(
        "Errors", "Choose how the villager pays: cash, mobile, or already paid."
    ),
    "pickup.paid_already": lambda p: _fill(
        QCoreApplication.translate(
            "Errors", "Order %1 was paid in cash when ordered; do not take money again."
        ),
        p["order"],
    ),
    "pickup.pay_now": lambda p: _fill(
        QCoreApplication.translate("Errors", "Order %1 is paid at pickup: choose cash or mobile."),
        p["order"],
    ),
    "pickup.code_wrong": lambda p: QCoreApplication.translate(
        "Errors", "Wrong pickup code. Ask the villager to check the code."
    ),
    "pickup.code_wait": lambda p: _wait(float(str(p["wait_s"]))),
    "refund.bad_amount": lambda p: QCoreApplication.translate(
        "Errors", "A refund is an amount in yuan, 0 or more."
    ),
    "refund.too_much": lambda p: _fill(
        QCoreApplication.translate(
            "Errors", "The villager paid %1 for order %2; you cannot refund %3."
        ),
        _yuan(p["paid_fen"]),
        p["order"],
        _yuan(p["refund_fen"]),
    ),
    "return.wrong_status": lambda p: _fill(
        QCoreApplication.translate(
            "Errors",
            "Order %1 cannot be taken back (its status: %2). Only orders in the shop or picked "
            "up can be taken back.",
        ),
        p["order"],
        _status(p["status"]),
    ),
    "pin.not_digits": lambda p: QCoreApplication.translate("Errors", "A PIN is digits only."),
    "pin.length": lambda p: _fill(
        QCoreApplication.translate("Errors", "A PIN has %1 to %2 digits."), p["min"], p["max"]
    ),
    "pin.repeated": lambda p: QCoreApplication.translate(
        "Errors", "A PIN cannot be one digit repeated; choose another."
    ),
    "pin.run": lambda p: QCoreApplication.translate(
        "Errors", "A PIN cannot be a run like 1234 or 4321; choose another."
    ),
    "money.bad_yuan": lambda p: _fill(
        QCoreApplication.translate("Errors", "'%1' is not an amount in yuan, e.g. 12.50."),
        p["text"],
    ),
    "pin.no_role": lambda p: QCoreApplication.translate("Errors", "This role has no PIN."),
    "pin.same_as_other": lambda p: QCoreApplication.translate(
        "Errors", "The owner and the technician need different PINs."
    ),
    "pin.reset_not_allowed": lambda p: QCoreApplication.translate(
        "Errors", "Only the technician can reset a PIN, and only the owner's."
    ),
    "center.bad_code": lambda p: QCoreApplication.translate(
        "Errors", "The center code must be 1 to 24 characters."
    ),
    "order.restore_pullback": lambda p: QCoreApplication.translate(
        "Errors",
        "This kiosk was restored from a backup. Connect to the platform once before taking"
        " orders, so no order number is given twice.",
    ),
    "product.unknown": lambda p: _fill(
        QCoreApplication.translate("Errors", "There is no product %1 in the catalog."), p["sku"]
    ),
    "product.retired": lambda p: _fill(
        QCoreApplication.translate("Errors", "%1 is no longer sold."), p["name"]
    ),
    "product.out_of_stock": lambda p: _fill(
        QCoreApplication.translate("Errors", "%1 is out of stock."), p["name"]
    ),
    "cash.bad_amount": lambda p: QCoreApplication.translate(
        "Errors", "A cash amount must be more than ¥0.00."
    ),
    "day.bad": lambda p: _fill(
        QCoreApplication.translate("Errors", "'%1' is not a day; write it as 2025-06-01."),
        p["text"],
    ),
    "customer.bad_phone": lambda p: QCoreApplication.translate(
        "Errors", "The phone number must be an 11-digit mobile number, e.g. 13812345678."
    ),
    "customer.no_name": lambda p: QCoreApplication.translate("Errors", "Type the villager's name."),
    "text.bad_character": lambda p: _fill(
        QCoreApplication.translate(
            "Errors",
            "This text holds a character that cannot be used (%1), perhaps from a paste. Type it "
            "again.",
        ),
        p["char"],
    ),
    "customer.long_name": lambda p: _fill(
        QCoreApplication.translate("Errors", "The name is longer than %1 characters."), p["max"]
    ),
    "status.unknown": lambda p: _fill(
        QCoreApplication.translate("Errors", "Unknown order status '%1'."), p["text"]
    ),
    "payment.unknown": lambda p: _fill(
        QCoreApplication.translate("Errors", "Unknown payment '%1'; use cash or pay at pickup."),
        p["text"],
    ),
    "line.no_sku": lambda p: QCoreApplication.translate("Errors", "An order line needs a product."),
    "line.bad_qty": lambda p: _fill(
        QCoreApplication.translate("Errors", "The number of %1 must be a whole number."), p["sku"]
    ),
    "line.qty_range": lambda p: _fill(
        QCoreApplication.translate("Errors", "The number of %1 must be between 1 and %2."),
        p["sku"],
        p["max"],
    ),
    "line.bad_text": lambda p: _fill(
        QCoreApplication.translate("Errors", "'%1' is not product:number (e.g. LY-0001:2)."),
        p["text"],
    ),
}


#: The central service's codes → what happened and what to do. A test derives every code the
#: central service can send from central/'s source and checks each one is here.
_CENTRAL: dict[str, Callable[[], str]] = {
    # A refused request (ErrorBody.error).
    "unauthorized": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform does not recognise this kiosk: ask the technician to enroll it again.",
    ),
    "enroll_refused": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform refused this enrollment code: it is wrong, already used or expired. "
        "Ask the platform for a new code.",
    ),
    "not_found": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform does not have what the kiosk asked for. Check the central service "
        "address; if it is right, call support.",
    ),
    "method_not_allowed": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "That address answers, but not the way the platform does. Check the central service "
        "address.",
    ),
    "http_error": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform refused the request. Check the central service address; if it is right, "
        "call support.",
    ),
    "bad_request": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform did not understand the kiosk's request. Update the kiosk program; if it "
        "keeps happening, call support.",
    ),
    "bad_encoding": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform could not unpack what the kiosk sent. Update the kiosk program; if it "
        "keeps happening, call support.",
    ),
    "bad_hash": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The kiosk asked for a picture the platform does not recognise. Sync again; if it keeps "
        "happening, call support.",
    ),
    "bad_range": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The catalog download could not go on where it stopped. It starts again by itself at the "
        "next sync; if it keeps happening, call support.",
    ),
    "snapshot_too_large": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform's catalog is too large to send in one piece; the kiosk downloads it page by "
        "page instead. Nothing to do.",
    ),
    "bad_cursor": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform does not recognise where the kiosk's last sync stopped. Sync again; if it "
        "keeps happening, call support.",
    ),
    "bad_limit": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The kiosk asked the platform for an impossible number of items. Update the kiosk "
        "program; if it keeps happening, call support.",
    ),
    "too_large": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "What the kiosk sent is too big for the platform. Sync again; if it keeps happening, "
        "call support.",
    ),
    "invalid_payload": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform did not accept the kiosk's data: it does not match the platform's format. "
        "Update the kiosk program; if it keeps happening, call support.",
    ),
    "busy": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform is busy. Nothing is lost: the kiosk tries again by itself in a moment.",
    ),
    "server_error": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform has a fault right now. Nothing is lost: the kiosk tries again later; if it "
        "lasts for hours, call support.",
    ),
    "bad_body": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform could not read what the kiosk sent. Sync again; if it keeps happening, "
        "call support.",
    ),
    "too_many_lines": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "Too many order lines went in one sending. The kiosk sends them in smaller parts by "
        "itself; nothing is lost.",
    ),
    "rate_limited": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform asked this kiosk to slow down. It sends again in a moment by itself; "
        "nothing is lost.",
    ),
    "overruled": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform's status of this order did not allow the shop's change; the order follows "
        "the platform now. The owner's work queue says what to do.",
    ),
    "shop_only": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "Only the shop can hand an order over or take it back (with the villager and the pickup "
        "code there).",
    ),
    "enroll_throttled": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "Too many wrong enrollment codes were tried from this place, so the platform takes no "
        "codes from here for a while. Wait a quarter of an hour, then type the code once, "
        "carefully.",
    ),
    # A refused change (EventResult.reason): it is set aside on the kiosk.
    "payload_mismatch": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform already has a different change under the same number. Call support; do "
        "not discard it.",
    ),
    "unknown_order": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform has no such order for this center. Check the center id and the "
        "enrollment, then retry.",
    ),
    "illegal_transition": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "On the platform this order is in a state that does not allow this change (for example "
        "already cancelled there). Check the order with the platform, then discard it with a "
        "reason.",
    ),
    "entry_exists": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform already has this cash entry from another change. Check it with the "
        "platform, then discard it with a reason.",
    ),
    "wrong_center": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "This change is for another center than the one this kiosk is enrolled for. Check the "
        "center id and the enrollment.",
    ),
    "order_exists": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform already has an order with this id from another change. Check it with the "
        "platform, then discard it with a reason.",
    ),
    "unknown_sku": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform does not sell a product of this order. Cancel the order with the villager "
        "(refund any cash), then discard this change with a reason.",
    ),
    "price_unknown": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform never had the price this order used. Sync the catalog, then check the "
        "order with the villager and the platform.",
    ),
    "bad_totals": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The amounts of this order do not add up. Call support; do not discard it.",
    ),
    "day_already_closed": lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform already has a day close for this day. Check it with the platform, then "
        "discard this one with a reason.",
    ),
    # The sync engine's word for a refused change that came without a reason.
    "rejected": lambda: QCoreApplication.translate(
        "PlatformErrors", "The platform refused this change. Call support."
    ),
}

#: ``http_404`` and the like: the client's code when an error reply was not the platform's.
_HTTP_STATUS = re.compile(r"^http_(\d{3})$")


def known_codes() -> frozenset[str]:
    """Every error code this module can say in the screen's language."""
    return frozenset(_SENTENCES)


def known_central_codes() -> frozenset[str]:
    """Every central-service code this module can say in the screen's language."""
    return frozenset(_CENTRAL)


def central_words(code: str) -> str | None:
    """The sentence for a central-service code, or ``None`` when the code is not known."""
    say = _CENTRAL.get(code)
    if say is not None:
        return say()
    status = _HTTP_STATUS.match(code)
    if status:
        return _fill(
            QCoreApplication.translate(
                "PlatformErrors",
                "That address answered with an error (HTTP %1), not the way the platform does. "
                "Check the central service address.",
            ),
            status.group(1),
        )
    return None


def _tls_words(reason: str) -> str:
    """A refused TLS handshake: the clock, the certificate, or no TLS at all."""
    if reason == TlsRefused.CLOCK:
        return _fill(
            QCoreApplication.translate(
                "PlatformErrors",
                "The platform's security certificate was refused because of this computer's date "
                "and time (it shows %1). Check the date and time and correct them, then try again.",
            ),
            QDateTime.currentDateTime().toString("yyyy-MM-dd HH:mm"),
        )
    if reason == TlsRefused.UNTRUSTED:
        return QCoreApplication.translate(
            "PlatformErrors",
            "The security certificate at this address is not one this kiosk trusts: it is not the "
            "platform's, or the address is wrong. Check the central service address; if it is "
            "right, call support.",
        )
    return QCoreApplication.translate(
        "PlatformErrors",
        "No secure connection could be made to this address. Check the central service address "
        "(https:// and the port); if it is right, call support.",
    )


def _throttled_words(seconds: float | None) -> str:
    """Central's enrollment brake, with the wait it named (same rounding as :func:`_wait`)."""
    if seconds is None:
        return central_words("enroll_throttled") or ""
    w = rounded_wait(seconds)
    if w.amount == 1 and not w.in_minutes:
        return QCoreApplication.translate(
            "PlatformErrors",
            "Too many wrong enrollment codes were tried from this place. Wait 1 second, then "
            "type the code once, carefully.",
        )
    if not w.in_minutes:
        return _fill(
            QCoreApplication.translate(
                "PlatformErrors",
                "Too many wrong enrollment codes were tried from this place. Wait %1 seconds, "
                "then type the code once, carefully.",
            ),
            w.amount,
        )
    return _fill(
        QCoreApplication.translate(
            "PlatformErrors",
            "Too many wrong enrollment codes were tried from this place. Wait %1 minutes, then "
            "type the code once, carefully.",
        ),
        w.amount,
    )


#: What each sync outcome (kiosk.sync.errors.SyncCode) means, with what to do.
_OUTCOME: dict[str, Callable[[], str]] = {
    SyncCode.OFFLINE: lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform cannot be reached: check the internet (cable, dongle) and the central "
        "service address. Orders are kept and sent later.",
    ),
    SyncCode.TLS_CLOCK: lambda: _tls_words(TlsRefused.CLOCK),
    SyncCode.TLS_UNTRUSTED: lambda: _tls_words(TlsRefused.UNTRUSTED),
    SyncCode.TLS_HANDSHAKE: lambda: _tls_words(TlsRefused.HANDSHAKE),
    SyncCode.TIMEOUT: lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform did not answer in time, so it is not known whether it got the data. "
        "Nothing is lost: the kiosk sends it again and the platform does not count it twice.",
    ),
    SyncCode.BUSY: lambda: central_words("busy") or "",
    SyncCode.SERVER_ERROR: lambda: central_words("server_error") or "",
    SyncCode.UNAUTHORIZED: lambda: central_words("unauthorized") or "",
    SyncCode.BAD_RESPONSE: lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The platform's reply was damaged or not understood; nothing was changed. Try again; "
        "if it keeps happening, call support.",
    ),
    SyncCode.NOT_ENROLLED: lambda: QCoreApplication.translate(
        "PlatformErrors",
        "This kiosk is not enrolled with the platform yet: enroll it with a code from the "
        "platform (first-run wizard or `kiosk enroll`).",
    ),
    SyncCode.KEYRING: lambda: QCoreApplication.translate(
        "PlatformErrors",
        "This computer has no safe place for the kiosk's platform key (the system keyring is "
        "missing or not secure). Call the technician.",
    ),
    SyncCode.ALREADY_RUNNING: lambda: QCoreApplication.translate(
        "PlatformErrors", "Another sync is already running. Wait for it to finish."
    ),
    SyncCode.ABORTED: lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The sync was stopped before it finished. What was sent is kept; the rest goes next time.",
    ),
    SyncCode.RUN_LIMIT: lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The sync stopped because the platform kept sending more than one sync may take. What "
        "arrived is kept and the next sync goes on; if this keeps happening, call support.",
    ),
    SyncCode.DAMAGED: lambda: QCoreApplication.translate(
        "PlatformErrors",
        "The kiosk's database is damaged, so nothing is sent or fetched. Restart the kiosk to "
        "repair it; if this stays, call the technician.",
    ),
}


def _refused_words(code: str | None, detail: str) -> str:
    """A refusal by central: its code's words, else a lead and the English detail."""
    words = central_words(code) if code else None
    if words is not None:
        return words
    return _fill(
        QCoreApplication.translate(
            "PlatformErrors", "The platform refused the request. For the technician: %1"
        ),
        detail,
    )


def _sync_words(exc: SyncError | KeyringRefused) -> str:
    """The typed errors of the sync client, by type and by what they carry."""
    if isinstance(exc, Rejected):
        return _refused_words(exc.code, str(exc))
    if isinstance(exc, TlsRefused):
        return _tls_words(exc.reason)
    if isinstance(exc, ServerError):
        if exc.code == "enroll_throttled":
            return _throttled_words(exc.retry_after_s)
        if exc.code in ("busy", "server_error"):
            return central_words(exc.code) or str(exc)
    say = _OUTCOME.get(sync_code(exc))
    if say is not None:
        return say()
    return _fill(
        QCoreApplication.translate("PlatformErrors", "Sync did not work. For the technician: %1"),
        str(exc),
    )


def error_words(exc: BaseException) -> str:
    """What a screen shows for ``exc``, in the screen's language.

    A :class:`KioskError` with a known code becomes its translated sentence; the sync client's
    errors are said by type (a refusal by the central service's code). Any other
    :class:`KioskError` gets a translated "could not do that" plus its English line (for the
    technician); anything else names only the exception type (it may carry paths or SQL).
    """
    if is_disk_full(exc):
        return disk_full_words()
    if isinstance(exc, KioskError):
        say = _SENTENCES.get(exc.code or "")
        if say is not None:
            try:
                return say(exc.params)
            except (KeyError, ValueError, TypeError):
                pass  # a raise site forgot a param: fall through to the English detail
        if isinstance(exc, SyncError | KeyringRefused):
            return _sync_words(exc)
        return _fill(
            QCoreApplication.translate("Errors", "That did not work. For the technician: %1"),
            str(exc),
        )
    return _fill(
        QCoreApplication.translate("Errors", "Something went wrong. For the technician: %1"),
        type(exc).__name__,
    )


def disk_full_words() -> str:
    """The data folder's disk is full (nothing was saved), in the screen's language."""
    return QCoreApplication.translate(
        "Errors",
        "The kiosk's disk is full: nothing was saved. Free some space or call the technician.",
    )


def sync_summary_words(summary: SyncSummary) -> str:
    """A sync run that did not succeed (its :class:`~kiosk.sync.engine.SyncSummary`), in the
    screen's language.

    Said from the summary's ``error_code`` (a :class:`~kiosk.sync.errors.SyncCode`) and, for a
    refusal, central's ``central_code``; the English ``errors`` are only appended, for the
    technician, when the code says nothing more specific.
    """
    detail = "; ".join(str(e) for e in summary.errors) or "-"
    code = str(summary.error_code or "")
    central = str(summary.central_code) if summary.central_code else None
    if code in (SyncCode.REFUSED, SyncCode.UNAUTHORIZED) and central:
        return _refused_words(central, detail)
    if code == SyncCode.REFUSED:
        return _refused_words(None, detail)
    say = _OUTCOME.get(code)
    if say is not None:
        return say()
    return _fill(
        QCoreApplication.translate("PlatformErrors", "Sync did not finish. For the technician: %1"),
        detail,
    )


def outbox_reason_words(last_error: str) -> str:
    """Why a change was set aside (``"<central code>: <English line>"``), in the screen's language.

    Text that does not start with a known central code is shown as it is (the technician's
    English detail).
    """
    code = last_error.split(":", 1)[0].strip()
    return central_words(code) or last_error
