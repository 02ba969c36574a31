"""Schemathesis fuzzes the central ASGI app in-process against its own OpenAPI schema, on SQLite
and on PostgreSQL when ``KIOSK_TEST_PG_URL`` is set: no 5xx, every status code and body as the
schema says, schema-invalid input refused. Afterwards central's log holds no traceback and no
phone number (docs/security.md, docs/testing.md).

``make test`` runs a few examples per operation (``KIOSK_FUZZ_EXAMPLES``, default 12);
``make fuzz`` runs many more.
"""

from __future__ import annotations

import logging
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from central.app import create_app
from central.edge import DeviceRateLimit
from central.service import CentralService
from kiosk.wire import EnrollRequest
from tests.central.conftest import add_products

EXAMPLES = int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
PHONE_RE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def _app_and_auth(service: CentralService) -> tuple[object, dict[str, str]]:
    add_products(service, 3)
    code = service.create_enroll_code("C001").code
    token = service.enroll(EnrollRequest(code=code)).token
    # No rate limit here: the fuzzer is one device sending hundreds of requests at once.
    app = create_app(service, rate_limit=DeviceRateLimit(burst=10**9, per_second=10**9))
    return app, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_central_holds_against_its_own_schema(
    service: CentralService, caplog: pytest.LogCaptureFixture, mode: GenerationMode
) -> None:
    caplog.set_level(logging.INFO)
    app, auth = _app_and_auth(service)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    calls = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.generate],
        )
        def run(case: schemathesis.Case) -> None:
            nonlocal calls
            headers = dict(case.headers or {})
            # A negative case may leave the token out on purpose (central must answer 401);
            # otherwise the generated token is replaced by a real one, to get past the edge.
            if mode == GenerationMode.POSITIVE or any(
                k.lower() == "authorization" for k in headers
            ):
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
                headers.update(auth)
            case.call_and_validate(headers=headers, checks=CHECKS)
            calls += 1

        try:
            run()
        except Unsatisfiable:
            # Negative mode on an operation with no input at all (GET /v1/health): nothing to break.
            print(f"\nnot fuzzed ({mode.value}): {operation.label} takes no input")
    print(f"\nschemathesis ({mode.value}): {calls} calls, {len(operations)} operations, 0 failures")
    text = caplog.text
    assert "Traceback" not in text, text
    assert not PHONE_RE.search(text), text
    assert not [r for r in caplog.records if r.exc_info], text
