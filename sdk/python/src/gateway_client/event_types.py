"""Every event the gateway sends, and the words for a delivery that got no answer: the one place the
package (`gateway trigger`, `gateway listen`) reads them from.

`EVENT_TYPES` holds every value of `WebhookEvent` in the gateway's `openapi.yaml` (a test keeps them in
step), in the order one payment's life raises them, so events of one change (which share a timestamp)
read in the order they happened.
"""

from __future__ import annotations

PAYMENT_CREATED = "payment.created"
PAYMENT_PENDING = "payment.pending"
PAYMENT_SUCCESS = "payment.success"
PAYMENT_FAILED = "payment.failed"
PAYMENT_CAPTURED = "payment.captured"
ORDER_PAID = "order.paid"
PAYMENT_LINK_PAID = "payment_link.paid"
REFUND_CREATED = "refund.created"
REFUND_PROCESSED = "refund.processed"
WEBHOOK_TEST = "webhook.test"

EVENT_TYPES = (
    PAYMENT_CREATED,
    PAYMENT_PENDING,
    PAYMENT_SUCCESS,
    PAYMENT_FAILED,
    PAYMENT_CAPTURED,
    ORDER_PAID,
    PAYMENT_LINK_PAID,
    REFUND_CREATED,
    REFUND_PROCESSED,
    WEBHOOK_TEST,
)

_LIFECYCLE_RANK = {event_type: rank for rank, event_type in enumerate(EVENT_TYPES)}


def lifecycle_rank(event_type: str | None) -> int:
    """Where the event falls in a payment's life; an event type this package does not know goes last."""
    return _LIFECYCLE_RANK.get(event_type or "", len(EVENT_TYPES))


# What a delivery that got no HTTP answer says, in the dashboard's words (its `attemptResult`, in
# dashboard_site/src/lib/deliveries.js; a test runs both on the same failures): "No answer: <reason>".
NO_ANSWER = "No answer: {reason}"
HOST_NOT_FOUND = "host name not found"
TIMED_OUT = "no answer within 5 s (timed out)"
TLS_FAILED = "TLS handshake failed (certificate problem)"
CONNECTION_REFUSED = "connection refused"
CONNECTION_DROPPED = "connection dropped before an answer"
COULD_NOT_CONNECT = "could not connect"
