"""The process's AWS clients: one botocore session for all of them, each client made once, lazily (a
Lambda container reuses them)."""

from __future__ import annotations

import threading
from typing import Any

import botocore.session

_clients: dict[str, Any] = {}
_lock = threading.Lock()
_session: botocore.session.Session | None = None


def botocore_session() -> botocore.session.Session:
    """The process's one botocore session, for every client: boto3's and pynamodb's. A new session loads
    botocore's data files again (endpoints, partitions, the service's model): 60-90 ms a client here, a
    little more on Lambda, where a client from the shared session costs 3-10 ms."""
    global _session
    with _lock:
        if _session is None:
            _session = botocore.session.get_session()
        return _session


def client(service: str) -> Any:
    existing = _clients.get(service)
    if existing is not None:
        return existing
    session = botocore_session()
    with _lock:
        if service not in _clients:
            import boto3  # deferred: boto3 costs ~300 ms to import, and the API path rarely needs it
            from botocore.config import Config

            _clients[service] = boto3.session.Session(botocore_session=session).client(
                service, config=Config(connect_timeout=3, read_timeout=10, retries={"mode": "standard"})
            )
        return _clients[service]
