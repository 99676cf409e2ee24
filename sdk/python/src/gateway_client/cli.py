"""The `gateway` command: follow events to a local endpoint, trigger events, inspect and resend events,
recover missed deliveries. `gateway --help` and `gateway COMMAND --help` explain each."""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import secrets
import socket
import ssl
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import requests

from gateway_client import admin, event_types
from gateway_client.client import DEFAULT_BASE_URL, Client
from gateway_client.errors import ApiError, ConnectionError
from gateway_client.models import Event, Order, Payment
from gateway_client.webhook import Webhook

T = TypeVar("T")

# The local stack's seeded test merchant (docs/behaviour.md, "Test mode"): the credentials used against a
# loopback deployment when none are given, so `make run` then `gateway trigger payment.success` just works.
LOCAL_TEST_CREDENTIALS = ("key_test_abc123", "secret_test_xyz789")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# docs/behaviour.md, "Test mode": in test mode these addresses decide the bank's answer.
SUCCEEDING_VPA = "success@upi"
FAILING_VPA = "failure@upi"
ROUTE_NOT_FOUND = "Route not found"
ROUTE_MISSING_HINT = ": this deployment does not serve that endpoint yet (an older gateway version?)"
SEEN_EVENTS_REMEMBERED = 10_000
# The gateway waits 5 s for a receiver (docs/behaviour.md); `listen` forwards as it delivers.
DELIVERY_TIMEOUT_SECONDS = 5
EVENT_PAGES_PER_POLL = 10


class CommandError(Exception):
    """A failure worth one clear line, not a traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if not getattr(arguments, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(arguments.handler(arguments))
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except ConnectionError as error:
        print(f"error: {error.description} (is the gateway running? `make run` starts it)", file=sys.stderr)
        return 1
    except ApiError as error:
        hint = ROUTE_MISSING_HINT if error.description == ROUTE_NOT_FOUND else ""
        print(f"error: {error}{hint}", file=sys.stderr)
        return 1
    except (CommandError, admin.AdminError, TimeoutError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


# ------------------------------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gateway",
        description="Work with a payment gateway deployment from the command line.",
        epilog="Credentials come from the flags or GATEWAY_API_KEY, GATEWAY_API_SECRET and GATEWAY_BASE_URL "
        f"(default {DEFAULT_BASE_URL}; against a local stack the seeded test merchant is the default).",
    )
    _add_connection_options(parser, None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    listen = _command(commands, "listen", "Forward new events to a local URL, signed with a local secret")
    listen.add_argument("--forward-to", metavar="URL", help="where to POST each event (required)")
    listen.add_argument("--events", metavar="TYPES", help="comma-separated event types (default: all)")
    listen.add_argument("--interval", type=float, default=1.0, help="seconds between polls (default 1)")
    listen.add_argument("--print-secret", action="store_true", help="print the local signing secret and exit")
    listen.set_defaults(handler=run_listen)

    trigger = _command(commands, "trigger", "Create the objects that raise an event, and print their ids")
    trigger.add_argument(
        "event", choices=event_types.EVENT_TYPES, metavar="EVENT", help=", ".join(event_types.EVENT_TYPES)
    )
    trigger.add_argument("--amount", type=int, default=50000, help="order amount in paise (default 50000)")
    trigger.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the outcome")
    trigger.set_defaults(handler=run_trigger)

    events = _command(commands, "events", "List, show and resend events")
    event_commands = events.add_subparsers(title="commands", metavar="COMMAND")
    events.set_defaults(handler=lambda _arguments: _usage(events))

    listing = _command(event_commands, "list", "Events, newest first")
    listing.add_argument("--type", action="append", dest="types", metavar="TYPE", help="repeatable")
    listing.add_argument("--from", dest="from_", metavar="ISO", help="created at or after")
    listing.add_argument("--to", metavar="ISO", help="created at or before")
    listing.add_argument("--delivery-status", choices=("pending", "success", "failed", "none"))
    listing.add_argument(
        "--payment-id",
        metavar="PAYMENT_ID",
        help="only this payment's events (its refunds' and order.paid too)",
    )
    listing.add_argument("--limit", type=int, default=20, help="1-100 (default 20)")
    listing.add_argument("--starting-after", metavar="EVENT_ID", help="the page after this event")
    listing.add_argument("--json", action="store_true", help="print the API's JSON")
    listing.set_defaults(handler=run_events_list)

    showing = _command(event_commands, "get", "One event with its deliveries and attempts")
    showing.add_argument("event_id", metavar="EVENT_ID")
    showing.add_argument("--json", action="store_true", help="print the API's JSON")
    showing.set_defaults(handler=run_events_get)

    resend = _command(
        event_commands,
        "resend",
        "Deliver an event again: retries its latest delivery (POST /webhooks/{id}/retry), or, when it "
        "was never delivered, recovers the instant it was created",
    )
    resend.add_argument("event_id", metavar="EVENT_ID")
    resend.set_defaults(handler=run_events_resend)

    recover = _command(commands, "recover", "Send again every event whose delivery failed or never happened")
    recover.add_argument(
        "--since", required=True, metavar="ISO", help="start of the range, e.g. 2026-01-15T10:00:00Z"
    )
    recover.add_argument("--until", metavar="ISO", help="end of the range (default: now)")
    recover.add_argument("--timeout", type=float, default=600.0, help="seconds to follow the progress")
    recover.set_defaults(handler=run_recover)
    _add_admin_commands(commands)
    return parser


def _command(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = commands.add_parser(name, help=summary, description=summary)
    _add_connection_options(command, argparse.SUPPRESS)
    return command


def _add_connection_options(parser: argparse.ArgumentParser, default: Any) -> None:
    """On the top level and on every command, so they may come before or after the command's name."""
    group = parser.add_argument_group("connection")
    group.add_argument("--api-key", default=default, help="or GATEWAY_API_KEY")
    group.add_argument("--api-secret", default=default, help="or GATEWAY_API_SECRET")
    group.add_argument(
        "--base-url", default=default, help=f"or GATEWAY_BASE_URL (default {DEFAULT_BASE_URL})"
    )


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def client_from(arguments: argparse.Namespace) -> Client:
    base_url = arguments.base_url or os.environ.get("GATEWAY_BASE_URL") or DEFAULT_BASE_URL
    api_key = arguments.api_key or os.environ.get("GATEWAY_API_KEY")
    api_secret = arguments.api_secret or os.environ.get("GATEWAY_API_SECRET")
    if not (api_key and api_secret):
        if api_key or api_secret or urlsplit(base_url).hostname not in LOOPBACK_HOSTS:
            raise CommandError(
                "give both an API key and secret: --api-key and --api-secret, "
                "or GATEWAY_API_KEY and GATEWAY_API_SECRET"
            )
        api_key, api_secret = LOCAL_TEST_CREDENTIALS
    return Client(api_key, api_secret, base_url)


# ------------------------------------------------------------------------------------------ listen


def run_listen(arguments: argparse.Namespace) -> int:
    secret_path = listen_secret_path()
    secret = load_or_create_listen_secret(secret_path)
    if arguments.print_secret:
        print(secret)
        return 0
    if not arguments.forward_to:
        raise CommandError("give --forward-to URL: where to POST each event")
    client = client_from(arguments)
    types = [name.strip() for name in (arguments.events or "").split(",") if name.strip()] or None
    follower = EventFollower(client, types)
    follower.mark_existing_seen()
    forwarder = Forwarder(arguments.forward_to, secret)
    out = sys.stdout
    print(f"Ready! Forwarding events of {client.base_url} to {arguments.forward_to}", file=out)
    print(f"Your webhook signing secret is {secret} (kept in {secret_path})", file=out)
    print("Press Ctrl-C to stop.", file=out, flush=True)
    try:
        while True:
            for event in follower.new_events():
                print(forwarder.forward(event), file=out, flush=True)
            time.sleep(arguments.interval)
    except KeyboardInterrupt:
        print("Stopped.", file=out, flush=True)
        return 0


def listen_secret_path() -> Path:
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "gateway" / "listen_secret"


def load_or_create_listen_secret(path: Path) -> str:
    """The local signing secret, made once (`whsec_` + base64 of 32 random bytes) and kept, owner-only."""
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secret + "\n")
    return secret


class EventFollower:
    """New events of a deployment, oldest first, by polling the newest page of `GET /api/v1/events`.

    It remembers the ids it has seen rather than one last id, so an event recorded a moment late (with
    an older creation time than the newest one seen) is still forwarded."""

    def __init__(self, client: Client, types: list[str] | None) -> None:
        self.client = client
        self.types = types
        self.seen: OrderedDict[str, None] = OrderedDict()

    def mark_existing_seen(self) -> None:
        for event in self.client.events.list(type=self.types, limit=100).data:
            self._remember(event.id)

    def new_events(self) -> list[Event]:
        fresh: list[Event] = []
        starting_after = None
        for _ in range(EVENT_PAGES_PER_POLL):
            page = self.client.events.list(type=self.types, limit=100, starting_after=starting_after)
            fresh.extend(event for event in page.data if event.id not in self.seen)
            reached_known = any(event.id in self.seen for event in page.data)
            if reached_known or not page.has_more or not page.data:
                break
            starting_after = page.data[-1].id
        # Oldest first, in the order they happened: events of one change share a timestamp, and the list
        # orders those by id, so `order.paid` could otherwise go out before the `payment.success` it follows.
        fresh.sort(
            key=lambda event: (parse_timestamp(event.created_at), event_types.lifecycle_rank(event.type))
        )
        for event in fresh:
            self._remember(event.id)
        return fresh

    def _remember(self, event_id: str) -> None:
        self.seen[event_id] = None
        while len(self.seen) > SEEN_EVENTS_REMEMBERED:
            self.seen.popitem(last=False)


class Forwarder:
    """POSTs an event to the local URL as the gateway would deliver it, signed with the local secret."""

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.webhook = Webhook(secret)
        self.session = requests.Session()

    def forward(self, event: Event) -> str:
        created = parse_timestamp(event.created_at)
        envelope = {"event": event.type, "timestamp": int(created), "data": event.data}
        body = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()
        headers = self.webhook.sign(event.id, int(time.time()), body)
        started = time.monotonic()
        try:
            response = self.session.post(
                self.url, data=body, headers=headers, timeout=DELIVERY_TIMEOUT_SECONDS
            )
            answer = f"{response.status_code} {response.reason or ''}".strip()
        except requests.RequestException as failure:
            answer = event_types.NO_ANSWER.format(reason=no_answer_reason(failure))
        took_ms = (time.monotonic() - started) * 1000
        lag = max(0.0, time.time() - created)
        stamp = datetime.now().strftime("%H:%M:%S")
        timing = f"{took_ms:.0f} ms, {lag:.2f} s after the event"
        return f"{stamp}  {event.type:<18} {event.id}  --> {answer} ({timing})"


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps: requests wraps urllib3's errors (in `args` or `reason`), which wrap the
    socket's."""
    found: list[BaseException] = []
    pending = [error]
    while pending and len(found) < 20:
        current = pending.pop()
        if current in found:
            continue
        found.append(current)
        wrapped = [*current.args, getattr(current, "reason", None), current.__cause__, current.__context__]
        pending.extend(item for item in wrapped if isinstance(item, BaseException))
    return found


def no_answer_reason(error: BaseException) -> str:
    """A failed forward in the dashboard's words for a delivery that got no answer ("connection refused")."""
    causes = _causes(error)

    def any_of(*kinds: type[BaseException]) -> bool:
        return any(isinstance(cause, kinds) for cause in causes)

    names = {type(cause).__name__ for cause in causes}
    if any_of(socket.gaierror) or "NameResolutionError" in names:
        return event_types.HOST_NOT_FOUND
    if any_of(requests.Timeout, TimeoutError, socket.timeout):
        return event_types.TIMED_OUT
    if any_of(ssl.SSLError, requests.exceptions.SSLError):
        return event_types.TLS_FAILED
    if any_of(ConnectionRefusedError):
        return event_types.CONNECTION_REFUSED
    if any_of(ConnectionResetError, http.client.RemoteDisconnected, requests.exceptions.ChunkedEncodingError):
        return event_types.CONNECTION_DROPPED
    return event_types.COULD_NOT_CONNECT


def parse_timestamp(text: str) -> float:
    """Unix seconds of an ISO-8601 UTC timestamp (`Z` suffix, optional fraction), on Python 3.9 too."""
    value = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M:%S.%fZ")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


# ------------------------------------------------------------------------------------------ trigger


class Trigger:
    """The objects that raise one event, made through the public API with the test-mode inputs of
    docs/behaviour.md (`success@upi` succeeds, `failure@upi` is declined), each printed with its id."""

    def __init__(self, client: Client, amount: int, timeout: float) -> None:
        self.client, self.amount, self.timeout = client, amount, timeout

    def until(self, fetch: Callable[[], T], done: Callable[[T], bool], what: str) -> T:
        return wait(fetch, done, self.timeout, what)

    def order(self) -> Order:
        order = self.client.orders.create(self.amount, notes={"source": "gateway trigger"})
        print(f"order    {order.id}  ({order.amount} paise)")
        return order

    def payment(self, vpa: str = SUCCEEDING_VPA, order_id: str | None = None) -> Payment:
        payment = self.client.payments.create_upi(order_id or self.order().id, vpa)
        print(f"payment  {payment.id}  (UPI {vpa})")
        return payment

    def settled(self, vpa: str = SUCCEEDING_VPA, order_id: str | None = None) -> Payment:
        """A payment the bank has answered as the test address says."""
        created = self.payment(vpa, order_id)
        payment = self.until(
            lambda: self.client.payments.get(created.id), lambda p: p.status != "pending", "the bank"
        )
        expected = "failed" if vpa == FAILING_VPA else "success"
        if payment.status != expected:
            raise CommandError(
                f"payment {payment.id} ended {payment.status}, not {expected}: this deployment does not let "
                f"the test address {vpa} decide the outcome (test mode)"
            )
        print(
            f"payment  {payment.id}  {payment.status}"
            + (f" ({payment.error_code})" if payment.error_code else "")
        )
        return payment

    def captured(self) -> None:
        payment = self.settled()
        captured = self.client.payments.capture(payment.id, payment.amount)
        print(f"payment  {captured.id}  captured")

    def paid_order(self) -> None:
        payment = self.settled()
        order = self.until(
            lambda: self.client.orders.get(payment.order_id), lambda o: o.status == "paid", "the order"
        )
        print(f"order    {order.id}  {order.status}")

    def paid_link(self) -> None:
        link = self.client.request(
            "POST",
            "/api/v1/payment_links",
            body={"amount": self.amount, "description": "gateway trigger"},
            keyed=True,
        )
        print(f"link     {link['id']}  ({link['url']})")
        self.settled(order_id=link["order_id"])
        paid = self.until(
            lambda: self.client.request("GET", f"/api/v1/payment_links/{link['id']}"),
            lambda current: current.get("status") == "paid",
            "the payment link",
        )
        print(f"link     {paid['id']}  {paid['status']}")

    def refund(self, processed: bool) -> None:
        payment = self.settled()
        refund = self.client.refunds.create(payment.id, payment.amount, reason="gateway trigger")
        print(f"refund   {refund.id}  ({refund.amount} paise)")
        if processed:
            refund = self.until(
                lambda: self.client.refunds.get(refund.id), lambda r: r.status == "processed", "the refund"
            )
            print(f"refund   {refund.id}  {refund.status}")

    def test_webhook(self) -> None:
        log = self.client.webhooks.test()
        print(f"delivery {log.id}  {log.status}")


# How `gateway trigger` raises each event the gateway sends (a test checks that none is missing).
TRIGGERS: dict[str, Callable[[Trigger], object]] = {
    event_types.PAYMENT_CREATED: lambda trigger: trigger.payment(),
    event_types.PAYMENT_PENDING: lambda trigger: trigger.payment(),
    event_types.PAYMENT_SUCCESS: lambda trigger: trigger.settled(),
    event_types.PAYMENT_FAILED: lambda trigger: trigger.settled(FAILING_VPA),
    event_types.PAYMENT_CAPTURED: Trigger.captured,
    event_types.ORDER_PAID: Trigger.paid_order,
    event_types.PAYMENT_LINK_PAID: Trigger.paid_link,
    event_types.REFUND_CREATED: lambda trigger: trigger.refund(processed=False),
    event_types.REFUND_PROCESSED: lambda trigger: trigger.refund(processed=True),
    event_types.WEBHOOK_TEST: Trigger.test_webhook,
}


def run_trigger(arguments: argparse.Namespace) -> int:
    trigger = Trigger(client_from(arguments), arguments.amount, arguments.timeout)
    TRIGGERS[arguments.event](trigger)
    print(f"Triggered {arguments.event}.")
    return 0


def wait(fetch: Callable[[], T], done: Callable[[T], bool], timeout: float, what: str) -> T:
    """Polls with a deadline, showing the wait on a terminal."""
    started = time.monotonic()
    progress = sys.stderr if sys.stderr.isatty() else None
    while True:
        current = fetch()
        elapsed = time.monotonic() - started
        if done(current):
            _progress(progress, "")
            return current
        if elapsed >= timeout:
            _progress(progress, "")
            status = getattr(current, "status", "?")
            raise CommandError(f"gave up waiting for {what} after {timeout:.0f}s (still {status})")
        _progress(progress, f"  waiting for {what}: {getattr(current, 'status', '')} ({elapsed:.1f}s)")
        time.sleep(0.25)


def _progress(stream: IO[str] | None, text: str) -> None:
    if stream is not None:
        stream.write("\r\033[K" + text)
        stream.flush()


# ------------------------------------------------------------------------------------------ events


def run_events_list(arguments: argparse.Namespace) -> int:
    client = client_from(arguments)
    page = client.events.list(
        type=arguments.types,
        from_=arguments.from_,
        to=arguments.to,
        delivery_status=arguments.delivery_status,
        payment_id=arguments.payment_id,
        limit=arguments.limit,
        starting_after=arguments.starting_after,
    )
    if arguments.json:
        print(json.dumps(page.to_dict(), indent=2, ensure_ascii=False))
        return 0
    for event in page.data:
        print(f"{event.id}  {event.type:<18} {event.created_at}  {event.delivery_status or '-'}")
    if not page.data:
        print("No events.")
    elif page.has_more:
        print(f"More: gateway events list --starting-after {page.data[-1].id}")
    return 0


def run_events_get(arguments: argparse.Namespace) -> int:
    event = client_from(arguments).events.get(arguments.event_id)
    if arguments.json:
        print(json.dumps(event.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{event.id}  {event.type}  created {event.created_at}  delivery {event.delivery_status or '-'}")
    print(json.dumps(event.data, indent=2, ensure_ascii=False))
    for delivery in event.deliveries or []:
        print(f"delivery {delivery.webhook_id}  {delivery.status}  to {delivery.url or '-'}")
        for attempt in delivery.attempts:
            code = attempt.response_code if attempt.response_code is not None else "-"
            took = attempt.duration_ms if attempt.duration_ms is not None else "-"
            print(f"  {attempt.attempted_at}  {code}  {took} ms")
    if not event.deliveries:
        print("No deliveries.")
    return 0


def run_events_resend(arguments: argparse.Namespace) -> int:
    client = client_from(arguments)
    event = client.events.get(arguments.event_id)
    if event.deliveries:
        latest = event.deliveries[-1]
        retry = client.webhooks.retry(latest.webhook_id)
        print(f"Resending {event.id} ({event.type}): delivery {retry.id} {retry.status} ({retry.message}).")
        return 0
    # Never delivered (no URL then): a recovery over the event's own instant sends it to today's URL.
    recovery = client.webhooks.recover(since=event.created_at, until=event.created_at)
    print(
        f"Resending {event.id} ({event.type}) by recovery {recovery.id}: {recovery.events} event(s) in range."
    )
    return 0


# ------------------------------------------------------------------------------------------ recover


def run_recover(arguments: argparse.Namespace) -> int:
    client = client_from(arguments)
    recovery = client.webhooks.recover(since=arguments.since, until=arguments.until)
    print(f"recovery {recovery.id}: {recovery.events} event(s) from {recovery.since} to {recovery.until}")
    if 0 < recovery.max_events < recovery.events:
        print(f"  a recovery sends at most {recovery.max_events} (the oldest): run it again for the rest")
    last_line = ""

    def show(current: Any) -> None:
        nonlocal last_line
        line = f"  sent {current.sent}/{current.events} ({current.status})"
        if line != last_line:
            print(line, flush=True)
            last_line = line

    show(recovery)
    recovery = wait(
        lambda: _observed(client.webhooks.recovery(recovery.id), show),
        lambda r: r.completed,
        arguments.timeout,
        f"recovery {recovery.id}",
    )
    print(f"Recovery {recovery.id} completed: sent {recovery.sent} of {recovery.events}.")
    return 0


def _observed(value: T, observe: Callable[[T], None]) -> T:
    observe(value)
    return value


# ------------------------------------------------------------------------------------------ admin


def _add_admin_commands(commands: Any) -> None:
    group = _command(commands, "admin", "Operators: manage merchants through the admin function (AWS IAM)")
    group.set_defaults(handler=lambda _arguments: _usage(group))
    groups = group.add_subparsers(title="commands", metavar="COMMAND")
    merchants = _command(groups, "merchants", "Create, list, show, deactivate and activate merchants")
    merchants.set_defaults(handler=lambda _arguments: _usage(merchants))
    actions = merchants.add_subparsers(title="commands", metavar="COMMAND")

    create = _admin_command(actions, "create", "A new merchant: prints its keys once and a password link")
    create.add_argument("--name", required=True)
    create.add_argument("--email", required=True)
    listing = _admin_command(actions, "list", "Merchants, a page at a time")
    listing.add_argument("--limit", type=int, default=20, help="1-100 (default 20)")
    listing.add_argument("--starting-after", metavar="MERCHANT_ID", help="the page after this merchant")
    for name, summary in (
        ("show", "One merchant (never its secret)"),
        ("deactivate", "Refuse the merchant everywhere: keys, sessions, logins, its checkout pages"),
        ("activate", "Let a deactivated merchant's keys work again (its sessions stay ended)"),
        ("reset-password", "A new one-time password link (24 hours)"),
    ):
        command = _admin_command(actions, name, summary)
        command.add_argument("merchant", metavar="MERCHANT", help="the merchant's id or e-mail address")


def _admin_command(actions: Any, name: str, summary: str) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = actions.add_parser(name, help=summary, description=summary)
    where = command.add_argument_group("where the admin function is (default: the local stack)")
    where.add_argument("--stack", help="a deployed stack (or GATEWAY_STACK); AWS_ENDPOINT_URL for LocalStack")
    where.add_argument("--function", help="the function's name or ARN (or GATEWAY_ADMIN_FUNCTION)")
    where.add_argument("--endpoint-url", help=f"Lambda's endpoint (local stack: {admin.LOCAL_LAMBDA_URL})")
    command.add_argument("--json", action="store_true", help="print the result as JSON")
    command.set_defaults(handler=run_admin, action=name)
    return command


def run_admin(arguments: argparse.Namespace) -> int:
    command: dict[str, Any] = {"action": arguments.action}
    if arguments.action == "create":
        command.update(name=arguments.name, email=arguments.email)
    elif arguments.action == "list":
        command.update(limit=arguments.limit, starting_after=arguments.starting_after)
    else:
        key = "email" if "@" in arguments.merchant else "merchant_id"
        command[key] = arguments.merchant
    target = admin.find_target(arguments.function, arguments.stack, arguments.endpoint_url)
    result = admin.invoke(target, command)
    if arguments.json:
        print(json.dumps(result, indent=2))
    else:
        print(describe_admin_result(arguments.action, result))
    return 0


def describe_admin_result(action: str, result: dict[str, Any]) -> str:
    if action == "create":
        return "\n".join(
            [
                f"Merchant created: {result['id']}",
                f"  API key     {result['api_key']}",
                f"  API secret  {result['api_secret']}",
                "  (the secret is shown only now: hand it over securely)",
                "Password link (one use, 24 hours):",
                f"  {result['password_link']}",
            ]
        )
    if action == "reset-password":
        return f"Password link for {result['id']} (one use, 24 hours):\n  {result['password_link']}"
    if action == "list":
        rows = [
            f"{m['id']}  {'active  ' if m['active'] else 'inactive'}  {m['email']}  {m['name']}"
            for m in result["data"]
        ]
        more = [f"(more: --starting-after {result['next']})"] if result.get("next") else []
        return "\n".join(rows + more) if rows else "No merchants."
    lines = [f"{name:<13} {value}" for name, value in result.items()]
    if action in ("deactivate", "activate"):
        lines.insert(0, f"Merchant {result['id']} {action}d.")
    return "\n".join(lines)
