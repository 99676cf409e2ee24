"""Tenancy: another merchant's resources are 404 to a merchant, never shown or changed."""

from __future__ import annotations


def test_another_merchant_cannot_see_or_touch_my_resources(api, other_api, successful_payment):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    log = api.call("POST", "/api/v1/webhooks/test")[1]
    refund = api.call("POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 100})[1]
    pid = successful_payment["id"]
    probes = [
        ("GET", f"/api/v1/orders/{successful_payment['order_id']}", None, "Order not found"),
        ("GET", f"/api/v1/payments/{pid}", None, "Payment not found"),
        ("POST", f"/api/v1/payments/{pid}/capture", {"amount": 50000}, "Payment not found"),
        ("POST", f"/api/v1/payments/{pid}/refunds", {"amount": 100}, "Payment not found"),
        ("GET", f"/api/v1/payments/{pid}/refunds", None, "Payment not found"),
        ("GET", f"/api/v1/refunds/{refund['id']}", None, "Refund not found"),
        ("GET", f"/api/v1/webhooks/{log['id']}", None, "Webhook log not found"),
        ("POST", f"/api/v1/webhooks/{log['id']}/retry", None, "Webhook log not found"),
        (
            "POST",
            "/api/v1/payments",
            {"order_id": successful_payment["order_id"], "method": "upi", "vpa": "user@paytm"},
            "Order not found",
        ),
    ]
    for method, path, body, description in probes:
        status, answer, _ = other_api.call(method, path, body)
        assert (status, answer["error"]["description"]) == (404, description), path
    assert other_api.call("GET", "/api/v1/payments")[1] == []
    assert other_api.call("GET", "/api/v1/webhooks")[1]["total"] == 0
