"""Idempotency keys: which requests count as the same."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

TTL_SECONDS = 24 * 60 * 60
MAX_KEY_LENGTH = 255


def request_fingerprint(body: Any) -> str:
    """A hash of the request body, canonicalized so key order and whitespace do not matter."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
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
