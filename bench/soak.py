"""`python -m bench.soak`: a bounded load-and-fault run against a local stack it starts itself.

Eight client threads create 1000 payments across four merchants; refund clients then send two
concurrent refunds of 60% for 220 of them (exactly one of each pair may succeed). Meanwhile each
merchant's receiver fails a third of deliveries at random, and the workers are stopped and restarted
twice. At the end, within a deadline: every payment and refund is final, every event was accepted
once under one webhook-id by its receiver (logs that used up their five attempts are retried through
the API, as a merchant would from the dashboard), every dead-letter queue is empty and no payment is
refunded beyond its amount. Any loss exits non-zero.
"""

from __future__ import annotations

import math
import queue
import random
import signal
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3

from bench.common import Progress
from devkit.live_stack import LiveStack
from devkit.merchant import Merchant

MERCHANTS = 4
PAYMENTS = 1000
REFUND_PAIRS = 220
CLIENT_THREADS = 8
REFUND_THREADS = 4
FAIL_RATE = 1 / 3
STOP_WORKERS_AT = (250, 650)  # payments created when the workers are stopped
WORKERS_DOWN_SECONDS = 6.0
SETTLE_DEADLINE_SECONDS = 900.0  # the emulator works through about 5 pipeline jobs a second here
FINAL_PAYMENT = {"success", "failed"}
STACK_ENVIRONMENT = {
    "TEST_PROCESSING_DELAY": "250",
    "WEBHOOK_RETRY_INTERVALS_TEST": "true",
    "WORKER_CONCURRENCY": "4",
}
TEST_CARD = {
    "number": "4111 1111 1111 1111",
    "expiry_month": "12",
    "expiry_year": "2030",
    "cvv": "123",
    "holder_name": "Soak Test",
}


@dataclass
class Ledger:
    """What the clients created, and what went wrong on the way."""

    payments: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {merchant, amount}
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {merchant, payment, amount}
    refund_pairs: list[tuple[str, list[int]]] = field(default_factory=list)
    pairs_reserved: int = 0
    client_errors: list[str] = field(default_factory=list)
    worker_restarts: list[tuple[float, float]] = field(default_factory=list)
    manual_retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def main() -> int:
    began = time.monotonic()
    # A plain SIGTERM would skip the `finally` that stops the local stack (its own process group).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"soak: {PAYMENTS} payments, {REFUND_PAIRS} refund pairs, {MERCHANTS} merchants, receivers failing "
        f"{FAIL_RATE:.0%} at random, workers stopped twice (about 20 minutes on 2 cores)",
        flush=True,
    )
    stack = LiveStack("soak", STACK_ENVIRONMENT)
    print("  starting a local stack...", flush=True)
    stack.start()
    print(f"  stack up in {time.monotonic() - began:.1f}s (log: {stack.log_path})", flush=True)
    merchants: list[Merchant] = []
    try:
        merchants = [Merchant.of(stack, receiver=True, fail_rate=FAIL_RATE) for _ in range(MERCHANTS)]
        ledger = Ledger()
        load(stack, merchants, ledger)
        problems, facts = verify(stack, merchants, ledger)
    finally:
        for merchant in merchants:
            if merchant.receiver is not None:
                merchant.receiver.close()
        stack.stop()
    print_report(ledger, merchants, problems, facts, time.monotonic() - began)
    return 1 if problems else 0


# ---------------------------------------------------------------------- load
def load(stack: LiveStack, merchants: list[Merchant], ledger: Ledger) -> None:
    created = Progress("load: payments created", PAYMENTS)
    refund_progress = Progress("load: refund pairs sent", REFUND_PAIRS)
    candidates: queue.Queue[str | None] = queue.Queue()
    chaos = threading.Thread(target=restart_workers_twice, args=(stack, created, ledger), daemon=True)
    chaos.start()

    def create_payment(index: int) -> None:
        merchant = merchants[index % len(merchants)]
        amount = random.randint(10, 1000) * 100
        try:
            order = merchant.create_order(amount)
            body: dict[str, Any] = {"order_id": order["id"], "method": "upi", "vpa": f"soak{index}@okbank"}
            if index % 4 == 3:
                body = {"order_id": order["id"], "method": "card", "card": TEST_CARD}
            reply = merchant.call("POST", "/api/v1/payments", body)
            if reply.status != 201:
                raise RuntimeError(f"create payment -> {reply.status} {reply.body}")
        except Exception as error:
            with ledger.lock:
                ledger.client_errors.append(f"payment {index}: {error}")
            return
        payment_id = reply.body["id"]
        with ledger.lock:
            ledger.payments[payment_id] = {"merchant": merchant, "amount": amount}
        if index % 3 == 0:  # more candidates than pairs: a payment that fails is skipped
            candidates.put(payment_id)
        created.add()

    def refund_client() -> None:
        with ThreadPoolExecutor(2) as pair_pool:
            while True:
                payment_id = candidates.get()
                if payment_id is None:
                    return
                with ledger.lock:
                    if ledger.pairs_reserved >= REFUND_PAIRS:
                        continue
                    ledger.pairs_reserved += 1
                if refund_pair(payment_id, pair_pool, ledger):
                    refund_progress.add()
                else:
                    with ledger.lock:
                        ledger.pairs_reserved -= 1

    with ThreadPoolExecutor(REFUND_THREADS) as refunders:
        for _ in range(REFUND_THREADS):
            refunders.submit(refund_client)
        with ThreadPoolExecutor(CLIENT_THREADS) as clients:
            list(clients.map(create_payment, range(PAYMENTS)))
        created.finish()
        for _ in range(REFUND_THREADS):
            candidates.put(None)
    refund_progress.finish(f"{len(ledger.refunds)} refunds created")
    chaos.join()


def refund_pair(payment_id: str, pool: ThreadPoolExecutor, ledger: Ledger) -> bool:
    """Waits for the payment to succeed, then sends two refunds of 60% at once: at most one fits."""
    payment = ledger.payments[payment_id]
    api = payment["merchant"]
    deadline = time.monotonic() + SETTLE_DEADLINE_SECONDS
    while True:
        status = api.ok("GET", f"/api/v1/payments/{payment_id}")["status"]
        if status != "pending" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if status != "success":
        return False
    amount = math.ceil(payment["amount"] * 0.6)
    body = {"amount": amount, "reason": "soak"}
    replies = list(
        pool.map(lambda _: api.call("POST", f"/api/v1/payments/{payment_id}/refunds", body), range(2))
    )
    with ledger.lock:
        ledger.refund_pairs.append((payment_id, [reply.status for reply in replies]))
        for reply in replies:
            if reply.status == 201:
                ledger.refunds[reply.body["id"]] = {
                    "merchant": payment["merchant"],
                    "payment": payment_id,
                    "amount": amount,
                }
            elif reply.status != 400:
                ledger.client_errors.append(f"refund on {payment_id}: {reply.status} {reply.body}")
    return True


def restart_workers_twice(stack: LiveStack, created: Progress, ledger: Ledger) -> None:
    for threshold in STOP_WORKERS_AT:
        while created.done < threshold and created.done + len(ledger.client_errors) < PAYMENTS:
            time.sleep(0.2)
        stopped = time.monotonic()
        stack.stop_workers()
        print(f"  -- workers stopped at {created.done} payments", flush=True)
        time.sleep(WORKERS_DOWN_SECONDS)  # the outage itself: nothing to poll for
        stack.start_workers()
        ledger.worker_restarts.append((stopped, time.monotonic()))
        print(f"  -- workers started again after {time.monotonic() - stopped:.1f}s", flush=True)


# ---------------------------------------------------------------------- verification
def expected_events(stack: LiveStack, ledger: Ledger, statuses: dict[str, str]) -> dict[tuple[str, str], str]:
    """(event, resource id) -> merchant id, for every event the gateway owes a receiver."""
    expected: dict[tuple[str, str], str] = {}
    for payment_id, payment in ledger.payments.items():
        merchant_id = payment["merchant"].id
        for event in ("payment.created", "payment.pending", f"payment.{statuses.get(payment_id, 'success')}"):
            expected[(event, payment_id)] = merchant_id
    for refund_id, refund in ledger.refunds.items():
        for event in ("refund.created", "refund.processed"):
            expected[(event, refund_id)] = refund["merchant"].id
    return expected


def accepted_events(merchants: list[Merchant]) -> dict[tuple[str, str], set[str]]:
    """(event, resource id) -> the webhook-ids under which receivers accepted it."""
    accepted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for merchant in merchants:
        assert merchant.receiver is not None
        for event in merchant.receiver.events():
            data = event["payload"]["data"]
            resource = (data.get("payment") or data.get("refund") or {}).get("id", "?")
            accepted[(event["event"], resource)].add(event["webhook_id"])
    return accepted


def poll_until_final(
    label: str, items: dict[str, Any], path: str, final: set[str], deadline: float
) -> dict[str, str]:
    statuses: dict[str, str] = {}
    progress = Progress(label, len(items))

    def fetch(item_id: str) -> tuple[str, str]:
        api = items[item_id]["merchant"]
        return item_id, api.ok("GET", path.format(id=item_id))["status"]

    with ThreadPoolExecutor(8) as pool:
        while True:
            waiting = [i for i in items if statuses.get(i) not in final]
            for item_id, status in pool.map(fetch, waiting):
                statuses[item_id] = status
            progress.set(sum(1 for s in statuses.values() if s in final))
            if all(statuses.get(i) in final for i in items) or time.monotonic() > deadline:
                break
            time.sleep(1.0)
    progress.finish()
    return statuses


def verify(stack: LiveStack, merchants: list[Merchant], ledger: Ledger) -> tuple[list[str], dict[str, Any]]:
    from gateway.domain.ids import webhook_log_id  # pure: derives the log id the gateway gives an event

    problems: list[str] = [f"client error: {e}" for e in ledger.client_errors[:10]]
    deadline = time.monotonic() + SETTLE_DEADLINE_SECONDS
    payment_status = poll_until_final(
        "verify: payments final", ledger.payments, "/api/v1/payments/{id}", FINAL_PAYMENT, deadline
    )
    refund_status = poll_until_final(
        "verify: refunds processed", ledger.refunds, "/api/v1/refunds/{id}", {"processed"}, deadline
    )
    expected = expected_events(stack, ledger, payment_status)
    progress = Progress("verify: events accepted by receivers", len(expected))
    next_rescue = time.monotonic() + 30
    while True:
        accepted = accepted_events(merchants)
        missing = [key for key in expected if key not in accepted]
        progress.set(len(expected) - len(missing))
        if not missing or time.monotonic() > deadline:
            break
        if time.monotonic() >= next_rescue:
            ledger.manual_retries += retry_exhausted(missing, expected, ledger, merchants, webhook_log_id)
            next_rescue = time.monotonic() + 15
        time.sleep(1.0)
    progress.finish(f"{ledger.manual_retries} manual retries")

    for payment_id, status in payment_status.items():
        if status not in FINAL_PAYMENT:
            problems.append(f"payment {payment_id} still {status}")
    for refund_id, status in refund_status.items():
        if status != "processed":
            problems.append(f"refund {refund_id} still {status}")
    for key in missing[:20]:
        problems.append(f"{key[0]} for {key[1]} never accepted by its receiver")
    if len(missing) > 20:
        problems.append(f"... and {len(missing) - 20} more events never accepted")
    for key, ids in accepted.items():
        if len(ids) > 1:
            problems.append(f"{key[0]} for {key[1]} accepted under {len(ids)} different webhook-ids")
        if key not in expected:
            problems.append(f"unexpected event {key[0]} for {key[1]}")
    for merchant in merchants:
        assert merchant.receiver is not None
        accepted_ids = [e["webhook_id"] for e in merchant.receiver.events()]
        if len(accepted_ids) != len(set(accepted_ids)):
            problems.append(f"merchant {merchant.id}: a webhook-id was accepted twice by the dedupe")
    problems += check_refund_totals(ledger)
    dead_letters = dead_letter_depths(stack)
    problems += [
        f"{name}: {count} message(s) in the dead-letter queue"
        for name, count in dead_letters.items()
        if count
    ]
    facts = {
        "payments": len(ledger.payments),
        "payment_statuses": dict(sorted(_count(payment_status.values()).items())),
        "refunds": len(ledger.refunds),
        "refund_pairs": len(ledger.refund_pairs),
        "pairs_with_one_refund": sum(1 for _, s in ledger.refund_pairs if sorted(s) == [201, 400]),
        "events_expected": len(expected),
        "events_accepted": sum(1 for key in expected if key in accepted),
        "dead_letter_queues": dead_letters,
    }
    return problems, facts


def retry_exhausted(
    missing: list[tuple[str, str]],
    expected: dict[tuple[str, str], str],
    ledger: Ledger,
    merchants: list[Merchant],
    log_id: Any,
) -> int:
    """Logs that used up their five attempts are retried as a merchant would, from the API."""
    by_id = {merchant.id: merchant for merchant in merchants}
    retried = 0
    for event, resource in missing:
        merchant = by_id[expected[(event, resource)]]
        identifier = log_id(merchant.id, f"{resource}:{event}")
        reply = merchant.call("GET", f"/api/v1/webhooks/{identifier}")
        if reply.status == 200 and reply.body["status"] == "failed":
            merchant.ok("POST", f"/api/v1/webhooks/{identifier}/retry")
            retried += 1
    return retried


def check_refund_totals(ledger: Ledger) -> list[str]:
    problems = []
    refunded = {payment_id for payment_id, _ in ledger.refund_pairs}
    for payment_id in refunded:
        payment = ledger.payments[payment_id]
        listed = payment["merchant"].ok("GET", f"/api/v1/payments/{payment_id}/refunds")
        total = sum(int(refund["amount"]) for refund in listed)
        if total > payment["amount"]:
            problems.append(f"payment {payment_id}: refunds total {total} > amount {payment['amount']}")
        known = {r for r, info in ledger.refunds.items() if info["payment"] == payment_id}
        if {refund["id"] for refund in listed} != known:
            problems.append(f"payment {payment_id}: refunds listed differ from the ones created")
    return problems


def dead_letter_depths(stack: LiveStack) -> dict[str, int]:
    environment = stack.environment
    sqs = boto3.client(
        "sqs",
        endpoint_url=stack.aws_endpoint_url,
        region_name=environment.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id=environment.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=environment.get("AWS_SECRET_ACCESS_KEY", "test"),
    )
    depths = {}
    for url in sqs.list_queues(QueueNamePrefix=stack.stack_name).get("QueueUrls", []):
        if not url.endswith("-dlq"):
            continue
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        depths[url.rsplit("/", 1)[-1]] = sum(
            int(attributes.get(name, 0))
            for name in (
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
            )
        )
    if len(depths) != 3:
        depths["(dead-letter queues found)"] = -1 if not depths else 0
    return depths


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return counts


# ---------------------------------------------------------------------- report
def print_report(
    ledger: Ledger, merchants: list[Merchant], problems: list[str], facts: dict[str, Any], seconds: float
) -> None:
    deliveries = failed_on_purpose = redelivered = 0
    for merchant in merchants:
        assert merchant.receiver is not None
        snapshot = merchant.receiver.state.snapshot()
        deliveries += len(snapshot["deliveries"])
        failed_on_purpose += sum(1 for d in snapshot["deliveries"] if d["status"] == 500)
        redelivered += sum(1 for d in snapshot["deliveries"] if d["status"] == 200) - len(snapshot["events"])
    outages = ", ".join(f"{end - start:.1f}s" for start, end in ledger.worker_restarts)
    print()
    print("soak report")
    print(f"  payments         {facts['payments']} created, final: {facts['payment_statuses']}")
    print(
        f"  refunds          {facts['refunds']} created from {facts['refund_pairs']} concurrent pairs of 60% "
        f"({facts['pairs_with_one_refund']} pairs: one 201 and one 400)"
    )
    print(
        f"  webhooks         {facts['events_accepted']}/{facts['events_expected']} events accepted; "
        f"{deliveries} deliveries, {failed_on_purpose} failed on purpose, {redelivered} redeliveries absorbed "
        f"by the dedupe, {ledger.manual_retries} logs retried after 5 failed attempts"
    )
    print(f"  workers          stopped and restarted {len(ledger.worker_restarts)} times (down {outages})")
    print(f"  dead letters     {facts['dead_letter_queues']}")
    print(f"  client errors    {len(ledger.client_errors)}")
    print(f"  took             {seconds:.0f}s")
    if problems:
        print(f"  LOSS: {len(problems)} problem(s)")
        for problem in problems[:25]:
            print(f"    - {problem}")
    else:
        print("  OK: nothing lost, nothing duplicated, nothing dead-lettered, no refund beyond its payment")


if __name__ == "__main__":
    sys.exit(main())
