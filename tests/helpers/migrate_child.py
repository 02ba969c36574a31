"""Child process of the migration kill test (tests/reliability/test_migration_kill.py): open a store
that is behind, which backs it up and migrates it.

Run as ``python -m tests.helpers.migrate_child DATA_DIR``. Prints ``READY`` once everything is
imported (so the parent's random kill lands in the work, not in Python's start-up), ``MIGRATING``
right before the schema upgrade starts (the pre-migration backup is done by then), and ``DONE``
after the store is open at head.

With ``KIOSK_R3_PAUSE_AT=<revision>`` the child prints ``PAUSED`` when that revision's version
stamp is being written (all earlier revisions' work is done by then) and waits on stdin, so the
parent can kill it exactly between two revisions.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from kiosk.storage import migrate
from kiosk.storage.store import KioskStore


def main(argv: list[str]) -> int:
    """Open (and so migrate) the store in ``argv[0]``."""
    data_dir = Path(argv[0])
    migrate.head_revision()  # load the Alembic scripts now, not inside the timed window
    real_upgrade = migrate.upgrade_to_head

    def announced(engine: Engine) -> None:
        print("MIGRATING", flush=True)
        real_upgrade(engine)

    migrate.upgrade_to_head = announced
    pause_at = os.environ.get("KIOSK_R3_PAUSE_AT")
    if pause_at:

        def trace(sql: str) -> None:
            if sql.startswith("UPDATE alembic_version") and f"'{pause_at}'" in sql:
                print("PAUSED", flush=True)
                sys.stdin.readline()  # the parent kills us instead of answering

        def on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.set_trace_callback(trace)

        event.listen(Engine, "connect", on_connect)
    print("READY", flush=True)
    KioskStore.open(data_dir).close()
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
