"""`python -m bench.stats_flat [SIZE ...]`: the stats a merchant reads do not grow with its history.

For 1,000, 10,000 and 100,000 payments of one merchant, it times `GET /api/v1/payments/stats?days=30`
(the service the route calls, in this process) and counts the DynamoDB read units it costs, beside the
old way of computing the same figures (a Query over every payment of the merchant).

How it is measured, honestly:
- The AWS side is moto, in this process (`mock_aws`), with the tables of template.yaml: the times are
  this machine's Python, not DynamoDB's; the read units are computed from what each Query returned,
  as DynamoDB bills them (eventually consistent: 0.5 unit per 4 KB of items read, per page).
- The history is written directly, not through the API: N payment items with one BatchWrite per 25, and
  the merchant's counters as the sums the settlement writes would have added (each (day, shard) group
  of payments added in one transaction with `data.totals.add_directly`, using the domain's own
  `money.on_*` changes). Then the stats are checked equal to the figures recomputed from every payment.
- The old way (a Query over all payments) is timed at 1,000 and 10,000 payments; at 100,000 its read
  units are computed from the items' sizes (moto's index Query is too slow at that size to be worth
  timing, and its time says nothing about DynamoDB's).
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SIZES = (1_000, 10_000, 100_000)
STATS_CALLS = 30
OLD_WAY_UP_TO = 10_000
RESULTS = Path(__file__).resolve().parent / "results"
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "STACK_NAME": "bench-stats",
    "TEST_MODE": "true",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


class ReadMeter:
    """DynamoDB read units of every read the process makes, from the responses (install before any client
    exists; `reset` between measurements)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.units = 0.0
        self.items = 0
        self.calls = 0

    def install(self) -> None:
        import botocore.session

        original = botocore.session.Session.create_client
        meter = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            client.meta.events.register("after-call.dynamodb", meter.after_call)
            return client

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

    def after_call(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name not in ("Query", "GetItem", "BatchGetItem"):
            return
        items = parsed.get("Items") or ([parsed["Item"]] if parsed.get("Item") else [])
        size = sum(item_size(item) for item in items)
        self.units += 0.5 * max(1, math.ceil(size / 4096))
        self.items += len(items)
        self.calls += 1


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's item size: attribute names plus values (numbers about 1 byte per 2 digits + 1)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        kind, raw = next(iter(value.items()))
        if kind == "S":
            size += len(str(raw).encode())
        elif kind == "N":
            size += len(str(raw).lstrip("-").replace(".", "")) // 2 + 1
        else:
            size += 1
    return size


def start_emulator() -> Any:
    os.environ.update(ENVIRONMENT)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)
    from moto import mock_aws

    from local_runtime.moto_fixes import patch_moto
    from local_runtime.provision import provision, register_event_source_mappings
    from local_runtime.template import Template

    patch_moto()
    emulator = mock_aws()
    emulator.start()
    template = Template.from_environment()
    physical = provision(template)
    register_event_source_mappings(template, physical)
    os.environ.update(template.function_environment(template.function("ApiFunction"), physical))
    from gateway import config

    config.get_settings.cache_clear()
    return emulator


def seed_history(merchant_id: str, count: int, seed: int) -> dict[str, int]:
    """`count` payments over the last 30 days, written directly, and the counters they would have added.
    Returns the figures recomputed from every payment, to check the stats against."""
    from gateway.data import totals
    from gateway.data.dynamo import plain_attributes
    from gateway.data.models import PaymentModel
    from gateway.domain import money
    from gateway.domain.clock import iso
    from gateway.domain.lifecycle import PaymentStatus
    from gateway.domain.resources import Payment

    rng = random.Random(seed)
    now = datetime.now(UTC)
    # Payments of one day and one counter shard add to the same counter items: one write per group.
    groups: dict[tuple[str, int], list[Any]] = {}
    expected: dict[str, int] = defaultdict(int)
    with PaymentModel.batch_write() as batch:
        for number in range(count):
            created = now - timedelta(seconds=rng.randrange(29 * 86400))  # inside the 30-day chart
            payment = Payment(
                id=f"pay_{uuid.uuid4().hex[:16]}",
                merchant_id=merchant_id,
                order_id=f"order_{number:016d}",
                amount=rng.choice((10000, 49900, 129900, 250000)),
                currency="INR",
                method="upi",
                status=PaymentStatus.SUCCESS if rng.random() < 0.9 else PaymentStatus.FAILED,
                created_at=iso(created),
                updated_at=iso(created),
                vpa="shopper@upi",
            )
            change = money.on_created()
            if payment.status is PaymentStatus.SUCCESS:
                change += money.on_success(payment)
                if rng.random() < 0.1:  # a refund before capture
                    change += money.on_refund(payment, 5000)
                    payment = replace(payment, refunded_amount=5000)
                if rng.random() < 0.6:
                    change += money.on_capture(payment)
                    payment = payment.with_capture()
            batch.save(PaymentModel(**plain_attributes(payment)))
            expected["payments"] += 1
            expected["succeeded"] += payment.status is PaymentStatus.SUCCESS
            expected["success_amount"] += money.authorized(payment)
            expected["net"] += money.net(payment)
            group = groups.setdefault(
                (payment.created_at[:10], totals.shard_of(payment.id)),
                [payment.id, payment.created_at, money.TotalsChange()],
            )
            group[2] += change
    for subject_id, created_at, change in groups.values():
        totals.add_directly(merchant_id, "INR", created_at, subject_id, change)
    return dict(expected)


def measure(count: int, meter: ReadMeter) -> dict[str, Any]:
    from gateway.data import payments as payment_store
    from gateway.data.dynamo import plain_attributes
    from gateway.data.merchants import find_merchant_by_api_key
    from gateway.services.auth import Credentials
    from gateway.services.merchants import create_merchant
    from gateway.services.payments import payment_stats

    merchant = create_merchant("Bench", f"bench-{uuid.uuid4().hex[:10]}@example.com")
    owner = find_merchant_by_api_key(merchant["api_key"])
    assert owner is not None
    print(f"stats_flat: writing {count:,} payments and their counters ...", flush=True)
    started = time.perf_counter()
    expected = seed_history(owner.id, count, seed=count)
    seeded_s = time.perf_counter() - started
    credentials = Credentials(merchant["api_key"], merchant["api_secret"])

    stats = payment_stats(credentials, None, "30")  # warm
    assert stats["total_transactions"] == expected["payments"], (stats, expected)
    assert stats["total_amount"] == expected["success_amount"] and stats["net_amount"] == expected["net"]
    assert sum(day["payments"] for day in stats["daily"]) == expected["payments"]
    meter.reset()
    times, cpu_times = [], []
    for _ in range(STATS_CALLS):
        began, began_cpu = time.perf_counter(), time.process_time()
        payment_stats(credentials, None, "30")
        times.append((time.perf_counter() - began) * 1000)
        cpu_times.append((time.process_time() - began_cpu) * 1000)
    stats_units = meter.units / STATS_CALLS
    stats_items = meter.items / STATS_CALLS
    stats_calls = meter.calls / STATS_CALLS

    old: dict[str, Any] = {}
    if count <= OLD_WAY_UP_TO:
        meter.reset()
        began = time.perf_counter()
        scanned = sum(1 for _ in payment_store.payments_newest_first(owner.id, page_size=1000))
        old = {
            "ms": round((time.perf_counter() - began) * 1000, 1),
            "read_units": meter.units,
            "items_read": scanned,
            "measured": True,
        }
    else:
        # Every payment item of this history is about the same size: the first page's average times N.
        meter.reset()
        sample = next(iter(payment_store.payments_newest_first(owner.id, page_size=100)), None)
        assert sample is not None
        size = sum(len(k) + len(str(v)) for k, v in plain_attributes(sample).items() if v is not None)
        old = {
            "ms": None,
            "read_units": round(0.5 * math.ceil(size * count / 4096), 1),
            "items_read": count,
            "measured": False,
        }
    return {
        "payments": count,
        "seed_seconds": round(seeded_s, 1),
        "stats_ms": {
            "median": round(statistics.median(times), 2),
            "p90": round(sorted(times)[int(0.9 * len(times)) - 1], 2),
            "cpu_median": round(statistics.median(cpu_times), 2),
        },
        "stats_read_units": stats_units,
        "stats_items_read": stats_items,
        "stats_dynamodb_reads": stats_calls,
        "old_way": old,
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "# Stats cost by history size (`python -m bench.stats_flat`)",
        "",
        "`GET /api/v1/payments/stats?days=30` in process against moto (times are this machine's Python, not",
        "DynamoDB's); read units computed from each response as DynamoDB bills eventually consistent reads.",
        "History written directly (payments by BatchWrite, counters as the sums the writes would add).",
        "",
        "Wall times on a shared machine vary with its load; CPU ms (this process) is the steadier figure.",
        "",
        "| payments | stats median ms | stats p90 ms | stats CPU ms | stats read units | items read | reads | "
        "old way (Query all) read units | old way ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        old = row["old_way"]
        old_ms = f"{old['ms']}" if old["ms"] is not None else "not timed"
        old_units = f"{old['read_units']}" + ("" if old["measured"] else " (from item sizes)")
        lines.append(
            f"| {row['payments']:,} | {row['stats_ms']['median']} | {row['stats_ms']['p90']} | "
            f"{row['stats_ms']['cpu_median']} | "
            f"{row['stats_read_units']} | {row['stats_items_read']:.0f} | {row['stats_dynamodb_reads']:.0f} | "
            f"{old_units} | {old_ms} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    print("stats_flat: stats latency and read units at 1k, 10k and 100k payments (a few minutes)", flush=True)
    sizes = [int(arg) for arg in sys.argv[1:]] or list(SIZES)
    meter = ReadMeter()
    meter.install()
    emulator = start_emulator()
    try:
        rows = [measure(count, meter) for count in sizes]
    finally:
        emulator.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stats_flat.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "stats_flat.md").write_text(markdown(rows), encoding="utf-8")
    print(markdown(rows), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
