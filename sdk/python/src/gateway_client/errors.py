"""One exception per error code of the gateway (openapi.yaml `ErrorCode`), each carrying code,
description, status and the request id. Callers catch the base `ApiError`, or one subclass for the case
they handle."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class GatewayClientError(Exception):
    """Everything this package raises."""


class ApiError(GatewayClientError):
    """The gateway answered with an error, or could not be reached (`ConnectionError`)."""

    def __init__(
        self,
        description: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status
        self.request_id = request_id
        self.body = body
        self.headers: dict[str, str] = dict(headers or {})

    def __str__(self) -> str:
        parts = [f"{self.code}: {self.description}" if self.code else self.description]
        if self.status is not None:
            parts.append(f"(HTTP {self.status}")
            parts[-1] += f", request {self.request_id})" if self.request_id else ")"
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, description={self.description!r}, "
            f"status={self.status!r}, request_id={self.request_id!r})"
        )


class AuthenticationError(ApiError):
    """401 AUTHENTICATION_ERROR: the API key and secret pair was missing or wrong."""


class BadRequestError(ApiError):
    """400 BAD_REQUEST_ERROR: a validation failure, or a request the resource's state does not allow."""


class InvalidVpaError(BadRequestError):
    """400 INVALID_VPA."""


class InvalidCardError(BadRequestError):
    """400 INVALID_CARD."""


class ExpiredCardError(BadRequestError):
    """400 EXPIRED_CARD."""


class NotFoundError(ApiError):
    """404 NOT_FOUND_ERROR (another merchant's resources are not found either)."""


class IdempotencyError(ApiError):
    """IDEMPOTENCY_ERROR: 409 while the first request with the key still runs, 422 for another body."""


class RateLimitError(ApiError):
    """429 RATE_LIMIT_ERROR; `retry_after` is the server's `Retry-After` in seconds when it sent one."""

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


class ServerError(ApiError):
    """5xx (INTERNAL_SERVER_ERROR or a proxy's answer): safe to retry later."""


class ConnectionError(ApiError):
    """The gateway could not be reached, or the connection broke before an answer arrived."""


ERRORS_BY_CODE: dict[str, type[ApiError]] = {
    "AUTHENTICATION_ERROR": AuthenticationError,
    "BAD_REQUEST_ERROR": BadRequestError,
    "INVALID_VPA": InvalidVpaError,
    "INVALID_CARD": InvalidCardError,
    "EXPIRED_CARD": ExpiredCardError,
    "NOT_FOUND_ERROR": NotFoundError,
    "IDEMPOTENCY_ERROR": IdempotencyError,
    "RATE_LIMIT_ERROR": RateLimitError,
    "INTERNAL_SERVER_ERROR": ServerError,
}

ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    409: IdempotencyError,
    422: IdempotencyError,
    429: RateLimitError,
}


def error_from_response(status: int, body: Any, headers: Mapping[str, str]) -> ApiError:
    """The exception for one error answer: by the body's code, else by the HTTP status."""
    lowered = {name.lower(): value for name, value in headers.items()}
    envelope = body.get("error") if isinstance(body, dict) else None
    code = description = request_id = None
    if isinstance(envelope, dict):
        code = _text(envelope.get("code"))
        description = _text(envelope.get("description"))
        request_id = _text(envelope.get("request_id"))
    request_id = request_id or lowered.get("request-id")
    error_class = ERRORS_BY_CODE.get(code or "") or ERRORS_BY_STATUS.get(status)
    if error_class is None:
        error_class = ServerError if status >= 500 else ApiError
    return error_class(
        description or f"HTTP {status} with no error description",
        code=code,
        status=status,
        request_id=request_id,
        body=body,
        headers=lowered,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    # Rare (servers send seconds), and email.utils costs ~20 ms of import time: imported when needed.
    from datetime import datetime, timezone
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class SignatureVerificationError(GatewayClientError):
    """A webhook delivery was unsigned, tampered with, signed with another secret, or too old or new; or a
    checkout result's payment signature does not match (`verify_payment_signature`)."""
