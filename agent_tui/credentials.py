"""Remembered passwords, in the OS keyring only; never in a plain file.

Where the machine has no keyring backend (a bare server over SSH), `available()` is
False: the login screen says so in one line and asks for the password each time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring is imported on first use: with its backend discovery it costs ~130 ms, and the
# login screen asks for it from a thread after it has painted.

SERVICE_PREFIX = "agent-tui"


def _service(server: str) -> str:
    # One keyring entry per server and agent id: the same id on two centres is two people.
    return f"{SERVICE_PREFIX}:{server.rstrip('/')}"


def _is_usable(backend: KeyringBackend) -> bool:
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    # A chainer with nothing in its chain is no backend at all.
    backends = getattr(backend, "backends", None)
    if name.startswith("keyring.backends.chainer") and not backends:
        return False
    try:
        return float(backend.priority) > 0
    except Exception:
        return True


class CredentialStore:
    def __init__(self, backend: KeyringBackend | None = None) -> None:
        # None: whatever keyring chose for this machine (or what a test set with set_keyring).
        self._backend = backend

    @property
    def backend(self) -> KeyringBackend:
        import keyring

        return self._backend if self._backend is not None else keyring.get_keyring()

    def available(self) -> bool:
        return _is_usable(self.backend)

    def describe(self) -> str:
        backend = self.backend
        return getattr(backend, "name", type(backend).__name__)

    def get(self, server: str, user: str) -> str | None:
        import keyring.errors

        if not self.available():
            return None
        try:
            return self.backend.get_password(_service(server), user)
        except keyring.errors.KeyringError:
            return None

    def set(self, server: str, user: str, password: str) -> bool:
        """Remember the password; False when the keyring refused (locked, no backend)."""
        import keyring.errors

        if not self.available():
            return False
        try:
            self.backend.set_password(_service(server), user, password)
        except keyring.errors.KeyringError:
            return False
        return True

    def delete(self, server: str, user: str) -> None:
        import keyring.errors

        if not self.available():
            return
        try:
            self.backend.delete_password(_service(server), user)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing was stored
        except keyring.errors.KeyringError:
            pass
