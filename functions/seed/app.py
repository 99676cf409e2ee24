"""CloudFormation custom resource: seeds the test merchant on create and update (idempotent), and
deactivates it when the resource is deleted: the stack left test mode, or the stack is going away."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

from gateway.services.merchants import deactivate_test_merchant, seed_test_merchant

logger = logging.getLogger("gateway.seed")


def handler(event: dict[str, Any], context: Any) -> None:
    status, reason = "SUCCESS", "seeded"
    try:
        if event.get("RequestType") in ("Create", "Update"):
            seed_test_merchant()
        elif event.get("RequestType") == "Delete":
            deactivate_test_merchant()
    except Exception as error:  # CloudFormation must always get an answer, or the stack hangs for an hour
        logger.exception("seeding failed")
        status, reason = "FAILED", f"seeding failed: {type(error).__name__}"
    _respond(event, context, status, reason)


def _respond(event: dict[str, Any], context: Any, status: str, reason: str) -> None:
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason,
            "PhysicalResourceId": event.get("PhysicalResourceId") or "test-merchant-seed",
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is CloudFormation's pre-signed S3 URL
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""}
    )
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass
