"""The central client: retries, Retry-After, typed errors, size caps, validation."""

from __future__ import annotations

import functools
import gzip
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from kiosk import wire
from kiosk.sync.client import CentralClient, RetryPolicy, parse_retry_after
from kiosk.sync.errors import BadResponse, Offline, Rejected, ServerError, Unknown
from tests.sync.fake_central import FakeCentral, Fault, reply

ClientFactory = Callable[..., CentralClient]


def _event(i: int) -> wire.Event:
    return wire.Event(
        id=f"00000000-0000-7000-8000-{i:012d}",
        kind=wire.EventKind.CASH_ENTRY,
        subject_id=f"cash-{i}",
        created_at="2026-01-01T00:00:00+00:00",
        payload={"amount_fen": 100 * i, "note": "x" * 50},
    )


def test_5xx_is_retried_with_capped_full_jitter_backoff(
    central: FakeCentral, make_client: ClientFactory, sleeps: list[float]
) -> None:
    central.fail("/catalog", Fault(status=503), Fault(status=502), Fault(status=500))
    client = make_client(RetryPolicy(max_attempts=4, base_delay_s=1.0, max_delay_s=1.5))
    page = client.catalog_changes("", 10)
    assert page.items == []
    # rand() is 0.5: delays are half of min(cap, base * 2**n) -> 0.5, 1.0, then capped 0.75.
    assert sleeps == [0.5, 0.75, 0.75]
    assert client.stats.retries == 3


def test_retry_after_seconds_is_honoured(
    central: FakeCentral, make_client: ClientFactory, sleeps: list[float]
) -> None:
    central.fail("/orders", Fault(status=429, headers={"Retry-After": "7"}))
    make_client().order_updates("", 10)
    assert sleeps == [7.0]


def test_retry_after_http_date_is_measured_against_the_server_date(
    central: FakeCentral, make_client: ClientFactory, sleeps: list[float]
) -> None:
    headers = {
        "Retry-After": "Wed, 21 Oct 2015 07:28:42 GMT",
        "Date": "Wed, 21 Oct 2015 07:28:00 GMT",
    }
    central.fail("/orders", Fault(status=503, headers=headers))
    make_client().order_updates("", 10)
    assert sleeps == [42.0]


def test_parse_retry_after_forms() -> None:
    def now() -> datetime:
        return datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)

    assert parse_retry_after("3", None, now) == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", None, now) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:27:10 GMT", None, now) == 0.0
    assert parse_retry_after("soon", None, now) is None
    assert parse_retry_after(None, None, now) is None


def test_retry_after_longer_than_the_policy_fails_without_waiting(
    central: FakeCentral, make_client: ClientFactory, sleeps: list[float]
) -> None:
    central.fail("/orders", Fault(status=503, headers={"Retry-After": "3600"}))
    with pytest.raises(ServerError):
        make_client(RetryPolicy(max_retry_after_s=60)).order_updates("", 10)
    assert sleeps == []


def test_exhausted_retries_raise_server_error_after_max_attempts(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    central.fail("/orders", *[Fault(status=503) for _ in range(10)])
    client = make_client(RetryPolicy(max_attempts=3))
    with pytest.raises(ServerError) as info:
        client.order_updates("", 10)
    assert info.value.status == 503
    assert central.requests.count("GET /v1/orders/updates") == 3


def test_connection_refused_is_offline(central: FakeCentral, make_client: ClientFactory) -> None:
    central.fail("/orders", *[Fault(exc=httpx.ConnectError) for _ in range(4)])
    with pytest.raises(Offline):
        make_client().order_updates("", 10)


def test_4xx_is_rejected_at_once_with_the_error_code(
    central: FakeCentral, make_client: ClientFactory, sleeps: list[float]
) -> None:
    client = make_client()
    client.authorize("wrong-token")
    with pytest.raises(Rejected) as info:
        client.order_updates("", 10)
    assert info.value.status == 401 and info.value.code == "unauthorized"
    assert info.value.needs_enrollment
    assert sleeps == []


def test_event_push_retries_send_the_same_event_ids(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    events = [_event(i) for i in range(30)]
    central.fail("/events", Fault(exc=httpx.ReadTimeout), Fault(status=503))
    result = make_client().push_events(wire.EventBatch(events=events))
    assert [r.status for r in result.results] == [wire.EventStatus.ACCEPTED] * 30
    # The first two attempts never reached the handler's bookkeeping; the third did.
    assert central.event_requests == [[e.id for e in events]]
    assert central.requests.count("POST /v1/events") == 3


def test_a_reply_lost_after_commit_is_resent_and_answered_duplicate(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    events = [_event(i) for i in range(3)]
    central.fail("/events", Fault(commit_then=httpx.ReadTimeout))
    result = make_client().push_events(wire.EventBatch(events=events))
    assert {r.status for r in result.results} == {wire.EventStatus.DUPLICATE}
    assert central.event_requests == [[e.id for e in events]] * 2
    assert len(central.events) == 3


def test_timeouts_on_every_attempt_are_unknown_not_failure(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    central.fail("/events", *[Fault(commit_then=httpx.ReadTimeout) for _ in range(4)])
    with pytest.raises(Unknown, match="outcome is unknown"):
        make_client().push_events(wire.EventBatch(events=[_event(1)]))


def test_enroll_is_not_repeated_after_a_timeout(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    central.fail("/enroll", Fault(exc=httpx.ReadTimeout), Fault(exc=httpx.ReadTimeout))
    with pytest.raises(Unknown):
        make_client().enroll(wire.EnrollRequest(code="ABCD1234"))
    assert central.requests.count("POST /v1/enroll") == 1


def test_large_event_pushes_are_gzip_compressed(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    seen: list[str | None] = []

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("content-encoding"))
        return central._events(request)

    central.override["/events"] = spy
    client = make_client()
    client.push_events(wire.EventBatch(events=[_event(i) for i in range(20)]))
    assert seen == ["gzip"]
    assert client.stats.wire_bytes_out < len(
        wire.EventBatch(events=[_event(i) for i in range(20)]).model_dump_json()
    )


def test_gzip_bomb_is_cut_off_at_the_cap(central: FakeCentral, make_client: ClientFactory) -> None:
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 300_000
    central.override["/catalog"] = lambda r: reply(200, bomb, {"content-encoding": "gzip"})
    client = make_client()
    started = time.perf_counter()
    with pytest.raises(BadResponse, match="larger than"):
        client.catalog_changes("", 10)
    assert time.perf_counter() - started < 5
    # Inflation stopped at the cap: never more than one cap's worth was produced.
    assert client.stats.body_bytes_in <= wire.MAX_BODY_BYTES


def test_plain_body_over_the_cap_is_refused(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    central.override["/media"] = lambda r: reply(200, b"x" * 5000)
    with pytest.raises(BadResponse):
        make_client().media("ab" * 32, max_bytes=4096)


def _fixed_reply(body: bytes, request: httpx.Request) -> httpx.Response:
    return reply(200, body)


def test_malformed_and_schema_violating_bodies_are_bad_responses(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    bodies = [
        b"not json at all",
        json.dumps({"items": [], "categories": []}).encode(),  # missing fields
        json.dumps(
            {"items": [], "categories": [], "next_cursor": "1", "has_more": False, "evil": 1}
        ).encode(),
        json.dumps(
            {
                "items": [{"sku": "A", "version": 1, "price_fen": -5}],
                "categories": [],
                "next_cursor": "1",
                "has_more": False,
            }
        ).encode(),
    ]
    for body in bodies:
        central.override["/catalog"] = functools.partial(_fixed_reply, body)
        with pytest.raises(BadResponse, match=r"nothing was changed|invalid"):
            make_client().catalog_changes("", 10)


def test_truncated_gzip_reply_is_a_bad_response(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    whole = gzip.compress(json.dumps({"items": [], "next_cursor": "", "has_more": False}).encode())
    central.override["/orders"] = lambda r: reply(
        200, whole[: len(whole) // 2], {"content-encoding": "gzip"}
    )
    with pytest.raises(BadResponse, match="ended too early"):
        make_client().order_updates("", 10)


def test_results_for_events_that_were_not_sent_are_refused(
    central: FakeCentral, make_client: ClientFactory
) -> None:
    stray = {"results": [{"id": _event(99).id, "status": "accepted"}]}
    central.override["/events"] = lambda r: reply(200, json.dumps(stray).encode())
    with pytest.raises(BadResponse, match="not sent"):
        make_client().push_events(wire.EventBatch(events=[_event(1)]))


def test_interrupt_cuts_a_backoff_wait_short(central: FakeCentral) -> None:
    central.fail("/orders", *[Fault(status=503) for _ in range(5)])
    http = httpx.Client(base_url="http://central.test", transport=central.transport())
    client = CentralClient(http, policy=RetryPolicy(base_delay_s=60, max_delay_s=60))
    client.authorize("t")
    client.interrupt()
    started = time.perf_counter()
    with pytest.raises(ServerError):
        client.order_updates("", 10)
    assert time.perf_counter() - started < 5
    assert central.requests.count("GET /v1/orders/updates") == 1
