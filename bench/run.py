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
CLOSED_LOOP_CLIENTS = 16
CLOSED_LOOP_SECONDS = 20.0
BURST = 50
BURST_CLIENTS = 16
BANK_DELAY_S = 1.0  # TEST_PROCESSING_DELAY of the measured stack
WEBHOOK_PAYMENTS = 50
WEBHOOK_INTERVAL_S = 0.5  # one payment every half second from one client: lightly parallel in the pipeline


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
    results["sqs_queue_depth"] = queue_depth()

    with running_stack("bench-delay1000", "1000") as stack:
        # Everything here runs with the workers running, as `make run` does.
        results["memory_mb"] = {"idle": stack_rss_mb(stack)}
        results["burst_settle_s"] = burst_settle(stack)
        results["webhook_ms"], webhook_samples = webhook_latency(stack)
        results["api_latency_ms"], samples = api_latency(stack)
        # Last: it leaves a backlog of payments for the workers to settle.
        results["closed_loop"], results["memory_mb"]["under_load"] = closed_loop(stack, samples)
        samples["webhook_success"] = webhook_samples

    with running_stack("bench-delay0", "0") as stack:
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


def queue_depth() -> dict[str, Any]:
    """SendMessage and ReceiveMessage p50 with an empty queue and with 3,000 messages queued
    (`bench/queues.py`, in a fresh interpreter: it runs its own in-process moto)."""
    import subprocess

    progress = Progress("SQS calls: empty queue vs 3,000 queued", 1)
    measured = subprocess.run(
        [sys.executable, "-m", "bench.queues"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(measured.stdout)
    ratio = result["p50_ratio_full_to_empty"]
    progress.add()
    progress.finish(
        f"p50 full/empty: send {ratio['send_message_ms']}x, receive {ratio['receive_message_ms']}x"
    )
    return result


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


def webhook_latency(stack: LiveStack) -> tuple[dict[str, Any], list[float]]:
    """From the POST answer to the receiver accepting payment.created, and payment.success minus the delay."""
    merchant = Merchant.of(stack, receiver=True)
    receiver = merchant.receiver
    assert receiver is not None
    orders = [merchant.create_order()["id"] for _ in range(WEBHOOK_PAYMENTS)]
    progress = Progress("webhooks: POST answer -> payment.success", WEBHOOK_PAYMENTS)
    answered: dict[str, float] = {}
    for order in orders:
        tick = time.monotonic()
        reply = merchant.create_upi_payment(order)
        assert reply.status == 201, reply.body
        answered[reply.body["id"]] = reply.finished_at
        time.sleep(max(0.0, WEBHOOK_INTERVAL_S - (time.monotonic() - tick)))

    def arrivals(event: str) -> dict[str, float]:
        return {e["payload"]["data"]["payment"]["id"]: e["at"] for e in receiver.events(event)}

    def all_arrived() -> bool:
        progress.set(len(arrivals("payment.success").keys() & answered.keys()))
        return answered.keys() <= arrivals("payment.success").keys()

    wait_for(all_arrived, 90, "every payment.success")
    success, created = arrivals("payment.success"), arrivals("payment.created")
    success_s = [success[payment] - at - BANK_DELAY_S for payment, at in answered.items()]
    created_s = [created[payment] - at for payment, at in answered.items() if payment in created]
    stats = summary_ms(success_s)
    progress.finish(f"success p50 {stats['p50']:.0f} ms after the bank delay")
    receiver.close()
    return (
        {
            "payment_success_minus_bank_delay": stats,
            "payment_created": summary_ms(created_s),
            "mode": f"one client, one payment every {int(WEBHOOK_INTERVAL_S * 1000)} ms, workers running",
            "test_processing_delay_ms": int(BANK_DELAY_S * 1000),
        },
        success_s,
    )


# ---------------------------------------------------------------------- the API over HTTP
def api_latency(stack: LiveStack) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """Concurrency 1, the workers running (their work competes with the API's, as under `make run`)."""
    api = Merchant.of(stack)
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
    return latency, samples


def closed_loop(stack: LiveStack, samples: dict[str, list[float]]) -> tuple[dict[str, Any], float]:
    """CLOSED_LOOP_CLIENTS clients, each creating an order then paying it, again and again, for a while;
    returns the payments' figures and the stack's peak resident memory meanwhile."""
    api = Merchant.of(stack)
    progress = Progress(f"closed loop: {CLOSED_LOOP_CLIENTS} clients, {CLOSED_LOOP_SECONDS:.0f} s", 0)
    stop_at = time.monotonic() + CLOSED_LOOP_SECONDS
    payments: list[Any] = []
    peak = [0.0]

    def client(_: int) -> None:
        while time.monotonic() < stop_at:
            order = api.call("POST", "/api/v1/orders", {"amount": 50000})
            reply = api.create_upi_payment(order.body["id"]) if order.status == 201 else order
            payments.append(reply)
            progress.add()

    def sample_memory() -> None:
        while time.monotonic() < stop_at:
            peak[0] = max(peak[0], stack_rss_mb(stack))
            time.sleep(0.5)

    began = time.perf_counter()
    with ThreadPoolExecutor(CLOSED_LOOP_CLIENTS + 1) as pool:
        pool.submit(sample_memory)
        list(pool.map(client, range(CLOSED_LOOP_CLIENTS)))
    wall = time.perf_counter() - began
    stats = summary_ms([reply.seconds for reply in payments])
    progress.finish(f"{len(payments) / wall:.0f} payments/s")
    samples["create_payment_c16"] = [reply.seconds for reply in payments]
    return {
        "create_payment_rps": round(len(payments) / wall, 1),
        "requests_rps": round(2 * len(payments) / wall, 1),
        "clients": CLOSED_LOOP_CLIENTS,
        "seconds": round(wall, 1),
        "payments": len(payments),
        "errors": sum(1 for reply in payments if reply.status != 201),
        "payment_latency_ms_p50": stats["p50"],
        "payment_latency_ms_p99": stats["p99"],
    }, round(peak[0], 1)


def stack_rss_mb(stack: LiveStack) -> float:
    """Resident memory of every process of the stack (its process group), from /proc."""
    group = stack.process_group()
    total_kb = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) != group:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        total_kb += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return round(total_kb / 1024, 1)


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
    # As deployed by default: without the test endpoints (and so without the counters only they read).
    runner = InProcess({**stack.environment, "TEST_ENDPOINTS": "false"})
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
