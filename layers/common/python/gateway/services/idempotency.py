"""Idempotency-Key handling (docs/behaviour.md, "Idempotency").

A response is stored in the same DynamoDB transaction as the resource it describes, so there is never a
resource without its record or a record without its resource. A request that loses the race for a key
(its transaction finds the record already there) answers 409; one that arrives after the first finished
gets the stored response replayed. Validation errors are never stored.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.data.idempotency import get_idempotency_record
from gateway.domain.clock import now_iso
from gateway.domain.idempotency import (
    MAX_KEY_LENGTH,
    TTL_SECONDS,
    IdempotencyRecord,
    request_fingerprint,
    scoped_key,
)
from gateway.errors import (
    BadRequestError,
    IdempotencyInFlightError,
    IdempotencyKeyTakenError,
    IdempotencyMismatchError,
)
from gateway.services.results import ApiResult

# Writes the resource and, when given one, the idempotency record, in one transaction.
Write = Callable[[IdempotencyRecord | None], None]


@dataclass(frozen=True)
class IdempotentRequest:
    """One request's claim on a key; `storage_key` is None when the request carries no key."""

    storage_key: str | None
    fingerprint: str

    @classmethod
    def of(cls, scope: str, endpoint: str, key: str | None, body: Any) -> IdempotentRequest:
        if key is not None and (not key.strip() or len(key) > MAX_KEY_LENGTH):
            raise BadRequestError("Idempotency-Key must be 1 to 255 characters", field="Idempotency-Key")
        storage_key = scoped_key(scope, endpoint, key) if key else None
        return cls(storage_key=storage_key, fingerprint=request_fingerprint(body))

    def lookup(self) -> IdempotencyRecord | None:
        return get_idempotency_record(self.storage_key) if self.storage_key else None

    def replay(self, record: IdempotencyRecord | None) -> ApiResult | None:
        """The stored response for a repeat, None for a first request, 422 for a different body."""
        if record is None:
            return None
        if record.request_hash != self.fingerprint:
            raise IdempotencyMismatchError()
        return ApiResult(record.response_status, json.loads(record.response_body), replayed=True)

    def commit(self, result: ApiResult, write: Write) -> ApiResult:
        """Write the resource and, with a key, the response under it: one transaction."""
        record = None
        if self.storage_key:
            record = IdempotencyRecord(
                key=self.storage_key,
                request_hash=self.fingerprint,
                response_status=result.status,
                response_body=json.dumps(result.body, separators=(",", ":")),
                created_at=now_iso(),
                expires_at=int(time.time()) + TTL_SECONDS,
            )
        try:
            write(record)
        except IdempotencyKeyTakenError as taken:
            # Another request with this key won the race (the error carries its record); ours created nothing.
            winner = taken.current_as(IdempotencyRecord)
            if winner is not None and winner.request_hash != self.fingerprint:
                raise IdempotencyMismatchError() from None
            raise IdempotencyInFlightError() from None
        return result
