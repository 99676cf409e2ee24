"""The one error hierarchy. Each class carries its HTTP status and API code; transports translate it once."""

from __future__ import annotations


class GatewayError(Exception):
    """Base of every error the gateway reports to a caller."""

    status_code = 500
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, description: str, *, field: str | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.field = field

    def headers(self) -> dict[str, str]:
        """Response headers that go with this error (none by default)."""
        return {}

    def to_body(self) -> dict[str, dict[str, str]]:
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


class ConflictError(Exception):
    """A conditional write lost: the item was not in the state the write required (data layer -> services)."""


class PermanentDeliveryError(Exception):
    """A worker message can never succeed (malformed, unknown id); retrying would only fill the DLQ."""
