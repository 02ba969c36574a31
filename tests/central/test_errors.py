"""Bad input of every kind is one family at central: ``BadRequest`` (HTTP 400, exit code 2).

The service's own checks (a center id, a price, a catalog file, a cursor) all raise it; it is
also the kiosk's ``InvalidInput``, so a caller handles both alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from central.errors import BadRequest, CentralError
from central.service import CentralService
from kiosk.errors import InvalidInput
from tests.central.conftest import add_products


def test_bad_request_is_the_one_family_of_bad_input() -> None:
    err = BadRequest("limit must be at least 1", code="bad_limit")
    assert isinstance(err, CentralError) and isinstance(err, InvalidInput)
    assert (err.status_code, err.code, err.exit_code, str(err)) == (
        400,
        "bad_limit",
        2,
        "limit must be at least 1",
    )
    assert BadRequest("x").code == "bad_request"


def test_every_bad_input_of_the_service_is_a_bad_request(
    service: CentralService, tmp_path: Path
) -> None:
    add_products(service, 1)
    folder = tmp_path / "usb"
    folder.mkdir()
    refusals = {
        "center id": lambda: service.create_enroll_code("C 017!"),
        "ttl": lambda: service.create_enroll_code("C017", ttl_hours=0),
        "price": lambda: service.set_price("P00000", -1),
        "export to a folder": lambda: service.export_catalog(folder),
        "cursor": lambda: service.catalog_page("abc", None),
        "limit": lambda: service.catalog_page("", 0),
    }
    for what, call in refusals.items():
        with pytest.raises(BadRequest) as caught:
            call()
        assert str(caught.value) and "\n" not in str(caught.value), what
