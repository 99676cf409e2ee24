"""JSON log lines on the standard logging module, each carrying the request id it was written for.

The request id is API Gateway's `requestContext.requestId` (or one generated when absent); it is bound
while a request or a job runs, and stored on the payments and refunds a request created so the workers,
the outbox and the webhook delivery log it too: support can go from a merchant's failed call to every line
about it. Hand-written rather than Powertools Logger: a formatter and two context variables are all it takes.
"""

from __future__ import annotations

import contextvars
import json
import logging
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TextIO

PRODUCT_LOGGER = "gateway"
# The attribute a record carries a ready-made Embedded Metric Format document in (written as it is).
EMF_ATTRIBUTE = "emf"
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_merchant_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("merchant_id", default=None)
# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


def new_request_id() -> str:
    """A request id for a request that came without one (CSPRNG, like API Gateway's UUIDs)."""
    return secrets.token_hex(16)


def current_request_id() -> str | None:
    return _request_id.get()


def current_merchant_id() -> str | None:
    return _merchant_id.get()


def bind_merchant_id(merchant_id: str) -> None:
    """The merchant the running request authenticated as (reset with the request id's scope)."""
    _merchant_id.set(merchant_id)


@contextmanager
def request_scope(request_id: str | None) -> Iterator[None]:
    """Lines written inside carry `request_id`; the merchant bound inside does not outlive the scope."""
    request_token = _request_id.set(request_id)
    merchant_token = _merchant_id.set(None)
    try:
        yield
    finally:
        _merchant_id.reset(merchant_token)
        _request_id.reset(request_token)


def adopt_request_id(request_id: str | None) -> None:
    """Inside a job's scope: the job turned out to belong to this request (read from its record)."""
    if request_id:
        _request_id.set(request_id)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and every `extra` key."""

    def format(self, record: logging.LogRecord) -> str:
        emf = getattr(record, EMF_ATTRIBUTE, None)
        if isinstance(emf, dict):
            return json.dumps(emf, separators=(",", ":"), default=str)
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            line["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key != EMF_ATTRIBUTE:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, separators=(",", ":"), default=str)


_configured = False


def configure_logging(stream: TextIO | None = None, formatter: logging.Formatter | None = None) -> None:
    """Send the product's log lines, as JSON, to stdout (where Lambda collects them); once per process, so
    a host that calls it first (a local console wanting another `formatter`) decides for the handlers.

    The product logger does not propagate: on Lambda the root logger has the runtime's own handler, which
    would write every line a second time in its text format.
    """
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(formatter or JsonFormatter())
    product = logging.getLogger(PRODUCT_LOGGER)
    product.addHandler(handler)
    product.setLevel(logging.INFO)
    product.propagate = False
    _configured = True
