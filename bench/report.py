"""latest.md (each figure with how it was measured), a one-screen summary and the latency chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _pcts(stats: dict[str, Any], keys: tuple[str, ...] = ("p50", "p95", "p99")) -> str:
    return " / ".join(f"{stats[key]:.1f}" for key in keys)


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Generated {r['generated_at']} by `make bench` (`python -m bench`) on {r['machine']}, 2 cores, "
        f"in {r['bench_duration_s']:.0f} s. The local stack is moto's server plus the local runtime in one "
        "process, so absolute milliseconds are this emulator's (about 5-9 ms per DynamoDB call, 35 ms per "
        "transaction); the round-trip and call counts carry over to AWS, the milliseconds do not.",
        "",
        "## API latency (HTTP, concurrency 1)",
        "",
        "| endpoint | p50 ms | p95 ms | p99 ms | max ms | n |",
        "|---|---|---|---|---|---|",
    ]
    for name, stats in r["api_latency_ms"].items():
        lines.append(
            f"| {name} | {stats['p50']} | {stats['p95']} | {stats['p99']} | {stats['max']} | {stats['n']} |"
        )
    t = r["api_throughput_rps"]
    lines += [
        "",
        f"Measured: one client thread on a keep-alive connection sends {r['api_latency_ms']['create_order']['n']} "
        "requests per endpoint, after 20 warm-up orders and payments, against the stack with its workers stopped "
        "(on AWS they run elsewhere); time is from sending the request to reading the whole answer.",
        "",
        f"**api_throughput_rps**: {t['create_payment_rps']} create-payment requests/s at concurrency "
        f"{t['concurrency']} (p50 {t['latency_ms_p50']} ms, p99 {t['latency_ms_p99']} ms, {t['errors']} errors). "
        f"Measured: {t['requests']} payments for pre-created orders sent by {t['concurrency']} threads at once; "
        "requests divided by the wall time of the whole run. On this 2-core machine the emulator and the API "
        "share one Python process, so this is the local stack's ceiling, not Lambda's.",
        "",
        "## Own code per request (in process)",
        "",
        "| endpoint | own code p50 / p95 / p99 ms | waiting on AWS p50 ms | wall p50 ms | sequential AWS round trips |",
        "|---|---|---|---|---|",
    ]
    s = r["api_self_ms"]
    for name in ("create_order", "create_payment", "get_payment"):
        lines.append(
            f"| {name} | {_pcts(s[name]['self_ms'])} | {s[name]['aws_wait_ms']['p50']} | "
            f"{s[name]['wall_ms']['p50']} | {r['sequential_aws_round_trips'][name]} |"
        )
    lines += [
        "",
        "Measured: `functions.api.app` imported in the benchmark process against the same emulator, called "
        "as `app(event, context)` with API Gateway proxy events (`local_runtime.api_server.build_event`), "
        "200 requests each after 20 warm-ups; own code = wall time minus the union of the intervals between "
        "botocore's `before-call` and `after-call` hooks, registered on every client (boto3's and pynamodb's) "
        "by wrapping botocore's `Session.create_client`. Sequential round trips = AWS calls merged where they "
        "overlap in time (most common value over the 200 requests).",
        "",
        "## Pipeline",
        "",
    ]
    b, e = r["burst_settle_s"], r["e2e_webhook_ms"]
    lines += [
        f"**burst_settle_s**: {b['seconds']} s for {b['payments']} payments to have every `payment.success` "
        f"webhook accepted (creation itself took {b['creation_seconds']} s). Measured: orders made first, then "
        f"{b['payments']} payments sent by {b['clients']} threads at once (TEST_PROCESSING_DELAY=1000), from "
        "the first request to the last `payment.success` accepted by a signature-verifying receiver.",
        "",
        f"**e2e_webhook_ms**: p50 {e['p50']}, p95 {e['p95']}, max {e['max']} ms over {e['n']} payments. "
        f"Measured: {e['mode']}, TEST_PROCESSING_DELAY=0; from the moment the `POST /api/v1/payments` answer "
        "was read to the moment the receiver (same machine, same clock) accepted that payment's "
        "`payment.success`. This is the local pollers' latency (stream polling backs off to 1 s when idle).",
        "",
        "## Cold import (fresh interpreter, median of 5)",
        "",
        "| module | median ms | min | max |",
        "|---|---|---|---|",
    ]
    for name, stats in r["cold_import_ms"].items():
        lines.append(
            f"| {name} (`{stats['module']}`) | {stats['median_ms']} | {stats['min_ms']} | {stats['max_ms']} |"
        )
    lines += [
        "",
        "Measured: `python -X importtime -c 'import <module>'`, the module's cumulative time (interpreter "
        "start excluded), median of 5 runs; boto3 alone is the baseline.",
        "",
        "## AWS calls per payment (one UPI payment, three webhooks)",
        "",
    ]
    for path, label in (
        ("happy_path", "happy path"),
        ("every_webhook_retried_twice", "every webhook retried twice"),
    ):
        data = r["aws_calls_per_payment"][path]
        lines += [
            f"### {label}",
            "",
            "| function | invocations (records) | calls | RRU | WRU | handler ms |",
            "|---|---|---|---|---|---|",
        ]
        for name, f in data["per_function"].items():
            calls = ", ".join(f"{op} {n}" for op, n in f["calls"].items()) or "-"
            lines.append(
                f"| {name} | {f['invocations']} ({f['records']}) | {calls} | {f['read_request_units']} | "
                f"{f['write_request_units']} | {f['handler_ms_total']} |"
            )
        sfn = data["step_functions"]
        total = sum(data["totals"]["calls"].values())
        lines += [
            "",
            f"Total: {total} AWS API calls ({', '.join(f'{op} {n}' for op, n in data['totals']['calls'].items())}); "
            f"Step Functions: {sfn['executions']} executions, {sfn['states_entered']} states entered "
            f"({sfn['states_entered_per_execution'] and list(sfn['states_entered_per_execution'].values())} per execution).",
            "",
        ]
    lines += [
        "Measured: the handlers called in the benchmark process with Lambda-shaped events by "
        "`devkit/pipeline.py` (streams and queues pumped one batch at a time), every botocore call counted "
        "by operation and attributed to the function running; request units assume items under 1 KB, reads "
        "eventually consistent (0.5 RRU), transactions 2 WRU per item. States entered come from each "
        "execution's history (`StateEntered` events): Wait + Task + Choice per retry, plus the final Succeed. "
        "The harness's own calls (stream reads, receives, deletes) are not counted here; the cost model adds "
        "the event source mapping's SQS requests.",
        "",
        "## Cost per million payments (modeled)",
        "",
    ]
    c = r["cost_per_million_payments_usd"]
    lines += [
        "| path | total USD | " + " | ".join(c["happy_path"]["breakdown_usd"]) + " |",
        "|---|---|" + "---|" * len(c["happy_path"]["breakdown_usd"]),
    ]
    for path in ("happy_path", "every_webhook_retried_twice"):
        m = c[path]
        lines.append(
            f"| {path} | {m['usd_per_million_payments']} | "
            + " | ".join(str(v) for v in m["breakdown_usd"].values())
            + " |"
        )
    lines += [
        "",
        f"Modeled from the counts above and {c['prices_note']}: "
        + ", ".join(f"{k} ${v}" for k, v in c["prices"].items())
        + ". Assumptions: one Lambda invocation per stream record or SQS message (low traffic, the upper "
        "bound); Lambda duration = the handler wall time measured in process against the emulator, taken as "
        "what Lambda arm64 at the template's memory sizes (API 1024 MB, workers 512 MB) would bill; SQS adds "
        "one ReceiveMessage and one DeleteMessageBatch per consumed message (event source mapping, batches of "
        "one) and one SendMessage per Step Functions attempt; two API Gateway requests per payment (order and "
        "payment); DynamoDB Streams reads by Lambda are free; idle queue polling and storage are left out.",
        "",
        "## Front end",
        "",
        f"**checkout_js_gzip_bytes**: {r['checkout_js_gzip_bytes']} bytes (the SDK, `dist/checkout.js`); "
        f"the hosted checkout page's JavaScript: {r['checkout_page_js_gzip_bytes']['bytes']} bytes "
        f"({', '.join(r['checkout_page_js_gzip_bytes']['files'])}). Measured: gzip level 9 of the files "
        "`npm run build` wrote to checkout_widget/dist (the page's are its `<script src>`s, config.js excepted "
        "as it is generated per deployment).",
        "",
        "The latency chart is written to bench/results/latency.png (not committed).",
        "",
    ]
    return "\n".join(lines)


def summary(r: dict[str, Any]) -> str:
    lat, s = r["api_latency_ms"], r["api_self_ms"]
    c = r["cost_per_million_payments_usd"]
    lines = ["", "bench results"]
    for name in ("create_order", "create_payment", "get_payment"):
        lines.append(
            f"  {name:<15} HTTP p50/p95/p99 {_pcts(lat[name])} ms; own code p50 {s[name]['self_ms']['p50']} ms; "
            f"{r['sequential_aws_round_trips'][name]} sequential AWS round trips"
        )
    t = r["api_throughput_rps"]
    lines += [
        f"  throughput      {t['create_payment_rps']} create-payment req/s at c={t['concurrency']} (p50 {t['latency_ms_p50']}, p99 {t['latency_ms_p99']} ms)",
        f"  burst           {r['burst_settle_s']['seconds']} s for {r['burst_settle_s']['payments']} payments to settle and notify",
        f"  e2e webhook     p50 {r['e2e_webhook_ms']['p50']} / p95 {r['e2e_webhook_ms']['p95']} / max {r['e2e_webhook_ms']['max']} ms",
        "  cold import     " + ", ".join(f"{k} {v['median_ms']} ms" for k, v in r["cold_import_ms"].items()),
        f"  AWS calls       {sum(r['aws_calls_per_payment']['happy_path']['totals']['calls'].values())} per payment (happy), "
        f"{sum(r['aws_calls_per_payment']['every_webhook_retried_twice']['totals']['calls'].values())} (webhooks retried twice)",
        f"  cost            ${c['happy_path']['usd_per_million_payments']} per million payments (happy), "
        f"${c['every_webhook_retried_twice']['usd_per_million_payments']} (webhooks retried twice)",
        f"  checkout.js     {r['checkout_js_gzip_bytes']} B gzipped; checkout page JS {r['checkout_page_js_gzip_bytes']['bytes']} B",
    ]
    return "\n".join(lines)


def chart(samples: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    names = [
        n for n in ("create_order", "create_payment", "get_payment", "create_payment_c16") if n in samples
    ]
    left.boxplot(
        [[s * 1000 for s in samples[n]] for n in names],
        tick_labels=[n.replace("_", "\n") for n in names],
        whis=(1, 99),
        showfliers=False,
    )
    left.set_ylabel("ms")
    left.set_title("API latency over HTTP (whiskers p1-p99)")
    if "e2e_webhook" in samples:
        values = sorted(s * 1000 for s in samples["e2e_webhook"])
        right.plot(values, [(i + 1) / len(values) for i in range(len(values))], drawstyle="steps-post")
        right.set_xlabel("ms from payment response to payment.success received")
        right.set_ylabel("share of payments")
        right.set_title("End-to-end webhook latency (TEST_PROCESSING_DELAY=0)")
        right.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
