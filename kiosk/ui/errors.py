"""Errors in the screen's language.

Storage and the domain raise :class:`~kiosk.errors.KioskError` with an English one-line message
(the CLI prints it) and, where a screen may show it, a machine-readable ``code`` with ``params``.
:func:`error_words` turns that code into a translated sentence with the params filled in, so the
zh_CN screens never show English from storage. An error without a known code still gets a
translated sentence, with the English detail added for the technician.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication

from kiosk.errors import KioskError
from kiosk.money import format_yuan
from kiosk.orders import OrderStatus


def status_words(status: OrderStatus) -> str:
    """An order's status in the owner's words."""
    words = {
        OrderStatus.PLACED: QCoreApplication.translate("OrderWords", "not sent yet"),
        OrderStatus.SUBMITTED: QCoreApplication.translate("OrderWords", "sent to the platform"),
        OrderStatus.ACCEPTED: QCoreApplication.translate("OrderWords", "accepted, not shipped"),
        OrderStatus.REJECTED: QCoreApplication.translate("OrderWords", "refused by the platform"),
        OrderStatus.SHIPPED: QCoreApplication.translate("OrderWords", "on the way"),
        OrderStatus.ARRIVED: QCoreApplication.translate("OrderWords", "in the shop"),
        OrderStatus.PICKED_UP: QCoreApplication.translate("OrderWords", "picked up"),
        OrderStatus.CANCELLED: QCoreApplication.translate("OrderWords", "cancelled"),
        OrderStatus.RETURNED: QCoreApplication.translate("OrderWords", "returned"),
    }
    return words.get(status, status.value)


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
    # Same rounding as the PIN screen: whole seconds under 90 s, else minutes rounded up (so
    # never "1 minute"). Separate sentences, not %n plurals: lupdate does not see plural forms
    # in QCoreApplication.translate calls.
    s = max(1, round(seconds))
    if s == 1:
        return QCoreApplication.translate(
            "Errors", "Wrong pickup code. Wait 1 second, then try again."
        )
    if s < 90:
        return _fill(
            QCoreApplication.translate(
                "Errors", "Wrong pickup code. Wait %1 seconds, then try again."
            ),
            s,
        )
    return _fill(
        QCoreApplication.translate("Errors", "Wrong pickup code. Wait %1 minutes, then try again."),
        (s + 59) // 60,
    )


Sentence = Callable[[Mapping[str, object]], str]

# code → how to say it. Every ``code=`` raised in kiosk/ must have an entry (a test checks).
_SENTENCES: dict[str, Sentence] = {
    "order.ref_missing": lambda p: QCoreApplication.translate(
        "Errors", "Give the order number (for example C017-0042)."
    ),
    "order.not_found": lambda p: _fill(
        QCoreApplication.translate("Errors", "There is no order %1 on this kiosk."), p["order"]
    ),
    "order.already": lambda p: _fill(
        QCoreApplication.translate("Errors", "The order is already %1."), _status(p["status"])
    ),
    "order.bad_move": lambda p: _fill(
        QCoreApplication.translate("Errors", "An order that is %1 cannot become %2."),
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
            "Errors", "Order %1 is %2; only orders on the way can be checked in."
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
        QCoreApplication.translate("Errors", "Order %1 is %2, not waiting for pickup."),
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
            "Errors", "Order %1 is %2; only orders in the shop or picked up can be returned."
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
    "center.bad_code": lambda p: QCoreApplication.translate(
        "Errors", "The center code must be 1 to 24 characters."
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


def known_codes() -> frozenset[str]:
    """Every error code this module can say in the screen's language."""
    return frozenset(_SENTENCES)


def error_words(exc: BaseException) -> str:
    """What a screen shows for ``exc``, in the screen's language.

    A :class:`KioskError` with a known code becomes its translated sentence. Any other
    :class:`KioskError` gets a translated "could not do that" plus its English line (for the
    technician); anything else names only the exception type (it may carry paths or SQL).
    """
    if isinstance(exc, KioskError):
        say = _SENTENCES.get(exc.code or "")
        if say is not None:
            try:
                return say(exc.params)
            except (KeyError, ValueError, TypeError):
                pass  # a raise site forgot a param: fall through to the English detail
        return _fill(
            QCoreApplication.translate("Errors", "That did not work. For the technician: %1"),
            str(exc),
        )
    return _fill(
        QCoreApplication.translate("Errors", "Something went wrong. For the technician: %1"),
        type(exc).__name__,
    )
