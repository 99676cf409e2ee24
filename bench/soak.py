"""`python -m bench.soak`: a bounded load-and-fault run against a local stack it starts itself.

Eight client threads create 500 payments across four merchants (1000 before the last three faults were
added: with them, 500 keep the run under 15 minutes on 2 cores); refund clients then send two concurrent
refunds of 60% for 110 of them (exactly one of each pair may succeed). Meanwhile each merchant's receiver
fails a third of deliveries at random, and these faults strike:
- the workers are stopped and restarted twice;
- a poison stream record: a payments-table item the dispatcher cannot decode, written straight into the
  table, fails every attempt; it must be bisected out and skipped to the on-failure queue while the
  records after it flow on;
- lost messages: while the workers are stopped the first time (or as they restart), payment jobs are
  received from the payments queue and deleted; the reconciliation sweep (every 30 s here, 60 s grace)
  must settle those payments and their webhooks must arrive (how long that took is reported);
- workers killed in the middle of a delivery: each receiver holds its next delivery open and the runtime
  kills the workers inside those POSTs; the abandoned deliveries must come back (after the queue's
  visibility timeout, or earlier through the sweep).
At the end, within a deadline: every payment and refund is final, every event was accepted once under one
webhook-id by its receiver (logs that used up their five attempts are retried through the API, as a
merchant would from the dashboard), the dead-letter queues are empty, the on-failure queue describes the
poison record and nothing else, and no payment is refunded beyond its amount. Any loss exits non-zero.
"""

from __future__ import annotations

import contextlib
import json
import math
import queue
import random
import re
import secrets
import signal
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench.common import Progress
from devkit.live_stack import LiveStack
from devkit.merchant import Merchant, Receiver, wait_for

MERCHANTS = 4
PAYMENTS = 500
REFUND_PAIRS = 110
CLIENT_THREADS = 8
REFUND_THREADS = 4
FAIL_RATE = 1 / 3
# When the faults strike, in payments created.
POISON_AT = PAYMENTS // 10
STOP_WORKERS_AT = (PAYMENTS // 4, PAYMENTS * 13 // 20)  # the first outage also loses payment jobs
KILL_AT = PAYMENTS * 9 // 20
WORKERS_DOWN_SECONDS = 6.0
LOST_PAYMENT_JOBS = 8
SWEEP_EVERY_SECONDS = 30
SWEEP_GRACE_SECONDS = 60
DEADLINE_SECONDS = 840.0  # from the start: everything must be final by then, teardown and report after
FINAL_PAYMENT = {"success", "failed"}
STACK_ENVIRONMENT = {
    "TEST_PROCESSING_DELAY": "250",
    "WEBHOOK_RETRY_INTERVALS_TEST": "true",
    "WORKER_CONCURRENCY": "4",
    "LOCAL_SCHEDULE_RATE_SECONDS": str(SWEEP_EVERY_SECONDS),
    "LOCAL_OVERRIDE_RECONCILE_GRACE_SECONDS": str(SWEEP_GRACE_SECONDS),
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

    payments: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {merchant, amount, order}
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {merchant, payment, amount}
    refund_pairs: list[tuple[str, list[int]]] = field(default_factory=list)
    pairs_reserved: int = 0
    client_errors: list[str] = field(default_factory=list)
    worker_restarts: list[tuple[float, float]] = field(default_factory=list)
    manual_retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    fault_problems: list[str] = field(default_factory=list)
    helpers: list[threading.Thread] = field(default_factory=list)  # fault threads still at work
    poison_ids: list[str] = field(default_factory=list)
    poison_written_at: float = 0.0  # time.time(), comparable with the receivers' clocks
    payments_before_poison: int = 0  # in the order the clients recorded them
    poison_skipped_after: float | None = None
    lost_jobs: dict[str, float] = field(default_factory=dict)  # payment id -> when its job was deleted
    held: list[str] = field(default_factory=list)  # webhook-ids of the deliveries whose workers were killed
    killed: int = 0
    killed_at: float = 0.0

    def in_background(self, work: Callable[..., None], *args: Any) -> None:
        helper = threading.Thread(target=work, args=args, daemon=True)
        self.helpers.append(helper)
        helper.start()


@dataclass
class SoakFacts:
    """What the run found, as the report prints it."""

    payments: int
    payment_statuses: dict[str, int]  # final status -> payments
    refunds: int
    refund_pairs: int
    pairs_with_one_refund: int  # pairs where exactly one of the two concurrent refunds succeeded
    events_expected: int
    events_accepted: int
    dead_letter_queues: dict[str, int]  # queue -> messages left in it
    on_failure: list[list[str]]  # keys of the stream records each on-failure message describes
    lost_recovery: tuple[list[float], list[float]]  # lost jobs: seconds to settled, to webhook accepted
    redelivery: list[float]  # deliveries held by killed workers: seconds to their next delivery
    visibility_timeout: str  # of the webhooks queue
    after_poison: tuple[int, int]  # payments after the poison record: payment.created accepted, all
    sweep: dict[str, int]  # reconciliation sweep: runs, and what it put back


def main() -> int:
    began = time.monotonic()
    # A plain SIGTERM would skip the `finally` that stops the local stack (its own process group).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"soak: {PAYMENTS} payments, {REFUND_PAIRS} refund pairs, {MERCHANTS} merchants, receivers failing "
        f"{FAIL_RATE:.0%} at random, workers stopped twice, a poison stream record, {LOST_PAYMENT_JOBS} lost "
        f"payment jobs, workers killed mid-delivery (at most {DEADLINE_SECONDS / 60:.0f} minutes)",
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
        problems, facts = verify(stack, merchants, ledger, began + DEADLINE_SECONDS)
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
    chaos = threading.Thread(target=inject_faults, args=(stack, merchants, created, ledger), daemon=True)
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
            ledger.payments[payment_id] = {"merchant": merchant, "amount": amount, "order": order["id"]}
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
    deadline = time.monotonic() + DEADLINE_SECONDS / 2
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


def inject_faults(stack: LiveStack, merchants: list[Merchant], created: Progress, ledger: Ledger) -> None:
    faults: list[tuple[int, Callable[[], None]]] = [
        (POISON_AT, lambda: write_poison_record(stack, created, ledger)),
        (STOP_WORKERS_AT[0], lambda: outage(stack, created, ledger, lose_jobs=True)),
        (KILL_AT, lambda: kill_workers_mid_delivery(stack, merchants, ledger)),
        (STOP_WORKERS_AT[1], lambda: outage(stack, created, ledger)),
    ]
    for threshold, fault in sorted(faults, key=lambda f: f[0]):
        while created.done < threshold and created.done + len(ledger.client_errors) < PAYMENTS:
            time.sleep(0.2)
        fault()


def outage(stack: LiveStack, created: Progress, ledger: Ledger, lose_jobs: bool = False) -> None:
    stopped, payments = time.monotonic(), created.done
    stack.stop_workers()
    print(
        f"  -- workers stopped at {payments} payments ({time.monotonic() - stopped:.1f}s for the batches in flight)",
        flush=True,
    )
    if lose_jobs:
        ledger.in_background(lose_payment_jobs, stack, ledger)
    time.sleep(WORKERS_DOWN_SECONDS)  # the outage itself: nothing to poll for
    stack.start_workers()
    ledger.worker_restarts.append((stopped, time.monotonic()))
    print(f"  -- workers started again after {time.monotonic() - stopped:.1f}s", flush=True)


def lose_payment_jobs(stack: LiveStack, ledger: Ledger) -> None:
    """Payment jobs received and deleted unprocessed: lost messages, that only the sweep can find again."""
    sqs, url = stack.aws("sqs"), stack.environment["PAYMENTS_QUEUE_URL"]
    deadline = time.monotonic() + 120
    while len(ledger.lost_jobs) < LOST_PAYMENT_JOBS and time.monotonic() < deadline:
        wanted = LOST_PAYMENT_JOBS - len(ledger.lost_jobs)
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=wanted, WaitTimeSeconds=1)
        for message in reply.get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            ledger.lost_jobs.setdefault(json.loads(message["Body"])["payment_id"], time.time())
    print(
        f"  -- {len(ledger.lost_jobs)} payment jobs deleted from the payments queue, unprocessed", flush=True
    )


def write_poison_record(stack: LiveStack, created: Progress, ledger: Ledger) -> None:
    """A payments-table item the dispatcher cannot decode ("poisoned" is no payment status), so every
    attempt fails before any effect. It has no merchant and no `unfinished` shard: no index, API or
    sweep reads it."""
    poison_id = f"pay_poison{secrets.token_hex(5)}"
    table = f"{stack.environment['TABLE_PREFIX']}-payments"
    stack.aws("dynamodb").put_item(
        TableName=table, Item={"id": {"S": poison_id}, "status": {"S": "poisoned"}}
    )
    ledger.poison_ids.append(poison_id)
    ledger.poison_written_at = time.time()
    ledger.payments_before_poison = len(ledger.payments)
    print(
        f"  -- poison record {poison_id} written to the payments table at {created.done} payments", flush=True
    )
    ledger.in_background(watch_poison, stack, ledger)


def watch_poison(stack: LiveStack, ledger: Ledger) -> None:
    try:
        wait_for(lambda: stack.queue_depth("stream-failures"), 600, "a message on the on-failure queue", 1.0)
    except AssertionError as error:
        ledger.fault_problems.append(f"poison record: {error}")
        return
    ledger.poison_skipped_after = time.time() - ledger.poison_written_at
    print(
        f"  -- poison record skipped to the on-failure queue after {ledger.poison_skipped_after:.0f}s; "
        "the payments stream moves on",
        flush=True,
    )


def kill_workers_mid_delivery(stack: LiveStack, merchants: list[Merchant], ledger: Ledger) -> None:
    """Each receiver holds its next delivery open; the runtime kills the workers inside those POSTs."""
    receivers = [merchant.receiver for merchant in merchants if merchant.receiver is not None]
    for receiver in receivers:
        receiver.hold(1)

    def held() -> int:
        return sum(len(receiver.state.held) for receiver in receivers)

    try:
        wait_for(held, 60, "a delivery to hold open")
        # The others for up to 2 s more, well inside the 5 s a delivery may take.
        with contextlib.suppress(AssertionError):
            wait_for(lambda: held() == len(receivers), 2.0, "a delivery held by every receiver")
        ledger.killed_at = time.time()
        ledger.killed = stack.kill_deliveries()
    except AssertionError as error:
        ledger.fault_problems.append(f"kill mid-delivery: {error}")
    finally:
        for receiver in receivers:
            receiver.release()
    ledger.held = [webhook_id for receiver in receivers for webhook_id in receiver.state.held]
    print(
        f"  -- {ledger.killed} worker(s) killed in the middle of a POST ({len(ledger.held)} deliveries held open)",
        flush=True,
    )


# ---------------------------------------------------------------------- verification
def expected_events(stack: LiveStack, ledger: Ledger, statuses: dict[str, str]) -> dict[tuple[str, str], str]:
    """(event, resource id) -> merchant id, for every event the gateway owes a receiver."""
    expected: dict[tuple[str, str], str] = {}
    for payment_id, payment in ledger.payments.items():
        merchant_id = payment["merchant"].id
        status = statuses.get(payment_id, "success")
        for event in ("payment.created", "payment.pending", f"payment.{status}"):
            expected[(event, payment_id)] = merchant_id
        if status == "success":  # every order here has one payment, of its whole amount
            expected[("order.paid", payment["order"])] = merchant_id
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
            accepted[event_key(event)].add(event["webhook_id"])
    return accepted


def event_key(event: dict[str, Any]) -> tuple[str, str]:
    """(event, id of the resource it is about): `order.paid` is about data.order, `refund.*` data.refund."""
    resource = event["payload"]["data"].get(event["event"].split(".")[0]) or {}
    return event["event"], str(resource.get("id", "?"))


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


def verify(
    stack: LiveStack, merchants: list[Merchant], ledger: Ledger, deadline: float
) -> tuple[list[str], SoakFacts]:
    from gateway.domain.ids import webhook_log_id  # pure: derives the log id the gateway gives an event

    problems: list[str] = [f"client error: {e}" for e in ledger.client_errors[:10]]
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
    for helper in ledger.helpers:
        helper.join(max(0.0, deadline - time.monotonic()))
    problems += ledger.fault_problems
    dead_letters = {name: stack.queue_depth(name) for name in stack.queue_urls() if name.endswith("dlq")}
    problems += [
        f"{name}: {count} message(s) in the dead-letter queue"
        for name, count in dead_letters.items()
        if count
    ]
    if len(dead_letters) != 3:
        problems.append(f"expected 3 dead-letter queues, found {sorted(dead_letters)}")
    on_failure = stack.failed_stream_batches()
    if sorted(key for batch in on_failure for key in batch) != sorted(ledger.poison_ids):
        problems.append(
            f"on-failure queue describes {on_failure}, expected the poison records {ledger.poison_ids}"
        )
    lost_recovery = recovery_seconds(ledger, merchants, problems)
    redelivery = redelivery_seconds(ledger, merchants, problems)
    after_poison = list(ledger.payments)[ledger.payments_before_poison :]
    facts = SoakFacts(
        payments=len(ledger.payments),
        payment_statuses=dict(sorted(_count(payment_status.values()).items())),
        refunds=len(ledger.refunds),
        refund_pairs=len(ledger.refund_pairs),
        pairs_with_one_refund=sum(1 for _, s in ledger.refund_pairs if sorted(s) == [201, 400]),
        events_expected=len(expected),
        events_accepted=sum(1 for key in expected if key in accepted),
        dead_letter_queues=dead_letters,
        on_failure=on_failure,
        lost_recovery=lost_recovery,
        redelivery=redelivery,
        visibility_timeout=stack.queue_attributes("webhooks")["VisibilityTimeout"],
        after_poison=(sum(("payment.created", p) in accepted for p in after_poison), len(after_poison)),
        sweep=sweep_totals(stack),
    )
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


def recovery_seconds(
    ledger: Ledger, merchants: list[Merchant], problems: list[str]
) -> tuple[list[float], list[float]]:
    """For the payments whose jobs were lost: seconds from the deletion to their settlement (the time the
    settlement webhook carries), and to that webhook accepted by the receiver."""
    accepted = {event_key(e): e for merchant in merchants for e in _receiver(merchant).events()}
    settled, notified = [], []
    for payment_id, deleted_at in ledger.lost_jobs.items():
        webhook = accepted.get(("payment.success", payment_id)) or accepted.get(
            ("payment.failed", payment_id)
        )
        if webhook is None:
            problems.append(f"lost job of {payment_id}: its payment never settled with a webhook accepted")
            continue
        updated_at = datetime.fromisoformat(webhook["payload"]["data"]["payment"]["updated_at"])
        settled.append(updated_at.timestamp() - deleted_at)
        notified.append(webhook["at"] - deleted_at)
    return sorted(settled), sorted(notified)


def redelivery_seconds(ledger: Ledger, merchants: list[Merchant], problems: list[str]) -> list[float]:
    """For each delivery held open when its worker was killed: seconds from the kill to its next delivery."""
    deliveries = [d for merchant in merchants for d in _receiver(merchant).deliveries()]
    seconds = []
    for webhook_id in ledger.held:
        later = [d["at"] for d in deliveries if d["webhook_id"] == webhook_id and d["at"] > ledger.killed_at]
        if not later:
            problems.append(f"delivery {webhook_id}, abandoned by a killed worker, was never delivered again")
            continue
        seconds.append(min(later) - ledger.killed_at)
    return sorted(seconds)


def sweep_totals(stack: LiveStack) -> dict[str, int]:
    """Runs of the reconciliation sweep and what they put back, from the runtime's log."""
    lines = [line for line in stack.log_tail(10**7).splitlines() if "reconciliation sweep" in line]
    totals = {"runs": len(lines)}
    for kind in ("payments", "refunds", "deliveries"):
        totals[kind] = sum(int(m) for line in lines for m in re.findall(rf"\b{kind}=(\d+)", line))
    return totals


def _receiver(merchant: Merchant) -> Receiver:
    assert merchant.receiver is not None
    return merchant.receiver


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return counts


# ---------------------------------------------------------------------- report
def print_report(
    ledger: Ledger, merchants: list[Merchant], problems: list[str], facts: SoakFacts, seconds: float
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
    print(f"  payments         {facts.payments} created, final: {facts.payment_statuses}")
    print(
        f"  refunds          {facts.refunds} created from {facts.refund_pairs} concurrent pairs of 60% "
        f"({facts.pairs_with_one_refund} pairs: one 201 and one 400)"
    )
    print(
        f"  webhooks         {facts.events_accepted}/{facts.events_expected} events accepted; "
        f"{deliveries} deliveries, {failed_on_purpose} failed on purpose, {redelivered} redeliveries absorbed "
        f"by the dedupe, {ledger.manual_retries} logs retried after 5 failed attempts"
    )
    print(f"  workers          stopped and restarted {len(ledger.worker_restarts)} times (down {outages})")
    skipped = f"{ledger.poison_skipped_after:.0f}s" if ledger.poison_skipped_after is not None else "never"
    flowed, after = facts.after_poison
    print(
        f"  poison record    {', '.join(ledger.poison_ids)}: skipped to the on-failure queue after {skipped}"
    )
    print(
        f"                   the stream flowed on: payment.created accepted for {flowed}/{after} later payments"
    )
    settled, notified = facts.lost_recovery
    print(
        f"  lost jobs        {len(ledger.lost_jobs)} payment jobs deleted unprocessed; after the deletion the sweep "
        f"had them settled in {_span(settled)}, payment.success accepted in {_span(notified)}"
    )
    print(
        f"  killed workers   {ledger.killed} killed mid-POST ({len(ledger.held)} deliveries held open); delivered "
        f"again after {_span(facts.redelivery)} (by the sweep, or after the queue's "
        f"{facts.visibility_timeout}s visibility timeout)"
    )
    sweep = facts.sweep
    print(
        f"  sweep            {sweep['runs']} runs (every {SWEEP_EVERY_SECONDS}s, grace {SWEEP_GRACE_SECONDS}s) put "
        f"back {sweep['payments']} payment jobs, {sweep['refunds']} refund jobs, {sweep['deliveries']} attempts"
    )
    print(f"  dead letters     {facts.dead_letter_queues}")
    print(f"  on-failure queue {facts.on_failure} (stream records described)")
    print(f"  client errors    {len(ledger.client_errors)}")
    print(f"  took             {seconds:.0f}s")
    if problems:
        print(f"  LOSS: {len(problems)} problem(s)")
        for problem in problems[:25]:
            print(f"    - {problem}")
    else:
        print(
            "  OK: nothing lost, nothing duplicated, only the poison record dead-lettered, no refund beyond "
            "its payment"
        )


def _span(seconds: list[float]) -> str:
    return f"{seconds[0]:.0f}-{seconds[-1]:.0f}s" if seconds else "-"


if __name__ == "__main__":
    sys.exit(main())
