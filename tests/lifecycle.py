"""What one payment's life sends, for the tests that follow a payment in process, over HTTP or in a browser."""

from __future__ import annotations

# The events of a payment that succeeds, paying its order, and is then refunded, in the order they happen
# (a capture sends none).
REFUNDED_PAYMENT_EVENTS = [
    "payment.created",
    "payment.pending",
    "payment.success",
    "order.paid",
    "refund.created",
    "refund.processed",
]
