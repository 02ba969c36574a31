"""The ``kiosk-central`` command line: run the central service and operate it.

Every command takes ``--db URL`` (env ``KIOSK_CENTRAL_DB``; default a SQLite file in the per-user
data folder) and ``--json``, upgrades the database to the newest schema first, and turns any
:class:`~kiosk.errors.KioskError` into one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from central.db import ENV_DB, CentralDb, default_db_url
from central.service import CentralService
from kiosk import __version__
from kiosk.errors import InvalidInput, KioskError
from kiosk.money import format_yuan

Command = Callable[[argparse.Namespace, CentralService], int]

#: Environment variable naming the trusted reverse proxies (see ``serve --trusted-proxies``).
ENV_TRUSTED_PROXIES = "KIOSK_CENTRAL_TRUSTED_PROXIES"


def _finite(obj: Any) -> Any:
    """``obj`` with every NaN or infinite float replaced by ``None`` (strict JSON has neither)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _print_json(obj: Any) -> None:
    text = json.dumps(_finite(obj), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _plain(obj: Any) -> Any:
    """A service's typed result (a dataclass, or a list of them) as JSON-ready values."""
    if isinstance(obj, list):
        return [_plain(o) for o in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return obj


def _out(args: argparse.Namespace, obj: Any, text: str) -> int:
    if args.json:
        _print_json(_plain(obj))
    else:
        print(text)
    return 0


def trusted_proxies(value: str | None) -> list[str]:
    """The proxy addresses whose ``X-Forwarded-For`` is believed (``--trusted-proxies`` or
    ``$KIOSK_CENTRAL_TRUSTED_PROXIES``, comma-separated); none by default."""
    text = value if value is not None else os.environ.get(ENV_TRUSTED_PROXIES, "")
    return [p.strip() for p in text.split(",") if p.strip()]


#: Connections a PostgreSQL server keeps free for others when ``serve --workers N`` checks its
#: pools against ``max_connections`` (operator commands, backups, monitoring).
PG_SPARE_CONNECTIONS = 10


def _check_workers(args: argparse.Namespace, service: CentralService) -> None:
    """Refuse a worker count the database cannot carry (one line, exit 2)."""
    db = service.db
    if not 1 <= args.workers <= 64:
        raise InvalidInput("--workers is a whole number from 1 to 64")
    if args.workers == 1:
        return
    if db.is_memory:
        raise InvalidInput(
            "--workers above 1 needs a database several processes can share: a SQLite file "
            "or PostgreSQL, not an in-memory SQLite database"
        )
    limits = db.max_connections()
    if limits is None:
        return
    total, reserved = limits
    need = args.workers * (db.pool_size + db.max_overflow)
    room = total - reserved - PG_SPARE_CONNECTIONS
    if need > room:
        raise InvalidInput(
            f"{args.workers} workers × {db.pool_size + db.max_overflow} connections = {need}, "
            f"over the {room} PostgreSQL can spare (max_connections {total}); use fewer "
            "workers, a smaller KIOSK_CENTRAL_POOL_SIZE / KIOSK_CENTRAL_MAX_OVERFLOW, or raise "
            "max_connections"
        )


def cmd_serve(args: argparse.Namespace, service: CentralService) -> int:
    import signal

    import uvicorn

    from central.app import ENV_DRAIN_S, Drain, create_app
    from central.logs import install_redaction
    from central.workers import supervise

    _check_workers(args, service)
    if args.drain_seconds < 0 or args.graceful_timeout <= 0:
        raise InvalidInput("--drain-seconds is 0 or more and --graceful-timeout more than 0")
    proxies = trusted_proxies(args.trusted_proxies)
    workers = f" with {args.workers} workers" if args.workers > 1 else ""
    print(
        f"kiosk-central: serving on http://{args.host}:{args.port}{workers}",
        file=sys.stderr,
        flush=True,
    )
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        # Query strings hold only cursors and limits; tokens travel in headers, never logged.
        "access_log": True,
        # The client address (the enrollment brake counts it) comes from X-Forwarded-For only
        # when the peer is one of the configured proxies; by default nobody is believed.
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,
        # After the drain: stop accepting, finish the requests in flight within this bound.
        "timeout_graceful_shutdown": args.graceful_timeout,
    }
    # uvicorn re-raises SIGTERM once it has shut down; with this no-op handler underneath,
    # a drained server exits 0 instead of dying of the signal.
    signal.signal(signal.SIGTERM, lambda _sig, _frame: None)
    if args.workers == 1:
        app = create_app(service, drain=Drain(args.drain_seconds))
        config = uvicorn.Config(app, **common)
        install_redaction()  # after uvicorn.Config, which set up uvicorn's handlers
        uvicorn.Server(config).run()
        return 0
    # Several processes: each worker opens the database itself (central.app.worker_app) and
    # shares the brake and the rate limit through it; this process only supervises.
    os.environ[ENV_DB] = service.db.url
    os.environ[ENV_DRAIN_S] = str(args.drain_seconds)
    service.db.close()
    config = uvicorn.Config("central.app:worker_app", factory=True, **common)
    install_redaction()
    return supervise(config, args.workers)


def cmd_catalog_import(args: argparse.Namespace, service: CentralService) -> int:
    s = service.import_catalog(Path(args.file))
    obj = {
        "added": s.added,
        "updated": s.updated,
        "unchanged": s.unchanged,
        "images": s.images,
        "first_version": s.first_version,
        "last_version": s.last_version,
    }
    text = (
        f"imported: {s.added} added, {s.updated} updated, {s.unchanged} unchanged, "
        f"{s.images} images"
    )
    return _out(args, obj, text)


def cmd_catalog_export(args: argparse.Namespace, service: CentralService) -> int:
    path = Path(args.file)
    s = service.export_catalog(path)
    obj = {
        "products": s.products,
        "images": s.images,
        "images_left_out": s.images_left_out,
        "last_version": s.last_version,
        "file": str(path),
    }
    text = f"exported: {s.products} products, {s.images} images to {path}"
    if s.images_left_out:
        text += f" ({s.images_left_out} products without their picture: not a picture)"
    return _out(args, obj, text)


def cmd_catalog_snapshot(args: argparse.Namespace, service: CentralService) -> int:
    from central.snapshots import Snapshots

    snaps = Snapshots(service.db, service.clock)
    newest = snaps.latest()
    meta = newest if newest is not None and newest.cursor >= snaps.head() else snaps.build()
    obj = {**meta.info(), "built_at": meta.created_at.isoformat()}
    text = f"catalog snapshot {meta.sha256}: {meta.items} products up to {meta.cursor}, "
    text += f"{meta.size} bytes"
    return _out(args, obj, text)


def _price(text: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInput(f"'{text}' is not a price in fen (a whole number, e.g. 1250 for ¥12.50)")
    return int(text)


def cmd_set_price(args: argparse.Namespace, service: CentralService) -> int:
    p = service.set_price(args.sku, _price(args.price_fen))
    return _out(args, p.wire, f"{p.sku}: now {format_yuan(p.price_fen)} (version {p.version})")


def cmd_deactivate(args: argparse.Namespace, service: CentralService) -> int:
    p = service.deactivate_product(args.sku)
    return _out(args, p.wire, f"{p.sku}: deactivated (version {p.version})")


def cmd_delete(args: argparse.Namespace, service: CentralService) -> int:
    p = service.delete_product(args.sku)
    return _out(args, p.wire, f"{p.sku}: deleted (version {p.version})")


def cmd_enroll_code(args: argparse.Namespace, service: CentralService) -> int:
    info = service.create_enroll_code(
        args.center, args.center_name, args.ttl_hours, replaces=args.replace
    )
    text = (
        f"enrollment code for {info.center_id}: {info.center_code} "
        f"(valid until {info.expires_at}; {info.code} alone works too)"
    )
    if args.replace:
        text += f"; the PC enrolled with it replaces device {args.replace}"
    return _out(args, info, text)


def cmd_orders_list(args: argparse.Namespace, service: CentralService) -> int:
    orders = service.list_orders(args.center)
    lines = [
        f"{o.server_no}  {o.center}  {o.local_no}  {o.status:<10} "
        f"{format_yuan(o.total_fen):>12}  {o.order_id}"
        for o in orders
    ]
    return _out(args, orders, "\n".join(lines) if lines else "no orders")


def cmd_orders_advance(args: argparse.Namespace, service: CentralService) -> int:
    r = service.advance_order(args.order_id, args.to, args.reason)
    return _out(args, r, f"{r.server_no}: now {r.status}")


def cmd_cash_list(args: argparse.Namespace, service: CentralService) -> int:
    entries = service.list_cash(args.center)
    lines = []
    for e in entries:
        signed = -e.amount_fen if e.kind == "refund" else e.amount_fen
        lines.append(
            f"{e.center:<10} {e.kind:<12} {format_yuan(signed):>12}"
            f"  order {e.order_id or '-'}  at {e.at}"
        )
    return _out(args, entries, "\n".join(lines) if lines else "no cash entries")


def cmd_cash_days(args: argparse.Namespace, service: CentralService) -> int:
    if args.per_pc:
        closes = service.list_day_closes(args.center)
        lines = [
            f"{d.center:<10} {d.business_day}  PC {d.device[:8]}  {d.entries} entries"
            f"  expected in the drawer {format_yuan(d.expected_cash_fen)}"
            for d in closes
        ]
        return _out(args, closes, "\n".join(lines) if lines else "no day closes")
    days = service.center_days(args.center)
    lines = [
        f"{d.center:<10} {d.business_day}  {d.pcs} PC(s)  {d.entries} entries  "
        f"expected in the drawers {format_yuan(d.expected_cash_fen)}"
        for d in days
    ]
    return _out(args, days, "\n".join(lines) if lines else "no day closes")


def cmd_devices_list(args: argparse.Namespace, service: CentralService) -> int:
    devices = service.list_devices(args.center)
    lines = [
        f"{d.center_id:<10} PC {d.pc_no or '?'}  {d.device_id}  "
        f"{'REVOKED ' + d.revoked_at if d.revoked_at else 'active'}  "
        f"enrolled {d.enrolled_at}  last seen {d.last_seen or 'never'}"
        for d in devices
    ]
    return _out(args, devices, "\n".join(lines) if lines else "no devices")


def cmd_devices_revoke(args: argparse.Namespace, service: CentralService) -> int:
    done = service.revoke_device(args.device_id)
    return _out(
        args,
        done,
        f"device {done.device_id} of center {done.center_id} is revoked: its token no "
        "longer works; its orders and events are kept",
    )


def cmd_fleet(args: argparse.Namespace, service: CentralService) -> int:
    from central.fleet import FleetFilter, fleet_page, fleet_summary

    flt = FleetFilter(
        stale_hours=args.stale_hours, error_code=args.error_code, version=args.version
    )
    if args.summary:
        summary = fleet_summary(service.db, flt, service.clock())
        text = (
            f"{summary['centers']} centers, {summary['never_seen']} never seen; by version: "
            + ", ".join(f"{k} {n}" for k, n in summary["by_version"].items())
            + "; by error: "
            + ", ".join(f"{k} {n}" for k, n in summary["by_error_code"].items())
        )
        return _out(args, summary, text)
    paged = args.limit is not None or args.after is not None or flt != FleetFilter()
    fleet = (
        fleet_page(service.db, flt, service.clock(), limit=args.limit or 100, after=args.after)
        if paged
        else service.fleet()
    )
    lines = [
        f"{c['center_id']:<12} last seen {c['last_seen'] or 'never'}  "
        f"queue {c['queue_depth'] if c['queue_depth'] is not None else '-'}  "
        f"version {c['app_version'] or '-'}  clock offset {c['clock_offset_s'] or 0:+.0f} s"
        for c in fleet
    ]
    return _out(args, fleet, "\n".join(lines) if lines else "no centers yet")


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= 3650:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number from 1 to 3650")
    return int(text)


def cmd_seed_fleet(args: argparse.Namespace, service: CentralService) -> int:
    from central.fleet import seed_fleet

    if not 0 < args.centers <= 1_000_000:
        raise InvalidInput("--centers is a whole number from 1 to 1,000,000")
    n = seed_fleet(service.db, args.centers, service.clock())
    return _out(args, {"centers": n}, f"added {n} synthetic centers")


def cmd_demand(args: argparse.Namespace, service: CentralService) -> int:
    from central.demand import demand_report

    report = demand_report(service.db, center_id=args.center, days=args.days, limit=args.limit)
    lines = [
        f"{report.center_id or 'all centers'}: {report.days} days since {report.since}, "
        f"{report.centers_reporting} centers reporting",
        "searches that found nothing: "
        + (", ".join(f"{d.key} ×{d.count}" for d in report.no_result_searches) or "-"),
        "most viewed: "
        + (", ".join(f"{d.key} ×{d.count} ({d.orders} orders)" for d in report.most_viewed) or "-"),
        "viewed, never ordered: "
        + (", ".join(f"{d.key} ×{d.count}" for d in report.viewed_not_ordered) or "-"),
    ]
    return _out(args, report.to_dict(), "\n".join(lines))


def cmd_report(args: argparse.Namespace, service: CentralService) -> int:
    from central.demand import demand_report
    from central.report import write_report

    demand = demand_report(service.db, days=args.days)
    path = write_report(Path(args.out), service.fleet(), demand, service.clock())
    return _out(args, {"path": str(path)}, f"report written to {path}")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an option given before the command is not overwritten by the sub-parser default.
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help=f"database URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB (env {ENV_DB})",
    )
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    parser = argparse.ArgumentParser(
        prog="kiosk-central",
        description="Village Kiosk central service: serve the sync protocol and operate it.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"kiosk-central {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(parent: Any, name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(
            name, help=help_text, description=help_text, parents=[common]
        )
        p.set_defaults(func=func)
        return p

    serve = add(sub, "serve", cmd_serve, "run the central service (HTTP, protocol /v1)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (1-64); above 1 they share the database's brake and rate limit",
    )
    serve.add_argument(
        "--drain-seconds",
        type=float,
        default=5.0,
        help="after SIGTERM, keep serving this long with /readyz at 503 before closing",
    )
    serve.add_argument(
        "--graceful-timeout",
        type=float,
        default=30.0,
        help="then wait at most this long for the requests in flight",
    )
    serve.add_argument(
        "--trusted-proxies",
        default=None,
        metavar="ADDRESSES",
        help="comma-separated addresses of reverse proxies whose X-Forwarded-For is believed "
        f"(default: ${ENV_TRUSTED_PROXIES}, else none)",
    )

    catalog = sub.add_parser("catalog", help="publish catalog and price changes")
    csub = catalog.add_subparsers(dest="catalog_command", metavar="COMMAND")
    imp = add(csub, "import", cmd_catalog_import, "add or update products from a JSON Lines file")
    imp.add_argument("file", help="catalog file (images are read relative to it)")
    exp = add(
        csub,
        "export",
        cmd_catalog_export,
        "write the catalog with central's versions and pictures, for a kiosk's USB import",
    )
    exp.add_argument("file", help="catalog file to write; pictures go to images/ next to it")
    add(
        csub,
        "snapshot",
        cmd_catalog_snapshot,
        "build the catalog snapshot first syncs download, unless the newest is current",
    )
    sp = add(csub, "set-price", cmd_set_price, "publish a new price")
    sp.add_argument("sku")
    sp.add_argument("price_fen", help="price in fen, e.g. 1250 for ¥12.50")
    add(csub, "deactivate", cmd_deactivate, "stop offering a product").add_argument("sku")
    add(csub, "delete", cmd_delete, "delete a product (kiosks remove it)").add_argument("sku")

    ec = add(sub, "enroll-code", cmd_enroll_code, "issue a one-time enrollment code for a center")
    ec.add_argument("--center", required=True, help="center id, e.g. C017 (created if new)")
    ec.add_argument("--center-name", default=None, help="the center's name, e.g. 王家村服务站")
    ec.add_argument("--ttl-hours", type=float, default=24.0, help="hours the code stays valid")
    ec.add_argument(
        "--replace",
        default=None,
        metavar="DEVICE_ID",
        help="the new PC replaces this device of the center (revoked when the code is used);"
        " without it the new PC is one more PC of the center",
    )

    orders = sub.add_parser("orders", help="list and advance orders")
    osub = orders.add_subparsers(dest="orders_command", metavar="COMMAND")
    ol = add(osub, "list", cmd_orders_list, "list orders")
    ol.add_argument("--center", default=None, help="only this center's orders")
    oa = add(osub, "advance", cmd_orders_advance, "move an order on (accepted, shipped, arrived…)")
    oa.add_argument("order_id", help="the kiosk's order id")
    oa.add_argument("--to", required=True, help="the new status")
    oa.add_argument("--reason", default=None, help="reason, shown to the shop (e.g. for rejected)")

    cash = sub.add_parser("cash", help="cash entries and day closes reported by the centers")
    csub2 = cash.add_subparsers(dest="cash_command", metavar="COMMAND")
    cl = add(csub2, "list", cmd_cash_list, "cash taken and refunded at the centers")
    cl.add_argument("--center", default=None, help="only this center")
    cd = add(csub2, "days", cmd_cash_days, "day closes: totals and the cash expected")
    cd.add_argument("--center", default=None, help="only this center")
    cd.add_argument(
        "--per-pc", action="store_true", help="one line per PC's close (default: summed per center)"
    )

    devices = sub.add_parser("devices", help="list and revoke enrolled PCs")
    dsub = devices.add_subparsers(dest="devices_command", metavar="COMMAND")
    dl = add(dsub, "list", cmd_devices_list, "every enrolled PC, revoked ones included")
    dl.add_argument("--center", default=None, help="only this center's PCs")
    dr = add(dsub, "revoke", cmd_devices_revoke, "shut a PC out: its token stops working at once")
    dr.add_argument("device_id", help="the device id (kiosk-central devices list)")

    fl = add(sub, "fleet", cmd_fleet, "centers with their last heartbeat (paged and filtered)")
    fl.add_argument("--stale-hours", type=float, default=None, help="not seen for H hours or more")
    fl.add_argument("--error-code", default=None, help="latest heartbeat reported this code")
    fl.add_argument("--version", default=None, help="latest heartbeat came from this version")
    fl.add_argument("--limit", type=_positive, default=None, help="centers per page (max 1000)")
    fl.add_argument("--after", default=None, help="the last center id of the previous page")
    fl.add_argument("--summary", action="store_true", help="counts by version and error code")

    dev = sub.add_parser("dev", help="tools for tests and benchmarks")
    dsub = dev.add_subparsers(dest="dev_command", metavar="COMMAND")
    sf = add(dsub, "seed-fleet", cmd_seed_fleet, "add N synthetic centers, devices, heartbeats")
    sf.add_argument("--centers", type=int, required=True, help="how many centers to add")

    dm = add(sub, "demand", cmd_demand, "what villagers searched for, viewed and did not order")
    dm.add_argument("--center", default=None, help="one center (default: all centers)")
    dm.add_argument("--days", type=_positive, default=30, help="the last N server days")
    dm.add_argument("--limit", type=_positive, default=20, help="lines per list")
    rp = add(sub, "report", cmd_report, "write an HTML page of fleet health and demand charts")
    rp.add_argument("--out", required=True, help="folder for report.html")
    rp.add_argument("--days", type=_positive, default=30, help="demand over the last N days")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kiosk-central`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    args.json = getattr(args, "json", False)
    db: CentralDb | None = None
    try:
        db = CentralDb(getattr(args, "db", None) or default_db_url())
        db.migrate()
        return func(args, CentralService(db))
    except KioskError as exc:
        print(f"kiosk-central: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kiosk-central: interrupted", file=sys.stderr)
        return 130
    finally:
        if db is not None:
            db.close()


if __name__ == "__main__":
    sys.exit(main())
