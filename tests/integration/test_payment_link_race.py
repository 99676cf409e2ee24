"""A payment link under real parallel requests over HTTP: shoppers paying it while the merchant cancels it.

Eight shoppers pay the link's order through the public route at the moment the merchant cancels the link.
Each payment is either taken (it reached the table before the cancel) or refused with a reason; the cancel
itself never fails. Once the taken payments settle, the link is `paid` if any was taken (the money moved)
and `cancelled` otherwise, its order is paid at most once, and `payment_link.paid` reaches the merchant
at most once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests

from devkit.merchant import Merchant, wait_for

pytestmark = pytest.mark.integration

SHOPPERS = 8
REFUSALS = {"Payment link was cancelled", "Order already paid"}


def test_shoppers_paying_while_the_merchant_cancels_leave_one_consistent_link(merchant: Merchant) -> None:
    receiver = merchant.use_receiver()
    link = merchant.ok("POST", "/api/v1/payment_links", {"amount": 50000, "description": "race"}, expect=201)
    start = Barrier(SHOPPERS + 1)

    def pay(shopper: int) -> requests.Response:
        body = {"order_id": link["order_id"], "method": "upi", "vpa": f"shopper{shopper}@upi"}
        start.wait()
        return requests.post(f"{merchant.api_url}/api/v1/payments/public", json=body, timeout=30)

    def cancel() -> requests.Response:
        start.wait()
        return merchant.request("POST", f"/api/v1/payment_links/{link['id']}/cancel")

    # WHEN the shoppers and the merchant act at once
    with ThreadPoolExecutor(SHOPPERS + 1) as pool:
        cancelled = pool.submit(cancel)
        payments = list(pool.map(pay, range(SHOPPERS)))
    # THEN the cancel holds, and each payment was taken or refused with a reason (never a 5xx)
    assert cancelled.result().status_code == 200, cancelled.result().text
    taken = [response.json()["id"] for response in payments if response.status_code == 201]
    for response in payments:
        if response.status_code != 201:
            assert response.status_code == 400 and response.json()["error"]["description"] in REFUSALS
    for payment_id in taken:
        merchant.wait_for_payment_status(payment_id)
    # AND the link and its order agree with what was taken
    expected = "paid" if taken else "cancelled"
    final = wait_for(
        lambda: (
            (found := merchant.ok("GET", f"/api/v1/payment_links/{link['id']}"))["status"] == expected
            and found
        ),
        30,
        f"the link to be {expected}",
    )
    order = merchant.ok("GET", f"/api/v1/orders/{link['order_id']}")
    assert order["status"] == ("paid" if taken else "created")
    assert final["version"] >= 2
    if taken:
        paid_events = wait_for(lambda: receiver.events("payment_link.paid"), 30, "payment_link.paid")
        assert len({event["webhook_id"] for event in paid_events}) == 1
        assert paid_events[0]["payload"]["data"]["payment_link"]["id"] == link["id"]
