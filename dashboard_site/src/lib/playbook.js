// The docs page's recovery playbook ("my endpoint was down from 02:00 to 04:00"): a bash script that
// finds the events a merchant missed, recovers them and watches the recovery, ready to paste with the
// merchant's own credentials. Pure functions, checked by node's test runner.

/**
 * The latest 02:00-04:00 UTC window that has ended by `now`: the example outage, recent enough for the
 * 30-day retention, so the script runs as pasted.
 */
export function exampleOutage(now = new Date()) {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (now.getTime() < day.getTime() + 4 * 3600_000) day.setUTCDate(day.getUTCDate() - 1);
  const date = day.toISOString().slice(0, 10);
  return { since: `${date}T02:00:00Z`, until: `${date}T04:00:00Z` };
}

/** The playbook as one script; every `#>` line shows what the step above it prints. */
export function recoveryScript({ apiUrl, apiKey, apiSecret }, { since, until }) {
  return `API=${apiUrl}
AUTH=(-H 'X-Api-Key: ${apiKey}' -H 'X-Api-Secret: ${apiSecret}' -H 'Content-Type: application/json')
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# The outage in UTC (ISO-8601): change both to yours. It may reach back 30 days.
SINCE=${since}
UNTIL=${until}

# 1. What you missed: the events of the outage whose delivery failed, newest first (100 at most;
#    for more, add starting_after=<the last id>). delivery_status=none lists those never sent.
curl -s -G "$API/api/v1/events" "\${AUTH[@]}" --data-urlencode "delivery_status=failed" \\
  --data-urlencode "from=$SINCE" --data-urlencode "to=$UNTIL" --data-urlencode "limit=100" \\
  | python3 -c 'import json, sys; [print(e["id"], e["type"], e["created_at"]) for e in json.load(sys.stdin)["data"]]'
#> evt_Q2w3E4r5T6y7U8i9 payment.success ${since.slice(0, 11)}02:14:09.512Z

# 2. Once your endpoint answers again: send every event of the outage whose delivery failed or
#    never happened to your current webhook URL. Delivered events are not sent again.
RECOVERY=$(curl -s -X POST "$API/api/v1/webhooks/recover" "\${AUTH[@]}" \\
  -d "{\\"since\\": \\"$SINCE\\", \\"until\\": \\"$UNTIL\\"}")
echo "$RECOVERY"
#> {"id":"rcv_A1s2D3f4G5h6J7k8","status":"running","since":"${since}","until":"${until}","events":3}
RECOVERY_ID=$(echo "$RECOVERY" | field id)

# 3. Watch it until every event has been sent again
for attempt in $(seq 60); do
  PROGRESS=$(curl -s "$API/api/v1/webhooks/recover/$RECOVERY_ID" "\${AUTH[@]}")
  [ "$(echo "$PROGRESS" | field status)" = completed ] && break
  sleep 2
done
echo "$PROGRESS"
#> {"id":"rcv_A1s2D3f4G5h6J7k8","status":"completed","since":"${since}","until":"${until}","events":3,"sent":3}`;
}

/** The receiver's side: one event handled once, however often it arrives. */
export const DEDUPE_SNIPPET = `# Flask, with verify_webhook.py from above. webhook-id is the event id (evt_...): the same on every
# retry, resend and recovery of one event, so it tells a duplicate from a new event.
@app.post("/webhook")
def webhook():
    if not verify_webhook(request.get_data(), request.headers, WEBHOOK_SECRETS):
        return "Invalid signature", 401
    event_id = request.headers["webhook-id"]
    with db.transaction():
        # A unique key on event_id: a second delivery of the same event inserts nothing.
        inserted = db.execute(
            "INSERT INTO processed_events (event_id) VALUES (%s) ON CONFLICT DO NOTHING", [event_id]
        ).rowcount
        if inserted:
            fulfil(request.get_json())  # ship the order, send the receipt: once per event
    return "OK", 200  # acknowledge a duplicate too, or it is retried`;
