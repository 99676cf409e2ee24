"""`Client`: the merchant API of one gateway deployment as typed resources."""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Protocol,
    TypeVar,
    Union,
)
from urllib.parse import urlencode

from gateway_client.models import (
    Account,
    Event,
    EventPage,
    KeyPair,
    Order,
    OrderPage,
    Payment,
    PaymentLink,
    PaymentLinkPage,
    PaymentStats,
    Recovery,
    Refund,
    RefundPage,
    WebhookConfig,
    WebhookLog,
    WebhookLogPage,
    WebhookRetry,
)

if TYPE_CHECKING:
    import requests

    from gateway_client._transport import RetryPolicy, Transport

DEFAULT_BASE_URL = "http://localhost:8000"
Timestamp = Union[str, datetime]
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Client:
    """The merchant API of one deployment.

    >>> client = Client("key_test_abc123", "secret_test_xyz789")
    >>> order = client.orders.create(amount=50000)

    POSTs carry an `Idempotency-Key` (yours, or a fresh one) and are retried with the same key; see
    `RetryPolicy` for what is retried and how long it waits.
    """

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
    ) -> None:
        from gateway_client._transport import RetryPolicy, Transport

        policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.base_url = base_url.rstrip("/")
        self._transport: Transport = Transport(api_key, api_secret, base_url, timeout, policy, session)
        self.orders = Orders(self)
        self.payments = Payments(self)
        self.refunds = Refunds(self)
        self.webhooks = Webhooks(self)
        self.events = Events(self)
        self.payment_links = PaymentLinks(self)
        self.account = AccountResource(self)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
        keyed: bool = False,
    ) -> Any:
        """One call to the API; the decoded JSON answer, or an `ApiError`."""
        from gateway_client._transport import Call

        return self._transport.request(Call(method, path, params, body, idempotency_key, keyed))

    def close(self) -> None:
        self._transport.session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Resource:
    def __init__(self, client: Client) -> None:
        self._client = client

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._client.request("GET", path, params=params)

    def _post(
        self, path: str, body: Any = None, idempotency_key: str | None = None, keyed: bool = True
    ) -> Any:
        return self._client.request("POST", path, body=body, idempotency_key=idempotency_key, keyed=keyed)


class Orders(_Resource):
    def create(
        self,
        amount: int,
        currency: str | None = None,
        receipt: str | None = None,
        notes: Mapping[str, str] | None = None,
        *,
        payment_capture: bool | None = None,
        idempotency_key: str | None = None,
    ) -> Order:
        """A new order; `amount` in the currency's minor unit (paise for INR, yen for JPY), at least 100.
        With `payment_capture=True` its payment is captured in the write that settles it."""
        body = _without_none(
            {
                "amount": amount,
                "currency": currency,
                "receipt": receipt,
                "notes": notes,
                "payment_capture": payment_capture,
            }
        )
        return Order.from_dict(self._post("/api/v1/orders", body, idempotency_key))

    def get(self, order_id: str) -> Order:
        return Order.from_dict(self._get(f"/api/v1/orders/{order_id}"))

    def list(
        self, *, status: str | None = None, limit: int | None = None, starting_after: str | None = None
    ) -> OrderPage:
        """One page of orders, newest first (`status`: created, attempted or paid); `has_more` says whether
        another follows, from `starting_after=page.data[-1].id`."""
        params = _without_none({"status": status, "limit": limit, "starting_after": starting_after})
        return OrderPage.from_dict(self._get("/api/v1/orders", params))

    def payments(self, order_id: str) -> builtins.list[Payment]:
        """The payments made on the order, newest first."""
        return [Payment.from_dict(item) for item in self._get(f"/api/v1/orders/{order_id}/payments")]

    def iterate(self, *, status: str | None = None, page_size: int = 100) -> Iterator[Order]:
        """Every order (in `status`), newest first, following `has_more` page after page."""
        return _follow(lambda after: self.list(status=status, limit=page_size, starting_after=after))

    def wait_until(
        self, order_id: str, done: Callable[[Order], bool], timeout: float = 60.0, interval: float = 0.5
    ) -> Order:
        """Polls the order until `done(order)`; raises TimeoutError with the last state after `timeout`."""
        return _poll(lambda: self.get(order_id), done, timeout, interval, order_id)


class Payments(_Resource):
    def create(
        self,
        order_id: str,
        method: str,
        *,
        vpa: str | None = None,
        card: Mapping[str, Any] | None = None,
        email: str | None = None,
        contact: str | None = None,
        idempotency_key: str | None = None,
    ) -> Payment:
        """A payment for an order (`method` "upi" with `vpa`, or "card" with `card`); it starts `pending`.
        `email` and `contact` are the shopper's (optional; the dashboard searches by them)."""
        body = _without_none(
            {
                "order_id": order_id,
                "method": method,
                "vpa": vpa,
                "card": card,
                "email": email,
                "contact": contact,
            }
        )
        return Payment.from_dict(self._post("/api/v1/payments", body, idempotency_key))

    def create_upi(self, order_id: str, vpa: str, *, idempotency_key: str | None = None) -> Payment:
        return self.create(order_id, "upi", vpa=vpa, idempotency_key=idempotency_key)

    def create_card(
        self,
        order_id: str,
        number: str,
        expiry_month: int | str,
        expiry_year: int | str,
        cvv: str,
        holder_name: str,
        *,
        idempotency_key: str | None = None,
    ) -> Payment:
        card = {
            "number": number,
            "expiry_month": expiry_month,
            "expiry_year": expiry_year,
            "cvv": cvv,
            "holder_name": holder_name,
        }
        return self.create(order_id, "card", card=card, idempotency_key=idempotency_key)

    def get(self, payment_id: str) -> Payment:
        return Payment.from_dict(self._get(f"/api/v1/payments/{payment_id}"))

    def list(
        self,
        limit: int | None = None,
        offset: int | None = None,
        *,
        email: str | None = None,
        contact: str | None = None,
        card_last4: str | None = None,
        created_from: Timestamp | None = None,
        created_to: Timestamp | None = None,
    ) -> builtins.list[Payment]:
        """One page, newest first (the server's default page is up to 100), each payment with its order's
        `order_status`; with one of `email`, `contact` or `card_last4`, only the payments that match it;
        with `created_from` and/or `created_to` (aware datetimes or ISO-8601 strings, as `events.list`
        takes them; both included), only those created in that range (the API's `from` and `to`)."""
        params = {
            "limit": limit,
            "offset": offset,
            "email": email,
            "contact": contact,
            "card_last4": card_last4,
            "from": iso(created_from) if created_from is not None else None,
            "to": iso(created_to) if created_to is not None else None,
        }
        page = self._get("/api/v1/payments", _without_none(params))
        return [Payment.from_dict(item) for item in page]

    def iterate(self, page_size: int = 100) -> Iterator[Payment]:
        """Every payment, newest first, page after page."""
        offset = 0
        seen: set[str] = set()
        while True:
            page = self.list(limit=page_size, offset=offset)
            for payment in page:
                # A payment created while paging shifts the offsets by one: skip what was already given.
                if payment.id not in seen:
                    seen.add(payment.id)
                    yield payment
            if len(page) < page_size:
                return
            offset += len(page)

    def stats(self, currency: str | None = None, days: int | None = None) -> PaymentStats:
        """Totals (amounts in `currency`, default the merchant's main one); with `days`, per-day rows."""
        query = _without_none({"currency": currency, "days": days})
        suffix = "?" + urlencode(query) if query else ""
        return PaymentStats.from_dict(self._get(f"/api/v1/payments/stats{suffix}"))

    def capture(
        self, payment_id: str, amount: int | None = None, *, idempotency_key: str | None = None
    ) -> Payment:
        """Capture what is still authorized (`amount - amount_refunded`); an `amount` must equal it."""
        body = _without_none({"amount": amount})
        return Payment.from_dict(self._post(f"/api/v1/payments/{payment_id}/capture", body, idempotency_key))

    def wait_until_final(self, payment_id: str, timeout: float = 60.0, interval: float = 0.5) -> Payment:
        """Polls until the bank has decided (`success` or `failed`)."""
        return _poll(
            lambda: self.get(payment_id), lambda p: p.status != "pending", timeout, interval, payment_id
        )


class Refunds(_Resource):
    def create(
        self,
        payment_id: str,
        amount: int,
        reason: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Refund:
        body = _without_none({"amount": amount, "reason": reason})
        return Refund.from_dict(self._post(f"/api/v1/payments/{payment_id}/refunds", body, idempotency_key))

    def get(self, refund_id: str) -> Refund:
        return Refund.from_dict(self._get(f"/api/v1/refunds/{refund_id}"))

    def list(
        self, payment_id: str | None = None, *, limit: int | None = None, starting_after: str | None = None
    ) -> RefundPage:
        """One page of refunds (of one payment, when given), newest first; `has_more` says whether another
        follows, from `starting_after=page.data[-1].id`. Iterating the page gives its refunds."""
        params = _without_none({"payment_id": payment_id, "limit": limit, "starting_after": starting_after})
        return RefundPage.from_dict(self._get("/api/v1/refunds", params))

    def iterate(self, payment_id: str | None = None, *, page_size: int = 100) -> Iterator[Refund]:
        """Every refund (of one payment), newest first, following `has_more` page after page."""
        return _follow(lambda after: self.list(payment_id, limit=page_size, starting_after=after))

    def wait_until_processed(self, refund_id: str, timeout: float = 60.0, interval: float = 0.5) -> Refund:
        return _poll(
            lambda: self.get(refund_id), lambda r: r.status == "processed", timeout, interval, refund_id
        )


class AccountResource(_Resource):
    """The merchant's own account: who it is, its API key pairs and rolling them."""

    def get(self) -> Account:
        return Account.from_dict(self._get("/api/v1/account"))

    def list_keys(self) -> list[KeyPair]:
        """The pairs that still work, newest first, secrets masked."""
        return [KeyPair.from_dict(pair) for pair in self._get("/api/v1/account/keys")["data"]]

    def roll_keys(self, expire_previous_in_hours: int = 24) -> KeyPair:
        """A new pair (its whole secret, shown only here); the previous pair keeps working for
        `expire_previous_in_hours` (0-168; 0 stops it now). This client keeps using the pair it was
        made with: make a new `Client` with the new pair."""
        body = {"expire_previous_in_hours": expire_previous_in_hours}
        return KeyPair.from_dict(self._post("/api/v1/account/keys/roll", body, keyed=False))


class Webhooks(_Resource):
    """Webhook configuration, delivery logs, manual retries and recovery of missed deliveries."""

    def config(self) -> WebhookConfig:
        return WebhookConfig.from_dict(self._get("/api/v1/webhooks/config"))

    def update_config(self, webhook_url: str) -> WebhookConfig:
        """Where webhooks go; an empty URL turns them off."""
        body = {"webhook_url": webhook_url}
        return WebhookConfig.from_dict(self._client.request("PUT", "/api/v1/webhooks/config", body=body))

    def regenerate_secret(self) -> str:
        """A new signing secret; the previous one keeps signing too for a while, so receivers can rotate."""
        answer = self._post("/api/v1/webhooks/regenerate-secret", keyed=False)
        return str(answer["webhook_secret"])

    def test(self) -> WebhookLog:
        """Sends a `webhook.test` event to the configured URL; the delivery's log."""
        return WebhookLog.from_dict(self._post("/api/v1/webhooks/test", keyed=False))

    def logs(self, limit: int | None = None, offset: int | None = None) -> WebhookLogPage:
        """One page of delivery logs, newest first."""
        params = _without_none({"limit": limit, "offset": offset})
        return WebhookLogPage.from_dict(self._get("/api/v1/webhooks", params))

    def iterate_logs(self, page_size: int = 100) -> Iterator[WebhookLog]:
        """Every delivery log, newest first, page after page."""
        offset = 0
        seen: set[str] = set()
        while True:
            page = self.logs(limit=page_size, offset=offset)
            for log in page.data:
                if log.id not in seen:
                    seen.add(log.id)
                    yield log
            offset += len(page.data)
            if not page.data or offset >= page.total:
                return

    def log(self, webhook_id: str) -> WebhookLog:
        """One delivery log with the exact payload sent and the receiver's last answer."""
        return WebhookLog.from_dict(self._get(f"/api/v1/webhooks/{webhook_id}"))

    def retry(self, webhook_id: str) -> WebhookRetry:
        """Delivers a logged webhook again (its attempts start over)."""
        return WebhookRetry.from_dict(self._post(f"/api/v1/webhooks/{webhook_id}/retry", keyed=False))

    def recover(self, since: Timestamp, until: Timestamp | None = None) -> Recovery:
        """Sends again every event in the range whose delivery failed or never happened."""
        body = _without_none({"since": iso(since), "until": iso(until) if until is not None else None})
        return Recovery.from_dict(self._post("/api/v1/webhooks/recover", body, keyed=False))

    def recovery(self, recovery_id: str) -> Recovery:
        return Recovery.from_dict(self._get(f"/api/v1/webhooks/recover/{recovery_id}"))

    def wait_for_recovery(
        self,
        recovery_id: str,
        timeout: float = 600.0,
        interval: float = 1.0,
        on_progress: Callable[[Recovery], None] | None = None,
    ) -> Recovery:
        def fetch() -> Recovery:
            recovery = self.recovery(recovery_id)
            if on_progress is not None:
                on_progress(recovery)
            return recovery

        return _poll(fetch, lambda r: r.completed, timeout, interval, recovery_id)


class Events(_Resource):
    """Every event of the last 30 days, whether or not a webhook was delivered."""

    def list(
        self,
        *,
        type: str | Sequence[str] | None = None,
        from_: Timestamp | None = None,
        to: Timestamp | None = None,
        delivery_status: str | None = None,
        payment_id: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
    ) -> EventPage:
        """One page, newest first; `starting_after` an event id gives the page after it. `payment_id`: only
        that payment's events (its own, its refunds' and the `order.paid` it caused)."""
        params = {
            **_event_filters(type, from_, to, delivery_status),
            **_without_none({"payment_id": payment_id}),
        }
        return self._page({**params, **_without_none({"limit": limit, "starting_after": starting_after})})

    def iterate(
        self,
        *,
        type: str | Sequence[str] | None = None,
        from_: Timestamp | None = None,
        to: Timestamp | None = None,
        delivery_status: str | None = None,
        page_size: int = 100,
    ) -> Iterator[Event]:
        """Every matching event, newest first, following `has_more` page after page."""
        params = {**_event_filters(type, from_, to, delivery_status), "limit": page_size}
        while True:
            page = self._page(params)
            yield from page.data
            if not page.has_more or not page.data:
                return
            params = {**params, "starting_after": page.data[-1].id}

    def _page(self, params: Mapping[str, Any]) -> EventPage:
        return EventPage.from_dict(self._get("/api/v1/events", params))

    def get(self, event_id: str) -> Event:
        """The event with its deliveries and every attempt of each."""
        return Event.from_dict(self._get(f"/api/v1/events/{event_id}"))


class PaymentLinks(_Resource):
    """Links a customer pays on the hosted page; each makes an order of its own."""

    def create(
        self,
        amount: int,
        currency: str | None = None,
        *,
        description: str | None = None,
        receipt: str | None = None,
        return_url: str | None = None,
        expire_by: Timestamp | None = None,
        idempotency_key: str | None = None,
    ) -> PaymentLink:
        """A new link for `amount` in minor units. After a success the hosted page sends the customer to
        `return_url` with `payment_id`, `order_id`, `payment_link_id` and `signature`: check the signature
        with `verify_payment_signature` before fulfilling."""
        body = _without_none(
            {
                "amount": amount,
                "currency": currency,
                "description": description,
                "receipt": receipt,
                "return_url": return_url,
                "expire_by": iso(expire_by) if expire_by is not None else None,
            }
        )
        return PaymentLink.from_dict(self._post("/api/v1/payment_links", body, idempotency_key))

    def get(self, payment_link_id: str) -> PaymentLink:
        return PaymentLink.from_dict(self._get(f"/api/v1/payment_links/{payment_link_id}"))

    def list(self, *, limit: int | None = None, starting_after: str | None = None) -> PaymentLinkPage:
        """One page, newest first; `starting_after` a link id gives the page after it."""
        params = _without_none({"limit": limit, "starting_after": starting_after})
        return PaymentLinkPage.from_dict(self._get("/api/v1/payment_links", params))

    def cancel(self, payment_link_id: str) -> PaymentLink:
        """The link takes no more payments (a paid or expired link cannot be cancelled)."""
        answer = self._post(f"/api/v1/payment_links/{payment_link_id}/cancel", keyed=False)
        return PaymentLink.from_dict(answer)


def iso(moment: Timestamp) -> str:
    """ISO-8601 UTC with a `Z` suffix; strings pass through as given."""
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        raise ValueError("a naive datetime is ambiguous: give it a timezone (e.g. timezone.utc)")
    text = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _event_filters(
    type: str | Sequence[str] | None,
    from_: Timestamp | None,
    to: Timestamp | None,
    delivery_status: str | None,
) -> dict[str, Any]:
    """The query parameters of the filters `Events.list` and `Events.iterate` share."""
    return _without_none(
        {
            "type": [type] if isinstance(type, str) else (list(type) if type else None),
            "from": iso(from_) if from_ is not None else None,
            "to": iso(to) if to is not None else None,
            "delivery_status": delivery_status,
        }
    )


class _Page(Protocol[T_co]):
    @property
    def data(self) -> Sequence[T_co]: ...

    @property
    def has_more(self) -> bool: ...


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=_Identified)


def _follow(fetch: Callable[[str | None], _Page[Item]]) -> Iterator[Item]:
    """Every item of a `{data, has_more}` list, page after page, each page after the last one's final id."""
    after: str | None = None
    while True:
        page = fetch(after)
        yield from page.data
        if not page.has_more or not page.data:
            return
        after = page.data[-1].id


def _without_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _poll(fetch: Callable[[], T], done: Callable[[T], bool], timeout: float, interval: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while True:
        current = fetch()
        if done(current):
            return current
        if time.monotonic() >= deadline:
            state = getattr(current, "status", current)
            raise TimeoutError(f"{what} did not get there in {timeout:.0f}s (last status: {state})")
        time.sleep(interval)
