"""pynamodb models of the tables declared in template.yaml.

Table names depend on the stack (TABLE_PREFIX), known only at run time, so they are bound on first use
by `bind_tables()` rather than at import.
"""

from __future__ import annotations

from typing import Any, TypeVar

import botocore.session
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from gateway.config import get_settings
from gateway.data.aws_clients import botocore_session

_UNBOUND = "unbound"
_M = TypeVar("_M", bound=Model)


class _BaseMeta:
    table_name = _UNBOUND
    connect_timeout_seconds = 3
    read_timeout_seconds = 5
    max_retry_attempts = 3
    max_pool_connections = 32


class MerchantByApiKey(GlobalSecondaryIndex["MerchantModel"]):
    class Meta:
        index_name = "by_api_key"
        # template.yaml projects the same attributes (domain.resources.ApiKeyOwner).
        projection = IncludeProjection(["api_secret", "is_active"])

    api_key = UnicodeAttribute(hash_key=True)


class MerchantByEmail(GlobalSecondaryIndex["MerchantModel"]):
    class Meta:
        index_name = "by_email"
        # template.yaml projects the same attributes (domain.resources.LoginAccount).
        projection = IncludeProjection(["name", "api_key", "api_secret", "is_active", "password_hash"])

    email = UnicodeAttribute(hash_key=True)


class MerchantModel(Model):
    class Meta(_BaseMeta):
        suffix = "merchants"

    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    api_key = UnicodeAttribute()
    api_secret = UnicodeAttribute()
    webhook_url = UnicodeAttribute(null=True)
    webhook_secret = UnicodeAttribute()
    # Kept for 24 h after a rotation so deliveries carry both signatures.
    previous_webhook_secret = UnicodeAttribute(null=True)
    previous_secret_expires_at = NumberAttribute(null=True)
    password_hash = UnicodeAttribute(null=True)
    is_active = BooleanAttribute(default=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    # The API keys of every pair the merchant holds (current and rolled, until they expire): what
    # deactivation must switch off, read in the same update that deactivates.
    api_keys = UnicodeSetAttribute(null=True)
    # Sessions carry the generation they were opened in; raising it ends them all (password change,
    # deactivation) with one write.
    session_generation = NumberAttribute(default=0)

    by_api_key = MerchantByApiKey()
    by_email = MerchantByEmail()


class ByMerchantCreated(GlobalSecondaryIndex[_M]):
    """`by_merchant` of the orders, payments, refunds and webhook-logs tables: a merchant's items by creation
    time."""

    class Meta:
        index_name = "by_merchant"
        projection = AllProjection()

    merchant_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OrdersByMerchantStatus(GlobalSecondaryIndex["OrderModel"]):
    """`<merchant id>#<status>`: a merchant's orders in one status, by creation time."""

    class Meta:
        index_name = "by_merchant_status"
        projection = AllProjection()

    merchant_status = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OrderModel(Model):
    class Meta(_BaseMeta):
        suffix = "orders"

    id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    receipt = UnicodeAttribute(null=True)
    notes = JSONAttribute(default=dict)
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)
    payment_capture = BooleanAttribute(default=False)
    payment_link_id = UnicodeAttribute(null=True)
    # Index key kept by gateway.data.orders with every status change: `<merchant id>#<status>`.
    merchant_status = UnicodeAttribute(null=True)

    by_merchant: ByMerchantCreated[OrderModel] = ByMerchantCreated()
    by_merchant_status = OrdersByMerchantStatus()


class UnfinishedByCreated(GlobalSecondaryIndex[_M]):
    """`unfinished` of the payments and refunds tables. Sparse: only pending items carry `unfinished` (their
    shard); the reconciliation sweep reads them by age."""

    class Meta:
        index_name = "unfinished"
        projection = AllProjection()

    unfinished = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class PaymentSearch(GlobalSecondaryIndex["PaymentModel"]):
    """A keys-only index of the payments table by creation time: the search indexes (sparse, keyed
    `<merchant id>#<value>`) and `by_order`."""

    created_at = UnicodeAttribute(range_key=True)


class PaymentsByEmail(PaymentSearch):
    class Meta:
        index_name = "by_email"
        projection = KeysOnlyProjection()

    search_email = UnicodeAttribute(hash_key=True)


class PaymentsByContact(PaymentSearch):
    class Meta:
        index_name = "by_contact"
        projection = KeysOnlyProjection()

    search_contact = UnicodeAttribute(hash_key=True)


class PaymentsByCardLast4(PaymentSearch):
    class Meta:
        index_name = "by_card_last4"
        projection = KeysOnlyProjection()

    search_card_last4 = UnicodeAttribute(hash_key=True)


class PaymentsByOrder(PaymentSearch):
    """An order's payments (keys only)."""

    class Meta:
        index_name = "by_order"
        projection = KeysOnlyProjection()

    order_id = UnicodeAttribute(hash_key=True)


class PaymentModel(Model):
    class Meta(_BaseMeta):
        suffix = "payments"

    id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    method = UnicodeAttribute()
    vpa = UnicodeAttribute(null=True)
    card_network = UnicodeAttribute(null=True)
    card_last4 = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    captured = BooleanAttribute(default=False)
    error_code = UnicodeAttribute(null=True)
    error_description = UnicodeAttribute(null=True)
    refunded_amount = NumberAttribute(default=0)
    captured_amount = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)
    pays_order = BooleanAttribute(default=False)
    test_outcome = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(null=True)
    # The shopper's, as given (optional).
    email = UnicodeAttribute(null=True)
    contact = UnicodeAttribute(null=True)
    # The sweep's shard while the payment is pending; removed when it settles.
    unfinished = UnicodeAttribute(null=True)
    # Search index keys (`<merchant id>#<value>`), written once by gateway.data.payments at creation.
    search_email = UnicodeAttribute(null=True)
    search_contact = UnicodeAttribute(null=True)
    search_card_last4 = UnicodeAttribute(null=True)

    by_merchant: ByMerchantCreated[PaymentModel] = ByMerchantCreated()
    unfinished_index: UnfinishedByCreated[PaymentModel] = UnfinishedByCreated()
    by_email = PaymentsByEmail()
    by_contact = PaymentsByContact()
    by_card_last4 = PaymentsByCardLast4()
    by_order = PaymentsByOrder()


class PaymentLinksByMerchant(GlobalSecondaryIndex["PaymentLinkModel"]):
    class Meta:
        index_name = "by_merchant"
        projection = AllProjection()

    merchant_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class OpenPaymentLinks(GlobalSecondaryIndex["PaymentLinkModel"]):
    """Sparse: only open links with an `expire_by` carry `unfinished` (their shard), by when they expire;
    the reconciliation sweep reads the overdue ones."""

    class Meta:
        index_name = "unfinished"
        projection = AllProjection()

    unfinished = UnicodeAttribute(hash_key=True)
    expire_by = UnicodeAttribute(range_key=True)


class PaymentLinkModel(Model):
    class Meta(_BaseMeta):
        suffix = "payment-links"

    id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    status = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    receipt = UnicodeAttribute(null=True)
    return_url = UnicodeAttribute(null=True)
    expire_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)
    # `created_at#id`: a unique, time-ordered sort key for the merchant's list.
    created_key = UnicodeAttribute()
    unfinished = UnicodeAttribute(null=True)

    by_merchant = PaymentLinksByMerchant()
    open_index = OpenPaymentLinks()


class RefundsByPayment(GlobalSecondaryIndex["RefundModel"]):
    class Meta:
        index_name = "by_payment"
        projection = AllProjection()

    payment_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class RefundModel(Model):
    class Meta(_BaseMeta):
        suffix = "refunds"

    id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    payment_id = UnicodeAttribute()
    amount = NumberAttribute()
    # Refunds stored before currencies were recorded are all in rupees (the only currency then).
    currency = UnicodeAttribute(default="INR")
    reason = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    processed_at = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)
    request_id = UnicodeAttribute(null=True)
    unfinished = UnicodeAttribute(null=True)

    by_payment = RefundsByPayment()
    by_merchant: ByMerchantCreated[RefundModel] = ByMerchantCreated()
    unfinished_index: UnfinishedByCreated[RefundModel] = UnfinishedByCreated()


class UnfinishedWebhookLogs(GlobalSecondaryIndex["WebhookLogModel"]):
    """Sparse: only pending deliveries carry `unfinished`, by when their next attempt is due."""

    class Meta:
        index_name = "unfinished"
        projection = AllProjection()

    unfinished = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class WebhookLogsByDeliveryState(GlobalSecondaryIndex["WebhookLogModel"]):
    """Sparse: `<merchant id>#queued|retrying|failed` (none once delivered), counted for the pipeline view."""

    class Meta:
        index_name = "by_delivery_state"
        projection = KeysOnlyProjection()

    delivery_state = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class WebhookLogModel(Model):
    class Meta(_BaseMeta):
        suffix = "webhook-logs"

    id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    event = UnicodeAttribute()
    # The exact JSON text that is signed and sent on every attempt.
    payload = UnicodeAttribute()
    status = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    # Incremented by a manual retry; each round is one retry schedule (one state machine execution).
    round = NumberAttribute(default=1)
    created_at = UnicodeAttribute()
    last_attempt_at = UnicodeAttribute(null=True)
    next_retry_at = UnicodeAttribute(null=True)
    response_code = NumberAttribute(null=True)
    response_body = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)
    recovery_id = UnicodeAttribute(null=True)
    # One JSON text per attempt, appended by the same conditional update that records the attempt.
    attempt_log = ListAttribute(of=UnicodeAttribute, null=True)
    request_id = UnicodeAttribute(null=True)
    # Who sends a round's first attempt: "stream" (the table's stream, for logs an API request writes) or
    # "writer" (the worker that wrote the log, with the same invocation). The stream mapping's FilterCriteria
    # in template.yaml reads it, so the dispatcher is not invoked for rounds that started themselves.
    started_by = UnicodeAttribute(null=True)
    # The sparse indexes' keys, derived from the log's state with every write of it: what each holds and
    # why is explained where they are computed, `gateway.data.webhook_logs.IndexKeys`.
    due_at = UnicodeAttribute(null=True)
    unfinished = UnicodeAttribute(null=True)
    delivery_state = UnicodeAttribute(null=True)

    by_merchant: ByMerchantCreated[WebhookLogModel] = ByMerchantCreated()
    unfinished_index = UnfinishedWebhookLogs()
    by_delivery_state = WebhookLogsByDeliveryState()


class EventsByMerchant(GlobalSecondaryIndex["EventModel"]):
    class Meta:
        index_name = "by_merchant"
        projection = AllProjection()

    merchant_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class EventModel(Model):
    """Every webhook event of every merchant, kept 30 days (TTL), whether or not it was sent."""

    class Meta(_BaseMeta):
        suffix = "events"

    id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    type = UnicodeAttribute()
    payload = UnicodeAttribute()
    created_at = UnicodeAttribute()
    # `created_at#id`: a unique, time-ordered sort key, so a page boundary never splits equal timestamps.
    created_key = UnicodeAttribute()
    delivery_status = UnicodeAttribute()
    deliveries = UnicodeSetAttribute(null=True)
    # Epoch seconds; the table's TTL attribute.
    expires_at = NumberAttribute()

    by_merchant = EventsByMerchant()


class RecoveryModel(Model):
    class Meta(_BaseMeta):
        suffix = "recoveries"

    id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    since = UnicodeAttribute()
    until = UnicodeAttribute()
    events = NumberAttribute()
    queued = NumberAttribute(default=0)
    sent = NumberAttribute(default=0)
    cursor = UnicodeAttribute(null=True)
    paging_done = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    # Epoch seconds; the table's TTL attribute.
    expires_at = NumberAttribute()


class IdempotencyRecordModel(Model):
    class Meta(_BaseMeta):
        suffix = "idempotency-keys"

    key = UnicodeAttribute(hash_key=True)
    request_hash = UnicodeAttribute()
    response_status = NumberAttribute()
    response_body = UnicodeAttribute()
    created_at = UnicodeAttribute()
    # Epoch seconds; also the table's TTL attribute (DynamoDB deletes late, so reads check it too).
    expires_at = NumberAttribute()


class SystemRecordModel(Model):
    """Finished-job counters."""

    class Meta(_BaseMeta):
        suffix = "system"

    name = UnicodeAttribute(hash_key=True)
    completed = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)


class TotalsModel(Model):
    """A merchant's running totals, each counter split over shards (`gateway.data.totals`): per currency
    (`cur#<currency>#<shard>`), per currency and day (`day#<currency>#<date>#<shard>`, expiring), and the
    webhook-log count (`logs#<shard>`). Every counter is added by the write that changes what it counts."""

    class Meta(_BaseMeta):
        suffix = "totals"

    merchant_id = UnicodeAttribute(hash_key=True)
    counter = UnicodeAttribute(range_key=True)
    payments = NumberAttribute(default=0)
    succeeded = NumberAttribute(default=0)
    success_amount = NumberAttribute(default=0)
    captured_amount = NumberAttribute(default=0)
    refunded_amount = NumberAttribute(default=0)
    net_amount = NumberAttribute(default=0)
    webhook_logs = NumberAttribute(default=0)
    # Epoch seconds; the table's TTL attribute (day counters only).
    expires_at = NumberAttribute(null=True)


class LoginFailureCounterModel(Model):
    """Failed logins of one subject (account or source address) in one window; in the system table, whose
    TTL attribute `expires_at` removes it when the window is over."""

    class Meta(_BaseMeta):
        suffix = "system"

    name = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute(default=0)
    expires_at = NumberAttribute()


class CredentialModel(Model):
    """A credential of a merchant: an API key pair (`key#<api key>`), a dashboard session
    (`session#<sha256 of the token>`) or a one-time password link (`password#<sha256 of the token>`).
    Tokens are stored only as hashes. `expires_at` (epoch seconds) is the table's TTL attribute; DynamoDB
    deletes late, so reads check it too."""

    class Meta(_BaseMeta):
        suffix = "credentials"

    id = UnicodeAttribute(hash_key=True)
    merchant_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute(null=True)
    # Key pairs: the secret (the API authenticates against it), whether the merchant is active (copied
    # here so a request costs one read) and when it was last used (written at most once a minute).
    api_secret = UnicodeAttribute(null=True)
    active = BooleanAttribute(null=True)
    last_used_at = UnicodeAttribute(null=True)
    # Sessions: the merchant's session generation when it was opened. Key pairs: the generation whose
    # active flag `active` copies, so a copy from an older change of the flag never overwrites a newer one.
    generation = NumberAttribute(null=True)
    # Password links: set when the link is used, so it works once.
    used = BooleanAttribute(null=True)


class RunningRecoveryModel(Model):
    """The recovery a merchant started last, one item per merchant (`recovery-running#<merchant id>`): a
    conditional write on it lets one recovery at a time start. In the system table."""

    class Meta(_BaseMeta):
        suffix = "system"

    name = UnicodeAttribute(hash_key=True)
    recovery_id = UnicodeAttribute()
    expires_at = NumberAttribute()


class RecoveryStartsModel(Model):
    """Recoveries a merchant started in one hour (`recovery-starts#<merchant id>#<hour>`); in the system
    table, whose TTL removes it when the hour is over."""

    class Meta(_BaseMeta):
        suffix = "system"

    name = UnicodeAttribute(hash_key=True)
    starts = NumberAttribute(default=0)
    expires_at = NumberAttribute()


ALL_MODELS: tuple[type[Model], ...] = (
    MerchantModel,
    OrderModel,
    PaymentModel,
    PaymentLinkModel,
    RefundModel,
    WebhookLogModel,
    EventModel,
    RecoveryModel,
    IdempotencyRecordModel,
    SystemRecordModel,
    LoginFailureCounterModel,
    TotalsModel,
    CredentialModel,
    RunningRecoveryModel,
    RecoveryStartsModel,
)

_bound_prefix: str | None = None


def bind_tables() -> None:
    """Point every model at this stack's tables (cheap after the first call)."""
    global _bound_prefix
    if get_settings().table_prefix == _bound_prefix:
        return
    settings = get_settings()
    prefix, region = settings.table_prefix, settings.aws_region
    for model in ALL_MODELS:
        meta: Any = model.Meta
        meta.table_name = f"{prefix}-{meta.suffix}"
        meta.region = region
    session = botocore_session()
    for model in ALL_MODELS:
        use_session(model._get_connection().connection, session)
    _bound_prefix = prefix


def use_session(connection: Connection, session: botocore.session.Session) -> None:
    """Make `connection`'s client now, from `session` (the process's one: `aws_clients.botocore_session`).
    pynamodb would give each connection a session of its own when it first sends: with a connection per
    model, a cold start or a local stack's first payments spent over a second loading botocore's data."""
    connection._local.session = session  # pynamodb's per-thread slot, read when the client is made
    connection.client  # noqa: B018 - made here, and kept by the connection for every thread
