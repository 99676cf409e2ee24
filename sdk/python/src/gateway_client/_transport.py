"""HTTP with the gateway: credentials, idempotency keys, retries with backoff, errors as exceptions.

`requests` is imported here only, and this module only when a `Client` is made, so a webhook receiver
that imports `gateway_client` just to verify signatures never pays for it.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

import requests
from urllib3.exceptions import NewConnectionError

from gateway_client import __version__
from gateway_client.errors import ApiError, ConnectionError, error_from_response, parse_retry_after

RETRYABLE_ALWAYS = frozenset({429})
SERVER_ERRORS_FROM = 500


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: `max_retries` after the first attempt, exponential backoff with jitter, and the
    server's `Retry-After` honoured up to `retry_after_cap` seconds."""

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    retry_after_cap: float = 60.0

    def delay(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry `retry_number` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (retry_number - 1)))
        # "Equal jitter": at least half the backoff, so clients that failed together spread out but
        # none of them hammers the server straight away.
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))


@dataclass(frozen=True)
class Call:
    """One API call; `keyed`: the endpoint honours `Idempotency-Key`, so a POST is safe to repeat."""

    method: str
    path: str
    params: Mapping[str, Any] | None = None
    body: Any = None
    idempotency_key: str | None = None
    keyed: bool = False


class Transport:
    def __init__(
        self,
        api_key: str,
        api_secret: str,
        base_url: str,
        timeout: float,
        retry: RetryPolicy,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                "X-Api-Key": api_key,
                "X-Api-Secret": api_secret,
                "User-Agent": f"gateway-client-python/{__version__}",
                "Accept": "application/json",
            }
        )

    def request(self, call: Call) -> Any:
        headers = {}
        if call.method == "POST":
            # One key for every attempt of this call: a retry after a lost answer replays, never repeats.
            headers["Idempotency-Key"] = call.idempotency_key or str(uuid.uuid4())
        url = f"{self.base_url}{call.path}"
        retry_number = 0
        while True:
            try:
                response = self.session.request(
                    call.method,
                    url,
                    params=call.params,
                    json=call.body,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.RequestException as failure:
                if retry_number >= self.retry.max_retries or not self._may_retry_unanswered(call, failure):
                    raise ConnectionError(
                        f"could not reach {self.base_url}: {_reason(failure)}", code="CONNECTION_ERROR"
                    ) from failure
                retry_number += 1
                self.sleep(self.retry.delay(retry_number))
                continue
            body = _json_or_text(response)
            if response.status_code < 400:
                return body
            error = error_from_response(response.status_code, body, response.headers)
            if retry_number >= self.retry.max_retries or not self._may_retry_answer(call, error):
                raise error
            retry_number += 1
            self.sleep(self.retry.delay(retry_number, parse_retry_after(response.headers.get("Retry-After"))))

    @staticmethod
    def _may_retry_unanswered(call: Call, failure: requests.RequestException) -> bool:
        if call.method != "POST" or call.keyed:
            return True
        # A POST the server cannot deduplicate is repeated only when it surely never left this machine.
        return _never_connected(failure)

    @staticmethod
    def _may_retry_answer(call: Call, error: ApiError) -> bool:
        status = error.status or 0
        if status in RETRYABLE_ALWAYS:
            return True
        if call.method == "POST" and not call.keyed:
            return False
        if call.method == "POST" and status == 409:
            return True  # the first attempt with this key is still running: its answer is coming
        return status >= SERVER_ERRORS_FROM


def _never_connected(failure: requests.RequestException) -> bool:
    if isinstance(failure, requests.ConnectTimeout):
        return True
    reason = failure.args[0] if failure.args else None
    return isinstance(getattr(reason, "reason", reason), NewConnectionError)


def _reason(failure: requests.RequestException) -> str:
    if isinstance(failure, requests.Timeout):
        return "timed out"
    if _never_connected(failure):
        return "connection refused"
    return "connection broken"


def _json_or_text(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text
