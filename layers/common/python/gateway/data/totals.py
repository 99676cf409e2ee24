"""A merchant's running totals: counters added in the same transaction as the change they count.

Exact under redelivery and races: the write that changes a payment (or inserts a webhook log) adds to its
counters in the same transaction, on the same condition, so a redelivered or lost write adds nothing.
Each counter is split over `SHARDS` items, chosen by the subject's id, so a merchant's concurrent
settlements do not all queue on (and conflict over) one item. Reading a total is one Query over the
merchant's shards: a few items, however many payments the merchant has.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import date, timedelta

from gateway.data import dynamo
from gateway.data.models import TotalsModel, bind_tables
from gateway.domain.clock import parse_iso
from gateway.domain.money import DAILY_COUNTERS, MoneyTotals, TotalsChange

SHARDS = 8
# Day counters outlive the 30-day chart by a margin, then DynamoDB's TTL removes them.
DAY_RETENTION = timedelta(days=40)
_CURRENCY, _DAY, _LOGS = "cur#", "day#", "logs#"


def shard_of(subject_id: str) -> int:
    return zlib.crc32(subject_id.encode()) % SHARDS


def _day_expiry(day: str) -> int:
    return int((parse_iso(day + "T00:00:00Z") + DAY_RETENTION).timestamp())


def add_change(
    transaction: dynamo.Transaction,
    merchant_id: str,
    currency: str,
    created_at: str,
    subject_id: str,
    change: TotalsChange,
) -> None:
    """Add `change` to the merchant's totals in `currency`, and its daily part to the day of `created_at`
    (a payment's figures stay on the day it was made, so each day's success rate is that day's payments').
    """
    additions = change.additions()
    if not additions:
        return
    shard = shard_of(subject_id)
    transaction.update(
        TotalsModel(merchant_id, f"{_CURRENCY}{currency}#{shard}"),
        actions=[getattr(TotalsModel, name).add(value) for name, value in additions.items()],
    )
    daily = {name: value for name, value in additions.items() if name in DAILY_COUNTERS}
    if daily:
        day = created_at[:10]
        transaction.update(
            TotalsModel(merchant_id, f"{_DAY}{currency}#{day}#{shard}"),
            actions=[
                *(getattr(TotalsModel, name).add(value) for name, value in daily.items()),
                TotalsModel.expires_at.set(_day_expiry(day)),
            ],
        )


def count_webhook_logs(
    transaction: dynamo.Transaction, merchant_id: str, first_log_id: str, count: int
) -> None:
    """Add `count` logs to the merchant's log count, on the shard of the first of them."""
    counter = TotalsModel(merchant_id, f"{_LOGS}{shard_of(first_log_id)}")
    transaction.update(counter, actions=[TotalsModel.webhook_logs.add(count)])


def _sum_by(items: Iterable[TotalsModel], key_of: slice) -> dict[str, MoneyTotals]:
    sums: dict[str, dict[str, int]] = {}
    for item in items:
        key = "#".join(item.counter.split("#")[key_of])
        into = sums.setdefault(key, {})
        for name in ("payments", "succeeded", "success_amount", "captured_amount", "refunded_amount"):
            into[name] = into.get(name, 0) + int(getattr(item, name) or 0)
        into["net_amount"] = into.get("net_amount", 0) + int(item.net_amount or 0)
    return {key: MoneyTotals(currency=key.split("#")[0], **values) for key, values in sums.items()}


def totals_by_currency(merchant_id: str) -> dict[str, MoneyTotals]:
    """The merchant's totals per currency: one Query over its `cur#` shards."""
    bind_tables()
    items = TotalsModel.query(merchant_id, TotalsModel.counter.startswith(_CURRENCY))
    return _sum_by(items, slice(1, 2))


def daily_totals(merchant_id: str, currency: str, first: date, last: date) -> dict[str, MoneyTotals]:
    """Totals per day (ISO date) in `currency` from `first` to `last`: one Query over those days' shards."""
    bind_tables()
    low, high = f"{_DAY}{currency}#{first.isoformat()}", f"{_DAY}{currency}#{last.isoformat()}#~"
    items = TotalsModel.query(merchant_id, TotalsModel.counter.between(low, high))
    return {key.split("#", 1)[1]: totals for key, totals in _sum_by(items, slice(1, 3)).items()}


def webhook_log_count(merchant_id: str) -> int:
    bind_tables()
    items = TotalsModel.query(merchant_id, TotalsModel.counter.startswith(_LOGS))
    return sum(int(item.webhook_logs or 0) for item in items)


def add_directly(
    merchant_id: str, currency: str, created_at: str, subject_id: str, change: TotalsChange
) -> None:
    """Add a change with no state change beside it: for seeding a benchmark's history only."""
    dynamo.transact(
        lambda transaction: add_change(transaction, merchant_id, currency, created_at, subject_id, change),
        None,
    )
