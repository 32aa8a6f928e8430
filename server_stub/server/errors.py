"""The API's error type: every refusal is `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A request the server refuses, with its HTTP status and a stable `code`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def not_found(what: str, ident: str) -> ApiError:
    return ApiError(404, f"{what}_not_found", f"no {what} with id {ident!r}")


def request_id_reused(what: str) -> ApiError:
    """A client-generated request id this user already used for something else: a retry
    carries the same body; a new request needs a new id."""
    return ApiError(
        409,
        "request_id_reused",
        f"this request_id was used for another {what}: a new {what} needs a new request_id",
    )
