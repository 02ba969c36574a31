"""``kiosk backup`` and ``kiosk doctor``: the technician's maintenance commands.

Neither command creates or migrates a database: ``backup`` copies the file that is there (with
SQLite's online backup API, so the kiosk may keep running), ``doctor`` only looks.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli import CliContext, print_json


def cmd_backup(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk backup [DEST]``."""
    from kiosk.storage.backup import backup_database, new_backup_path
    from kiosk.storage.store import DB_FILENAME

    dest: Path
    if args.dest is None:
        dest = new_backup_path(ctx.data_dir)
    elif args.dest.is_dir():
        dest = args.dest / new_backup_path(ctx.data_dir).name
    else:
        dest = args.dest
    path = backup_database(ctx.data_dir / DB_FILENAME, dest)
    size = path.stat().st_size
    if args.json:
        print_json({"path": str(path), "integrity": "ok", "bytes": size})
    else:
        print(f"Backup written to {path} ({size / 1024:.0f} KB)")
        print("integrity ok")
    return 0


def cmd_doctor(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk doctor``: exit 0 when every check passed, 1 otherwise."""
    from kiosk.storage.doctor import run_doctor

    report = run_doctor(ctx.data_dir)
    if args.json:
        print_json(report.to_json())
    else:
        print(f"Village Kiosk doctor — {report.data_dir}")
        for check in report.checks:
            mark = "[ok]" if check.ok else "[!!]"
            print(f"{mark} {check.name}: {check.detail}")
        failed = sum(not c.ok for c in report.checks)
        print("All checks passed." if not failed else f"{failed} check(s) need attention.")
    return 0 if report.ok else 1


def register(sub: Any) -> None:
    """Register ``kiosk backup`` and ``kiosk doctor``."""
    backup = sub.add_parser(
        "backup",
        help="back up the local database (safe while the kiosk runs)",
        description="Copy the database with SQLite's online backup API and check the copy.",
    )
    backup.add_argument(
        "dest",
        nargs="?",
        type=Path,
        default=None,
        help="file or folder to write to (default: DATA_DIR/backups/kiosk-<UTC time>.db)",
    )
    backup.add_argument("--json", action="store_true", help='print {"path","integrity","bytes"}')
    backup.set_defaults(func=cmd_backup)

    doctor = sub.add_parser(
        "doctor",
        help="check the kiosk's data folder, database, backups and disk",
        description="Health checks in plain words; exit code 0 when everything is ok, else 1.",
    )
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.set_defaults(func=cmd_doctor)
