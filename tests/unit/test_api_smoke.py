from __future__ import annotations

import json

from tests.unit.conftest import json_of


def test_order_then_upi_payment(client, auth):
    response = client.http.post("/api/v1/orders", headers=auth, body=json.dumps({"amount": 50000}))
    assert response.status_code == 201, response.body
    order = json_of(response)
    response = client.http.post(
        "/api/v1/payments",
        headers=auth,
        body=json.dumps({"order_id": order["id"], "method": "upi", "vpa": "user@paytm"}),
    )
    assert response.status_code == 201, response.body
    payment = json_of(response)
    assert payment["status"] == "pending" and payment["amount"] == 50000
