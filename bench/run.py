"""The benchmark: two local stacks in test mode (bank delay 1000 ms and 0 ms) plus in-process runs.

Phases print one progress line each. Results: bench/results/latest.json, latest.md and latency.png.
"""

from __future__ import annotations

import gzip
import json
import platform
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cost, report
from bench.common import Progress, summary_ms
from bench.imports import cold_imports
from devkit.live_stack import LiveStack
from devkit.merchant import Merchant, wait_for

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
REQUESTS_PER_ENDPOINT = 200
WARMUP = 20
THROUGHPUT_REQUESTS = 240
THROUGHPUT_CONCURRENCY = 16
BURST = 50
BURST_CLIENTS = 16
E2E_PAYMENTS = 50
E2E_INTERVAL_S = 1.0  # one payment a second from one client: lightly parallel in the pipeline


def main() -> int:
    started = time.monotonic()
    # A plain SIGTERM would skip the `finally` that stops the local stack (its own process group).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("bench: measuring the local stack (about 3-4 minutes)", flush=True)
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.system()} {platform.machine()}, {platform.python_version()}",
    }
    samples: dict[str, list[float]] = {}
    results["cold_import_ms"] = cold_imports()
    results.update(checkout_sizes())

    with running_stack("bench-delay1000", "1000") as stack:
        results["burst_settle_s"] = burst_settle(stack)
        stack.stop_workers()  # the API alone: on AWS the workers run on other machines
        latency, throughput, samples = api_over_http(stack)
        results["api_latency_ms"], results["api_throughput_rps"] = latency, throughput

    with running_stack("bench-delay0", "0") as stack:
        results["e2e_webhook_ms"], samples["e2e_webhook"] = e2e_webhook(stack)
        stack.stop_workers()  # from here the functions run in this process, driven by the harness
        in_process(stack, results)

    results["cost_per_million_payments_usd"] = {
        "prices": cost.PRICES,
        "prices_note": cost.PRICES_NOTE,
        "happy_path": cost.model(results["aws_calls_per_payment"]["happy_path"]),
        "every_webhook_retried_twice": cost.model(
            results["aws_calls_per_payment"]["every_webhook_retried_twice"]
        ),
    }
    results["bench_duration_s"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "latest.md").write_text(report.markdown(results), encoding="utf-8")
    report.chart(samples, RESULTS / "latency.png")
    print(report.summary(results), flush=True)
    print(
        f"bench: done in {results['bench_duration_s']:.0f}s; wrote {RESULTS / 'latest.json'}, latest.md, latency.png"
    )
    return 0


class running_stack:
    def __init__(self, name: str, delay_ms: str) -> None:
        self.stack = LiveStack(name, {"TEST_PROCESSING_DELAY": delay_ms})
        self.name = name

    def __enter__(self) -> LiveStack:
        began = time.monotonic()
        print(
            f"  starting a local stack (TEST_PROCESSING_DELAY={self.stack._extra_environment['TEST_PROCESSING_DELAY']})...",
            flush=True,
        )
        self.stack.start()
        print(f"  stack up in {time.monotonic() - began:.1f}s (log: {self.stack.log_path})", flush=True)
        return self.stack

    def __exit__(self, *exc: object) -> None:
        self.stack.stop()


# ---------------------------------------------------------------------- front end
def checkout_sizes() -> dict[str, Any]:
    dist = REPO_ROOT / "checkout_widget" / "dist"
    sdk = dist / "checkout.js"
    if not sdk.exists():
        raise SystemExit("checkout_widget/dist/checkout.js is missing: run `make frontend` (make bench does)")
    page_html = (dist / "checkout.html").read_text(encoding="utf-8")
    scripts = [
        dist / src.lstrip("/") for src in _script_sources(page_html) if (dist / src.lstrip("/")).is_file()
    ]
    page_bytes = sum(len(gzip.compress(path.read_bytes(), 9)) for path in scripts)
    return {
        "checkout_js_gzip_bytes": len(gzip.compress(sdk.read_bytes(), 9)),
        "checkout_page_js_gzip_bytes": {
            "bytes": page_bytes,
            "files": [str(path.relative_to(dist)) for path in scripts],
        },
    }


def _script_sources(html: str) -> list[str]:
    import re

    return re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", html)


# ---------------------------------------------------------------------- the pipeline
def burst_settle(stack: LiveStack) -> dict[str, Any]:
    merchant = Merchant.of(stack, receiver=True)
    receiver = merchant.receiver
    assert receiver is not None
    orders = parallel(
        merchant, "burst: orders first (not timed)", BURST, lambda i: merchant.create_order()["id"]
    )
    progress = Progress(f"burst: {BURST} parallel payments -> payment.success", BURST)
    began = time.time()
    replies = parallel(
        merchant, None, BURST, lambda i: merchant.create_upi_payment(orders[i]), workers=BURST_CLIENTS
    )
    created_s = time.time() - began
    assert all(reply.status == 201 for reply in replies), [r.body for r in replies if r.status != 201]
    ids = {reply.body["id"] for reply in replies}

    def settled() -> bool:
        done = {
            e["payload"]["data"]["payment"]["id"]
            for e in receiver.events()
            if e["event"] == "payment.success"
        }
        progress.set(len(done & ids))
        return ids <= done

    wait_for(settled, 120, "every payment.success of the burst")
    last = max(e["at"] for e in receiver.events() if e["event"] == "payment.success")
    progress.finish(f"{last - began:.2f}s")
    receiver.close()
    return {
        "seconds": round(last - began, 2),
        "payments": BURST,
        "clients": BURST_CLIENTS,
        "creation_seconds": round(created_s, 2),
        "test_processing_delay_ms": 1000,
    }


def e2e_webhook(stack: LiveStack) -> tuple[dict[str, Any], list[float]]:
    merchant = Merchant.of(stack, receiver=True)
    receiver = merchant.receiver
    assert receiver is not None
    orders = [merchant.create_order()["id"] for _ in range(E2E_PAYMENTS)]
    progress = Progress("e2e: payment response -> payment.success received", E2E_PAYMENTS)
    answered: dict[str, float] = {}
    for order in orders:
        tick = time.monotonic()
        reply = merchant.create_upi_payment(order)
        assert reply.status == 201, reply.body
        answered[reply.body["id"]] = reply.finished_at
        time.sleep(max(0.0, E2E_INTERVAL_S - (time.monotonic() - tick)))

    def arrivals() -> dict[str, float]:
        seen = {
            e["payload"]["data"]["payment"]["id"]: e["at"]
            for e in receiver.events()
            if e["event"] == "payment.success"
        }
        progress.set(len(seen.keys() & answered.keys()))
        return seen

    wait_for(lambda: answered.keys() <= arrivals().keys(), 90, "every payment.success")
    seen = arrivals()
    latencies = [seen[payment] - at for payment, at in answered.items()]
    stats = summary_ms(latencies)
    progress.finish(f"p50 {stats['p50']:.0f} ms")
    receiver.close()
    return (
        {
            "p50": stats["p50"],
            "p95": stats["p95"],
            "max": stats["max"],
            "n": stats["n"],
            "mode": f"one client, one payment every {int(E2E_INTERVAL_S * 1000)} ms (lightly parallel)",
            "test_processing_delay_ms": 0,
        },
        latencies,
    )


# ---------------------------------------------------------------------- the API over HTTP
def api_over_http(stack: LiveStack) -> tuple[dict[str, Any], dict[str, Any], dict[str, list[float]]]:
    merchant = Merchant.of(stack)
    api = merchant
    for _ in range(WARMUP):
        api.create_upi_payment(api.create_order()["id"])
    samples: dict[str, list[float]] = {"create_order": [], "create_payment": [], "get_payment": []}
    orders: list[str] = []
    payments: list[str] = []
    for name in samples:
        progress = Progress(f"API latency, concurrency 1: {name}", REQUESTS_PER_ENDPOINT)
        for index in range(REQUESTS_PER_ENDPOINT):
            if name == "create_order":
                reply = api.call("POST", "/api/v1/orders", {"amount": 50000})
                orders.append(reply.body["id"])
            elif name == "create_payment":
                reply = api.create_upi_payment(orders[index])
                payments.append(reply.body["id"])
            else:
                reply = api.call("GET", f"/api/v1/payments/{payments[index]}")
            if reply.status not in (200, 201):
                raise RuntimeError(f"{name} -> {reply.status} {reply.body}")
            samples[name].append(reply.seconds)
            progress.add()
        progress.finish(f"p50 {summary_ms(samples[name])['p50']:.1f} ms")
    latency = {
        name: {k: v for k, v in summary_ms(values).items() if k != "mean"} for name, values in samples.items()
    }

    more_orders = parallel(
        merchant,
        "throughput: orders first (not timed)",
        THROUGHPUT_REQUESTS,
        lambda i: api.create_order()["id"],
    )
    progress = Progress(
        f"throughput: create payment, concurrency {THROUGHPUT_CONCURRENCY}", THROUGHPUT_REQUESTS
    )
    began = time.perf_counter()
    replies = parallel(
        merchant,
        None,
        THROUGHPUT_REQUESTS,
        lambda i: _counted(api.create_upi_payment(more_orders[i]), progress),
        workers=THROUGHPUT_CONCURRENCY,
    )
    wall = time.perf_counter() - began
    errors = sum(1 for reply in replies if reply.status != 201)
    stats = summary_ms([reply.seconds for reply in replies])
    progress.finish(f"{THROUGHPUT_REQUESTS / wall:.0f} req/s")
    throughput = {
        "create_payment_rps": round(THROUGHPUT_REQUESTS / wall, 1),
        "concurrency": THROUGHPUT_CONCURRENCY,
        "requests": THROUGHPUT_REQUESTS,
        "errors": errors,
        "latency_ms_p50": stats["p50"],
        "latency_ms_p99": stats["p99"],
    }
    samples["create_payment_c16"] = [reply.seconds for reply in replies]
    return latency, throughput, samples


def _counted(reply: Any, progress: Progress) -> Any:
    progress.add()
    return reply


def parallel(merchant: Merchant, label: str | None, count: int, work: Any, workers: int = 16) -> list[Any]:
    progress = Progress(label, count) if label else None
    lock = threading.Lock()

    def run(index: int) -> Any:
        result = work(index)
        if progress is not None:
            with lock:
                progress.add()
        return result

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(run, range(count)))
    if progress is not None:
        progress.finish()
    return results


# ---------------------------------------------------------------------- in process
def in_process(stack: LiveStack, results: dict[str, Any]) -> None:
    from bench.inprocess import InProcess

    created = stack.create_merchant()
    credentials = {"X-Api-Key": created["api_key"], "X-Api-Secret": created["api_secret"]}
    runner = InProcess(stack.environment)
    measured = runner.api_self_time(credentials, REQUESTS_PER_ENDPOINT, WARMUP)
    results["api_self_ms"] = {
        "method": "in-process app(event, context) with API Gateway proxy events; AWS time = union of "
        "intervals between botocore before-call and after-call hooks (registered on every client, "
        "boto3's and pynamodb's, by wrapping botocore Session.create_client)",
        **{
            name: {"self_ms": m["self_ms"], "wall_ms": m["wall_ms"], "aws_wait_ms": m["aws_wait_ms"]}
            for name, m in measured.items()
        },
    }
    results["sequential_aws_round_trips"] = {
        name: m["sequential_aws_round_trips"] for name, m in measured.items()
    }
    runner.one_payment(credentials, failures_per_webhook=0)  # warm-up: first calls set up clients and pools
    results["aws_calls_per_payment"] = {
        "happy_path": runner.one_payment(credentials, failures_per_webhook=0),
        "every_webhook_retried_twice": runner.one_payment(credentials, failures_per_webhook=2),
    }


if __name__ == "__main__":
    raise SystemExit(main())
