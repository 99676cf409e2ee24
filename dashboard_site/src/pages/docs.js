import { byTestId, el, wireCopyButton } from '../lib/dom.js';
import { DEDUPE_SNIPPET, exampleOutage, recoveryScript } from '../lib/playbook.js';
import { reportAndUse } from '../lib/failure.js';
import { startDashboardPage } from '../lib/shell.js';

const session = startDashboardPage();

/** A curl command, one flag per line, credentials only where the endpoint needs them. */
function curl({ method, path, auth = true, bearer = false, body, idempotent = false }, ctx) {
  const lines = [`curl -X ${method} ${ctx.apiUrl}${path}`];
  if (auth) lines.push(`  -H "X-Api-Key: ${ctx.apiKey}"`, `  -H "X-Api-Secret: ${ctx.apiSecret}"`);
  if (bearer) lines.push('  -H "Authorization: Bearer $SESSION_TOKEN"');
  // true: a fresh key per run; a string: a fixed key, to show what a retry resends.
  if (idempotent) lines.push(`  -H "Idempotency-Key: ${idempotent === true ? '$(uuidgen)' : idempotent}"`);
  if (body !== undefined) {
    lines.push('  -H "Content-Type: application/json"');
    lines.push(`  -d '${JSON.stringify(body)}'`);
  }
  return lines.join(' \\\n');
}

const ORDER_ID = 'order_NXhj67fGH2jk9mPq';
const PAYMENT_ID = 'pay_H8sK3jD9s2L1pQr4';
const REFUND_ID = 'rfnd_K9mNpQrStUvWxYz1';
const WEBHOOK_LOG_ID = '3f1c2b8e-9a4d-4c1e-8f2a-6b7d5e4c3a21';
const EVENT_ID = 'evt_Q2w3E4r5T6y7U8i9';
const RECOVERY_ID = 'rcv_A1s2D3f4G5h6J7k8';
const PAYMENT_LINK_ID = 'plink_Kx9mP2qR7sT4vW1y';

// Every endpoint of the public API, in the order a merchant meets them.
const ENDPOINT_GROUPS = [
  {
    title: 'Orders',
    endpoints: [
      {
        method: 'POST',
        path: '/api/v1/orders',
        idempotent: true,
        summary: 'Create an order (amount in paise, at least 100).',
        body: { amount: 50000, currency: 'INR', receipt: 'receipt_123', notes: { customer: 'Asha' } },
      },
      { method: 'GET', path: `/api/v1/orders/${ORDER_ID}`, summary: 'Fetch one of your orders.' },
      {
        method: 'GET',
        path: '/api/v1/orders?limit=20&status=paid',
        summary:
          'List your orders, newest first (status: created, attempted, paid); page with starting_after=<last id>.',
      },
      { method: 'GET', path: `/api/v1/orders/${ORDER_ID}/payments`, summary: 'The payments made on an order.' },
      {
        method: 'GET',
        path: `/api/v1/orders/${ORDER_ID}/public`,
        auth: false,
        summary: 'Public order summary used by the checkout.',
      },
    ],
  },
  {
    title: 'Payments',
    endpoints: [
      {
        method: 'POST',
        path: '/api/v1/payments',
        idempotent: true,
        label: 'UPI',
        summary:
          "Create a UPI payment for an order; it starts as pending. email and contact (the customer's) are optional.",
        body: {
          order_id: ORDER_ID,
          method: 'upi',
          vpa: 'user@paytm',
          email: 'asha@example.com',
          contact: '+919876543210',
        },
      },
      {
        method: 'POST',
        path: '/api/v1/payments',
        idempotent: true,
        label: 'card',
        summary: 'Create a card payment (the card number and CVV are never stored).',
        body: {
          order_id: ORDER_ID,
          method: 'card',
          card: {
            number: '4111111111111111',
            expiry_month: '12',
            expiry_year: '2030',
            cvv: '123',
            holder_name: 'Asha Rao',
          },
        },
      },
      { method: 'GET', path: `/api/v1/payments/${PAYMENT_ID}`, summary: 'Fetch a payment and its status.' },
      {
        method: 'GET',
        path: '/api/v1/payments?limit=20&offset=0',
        summary: "List your payments, newest first, each with its order's status (order_status).",
      },
      {
        method: 'GET',
        path: '/api/v1/payments?from=2026-01-15T00:00:00Z&to=2026-01-15T23:59:59.999Z',
        label: 'time range',
        summary: 'Only the payments created between two ISO-8601 times, both included (as the events list).',
      },
      {
        method: 'GET',
        path: '/api/v1/payments?email=asha%40example.com',
        label: 'search',
        summary: "Find payments by the customer's email, contact (phone) or the card's last four (card_last4=1111).",
      },
      {
        method: 'GET',
        path: '/api/v1/payments/stats?days=30',
        summary:
          'Totals: transactions, success rate, amounts collected, captured, refunded and net (in the currency ' +
          'you take most; each currency in by_currency); with days, volume and success rate per day.',
      },
      {
        method: 'POST',
        path: `/api/v1/payments/${PAYMENT_ID}/capture`,
        idempotent: true,
        summary: 'Capture a successful payment: takes amount - amount_refunded. An amount, if sent, must equal that.',
        body: { amount: 50000 },
      },
      {
        method: 'POST',
        path: '/api/v1/payments/public',
        auth: false,
        summary: 'Create a payment from the browser checkout (no credentials; the order decides the merchant).',
        body: { order_id: ORDER_ID, method: 'upi', vpa: 'user@paytm' },
      },
      {
        method: 'GET',
        path: `/api/v1/payments/${PAYMENT_ID}/public`,
        auth: false,
        summary: 'Public payment status used by the checkout.',
      },
    ],
  },
  {
    title: 'Payment links',
    endpoints: [
      {
        method: 'POST',
        path: '/api/v1/payment_links',
        idempotent: true,
        summary:
          'Create a link to send a customer; it makes its own order. After paying, the customer returns to return_url with payment_id, order_id, payment_link_id and signature.',
        body: {
          amount: 50000,
          description: 'Masala Chai Gift Box',
          return_url: 'https://shop.example/thank-you',
          expire_by: '2026-12-31T18:30:00Z',
        },
      },
      {
        method: 'GET',
        path: '/api/v1/payment_links?limit=20',
        summary: 'Your links, newest first (starting_after=<id> for the next page).',
      },
      { method: 'GET', path: `/api/v1/payment_links/${PAYMENT_LINK_ID}`, summary: 'Fetch one of your links.' },
      {
        method: 'POST',
        path: `/api/v1/payment_links/${PAYMENT_LINK_ID}/cancel`,
        summary: 'Cancel an open link; it takes no more payments.',
      },
      {
        method: 'GET',
        path: `/api/v1/payment_links/${PAYMENT_LINK_ID}/public`,
        auth: false,
        summary: 'Public link summary used by the hosted /pay page.',
      },
    ],
  },
  {
    title: 'Refunds',
    endpoints: [
      {
        method: 'POST',
        path: `/api/v1/payments/${PAYMENT_ID}/refunds`,
        idempotent: true,
        summary: 'Refund part or all of a successful payment.',
        body: { amount: 10000, reason: 'Customer requested refund' },
      },
      { method: 'GET', path: `/api/v1/payments/${PAYMENT_ID}/refunds`, summary: 'List the refunds of a payment.' },
      {
        method: 'GET',
        path: `/api/v1/refunds?limit=20&payment_id=${PAYMENT_ID}`,
        summary: "List your refunds, newest first (all, or one payment's); page with starting_after=<last id>.",
      },
      { method: 'GET', path: `/api/v1/refunds/${REFUND_ID}`, summary: 'Fetch a refund.' },
    ],
  },
  {
    title: 'Webhooks',
    endpoints: [
      { method: 'GET', path: '/api/v1/webhooks/config', summary: 'Your webhook URL and signing secret.' },
      {
        method: 'PUT',
        path: '/api/v1/webhooks/config',
        summary: 'Set the webhook URL (empty string turns webhooks off).',
        body: { webhook_url: 'https://example.com/webhooks/payments' },
      },
      { method: 'POST', path: '/api/v1/webhooks/regenerate-secret', summary: 'Replace the signing secret.' },
      { method: 'POST', path: '/api/v1/webhooks/test', summary: 'Send a webhook.test event to your URL.' },
      { method: 'GET', path: '/api/v1/webhooks?limit=10&offset=0', summary: 'Delivery logs, newest first.' },
      {
        method: 'GET',
        path: `/api/v1/webhooks/${WEBHOOK_LOG_ID}`,
        summary: 'One delivery with the exact payload and the response.',
      },
      {
        method: 'POST',
        path: `/api/v1/webhooks/${WEBHOOK_LOG_ID}/retry`,
        summary: 'Deliver again (fresh set of 5 attempts).',
      },
      {
        method: 'GET',
        path: '/api/v1/webhooks/pipeline',
        summary: 'Your deliveries by state: queued, in flight, failed, dead-lettered.',
      },
    ],
  },
  {
    title: 'Events and recovery',
    endpoints: [
      {
        method: 'GET',
        path: '/api/v1/events?limit=20&type=payment.success&delivery_status=failed',
        summary: 'Every event of the last 30 days, newest first; page with starting_after=<last id>.',
      },
      {
        method: 'GET',
        path: `/api/v1/events?payment_id=${PAYMENT_ID}`,
        label: 'one payment',
        summary: "A payment's events, its refunds' and the order.paid it caused, newest first.",
      },
      {
        method: 'GET',
        path: `/api/v1/events/${EVENT_ID}`,
        summary: 'One event with every delivery and every attempt.',
      },
      {
        method: 'GET',
        path: `/api/v1/payments/${PAYMENT_ID}/events`,
        summary: "A payment's events (its refunds' and the order it paid too), oldest first, with their deliveries.",
      },
      {
        method: 'POST',
        path: '/api/v1/webhooks/recover',
        summary: 'Send again every event of a time range whose delivery failed or never happened.',
        body: { since: '2026-01-15T02:00:00Z', until: '2026-01-15T04:00:00Z' },
      },
      {
        method: 'GET',
        path: `/api/v1/webhooks/recover/${RECOVERY_ID}`,
        summary: "A recovery's progress: events in range and how many were sent.",
      },
    ],
  },
  {
    title: 'Account and health',
    endpoints: [
      {
        method: 'POST',
        path: '/api/v1/auth/login',
        auth: false,
        summary: 'Dashboard login: a session token (12 hours) for Authorization: Bearer, and who you are.',
        body: { email: 'you@business.com', password: '••••••••' },
      },
      {
        method: 'POST',
        path: '/api/v1/auth/logout',
        auth: false,
        bearer: true,
        summary: 'End the dashboard session the request carries.',
      },
      {
        method: 'POST',
        path: '/api/v1/auth/set-password',
        auth: false,
        summary: 'Set your dashboard password with the token of a one-time link (24 hours).',
        body: { token: 'pwt_…', password: '••••••••••' },
      },
      { method: 'GET', path: '/api/v1/account', summary: 'Your account and current key pair.' },
      {
        method: 'GET',
        path: '/api/v1/account/keys',
        summary: 'Your key pairs that still work, with created, expires and last used (secrets masked).',
      },
      {
        method: 'POST',
        path: '/api/v1/account/keys/roll',
        summary: 'A new key pair; the previous one keeps working for 0-168 hours.',
        body: { expire_previous_in_hours: 24 },
      },
      {
        method: 'POST',
        path: '/api/v1/account/password',
        summary: 'Change your dashboard password (at least 10 characters); your other sessions end.',
        body: { current_password: '••••••••••', new_password: '••••••••••' },
      },
      { method: 'GET', path: '/health', auth: false, summary: 'Service and database health.' },
      { method: 'GET', path: '/api/v1/openapi.json', auth: false, summary: 'The OpenAPI 3 document of this API.' },
      {
        method: 'GET',
        path: '/api/v1/test/merchant',
        auth: false,
        summary: 'Test mode only: the seeded test merchant.',
      },
      {
        method: 'GET',
        path: '/api/v1/test/jobs/status',
        auth: false,
        summary: 'Test mode only: queue and worker status.',
      },
    ],
  },
];

/** The toolkit's examples, pointed at this deployment with the merchant's own key. */
function showToolkit(ctx) {
  const environment = `export GATEWAY_BASE_URL=${ctx.apiUrl}
export GATEWAY_API_KEY=${ctx.apiKey}
export GATEWAY_API_SECRET=<your API secret>`;
  byTestId('code-snippet-toolkit-first-call').textContent = `from gateway_client import Client

client = Client("${ctx.apiKey}", "<your API secret>", base_url="${ctx.apiUrl}")
order = client.orders.create(amount=50000, receipt="order-1")  # ₹500.00, in paise
payment = client.payments.create(order.id, "upi", vpa="success@upi", email="asha@example.com")
print(client.payments.wait_until_final(payment.id).status)     # success
for order in client.orders.list(status="paid", limit=5):        # a page: .data and .has_more
    print(order.id, order.amount)`;
  byTestId('code-snippet-toolkit-listen').textContent = `${environment}
gateway listen --forward-to http://localhost:5000/webhook`;
  byTestId('code-snippet-toolkit-trigger').textContent = `gateway trigger payment.captured
gateway trigger refund.processed --amount 10000`;
  byTestId('code-snippet-toolkit-events').textContent = `gateway events list --type payment.success --limit 5
gateway events get evt_...      # the event, its deliveries and every attempt
gateway events resend evt_...   # delivers it again`;
  byTestId('code-snippet-toolkit-recover').textContent = 'gateway recover --since 2026-01-15T02:00:00Z';
}

function sdkSnippet(ctx) {
  return `<button id="pay-button">Pay ₹500.00</button>

<script src="${ctx.checkoutUrl}/checkout.js"></script>
<script>
  document.getElementById('pay-button').addEventListener('click', () => {
    const checkout = new PaymentGateway({
      key: '${ctx.apiKey}',
      orderId: 'order_NXhj67fGH2jk9mPq', // created on your server (step 1)
      onSuccess: async ({ paymentId, orderId, signature }) => {
        // Your server checks the signature with your API secret (step 3) before fulfilling.
        const response = await fetch('/payment-complete', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ paymentId, orderId, signature }),
        });
        if (response.ok) window.location.href = '/thank-you?order_id=' + orderId;
      },
      onFailure: (error) => console.warn('Payment failed', error),
      onClose: () => console.log('Checkout closed'),
    });
    checkout.open();
  });
</script>`;
}

function renderEndpoint(endpoint, ctx) {
  const signature = `${endpoint.method} ${endpoint.path.split('?')[0]}`;
  return el(
    'article',
    { className: 'endpoint', testId: 'endpoint', dataset: { endpoint: signature } },
    el(
      'header',
      { className: 'endpoint-head' },
      el('span', { className: `method method-${endpoint.method.toLowerCase()}` }, endpoint.method),
      el('code', { className: 'endpoint-path' }, endpoint.path.split('?')[0]),
      endpoint.label ? el('span', { className: 'tag' }, endpoint.label) : null,
      endpoint.auth === false && !endpoint.bearer ? el('span', { className: 'tag tag-muted' }, 'public') : null,
      endpoint.bearer ? el('span', { className: 'tag tag-muted' }, 'session') : null,
    ),
    el('p', { className: 'muted' }, endpoint.summary),
    el('pre', { className: 'code' }, el('code', { testId: 'code-snippet-endpoint' }, curl(endpoint, ctx))),
  );
}

// Each code block gets a slim bar with a copy button above it, so the button never covers code.
function addCopyButtons() {
  for (const pre of document.querySelectorAll('pre.code')) {
    const button = el('button', { className: 'btn btn-ghost btn-sm copy-code', type: 'button' }, 'Copy');
    wireCopyButton(button, () => pre.querySelector('code').textContent);
    const frame = el('div', { className: 'code-frame' }, el('div', { className: 'code-bar' }, button));
    pre.replaceWith(frame);
    frame.append(pre);
  }
}

// The examples carry the merchant's own key pair, asked for with the session (the browser keeps no secret);
// placeholders (and the page says why) if it cannot be read.
async function renderDocs({ api, config }) {
  const account = await api.get('/api/v1/account').catch(reportAndUse(null));
  const ctx = {
    apiUrl: config.apiUrl,
    checkoutUrl: config.checkoutUrl,
    apiKey: account?.api_key ?? '$GATEWAY_API_KEY',
    apiSecret: account?.api_secret ?? '$GATEWAY_API_SECRET',
  };
  byTestId('docs-api-url').textContent = ctx.apiUrl;
  const openapi = byTestId('openapi-link');
  openapi.href = `${ctx.apiUrl}/api/v1/openapi.json`;
  openapi.textContent = 'OpenAPI document';
  showToolkit(ctx);
  byTestId('code-snippet-auth').textContent = curl({ method: 'GET', path: '/api/v1/payments/stats' }, ctx);
  byTestId('code-snippet-create-order').textContent = curl(ENDPOINT_GROUPS[0].endpoints[0], ctx);
  byTestId('code-snippet-sdk').textContent = sdkSnippet(ctx);
  byTestId('code-snippet-idempotency').textContent = curl(
    {
      method: 'POST',
      path: `/api/v1/payments/${PAYMENT_ID}/refunds`,
      body: { amount: 10000, reason: 'Customer requested refund' },
      idempotent: '8e0f6f0a-3c4b-4f7e-9d52-5a1b2c3d4e5f',
    },
    ctx,
  );
  byTestId('code-snippet-recovery').textContent = recoveryScript(ctx, exampleOutage());
  byTestId('code-snippet-dedupe').textContent = DEDUPE_SNIPPET;
  byTestId('endpoint-list').replaceChildren(
    ...ENDPOINT_GROUPS.map((group) =>
      el(
        'div',
        { className: 'endpoint-group' },
        el('h3', {}, group.title),
        group.endpoints.map((endpoint) => renderEndpoint(endpoint, ctx)),
      ),
    ),
  );
  addCopyButtons();
}

if (session) renderDocs(session);
