"""Verify a payment-gateway webhook before trusting it (Python 3.9+, standard library only).

Always pass the RAW request body bytes exactly as received: parsing the JSON and
serialising it again changes the bytes, and the signature no longer matches.

While you rotate the secret, pass both: the new one and the one it replaces. For 24 hours
after "Regenerate", `webhook-signature` carries a signature by each of them, but
`X-Webhook-Signature` (hex) is made with the new secret only.

    # Flask
    from verify_webhook import verify_webhook

    WEBHOOK_SECRETS = [NEW_WEBHOOK_SECRET, OLD_WEBHOOK_SECRET]  # just one outside a rotation

    @app.post("/webhook")
    def webhook():
        if not verify_webhook(request.get_data(), request.headers, WEBHOOK_SECRETS):
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
from collections.abc import Iterable, Mapping

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


def verify_webhook(raw_body: bytes, headers: Mapping[str, str], secrets: str | Iterable[str]) -> bool:
    """Accept a delivery signed by any of your secrets (during a rotation: the new and the old one).

    The timestamped Standard Webhooks signature decides whenever one of the secrets is a
    `whsec_<base64>` secret (every generated one is): it survives a rotation and stops replays,
    and a delivery stripped of it is refused. The hex X-Webhook-Signature is the fallback for a
    legacy secret that is not base64 (like the test merchant's), which has no Standard Webhooks key.
    """
    candidates = [secrets] if isinstance(secrets, str) else list(secrets)
    if any(standard_webhooks_key(secret) is not None for secret in candidates):
        return any(verify_standard_webhook(raw_body, headers, secret) for secret in candidates)
    lowered = {name.lower(): value for name, value in headers.items()}
    signature_hex = lowered.get("x-webhook-signature", "")
    return any(verify_signature(raw_body, signature_hex, secret) for secret in candidates)
