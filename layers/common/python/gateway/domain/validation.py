"""Validation of request bodies, in the order docs/behaviour.md gives."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from gateway.domain.currencies import is_iso_4217
from gateway.domain.network import is_global_address
from gateway.domain.processing import TEST_CARDS, TEST_VPAS
from gateway.errors import BadRequestError, ExpiredCardError, InvalidCardError, InvalidVpaError

MIN_ORDER_AMOUNT = 100
MAX_AMOUNT = 10**13  # paise; far above any real order, and well inside DynamoDB's number range
MAX_RECEIPT_LENGTH = 255
MAX_VPA_LENGTH = 255
MAX_HOLDER_NAME_LENGTH = 255
MAX_ID_LENGTH = 64
# Razorpay's limits on notes: enough for references, too little to use the gateway as storage.
MAX_NOTES_KEYS = 15
MAX_NOTE_KEY_LENGTH = 40
MAX_NOTE_VALUE_LENGTH = 256
MAX_WEBHOOK_URL_LENGTH = 2048
VPA_PATTERN = re.compile(r"^[a-zA-Z0-9._-]+@[a-zA-Z0-9]+$")
# Control characters and white space anywhere in a URL (urlsplit lets them through).
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
_CARD_SEPARATORS = re.compile(r"[\s-]")
MIN_CARD_DIGITS, MAX_CARD_DIGITS = 13, 19


def is_integer(value: Any) -> bool:
    # bool is an int subclass in Python; JSON true is not an amount.
    return isinstance(value, int) and not isinstance(value, bool)


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequestError("Request body must be a JSON object")
    return body


@dataclass(frozen=True)
class OrderRequest:
    amount: int
    currency: str
    receipt: str | None
    notes: dict[str, Any]


def validate_order(body: Any) -> OrderRequest:
    body = require_object(body)
    amount = body.get("amount")
    if not is_integer(amount) or amount < MIN_ORDER_AMOUNT:
        raise BadRequestError("amount must be at least 100", field="amount")
    if amount > MAX_AMOUNT:
        raise BadRequestError("amount is too large", field="amount")
    currency = body.get("currency", "INR")
    if currency is None:
        currency = "INR"
    if not isinstance(currency, str) or not is_iso_4217(currency):
        raise BadRequestError("currency must be an ISO 4217 currency code", field="currency")
    receipt = body.get("receipt")
    if receipt is not None and (not isinstance(receipt, str) or len(receipt) > MAX_RECEIPT_LENGTH):
        raise BadRequestError("receipt must be a string of at most 255 characters", field="receipt")
    return OrderRequest(amount=amount, currency=currency, receipt=receipt, notes=validate_notes(body))


def validate_notes(body: dict[str, Any]) -> dict[str, str]:
    notes = body.get("notes")
    if notes is None:
        return {}
    if not isinstance(notes, dict):
        raise BadRequestError("notes must be an object", field="notes")
    if len(notes) > MAX_NOTES_KEYS:
        raise BadRequestError("notes may have at most 15 keys", field="notes")
    for key, value in notes.items():
        if len(key) > MAX_NOTE_KEY_LENGTH:
            raise BadRequestError("notes keys must be at most 40 characters", field="notes")
        if not isinstance(value, str) or len(value) > MAX_NOTE_VALUE_LENGTH:
            raise BadRequestError("notes values must be strings of at most 256 characters", field="notes")
    return notes


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_network(digits: str) -> str:
    two = int(digits[:2]) if len(digits) >= 2 else -1
    if digits.startswith("4"):
        return "visa"
    if 51 <= two <= 55:
        return "mastercard"
    if two in (34, 37):
        return "amex"
    if two in (60, 65) or 81 <= two <= 89:
        return "rupay"
    return "unknown"


def card_digits(raw: str | int) -> str:
    """The card number without the spaces and hyphens people type."""
    return _CARD_SEPARATORS.sub("", str(raw))


def normalize_card_number(raw: Any) -> str:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise InvalidCardError()
    digits = card_digits(raw)
    if (
        not digits.isascii()
        or not digits.isdigit()
        or not MIN_CARD_DIGITS <= len(digits) <= MAX_CARD_DIGITS
        or not luhn_valid(digits)
    ):
        raise InvalidCardError()
    return digits


def _expiry_part(raw: Any) -> int | None:
    if is_integer(raw):
        return int(raw)
    # At most 4 digits: a month or a year, never the thousands of digits int() would refuse.
    if isinstance(raw, str) and len(raw.strip()) <= 4 and raw.strip().isascii() and raw.strip().isdigit():
        return int(raw.strip())
    return None


def validate_expiry(raw_month: Any, raw_year: Any, today: date) -> tuple[int, int]:
    """Month 1-12 and not before the current month; a 2-digit year means 20YY."""
    month = _expiry_part(raw_month)
    year = _expiry_part(raw_year)
    if month is None or year is None or not 1 <= month <= 12:
        raise ExpiredCardError()
    year_text = str(raw_year).strip() if not is_integer(raw_year) else str(raw_year)
    if len(year_text) <= 2:
        year += 2000
    elif len(year_text) != 4:
        raise ExpiredCardError()
    if (year, month) < (today.year, today.month):
        raise ExpiredCardError()
    return month, year


@dataclass(frozen=True)
class CardDetails:
    """What may be kept of a card: never the number or the CVV."""

    network: str
    last4: str


@dataclass(frozen=True)
class PaymentRequest:
    order_id: str
    method: str
    vpa: str | None = None
    card: CardDetails | None = None
    # The test-mode input (docs/behaviour.md) this request is, if any (applied only in test mode).
    test_outcome: str | None = None


CARD_FIELDS = ("number", "expiry_month", "expiry_year", "cvv", "holder_name")


def parse_order_reference(body: Any) -> tuple[dict[str, Any], str]:
    body = require_object(body)
    order_id = body.get("order_id")
    if not isinstance(order_id, str) or not order_id:
        raise BadRequestError("order_id is required", field="order_id")
    if len(order_id) > MAX_ID_LENGTH:
        raise BadRequestError("order_id is too long", field="order_id")
    return body, order_id


def validate_payment_method(body: dict[str, Any], order_id: str, today: date) -> PaymentRequest:
    """Checks after the order is known: method, then UPI or card details."""
    method = body.get("method")
    if method == "upi":
        vpa = body.get("vpa")
        if not isinstance(vpa, str) or len(vpa) > MAX_VPA_LENGTH or not VPA_PATTERN.match(vpa):
            raise InvalidVpaError()
        return PaymentRequest(order_id=order_id, method="upi", vpa=vpa, test_outcome=TEST_VPAS.get(vpa))
    if method == "card":
        card = body.get("card")
        if not isinstance(card, dict):
            raise BadRequestError("card details are required", field="card")
        for name in CARD_FIELDS:
            value = card.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise BadRequestError(f"card.{name} is required", field=f"card.{name}")
        digits = normalize_card_number(card["number"])
        validate_expiry(card["expiry_month"], card["expiry_year"], today)
        cvv = card["cvv"]
        if not isinstance(cvv, str | int) or isinstance(cvv, bool) or not str(cvv).isdigit():
            raise InvalidCardError()
        if not 3 <= len(str(cvv)) <= 4:
            raise InvalidCardError()
        holder_name = card["holder_name"]
        if not isinstance(holder_name, str) or len(holder_name) > MAX_HOLDER_NAME_LENGTH:
            raise BadRequestError(
                "card.holder_name must be a string of at most 255 characters", field="card.holder_name"
            )
        return PaymentRequest(
            order_id=order_id,
            method="card",
            card=CardDetails(network=card_network(digits), last4=digits[-4:]),
            test_outcome=TEST_CARDS.get(digits),
        )
    raise BadRequestError("Invalid payment method", field="method")


def validate_refund(body: Any) -> tuple[int, str | None]:
    body = require_object(body)
    amount = body.get("amount")
    if not is_integer(amount) or amount <= 0:
        raise BadRequestError("amount must be a positive integer", field="amount")
    reason = body.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_RECEIPT_LENGTH):
        raise BadRequestError("reason must be a string of at most 255 characters", field="reason")
    return amount, reason


def validate_capture(body: Any) -> int:
    """Capture names the amount to capture; only a full capture exists, so it must equal the payment's."""
    body = require_object(body)
    amount = body.get("amount")
    if not is_integer(amount) or amount <= 0:
        raise BadRequestError("amount must be a positive integer", field="amount")
    return int(amount)


def validate_webhook_url(
    body: Any, allow_private: bool, refused_private_ports: frozenset[int] = frozenset()
) -> str:
    """An http(s) URL with a host, a valid port, no userinfo and no control characters; unless private
    targets are allowed (the local stack), an IP literal must be globally routable. Host names are checked
    again, resolved, at every delivery (DNS can change), but what can be refused now is refused now."""
    body = require_object(body)
    if "webhook_url" not in body:
        raise BadRequestError("webhook_url is required (empty to disable webhooks)", field="webhook_url")
    url = body["webhook_url"]
    if url is None or url == "":
        return ""
    if not isinstance(url, str) or len(url) > MAX_WEBHOOK_URL_LENGTH:
        raise BadRequestError("webhook_url must be an http or https URL", field="webhook_url")
    if _URL_FORBIDDEN.search(url):
        raise BadRequestError(
            "webhook_url must not contain spaces or control characters", field="webhook_url"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadRequestError("webhook_url has an invalid host or port", field="webhook_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequestError("webhook_url must be an http or https URL", field="webhook_url")
    if parts.username is not None or parts.password is not None:
        raise BadRequestError("webhook_url must not contain a user name or password", field="webhook_url")
    if port == 0:
        raise BadRequestError("webhook_url has an invalid host or port", field="webhook_url")
    private_literal = is_ip_literal(parts.hostname) and not is_global_address(parts.hostname)
    if private_literal and not allow_private:
        raise BadRequestError(
            "webhook_url must not point to a private or reserved address", field="webhook_url"
        )
    private_host = private_literal or parts.hostname == "localhost"
    if private_host and (port or DEFAULT_PORTS[parts.scheme]) in refused_private_ports:
        raise BadRequestError(
            "webhook_url must not point to a port the gateway keeps for itself", field="webhook_url"
        )
    return url


DEFAULT_PORTS = {"http": 80, "https": 443}


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def validate_pagination(limit_raw: str | None, offset_raw: str | None, default_limit: int) -> tuple[int, int]:
    def parse(raw: str | None, default: int, name: str, minimum: int, maximum: int) -> int:
        # openapi.yaml documents the parameters as `?limit=&offset=`: sent empty, they mean the default.
        if raw is None or raw == "":
            return default
        # Length first: int() of thousands of digits is refused by Python itself (and is slow).
        if len(raw) > 9 or not raw.isascii() or not raw.isdigit():
            raise BadRequestError(f"{name} must be a non-negative integer", field=name)
        value = int(raw)
        if not minimum <= value <= maximum:
            raise BadRequestError(f"{name} must be between {minimum} and {maximum}", field=name)
        return value

    return (
        parse(limit_raw, default_limit, "limit", 1, 100),
        parse(offset_raw, 0, "offset", 0, 1_000_000),
    )
