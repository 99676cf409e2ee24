"""The `gateway` command against the live stack: help everywhere, clear errors, `trigger` for each event,
the local listen secret kept across runs."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from gateway_client import Client
from gateway_client.cli import main

from devkit.live_stack import LiveStack
from tests.sdk.support import gateway_environment, run_cli

pytestmark = pytest.mark.integration

COMMANDS = [
    [],
    ["listen"],
    ["trigger"],
    ["events"],
    ["events", "list"],
    ["events", "get"],
    ["events", "resend"],
    ["recover"],
]


def ids(text: str, prefix: str) -> list[str]:
    return re.findall(rf"\b{prefix}_[A-Za-z0-9]{{16}}\b", text)


@pytest.fixture
def as_merchant(live_stack: LiveStack, credentials: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's environment points at the session's stack as the test's fresh merchant."""
    for name, value in gateway_environment(live_stack, credentials).items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "gateway")
def test_every_command_explains_itself_with_help(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    assert f"usage: gateway {' '.join(command)}".rstrip() in capsys.readouterr().out


def test_the_installed_entry_point_runs_as_its_own_process() -> None:
    finished = run_cli("--help")
    assert finished.returncode == 0, finished.stderr
    assert "listen" in finished.stdout and "trigger" in finished.stdout and "recover" in finished.stdout


def test_wrong_credentials_give_one_clear_line_and_no_traceback(live_stack: LiveStack) -> None:
    finished = run_cli(
        "--api-key",
        "key_nobody",
        "--api-secret",
        "nope",
        "--base-url",
        live_stack.api_url,
        "trigger",
        "payment.success",
    )
    assert finished.returncode == 1
    # One line that names the gateway's request id, for support
    assert re.fullmatch(
        r"error: AUTHENTICATION_ERROR: Invalid API credentials \(HTTP 401, request [0-9a-f-]+\)",
        finished.stderr.strip(),
    )


def test_an_unreachable_gateway_is_named_in_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--base-url", "http://127.0.0.1:9", "events", "list"]) == 1
    error = capsys.readouterr().err
    assert "could not reach http://127.0.0.1:9" in error and "Traceback" not in error


def test_a_remote_deployment_needs_explicit_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GATEWAY_API_KEY", "GATEWAY_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--base-url", "https://gateway.example.com", "events", "list"]) == 1
    assert "give both an API key and secret" in capsys.readouterr().err


@pytest.mark.usefixtures("as_merchant")
def test_trigger_payment_success_creates_a_paid_payment_and_prints_its_ids(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trigger", "payment.success"]) == 0
    out = capsys.readouterr().out
    (order_id,), payment_ids = set(ids(out, "order")), set(ids(out, "pay"))
    payment = client.payments.get(payment_ids.pop())
    assert (payment.status, payment.order_id, payment.vpa) == ("success", order_id, "success@upi")
    assert "Triggered payment.success." in out


@pytest.mark.usefixtures("as_merchant")
def test_trigger_refund_processed_refunds_a_paid_payment_in_full(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trigger", "refund.processed", "--amount", "12345"]) == 0
    out = capsys.readouterr().out
    refund = client.refunds.get(ids(out, "rfnd")[0])
    assert (refund.status, refund.amount) == ("processed", 12345)
    assert client.payments.get(refund.payment_id).status == "success"


@pytest.fixture(scope="module")
def declining_stack() -> Iterator[LiveStack]:
    """A runtime whose bank declines payments (TEST_PAYMENT_SUCCESS=false), as `failure@upi` makes it do
    per payment in test mode (docs/behaviour.md, "Test mode"): payment.failed is triggered whichever the
    deployment honours."""
    stack = LiveStack("sdk-declining", {"TEST_PAYMENT_SUCCESS": "false"}).start()
    try:
        yield stack
    finally:
        stack.stop()


def test_trigger_payment_failed_creates_a_declined_payment(
    declining_stack: LiveStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    merchant = declining_stack.create_merchant()
    for name, value in gateway_environment(declining_stack, merchant).items():
        monkeypatch.setenv(name, value)
    assert main(["trigger", "payment.failed"]) == 0
    out = capsys.readouterr().out
    with Client(merchant["api_key"], merchant["api_secret"], declining_stack.api_url) as sdk:
        payment = sdk.payments.get(ids(out, "pay")[0])
    assert payment.status == "failed" and payment.vpa == "failure@upi" and payment.error_code


def orders_become_paid(client: Client) -> bool:
    """The order lifecycle (README, "Orders are paid once"): an order is `paid` once one of its payments
    succeeded."""
    order = client.orders.create(amount=10000)
    client.payments.wait_until_final(
        client.payments.create_upi(order.id, "success@upi").id, timeout=30, interval=0.2
    )
    try:
        client.orders.wait_until(order.id, lambda o: o.status == "paid", timeout=5, interval=0.2)
    except TimeoutError:
        return False
    return True


@pytest.mark.usefixtures("as_merchant")
def test_trigger_order_paid_waits_for_the_order_to_be_paid(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    if not orders_become_paid(client):
        pytest.skip("order lifecycle not deployed (orders never become paid on this stack)")
    assert main(["trigger", "order.paid"]) == 0
    out = capsys.readouterr().out
    assert client.orders.get(ids(out, "order")[0]).status == "paid"


def test_listen_keeps_one_private_signing_secret_across_runs(tmp_path: Path) -> None:
    environment = {"XDG_CONFIG_HOME": str(tmp_path)}
    first = run_cli("listen", "--print-secret", environment=environment)
    second = run_cli("listen", "--print-secret", environment=environment)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=\n", first.stdout)
    kept = tmp_path / "gateway" / "listen_secret"
    assert kept.read_text().strip() == first.stdout.strip()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_listen_without_a_url_to_forward_to_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["listen"]) == 1
    assert "give --forward-to URL" in capsys.readouterr().err
