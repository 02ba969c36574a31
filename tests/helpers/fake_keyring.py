"""Keyring backends for tests: a plaintext file keyring in a temp folder, and a "secure" fake."""

from __future__ import annotations

from pathlib import Path

from keyring.backend import KeyringBackend
from keyrings.alt.file import PlaintextKeyring


def plaintext_keyring(folder: Path) -> PlaintextKeyring:
    """keyrings.alt's PlaintextKeyring storing its file in ``folder`` (insecure by design)."""
    backend = PlaintextKeyring()
    backend.file_path = str(folder / "keyring_pass.cfg")
    return backend


class MemoryKeyring(KeyringBackend):
    """An in-memory backend that claims a secure priority (stands in for the OS keyring)."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")
