"""The README's "Try it" script, run as a newcomer pastes it, against the live stack.

GIVEN the script between the README's "Try it" heading and the next section (the ```bash block), WHEN it
runs with bash against the stack, THEN it prints exactly what its `#>` sample-output lines say (ids and
times aside), the ids it captured are the ones the API gave back, and the sample merchant verified
every event it sent.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from devkit.live_stack import REPO_ROOT, LiveStack
from devkit.merchant import wait_for
from tests.lifecycle import REFUNDED_PAYMENT_EVENTS

pytestmark = pytest.mark.integration

README = REPO_ROOT / "README.md"
SCRIPT_DEADLINE_SECONDS = 150
EVENTS = set(REFUNDED_PAYMENT_EVENTS)
# What differs from run to run: the ids the gateway makes and the times it stamps.
RESOURCE_ID = re.compile(r"\b(order|pay|rfnd)_[A-Za-z0-9]{16}\b")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")


def try_it_script() -> str:
    section = README.read_text(encoding="utf-8").split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```bash\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) == 1, "the Try it section has exactly one ```bash script"
    return str(blocks[0])


def normalized(line: str) -> str:
    return TIMESTAMP.sub("<time>", RESOURCE_ID.sub(r"\1_<id>", line))


def test_the_script_has_no_placeholders_and_sets_the_webhook_before_any_order() -> None:
    script = try_it_script()
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"<[a-z][a-z ]*>", code), "a <placeholder> is a shell redirect"
    assert code.index("/api/v1/webhooks/config") < code.index("/api/v1/orders")


def test_the_readme_script_prints_what_it_says_it_prints(live_stack: LiveStack) -> None:
    script = try_it_script()
    receiver = f"{live_stack.merchant_url}/webhook"
    environment = {
        **os.environ,
        "GATEWAY_BASE_URL": live_stack.api_url,
        "GATEWAY_RECEIVER_URL": receiver,
    }

    log_before = live_stack.log_path.stat().st_size

    # WHEN a newcomer pastes it into bash (stopping at the first failing command)
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=SCRIPT_DEADLINE_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"the script failed:\n{result.stdout}\n{result.stderr}"
    assert result.stderr == ""

    # THEN its output is line for line the documented sample output
    printed = result.stdout.replace(receiver, "http://localhost:4000/webhook").splitlines()
    documented = [line.removeprefix("#> ") for line in script.splitlines() if line.startswith("#> ")]
    assert [normalized(line) for line in printed] == [normalized(line) for line in documented]

    # AND the ids it captured in variables are the API's: the payment is on the order, the refund on it
    order, payment, refund = (json.loads(printed[index]) for index in (1, 2, 5))
    assert payment["order_id"] == order["id"]
    assert printed[3] == f"payment {payment['id']}: success"
    assert printed[4] == f"order {order['id']}: paid"
    assert refund["payment_id"] == payment["id"]
    assert printed[6] == f"refund {refund['id']}: processed"

    # AND the sample merchant printed that it verified the signature of every event the script caused
    def verified_since_the_script_started() -> set[str]:
        with live_stack.log_path.open("rb") as log:
            log.seek(log_before)
            return set(re.findall(r"Webhook verified: ([a-z.]+)", log.read().decode(errors="replace")))

    wait_for(lambda: verified_since_the_script_started() >= EVENTS, 20, "the sample merchant's log lines")
