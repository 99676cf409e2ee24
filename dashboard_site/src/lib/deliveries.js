// Words for webhook deliveries: where a retry stands, what a network failure means, and which retry
// schedule the gateway runs. Pure functions, checked by node's test runner.

export const MAX_ATTEMPTS = 5;

// The delivery worker records a failed request as "Request failed: <urllib3 exception name>".
const NETWORK_ERRORS = [
  [/NameResolutionError|getaddrinfo|Name or service not known/i, 'host name not found'],
  [/ConnectTimeout|ReadTimeout|TimeoutError|timed out/i, 'no answer within 5 s (timed out)'],
  [/SSLError|CERTIFICATE/i, 'TLS handshake failed (certificate problem)'],
  [/NewConnectionError|ConnectionRefused|refused/i, 'connection refused'],
  [/ProtocolError|RemoteDisconnected|ConnectionReset/i, 'connection dropped before an answer'],
  [/MaxRetryError|Request failed/i, 'could not connect'],
];

/** The Webhooks page with one delivery's detail open. */
export function deliveryDetailUrl(webhookId) {
  return `/dashboard/webhooks?delivery=${encodeURIComponent(webhookId)}`;
}

/** A plain-words reason for a delivery that got no HTTP answer; null when it got one. */
export function describeNetworkError(responseCode, responseBody) {
  if (responseCode !== null && responseCode !== undefined) return null;
  const text = String(responseBody ?? '');
  if (!text) return null;
  for (const [pattern, words] of NETWORK_ERRORS) if (pattern.test(text)) return words;
  return 'no HTTP answer';
}

/** "HTTP 503", "No answer: connection refused", or `unanswered` for an attempt not made yet. */
export function attemptResult(responseCode, responseBody, unanswered = '-') {
  const networkError = describeNetworkError(responseCode, responseBody);
  if (networkError) return `No answer: ${networkError}`;
  return responseCode === null || responseCode === undefined ? unanswered : `HTTP ${responseCode}`;
}

function clock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "Retrying - attempt 2 of 5 at 14:05:10" for a pending delivery that failed before; null otherwise. */
export function retryNote(log) {
  const attempts = Number(log.attempts ?? 0);
  if (log.status !== 'pending' || attempts < 1 || !log.next_retry_at) return null;
  return `Retrying - attempt ${attempts + 1} of ${MAX_ATTEMPTS} at ${clock(log.next_retry_at)}`;
}

/**
 * The retry schedule the gateway runs, read off a delivery that waits for its second attempt:
 * test intervals (5, 10, 15, 20 s) wait seconds, production ones (1 min to 2 h) a minute or more.
 * null when no delivery shows it.
 */
export function observedRetryMode(logs) {
  for (const log of logs) {
    if (log.status !== 'pending' || Number(log.attempts) !== 1 || !log.next_retry_at || !log.last_attempt_at) continue;
    const gap = (new Date(log.next_retry_at) - new Date(log.last_attempt_at)) / 1000;
    if (Number.isFinite(gap)) return gap < 50 ? 'test' : 'production';
  }
  return null;
}

export const RETRY_WINDOW_TEXT = {
  test: 'Failed deliveries are retried 4 times, 5, 10, 15 and 20 s apart (test intervals): about a minute in all.',
  production: 'Failed deliveries are retried 4 times, after 1 min, 5 min, 30 min and 2 h: about 2.5 hours in all.',
  unknown: 'Failed deliveries are retried up to 4 more times, each wait longer than the last.',
};

/** The headers a delivery carries (docs/behaviour.md, "Webhooks"), with the signatures masked. */
export function sentHeaders(payload) {
  let timestamp = '';
  try {
    timestamp = String(JSON.parse(payload).timestamp ?? '');
  } catch {
    timestamp = '';
  }
  return [
    ['Content-Type', 'application/json'],
    ['X-Webhook-Signature', '•••• (HMAC-SHA256 of the body, hex)'],
    ['webhook-id', '(the event id)'],
    ['webhook-timestamp', timestamp || '(Unix seconds)'],
    ['webhook-signature', 'v1,•••• (masked)'],
  ];
}

const MASKED = '•••• (masked)';
// The API already replaces signature values; anything that could sign or authenticate stays masked here too.
const SECRET_HEADER = /signature|secret|authorization/i;

/**
 * The headers of an attempt as shown to the merchant, secrets masked; before the first attempt, the
 * headers every delivery carries.
 */
export function displayedHeaders(sent, payload) {
  const entries = Object.entries(sent ?? {});
  if (!entries.length) return sentHeaders(payload);
  return entries.map(([name, value]) => [name, SECRET_HEADER.test(name) ? MASKED : String(value)]);
}

/**
 * What the overview's pipeline panel says about the counts of GET /api/v1/webhooks/pipeline:
 * {tone: 'good' | 'warn' | 'bad', text}. Failures come first: they are what a merchant must act on.
 */
export function pipelineHealth(counts) {
  const count = (name) => Number(counts?.[name] ?? 0);
  const deliveries = (n) => `${n} ${n === 1 ? 'delivery' : 'deliveries'}`;
  if (count('dead_lettered') > 0) {
    return {
      tone: 'bad',
      text: `${deliveries(count('dead_lettered'))} overdue: the gateway's sweep sends them again.`,
    };
  }
  if (count('failed') > 0) {
    return {
      tone: 'bad',
      text: `${deliveries(count('failed'))} failed and will not be retried. Fix your endpoint, then recover them from Events.`,
    };
  }
  if (count('in_flight') > 0) {
    return {
      tone: 'warn',
      text: `${deliveries(count('in_flight'))} being retried: your endpoint did not accept the first attempt.`,
    };
  }
  if (count('queued') > 0) return { tone: 'good', text: `${deliveries(count('queued'))} on the way.` };
  return { tone: 'good', text: 'Nothing waiting: every delivery so far was accepted.' };
}

/** The payload indented for reading; the exact bytes stay available for signature checks. */
export function prettyPayload(payload) {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return String(payload ?? '');
  }
}
