from __future__ import annotations

from keyring.backend import KeyringBackend

from agent_tui.credentials import CredentialStore


def test_password_is_remembered_per_server_and_agent(memory_keyring: KeyringBackend) -> None:
    store = CredentialStore()
    assert store.available()
    assert store.set("http://a:8765/", "1001", "s3cret")
    assert store.get("http://a:8765", "1001") == "s3cret"
    assert store.get("http://b:8765", "1001") is None
    assert store.get("http://a:8765", "1002") is None


def test_delete_forgets_and_deleting_nothing_is_fine(memory_keyring: KeyringBackend) -> None:
    store = CredentialStore()
    store.set("http://a", "1001", "pw")
    store.delete("http://a", "1001")
    assert store.get("http://a", "1001") is None
    store.delete("http://a", "1001")
    assert memory_keyring.get_password("agent-tui:http://a", "1001") is None


def test_without_a_keyring_backend_nothing_is_stored(no_keyring: None) -> None:
    store = CredentialStore()
    assert not store.available()
    assert store.set("http://a", "1001", "pw") is False
    assert store.get("http://a", "1001") is None
