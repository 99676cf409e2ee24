"""The HTTP API as one Chalice app: routing only; every route calls one service function."""

from __future__ import annotations

from chalice import Chalice

app = Chalice(app_name="payment-gateway")


@app.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    return {"status": "healthy"}
