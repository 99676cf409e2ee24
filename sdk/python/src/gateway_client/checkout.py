"""Checking a checkout result on the merchant's server.

The shopper's browser reports a success (checkout.js `onSuccess`, or the query parameters a payment link
returns with); anyone can forge that report. The gateway signs every success with the merchant's API
secret, which never leaves the merchant's server, so recomputing the signature there proves the payment
is real without another API call.
"""

from __future__ import annotations

import hashlib
import hmac

from gateway_client.errors import SignatureVerificationError


def payment_signature(order_id: str, payment_id: str, api_secret: str) -> str:
    """Lowercase hex HMAC-SHA256 of `"<order_id>|<payment_id>"`, keyed by the API secret."""
    message = f"{order_id}|{payment_id}".encode()
    return hmac.new(api_secret.encode(), message, hashlib.sha256).hexdigest()


def verify_payment_signature(order_id: str, payment_id: str, signature: str, api_secret: str) -> None:
    """Return quietly when `signature` is the gateway's for this order and payment; raise
    `SignatureVerificationError` otherwise (compared in constant time)."""
    if not all(isinstance(value, str) for value in (order_id, payment_id, signature, api_secret)):
        raise SignatureVerificationError("order id, payment id, signature and API secret must be strings")
    expected = payment_signature(order_id, payment_id, api_secret)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise SignatureVerificationError("the payment signature does not match this order and payment")
