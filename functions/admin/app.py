"""Operators' merchant administration, reached only through Lambda Invoke (IAM decides who may call it;
no API route leads here). The event is one command, `{"action": "create", "name": ..., "email": ...}`;
the answer is `{"ok": true, "result": {...}}` or `{"ok": false, "error": {"code", "description"}}`."""

from __future__ import annotations

import logging
from typing import Any

from gateway.errors import GatewayError
from gateway.services.admin import run

logger = logging.getLogger("gateway.admin")


def handler(event: Any, context: Any) -> dict[str, Any]:
    try:
        return {"ok": True, "result": run(event)}
    except GatewayError as error:
        if error.status_code >= 500:
            logger.exception("admin command failed")
        return {"ok": False, "status": error.status_code, **error.to_body()}
