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
import binascii
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


def standard_webhooks_key(secret: str) -> bytes | None:
    """The Standard Webhooks key: the base64-decoded part after "whsec_" (None if it is not base64)."""
    if not secret.startswith("whsec_"):
        return None
    try:
        return base64.b64decode(secret[len("whsec_") :], validate=True) or None
    except (binascii.Error, ValueError):
        return None


def verify_standard_webhook(
    raw_body: bytes, headers: Mapping[str, str], secret: str, now: float | None = None
) -> bool:
    """Standard Webhooks: `webhook-signature` holds space-separated "v1,<base64>" signatures of
    "<webhook-id>.<webhook-timestamp>.<body>". Several appear while a secret is being rotated:
    one valid signature is enough."""
    key = standard_webhooks_key(secret)
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    timestamp = lowered.get("webhook-timestamp", "")
    signatures = lowered.get("webhook-signature", "")
    if key is None or not (msg_id and timestamp.isdigit() and signatures):
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > TOLERANCE_SECONDS:
        return False

    signed_content = f"{msg_id}.{timestamp}.".encode() + raw_body
    expected = base64.b64encode(hmac.new(key, signed_content, hashlib.sha256).digest()).decode()
    for candidate in signatures.split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


def verify_webhook(raw_body: bytes, headers: Mapping[str, str], secret: str) -> bool:
    """Accept a delivery only when X-Webhook-Signature checks out and, for a `whsec_<base64>`
    secret (every generated one), the timestamped Standard Webhooks signature does too.
    A legacy secret that is not base64 (like the test merchant's) gets the hex signature only."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if not verify_signature(raw_body, lowered.get("x-webhook-signature", ""), secret):
        return False
    if standard_webhooks_key(secret) is None:
        return True
    return verify_standard_webhook(raw_body, lowered, secret)
