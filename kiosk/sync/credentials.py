"""The device credential: kept in the OS keyring only, never in the database, files or logs.

A kiosk's token lives under service :data:`SERVICE` and account ``device:<device id>``. An
insecure keyring backend (keyring's "fail" or "null" backends, a chainer with nothing secure behind
it, a plaintext file such as ``keyrings.alt.file.PlaintextKeyring``, or any backend keyring itself
ranks below 1) is refused with a clear message, unless the environment variable
:data:`ENV_ALLOW_INSECURE` is ``1`` — for test rigs only.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from kiosk.sync.errors import KeyringRefused, NotEnrolled

SERVICE = "village-kiosk"
ENV_ALLOW_INSECURE = "KIOSK_ALLOW_INSECURE_KEYRING"

#: Backends that store secrets readable by anyone who can read the user's files.
_INSECURE_CLASSES = frozenset(
    {
        "keyring.backends.fail.Keyring",
        "keyring.backends.null.Keyring",
        "keyrings.alt.file.PlaintextKeyring",
        "keyrings.alt.file.EncryptedKeyring",  # asks for a password on a console: unusable here
        "keyrings.alt.Google.DocsKeyring",
        "keyrings.alt.pyfs.PlaintextKeyring",
        "keyrings.alt.pyfs.EncryptedKeyring",
        "keyrings.alt.multi.MultipartKeyringWrapper",
    }
)


class Credentials(Protocol):
    """Where the engine gets the device token from."""

    def token(self) -> str:
        """The device token; raises :class:`NotEnrolled` when there is none."""
        ...


class StaticCredentials:
    """A token held in memory (tests, benchmarks)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self) -> str:
        """The token given at construction."""
        return self._token


def _qualname(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _priority(backend: Any) -> float:
    try:
        return float(backend.priority)
    except Exception:  # a backend that cannot even say how good it is counts as unusable
        return -1.0


def insecure_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` is not acceptable for the device credential, or ``None`` if it is."""
    name = _qualname(backend)
    if name in _INSECURE_CLASSES:
        return f"the keyring backend {name} does not keep secrets safe"
    if name == "keyring.backends.chainer.ChainerBackend":
        inner = [b for b in getattr(backend, "backends", []) if insecure_reason(b) is None]
        if not inner:
            return "no secure keyring backend is available (only insecure or none)"
        return None
    if _priority(backend) < 1:
        return f"the keyring backend {name} is marked as not recommended (priority below 1)"
    return None


def allow_insecure() -> bool:
    """True when the test-rig override :data:`ENV_ALLOW_INSECURE` is set to ``1``."""
    return os.environ.get(ENV_ALLOW_INSECURE, "") == "1"


def checked_backend(backend: KeyringBackend | None = None) -> KeyringBackend:
    """The keyring backend to use, after refusing insecure ones.

    Raises:
        KeyringRefused: with a one-line explanation of what to do.
    """
    chosen = backend if backend is not None else keyring.get_keyring()
    reason = insecure_reason(chosen)
    if reason is not None and not allow_insecure():
        raise KeyringRefused(
            f"cannot store the device credential safely: {reason}; install or unlock the"
            " system keyring (Windows Credential Manager, GNOME Keyring/KWallet), or set"
            f" {ENV_ALLOW_INSECURE}=1 on a test rig only"
        )
    return chosen


class KeyringCredentials:
    """The device token of one enrolled kiosk, in the OS keyring.

    Args:
        device_id: the device id central assigned at enrollment (the keyring account).
        backend: a specific backend (tests); by default keyring's configured one.
    """

    def __init__(self, device_id: str, backend: KeyringBackend | None = None) -> None:
        self.device_id = device_id
        self._backend = backend

    @property
    def account(self) -> str:
        """The keyring account name (no secret in it)."""
        return f"device:{self.device_id}"

    def _keyring(self) -> KeyringBackend:
        return checked_backend(self._backend)

    def token(self) -> str:
        """The stored token.

        Raises:
            NotEnrolled: no token is stored for this device.
            KeyringRefused: the keyring is insecure or cannot be read.
        """
        try:
            value = self._keyring().get_password(SERVICE, self.account)
        except keyring.errors.KeyringError as exc:
            raise KeyringRefused(
                f"cannot read the device credential from the keyring: {exc}"
            ) from None
        if not value:
            raise NotEnrolled(
                "this kiosk's device credential is missing from the keyring: enroll it again"
            )
        return value

    def has_token(self) -> bool:
        """True when a token is stored (never returns or prints it)."""
        try:
            return bool(self._keyring().get_password(SERVICE, self.account))
        except (KeyringRefused, keyring.errors.KeyringError):
            return False

    def save(self, token: str) -> None:
        """Store ``token`` (replacing any previous one)."""
        try:
            self._keyring().set_password(SERVICE, self.account, token)
        except keyring.errors.KeyringError as exc:
            raise KeyringRefused(
                f"cannot store the device credential in the keyring: {exc}"
            ) from None

    def clear(self) -> None:
        """Forget the token (re-enrollment, decommissioning)."""
        try:
            self._keyring().delete_password(SERVICE, self.account)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise KeyringRefused(
                f"cannot remove the device credential from the keyring: {exc}"
            ) from None
