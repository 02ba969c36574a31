"""Catalog snapshots (central/snapshots.py) through the real app, on SQLite and on PostgreSQL
when ``KIOSK_TEST_PG_URL`` is set: the pointer, the immutable bytes and their cache headers,
ranges, conditional requests, hostile headers, the build policy, pruning and the build lease."""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from central.app import create_app
from central.models import CatalogSnapshotRecord
from central.service import CentralService
from central.snapshots import SnapshotBusy, Snapshots, etag_matches, parse_range
from kiosk.wire import (
    FEATURE_SNAPSHOT,
    FEATURE_SYNC,
    FEATURES_HEADER,
    ProductWire,
    SnapshotHeader,
    SnapshotInfo,
)
from tests.central.conftest import FakeClock, add_products

LATEST = "/v1/catalog/snapshots/latest"


def latest(client: TestClient, auth: dict[str, str]) -> SnapshotInfo:
    r = client.get(LATEST, headers=auth)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "private, max-age=60"
    return SnapshotInfo.model_validate_json(r.content)


def lines(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in gzip.decompress(data).splitlines()]


def test_a_snapshot_is_the_whole_feed_with_immutable_public_cache_headers(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 5)
    service.catalog.delete_product("P00001")
    info = latest(client, auth)
    assert info.cursor == "6" and info.items == 5 and info.url.endswith(info.sha256)

    r = client.get(info.url)  # no device token: a CDN may fetch it
    assert r.status_code == 200
    assert hashlib.sha256(r.content).hexdigest() == info.sha256 and len(r.content) == info.size
    assert r.headers["etag"] == f'"{info.sha256}"'
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in r.headers  # never gzipped twice
    assert FEATURE_SNAPSHOT in r.headers[FEATURES_HEADER].split(",")

    head, *items = lines(r.content)
    header = SnapshotHeader.model_validate(head)
    assert header.cursor == "6" and header.items == 5 and header.categories
    # Exactly the feed from the start: the same objects, tombstone included.
    feed = client.get("/v1/catalog/changes", params={"cursor": ""}, headers=auth).json()
    assert items == feed["items"]
    assert {"sku": "P00001", "version": 6, "deleted": True} in items
    for item in items:
        ProductWire.model_validate(item)


def test_the_pointer_needs_a_device_token(client: TestClient, service: CentralService) -> None:
    add_products(service, 2)
    assert client.get(LATEST).status_code == 401


def test_an_empty_catalog_has_no_snapshot(client: TestClient, auth: dict[str, str]) -> None:
    r = client.get(LATEST, headers=auth)
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_ranges_resume_and_conditional_requests(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 300)
    info = latest(client, auth)
    whole = client.get(info.url).content
    etag = f'"{info.sha256}"'

    part = client.get(info.url, headers={"Range": "bytes=100-"})
    assert part.status_code == 206 and part.content == whole[100:]
    assert part.headers["content-range"] == f"bytes 100-{info.size - 1}/{info.size}"
    mid = client.get(info.url, headers={"Range": "bytes=10-19", "If-Range": etag})
    assert mid.status_code == 206 and mid.content == whole[10:20]
    tail = client.get(info.url, headers={"Range": "bytes=-7"})
    assert tail.status_code == 206 and tail.content == whole[-7:]
    # If-Range naming another version: the whole thing, 200.
    other = client.get(info.url, headers={"Range": "bytes=10-19", "If-Range": '"abc"'})
    assert other.status_code == 200 and other.content == whole
    past = client.get(info.url, headers={"Range": f"bytes={info.size}-"})
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{info.size}"
    assert past.json()["error"] == "bad_range"

    for inm in (etag, f"W/{etag}", f'"x", {etag}', "*"):
        not_modified = client.get(info.url, headers={"If-None-Match": inm})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified.headers["etag"] == etag
    assert client.get(info.url, headers={"If-None-Match": '"x"'}).status_code == 200


BAD_HEADERS = [
    {"Range": "bytes=abc"},
    {"Range": "bytes=5-2"},
    {"Range": "items=0-5"},
    {"Range": "bytes=0-1,5-9"},
    {"Range": "bytes=-"},
    {"Range": "bytes=" + "9" * 40 + "-"},
    {"Range": "bytes=99999999999999999-"},
    {"Range": "bytes=-0"},
    {"Range": "\u00ff\u00fe"},
    {"Range": ""},
    {"If-Range": "garbage", "Range": "bytes=0-"},
    {"If-None-Match": "\u00ff" * 300},
    {"If-None-Match": ","},
    {"If-None-Match": "W/"},
    {"Range": "bytes=0-0", "If-None-Match": "nonsense"},
]


@pytest.mark.parametrize("headers", BAD_HEADERS)
def test_hostile_headers_are_4xx_or_handled_never_5xx(
    client: TestClient, service: CentralService, auth: dict[str, str], headers: dict[str, str]
) -> None:
    add_products(service, 3)
    info = latest(client, auth)
    # Raw bytes: httpx would refuse to send the non-ASCII ones as str.
    raw = {k: v.encode("latin-1") for k, v in headers.items()}
    r = client.get(info.url, headers=raw)
    assert r.status_code in (200, 206, 400, 416), (headers, r.status_code, r.text)
    if r.status_code >= 400:
        assert r.json()["error"] in ("bad_range",)


@pytest.mark.parametrize(
    "address",
    ["latest2", "0" * 63, "G" * 64, "A" * 64, "0" * 65, "%00" * 3, "..%2f..%2fetc", "0" * 64],
)
def test_bad_or_unknown_addresses_are_400_or_404(
    client: TestClient, service: CentralService, address: str
) -> None:
    add_products(service, 2)
    r = client.get(f"/v1/catalog/snapshots/{address}")
    assert r.status_code in (400, 404), (address, r.status_code)
    assert r.json()["error"] in ("bad_hash", "not_found")


def test_a_new_snapshot_only_when_the_catalog_changed_and_the_newest_is_old(
    client: TestClient, service: CentralService, auth: dict[str, str], clock: FakeClock
) -> None:
    add_products(service, 3)
    first = latest(client, auth)
    service.catalog.set_price("P00000", 999)
    assert latest(client, auth) == first  # changed, but the newest is young: deltas cover it
    clock.advance(seconds=601)
    second = latest(client, auth)
    assert second.sha256 != first.sha256 and second.cursor == "4"
    clock.advance(seconds=601)
    assert latest(client, auth) == second  # old, but nothing changed


def test_old_snapshots_are_pruned_to_the_newest_few(
    client: TestClient, service: CentralService, auth: dict[str, str], clock: FakeClock
) -> None:
    add_products(service, 3)
    seen = []
    for price in range(5):
        service.catalog.set_price("P00001", 500 + price)
        clock.advance(seconds=601)
        seen.append(latest(client, auth).sha256)
    with service.db.read() as s:
        kept = set(s.scalars(select(CatalogSnapshotRecord.sha256)))
    assert kept == set(seen[-3:])
    assert client.get(f"/v1/catalog/snapshots/{seen[0]}").status_code == 404
    assert client.get(f"/v1/catalog/snapshots/{seen[-1]}").status_code == 200


def test_building_twice_gives_the_same_bytes(service: CentralService, clock: FakeClock) -> None:
    add_products(service, 40)
    snaps = Snapshots(service.db, clock)
    a = snaps.build()
    b = Snapshots(service.db, clock).build()
    assert a.sha256 == b.sha256
    with service.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CatalogSnapshotRecord)) == 1


def test_one_builder_at_a_time_across_workers(service: CentralService, clock: FakeClock) -> None:
    """Two Snapshots objects stand for two worker processes sharing the database: while one
    holds the build lease, the other neither builds nor blocks; a dead holder's lease expires."""
    add_products(service, 5)
    worker_a, worker_b = Snapshots(service.db, clock), Snapshots(service.db, clock)
    held = worker_a._take_lease()
    assert held is not None
    assert worker_b._take_lease() is None
    with pytest.raises(SnapshotBusy):
        worker_b.ensure_latest()  # nothing built yet and someone is building: "busy"
    clock.advance(seconds=301)  # worker A died holding it
    assert worker_b.ensure_latest() is not None


def test_the_busy_answer_has_retry_after(
    client: TestClient, service: CentralService, auth: dict[str, str], clock: FakeClock
) -> None:
    add_products(service, 2)
    assert Snapshots(service.db, clock)._take_lease() is not None
    r = client.get(LATEST, headers=auth)
    assert r.status_code == 503 and r.headers["retry-after"] == "2"


def test_an_older_central_names_no_snapshot_feature(service: CentralService) -> None:
    add_products(service, 2)
    with TestClient(create_app(service, offer_snapshots=False)) as older:
        r = older.get("/v1/health")
        assert r.headers[FEATURES_HEADER] == FEATURE_SYNC
        assert older.get("/v1/catalog/snapshots/" + "0" * 64).status_code == 401


def test_range_and_etag_helpers() -> None:
    assert parse_range("bytes=0-", 10) == (0, 9)
    assert parse_range("bytes=3-100", 10) == (3, 9)
    assert parse_range("bytes=-100", 10) == (0, 9)
    assert etag_matches('W/"a", "b"', '"b"') and not etag_matches('"ab"', '"a"')
    assert not etag_matches(None, '"a"')


def test_media_revalidation(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    from central.models import Media

    data = b"\x89PNG\r\n\x1a\n" + b"x" * 100
    sha = hashlib.sha256(data).hexdigest()
    with service.db.write() as s:
        s.add(Media(sha256=sha, content_type="image/png", size=len(data), data=data))
    r = client.get(f"/v1/media/{sha}", headers=auth)
    assert r.status_code == 200 and r.content == data
    assert r.headers["etag"] == f'"{sha}"'
    assert "immutable" in r.headers["cache-control"]
    for inm in (f'"{sha}"', f'W/"{sha}"', f'"other", "{sha}"', "*"):
        again = client.get(f"/v1/media/{sha}", headers={**auth, "If-None-Match": inm})
        assert again.status_code == 304 and again.content == b""
    # A tag that merely contains the hash is not a match.
    near = client.get(f"/v1/media/{sha}", headers={**auth, "If-None-Match": f'"{sha}x"'})
    assert near.status_code == 200
