"""The signature on a successful payment's result: what lets a merchant's server tell a real success from a
forged browser callback without another API call (the same scheme as Razorpay's `razorpay_signature`)."""

from __future__ import annotations

import hashlib
import hmac


def payment_signature(order_id: str, payment_id: str, api_secret: str) -> str:
    """Lowercase hex HMAC-SHA256 of `"<order_id>|<payment_id>"`, keyed by the merchant's API secret."""
    message = f"{order_id}|{payment_id}".encode()
    return hmac.new(api_secret.encode(), message, hashlib.sha256).hexdigest()
