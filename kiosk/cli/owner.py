"""``kiosk owner …``: the shop owner's day on the command line (queue, check-in, pickup, cash).

Every command needs the owner's PIN once one is set: from ``KIOSK_PIN`` (scripts, tests) or a
hidden prompt. A wrong PIN prints how long to wait and exits non-zero; it is audited.

Storage says what a move did, and what needs attention, as a kind and its parameters; the
command line says it in English here (:func:`change_text`, :func:`attention_text`), the screens
in their language (kiosk/ui/admin/owner_words.py). The ``--json`` output keeps its ``message``
field with this English sentence, beside the ``kind`` and ``params``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kiosk.admin import Role, WrongPin, wait_words
from kiosk.cli import CliContext, print_json
from kiosk.errors import InvalidInput
from kiosk.money import format_yuan
from kiosk.text import is_ascii_digits

if TYPE_CHECKING:
    from kiosk.storage.owner import Attention, OwnerChange

ENV_PIN = "KIOSK_PIN"


def read_pin(prompt: str, env: str = ENV_PIN) -> str:
    """A PIN from ``env`` or a hidden prompt (never echoed, never logged)."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise InvalidInput(f"a PIN is needed: type it at a terminal or set {env}")
    return getpass.getpass(prompt)


def require_pin(ctx: CliContext, *roles: Role) -> Role:
    """Unlock one of ``roles`` (the first one that has a PIN set decides which to ask).

    Returns:
        The role unlocked (the first of ``roles`` when no PIN is set yet: first run).

    Raises:
        WrongPin: the PIN was wrong, or the back-off is running.
    """
    from kiosk.storage.admin import pins_configured, verify_pin

    configured = pins_configured(ctx.store())
    role = next((r for r in roles if configured[r]), None)
    if role is None:
        return roles[0]
    check = verify_pin(ctx.store(), role, read_pin(f"{role.value} PIN: "))
    if check.ok:
        return role
    if check.wait_s > 0:
        raise WrongPin(f"wrong or locked {role.value} PIN; wait {wait_words(check.wait_s)}")
    raise WrongPin(f"wrong {role.value} PIN")


def _line_arg(text: str) -> tuple[str, int]:
    sku, sep, qty = text.strip().rpartition(":")
    if not sep:
        return text.strip(), 1
    if not is_ascii_digits(qty.strip()):  # isdigit() takes '²', which int() refuses
        raise InvalidInput(f"'{text}' is not SKU:QTY (e.g. LY-0001:2)")
    return sku.strip(), int(qty)


def _fen(text: str | None) -> int | None:
    if text is None:
        return None
    if not is_ascii_digits(text.strip()):
        raise InvalidInput(f"'{text}' is not an amount in fen (e.g. 1250 for ¥12.50)")
    return int(text)


def _param_fen(p: Mapping[str, object], key: str) -> int:
    fen = p.get(key, 0)
    return fen if isinstance(fen, int) and not isinstance(fen, bool) else 0


def _refund(p: Mapping[str, object], key: str = "refund_fen") -> str:
    return format_yuan(_param_fen(p, key))


#: An owner move's outcome in English, by kind (see kiosk.storage.owner.ChangeKind).
_CHANGE_TEXT: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "checked_in": lambda p: f"{p['order']} checked in: ready for pickup",
    "checked_in_part": lambda p: (
        f"{p['order']}: {', '.join(f'{sku}×{qty}' for sku, qty in p['lines'])} checked in; "
        "more parcels still to come"
    ),
    "handed_over": lambda p: (
        f"{p['order']} handed over"
        + (f"; {_refund(p, 'cash_fen')} cash taken" if p.get("cash_fen") else "")
    ),
    "refund_recorded": lambda p: f"{p['order']}: refund of {_refund(p)} recorded",
    "cancelled": lambda p: f"{p['order']} cancelled; refund {_refund(p)}",
    "returned": lambda p: f"{p['order']} returned; refund {_refund(p)}",
}

#: An attention item in English, by kind (see kiosk.storage.owner.AttentionKind).
_ATTENTION_TEXT: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "rejected": lambda p: (
        f"{p['order']} was refused: {p.get('reason') or 'no reason given'}"
        + (f"; refund {_refund(p)} to the villager" if p.get("refund_fen") else "")
        + "; tell the villager and help them order something else"
    ),
    "price_changed": lambda p: (
        f"{p['order']}: the platform's price changed after this order; tell the villager"
    ),
    "quarantined": lambda p: (
        f"the platform refused a {p.get('event_kind')} change"
        + (f" for {p['order']}" if p.get("order") else "")
        + f": {p.get('code') or 'no reason'}; call the technician"
    ),
    "overruled_cancel": lambda p: (
        f"{p['local_no']}: the platform had already shipped this order; keep the refund given; "
        "when the parcel comes, check it in and send it back to the platform"
    ),
    "overruled_arrival": lambda p: (
        f"{p['local_no']}: the platform cancelled this order before the parcel came; do not "
        "hand it over, send the parcel back to the platform"
        + (
            f"; give the villager back {_refund(p, 'held_fen')}"
            if _param_fen(p, "held_fen")
            else ""
        )
    ),
    "overruled": lambda p: (
        f"{p['local_no']}: the platform did not accept the shop's {p.get('move')}; "
        f"it is {p.get('status')}"
    ),
    "unsent": lambda p: (
        f"{p['pending']} changes have waited more than {p['hours']} hours to send; "
        "check the internet connection"
    ),
}


def change_text(change: OwnerChange) -> str:
    """What an owner move did, in English (for the terminal)."""
    say = _CHANGE_TEXT.get(change.kind)
    return say(change.params) if say is not None else f"{change.local_no}: {change.kind}"


def attention_text(item: Attention) -> str:
    """An attention item in English (for the terminal)."""
    say = _ATTENTION_TEXT.get(item.kind)
    if say is not None:
        return say(item.params)
    return f"{item.local_no or ''} {item.kind}: call the technician".strip()


def _change(args: argparse.Namespace, change: OwnerChange) -> int:
    if args.json:
        print_json(
            {
                "order_id": change.order_id,
                "local_no": change.local_no,
                "status": change.status.value,
                "event_id": change.event_id,
                "cash_fen": change.cash_fen,
                "complete": change.complete,
                "message": change_text(change),
                "kind": change.kind.value,
            }
        )
    else:
        print(change_text(change))
    return 0


def cmd_queue(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk owner queue``."""
    from kiosk.storage.owner import load_work_queue

    require_pin(ctx, Role.OWNER, Role.TECHNICIAN)
    q = load_work_queue(ctx.store())
    if args.json:
        data = q.to_dict()
        attention = data["attention"]
        assert isinstance(attention, list)
        for row, item in zip(attention, q.attention, strict=True):
            row["message"] = attention_text(item)
        print_json(data)
        return 0
    c = q.counts
    print(
        f"{c['to_check_in']} parcels to check in, {c['waiting_pickup']} waiting for pickup, "
        f"{c['on_order']} ordered (not shipped yet), {c['attention']} need attention, "
        f"{c['returns']} returns"
    )
    for o in q.to_check_in:
        part = " (partly arrived)" if o.partly_arrived else ""
        print(f"  check in: {o.local_no} {o.customer_name} {o.customer_phone_masked}{part}")
    for o in q.waiting_pickup:
        print(
            f"  pickup:   {o.local_no} {o.customer_name} {o.customer_phone_masked} "
            f"{format_yuan(o.total_fen)} ({o.payment.value})"
        )
    for a in q.attention:
        print(f"  attention: {attention_text(a)}")
    return 0


def cmd_check_in(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk owner check-in ORDER [--line SKU:QTY …]``."""
    from kiosk.storage.owner import check_in

    actor = require_pin(ctx, Role.OWNER, Role.TECHNICIAN).value
    lines: dict[str, int] | None = None
    if args.line:
        lines = {}
        for text in args.line:
            sku, qty = _line_arg(text)
            lines[sku] = lines.get(sku, 0) + qty
    return _change(args, check_in(ctx.store(), args.order, lines, actor))


def cmd_pickup(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk owner pickup ORDER --code CODE [--paid cash|mobile|already_paid]``."""
    from kiosk.storage.owner import confirm_pickup

    actor = require_pin(ctx, Role.OWNER, Role.TECHNICIAN).value
    return _change(args, confirm_pickup(ctx.store(), args.order, args.code, args.paid, actor))


def cmd_cancel(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk owner cancel ORDER --reason R [--refund FEN]``."""
    from kiosk.storage.owner import cancel_order

    actor = require_pin(ctx, Role.OWNER, Role.TECHNICIAN).value
    change = cancel_order(ctx.store(), args.order, args.reason, _fen(args.refund), actor)
    return _change(args, change)


def cmd_return(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk owner return ORDER --reason R --refund FEN``."""
    from kiosk.storage.owner import return_order

    actor = require_pin(ctx, Role.OWNER, Role.TECHNICIAN).value
    change = return_order(ctx.store(), args.order, args.reason, _fen(args.refund), actor)
    return _change(args, change)


def cmd_close_day(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk owner close-day [--day YYYY-MM-DD]``."""
    from kiosk.storage.cash import close_day

    actor = require_pin(ctx, Role.OWNER, Role.TECHNICIAN).value
    close = close_day(ctx.store(), actor, args.day)
    if args.json:
        print_json(close.to_dict())
        return 0
    again = " (already closed: this is the first close)" if close.already_closed else ""
    print(f"Day {close.business_day} closed{again}: {close.entries} cash entries")
    for kind, total in close.totals.items():
        print(f"  {kind:<12} {total.count:>4}  {format_yuan(total.fen):>12}")
    print(f"Cash expected in the drawer: {format_yuan(close.expected_cash_fen)}")
    return 0


def register(sub: Any) -> None:
    """Register ``kiosk owner``."""
    owner = sub.add_parser("owner", help="the shop owner's day: parcels, pickups, cash")
    osub = owner.add_subparsers(dest="owner_command", metavar="COMMAND")

    def add(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = osub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=func)
        return p

    add("queue", cmd_queue, "the work queue: to check in, waiting for pickup, attention, returns")
    p = add("check-in", cmd_check_in, "check in the parcels of an order (all, or some lines)")
    p.add_argument("order", help="order number (C017-0042) or id")
    p.add_argument("--line", action="append", default=[], help="SKU:QTY that arrived (repeat)")
    p = add("pickup", cmd_pickup, "hand an order over against the villager's pickup code")
    p.add_argument("order")
    p.add_argument("--code", required=True, help="the six-digit pickup code")
    p.add_argument("--paid", default=None, choices=["cash", "mobile", "already_paid"])
    p = add("cancel", cmd_cancel, "cancel an order that has not shipped")
    p.add_argument("order")
    p.add_argument("--reason", required=True)
    p.add_argument("--refund", default=None, help="cash refunded in fen (default: all paid)")
    p = add("return", cmd_return, "take back an arrived or picked-up order")
    p.add_argument("order")
    p.add_argument("--reason", required=True)
    p.add_argument("--refund", required=True, help="cash refunded in fen")
    p = add("close-day", cmd_close_day, "close the day's cash (safe to repeat)")
    p.add_argument("--day", default=None, help="business day YYYY-MM-DD (default: today)")
