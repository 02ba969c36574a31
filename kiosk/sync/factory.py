"""Wiring: build a ready engine for a store, and enroll a kiosk. Used by the CLI and the UI."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from keyring.backend import KeyringBackend

from kiosk import __version__, waits, wire
from kiosk.errors import InvalidInput
from kiosk.storage.settings import CATALOG_CURSOR, DEVICE_ID, ORDERS_CURSOR, SERVER_URL
from kiosk.storage.store import KioskStore
from kiosk.sync import engine as eng
from kiosk.sync.client import CentralClient, RetryPolicy, Timeouts, make_http_client
from kiosk.sync.credentials import KeyringCredentials, checked_backend
from kiosk.sync.errors import NotEnrolled, Offline, Rejected, ServerError, TlsRefused, Unknown
from kiosk.sync.listener import SyncListener
from kiosk.text import clean_network_text

#: Environment knobs (test rigs, slow links): seconds, attempts, seconds.
ENV_TIMEOUT = "KIOSK_SYNC_TIMEOUT"
ENV_RETRIES = "KIOSK_SYNC_RETRIES"
ENV_BACKOFF = "KIOSK_SYNC_BACKOFF"


def _env_float(name: str) -> float | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a number of seconds, got '{text}'") from None
    if value <= 0:
        raise InvalidInput(f"{name} must be positive, got '{text}'")
    return value


def network_settings(
    timeout_s: float | None = None, retries: int | None = None
) -> tuple[Timeouts, RetryPolicy]:
    """Timeouts and retry policy from arguments, else the environment, else defaults."""
    timeout = timeout_s or _env_float(ENV_TIMEOUT)
    attempts = retries if retries is not None else _env_float(ENV_RETRIES)
    backoff = _env_float(ENV_BACKOFF)
    timeouts = Timeouts()
    if timeout:
        timeouts = Timeouts(
            connect=min(timeout, timeouts.connect),
            read=timeout,
            write=timeout,
            pool=timeout,
            total=max(timeout * 10, timeout),
        )
    policy = RetryPolicy()
    if attempts is not None:
        policy = RetryPolicy(
            max_attempts=max(1, int(attempts)),
            base_delay_s=backoff or policy.base_delay_s,
            max_delay_s=policy.max_delay_s,
        )
    elif backoff:
        policy = RetryPolicy(base_delay_s=backoff)
    return timeouts, policy


def wait_words(seconds: float | None) -> str:
    """A wait in English for one-line messages: "40 seconds", "15 minutes" (rounded up)."""
    if seconds is None:
        return "a few minutes"
    return waits.wait_words(seconds)


def check_server_url(url: str) -> str:
    """Normalise and check a server URL typed by a technician."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(
            f"'{url}' is not a server address; use e.g. https://central.example.cn",
            code="server.bad_address",
            params={"url": url},
        )
    return url


def open_engine(
    store: KioskStore,
    *,
    timeouts: Timeouts | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
    backend: KeyringBackend | None = None,
    listener: SyncListener | None = None,
) -> eng.SyncEngine:
    """A sync engine for an enrolled kiosk (server URL and device id from its settings).

    Raises:
        NotEnrolled: the kiosk has no server or device id yet.
    """
    server_url = store.setting(SERVER_URL)
    device_id = store.setting(DEVICE_ID)
    if not server_url or not device_id:
        raise NotEnrolled(
            "this kiosk is not enrolled yet: run `kiosk enroll --server URL --code CODE`"
        )
    client = CentralClient(
        make_http_client(server_url, timeouts, transport=transport),
        policy=policy,
        timeouts=timeouts,
    )
    return eng.SyncEngine(
        store, client, KeyringCredentials(device_id, backend=backend), listener=listener
    )


@dataclass(frozen=True, slots=True)
class Enrollment:
    """The outcome of ``kiosk enroll`` (no token in here)."""

    center_id: str
    center_name: str
    device_id: str
    server_url: str
    #: This PC's number within its center (``None`` from a central that does not number PCs).
    pc_no: int | None = None
    #: The device this PC replaced (its credential now refused by central), if any.
    replaced_device_id: str | None = None


def enroll(
    store: KioskStore,
    server_url: str,
    code: str,
    *,
    device_name: str | None = None,
    timeouts: Timeouts | None = None,
    transport: httpx.BaseTransport | None = None,
    backend: KeyringBackend | None = None,
) -> Enrollment:
    """Exchange a one-time code for a device credential; keep it in the keyring only.

    The keyring is checked *before* the code is spent. Settings written: ``center.id``,
    ``center.name``, ``device.id``, ``sync.server_url`` (cursors reset when the server changes).

    Raises:
        InvalidInput: a malformed URL or code.
        KeyringRefused: no secure keyring (see KIOSK_ALLOW_INSECURE_KEYRING for test rigs).
        Rejected: the code was refused (unknown, used or expired).
        ServerError: central failed, or its enrollment brake is on (``code``
            ``enroll_throttled``, ``retry_after_s`` the wait): too many refused codes came for
            this center or from this network address; the message says how long to wait.
        TlsRefused: the server's certificate was refused (``reason`` says why).
        Offline / Unknown: the server could not be reached or did not answer.
        PracticeProblem: ``store`` is the practice store (it never talks to central).
    """
    from kiosk.storage.center import set_center
    from kiosk.storage.orders import adopt_local_orders
    from kiosk.storage.practice import PracticeProblem, is_practice_store
    from kiosk.storage.pullback import ENROLL, mark_needed
    from kiosk.storage.settings import PC_NO

    if is_practice_store(store):  # before any code is spent
        raise PracticeProblem("the practice store is never enrolled; leave practice mode first")
    url = check_server_url(server_url)
    code = code.strip()
    if not 4 <= len(code) <= 64:
        raise InvalidInput("the enrollment code must be 4 to 64 characters")
    chosen = checked_backend(backend)
    request = wire.EnrollRequest(
        code=code,
        device_name=(device_name or socket.gethostname())[:100],
        app_version=__version__,
    )
    # A spent code cannot be retried, so only connection failures (nothing sent) are retried.
    client = CentralClient(make_http_client(url, timeouts, transport=transport), timeouts=timeouts)
    try:
        response = client.enroll(request)
    except Rejected as exc:
        raise Rejected(
            f"the enrollment code was refused: {exc}; ask the platform for a new code",
            exc.status,
            exc.code,
        ) from None
    except ServerError as exc:
        if exc.code != "enroll_throttled":
            raise
        raise ServerError(
            "too many wrong enrollment codes were tried for this center or from this network"
            f" address; wait {wait_words(exc.retry_after_s)}, then try again with a valid code",
            exc.status,
            exc.code,
            exc.retry_after_s,
        ) from None
    except TlsRefused:
        raise  # its own words: the clock, or the certificate
    except Offline:
        raise Offline(
            f"cannot reach the central service at {url}; check the address and the internet"
        ) from None
    except Unknown:
        raise Unknown(
            f"the central service at {url} did not answer in time; if enrolling again says the"
            " code was used, ask the platform for a new code"
        ) from None
    finally:
        client.close()
    # A hostile or broken central may send escapes in the name; it is shown on screens and
    # printed by the CLI, so only its printable text is kept.
    center_name = clean_network_text(response.center_name)
    previous_device = store.setting(DEVICE_ID)
    KeyringCredentials(response.device_id, backend=chosen).save(response.token)
    if previous_device and previous_device != response.device_id:
        KeyringCredentials(previous_device, backend=chosen).clear()
    with store.write() as s:
        if KioskStore.get_setting(s, SERVER_URL) not in (None, url):
            for key in (CATALOG_CURSOR, ORDERS_CURSOR):
                KioskStore.set_setting(s, key, "")
        set_center(s, response.center_id, center_name)
        KioskStore.set_setting(s, PC_NO, str(response.pc_no) if response.pc_no else "")
        # Orders taken before the first enrollment (numbered LOCAL-…) become this center's.
        adopt_local_orders(s, response.center_id, response.pc_no)
        KioskStore.set_setting(s, DEVICE_ID, response.device_id)
        KioskStore.set_setting(s, SERVER_URL, url)
        # A new PC (or a re-enrolled one) keeps the orders central holds for its center: the
        # next sync pulls them back (kiosk/storage/pullback.py).
        mark_needed(s, ENROLL)
        KioskStore.audit(
            s, "technician", "enrolled", response.device_id, f"center {response.center_id}"
        )
    return Enrollment(
        response.center_id,
        center_name,
        response.device_id,
        url,
        response.pc_no,
        response.replaced_device_id,
    )
