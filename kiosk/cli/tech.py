"""``kiosk tech …``: the technician's toolbox (PINs, outbox, support bundle, restore, purge).

Needs the technician's PIN once one is set (``KIOSK_PIN`` or a hidden prompt). ``set-pin`` for
the owner also accepts the owner's current PIN; a new PIN comes from ``KIOSK_NEW_PIN`` or is
typed twice.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.admin import Role, parse_role
from kiosk.cli import CliContext, print_json
from kiosk.cli.owner import read_pin, require_pin
from kiosk.errors import InvalidInput

ENV_NEW_PIN = "KIOSK_NEW_PIN"


def _new_pin() -> str:
    if os.environ.get(ENV_NEW_PIN) is not None:
        return os.environ[ENV_NEW_PIN]
    first = read_pin("new PIN: ", env=ENV_NEW_PIN)
    if read_pin("the same PIN again: ", env=ENV_NEW_PIN) != first:
        raise InvalidInput("the two PINs differ; nothing changed")
    return first


def cmd_set_pin(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech set-pin --role owner|technician``."""
    from kiosk.storage.admin import set_pin

    role = parse_role(args.role)
    allowed = (Role.TECHNICIAN,) if role is Role.TECHNICIAN else (Role.TECHNICIAN, Role.OWNER)
    actor = require_pin(ctx, *allowed)
    set_pin(ctx.store(), role, _new_pin(), actor=actor.value)
    if args.json:
        print_json({"role": role.value, "set": True})
    else:
        print(f"The {role.value} PIN is set.")
    return 0


def cmd_outbox(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech outbox``: waiting and set-aside events with attempts and last error."""
    from kiosk.storage.set_aside import list_events

    require_pin(ctx, Role.TECHNICIAN)
    events = list_events(ctx.store())
    if args.json:
        print_json([asdict(e) for e in events])
        return 0
    if not events:
        print("Nothing waiting to send.")
    for e in events:
        print(f"{e.event_id}  {e.kind:<18} {e.state:<11} tries {e.attempts}  {e.last_error or ''}")
    return 0


def cmd_retry(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech retry EVENT``."""
    from kiosk.storage.set_aside import retry_event

    actor = require_pin(ctx, Role.TECHNICIAN).value
    e = retry_event(ctx.store(), args.event, actor)
    if args.json:
        print_json(asdict(e))
    else:
        print(f"{e.event_id} is back in the queue; it goes with the next sync")
    return 0


def cmd_discard(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech discard EVENT --reason R``."""
    from kiosk.storage.set_aside import discard_event

    actor = require_pin(ctx, Role.TECHNICIAN).value
    discard_event(ctx.store(), args.event, args.reason, actor)
    if args.json:
        print_json({"event_id": args.event, "discarded": True})
    else:
        print(f"{args.event} discarded (recorded in the audit log)")
    return 0


def cmd_support_bundle(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech support-bundle DEST_DIR``."""
    from kiosk.storage.support_bundle import write_support_bundle
    from kiosk.sync.status import sync_status

    require_pin(ctx, Role.TECHNICIAN)
    status = sync_status(ctx.store(), datetime.now(UTC)).to_dict()
    path = write_support_bundle(ctx.store(), args.dest_dir, status=status)
    if args.json:
        print_json({"path": str(path), "bytes": path.stat().st_size})
    else:
        print(f"Support bundle written to {path}")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech restore BACKUP_FILE`` (close the kiosk program first)."""
    from kiosk.storage.restore import restore_backup

    require_pin(ctx, Role.TECHNICIAN)
    ctx.close()  # the database files are about to be moved: no connection may stay open
    result = restore_backup(ctx.data_dir, args.backup)
    if args.json:
        print_json(asdict(result))
    else:
        print(f"Restored from {result.restored_from}; the replaced files are in {result.moved_to}")
        if result.unsent_in_replaced:
            print(
                f"  note: {result.unsent_in_replaced} changes had not been sent from the replaced"
                " database; they are not in the restored one"
            )
        print(
            "  next: run `kiosk sync` once: it pulls back from the platform the orders the backup"
            " lacks; new orders wait until then, so no order number is given twice"
        )
    return 0


def cmd_recover(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech recover [--check-only]`` (close the kiosk program first)."""
    from kiosk.errors import StoreProblem
    from kiosk.storage.recovery import damaged_reason, recover, verify_store

    # A damaged store cannot check a PIN; recovery only uses this kiosk's own backups.
    with contextlib.suppress(StoreProblem):
        require_pin(ctx, Role.TECHNICIAN)
    ctx.close()  # the database files may be moved: no connection may stay open
    verdict = verify_store(ctx.data_dir)  # the full check, in the foreground
    reason = damaged_reason(ctx.data_dir)
    if args.check_only or (reason is None and not args.force):
        if args.json:
            print_json({"ok": reason is None, "check": verdict, "damaged": reason})
        else:
            print("The database is healthy." if reason is None else f"Damaged: {reason}")
            if reason is not None:
                print("Run `kiosk tech recover` (without --check-only) to repair it.")
        return 0 if reason is None else 1
    report = recover(ctx.data_dir, reason, actor=Role.TECHNICIAN.value)
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.text(), end="")
    return 0


def cmd_purge(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech purge [--days N]``."""
    from kiosk.storage.privacy import purge_personal_data

    actor = require_pin(ctx, Role.TECHNICIAN, Role.OWNER).value
    r = purge_personal_data(ctx.store(), actor, days=args.days)
    if args.json:
        print_json(asdict(r))
    else:
        print(
            f"Purged the villagers' details of {r.orders} orders finished more than "
            f"{r.retention_days} days ago; {r.customers} customers removed"
        )
    return 0


def cmd_data_budget(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech data-budget MB``: the daily data budget (0: none); over it, images wait."""
    from kiosk.storage.data_usage import set_daily_budget

    if not math.isfinite(args.mb) or args.mb < 0:
        raise InvalidInput("the daily data budget is 0 (none) or a positive number of MB")
    actor = require_pin(ctx, Role.TECHNICIAN).value
    nbytes = round(args.mb * 1_000_000)
    set_daily_budget(ctx.store(), nbytes, actor)
    if args.json:
        print_json({"daily_budget_bytes": nbytes})
    elif nbytes:
        print(f"Daily data budget: {nbytes / 1_000_000:.2f} MB; over it, images wait")
    else:
        print("No daily data budget")
    return 0


def cmd_speech_test(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk tech speech-test [--lang zh_CN|en] [--wav FILE]``: read a sample product and the
    pickup code 372815 through the kiosk's voice, on the speakers or into a WAV file."""
    from kiosk.speech import words
    from kiosk.speech.espeak import EspeakEngine, SpeechUnavailable
    from kiosk.speech.sound import SpeakerOutput, write_wav

    engine = EspeakEngine()
    utterance = words.product("金龙鱼 东北大米 10kg", 5990, "袋", args.lang) + words.pickup_code(
        "372815", args.lang
    )
    try:
        engine.check()
        pcm = engine.render(utterance)
        if args.wav is not None:
            write_wav(args.wav, pcm)
        else:
            SpeakerOutput().play(pcm, lambda: False)
    except SpeechUnavailable as exc:
        raise InvalidInput(f"read aloud does not work here: {exc.kind}") from exc
    where = str(args.wav) if args.wav is not None else "the speakers"
    if args.json:
        print_json({"seconds": round(pcm.seconds, 2), "to": where})
    else:
        print(f"Read {pcm.seconds:.1f} s of speech to {where}.")
    return 0


def register(sub: Any) -> None:
    """Register ``kiosk tech``."""
    tech = sub.add_parser("tech", help="the technician's toolbox: PINs, outbox, support, restore")
    tsub = tech.add_subparsers(dest="tech_command", metavar="COMMAND")

    def add(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = tsub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=func)
        return p

    p = add("set-pin", cmd_set_pin, "set or change the owner's or the technician's PIN")
    p.add_argument("--role", required=True, help="owner or technician")
    add("outbox", cmd_outbox, "changes waiting to send or set aside, with tries and errors")
    add("retry", cmd_retry, "put a set-aside change back in the queue").add_argument("event")
    p = add("discard", cmd_discard, "give up on a set-aside change (needs a reason; audited)")
    p.add_argument("event")
    p.add_argument("--reason", required=True)
    p = add("support-bundle", cmd_support_bundle, "export logs and diagnostics to a folder")
    p.add_argument("dest_dir", type=Path, help="the folder (e.g. the USB stick)")
    p = add("restore", cmd_restore, "replace the database with a backup (kiosk closed first)")
    p.add_argument("backup", type=Path, help="the backup file (kiosk-….db)")
    p = add("recover", cmd_recover, "check the database; repair it from backups if damaged")
    p.add_argument("--check-only", action="store_true", help="only check, change nothing")
    p.add_argument("--force", action="store_true", help="repair even if the check passes")
    p = add("speech-test", cmd_speech_test, "read a sample aloud (speakers, or --wav FILE)")
    p.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    p.add_argument("--wav", type=Path, help="write the sound to this WAV file instead")
    p = add("data-budget", cmd_data_budget, "set the daily data budget (0: none)")
    p.add_argument("mb", type=float, help="megabytes a day (1 MB = 1,000,000 bytes)")
    p = add("purge", cmd_purge, "purge villagers' details of long-finished orders")
    p.add_argument("--days", type=int, default=None, help="older than N days (default: setting)")
