"""HTTPS servers on 127.0.0.1 with test certificates, for the sync client's TLS refusals.

``make_cert(folder, valid_from=…, valid_until=…)`` writes a self-signed certificate for
127.0.0.1 (and its key) to one PEM file. Trusted as its own authority (``trusting(pem)``, or
``SSL_CERT_FILE=pem`` for code that builds its own client), it is refused only for its dates,
as a real certificate is when the kiosk's clock is years off; not trusted, it is refused as
self-signed. ``https_server(pem)`` serves ``GET`` with a small JSON health reply over TLS on a free
port and yields its URL; ``http_server()`` does the same without TLS (https spoken to it fails
the handshake).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any


def make_cert(
    folder: Path,
    *,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    name: str = "server",
) -> Path:
    """A self-signed certificate for 127.0.0.1 plus its key, in ``folder/<name>.pem``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test-{name}")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or now - dt.timedelta(days=1))
        .not_valid_after(valid_until or now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{name}.pem"
    path.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def trusting(pem: Path) -> ssl.SSLContext:
    """A client context that trusts ``pem`` (and nothing else)."""
    return ssl.create_default_context(cafile=str(pem))


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"status": "ok", "version": "test"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _serving(server: HTTPServer, scheme: str) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@contextmanager
def https_server(pem: Path) -> Iterator[str]:
    """``https://127.0.0.1:PORT`` answering any GET with a health reply, using ``pem``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pem)
    server = HTTPServer(("127.0.0.1", 0), _Health)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with _serving(server, "https") as url:
        yield url


@contextmanager
def http_server() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` (no TLS) answering any GET with a health reply."""
    with _serving(HTTPServer(("127.0.0.1", 0), _Health), "http") as url:
        yield url
