"""What the owner's moves did and what needs the owner's attention, in the screen's language.

Storage says what happened as a kind and its parameters (:class:`~kiosk.storage.owner.OwnerChange`,
:class:`~kiosk.storage.owner.Attention`); this module turns them into sentences through Qt's
translation catalog (context ``OwnerWords``), with money always written by
:func:`kiosk.money.format_yuan` and order statuses by :func:`kiosk.ui.order_words.status_words`.

To say a new kind, add ONE entry to :data:`CHANGE_WORDS` (a move's outcome) or
:data:`ATTENTION_WORDS` (an attention item): ``kind -> function(params) -> sentence``. Write the
sentence with ``QCoreApplication.translate("OwnerWords", "... %1 ...")`` so ``make translations``
finds it, fill it with :func:`fill`, then give it its zh_CN words in kiosk/ui/i18n/kiosk_zh_CN.ts.
Every attention sentence says what to do next, not only what happened. A kind without an entry is
still said (a general sentence and the advice to call the technician), never as raw text; a test
checks that every kind the storage layer defines has its words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication

from kiosk.admin import Role
from kiosk.money import format_yuan
from kiosk.storage.owner import Attention, AttentionKind, ChangeKind, OwnerChange
from kiosk.ui.errors import central_words
from kiosk.wire import EventKind

Words = Callable[[Mapping[str, object]], str]


def fill(template: str, *values: object) -> str:
    """Replace %1, %2… in a translated template (highest first, so %1 never eats %10)."""
    out = template
    for i in range(len(values), 0, -1):
        out = out.replace(f"%{i}", str(values[i - 1]))
    return out


def sentences(*parts: str) -> str:
    """Sentences one after another, spaced as the language spaces them (none in Chinese)."""
    # The joiner is translated: English puts a space between sentences, Chinese does not.
    joiner = QCoreApplication.translate("OwnerWords", "%1 %2")
    out = ""
    for part in (p for p in parts if p):
        out = fill(joiner, out, part) if out else part
    return out


def _fen(params: Mapping[str, object], key: str) -> int:
    value = params.get(key, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _lines(params: Mapping[str, object]) -> str:
    lines = params.get("lines") or ()
    assert isinstance(lines, tuple | list)
    return ", ".join(f"{sku}×{qty}" for sku, qty in lines)


def _handed_over(p: Mapping[str, object]) -> str:
    cash = _fen(p, "cash_fen")
    if cash > 0:
        return fill(
            QCoreApplication.translate(
                "OwnerWords", "%1 handed over. %2 in cash goes into the drawer."
            ),
            p["order"],
            format_yuan(cash),
        )
    return fill(QCoreApplication.translate("OwnerWords", "%1 handed over."), p["order"])


def _took_back(p: Mapping[str, object], with_refund: str, without: str) -> str:
    refund = _fen(p, "refund_fen")
    if refund > 0:
        return fill(with_refund, p["order"], format_yuan(refund))
    return fill(without, p["order"])


# A move's outcome, by ChangeKind.
CHANGE_WORDS: dict[str, Words] = {
    ChangeKind.CHECKED_IN: lambda p: fill(
        QCoreApplication.translate("OwnerWords", "%1 checked in: ready for pickup."), p["order"]
    ),
    ChangeKind.CHECKED_IN_PART: lambda p: fill(
        QCoreApplication.translate("OwnerWords", "%1: %2 checked in; more parcels still to come."),
        p["order"],
        _lines(p),
    ),
    ChangeKind.HANDED_OVER: _handed_over,
    ChangeKind.REFUND_RECORDED: lambda p: fill(
        QCoreApplication.translate(
            "OwnerWords", "%1: refund of %2 recorded. Give the villager the cash."
        ),
        p["order"],
        format_yuan(_fen(p, "refund_fen")),
    ),
    ChangeKind.CANCELLED: lambda p: _took_back(
        p,
        QCoreApplication.translate(
            "OwnerWords", "%1 cancelled; refund %2. Give the villager the cash."
        ),
        QCoreApplication.translate("OwnerWords", "%1 cancelled; nothing to refund."),
    ),
    ChangeKind.RETURNED: lambda p: _took_back(
        p,
        QCoreApplication.translate(
            "OwnerWords", "%1 returned; refund %2. Give the villager the cash."
        ),
        QCoreApplication.translate("OwnerWords", "%1 returned; nothing to refund."),
    ),
}


def event_kind_words(kind: object) -> str:
    """What kind of change the kiosk sent, in a few words."""
    words = {
        EventKind.ORDER_PLACED: lambda: QCoreApplication.translate("OwnerWords", "a new order"),
        EventKind.ORDER_CANCELLED: lambda: QCoreApplication.translate(
            "OwnerWords", "a cancellation"
        ),
        EventKind.ARRIVAL_CHECKED_IN: lambda: QCoreApplication.translate(
            "OwnerWords", "a check-in"
        ),
        EventKind.PICKUP_CONFIRMED: lambda: QCoreApplication.translate("OwnerWords", "a hand-over"),
        EventKind.ORDER_RETURNED: lambda: QCoreApplication.translate("OwnerWords", "a return"),
        EventKind.CASH_ENTRY: lambda: QCoreApplication.translate("OwnerWords", "a cash entry"),
        EventKind.DAY_CLOSED: lambda: QCoreApplication.translate("OwnerWords", "a day close"),
        EventKind.DEMAND_COUNTS: lambda: QCoreApplication.translate(
            "OwnerWords", "the shop's demand counts"
        ),
    }
    say = words.get(str(kind))  # type: ignore[call-overload]
    return say() if say is not None else QCoreApplication.translate("OwnerWords", "a change")


def _rejected(p: Mapping[str, object]) -> str:
    refund = _fen(p, "refund_fen")
    reason = p.get("reason")
    if reason:
        head = fill(
            QCoreApplication.translate(
                "OwnerWords", "The platform did not take order %1 (the platform says: %2)."
            ),
            p["order"],
            reason,
        )
    else:
        head = fill(
            QCoreApplication.translate("OwnerWords", "The platform did not take order %1."),
            p["order"],
        )
    if refund > 0:
        advice = fill(
            QCoreApplication.translate(
                "OwnerWords",
                "Give the villager back %1 in cash (tap here), tell them, and help them order "
                "something else.",
            ),
            format_yuan(refund),
        )
    else:
        advice = QCoreApplication.translate(
            "OwnerWords",
            "Nothing was paid. Tell the villager and help them order something else.",
        )
    return sentences(head, advice)


def _quarantined(p: Mapping[str, object]) -> str:
    what = event_kind_words(p.get("event_kind"))
    order = p.get("order")
    if order:
        head = fill(
            QCoreApplication.translate("OwnerWords", "The platform refused %1 for order %2."),
            what,
            order,
        )
    else:
        head = fill(QCoreApplication.translate("OwnerWords", "The platform refused %1."), what)
    why = central_words(str(p.get("code") or ""))
    advice = QCoreApplication.translate(
        "OwnerWords", "Call the technician; the kiosk keeps the change and its details."
    )
    return sentences(head, why or "", advice)


# An attention item, by AttentionKind (others add their kinds here).
def _overruled_arrival(p: Mapping[str, object]) -> str:
    text = fill(
        QCoreApplication.translate(
            "OwnerWords",
            "%1: the platform cancelled this order before the parcel came. Do not hand it over; "
            "send the parcel back to the platform.",
        ),
        p["local_no"],
    )
    held = p.get("held_fen")
    if isinstance(held, int) and held > 0:
        text = sentences(
            text,
            fill(QCoreApplication.translate("OwnerWords", "Give the villager back %1."),
                 format_yuan(held)),
        )  # fmt: skip
    return text


ATTENTION_WORDS: dict[str, Words] = {
    AttentionKind.REJECTED: _rejected,
    AttentionKind.PRICE_CHANGED: lambda p: fill(
        QCoreApplication.translate(
            "OwnerWords",
            "The platform's price changed after order %1 was placed. Tell the villager the new "
            "price before the parcel comes.",
        ),
        p["order"],
    ),
    AttentionKind.QUARANTINED: _quarantined,
    AttentionKind.OVERRULED_CANCEL: lambda p: fill(
        QCoreApplication.translate(
            "OwnerWords",
            "%1: the platform had already shipped this order. Keep the refund given; when the "
            "parcel comes, check it in and send it back to the platform.",
        ),
        p["local_no"],
    ),
    AttentionKind.OVERRULED_ARRIVAL: _overruled_arrival,
    AttentionKind.OVERRULED: lambda p: fill(
        QCoreApplication.translate(
            "OwnerWords",
            "%1: the platform did not accept the shop's change; its status stands. Call the "
            "technician if the shop and the platform disagree about this order.",
        ),
        p["local_no"],
    ),
    AttentionKind.UNSENT: lambda p: fill(
        QCoreApplication.translate(
            "OwnerWords",
            "%1 change(s) have waited more than %2 hour(s) to be sent. Check the internet "
            "connection; if it works, call the technician.",
        ),
        p["pending"],
        p["hours"],
    ),
}


def change_words(change: OwnerChange) -> str:
    """What a move did, in the screen's language."""
    say = CHANGE_WORDS.get(change.kind)
    if say is None:
        return fill(QCoreApplication.translate("OwnerWords", "%1: done."), change.local_no)
    return say(change.params)


def attention_words(item: Attention) -> str:
    """An attention item with what to do about it, in the screen's language."""
    say = ATTENTION_WORDS.get(item.kind)
    if say is not None:
        return say(item.params)
    if item.local_no:
        return fill(
            QCoreApplication.translate(
                "OwnerWords",
                "Order %1 needs a look. Call the technician if you are not sure what to do.",
            ),
            item.local_no,
        )
    return QCoreApplication.translate("OwnerWords", "Something needs a look. Call the technician.")


def actor_words(actor: str) -> str:
    """Who did a move (``owner``, ``technician``) in plain words."""
    if actor == Role.OWNER.value:
        return QCoreApplication.translate("OwnerWords", "Shop owner")
    if actor == Role.TECHNICIAN.value:
        return QCoreApplication.translate("OwnerWords", "Technician")
    return actor
