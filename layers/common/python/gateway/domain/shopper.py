"""The shopper behind a payment: the optional `email` and `contact` a payment request may carry, how they
are kept, and the search of a merchant's payments by them or by the card's last four digits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gateway.errors import BadRequestError

# The shopper's details a payment may carry (both optional). An address of RFC 5321's length with one @,
# no spaces and a dotted domain: what a checkout can check without sending mail.
MAX_EMAIL_LENGTH = 254
EMAIL_PATTERN = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f.]+(\.[^@\s\x00-\x1f\x7f.]+)+$")
# E.164: up to 15 digits, after an optional +; 8 at least, so no card's last four reads as a contact.
CONTACT_PATTERN = re.compile(r"^\+?[0-9]{8,15}$")
_CONTACT_RULE = "contact must be 8 to 15 digits, optionally after a +"
_CONTACT_SEPARATORS = re.compile(r"[ ()-]")
LAST4_PATTERN = re.compile(r"^[0-9]{4}$")


def normalize_contact(raw: str) -> str:
    """A phone number as stored and searched: spaces, hyphens and brackets dropped."""
    return _CONTACT_SEPARATORS.sub("", raw)


def normalize_email(raw: str) -> str:
    """An address as searched: domains are case-insensitive, and shoppers type local parts either way."""
    return raw.strip().lower()


class PaymentSearchField(StrEnum):
    EMAIL = "email"
    CONTACT = "contact"
    CARD_LAST4 = "card_last4"


@dataclass(frozen=True)
class PaymentSearch:
    """One search of the dashboard: the field and its value as the index keys it."""

    field: PaymentSearchField
    value: str


def validate_payment_search(
    email: str | None, contact: str | None, card_last4: str | None
) -> PaymentSearch | None:
    """At most one of the three filters of `GET /api/v1/payments`; None when none is given."""
    given = {
        name: value
        for name, value in (
            (PaymentSearchField.EMAIL, email),
            (PaymentSearchField.CONTACT, contact),
            (PaymentSearchField.CARD_LAST4, card_last4),
        )
        if value
    }
    if len(given) > 1:
        raise BadRequestError("filter by one of email, contact or card_last4 at a time", field="email")
    if not given:
        return None
    ((field, value),) = given.items()
    if field is PaymentSearchField.EMAIL:
        if len(value) > MAX_EMAIL_LENGTH:
            raise BadRequestError("email is too long", field="email")
        return PaymentSearch(field, normalize_email(value))
    if field is PaymentSearchField.CONTACT:
        contact = normalize_contact(value)
        if not CONTACT_PATTERN.match(contact):
            raise BadRequestError(_CONTACT_RULE, field="contact")
        return PaymentSearch(field, contact)
    if not LAST4_PATTERN.match(value):
        raise BadRequestError("card_last4 must be 4 digits", field="card_last4")
    return PaymentSearch(field, value)


@dataclass(frozen=True)
class ShopperDetails:
    email: str | None = None
    contact: str | None = None


def _shopper_email(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.match(raw):
        raise BadRequestError("email must be an email address", field="email")
    return raw


def _shopper_contact(raw: object) -> str | None:
    if raw is None:
        return None
    # Bounded before normalizing: separators may pad a number, not a megabyte of text.
    if not isinstance(raw, str) or len(raw) > 32:
        raise BadRequestError(_CONTACT_RULE, field="contact")
    contact = normalize_contact(raw)
    if not CONTACT_PATTERN.match(contact):
        raise BadRequestError(_CONTACT_RULE, field="contact")
    return contact


def validate_shopper_details(body: dict[str, Any]) -> ShopperDetails:
    """The optional `email` and `contact` of a payment request; a contact is kept without separators."""
    return ShopperDetails(
        email=_shopper_email(body.get("email")), contact=_shopper_contact(body.get("contact"))
    )
