"""`pip install ./sdk/python` into a fresh virtualenv of the oldest supported Python, then the `gateway`
entry point and the README's quick start, as a merchant would run them, against the live stack."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from devkit.live_stack import LiveStack
from tests.sdk.support import SDK_ROOT

pytestmark = pytest.mark.integration


def oldest_python() -> str:
    """A Python 3.9 interpreter when this machine has one (pyenv's, even when its shim is inactive),
    else the current interpreter."""
    candidates = [
        shutil.which("python3.9"),
        *sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.9*/bin/python3.9")),
    ]
    for candidate in filter(None, candidates):
        probe = run(candidate, "-c", "import sys, venv; assert sys.version_info[:2] == (3, 9)", timeout=30)
        if probe.returncode == 0:
            return candidate
    return sys.executable


SIGN_VERIFY_AND_PARSE = """
import time
from gateway_client import Webhook
from gateway_client.cli import build_parser, parse_timestamp
webhook = Webhook("whsec_" + "a" * 43 + "=")
body = b'{"event":"payment.success","timestamp":1,"data":{}}'
event = webhook.verify(body, webhook.sign("evt_AbCdEfGh12345678", int(time.time()), body))
build_parser().parse_args(["events", "list", "--type", "payment.success"])
print(event["event"], parse_timestamp("2026-01-15T10:31:00.123Z"))
"""


def quick_start() -> str:
    readme = (SDK_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"## Quick start\n\n```python\n(.*?)```", readme, re.S)
    assert found, "the README has a Quick start python block"
    return found.group(1)


def run(*command: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_the_package_installs_in_a_fresh_virtualenv_and_its_quick_start_works(
    tmp_path: Path, live_stack: LiveStack
) -> None:
    # GIVEN a fresh virtualenv of Python 3.9 (the current interpreter where none is installed)
    python = oldest_python()
    environment = tmp_path / "venv"
    assert run(python, "-m", "venv", environment).returncode == 0
    bin_dir = environment / "bin"

    # WHEN the package is installed from the source folder (its one dependency from the registry)
    installed = run(bin_dir / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q", SDK_ROOT)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # THEN the console script runs, and the README's quick start works against the stack
    helped = run(bin_dir / "gateway", "--help")
    assert helped.returncode == 0 and "usage: gateway" in helped.stdout, helped.stderr
    version = run(
        bin_dir / "python",
        "-c",
        "import sys, gateway_client; print(sys.version_info[:2], gateway_client.__file__)",
    )
    assert str(environment) in version.stdout, version.stderr
    script = quick_start().replace("http://localhost:8000", live_stack.api_url)
    started = run(bin_dir / "python", "-c", script, timeout=120)
    assert started.returncode == 0, started.stderr
    order_id, payment_id, status, refund_id, refund_status = started.stdout.split()
    assert order_id.startswith("order_") and payment_id.startswith("pay_") and refund_id.startswith("rfnd_")
    assert (status, refund_status) == ("success", "processed")
    # AND what the quick start does not touch runs on that Python too: signing, verifying, the CLI's clock
    roundtrip = run(bin_dir / "python", "-c", SIGN_VERIFY_AND_PARSE)
    assert roundtrip.returncode == 0 and roundtrip.stdout.strip() == "payment.success 1768473060.123", (
        roundtrip.stderr
    )
    print(f"installed into {version.stdout.strip()}")
