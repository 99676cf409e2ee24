"""Partial batch responses for SQS and DynamoDB Streams (`ReportBatchItemFailures`).

Hand-written rather than Powertools' BatchProcessor: the part we need is thirty lines, and importing
Powertools costs more cold-start time than the whole of this package.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from gateway.errors import PermanentDeliveryError

logger = logging.getLogger("gateway.batches")


def process_sqs_batch(
    event: dict[str, Any],
    handle: Callable[[dict[str, Any]], None],
    remaining_ms: Callable[[], int] | None = None,
    needed_ms: int = 0,
) -> dict[str, Any]:
    """Handle each message's JSON body; failed messages return to the queue (and end in its DLQ).

    With `remaining_ms` (the Lambda context's clock), a message is started only while `needed_ms` are
    left: the ones there is no time for go back to the queue as failures instead of being cut off by the
    function's timeout, which would return the whole batch, finished messages included.
    """
    failures = []
    for record in event.get("Records", []):
        message_id = record.get("messageId", "")
        if remaining_ms is not None and remaining_ms() < needed_ms:
            logger.warning("no time left for message", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
            continue
        try:
            body = json.loads(record["body"])
            if not isinstance(body, dict):
                raise PermanentDeliveryError("message body is not a JSON object")
            handle(body)
        except PermanentDeliveryError as error:
            # Retrying cannot help; dropping it beats letting it block or fill the DLQ.
            logger.error("dropping message", extra={"message_id": message_id, "reason": str(error)})
        except (ValueError, KeyError):
            logger.exception("malformed message", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
        except Exception:
            logger.exception("message failed", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


def process_stream_batch(event: dict[str, Any], handle: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Handle stream records in order; on the first failure, report it so the batch resumes from there.

    Later records are not attempted: Lambda retries from the lowest failed sequence number, so their
    effects would run again anyway (they are idempotent, but there is no point).
    """
    for record in event.get("Records", []):
        sequence = record.get("dynamodb", {}).get("SequenceNumber", "")
        try:
            handle(record)
        except Exception:
            logger.exception("stream record failed", extra={"sequence_number": sequence})
            return {"batchItemFailures": [{"itemIdentifier": sequence}]}
    return {"batchItemFailures": []}
