"""The signed result of a payment: the gateway's signature, the public view that carries it, and the SDK's
check, each held to fixed vectors and to an HMAC computed here independently of both."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
from pathlib import Path

import pytest
from gateway.domain.payment_signature import payment_signature
from gateway_client import SignatureVerificationError, verify_payment_signature

from tests.unit.conftest import settle

# (order id, payment id, API secret, expected signature), computed once with `openssl dgst -sha256 -hmac`.
VECTORS = [
    (
        "order_NXhj3kdi8OVmXfOe",
        "pay_H8sK3jD9s2L1pQr",
        "secret_test_xyz789",
        "612d5d2b359068d8521a8ccbe46e445e069290176b3dcbf266d5d48cbfec7bc6",
    ),
    ("order_a", "pay_b", "k", "a6092466fef2edb038984f6f8a74a064155a67bb73139e2379f0423d2efc6a07"),
]


def independent_hmac(order_id: str, payment_id: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(("order_id", "payment_id", "secret", "expected"), VECTORS)
def test_signature_matches_the_fixed_vector_and_an_independent_hmac(order_id, payment_id, secret, expected):
    signature = payment_signature(order_id, payment_id, secret)
    assert signature == expected == independent_hmac(order_id, payment_id, secret)


def test_signature_binds_order_payment_and_secret():
    base = payment_signature("order_a", "pay_b", "k")
    assert payment_signature("order_b", "pay_b", "k") != base
    assert payment_signature("order_a", "pay_c", "k") != base
    assert payment_signature("order_a", "pay_b", "k2") != base


@pytest.mark.parametrize(("order_id", "payment_id", "secret", "expected"), VECTORS)
def test_sdk_accepts_the_gateway_signature(order_id, payment_id, secret, expected):
    verify_payment_signature(order_id, payment_id, expected, secret)


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "0" * 64,
        VECTORS[0][3].upper(),
        VECTORS[0][3][:-1],
        VECTORS[1][3],  # another payment's signature
        "not hex at all",
    ],
)
def test_sdk_refuses_anything_else(signature):
    order_id, payment_id, secret, _ = VECTORS[0]
    with pytest.raises(SignatureVerificationError):
        verify_payment_signature(order_id, payment_id, signature, secret)


def test_sdk_refuses_a_signature_made_with_another_secret():
    order_id, payment_id, _, _ = VECTORS[0]
    forged = independent_hmac(order_id, payment_id, "secret_of_someone_else")
    with pytest.raises(SignatureVerificationError):
        verify_payment_signature(order_id, payment_id, forged, "secret_test_xyz789")


def test_public_view_of_a_success_carries_the_signature_and_a_pending_one_none(api):
    # GIVEN a payment, pending at first
    payment = api.create_upi_payment()
    status, pending, _ = api.call(
        "GET", f"/api/v1/payments/{payment['id']}/public", headers={"X-Api-Key": ""}
    )
    assert status == 200 and pending["status"] == "pending" and pending["signature"] is None
    # WHEN it succeeds
    settle(payment["id"])
    status, public, _ = api.call("GET", f"/api/v1/payments/{payment['id']}/public", headers={"X-Api-Key": ""})
    # THEN its public view is signed with the merchant's API secret
    assert status == 200 and public["status"] == "success"
    expected = independent_hmac(payment["order_id"], payment["id"], api.merchant["api_secret"])
    assert public["signature"] == expected
    verify_payment_signature(
        payment["order_id"], payment["id"], public["signature"], api.merchant["api_secret"]
    )


def test_failed_payment_has_no_signature(api):
    order = api.create_order()
    status, payment, _ = api.call(
        "POST", "/api/v1/payments", {"order_id": order["id"], "method": "upi", "vpa": "failure@upi"}
    )
    assert status == 201, payment
    settle(payment["id"])
    _, public, _ = api.call("GET", f"/api/v1/payments/{payment['id']}/public", headers={"X-Api-Key": ""})
    assert public["status"] == "failed" and public["signature"] is None


def load_docs_snippet():
    """The docs page's Python check, loaded as a merchant would copy it: a file of its own."""
    path = Path(__file__).resolve().parents[2] / "dashboard_site" / "snippets" / "verify_payment.py"
    spec = importlib.util.spec_from_file_location("verify_payment", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("order_id", "payment_id", "secret", "expected"), VECTORS)
def test_docs_snippet_accepts_the_gateway_signature_and_nothing_else(order_id, payment_id, secret, expected):
    verify_payment = load_docs_snippet().verify_payment
    assert verify_payment(order_id, payment_id, expected, secret)
    assert not verify_payment(order_id, payment_id, expected, secret + "x")
    assert not verify_payment(order_id, payment_id + "x", expected, secret)
    assert not verify_payment(order_id, payment_id, None, secret)


def test_public_order_names_the_account_and_its_newest_payment(api):
    # GIVEN an order with a pending payment
    payment = api.create_upi_payment()
    order_path = f"/api/v1/orders/{payment['order_id']}/public"
    status, order, _ = api.call("GET", order_path, headers={"X-Api-Key": ""})
    # THEN a checkout reopening it sees whose it is and the payment under way
    assert status == 200 and order["merchant_name"] == "Shop"
    assert order["payment"] == {"id": payment["id"], "status": "pending"}
    # AND once the payment settles, its final status
    settle(payment["id"])
    assert api.call("GET", order_path)[1]["payment"] == {"id": payment["id"], "status": "success"}
