"""A first sync of a large catalog, cut mid-way by the proxy, resumes at the last committed page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kiosk.storage.settings import CATALOG_CURSOR
from kiosk.sync.client import RetryPolicy
from kiosk.synthetic import generate_catalog, write_catalog_jsonl
from tests.e2e.conftest import PRODUCTS, KioskRig, central_catalog
from tests.helpers.central_server import CentralServer
from tests.helpers.fault_proxy import PASS, Fault, FaultKind, FaultProxy, Script

CATALOG = "/v1/catalog/changes"
PAGE = 2000


def _cursor(target: str) -> str:
    return parse_qs(urlsplit(target).query).get("cursor", [""])[0]


@pytest.mark.slow
def test_interrupted_first_sync_resumes_from_the_last_page(
    tmp_path: Path,
    central: CentralServer,
    proxy: FaultProxy,
    make_kiosk: Callable[[str], KioskRig],
) -> None:
    path = tmp_path / "catalog.jsonl"
    write_catalog_jsonl(generate_catalog(PRODUCTS, seed=3), path)
    central.import_catalog(path)
    pages = -(-PRODUCTS // PAGE)
    done_before_cut = pages // 2

    kiosk = make_kiosk("kiosk")
    kiosk.enroll(proxy.url, central.enroll_code("C001"))
    # The link dies in the middle of a page: no retry in this run (it is gone), so the cycle ends.
    proxy.set_plan(Script([PASS] * done_before_cut + [Fault.cut(20_000)], only=CATALOG))
    engine = kiosk.engine(
        proxy.url,
        policy=RetryPolicy(max_attempts=1),
        catalog_page_size=PAGE,
        media_per_run=0,
        snapshots=False,  # the paged feed's resume; snapshots: test_catalog_snapshot.py
    )
    first = engine.run_once()
    assert not first.ok and any(e.startswith("catalog:") for e in first.errors), first.errors
    assert first.pulled_products == done_before_cut * PAGE
    assert len(kiosk.catalog()) == done_before_cut * PAGE
    saved = kiosk.store.setting(CATALOG_CURSOR)
    st1 = proxy.stats()
    cut = [e for e in st1.exchanges if e.fault == FaultKind.CUT]
    assert len(cut) == 1 and cut[0].bytes_down == 20_000 and not cut[0].complete
    assert _cursor(cut[0].target) == saved  # the cut page is the one after the saved cursor

    proxy.heal()
    mark = len(st1.exchanges)
    second = engine.run_once()
    assert second.ok, second.errors
    exchanges = proxy.stats().exchanges[mark:]
    # The first run's replies named the one round trip: the second run starts with it, and its
    # reply holds the page after the saved cursor (the cursor travels in its body); the pages
    # after that one come from the catalog feed, from there on.
    assert [e.target for e in exchanges[:1]] == ["/v1/sync"]
    resumed = [e for e in exchanges if e.target.startswith(CATALOG)]
    round_trip_bytes = sum(e.bytes_down for e in exchanges if e.target == "/v1/sync")
    assert _cursor(resumed[0].target) == str(int(saved or "0") + PAGE)  # resumed, not restarted
    assert len(resumed) + 1 == pages - done_before_cut
    assert second.pulled_products == PRODUCTS - done_before_cut * PAGE
    assert kiosk.catalog() == central_catalog(central.db_url)

    # Against a clean first sync of the same catalog, the only waste is the cut part of a page.
    clean_kiosk = make_kiosk("clean")
    clean_kiosk.enroll(proxy.url, central.enroll_code("C002"))
    mark = len(proxy.stats().exchanges)
    clean = clean_kiosk.engine(
        proxy.url, catalog_page_size=PAGE, media_per_run=0, snapshots=False
    ).run_once()
    assert clean.ok and clean.pulled_products == PRODUCTS
    clean_ex = [e for e in proxy.stats().exchanges[mark:] if e.target.startswith(CATALOG)]
    clean_bytes = sum(e.bytes_down for e in clean_ex)
    largest_page = max(e.bytes_down for e in clean_ex)
    interrupted_bytes = proxy.stats().down_bytes(CATALOG) + round_trip_bytes - clean_bytes
    waste = interrupted_bytes - clean_bytes
    print(f"\nresume: clean {clean_bytes} B, interrupted {interrupted_bytes} B, waste {waste} B")
    # Headers carry a Date and lengths, so allow a few bytes per request beside the cut part.
    assert 0 <= waste <= largest_page
    assert abs(waste - 20_000) <= 50 * (pages + 1)
