"""Cold import time of each handler module, in a fresh interpreter, with `python -X importtime`; and of
the hand-written parts beside the library utilities they replace.

`python -m bench.imports` prints this table alone; `make bench` puts it in bench/results/latest.md.
"""

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
    # The hand-written parts beside the Powertools utilities they stand in for (docs/decisions.md).
    "partial batches, ours": "gateway.transport.batches",
    "partial batches, Powertools": "aws_lambda_powertools.utilities.batch",
    "EMF metrics, ours": "gateway.telemetry.metrics",
    "EMF metrics, Powertools": "aws_lambda_powertools.metrics",
    "JSON logs, ours": "gateway.telemetry.logs",
    "JSON logs, Powertools": "aws_lambda_powertools.logging",
}


def import_microseconds(module: str) -> int:
    """What `import <module>` costs in a fresh interpreter, as `-X importtime` reports it (interpreter
    start excluded)."""
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
    # `import a.b.c` imports `a`, then `a.b`, then `a.b.c`, each a top-level line whose cumulative time
    # leaves out the others: the statement's cost is their sum.
    chain = {".".join(module.split(".")[:depth]) for depth in range(1, module.count(".") + 2)}
    total, found = 0, False
    for line in finished.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        top_level = len(parts) == 3 and parts[2].startswith(" ") and not parts[2].startswith("  ")
        if top_level and parts[2].strip() in chain:
            total += int(parts[1])
            found |= parts[2].strip() == module
    if not found:
        raise RuntimeError(f"no importtime line for {module}:\n{finished.stderr[-2000:]}")
    return total


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


if __name__ == "__main__":
    for name, stats in cold_imports().items():
        print(
            f"{name:30} {stats['median_ms']:7} ms median  ({stats['min_ms']}-{stats['max_ms']})  {stats['module']}"
        )
