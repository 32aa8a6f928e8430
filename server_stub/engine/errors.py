"""The one error type the engine raises for commands it refuses."""

from __future__ import annotations


class EngineError(Exception):
    """A command or configuration the engine refuses; `code` is stable (the server: 409)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
