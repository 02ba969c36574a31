"""Practice mode's guided lessons: the representative's day, one lesson per move.

Plain Python (no Qt, no SQL). A lesson is checked from two looks at the practice store (the
:class:`kiosk.storage.practice.PracticeFacts` before the lesson and after the trainee's steps)
plus what the trainee told the lesson (the pickup code they read back). The check returns
:class:`Finding` kinds with their parameters; the screens turn them into words (docs/ui.md: words
come from the UI).

The lessons, in the order of a day:

1. ``order``: order for a villager (name, phone, cash or pay later).
2. ``read_code``: read the pickup code back to the villager (the trainee types it in).
3. ``parcel``: a parcel arrives; the lesson plays the platform's moves (accepted, shipped).
4. ``check_in``: check the parcel in.
5. ``hand_over``: hand it over against the code, after trying a wrong code once.
6. ``cancel``: cancel an order that has not shipped.
7. ``return``: take a handed-over order back.
8. ``close_day``: close the day's cash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from kiosk.orders import OrderStatus


class Lesson(StrEnum):
    """The lessons, in the order of a representative's day."""

    ORDER = "order"
    READ_CODE = "read_code"
    PARCEL = "parcel"
    CHECK_IN = "check_in"
    HAND_OVER = "hand_over"
    CANCEL = "cancel"
    RETURN = "return"
    CLOSE_DAY = "close_day"


#: Every lesson, in order.
LESSONS: tuple[Lesson, ...] = tuple(Lesson)


class Found(StrEnum):
    """What a lesson check found (each has words in the UI, ``kiosk/ui/practice/words.py``)."""

    ORDER_PLACED = "order_placed"
    NO_NEW_ORDER = "no_new_order"
    NAME_GIVEN = "name_given"
    NO_NAME = "no_name"
    PHONE_GIVEN = "phone_given"
    NO_PHONE = "no_phone"
    PAID_CASH = "paid_cash"
    PAY_LATER = "pay_later"
    CODE_RIGHT = "code_right"
    CODE_WRONG = "code_wrong"
    NO_ORDER_YET = "no_order_yet"
    ON_THE_VAN = "on_the_van"
    NOT_ON_THE_VAN = "not_on_the_van"
    CHECKED_IN = "checked_in"
    NOT_CHECKED_IN = "not_checked_in"
    WRONG_CODE_REFUSED = "wrong_code_refused"
    NO_WRONG_CODE_TRIED = "no_wrong_code_tried"
    HANDED_OVER = "handed_over"
    NOT_HANDED_OVER = "not_handed_over"
    CANCELLED = "cancelled"
    NOT_CANCELLED = "not_cancelled"
    RETURNED = "returned"
    NOT_RETURNED = "not_returned"
    REFUNDED = "refunded"
    DAY_CLOSED = "day_closed"
    DAY_NOT_CLOSED = "day_not_closed"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the check found: ``ok`` says whether it was right; ``params`` fill the words."""

    kind: Found
    ok: bool
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LessonResult:
    """A lesson's verdict: passed when every finding is right."""

    lesson: Lesson
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        """Every step right (and at least one step checked)."""
        return bool(self.findings) and all(f.ok for f in self.findings)


class OrderFacts(Protocol):
    """What a lesson reads of one practice order."""

    @property
    def order_id(self) -> str: ...
    @property
    def local_no(self) -> str: ...
    @property
    def status(self) -> OrderStatus: ...
    @property
    def payment(self) -> str: ...
    @property
    def has_name(self) -> bool: ...
    @property
    def has_phone(self) -> bool: ...


class StoreFacts(Protocol):
    """What a lesson reads of the practice store (``kiosk.storage.practice.PracticeFacts``)."""

    @property
    def orders(self) -> tuple[OrderFacts, ...]: ...
    @property
    def wrong_codes(self) -> int: ...
    @property
    def refunds_fen(self) -> int: ...
    @property
    def day_closes(self) -> int: ...


def _by_id(facts: StoreFacts) -> dict[str, OrderFacts]:
    return {o.order_id: o for o in facts.orders}


def _moved_to(before: StoreFacts, after: StoreFacts, status: OrderStatus) -> list[OrderFacts]:
    """Orders that are ``status`` now and were not before (new orders included)."""
    old = _by_id(before)
    return [
        o
        for o in after.orders
        if o.status == status and (o.order_id not in old or old[o.order_id].status != status)
    ]


def lesson_order(facts: StoreFacts, lesson: Lesson) -> OrderFacts | None:
    """The order a lesson works on: the newest order that can still do the lesson's move."""
    statuses: dict[Lesson, tuple[OrderStatus, ...]] = {
        Lesson.READ_CODE: (OrderStatus.PLACED,),
        Lesson.PARCEL: (OrderStatus.PLACED, OrderStatus.SUBMITTED, OrderStatus.ACCEPTED),
        Lesson.CHECK_IN: (OrderStatus.SHIPPED, OrderStatus.ACCEPTED),
        Lesson.HAND_OVER: (OrderStatus.ARRIVED,),
        Lesson.RETURN: (OrderStatus.PICKED_UP, OrderStatus.ARRIVED),
    }
    wanted = statuses.get(lesson, ())
    for order in reversed(facts.orders):
        if order.status in wanted:
            return order
    return None


def check_lesson(
    lesson: Lesson,
    before: StoreFacts,
    after: StoreFacts,
    *,
    subject: str | None = None,
    code_read_back: bool | None = None,
) -> LessonResult:
    """Check the trainee's steps for ``lesson``.

    Args:
        before: the practice store when the lesson began.
        after: the practice store now.
        subject: the id of the order the lesson began on (read code, parcel, check-in,
            hand-over, return), if it had one.
        code_read_back: read-code lesson only: whether the code typed back was the order's.
    """
    found: list[Finding] = []
    subject_now = _by_id(after).get(subject or "")
    no = {"order": subject_now.local_no} if subject_now is not None else {}
    if lesson is Lesson.ORDER:
        new = [o for o in after.orders if o.order_id not in _by_id(before)]
        if not new:
            found.append(Finding(Found.NO_NEW_ORDER, False))
        else:
            order = new[-1]
            params = {"order": order.local_no}
            found.append(Finding(Found.ORDER_PLACED, True, params))
            found.append(
                Finding(Found.NAME_GIVEN if order.has_name else Found.NO_NAME, order.has_name)
            )
            found.append(
                Finding(Found.PHONE_GIVEN if order.has_phone else Found.NO_PHONE, order.has_phone)
            )
            cash = order.payment == "cash"
            found.append(Finding(Found.PAID_CASH if cash else Found.PAY_LATER, True, params))
    elif subject_now is None and lesson not in (Lesson.CANCEL, Lesson.CLOSE_DAY):
        found.append(Finding(Found.NO_ORDER_YET, False))
    elif lesson is Lesson.READ_CODE:
        right = bool(code_read_back)
        found.append(Finding(Found.CODE_RIGHT if right else Found.CODE_WRONG, right, no))
    elif lesson is Lesson.PARCEL:
        assert subject_now is not None
        ok = subject_now.status == OrderStatus.SHIPPED
        found.append(Finding(Found.ON_THE_VAN if ok else Found.NOT_ON_THE_VAN, ok, no))
    elif lesson is Lesson.CHECK_IN:
        assert subject_now is not None
        ok = subject_now.status in (OrderStatus.ARRIVED, OrderStatus.PICKED_UP)
        found.append(Finding(Found.CHECKED_IN if ok else Found.NOT_CHECKED_IN, ok, no))
    elif lesson is Lesson.HAND_OVER:
        assert subject_now is not None
        tried = after.wrong_codes > before.wrong_codes
        found.append(
            Finding(Found.WRONG_CODE_REFUSED if tried else Found.NO_WRONG_CODE_TRIED, tried, no)
        )
        ok = subject_now.status == OrderStatus.PICKED_UP
        found.append(Finding(Found.HANDED_OVER if ok else Found.NOT_HANDED_OVER, ok, no))
    elif lesson is Lesson.CANCEL:
        cancelled = _moved_to(before, after, OrderStatus.CANCELLED)
        if cancelled:
            found.append(Finding(Found.CANCELLED, True, {"order": cancelled[-1].local_no}))
        else:
            found.append(Finding(Found.NOT_CANCELLED, False))
    elif lesson is Lesson.RETURN:
        assert subject_now is not None
        ok = subject_now.status == OrderStatus.RETURNED
        found.append(Finding(Found.RETURNED if ok else Found.NOT_RETURNED, ok, no))
        refund = after.refunds_fen - before.refunds_fen
        if ok and refund > 0:
            found.append(Finding(Found.REFUNDED, True, {"refund_fen": str(refund)}))
    elif lesson is Lesson.CLOSE_DAY:
        ok = after.day_closes > before.day_closes
        found.append(Finding(Found.DAY_CLOSED if ok else Found.DAY_NOT_CLOSED, ok))
    return LessonResult(lesson, tuple(found))
