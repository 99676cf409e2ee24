"""What the SDK tests share besides fixtures: the package from this tree on the path, the CLI run as
its own process, and the probe for the events API."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from typing import Any

from devkit.live_stack import LiveStack
from devkit.merchant import wait_for
from tests.sdk import SDK_SOURCE

SDK_ROOT = SDK_SOURCE.parent

TEST_MERCHANT_HEADERS = {"X-Api-Key": "key_test_abc123", "X-Api-Secret": "secret_test_xyz789"}
EVENTS_API_MISSING = "events API not deployed (GET /api/v1/events answers 404 Route not found)"


def events_api_deployed(stack: LiveStack) -> bool:
    """False while `GET /api/v1/events` is an unknown route (404 `Route not found`) on that stack."""
    request = urllib.request.Request(f"{stack.api_url}/api/v1/events?limit=1", headers=TEST_MERCHANT_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as error:
        return not (error.code == 404 and b"Route not found" in error.read())


def cli_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without GATEWAY_* settings, the SDK source on the path, plus `extra`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    environment["PYTHONPATH"] = str(SDK_SOURCE)
    environment["PYTHONUNBUFFERED"] = "1"
    environment.update(extra or {})
    return environment


def gateway_environment(stack: LiveStack, credentials: dict[str, Any], **extra: str) -> dict[str, str]:
    return {
        "GATEWAY_BASE_URL": stack.api_url,
        "GATEWAY_API_KEY": credentials["api_key"],
        "GATEWAY_API_SECRET": credentials["api_secret"],
        **extra,
    }


def run_cli(
    *arguments: str, environment: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`gateway ARGUMENTS` from this tree, in its own process as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "gateway_client", *arguments],
        env=cli_environment(environment),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Listening:
    """`gateway listen --forward-to URL` in its own process, ready to forward; its output lines collected
    as they come. Killed on exit if the test did not stop it."""

    def __init__(self, forward_to: str, environment: dict[str, str], *options: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway_client", "listen", "--forward-to", forward_to, *options],
            env=cli_environment(environment),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []

    def __enter__(self) -> tuple[subprocess.Popen[str], list[str]]:
        stream = self.process.stdout
        assert stream is not None
        self._reader = threading.Thread(
            target=lambda: self.lines.extend(iter(stream.readline, "")), daemon=True
        )
        self._reader.start()
        wait_for(lambda: any("Press Ctrl-C" in line for line in self.lines), 30, "the listener to be ready")
        return self.process, self.lines

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self._reader.join(timeout=10)  # every line the process wrote is in `lines` from here on
