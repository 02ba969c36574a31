"""The device credential lives in a secure keyring only; insecure backends are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend

from kiosk.storage.store import KioskStore
from kiosk.sync import credentials as cred
from kiosk.sync.errors import KeyringRefused, NotEnrolled
from tests.helpers.fake_keyring import MemoryKeyring, plaintext_keyring
from tests.helpers.raw_files import raw_bytes


def test_insecure_backends_are_named(tmp_path: Path) -> None:
    assert "does not keep secrets safe" in (cred.insecure_reason(fail.Keyring()) or "")
    assert cred.insecure_reason(null.Keyring()) is not None
    assert cred.insecure_reason(plaintext_keyring(tmp_path)) is not None
    assert cred.insecure_reason(MemoryKeyring()) is None


def test_a_chainer_is_only_as_good_as_what_it_chains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chainer = ChainerBackend()
    monkeypatch.setattr(ChainerBackend, "backends", [plaintext_keyring(tmp_path)])
    assert "no secure keyring" in (cred.insecure_reason(chainer) or "")
    monkeypatch.setattr(ChainerBackend, "backends", [plaintext_keyring(tmp_path), MemoryKeyring()])
    assert cred.insecure_reason(chainer) is None


def test_plaintext_keyring_is_refused_unless_the_test_rig_allows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cred.ENV_ALLOW_INSECURE, raising=False)
    creds = cred.KeyringCredentials("dev-1", backend=plaintext_keyring(tmp_path))
    with pytest.raises(KeyringRefused, match=cred.ENV_ALLOW_INSECURE):
        creds.save("secret-token")
    assert not (tmp_path / "keyring_pass.cfg").exists()
    monkeypatch.setenv(cred.ENV_ALLOW_INSECURE, "0")
    with pytest.raises(KeyringRefused):
        creds.save("secret-token")
    monkeypatch.setenv(cred.ENV_ALLOW_INSECURE, "1")
    creds.save("secret-token")
    assert creds.token() == "secret-token"


def test_token_round_trip_and_clear(store: KioskStore) -> None:
    backend = MemoryKeyring()
    creds = cred.KeyringCredentials("dev-7", backend=backend)
    with pytest.raises(NotEnrolled):
        creds.token()
    assert not creds.has_token()
    creds.save("tok-123")
    assert creds.token() == "tok-123" and creds.has_token()
    assert backend.secrets == {(cred.SERVICE, "device:dev-7"): "tok-123"}
    creds.clear()
    creds.clear()  # forgetting twice is fine
    assert not creds.has_token()
    # Never in the local database.
    assert b"tok-123" not in raw_bytes(store.path)
