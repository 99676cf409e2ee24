"""Pages of a merchant's resources, newest first, read by Query on an index keyed by creation time.

A page after a given item starts exactly behind it: the item's own index keys and table key make the
Query's `ExclusiveStartKey`, which DynamoDB (and moto) accept for any position, whether or not the item is
still in that partition (an order filtered by status may have moved on). So items created meanwhile,
being newer, never shift later pages, and equal timestamps never split or repeat an item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.indexes import GlobalSecondaryIndex

from gateway.data.models import bind_tables


@dataclass(frozen=True)
class PagePosition:
    """Where the previous page ended: the item's id and creation time."""

    id: str
    created_at: str


def newest_first(
    index: GlobalSecondaryIndex[Any], partition: str, after: PagePosition | None, limit: int
) -> tuple[list[Any], bool]:
    """Up to `limit` items of `partition` older than `after` (all when None), newest first, and whether
    more follow. One Query of `limit + 1` items."""
    bind_tables()
    hash_name = index._hash_key_attribute().attr_name
    start_key = None
    if after is not None:
        start_key = {
            hash_name: {"S": partition},
            "created_at": {"S": after.created_at},
            "id": {"S": after.id},
        }
    items = list(
        index.query(
            partition,
            scan_index_forward=False,
            limit=limit + 1,
            page_size=limit + 1,
            last_evaluated_key=start_key,
        )
    )
    return items[:limit], len(items) > limit
