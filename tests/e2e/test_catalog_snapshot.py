"""A first sync from a catalog snapshot, through the real central service and the fault proxy:
snapshot then deltas, a cut download resumed with Range, a crash mid-apply redone, an older
central served by the paged feed, and hostile snapshots refused with nothing of them written.
On PostgreSQL too when ``KIOSK_TEST_PG_URL`` is set."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from central.db import CentralDb
from central.models import CatalogSnapshotRecord
from central.service import CentralService
from central.snapshots import Snapshots
from kiosk.storage import catalog_snapshot
from kiosk.storage.settings import CATALOG_CURSOR
from kiosk.synthetic import generate_catalog, write_catalog_jsonl
from tests.e2e.conftest import KioskRig, central_catalog
from tests.helpers.central_in_thread import CentralInThread
from tests.helpers.central_server import CentralServer, start_central_server
from tests.helpers.fault_proxy import PASS, Fault, FaultKind, FaultProxy, Script

SNAPSHOTS = "/v1/catalog/snapshots/"
LATEST = SNAPSHOTS + "latest"
CHANGES = "/v1/catalog/changes"
#: Three apply batches (5,000 each) and then some.
PRODUCTS = 12_000


def _catalog_file(tmp_path: Path, n: int = PRODUCTS, seed: int = 5) -> Path:
    path = tmp_path / "catalog.jsonl"
    write_catalog_jsonl(generate_catalog(n, seed=seed), path)
    return path


def _blobs(proxy: FaultProxy, since: int = 0) -> list[Any]:
    return [
        e
        for e in proxy.stats().exchanges[since:]
        if e.target.startswith(SNAPSHOTS) and e.target != LATEST
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CentralServer]:
    """The real central service (a subprocess) on SQLite, or on a fresh PostgreSQL database."""
    db_url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    server = start_central_server(tmp_path / "central", db_url=db_url)
    try:
        yield server
    finally:
        server.stop()


def test_first_sync_takes_the_snapshot_then_only_deltas(
    tmp_path: Path, any_central: CentralServer, make_kiosk: Callable[[str], KioskRig]
) -> None:
    central = any_central
    central.import_catalog(_catalog_file(tmp_path))
    with FaultProxy("127.0.0.1", central.port) as proxy:
        kiosk = make_kiosk("kiosk")
        kiosk.enroll(proxy.url, central.enroll_code("C001"))
        engine = kiosk.engine(proxy.url, media_per_run=0)
        first = engine.run_once()
        assert first.ok, first.errors
        assert first.pulled_products == PRODUCTS
        assert kiosk.catalog() == central_catalog(central.db_url)
        targets = [e.target for e in proxy.stats().exchanges]
        assert LATEST in targets and len(_blobs(proxy)) == 1
        cursor = kiosk.store.setting(CATALOG_CURSOR)
        assert cursor == str(PRODUCTS)
        # The feed is asked only for what came after the snapshot, never from the start.
        pages = [t for t in targets if t.startswith(CHANGES)]
        assert pages and all(f"cursor={cursor}" in t for t in pages), pages
        assert not list((kiosk.data_dir / "catalog-snapshot").iterdir())  # applied: deleted

        sku = sorted(kiosk.catalog())[7]
        central.cli_json("catalog", "set-price", sku, "4321")
        mark = len(proxy.stats().exchanges)
        second = engine.run_once()
        assert second.ok and second.pulled_products == 1, second
        assert kiosk.catalog()[sku][1] == 4321
        assert kiosk.catalog() == central_catalog(central.db_url)
        assert not [e for e in proxy.stats().exchanges[mark:] if e.target.startswith(SNAPSHOTS)]


def test_a_cut_download_resumes_with_range_and_resends_little(
    tmp_path: Path,
    central: CentralServer,
    proxy: FaultProxy,
    make_kiosk: Callable[[str], KioskRig],
) -> None:
    central.import_catalog(_catalog_file(tmp_path))
    snapshot = central.cli_json("catalog", "snapshot")
    size = int(snapshot["size"])
    kiosk = make_kiosk("kiosk")
    kiosk.enroll(proxy.url, central.enroll_code("C001"))
    # The pointer passes; the download breaks half-way, in this run and no retry is allowed.
    proxy.set_plan(Script([PASS, Fault.cut(size // 2)], only=SNAPSHOTS))
    engine = kiosk.engine(proxy.url, media_per_run=0)
    engine.snapshot_downloader.attempts = 1
    first = engine.run_once()
    assert not first.ok and any(e.startswith("catalog:") for e in first.errors), first.errors
    assert kiosk.catalog() == {}  # nothing applied from a partial download
    part = kiosk.data_dir / "catalog-snapshot" / f"{snapshot['sha256']}.part"
    kept = part.stat().st_size
    assert 0 < kept < size
    cut = _blobs(proxy)
    assert [e.fault for e in cut] == [FaultKind.CUT]

    proxy.heal()
    mark = len(proxy.stats().exchanges)
    second = engine.run_once()
    assert second.ok, second.errors
    resumed = _blobs(proxy, mark)
    assert [e.status for e in resumed] == [206]
    # Only the missing bytes (and one reply's headers) travelled again.
    assert resumed[0].bytes_down <= size - kept + 1024
    assert kiosk.catalog() == central_catalog(central.db_url)


def test_a_cut_inside_one_run_is_resumed_in_that_run(
    tmp_path: Path,
    central: CentralServer,
    proxy: FaultProxy,
    make_kiosk: Callable[[str], KioskRig],
) -> None:
    central.import_catalog(_catalog_file(tmp_path, 3000))
    size = int(central.cli_json("catalog", "snapshot")["size"])
    kiosk = make_kiosk("kiosk")
    kiosk.enroll(proxy.url, central.enroll_code("C001"))
    proxy.set_plan(Script([PASS, Fault.cut(size // 3), Fault.cut(size // 3)], only=SNAPSHOTS))
    summary = kiosk.engine(proxy.url, media_per_run=0).run_once()
    assert summary.ok, summary.errors
    blobs = _blobs(proxy)
    assert [e.status for e in blobs][-1] == 206 and len(blobs) == 3
    assert sum(e.bytes_down for e in blobs) <= size + 3 * 1024
    assert kiosk.catalog() == central_catalog(central.db_url)


class _Crash(BaseException):
    """Stands for the kiosk being killed (escapes every handler, as a kill would)."""


def test_a_crash_mid_apply_is_redone_by_the_next_sync(
    tmp_path: Path,
    central: CentralServer,
    proxy: FaultProxy,
    make_kiosk: Callable[[str], KioskRig],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    central.import_catalog(_catalog_file(tmp_path))
    kiosk = make_kiosk("kiosk")
    kiosk.enroll(proxy.url, central.enroll_code("C001"))
    real = catalog_snapshot.apply_batch
    calls: list[int] = []

    def crash_after_first(*args: Any, **kw: Any) -> int | None:
        if calls:
            raise _Crash
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(catalog_snapshot, "apply_batch", crash_after_first)
    engine = kiosk.engine(proxy.url, media_per_run=0)
    with pytest.raises(_Crash):
        engine.run_once()
    # One batch committed, the cursor says "half-applied" (to central: the start).
    assert len(kiosk.catalog()) == 5000
    assert kiosk.store.setting(CATALOG_CURSOR) == catalog_snapshot.APPLYING

    monkeypatch.setattr(catalog_snapshot, "apply_batch", real)
    mark = len(proxy.stats().exchanges)
    again = engine.run_once()
    assert again.ok, again.errors
    assert kiosk.catalog() == central_catalog(central.db_url)
    assert kiosk.store.setting(CATALOG_CURSOR) == str(PRODUCTS)
    # Redone from the verified file kept on disk: not downloaded again.
    assert _blobs(proxy, mark) == []


def test_an_older_central_is_served_by_the_paged_feed(
    tmp_path: Path, make_kiosk: Callable[[str], KioskRig]
) -> None:
    db = CentralDb(f"sqlite:///{tmp_path / 'old.db'}")
    db.migrate()
    service = CentralService(db)
    service.import_catalog(_catalog_file(tmp_path, 3000))
    code = service.create_enroll_code("C001").code
    with (
        CentralInThread(service, offer_snapshots=False) as old,
        FaultProxy("127.0.0.1", old.port) as proxy,
    ):
        kiosk = make_kiosk("kiosk")
        kiosk.enroll(proxy.url, code)
        summary = kiosk.engine(proxy.url, media_per_run=0).run_once()
        assert summary.ok, summary.errors
        targets = [e.target for e in proxy.stats().exchanges]
        assert not [t for t in targets if t.startswith(SNAPSHOTS)]
        assert [t for t in targets if t.startswith(CHANGES)]
        assert kiosk.catalog() == central_catalog(db.url)
    db.close()


# --- hostile snapshots ---------------------------------------------------------------------------


def _gz(lines: list[Any], tail: bytes = b"") -> bytes:
    body = b"\n".join(
        x if isinstance(x, bytes) else json.dumps(x, ensure_ascii=False).encode() for x in lines
    )
    return gzip.compress(body + b"\n" + tail, mtime=0)


def _header(cursor: int, items: int) -> dict[str, Any]:
    return {
        "format": "village-kiosk-catalog-snapshot",
        "format_version": 1,
        "cursor": str(cursor),
        "items": items,
        "categories": [{"name": "日用", "sort_order": 0, "active": True}],
    }


def _fake(n: int, start: int = 1) -> list[dict[str, Any]]:
    return [
        {"sku": f"SNAP{i:05d}", "version": start + i, "name": f"假{i}", "category": "日用",
         "price_fen": 100, "unit": "个"}
        for i in range(n)
    ]  # fmt: skip


def _hostile(kind: str, head: int) -> tuple[bytes, str]:
    """(bytes served, the name they are served under) for one kind of bad snapshot."""
    if kind == "bad_hash":
        data = _gz([_header(head, 3), *_fake(3)])
        return data, hashlib.sha256(b"something else").hexdigest()
    if kind == "inflates_past_the_cap":
        data = _gz([_header(head, 1)], tail=b"\n" * (8 * 1024 * 1024))
    elif kind == "bad_row_after_good_batches":
        rows = _fake(6000)
        rows[-1] = {**rows[-1], "price_fen": -5}
        data = _gz([_header(head, 6000), *rows])
    elif kind == "control_character":
        rows = _fake(3)
        rows[1] = {**rows[1], "name": "坏\x00名"}
        data = _gz([_header(head, 3), *rows])
    elif kind == "version_past_its_cursor":
        data = _gz([_header(head, 2), *_fake(2, start=head)])
    elif kind == "more_rows_than_it_says":
        data = _gz([_header(head, 2), *_fake(3)])
    elif kind == "not_json":
        data = _gz([_header(head, 1), b"{not json"])
    elif kind == "garbage_after_the_end":
        data = _gz([_header(head, 1), *_fake(1)]) + b"junk"
    else:
        raise AssertionError(kind)
    return data, hashlib.sha256(data).hexdigest()


HOSTILE = [
    "bad_hash",
    "inflates_past_the_cap",
    "bad_row_after_good_batches",
    "control_character",
    "version_past_its_cursor",
    "more_rows_than_it_says",
    "not_json",
    "garbage_after_the_end",
]


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_snapshot_is_refused_and_nothing_of_it_is_written(
    kind: str, tmp_path: Path, make_kiosk: Callable[[str], KioskRig]
) -> None:
    db = CentralDb(f"sqlite:///{tmp_path / 'central.db'}")
    db.migrate()
    service = CentralService(db)
    service.import_catalog(_catalog_file(tmp_path, 50))
    head = Snapshots(db, service.clock).head()
    # Its cursor is past the feed's end, so central serves it as current and 6,000 rising
    # versions fit below it.
    cursor = head + 10_000
    data, name = _hostile(kind, cursor)
    items = json.loads(gzip.decompress(data[: len(data) - (4 if kind.startswith("garb") else 0)])
                       .split(b"\n", 1)[0])["items"]  # fmt: skip
    with db.write() as s:
        s.add(
            CatalogSnapshotRecord(
                sha256=name,
                cursor=cursor,
                items=items,
                size=len(data),
                created_at=datetime.now(UTC),
                data=data,
            )
        )
    code = service.create_enroll_code("C001").code
    with CentralInThread(service) as server:
        kiosk = make_kiosk("kiosk")
        kiosk.enroll(server.url, code)
        engine = kiosk.engine(server.url, media_per_run=0)
        engine.snapshot_downloader.max_inflated = 1024 * 1024
        summary = engine.run_once()
        # Refused with one clear line; the catalog came from the paged feed instead.
        snap_errors = [e for e in summary.errors if e.startswith("catalog snapshot:")]
        assert not summary.ok and len(snap_errors) == 1, summary.errors
        assert "refused" in snap_errors[0] and "\n" not in snap_errors[0]
        catalog = kiosk.catalog()
        assert not [sku for sku in catalog if sku.startswith("SNAP")]
        assert catalog == central_catalog(db.url)
        assert not list((kiosk.data_dir / "catalog-snapshot").iterdir())
        # The next sync does not try the snapshot again: the feed's cursor is set.
        assert kiosk.store.setting(CATALOG_CURSOR) == str(head)
    db.close()


def test_while_the_first_snapshot_is_being_built_the_feed_is_paged(
    tmp_path: Path, make_kiosk: Callable[[str], KioskRig]
) -> None:
    db = CentralDb(f"sqlite:///{tmp_path / 'central.db'}")
    db.migrate()
    service = CentralService(db)
    service.import_catalog(_catalog_file(tmp_path, 300))
    # Another worker holds the build lease and has built nothing yet: the pointer is 503 busy.
    assert Snapshots(db, service.clock)._take_lease() is not None
    code = service.create_enroll_code("C001").code
    with CentralInThread(service) as server, FaultProxy("127.0.0.1", server.port) as proxy:
        kiosk = make_kiosk("kiosk")
        kiosk.enroll(proxy.url, code)
        summary = kiosk.engine(proxy.url, media_per_run=0).run_once()
        assert summary.ok, summary.errors
        pointer = [e.status for e in proxy.stats().exchanges if e.target == LATEST]
        assert pointer and set(pointer) == {503}
        assert not _blobs(proxy)
        assert kiosk.catalog() == central_catalog(db.url)
    db.close()
