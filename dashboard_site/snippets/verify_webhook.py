"""Verify a payment-gateway webhook before trusting it (Python 3.9+, standard library only).

Always pass the RAW request body bytes exactly as received: parsing the JSON and
serialising it again changes the bytes, and the signature no longer matches.

    # Flask
    from verify_webhook import verify_webhook

    @app.post("/webhook")
    def webhook():
        if not verify_webhook(request.get_data(), request.headers, WEBHOOK_SECRET):
            return "Invalid signature", 401
        event = request.get_json()
        ...
        return "OK", 200
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

# Reject Standard Webhooks deliveries whose timestamp is further than this from our clock,
# so a captured request cannot be replayed later.
TOLERANCE_SECONDS = 5 * 60


def verify_signature(raw_body: bytes, signature_hex: str, secret: str) -> bool:
    """X-Webhook-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the secret string."""
    expected = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature_hex.strip().lower())


def verify_standard_webhook(
    raw_body: bytes, headers: Mapping[str, str], secret: str, now: float | None = None
) -> bool:
    """Standard Webhooks: `webhook-signature` holds space-separated "v1,<base64>" signatures of
    "<webhook-id>.<webhook-timestamp>.<body>"; the key is the base64 part after "whsec_".
    Several signatures appear while a secret is being rotated: one valid signature is enough."""
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    timestamp = lowered.get("webhook-timestamp", "")
    signatures = lowered.get("webhook-signature", "")
    if not (msg_id and timestamp.isdigit() and signatures):
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > TOLERANCE_SECONDS:
        return False

    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed_content = f"{msg_id}.{timestamp}.".encode() + raw_body
    expected = base64.b64encode(hmac.new(key, signed_content, hashlib.sha256).digest()).decode()
    for candidate in signatures.split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


def verify_webhook(raw_body: bytes, headers: Mapping[str, str], secret: str) -> bool:
    """Accept a delivery only when its X-Webhook-Signature and its Standard Webhooks
    signature both check out."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return verify_signature(
        raw_body, lowered.get("x-webhook-signature", ""), secret
    ) and verify_standard_webhook(raw_body, lowered, secret)
