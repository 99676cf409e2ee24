"""Partial batch responses for SQS and DynamoDB Streams (`ReportBatchItemFailures`), one log line a job.

Hand-written rather than Powertools' BatchProcessor, whose import costs more cold start than this whole
package (`docs/decisions.md` has the figures and the command that measures them).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from gateway.domain.messages import PaymentJob, RefundJob
from gateway.errors import PermanentDeliveryError
from gateway.telemetry.logs import request_scope

logger = logging.getLogger("gateway.batches")
# A job's outcome in its log line: finished (or found finished), dropped for good, or back to the queue.
DONE, DROPPED, RETRY = "done", "dropped", "retry"
# The body keys that name the resource a job is about (`gateway.domain.messages`), in the order they are
# looked for: the log line names it even for a message its receiver refuses.
RESOURCE_KEYS = (PaymentJob.ID_FIELD, RefundJob.ID_FIELD, "log_id")
_MALFORMED = object()


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
    Each message is one job: one log line with its outcome and latency, under the request id it carries.
    """
    failures = []
    for record in event.get("Records", []):
        message_id = record.get("messageId", "")
        if remaining_ms is not None and remaining_ms() < needed_ms:
            logger.warning("no time left for message", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
            continue
        body = _parsed_body(record)
        fields = body if isinstance(body, dict) else {}
        started = time.perf_counter()
        with request_scope(_text(fields.get("request_id"))):
            outcome = _handle_message(handle, body, message_id)
            _log_job(handle.__name__, _resource_id(fields), outcome, started)
        if outcome == RETRY:
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


def _handle_message(handle: Callable[[dict[str, Any]], None], body: Any, message_id: str) -> str:
    try:
        if body is _MALFORMED:
            raise ValueError("message body is not JSON")
        if not isinstance(body, dict):
            raise PermanentDeliveryError("message body is not a JSON object")
        handle(body)
    except PermanentDeliveryError as error:
        # Retrying cannot help; dropping it beats letting it block or fill the DLQ.
        logger.error("dropping message", extra={"message_id": message_id, "reason": str(error)})
        return DROPPED
    except (ValueError, KeyError):
        logger.exception("malformed message", extra={"message_id": message_id})
        return RETRY
    except Exception:
        logger.exception("message failed", extra={"message_id": message_id})
        return RETRY
    return DONE


def _parsed_body(record: dict[str, Any]) -> Any:
    try:
        return json.loads(record["body"])
    except (ValueError, KeyError, TypeError):
        return _MALFORMED


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _resource_id(body: dict[str, Any]) -> str | None:
    """The job's resource; a message of several webhook attempts names their logs, comma-separated."""
    jobs = body.get("deliveries")
    if isinstance(jobs, list):
        return ",".join(filter(None, (_resource_id(job) for job in jobs if isinstance(job, dict)))) or None
    return next((_text(body[key]) for key in RESOURCE_KEYS if key in body), None)


def _log_job(function: str, resource_id: str | None, outcome: str, started: float) -> None:
    logger.info(
        "job",
        extra={
            "function": function,
            "resource_id": resource_id,
            "outcome": outcome,
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )


def process_stream_batch(event: dict[str, Any], handle: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Handle stream records in order; on the first failure, report it so the batch resumes from there.

    Later records are not attempted: Lambda retries from the lowest failed sequence number, so their
    effects would run again anyway (they are idempotent, but there is no point).
    """
    for record in event.get("Records", []):
        change = record.get("dynamodb", {})
        sequence = change.get("SequenceNumber", "")
        started = time.perf_counter()
        with request_scope(_image_text(change.get("NewImage"), "request_id")):
            try:
                handle(record)
            except Exception:
                logger.exception("stream record failed", extra={"sequence_number": sequence})
                _log_job(handle.__name__, _image_text(change.get("Keys"), "id"), RETRY, started)
                return {"batchItemFailures": [{"itemIdentifier": sequence}]}
            _log_job(handle.__name__, _image_text(change.get("Keys"), "id"), DONE, started)
    return {"batchItemFailures": []}


def _image_text(image: Any, name: str) -> str | None:
    """A string attribute of a stream image (DynamoDB JSON: {"name": {"S": "..."}})."""
    attribute = image.get(name) if isinstance(image, dict) else None
    return _text(attribute.get("S")) if isinstance(attribute, dict) else None
