"""Fuzzed and schema-violating ``/v1/events`` bodies get a clear 4xx and store nothing
(docs/reliability.md, Hostile input)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.app import create_app
from central.db import CentralDb
from central.service import CentralService
from tests.central.conftest import FakeClock, order_event, row_counts

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


def _mutations() -> st.SearchStrategy[object]:
    """Bodies that break the envelope schema: a field removed, retyped, or an extra one added."""
    base = {"events": [order_event(event_id="0190a000-0000-7000-8000-000000000001")]}
    event_fields = ["id", "kind", "subject_id", "created_at", "payload"]

    def drop(field: str) -> object:
        ev = dict(base["events"][0])
        ev.pop(field)
        return {"events": [ev]}

    def retype(pair: tuple[str, object]) -> object:
        field, value = pair
        return {"events": [{**base["events"][0], field: value}]}

    def extra(pair: tuple[str, object]) -> object:
        key, value = pair
        return {"events": [{**base["events"][0], f"x_{key}": value}]}

    non_str = json_values.filter(lambda v: not isinstance(v, str))
    return st.one_of(
        json_values,  # anything at all
        st.dictionaries(st.text(max_size=8), json_values, max_size=3).filter(
            lambda d: "events" not in d
        ),
        st.sampled_from(event_fields).map(drop),
        st.tuples(st.sampled_from(["id", "kind", "subject_id", "created_at"]), non_str).map(retype),
        st.tuples(st.just("payload"), json_values.filter(lambda v: not isinstance(v, dict))).map(
            retype
        ),
        st.tuples(st.just("id"), st.text(max_size=40)).map(retype),
        st.tuples(st.just("kind"), st.text(max_size=20).filter(lambda k: k not in _KINDS)).map(
            retype
        ),
        st.tuples(st.text(min_size=1, max_size=8), json_values).map(extra),
    )


_KINDS = {
    "order_placed",
    "order_cancelled",
    "arrival_checked_in",
    "pickup_confirmed",
    "order_returned",
    "cash_entry",
    "day_closed",
    "demand_counts",
}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_mutations())
def test_fuzzed_event_bodies_are_refused_and_store_nothing(tmp_path: Path, body: object) -> None:
    # One database for all examples (fresh per test function); every example must store nothing.
    db_file = tmp_path / "fuzz.db"
    db = CentralDb(f"sqlite:///{db_file}")
    db.migrate()
    service = CentralService(db, clock=FakeClock())
    try:
        with TestClient(create_app(service), raise_server_exceptions=False) as client:
            code = service.create_enroll_code("C001").code
            token = client.post("/v1/enroll", json={"code": code}).json()["token"]
            r = client.post(
                "/v1/events",
                content=json.dumps(body).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            assert 400 <= r.status_code < 500, (r.status_code, r.text)
            err = r.json()
            assert set(err) == {"error", "message"} and err["message"] and "Traceback" not in r.text
            assert row_counts(service) == {
                "events": 0,
                "orders": 0,
                "order_lines": 0,
                "order_updates": 0,
            }
    finally:
        db.close()
