"""Verify a checkout result before fulfilling the order (Python 3.9+, standard library only).

The shopper's browser reports the result (checkout.js `onSuccess`, or the query parameters a payment
link returns with), and anyone can forge that report. The gateway signs every successful payment with
your API secret, which only your server knows: recompute the signature there.

    # Flask
    from verify_payment import verify_payment

    @app.post("/payment-complete")
    def payment_complete():
        result = request.get_json()
        if not verify_payment(result["orderId"], result["paymentId"], result["signature"], API_SECRET):
            return "Invalid signature", 400
        fulfil(result["orderId"])  # the order you created for this checkout
        return "OK", 200
"""

from __future__ import annotations

import hashlib
import hmac


def verify_payment(order_id: str, payment_id: str, signature: str, api_secret: str) -> bool:
    """True when `signature` is the gateway's HMAC-SHA256 (lowercase hex) of "<order_id>|<payment_id>"."""
    message = f"{order_id}|{payment_id}".encode()
    expected = hmac.new(api_secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, str(signature or ""))
