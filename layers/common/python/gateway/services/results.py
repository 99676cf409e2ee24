"""What a use case hands back to a transport."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ApiResult:
    status: int
    body: Any
    # True when the body is a stored response returned again for a repeated Idempotency-Key.
    replayed: bool = False
