"""Issue 18's payment page (timeline with versions, webhook deliveries) and delivery detail (every attempt),
issue 13's pipeline panel and issue 14's recovery playbook, in a real browser against the live stack.

GIVEN a fresh merchant in a live stack in test mode (payments settle after ~1 s, retries wait 5-20 s),
WHEN they use the pages, THEN they see their real payments' history and deliveries, and the playbook's
script, pasted as it stands, recovers a real outage. Screenshots land in test-artifacts/dashboard/.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Playwright, expect

from tests.e2e.dashboard_support import UI_TIMEOUT_MS, Dashboard, MerchantApi, WebhookReceiver, wait_for
from tests.lifecycle import CAPTURED_REFUNDED_PAYMENT_EVENTS

pytestmark = pytest.mark.e2e

EVENT_ID = re.compile(r"^evt_[A-Za-z0-9]{16}$")
RECOVERY_SECONDS = 150


@pytest.fixture(scope="module", autouse=True)
def spec_test_ids(playwright_instance: Playwright) -> None:
    """docs/browser-contract.md names elements by `data-test-id`."""
    playwright_instance.selectors.set_test_id_attribute("data-test-id")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def deliveries_of(receiver: WebhookReceiver, event_type: str) -> list[Any]:
    return [d for d in receiver.deliveries if json.loads(d.body)["event"] == event_type]


# ---------------------------------------------------------------------------- the payment page (item 4)


def test_payment_page_shows_each_change_with_its_versions_and_every_webhook_delivery(
    dashboard: Dashboard, api: MerchantApi, endpoint: WebhookReceiver, screenshots: Path, viewport: str
) -> None:
    # GIVEN a payment that succeeded, was captured and partly refunded, every event delivered
    payment = api.settled_payment(50000)
    api.capture(payment)
    api.refund(payment, 20000)
    wait_for(lambda: deliveries_of(endpoint, "refund.processed"), what="the refund.processed delivery")
    events = wait_for(
        lambda: (
            (found := api.call("GET", f"/api/v1/payments/{payment['id']}/events")["data"])
            and len(found) == 7
            and all(event["delivery_status"] == "success" for event in found)
            and found
        ),
        what="seven delivered events",
    )

    # WHEN the merchant opens the payment's page
    page = dashboard.open(f"/dashboard/transactions?payment={payment['id']}")

    # THEN the timeline tells each change of state, oldest first, with the versions it gave
    entries = page.get_by_test_id("timeline-entry")
    expect(entries).to_have_count(5, timeout=UI_TIMEOUT_MS)
    steps = entries.evaluate_all("items => items.map(item => item.dataset.step)")
    assert steps == ["created", "settled", "captured", "refund-created", "refund-processed"]
    versions = [entries.nth(i).get_by_test_id("timeline-version").all_inner_texts() for i in range(5)]
    assert versions == [
        ["payment v1"],
        ["payment v2", "order v3"],
        ["payment v3"],
        ["payment v4", "refund v1"],
        ["refund v2"],
    ]
    expect(entries.nth(1).get_by_test_id("timeline-text")).to_have_text(
        f"Payment succeeded; order {payment['order_id']} paid"
    )
    expect(entries.nth(2).get_by_test_id("timeline-text")).to_have_text("Captured ₹500.00")
    expect(page.get_by_test_id("payment-detail-version")).to_have_text("4")

    # AND every event's delivery, in the order they happened, with its status and latest result
    rows = page.get_by_test_id("payment-delivery-row")
    expect(rows).to_have_count(7)
    assert rows.get_by_test_id("payment-delivery-event").all_inner_texts() == [e["type"] for e in events]
    assert [event["type"] for event in events] == CAPTURED_REFUNDED_PAYMENT_EVENTS
    expect(rows.get_by_test_id("payment-delivery-status")).to_have_text(["Delivered"] * 7)
    expect(rows.get_by_test_id("payment-delivery-result")).to_have_text(["HTTP 200"] * 7)
    expect(rows.get_by_test_id("payment-delivery-attempts")).to_have_text(["1"] * 7)
    page.screenshot(path=screenshots / f"payment-detail-deliveries-{viewport}.png", full_page=True)

    # WHEN they follow a delivery THEN the Webhooks page opens on it, every attempt listed
    success = events[2]
    delivery_id = success["deliveries"][0]["webhook_id"]
    success_row = rows.nth(2)
    expect(success_row).to_have_attribute("data-webhook-id", delivery_id)
    success_row.get_by_test_id("payment-delivery-link").click()
    page.wait_for_url(re.compile(rf"/dashboard/webhooks\?delivery={delivery_id}$"))
    detail = page.get_by_test_id("webhook-detail")
    expect(detail.get_by_test_id("webhook-detail-id")).to_have_text(delivery_id)
    expect(detail.get_by_test_id("webhook-detail-attempt-result")).to_have_text(["HTTP 200"])

    # AND its event link opens the event on the Events page
    page.go_back()
    page.get_by_test_id("payment-delivery-row").nth(2).get_by_test_id("payment-event-link").click()
    page.wait_for_url(re.compile(rf"/dashboard/events\?event={success['id']}$"))
    expect(page.get_by_test_id("event-detail-id")).to_have_text(success["id"])
    expect(page.get_by_test_id("event-delivery-url")).to_have_text(endpoint.url)


def test_payment_page_lists_events_never_sent_when_no_url_was_set(
    dashboard: Dashboard, api: MerchantApi, screenshots: Path
) -> None:
    # GIVEN a payment made while the merchant had no webhook URL
    payment = api.settled_payment(30000)
    wait_for(
        lambda: len(api.call("GET", f"/api/v1/payments/{payment['id']}/events")["data"]) == 4,
        what="the payment's four events",
    )
    page = dashboard.open(f"/dashboard/transactions?payment={payment['id']}")

    # THEN each event has a row that says it was never sent, and links to the event only
    rows = page.get_by_test_id("payment-delivery-row")
    expect(rows).to_have_count(4, timeout=UI_TIMEOUT_MS)
    expect(rows.get_by_test_id("payment-delivery-status")).to_have_text(["Not sent"] * 4)
    expect(rows.get_by_test_id("payment-delivery-result")).to_have_text(["No webhook URL then"] * 4)
    expect(rows.get_by_test_id("payment-delivery-link")).to_have_count(0)
    expect(rows.get_by_test_id("payment-event-link")).to_have_count(4)
    page.screenshot(path=screenshots / "payment-detail-not-sent.png", full_page=True)


def test_failed_payment_page_shows_its_timeline_and_deliveries(
    dashboard: Dashboard, api: MerchantApi, endpoint: WebhookReceiver, screenshots: Path, viewport: str
) -> None:
    # GIVEN a payment the bank declined, its events delivered
    order = api.call("POST", "/api/v1/orders", {"amount": 42000}, expected=201)
    payment = api.call(
        "POST",
        "/api/v1/payments",
        {"order_id": order["id"], "method": "upi", "vpa": "failure@upi"},
        expected=201,
    )
    wait_for(lambda: deliveries_of(endpoint, "payment.failed"), what="the payment.failed delivery")

    # WHEN the merchant opens it to find out why
    page = dashboard.open(f"/dashboard/transactions?payment={payment['id']}")

    # THEN the timeline says it was created and declined, with the versions each change gave
    entries = page.get_by_test_id("timeline-entry")
    expect(entries).to_have_count(2, timeout=UI_TIMEOUT_MS)
    versions = [entries.nth(i).get_by_test_id("timeline-version").all_inner_texts() for i in range(2)]
    assert versions == [["payment v1"], ["payment v2"]]
    expect(entries.nth(1).get_by_test_id("timeline-text")).to_have_text(
        "Payment failed: PAYMENT_DECLINED (Payment declined by the bank)"
    )
    # AND a row per delivery of its three events; nothing on the page says it failed to load
    rows = page.get_by_test_id("payment-delivery-row")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("page-error")).to_have_count(0)
    page.screenshot(path=screenshots / f"payment-detail-failed-{viewport}.png", full_page=True)


# ---------------------------------------------------------------------------- the delivery detail (item 7)


def test_delivery_detail_shows_every_attempt_the_headers_sent_and_a_payload_to_copy(
    dashboard: Dashboard, api: MerchantApi, endpoint: WebhookReceiver, screenshots: Path, viewport: str
) -> None:
    # GIVEN a delivery whose first attempt the endpoint refused (503); the retry 5 s later succeeds
    endpoint.statuses.append(503)
    log_id = api.call("POST", "/api/v1/webhooks/test")["id"]
    wait_for(lambda: endpoint.deliveries, what="the first attempt")
    dashboard.page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=dashboard.live_stack.dashboard_url
    )

    # WHEN the merchant opens it from its link while the retry waits
    page = dashboard.open(f"/dashboard/webhooks?delivery={log_id}")
    detail = page.get_by_test_id("webhook-detail")
    expect(detail).to_be_visible()

    # THEN it says which attempt comes next and when, rather than "pending"
    expect(detail.get_by_test_id("webhook-detail-retry-note")).to_have_text(
        re.compile(r"^Retrying - attempt 2 of 5 at \d\d:\d\d:\d\d$")
    )
    expect(detail.get_by_test_id("webhook-detail-attempt-result")).to_have_text(["HTTP 503"])
    page.screenshot(path=screenshots / f"webhook-detail-retrying-{viewport}.png")

    # AND, left open, it follows the retry: both attempts with time, result and duration
    results = detail.get_by_test_id("webhook-detail-attempt-result")
    expect(results).to_have_text(["HTTP 503", "HTTP 200"], timeout=UI_TIMEOUT_MS)
    expect(detail.get_by_test_id("webhook-detail-status")).to_have_text("success")
    expect(detail.get_by_test_id("webhook-detail-attempt-duration")).to_have_text(
        [re.compile(r"^\d+ ms$")] * 2
    )
    times = detail.get_by_test_id("webhook-detail-attempt-time").all_inner_texts()
    assert len(times) == 2 and all(re.search(r"\d\d:\d\d:\d\d", text) for text in times)
    expect(detail.get_by_test_id("webhook-detail-url")).to_have_text(endpoint.url)

    # AND the headers of the latest attempt, signatures masked, its webhook-id the event's id
    headers = dict(
        zip(
            detail.get_by_test_id("webhook-detail-header").evaluate_all(
                "items => items.map(item => item.parentElement.querySelector('dt').textContent)"
            ),
            detail.get_by_test_id("webhook-detail-header").all_inner_texts(),
            strict=True,
        )
    )
    delivered = endpoint.deliveries[-1]
    assert headers["webhook-id"] == delivered.headers["webhook-id"]
    assert EVENT_ID.match(headers["webhook-id"])
    assert headers["X-Webhook-Signature"] == "•••• (masked)"
    assert delivered.headers["x-webhook-signature"] not in " ".join(headers.values())

    # AND the payload pretty-printed, whose copy button copies the exact bytes that were signed
    expect(detail.get_by_test_id("webhook-detail-payload-pretty")).to_contain_text('"event": "webhook.test"')
    detail.get_by_test_id("copy-webhook-payload").click()
    expect(detail.get_by_test_id("copy-webhook-payload")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()").encode() == delivered.body
    page.screenshot(path=screenshots / f"webhook-detail-attempts-{viewport}.png", full_page=True)

    # WHEN it is closed THEN the address no longer names it
    detail.get_by_test_id("webhook-detail-close-button").click()
    expect(page).to_have_url(re.compile(r"/dashboard/webhooks$"))


# ---------------------------------------------------------------------------- the pipeline panel (issue 13)


def test_overview_pipeline_panel_shows_when_webhooks_are_failing(
    dashboard: Dashboard, api: MerchantApi, endpoint: WebhookReceiver, screenshots: Path, viewport: str
) -> None:
    # GIVEN a merchant with a webhook URL and nothing sent yet: the panel is calm
    page = dashboard.open()
    panel = page.get_by_test_id("webhook-pipeline")
    for count in ("queued", "in-flight", "failed", "dead-lettered"):
        expect(panel.get_by_test_id(f"pipeline-{count}")).to_have_text("0")
    expect(panel.get_by_test_id("pipeline-status")).to_have_text(
        "Nothing waiting: every delivery so far was accepted."
    )

    # WHEN their endpoint answers 410 Gone to two deliveries (no retry after a 410)
    endpoint.statuses.extend([410, 410])
    for _ in range(2):
        api.call("POST", "/api/v1/webhooks/test")
    wait_for(
        lambda: api.call("GET", "/api/v1/webhooks/pipeline")["failed"] == 2, what="two failed deliveries"
    )
    page.get_by_test_id("refresh-stats-button").click()

    # THEN the panel counts them, marks them and says what to do
    expect(panel.get_by_test_id("pipeline-failed")).to_have_text("2")
    failed = panel.locator('[data-test-id="pipeline-count"][data-state="failed"]')
    expect(failed).to_have_attribute("data-alert", "true")
    expect(panel.get_by_test_id("pipeline-status")).to_have_text(
        "2 deliveries failed and will not be retried. Fix your endpoint, then recover them from Events."
    )
    expect(panel.get_by_test_id("pipeline-status")).to_have_attribute("data-tone", "bad")
    for count in ("queued", "in-flight", "dead-lettered"):
        expect(panel.get_by_test_id(f"pipeline-{count}")).to_have_text("0")
    expect(panel.get_by_test_id("pipeline-failed-link")).to_have_attribute(
        "href", "/dashboard/events?delivery_status=failed"
    )
    panel.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"overview-pipeline-failing-{viewport}.png", full_page=True)


def test_overview_pipeline_panel_shows_each_count_the_api_gives(dashboard: Dashboard) -> None:
    """Dead-lettered deliveries take 15 minutes to appear for real: the panel's side, on a stubbed answer."""
    counts = {"queued": 2, "in_flight": 1, "failed": 3, "dead_lettered": 4}
    dashboard.page.route(
        re.compile(r".*/api/v1/webhooks/pipeline$"), lambda route: route.fulfill(json=counts)
    )
    page = dashboard.open()
    panel = page.get_by_test_id("webhook-pipeline")
    expect(panel.get_by_test_id("pipeline-queued")).to_have_text("2")
    expect(panel.get_by_test_id("pipeline-in-flight")).to_have_text("1")
    expect(panel.get_by_test_id("pipeline-failed")).to_have_text("3")
    expect(panel.get_by_test_id("pipeline-dead-lettered")).to_have_text("4")
    expect(panel.get_by_test_id("pipeline-status")).to_have_text(
        "4 deliveries overdue: the gateway's sweep sends them again."
    )
    alerts = panel.get_by_test_id("pipeline-count").evaluate_all(
        "items => items.map(item => [item.dataset.state, item.dataset.alert])"
    )
    assert alerts == [
        ["queued", "false"],
        ["in_flight", "false"],
        ["failed", "true"],
        ["dead_lettered", "true"],
    ]


# ---------------------------------------------------------------------------- the recovery playbook (issue 14)


def test_docs_recovery_playbook_explains_the_steps(
    dashboard: Dashboard, screenshots: Path, viewport: str
) -> None:
    page = dashboard.open("/dashboard/docs")
    section = page.get_by_test_id("section-recovery-playbook")
    expect(section).to_contain_text("my endpoint was down from 02:00 to 04:00")
    steps = section.get_by_test_id("recovery-steps").locator("li")
    expect(steps).to_have_count(4)
    for text in ["delivery_status=failed", "POST /api/v1/webhooks/recover", "/api/v1/webhooks/recover/{id}"]:
        expect(section.get_by_test_id("recovery-steps")).to_contain_text(text)
    expect(steps.nth(3)).to_contain_text("webhook-id")
    script = section.get_by_test_id("code-snippet-recovery")
    expect(script).to_contain_text(f"API={dashboard.live_stack.api_url}")
    expect(script).to_contain_text(f"X-Api-Key: {dashboard.merchant['api_key']}")
    expect(section.get_by_test_id("code-snippet-dedupe")).to_contain_text('request.headers["webhook-id"]')
    # The whole section as the page lays it out (an element screenshot would stitch the sticky header in).
    page.evaluate("window.scrollTo(0, 0)")
    box = section.bounding_box()
    assert box is not None
    page.screenshot(path=screenshots / f"docs-recovery-playbook-{viewport}.png", full_page=True, clip=box)


def test_docs_recovery_playbook_recovers_an_outage_when_pasted_as_it_stands(
    dashboard: Dashboard, api: MerchantApi, endpoint: WebhookReceiver
) -> None:
    # GIVEN an outage: the endpoint refused every delivery of a payment (410: no retries)
    endpoint.statuses.extend([410] * 4)
    outage_start = datetime.now(UTC) - timedelta(seconds=5)
    payment = api.settled_payment()
    failed = wait_for(
        lambda: (
            (found := api.call("GET", "/api/v1/events?delivery_status=failed")["data"])
            and len(found) == 4
            and found
        ),
        what="the payment's four failed events",
    )
    assert {event["data"]["payment"]["id"] for event in failed} == {payment["id"]}
    outage_end = datetime.now(UTC)
    refused = len(endpoint.deliveries)

    # WHEN the merchant copies the playbook's script, sets the outage and runs it
    page = dashboard.open("/dashboard/docs")
    # The examples are filled once the page has read the account's key pair with its session.
    expect(page.get_by_test_id("code-snippet-recovery")).to_contain_text(dashboard.merchant["api_key"])
    script = page.get_by_test_id("code-snippet-recovery").text_content() or ""
    script = re.sub(r"^SINCE=.*$", f"SINCE={iso(outage_start)}", script, count=1, flags=re.MULTILINE)
    script = re.sub(r"^UNTIL=.*$", f"UNTIL={iso(outage_end)}", script, count=1, flags=re.MULTILINE)
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=RECOVERY_SECONDS,
        check=False,
    )
    assert run.returncode == 0, run.stderr

    # THEN step 1 listed the failed events, step 2 started a recovery of them, step 3 saw it complete
    lines = run.stdout.strip().splitlines()
    listed = [line.split()[0] for line in lines if line.startswith("evt_")]
    assert sorted(listed) == sorted(event["id"] for event in failed)
    started, finished = json.loads(lines[-2]), json.loads(lines[-1])
    assert (started["status"], started["events"]) == ("running", 4)
    assert (finished["id"], finished["status"], finished["events"], finished["sent"]) == (
        started["id"],
        "completed",
        4,
        4,
    )
    # AND every missed event reached the endpoint once more, under its own webhook-id
    wait_for(lambda: len(endpoint.deliveries) == refused + 4, what="the recovered deliveries")
    recovered = [d.headers["webhook-id"] for d in endpoint.deliveries[refused:]]
    assert sorted(recovered) == sorted(event["id"] for event in failed)
