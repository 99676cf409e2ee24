"""boto3 clients, created lazily and once per process (a Lambda container reuses them)."""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    existing = _clients.get(service)
    if existing is not None:
        return existing
    with _lock:
        if service not in _clients:
            import boto3  # deferred: boto3 costs ~300 ms to import, and the API path rarely needs it
            from botocore.config import Config

            _clients[service] = boto3.session.Session().client(
                service, config=Config(connect_timeout=3, read_timeout=10, retries={"mode": "standard"})
            )
        return _clients[service]
