"""``kiosk orders``: place orders (one, or a whole JSON Lines file) and list them.

A file given with ``--from`` is checked completely — JSON, fields, phone numbers, quantities and
that every SKU can be ordered — before the first order is placed; a bad line refuses the whole
file with its line number. Each order is then placed in its own transaction, and with ``--json``
its result line is printed only after its COMMIT returned.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.cli import CliContext, print_json
from kiosk.customers import Customer
from kiosk.errors import InvalidInput, KioskError
from kiosk.money import format_yuan
from kiosk.orders import (
    LineRequest,
    Payment,
    merge_lines,
    parse_item,
    parse_payment,
    parse_status,
)
from kiosk.textfiles import parse_text_file

#: Fields one line of an order file may have.
ORDER_FILE_FIELDS = frozenset({"name", "phone", "items", "payment"})


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """One order asked for on the command line or in a file, already validated."""

    customer: Customer
    lines: list[LineRequest]
    payment: Payment
    line_no: int = 0  # line in the order file (0: from the command line)


def _parse_order_object(data: Any) -> OrderRequest:
    if not isinstance(data, dict):
        raise InvalidInput("expected a JSON object")
    unknown = sorted(set(data) - ORDER_FILE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field '{unknown[0]}'")
    for key in ("name", "phone", "items"):
        if key not in data:
            raise InvalidInput(f"missing field '{key}'")
    if not isinstance(data["name"], str) or not isinstance(data["phone"], str):
        raise InvalidInput("'name' and 'phone' must be text")
    customer = Customer.of(data["name"], data["phone"])
    items = data["items"]
    if not isinstance(items, list) or not items:
        raise InvalidInput('\'items\' must be a non-empty list of {"sku", "qty"}')
    lines: list[LineRequest] = []
    for item in items:
        if not isinstance(item, dict) or set(item) - {"sku", "qty"} or "sku" not in item:
            raise InvalidInput('each item must be {"sku": "...", "qty": N}')
        sku = item["sku"]
        if not isinstance(sku, str):
            raise InvalidInput("an item's 'sku' must be text")
        lines.append(LineRequest(sku=sku.strip(), qty=item.get("qty", 1)))
    payment = data.get("payment", Payment.CASH.value)
    if not isinstance(payment, str):
        raise InvalidInput("'payment' must be cash or on_pickup")
    return OrderRequest(customer, merge_lines(lines), parse_payment(payment))


def parse_order_lines(lines: Iterable[str]) -> list[OrderRequest]:
    """Parse an order file's lines; blank lines are skipped.

    Raises:
        InvalidInput: naming the first bad line and why.
    """
    orders: list[OrderRequest] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"line {number}: not valid JSON ({exc.msg})") from None
        try:
            req = _parse_order_object(data)
        except InvalidInput as exc:
            raise InvalidInput(f"line {number}: {exc}") from None
        orders.append(OrderRequest(req.customer, req.lines, req.payment, line_no=number))
    if not orders:
        raise InvalidInput("no orders in the file")
    return orders


def read_order_file(path: Path) -> list[OrderRequest]:
    """Read and validate a whole order file (UTF-8 JSON Lines, optional BOM)."""
    return parse_text_file(path, parse_order_lines, "order file")


def _requests_from_args(args: argparse.Namespace) -> list[OrderRequest]:
    if args.from_file is not None:
        if args.name or args.phone or args.item:
            raise InvalidInput("use either --from FILE or --name/--phone/--item, not both")
        try:
            return read_order_file(args.from_file)
        except InvalidInput as exc:
            raise InvalidInput(f"order file not placed, nothing changed: {exc}") from None
    missing = [opt for opt, val in (("--name", args.name), ("--phone", args.phone)) if not val]
    if missing or not args.item:
        need = ", ".join([*missing, *([] if args.item else ["--item SKU:QTY"])])
        raise InvalidInput(f"an order needs {need} (or --from FILE)")
    customer = Customer.of(args.name, args.phone)
    lines = merge_lines([parse_item(text) for text in args.item])
    return [OrderRequest(customer, lines, parse_payment(args.payment))]


def _show_placed(local_no: str, total_fen: int, code: str, payment: Payment, n: int) -> None:
    spaced = " ".join(code)
    bar = "─" * (len(spaced) + 4)
    how = "paid in cash" if payment is Payment.CASH else "pay on pickup"
    print(f"Order {local_no} placed: {n} product(s), total {format_yuan(total_fen)} ({how})")
    print("Pickup code — tell the villager now, it is not shown again:")
    print(f"    ┌{bar}┐\n    │  {spaced}  │\n    └{bar}┘")


def _order_desk(ctx: CliContext) -> tuple[Any, Any]:
    """``(check, place)`` on the quick store when it is ready, else on the full store."""
    quick = ctx.quick_store()
    if quick is not None:
        return quick.check_orderable, quick.place_order
    from kiosk.storage.orders import orderable_products, place_order

    store = ctx.store()

    def check(skus: Iterable[str]) -> None:
        with store.read() as s:
            orderable_products(s, skus)

    def place(customer: Customer, lines: list[LineRequest], payment: Payment, *, actor: str) -> Any:
        return place_order(store, customer, lines, payment, actor=actor)

    return check, place


def cmd_place(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk orders place``."""
    requests = _requests_from_args(args)
    check, place = _order_desk(ctx)
    # Check every SKU of every order before placing the first one.
    for req in requests:
        try:
            check(line.sku for line in req.lines)
        except InvalidInput as exc:
            if req.line_no:
                raise InvalidInput(
                    f"order file not placed, nothing changed: line {req.line_no}: {exc}"
                ) from None
            raise
    for placed, req in enumerate(requests):
        try:
            result = place(req.customer, req.lines, req.payment, actor="owner")
        except KioskError as exc:
            if placed:  # the earlier orders are committed; say exactly how far we got
                raise type(exc)(
                    f"stopped at line {req.line_no} after {placed} orders were placed: {exc}"
                ) from None
            raise
        if args.json:
            print_json(
                {
                    "order_id": result.order_id,
                    "local_no": result.local_no,
                    "total_fen": result.total_fen,
                    "pickup_code": result.pickup_code,
                }
            )
        else:
            _show_placed(
                result.local_no, result.total_fen, result.pickup_code, req.payment, len(req.lines)
            )
    return 0


def order_to_json(view: Any) -> dict[str, Any]:
    """An :class:`~kiosk.storage.orders.OrderView` as a JSON object (phone masked)."""
    return {
        "order_id": view.order_id,
        "local_no": view.local_no,
        "status": view.status.value,
        "total_fen": view.total_fen,
        "payment": view.payment.value,
        "customer_name": view.customer_name,
        "phone": view.customer_phone_masked,
        "created_at": view.created_at,
        "server_no": view.server_no,
        "status_reason": view.status_reason,
        "lines": [
            {
                "sku": ln.sku,
                "name": ln.name,
                "unit": ln.unit,
                "qty": ln.qty,
                "unit_price_fen": ln.unit_price_fen,
                "line_total_fen": ln.line_total_fen,
            }
            for ln in view.lines
        ],
    }


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk orders list``."""
    from kiosk.storage.orders import list_orders

    status = parse_status(args.status) if args.status else None
    if args.limit < 1:
        raise InvalidInput("--limit must be at least 1")
    with ctx.store().read() as s:
        views = list_orders(s, status=status, limit=args.limit)
    if args.json:
        print_json([order_to_json(v) for v in views])
        return 0
    if not views:
        print("No orders" + (f" that are {status.value}" if status else "") + ".")
        return 0
    for v in views:
        print(
            f"{v.local_no:<14} {format_yuan(v.total_fen):>12}  {v.customer_phone_masked}  "
            f"{len(v.lines)} product(s)  {v.status.value}  {v.created_at[:16].replace('T', ' ')}"
        )
    return 0


def _help(parser: argparse.ArgumentParser) -> Any:
    def show(_args: argparse.Namespace, _ctx: CliContext) -> int:
        parser.print_help()
        return 2

    return show


def register(sub: Any) -> None:
    """Register ``kiosk orders place`` and ``kiosk orders list``."""
    orders = sub.add_parser("orders", help="place and list orders")
    orders.set_defaults(func=_help(orders))
    cmds = orders.add_subparsers(dest="orders_command", metavar="ACTION")

    place = cmds.add_parser(
        "place",
        help="place an order (or every order of a JSON Lines file)",
        description="Place an order for a villager and print its pickup code.",
    )
    place.add_argument("--name", help="the villager's name")
    place.add_argument("--phone", help="the villager's 11-digit mobile number")
    place.add_argument(
        "--item",
        action="append",
        metavar="SKU:QTY",
        help="a product and quantity; repeat for more products",
    )
    place.add_argument(
        "--payment", default=Payment.CASH.value, help="cash (paid now) or on_pickup (default cash)"
    )
    place.add_argument(
        "--from",
        dest="from_file",
        type=Path,
        metavar="FILE",
        help='JSON Lines, one order a line: {"name","phone","items":[{"sku","qty"}],"payment"}',
    )
    place.add_argument(
        "--json", action="store_true", help="print one JSON line per order after it is committed"
    )
    place.set_defaults(func=cmd_place)

    lst = cmds.add_parser("list", help="list orders, newest first")
    lst.add_argument("--status", help="only orders in this status (placed, shipped, …)")
    lst.add_argument("--limit", type=int, default=200, help="at most this many (default 200)")
    lst.add_argument("--json", action="store_true", help="print a JSON array")
    lst.set_defaults(func=cmd_list)
