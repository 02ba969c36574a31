"""`kiosk` sub-commands: enroll, sync, status.

Network knobs for test rigs and slow links: ``--timeout``/``--retries`` flags or the environment
variables ``KIOSK_SYNC_TIMEOUT``, ``KIOSK_SYNC_RETRIES``, ``KIOSK_SYNC_BACKOFF``.
"""

from __future__ import annotations

import argparse
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiosk.cli import CliContext, print_json
from kiosk.sync.listener import QuietListener

if TYPE_CHECKING:
    from kiosk.sync.engine import SyncSummary


def register(sub: Any) -> None:
    """Register this group's sub-commands."""
    p = sub.add_parser("enroll", help="enroll this kiosk with the central service (one-time code)")
    p.add_argument("--server", required=True, help="the central service's address (https://…)")
    p.add_argument("--code", required=True, help="the one-time enrollment code")
    p.add_argument("--device-name", default=None, help="how the platform lists this PC")
    p.add_argument("--timeout", type=float, default=None, help="network timeout in seconds")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_enroll)

    p = sub.add_parser("sync", help="send queued orders and fetch catalog and order updates")
    p.add_argument("--once", action="store_true", help="run one full sync and exit")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--timeout", type=float, default=None, help="network timeout in seconds")
    p.add_argument("--retries", type=int, default=None, help="attempts per request")
    p.add_argument(
        "--interval", type=float, default=300.0, help="without --once: seconds between syncs"
    )
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("status", help="show the sync queue, last sync, enrollment and clock")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_status)


def cmd_enroll(args: argparse.Namespace, ctx: CliContext) -> int:
    """`kiosk enroll --server URL --code CODE`.

    A refusal is one line on stderr and a non-zero exit (see ``kiosk.cli.main``): e.g. while
    central's enrollment brake is on, "too many wrong enrollment codes were tried for this
    center or from this network address; wait 15 minutes, then try again with a valid code"
    and exit 5.
    """
    from kiosk.sync.factory import enroll, network_settings

    timeouts, _ = network_settings(args.timeout)
    done = enroll(
        ctx.store(), args.server, args.code, device_name=args.device_name, timeouts=timeouts
    )
    if args.json:
        print_json(
            {
                "enrolled": True,
                "center_id": done.center_id,
                "center_name": done.center_name,
                "device_id": done.device_id,
                "server_url": done.server_url,
                "pc_no": done.pc_no,
                "replaced_device_id": done.replaced_device_id,
            }
        )
    else:
        print(f"Enrolled: center {done.center_id} {done.center_name} at {done.server_url}")
        if done.replaced_device_id:
            print(
                f"This PC replaces the center's PC {done.replaced_device_id}: that PC's"
                " credential no longer works; its orders stay at the platform."
            )
        elif done.pc_no and done.pc_no > 1:
            print(
                f"This is PC {done.pc_no} of center {done.center_id}: the center's other PCs"
                " keep working; its order numbers start with"
                f" {done.center_id}-{done.pc_no}-."
            )
    return 0


def _print_summary(summary: Any, as_json: bool) -> None:
    if as_json:
        print_json(summary.to_dict())
        return
    state = "OK" if summary.ok else f"NOT COMPLETE ({summary.error_code or 'other'})"
    print(
        f"Sync {state}: sent {summary.pushed} (+{summary.duplicates} already there), "
        f"{summary.outbox_remaining} waiting, {summary.quarantined} set aside; "
        f"{summary.pulled_products} products updated, {summary.deleted_products} removed, "
        f"{summary.order_updates} order updates, {summary.media_fetched} images"
    )
    for err in summary.errors:
        print(f"  problem: {err}")
    for warn in summary.warnings:
        print(f"  note: {warn}")


def cmd_sync(args: argparse.Namespace, ctx: CliContext) -> int:
    """`kiosk sync --once [--json]`; without --once, keep syncing until Ctrl+C."""
    from kiosk.sync.factory import network_settings, open_engine

    timeouts, policy = network_settings(args.timeout, args.retries)
    engine = open_engine(ctx.store(), timeouts=timeouts, policy=policy)
    try:
        if args.once:
            summary = engine.run_once()
            _print_summary(summary, args.json)
            return 0 if summary.ok else 1
        return _watch(engine, args)
    finally:
        engine.client.close()


class _Printer(QuietListener):
    """Prints connection changes and each run's summary (``kiosk sync`` without ``--once``)."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json

    def on_online(self) -> None:
        print("connection: online", flush=True)

    def on_offline(self) -> None:
        print("connection: offline", flush=True)

    def on_finished(self, summary: SyncSummary) -> None:
        _print_summary(summary, self.as_json)


def _watch(engine: Any, args: argparse.Namespace) -> int:
    from kiosk.sync.connectivity import ConnectivityMonitor

    monitor = ConnectivityMonitor(
        engine, sync_interval_s=args.interval, listener=_Printer(as_json=args.json)
    )
    monitor.start()
    try:
        threading.Event().wait()  # until Ctrl+C
    except KeyboardInterrupt:
        pass
    finally:
        monitor.stop()
    return 0


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "none"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def cmd_status(args: argparse.Namespace, ctx: CliContext) -> int:
    """`kiosk status [--json]` (never shows the device token)."""
    from kiosk.sync.status import sync_status

    st = sync_status(ctx.store(), datetime.now(UTC))
    if args.json:
        print_json(st.to_dict())
        return 0
    if st.enrolled:
        print(f"Center: {st.center_id} {st.center_name or ''}  server: {st.server_url}")
    else:
        print("Not enrolled: run `kiosk enroll --server URL --code CODE`")
    print(
        f"Waiting to send: {st.queue_depth} (oldest {_age(st.oldest_unsent_age_s)}); "
        f"set aside: {st.quarantined}"
    )
    print(f"Last sync OK: {st.last_success_at or 'never'}; last try: {st.last_attempt_at or '-'}")
    if st.last_error:
        print(f"Last problem: {st.last_error}")
    print(f"Catalog cursor: {st.catalog_cursor or '-'}; orders cursor: {st.orders_cursor or '-'}")
    budget = _mb(st.data_daily_budget_bytes) + " a day" if st.data_daily_budget_bytes else "none"
    print(
        f"Data used: today {_mb(st.data_today_bytes)}, this month {_mb(st.data_month_bytes)};"
        f" budget: {budget}"
    )
    if st.clock_warning:
        print(st.clock_warning)
    return 0


def _mb(nbytes: int) -> str:
    return f"{nbytes / 1_000_000:.2f} MB"
