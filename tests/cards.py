"""A card the gateway accepts, for the tests that pay by card in process, over HTTP or through the SDK."""

from __future__ import annotations

# Visa's test number (Luhn-valid) and an expiry far enough ahead that the card never expires under a test.
VALID_CARD = {
    "number": "4111 1111 1111 1111",
    "expiry_month": "12",
    "expiry_year": "2099",
    "cvv": "123",
    "holder_name": "Asha Rao",
}
