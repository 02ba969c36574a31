"""PCs of a center: numbered at enrollment, listed, revoked (the token stops at once, the history
stays), replaced by a new PC, or joined by a second PC.

On SQLite and on PostgreSQL (``KIOSK_TEST_PG_URL``), through the app and the operator CLI.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from central.cli import main as central_main
from central.service import CentralService
from tests.central.conftest import add_products, order_event, push


def _enroll(client: TestClient, code: str) -> dict[str, object]:
    r = client.post("/v1/enroll", json={"code": code, "device_name": "pc"})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def _bearer(body: dict[str, object]) -> dict[str, str]:
    return {"Authorization": f"Bearer {body['token']}"}


def _works(client: TestClient, headers: dict[str, str]) -> int:
    return client.get("/v1/orders/updates", headers=headers).status_code


def test_a_revoked_pc_is_shut_out_at_once_and_its_history_stays(
    client: TestClient,
    service: CentralService,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_products(service, 1)
    pc = _enroll(client, service.create_enroll_code("C001").code)
    headers = _bearer(pc)
    assert push(client, headers, order_event())[0]["status"] == "accepted"
    assert _works(client, headers) == 200
    assert central_main(["devices", "revoke", str(pc["device_id"]), "--db", db_url]) == 0
    assert "revoked" in capsys.readouterr().out
    r = client.get("/v1/orders/updates", headers=headers)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert "revoked" in r.json()["message"]
    assert len(service.list_orders("C001")) == 1  # the history is kept
    assert central_main(["devices", "list", "--center", "C001", "--json", "--db", db_url]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["device_id"] == pc["device_id"] and listed["revoked_at"]
    [fleet] = [c for c in service.fleet() if c["center_id"] == "C001"]
    assert (fleet["devices"], fleet["revoked_devices"]) == (0, 1)


def test_revoking_an_unknown_device_is_one_line(
    db_url: str, service: CentralService, capsys: pytest.CaptureFixture[str]
) -> None:
    assert central_main(["devices", "revoke", "no-such-device", "--db", db_url]) != 0
    err = capsys.readouterr().err
    assert err.startswith("kiosk-central: ") and len(err.strip().splitlines()) == 1


def test_a_second_pc_gets_the_next_number_and_both_work(
    client: TestClient, service: CentralService
) -> None:
    first = _enroll(client, service.create_enroll_code("C001").code)
    second = _enroll(client, service.create_enroll_code("C001").code)
    other_center = _enroll(client, service.create_enroll_code("C002").code)
    assert (first["pc_no"], second["pc_no"], other_center["pc_no"]) == (1, 2, 1)
    assert second["replaced_device_id"] is None
    assert _works(client, _bearer(first)) == _works(client, _bearer(second)) == 200


def test_a_replacement_pc_revokes_the_old_one(
    client: TestClient, service: CentralService, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _enroll(client, service.create_enroll_code("C001").code)
    argv = ["enroll-code", "--center", "C001", "--replace", str(old["device_id"])]
    assert central_main([*argv, "--json", "--db", db_url]) == 0
    code = json.loads(capsys.readouterr().out)["code"]
    assert _works(client, _bearer(old)) == 200  # until the new PC uses the code
    new = _enroll(client, code)
    assert (new["pc_no"], new["replaced_device_id"]) == (2, old["device_id"])
    assert _works(client, _bearer(old)) == 401
    assert _works(client, _bearer(new)) == 200
    states = {d.device_id: d.revoked_at for d in service.list_devices("C001")}
    assert states[str(old["device_id"])] and states[str(new["device_id"])] is None


def test_a_code_cannot_replace_another_centers_device(
    client: TestClient, service: CentralService
) -> None:
    from central.errors import NotFoundError

    theirs = _enroll(client, service.create_enroll_code("C002").code)
    with pytest.raises(NotFoundError):
        service.create_enroll_code("C001", replaces=str(theirs["device_id"]))
