"""Idempotency keys: which requests count as the same."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from gateway.domain.validation import MIN_CARD_DIGITS, card_digits, card_network

TTL_SECONDS = 24 * 60 * 60
MAX_KEY_LENGTH = 255


def without_card_data(body: Any) -> Any:
    """The request with its card reduced to what may be kept (PCI DSS): network, last four digits, expiry
    and holder. The number and the CVV are left out in every form, hashed ones included."""
    card = body.get("card") if isinstance(body, dict) else None
    if not isinstance(card, dict):
        return body
    number = card.get("number")
    digits = card_digits(number) if isinstance(number, str | int) and not isinstance(number, bool) else ""
    kept = {
        "network": card_network(digits) if digits.isdigit() else None,
        "last4": digits[-4:] if len(digits) >= MIN_CARD_DIGITS else None,
        **{name: card.get(name) for name in ("expiry_month", "expiry_year", "holder_name")},
    }
    return {**body, "card": kept}


def request_fingerprint(body: Any) -> str:
    """A hash of the request body without its card data, canonicalized so key order and whitespace do not
    matter. Two requests for the same card network, last four and expiry count as the same."""
    canonical = json.dumps(without_card_data(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def scoped_key(merchant_id: str, endpoint: str, key: str) -> str:
    """Keys are scoped per merchant and endpoint; the stored key is hashed so its length is bounded."""
    digest = hashlib.sha256(f"{merchant_id}\n{endpoint}\n{key}".encode()).hexdigest()
    return f"{merchant_id}#{digest}"


@dataclass(frozen=True)
class IdempotencyRecord:
    """The first response to a keyed request, stored with the resource it describes."""

    key: str
    request_hash: str
    response_status: int
    response_body: str
    created_at: str
    # Epoch seconds; also the table's TTL attribute (DynamoDB deletes late, so reads check it too).
    expires_at: int

    def expired(self, now: float) -> bool:
        return self.expires_at < now
