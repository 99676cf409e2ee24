"""Cold import time of each handler module, in a fresh interpreter, with `python -X importtime`."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import Progress

REPO_ROOT = Path(__file__).resolve().parent.parent
MODULES = {
    "api": "functions.api.app",
    "dispatch_events": "functions.dispatch_events.app",
    "process_payment": "functions.process_payment.app",
    "process_refund": "functions.process_refund.app",
    "deliver_webhook": "functions.deliver_webhook.app",
    "boto3 (baseline)": "boto3",
}


def import_microseconds(module: str) -> int:
    """The module's cumulative import time as `-X importtime` reports it (interpreter start excluded)."""
    environment = {
        **os.environ,
        "PYTHONPATH": f"{REPO_ROOT / 'layers' / 'common' / 'python'}{os.pathsep}{REPO_ROOT}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    finished = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in finished.stderr.splitlines():
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"no importtime line for {module}:\n{finished.stderr[-2000:]}")


def cold_imports(runs: int = 5) -> dict[str, dict[str, float]]:
    progress = Progress("cold imports (fresh interpreters)", runs * len(MODULES))
    results: dict[str, dict[str, float]] = {}
    for name, module in MODULES.items():
        samples = []
        for _ in range(runs):
            samples.append(import_microseconds(module) / 1000)
            progress.add()
        results[name] = {
            "module": module,  # type: ignore[dict-item]
            "median_ms": round(statistics.median(samples), 1),
            "min_ms": round(min(samples), 1),
            "max_ms": round(max(samples), 1),
        }
    progress.finish()
    return results
