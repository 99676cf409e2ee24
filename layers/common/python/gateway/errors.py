"""The one error hierarchy. Each class carries its HTTP status and API code; transports translate it once."""

from __future__ import annotations

from typing import Any, TypeVar

INTERNAL_ERROR_DESCRIPTION = "Internal server error"


class GatewayError(Exception):
    """Base of every error the gateway raises."""

    status_code = 500
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, description: str, *, field: str | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.field = field

    def headers(self) -> dict[str, str]:
        """Response headers that go with this error (none by default)."""
        return {}

    def to_body(self) -> dict[str, Any]:
        error = {"code": self.code, "description": self.description}
        if self.field:
            error["field"] = self.field
        return {"error": error}


class AuthenticationError(GatewayError):
    status_code = 401
    code = "AUTHENTICATION_ERROR"

    def __init__(self, description: str = "Invalid API credentials") -> None:
        super().__init__(description)


class BadRequestError(GatewayError):
    status_code = 400
    code = "BAD_REQUEST_ERROR"


class OrderAlreadyPaidError(BadRequestError):
    def __init__(self) -> None:
        super().__init__("Order already paid", field="order_id")


class NotFoundError(GatewayError):
    status_code = 404
    code = "NOT_FOUND_ERROR"


class InvalidVpaError(BadRequestError):
    code = "INVALID_VPA"

    def __init__(self) -> None:
        super().__init__("VPA format invalid", field="vpa")


class InvalidCardError(BadRequestError):
    code = "INVALID_CARD"

    def __init__(self) -> None:
        super().__init__("Card validation failed", field="card.number")


class ExpiredCardError(BadRequestError):
    code = "EXPIRED_CARD"

    def __init__(self) -> None:
        super().__init__("Card expiry date invalid", field="card.expiry")


class IdempotencyInFlightError(GatewayError):
    """The key belongs to a request that is still running (or raced this one and won)."""

    status_code = 409
    code = "IDEMPOTENCY_ERROR"

    def __init__(self) -> None:
        super().__init__("A request with this Idempotency-Key is still being processed; retry shortly")


class IdempotencyMismatchError(GatewayError):
    status_code = 422
    code = "IDEMPOTENCY_ERROR"

    def __init__(self) -> None:
        super().__init__("Idempotency-Key was already used with a different request body")


class RateLimitError(GatewayError):
    status_code = 429
    code = "RATE_LIMIT_ERROR"

    def __init__(self, description: str, retry_after_seconds: int) -> None:
        super().__init__(description)
        self.retry_after_seconds = max(1, retry_after_seconds)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class ServiceUnavailableError(GatewayError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"


class DatabaseUnavailableError(ServiceUnavailableError):
    """The table store cannot be reached; `/health` reports it in its own shape."""

    def __init__(self, timestamp: str) -> None:
        super().__init__("Database unreachable")
        self.timestamp = timestamp

    def to_body(self) -> dict[str, Any]:
        return {"status": "unhealthy", "database": "disconnected", "timestamp": self.timestamp}


class InternalError(GatewayError):
    """A fault inside the gateway: a caller sees only a generic 500, never the description."""

    def to_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "description": INTERNAL_ERROR_DESCRIPTION}}


class ConfigurationError(InternalError):
    """A required environment variable is missing or malformed."""


class IllegalTransitionError(InternalError):
    """A lifecycle move the domain does not allow (e.g. a paid order back to created)."""


R = TypeVar("R")


class ConflictError(InternalError):
    """A conditional write lost: the item was not in the state the write required (data layer -> services).

    `resource` names the item whose condition failed by the domain type it holds (`Order`, `Payment`, ...),
    and `current` is that item as it was stored when the condition failed (None when there was none), so a
    caller branches on what failed instead of guessing, and needs no re-read to learn the new state.
    """

    def __init__(
        self, description: str, *, resource: type | None = None, current: object | None = None
    ) -> None:
        super().__init__(description)
        self.resource = resource
        self.current = current

    def failed_on(self, resource: type) -> bool:
        return self.resource is resource

    def current_as(self, resource: type[R]) -> R | None:
        """The failed item as stored, when it is a `resource` (None otherwise, or when there was none)."""
        return self.current if isinstance(self.current, resource) else None


class IdempotencyKeyTakenError(ConflictError):
    """Another request stored a response under the same idempotency key first."""


class PermanentDeliveryError(InternalError):
    """A worker message can never succeed (malformed, unknown id); retrying would only fill the DLQ."""
