"""Hostile input (docs/reliability.md): a hostile "central" (a tiny local HTTP server) sends a gzip
bomb and schema-violating bodies to the real engine: a clear error and an unchanged store. TLS
certificates that are self-signed, for another host, or expired are refused."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kiosk import wire
from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.models import Category, Order, OutboxEvent, Product
from kiosk.storage.settings import CATALOG_CURSOR, ORDERS_CURSOR
from kiosk.storage.store import KioskStore
from kiosk.sync.client import CentralClient, RetryPolicy, Timeouts, make_http_client
from kiosk.sync.credentials import StaticCredentials
from kiosk.sync.engine import SyncEngine
from kiosk.sync.errors import Offline
from tests.helpers.seed import seed_products


class Hostile(ThreadingHTTPServer):
    """Answers every request with ``reply`` (status, headers, body)."""

    daemon_threads = True
    reply: tuple[int, dict[str, str], bytes] = (200, {}, b"{}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Hostile

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        if "Content-Length" in self.headers:
            self.rfile.read(int(self.headers["Content-Length"]))
        status, headers, body = self.server.reply
        self.send_response(status)
        for k, v in {"Content-Type": "application/json", **headers}.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer


@contextmanager
def _serve(ctx: ssl.SSLContext | None = None) -> Iterator[Hostile]:
    server = Hostile(("127.0.0.1", 0), _Handler)
    if ctx is not None:
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    t = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    t.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _dump(store: KioskStore) -> dict[str, Any]:
    """Everything a hostile reply must not change."""
    with store.read() as s:
        return {
            "products": [
                (p.sku, p.name, p.price_fen, p.server_version, p.active, p.stock)
                for p in s.scalars(select(Product).order_by(Product.sku))
            ],
            "categories": [(c.name, c.active) for c in s.scalars(select(Category))],
            "outbox": [(e.id, e.state, e.payload) for e in s.scalars(select(OutboxEvent))],
            "orders": [(o.id, o.status, o.server_no) for o in s.scalars(select(Order))],
            "cursors": [KioskStore.get_setting(s, k) for k in (CATALOG_CURSOR, ORDERS_CURSOR)],
        }


@pytest.fixture
def rig(store: KioskStore) -> Iterator[tuple[Hostile, SyncEngine, dict[str, Any]]]:
    from kiosk.storage.orders import place_order

    seed_products(store)
    place_order(
        store, Customer.of("张三", "13812345678"), [LineRequest("LY-0001", 2)], Payment.CASH
    )
    with _serve() as server:
        client = CentralClient(
            make_http_client(f"http://127.0.0.1:{server.server_address[1]}", Timeouts(read=5)),
            policy=RetryPolicy(max_attempts=1),
        )
        engine = SyncEngine(store, client, StaticCredentials("t" * 43), media_per_run=0)
        try:
            yield server, engine, _dump(store)
        finally:
            client.close()


def test_gzip_bomb_is_stopped_at_the_cap_and_changes_nothing(
    rig: tuple[Hostile, SyncEngine, dict[str, Any]], store: KioskStore
) -> None:
    server, engine, before = rig
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    parts = [z.compress(zeros) for _ in range(wire.MAX_BODY_BYTES // len(zeros) + 8)]
    bomb = b"".join(parts) + z.flush()
    assert len(bomb) < 64 * 1024  # tens of KB on the wire, 40 MiB unpacked
    server.reply = (200, {"Content-Encoding": "gzip"}, bomb)
    summary = engine.run_once()
    assert not summary.ok
    assert any("once unpacked" in e and "nothing was changed" in e for e in summary.errors)
    assert _dump(store) == before


def test_zstd_bomb_is_stopped_at_the_cap_and_changes_nothing(
    rig: tuple[Hostile, SyncEngine, dict[str, Any]], store: KioskStore
) -> None:
    server, engine, before = rig
    # Streamed frames (no content size in the header) of zeros: a few KB that unpack to 40 MiB.
    z = zstandard.ZstdCompressor(level=19).compressobj()
    zeros = bytes(1 << 20)
    bomb = b"".join(z.compress(zeros) for _ in range(wire.MAX_BODY_BYTES // len(zeros) + 8))
    bomb += z.flush()
    assert len(bomb) < 64 * 1024
    server.reply = (200, {"Content-Encoding": "zstd"}, bomb)
    summary = engine.run_once()
    assert not summary.ok
    assert any("once unpacked" in e and "nothing was changed" in e for e in summary.errors)
    assert _dump(store) == before


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_zstd_is_refused_and_changes_nothing(
    rig: tuple[Hostile, SyncEngine, dict[str, Any]], store: KioskStore, damage: str
) -> None:
    server, engine, before = rig
    page = json.dumps(
        {"items": [_VALID_ITEM], "categories": [], "next_cursor": "99", "has_more": False}
    ).encode()
    frame = zstandard.ZstdCompressor().compress(page)
    body = b"not zstd at all, not zstd at all" if damage == "garbage" else frame[:-4]
    server.reply = (200, {"Content-Encoding": "zstd"}, body)
    summary = engine.run_once()
    assert not summary.ok
    assert any("compressed reply" in e for e in summary.errors), summary.errors
    assert _dump(store) == before


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_VALID_ITEM = {
    "sku": "ZZ-1",
    "version": 99,
    "name": "x",
    "category": "c",
    "price_fen": 1,
    "unit": "个",
}


@st.composite
def _bad_pages(draw: st.DrawFn) -> bytes:
    """Broken catalog pages: random JSON, or a valid page with one field made wrong."""
    if draw(st.booleans()):
        return json.dumps(draw(_json)).encode()
    page: dict[str, Any] = {
        "items": [dict(_VALID_ITEM)],
        "categories": [{"name": "c", "sort_order": 0, "active": True}],
        "next_cursor": "99",
        "has_more": False,
    }
    where = draw(st.sampled_from(["items", "page"]))
    target = page["items"][0] if where == "items" else page
    key = draw(st.sampled_from(sorted(target)))
    target[key] = draw(_json.filter(lambda v: type(v) is not type(target[key])))
    return json.dumps(page).encode()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(body=_bad_pages())
def test_schema_violations_give_a_clear_error_and_change_nothing(
    rig: tuple[Hostile, SyncEngine, dict[str, Any]], store: KioskStore, body: bytes
) -> None:
    server, engine, before = rig
    server.reply = (200, {}, body)
    summary = engine.run_once()
    after = _dump(store)
    if after != before:
        # Only a body that happens to be a valid page may change the store (never on "ok" lies).
        wire.CatalogPage.model_validate_json(body)
    else:
        assert not summary.ok
        assert any("invalid" in e or "not" in e for e in summary.errors), summary.errors


# --- TLS -------------------------------------------------------------------------------------


def _cert(
    tmp: Path,
    name: str,
    *,
    host: str,
    issuer: tuple[Any, Any] | None,
    expired: bool = False,
) -> tuple[Path, Any, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    start, end = (
        (now - dt.timedelta(days=30), now - dt.timedelta(days=1))
        if expired
        else (now - dt.timedelta(days=1), now + dt.timedelta(days=30))
    )
    is_ca = host == ""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer[0].subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if not is_ca:
        try:
            san: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            san = x509.DNSName(host)
        builder = builder.add_extension(x509.SubjectAlternativeName([san]), critical=False)
    cert = builder.sign(issuer[1] if issuer else key, hashes.SHA256())
    path = tmp / f"{name}.pem"
    path.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path, cert, key


def _server_ctx(pem: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pem)
    return ctx


def _health(url: str, transport: httpx.HTTPTransport | None = None) -> dict[str, Any]:
    client = CentralClient(
        make_http_client(url, Timeouts(connect=5, read=5), transport=transport),
        policy=RetryPolicy(max_attempts=1),
    )
    try:
        return client.health()
    finally:
        client.close()


def test_bad_certificates_are_refused(tmp_path: Path) -> None:
    pytest.importorskip("cryptography", reason="making test certificates needs `cryptography`")
    ca_path, ca_cert, ca_key = _cert(tmp_path, "test-ca", host="", issuer=None)
    ca = (ca_cert, ca_key)
    trusting = ssl.create_default_context(cafile=str(ca_path))
    cases: dict[str, tuple[Path, httpx.HTTPTransport | None]] = {
        # The engine's own client, as built in production: default trust store.
        "self-signed": (_cert(tmp_path, "self", host="127.0.0.1", issuer=None)[0], None),
        # Our test CA trusted (as if it were a real one): host and dates still checked.
        "wrong-host": (
            _cert(tmp_path, "wrong", host="central.example.cn", issuer=ca)[0],
            httpx.HTTPTransport(verify=trusting),
        ),
        "expired": (
            _cert(tmp_path, "old", host="127.0.0.1", issuer=ca, expired=True)[0],
            httpx.HTTPTransport(verify=trusting),
        ),
    }
    good = _cert(tmp_path, "good", host="127.0.0.1", issuer=ca)[0]
    with _serve(_server_ctx(good)) as server:
        server.reply = (200, {}, b'{"status": "ok"}')
        url = f"https://127.0.0.1:{server.server_address[1]}"
        # Control: a valid certificate from the trusted CA works, so the refusals below are real.
        assert _health(url, httpx.HTTPTransport(verify=trusting)) == {"status": "ok"}
        with pytest.raises(Offline, match="CERTIFICATE_VERIFY_FAILED"):
            _health(url)  # our CA is not in the default trust store
    for name, (pem, transport) in cases.items():
        with _serve(_server_ctx(pem)) as server:
            server.reply = (200, {}, b'{"status": "ok"}')
            url = f"https://127.0.0.1:{server.server_address[1]}"
            with pytest.raises(Offline, match="CERTIFICATE_VERIFY_FAILED") as info:
                _health(url, transport)
            assert ("expired" in str(info.value)) == (name == "expired")
