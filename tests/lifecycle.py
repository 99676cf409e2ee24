"""What one payment's life sends, for the tests that follow a payment in process, over HTTP or in a browser."""

from __future__ import annotations

# The events of a payment that succeeds, paying its order, and is then refunded, in the order they happen.
REFUNDED_PAYMENT_EVENTS = [
    "payment.created",
    "payment.pending",
    "payment.success",
    "order.paid",
    "refund.created",
    "refund.processed",
]
# The same payment captured before its refund: every capture sends `payment.captured`.
CAPTURED_REFUNDED_PAYMENT_EVENTS = [
    *REFUNDED_PAYMENT_EVENTS[:4],
    "payment.captured",
    *REFUNDED_PAYMENT_EVENTS[4:],
]
