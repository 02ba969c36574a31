"""The practice store: a throw-away kiosk database where a new representative learns the day.

Layout: ``<data>/practice/kiosk.db``, made by the real migrations (:meth:`KioskStore.open`), then
given a copy of the real catalog (categories, products, the search index), the center's code and
name, the language and the owner's and technician's PIN hashes, so the trainee logs in as usual.
Product pictures are used by reference (the practice store reads the real ``media`` folder);
nothing else of the real store is copied: the practice store has its own orders, customers, cash
ledger and outbox.

Rules, and where they are kept:

- **It never syncs.** The practice store carries the :data:`PRACTICE_STORE` setting and no server
  address or device id; :class:`kiosk.sync.engine.SyncEngine` refuses a store with that setting.
- **It never touches the real data.** The catalog is copied through SQLite (``ATTACH``), never by
  copying the live files with plain file I/O (docs/architecture.md, the live database files
  rule; ``kiosk/dbfiles.py``). The real database is only read.
- **Leaving deletes it.** :func:`end_practice` removes the whole ``practice`` folder, after every
  connection to it was closed.

Central's moves in a lesson ("the platform accepted it, shipped it") are applied here with the
same storage function the sync engine uses for order updates
(:func:`kiosk.storage.orders.apply_remote_status`), without any network.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from kiosk.errors import KioskError
from kiosk.kernel.sqlite import raw_connect
from kiosk.orders import OrderStatus
from kiosk.pickup import verify_pickup_code
from kiosk.practice import Lesson, LessonResult, check_lesson, lesson_order
from kiosk.storage import models as m
from kiosk.storage.models import CashEntry, DayClose, Product
from kiosk.storage.orders import apply_remote_status
from kiosk.storage.settings import (
    CENTER_ID,
    CENTER_NAME,
    LANGUAGE,
    PRACTICE_STORE,
    SEARCH_KEYS_VERSION,
)
from kiosk.storage.store import DB_FILENAME, KioskStore

log = logging.getLogger(__name__)

#: The practice store's folder inside the kiosk's data folder.
PRACTICE_DIRNAME = "practice"
#: Settings copied from the real store: the center (order numbers, slips), the language, the
#: search key format the copied index was built with.
COPIED_SETTINGS = (CENTER_ID, CENTER_NAME, LANGUAGE, SEARCH_KEYS_VERSION)
#: Tables copied row for row (same schema: both stores are at the same revision).
COPIED_TABLES = ("categories", "products", "admin_pins")
#: What the trainee is called in the audit log of the practice store.
TRAINEE = "trainee"
#: Central's moves for a parcel on its way, in order, as the lesson plays them.
CENTRAL_MOVES = (OrderStatus.SUBMITTED, OrderStatus.ACCEPTED, OrderStatus.SHIPPED)


class PracticeProblem(KioskError):
    """The practice store cannot be made or used (one clear line for the CLI and the UI)."""


class PracticeStore(KioskStore):
    """A :class:`KioskStore` in ``<data>/practice`` that reads pictures from the real store."""

    @property
    def media_dir(self) -> Path:
        """The real kiosk's picture folder (pictures by reference, never copied)."""
        return self.data_dir.parent / "media"


def _open(folder: Path, *, refresh_search: bool = True) -> PracticeStore:
    store = PracticeStore.open(folder, refresh_search=refresh_search)
    assert isinstance(store, PracticeStore)  # KioskStore.open builds its own class
    return store


def practice_dir(data_dir: Path) -> Path:
    """The practice store's folder for the kiosk whose data folder is ``data_dir``."""
    return data_dir / PRACTICE_DIRNAME


def practice_exists(data_dir: Path) -> bool:
    """Whether a practice store is there (left by ``kiosk practice start`` or a power cut)."""
    return (practice_dir(data_dir) / DB_FILENAME).is_file()


def is_practice_store(store: KioskStore) -> bool:
    """Whether ``store`` is a practice store (its own setting says so)."""
    return store.setting(PRACTICE_STORE) == "1"


def _copy_from_real(practice_db: Path, real_db: Path) -> int:
    """Copy the catalog, PINs and a few settings from ``real_db``; returns products copied.

    One write transaction on the practice file; the real file is attached and only read.
    """
    conn = raw_connect(practice_db)
    try:
        # ATTACH is SQLite opening the file itself (not plain file I/O in this process); every
        # statement below only reads ``real``. Not ``mode=ro``: a read-only connection that is the
        # last one to close cannot remove the real store's -wal and -shm, which would stay behind.
        conn.execute("ATTACH DATABASE ? AS real", (str(real_db),))
        try:
            conn.execute("BEGIN")  # deferred: only main takes the write lock, never real
            for table in COPIED_TABLES:
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM real.{table}")
            conn.execute(
                "INSERT INTO main.product_search(rowid, uni, bi, py, ini, codes) "
                "SELECT rowid, uni, bi, py, ini, codes FROM real.product_search"
            )
            marks = ",".join("?" for _ in COPIED_SETTINGS)
            conn.execute(
                "INSERT OR REPLACE INTO main.settings(key, value) "
                f"SELECT key, value FROM real.settings WHERE key IN ({marks})",
                COPIED_SETTINGS,
            )
            conn.execute(
                "INSERT OR REPLACE INTO main.settings(key, value) VALUES (?, '1')",
                (PRACTICE_STORE,),
            )
            products = int(conn.execute("SELECT count(*) FROM main.products").fetchone()[0])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("DETACH DATABASE real")
    finally:
        conn.close()
    return products


def start_practice(data_dir: Path) -> PracticeStore:
    """Open the practice store, making it (catalog copied) when there is none; returns it open.

    A practice store already there (``kiosk practice start`` before the GUI, or one left by a
    power cut) is opened as it is. The real store must exist (the kiosk was set up).
    """
    real_db = data_dir / DB_FILENAME
    if not real_db.is_file():
        raise PracticeProblem(
            f"there is no kiosk database in {data_dir}: set the kiosk up before practising"
        )
    folder = practice_dir(data_dir)
    if practice_exists(data_dir):
        store = _open(folder)
        if is_practice_store(store):
            return store
        store.close()
        raise PracticeProblem(f"{folder} holds a database that is not a practice store")
    folder.mkdir(mode=0o700, exist_ok=True)
    try:
        store = _open(folder, refresh_search=False)  # the real migrations
        store.close()  # ATTACH needs a connection without an open transaction: its own
        try:
            products = _copy_from_real(folder / DB_FILENAME, real_db)
        except sqlite3.Error as exc:
            raise PracticeProblem(f"could not copy the catalog into practice: {exc}") from exc
        store = _open(folder)
    except BaseException:
        _remove(folder)
        raise
    log.info("practice store made: %d products copied", products)
    return store


def count_products(store: KioskStore) -> int:
    """How many products the (practice) store holds."""
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Product)) or 0)


def _remove(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)


def end_practice(data_dir: Path, store: KioskStore | None = None) -> bool:
    """Close ``store`` (when given) and delete the practice folder; True when there was one.

    Every other connection to the practice store must be closed already: the files of a live
    database are never removed under SQLite (``kiosk/dbfiles.py`` refuses it).
    """
    if store is not None:
        store.close()
    folder = practice_dir(data_dir)
    existed = folder.exists()
    _remove(folder)
    if existed:
        log.info("practice store deleted")
    return existed


def reset_practice(data_dir: Path, store: KioskStore | None = None) -> PracticeStore:
    """Delete the practice store and make a fresh one (open)."""
    end_practice(data_dir, store)
    return start_practice(data_dir)


# -- what the lessons look at ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PracticeOrder:
    """One order of the practice store as the lessons see it."""

    order_id: str
    local_no: str
    status: OrderStatus
    payment: str
    has_name: bool
    has_phone: bool
    total_fen: int


@dataclass(frozen=True, slots=True)
class PracticeFacts:
    """The practice store's state a lesson checks (taken before and after the trainee's steps).

    Attributes:
        orders: every order, oldest first.
        wrong_codes: pickup codes refused so far (audit ``pickup_code_wrong``).
        refunds_fen: cash paid back so far.
        day_closes: business days closed so far.
    """

    orders: tuple[PracticeOrder, ...]
    wrong_codes: int
    refunds_fen: int
    day_closes: int

    def order(self, order_id: str) -> PracticeOrder | None:
        """The order with this id, if there is one."""
        return next((o for o in self.orders if o.order_id == order_id), None)

    @property
    def newest(self) -> PracticeOrder | None:
        """The order placed last."""
        return self.orders[-1] if self.orders else None


def practice_facts(store: KioskStore) -> PracticeFacts:
    """Read what the lessons check from the practice store (one short read)."""
    with store.read() as s:
        rows = s.scalars(select(m.Order).order_by(m.Order.created_at, m.Order.id)).all()
        orders = tuple(
            PracticeOrder(
                order_id=o.id,
                local_no=o.local_no,
                status=OrderStatus(o.status),
                payment=o.payment,
                has_name=bool(o.customer_name.strip()),
                has_phone=bool(o.customer_phone.strip()),
                total_fen=o.total_fen,
            )
            for o in rows
        )
        wrong = s.scalar(
            select(func.count())
            .select_from(m.AuditEntry)
            .where(m.AuditEntry.action == "pickup_code_wrong")
        )
        refunds = s.scalar(
            select(func.coalesce(func.sum(CashEntry.amount_fen), 0)).where(
                CashEntry.kind == "refund"
            )
        )
        closes = s.scalar(select(func.count()).select_from(DayClose))
    return PracticeFacts(orders, int(wrong or 0), int(refunds or 0), int(closes or 0))


def code_matches(store: KioskStore, order_id: str, code: str) -> bool:
    """Whether ``code`` is the pickup code of the practice order ``order_id`` (read back)."""
    if not code.strip():
        return False
    with store.read() as s:
        order = s.get(m.Order, order_id)
        if order is None:
            return False
        return verify_pickup_code(code.strip(), order.pickup_salt, order.pickup_hash)


def play_central_moves(store: KioskStore, order_id: str) -> list[OrderStatus]:
    """Play the platform's moves on a practice order: submitted, accepted, shipped.

    Applied in one write with :func:`kiosk.storage.orders.apply_remote_status`, the function the
    sync engine applies central's order updates with. Returns the moves that changed the order.

    Raises:
        PracticeProblem: not a practice store (the real kiosk's orders are central's alone).
        NotFound / IllegalTransition: no such order, or it cannot be shipped any more.
    """
    if not is_practice_store(store):
        raise PracticeProblem("the platform's moves are played only on the practice store")
    done: list[OrderStatus] = []
    with store.write() as s:
        for status in CENTRAL_MOVES:
            if apply_remote_status(s, order_id, status):
                done.append(status)
    return done


# -- running a lesson ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LessonStart:
    """How a lesson began: the store before the trainee's steps, the order it works on (if any)
    and the platform's moves the lesson played (parcel lesson)."""

    lesson: Lesson
    before: PracticeFacts
    subject: PracticeOrder | None
    moves: tuple[OrderStatus, ...] = ()


def begin_lesson(store: KioskStore, lesson: Lesson) -> LessonStart:
    """Take the store's state for ``lesson``; the parcel lesson also plays central's moves."""
    facts = practice_facts(store)
    found = lesson_order(facts, lesson)
    subject = facts.order(found.order_id) if found is not None else None
    moves: list[OrderStatus] = []
    if lesson is Lesson.PARCEL and subject is not None:
        moves = play_central_moves(store, subject.order_id)
    return LessonStart(lesson, facts, subject, tuple(moves))


def finish_lesson(store: KioskStore, start: LessonStart, code: str = "") -> LessonResult:
    """Check the trainee's steps since ``start`` (``code``: the pickup code read back)."""
    subject = start.subject.order_id if start.subject is not None else None
    read_back = None
    if start.lesson is Lesson.READ_CODE and subject is not None:
        read_back = code_matches(store, subject, code)
    return check_lesson(
        start.lesson, start.before, practice_facts(store), subject=subject, code_read_back=read_back
    )
