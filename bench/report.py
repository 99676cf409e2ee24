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
        f"in {r['bench_duration_s']:.0f} s, against `make run`'s local stack with its workers running; the "
        "round-trip and call counts carry over to AWS, the milliseconds are this emulator's.",
        "",
        "## API latency (HTTP, concurrency 1, workers running)",
        "",
        "| endpoint | p50 ms | p95 ms | p99 ms | max ms | n |",
        "|---|---|---|---|---|---|",
    ]
    for name, stats in r["api_latency_ms"].items():
        lines.append(
            f"| {name} | {stats['p50']} | {stats['p95']} | {stats['p99']} | {stats['max']} | {stats['n']} |"
        )
    t, m = r["closed_loop"], r["memory_mb"]
    lines += [
        "",
        f"Measured: one client thread on a keep-alive connection sends {r['api_latency_ms']['create_order']['n']} "
        "requests per endpoint, after 20 warm-up orders and payments, with the workers running and settling "
        "what it creates; time is from sending the request to reading the whole answer.",
        "",
        f"**closed_loop**: {t['create_payment_rps']} payments/s ({t['requests_rps']} requests/s) from "
        f"{t['clients']} clients over {t['seconds']} s, {t['errors']} errors; payment p50 "
        f"{t['payment_latency_ms_p50']} ms, p99 {t['payment_latency_ms_p99']} ms. Measured: each client creates "
        "an order then pays it, again and again, with no pause (closed loop), the workers running.",
        "",
        f"**memory_mb**: {m['idle']} MB idle (after start), {m['under_load']} MB at the peak of the closed "
        "loop. Measured: the sum of VmRSS over the stack's process group, from /proc, every 0.5 s.",
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
    b, w = r["burst_settle_s"], r["webhook_ms"]
    success, created = w["payment_success_minus_bank_delay"], w["payment_created"]
    lines += [
        f"**burst_settle_s**: {b['seconds']} s for {b['payments']} payments to have every `payment.success` "
        f"webhook accepted (creation itself took {b['creation_seconds']} s). Measured: orders made first, then "
        f"{b['payments']} payments sent by {b['clients']} threads at once (TEST_PROCESSING_DELAY=1000), from "
        "the first request to the last `payment.success` accepted by a signature-verifying receiver.",
        "",
        f"**webhook_ms**: `payment.success` p50 {success['p50']}, p95 {success['p95']}, max {success['max']} ms "
        f"after the bank delay; `payment.created` p50 {created['p50']}, p95 {created['p95']} ms, over "
        f"{success['n']} payments. Measured: {w['mode']}, TEST_PROCESSING_DELAY={w['test_processing_delay_ms']}; "
        "from the moment the `POST /api/v1/payments` answer was read to the moment the receiver (same machine, "
        "same clock) accepted the webhook, minus the bank delay for `payment.success`.",
        "",
        "**On AWS (modeled, not measured)**: a webhook's first attempt is one stream hop and one queue hop "
        "from the write that raised it (payments table stream -> dispatcher -> webhooks queue -> delivery; "
        "the webhook-logs stream is filtered to rounds an API request starts). Lambda polls each DynamoDB "
        "stream shard 4 times a second (up to 250 ms, 125 ms on average, before the dispatcher runs) and its "
        "SQS event source mapping long-polls, so a visible message is picked up at once; `payment.created` "
        "is about 125-250 ms of polling plus the two handlers and the merchant's answer, and `payment.success` "
        "the same after the bank delay (the job's `DelaySeconds`).",
        "",
        "## SQS calls with a long queue",
        "",
        "| messages queued | SendMessage p50 / p95 / p99 ms | ReceiveMessage p50 / p95 / p99 ms |",
        "|---|---|---|",
        *(
            f"| {row['queued']} | {_pcts(row['send_message_ms'])} | {_pcts(row['receive_message_ms'])} |"
            for row in r["sqs_queue_depth"]["depths"]
        ),
        "",
        f"p50 with the queue full over empty: SendMessage {r['sqs_queue_depth']['p50_ratio_full_to_empty']['send_message_ms']}x, "
        f"ReceiveMessage {r['sqs_queue_depth']['p50_ratio_full_to_empty']['receive_message_ms']}x. Measured: "
        "`bench/queues.py` in a fresh interpreter, moto in process as the local runtime runs it (patched by "
        "`local_runtime/moto_fixes.py`, calls answered at botocore's `before-call` hook); the queued messages "
        f"are delayed 900 s so they stay queued, and {r['sqs_queue_depth']['calls']} measured messages are each "
        "sent, received and deleted.",
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
        "what Lambda arm64 at the template's memory sizes (API 1024 MB, workers 512 MB) would bill; deployed "
        "as by default, without the test endpoints (and so without the job counters only they read); SQS adds "
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
    t, w, m = r["closed_loop"], r["webhook_ms"], r["memory_mb"]
    success = w["payment_success_minus_bank_delay"]
    lines += [
        f"  closed loop     {t['create_payment_rps']} payments/s, {t['requests_rps']} req/s at c={t['clients']} ({t['errors']} errors; payment p50 {t['payment_latency_ms_p50']}, p99 {t['payment_latency_ms_p99']} ms)",
        f"  burst           {r['burst_settle_s']['seconds']} s for {r['burst_settle_s']['payments']} payments to settle and notify",
        f"  webhooks        payment.success p50 {success['p50']} / p95 {success['p95']} ms after the bank delay; payment.created p50 {w['payment_created']['p50']} ms",
        f"  memory          {m['idle']} MB idle, {m['under_load']} MB under load",
        "  SQS depth       p50 with 3,000 queued over empty: "
        + ", ".join(
            f"{k.split('_ms')[0]} {v}x" for k, v in r["sqs_queue_depth"]["p50_ratio_full_to_empty"].items()
        ),
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
    if "webhook_success" in samples:
        values = sorted(s * 1000 for s in samples["webhook_success"])
        right.plot(values, [(i + 1) / len(values) for i in range(len(values))], drawstyle="steps-post")
        right.set_xlabel("ms from payment response to payment.success received, minus the bank delay")
        right.set_ylabel("share of payments")
        right.set_title("payment.success webhook latency (workers running)")
        right.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
