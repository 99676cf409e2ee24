import { formatAmount } from '../../../web_shared/money.js';
import { pipelineHealth } from '../lib/deliveries.js';
import { byTestId, el, wireCopyButton, withBusyButton } from '../lib/dom.js';
import { formatSuccessRate } from '../lib/money.js';
import { refundedAmount } from '../lib/payments.js';
import { createPoller } from '../lib/poller.js';
import { showError, startDashboardPage } from '../lib/shell.js';
import { formatDateTime } from '../lib/time.js';

const session = startDashboardPage();

async function loadStats() {
  const container = byTestId('stats-container');
  container.setAttribute('aria-busy', 'true');
  try {
    const stats = await session.api.get('/api/v1/payments/stats');
    byTestId('total-transactions').textContent = Number(stats.total_transactions ?? 0).toLocaleString('en-IN');
    byTestId('total-amount').textContent = formatAmount(stats.total_amount ?? 0);
    byTestId('success-rate').textContent = formatSuccessRate(stats);
    showError('stats-error', null);
  } catch (error) {
    showError('stats-error', error);
  } finally {
    container.setAttribute('aria-busy', 'false');
  }
}

// The breakdown reads the latest payments and their refunds; the stats endpoint has no split.
const BREAKDOWN_WINDOW = 100;

async function loadBreakdown() {
  const container = byTestId('money-breakdown');
  container.setAttribute('aria-busy', 'true');
  try {
    const payments = await session.api.get(`/api/v1/payments?limit=${BREAKDOWN_WINDOW}`);
    const succeeded = payments.filter((payment) => payment.status === 'success');
    const refundLists = await Promise.all(
      succeeded.map((payment) => session.api.get(`/api/v1/payments/${encodeURIComponent(payment.id)}/refunds`)),
    );
    const sum = (list) => list.reduce((total, amount) => total + amount, 0);
    const authorized = sum(succeeded.filter((payment) => !payment.captured).map((payment) => payment.amount));
    const captured = sum(succeeded.filter((payment) => payment.captured).map((payment) => payment.amount));
    const refunded = sum(refundLists.map(refundedAmount));
    byTestId('authorized-amount').textContent = formatAmount(authorized);
    byTestId('captured-amount').textContent = formatAmount(captured);
    byTestId('refunded-amount').textContent = formatAmount(refunded);
    byTestId('net-amount').textContent = formatAmount(captured - refunded);
    byTestId('net-amount-hint').textContent =
      payments.length >= BREAKDOWN_WINDOW
        ? `Captured minus refunded, latest ${BREAKDOWN_WINDOW} payments`
        : 'Captured minus refunded';
  } catch (error) {
    showError('stats-error', error);
  } finally {
    container.setAttribute('aria-busy', 'false');
  }
}

// The pipeline panel follows deliveries while some are on their way (test-mode retries are seconds apart).
const PIPELINE_POLL_MS = 5000;
const PIPELINE_COUNTS = {
  queued: 'pipeline-queued',
  in_flight: 'pipeline-in-flight',
  failed: 'pipeline-failed',
  dead_lettered: 'pipeline-dead-lettered',
};
const pipelinePoller = createPoller(() => loadPipeline(), PIPELINE_POLL_MS);

/** Shows the merchant's delivery counts; resolves to true while some are queued or being retried. */
async function loadPipeline() {
  const panel = byTestId('webhook-pipeline');
  let counts;
  try {
    counts = await session.api.get('/api/v1/webhooks/pipeline');
  } catch (error) {
    byTestId('pipeline-status').textContent = `Could not read the pipeline: ${error.message}`;
    byTestId('pipeline-status').dataset.tone = 'bad';
    return false;
  } finally {
    panel.setAttribute('aria-busy', 'false');
  }
  for (const [name, testId] of Object.entries(PIPELINE_COUNTS)) {
    const value = Number(counts?.[name] ?? 0);
    const cell = byTestId(testId);
    cell.textContent = value.toLocaleString('en-IN');
    cell.parentElement.dataset.alert = String(value > 0 && (name === 'failed' || name === 'dead_lettered'));
  }
  const health = pipelineHealth(counts);
  byTestId('pipeline-status').textContent = health.text;
  byTestId('pipeline-status').dataset.tone = health.tone;
  panel.dataset.tone = health.tone;
  const moving = Number(counts?.queued ?? 0) + Number(counts?.in_flight ?? 0) > 0;
  if (moving) pipelinePoller.ensure();
  return moving;
}

// The key pair arrives after the page: each credential element takes its test id in the same task as its
// value, so whoever waits for [data-test-id="api-key"] or "api-secret" reads the credential, never a
// placeholder. The browser keeps only the session; the pair is asked for each time it is shown.
let credentials = null;

function showCredential(id, value) {
  const node = document.getElementById(id);
  node.textContent = value;
  node.removeAttribute('aria-busy');
  node.dataset.testId = id;
}

async function loadAccount() {
  try {
    const account = await session.api.get('/api/v1/account');
    credentials = { api_key: account.api_key, api_secret: account.api_secret };
    showCredential('api-key', account.api_key);
    showCredential('api-secret', account.api_secret);
    showError('keys-error', null);
  } catch (error) {
    showError('keys-error', error);
  }
}

function keyPairRow(pair) {
  // `data-label` names each cell in the phone layout, where the row becomes a stack of label: value lines.
  const cell = (label, testId, ...content) => el('td', { testId, 'data-label': label }, ...content);
  return el(
    'tr',
    { testId: 'key-pair-row', dataset: { apiKey: pair.api_key, current: String(pair.current) } },
    cell('Key ID', 'key-pair-key', el('code', {}, pair.api_key), pair.current ? ' (current)' : ''),
    cell('Secret', 'key-pair-secret', pair.api_secret),
    cell('Created', 'key-pair-created', formatDateTime(pair.created_at)),
    cell('Expires', 'key-pair-expires', pair.expires_at ? formatDateTime(pair.expires_at) : 'Never'),
    cell('Last used', 'key-pair-last-used', pair.last_used_at ? formatDateTime(pair.last_used_at) : 'Never'),
  );
}

async function loadKeyPairs() {
  try {
    const { data } = await session.api.get('/api/v1/account/keys');
    byTestId('key-pairs-body').replaceChildren(...data.map(keyPairRow));
  } catch (error) {
    showError('keys-error', error);
  }
}

function wireRollKeys() {
  const form = byTestId('roll-keys-form');
  const status = byTestId('roll-keys-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const hours = Number(byTestId('roll-overlap-select').value);
    await withBusyButton(byTestId('roll-keys-button'), 'Rolling…', async () => {
      try {
        const pair = await session.api.post('/api/v1/account/keys/roll', { expire_previous_in_hours: hours });
        credentials = { api_key: pair.api_key, api_secret: pair.api_secret };
        showCredential('api-key', pair.api_key);
        showCredential('api-secret', pair.api_secret);
        status.textContent =
          hours === 0
            ? 'New key pair created; the previous pair has stopped working. Put the new secret on your servers now.'
            : `New key pair created. The previous pair keeps working for ${hours} hour${hours === 1 ? '' : 's'}: ` +
              'put the new secret on your servers before then.';
        status.hidden = false;
        showError('keys-error', null);
        await loadKeyPairs();
      } catch (error) {
        showError('keys-error', error);
      }
    });
  });
}

function wireChangePassword() {
  const form = byTestId('change-password-form');
  const status = byTestId('change-password-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.hidden = true;
    const body = {
      current_password: byTestId('current-password-input').value,
      new_password: byTestId('new-password-input').value,
    };
    if (body.new_password.length < 10) {
      showError('change-password-error', new Error('The new password needs at least 10 characters.'));
      return;
    }
    await withBusyButton(byTestId('change-password-button'), 'Changing…', async () => {
      try {
        await session.api.post('/api/v1/account/password', body);
        form.reset();
        showError('change-password-error', null);
        status.textContent = 'Password changed. Your other sessions have been logged out.';
        status.hidden = false;
      } catch (error) {
        showError('change-password-error', error);
      }
    });
  });
}

function wireSecretReveal() {
  const secret = document.getElementById('api-secret');
  const button = byTestId('reveal-api-secret');
  button.addEventListener('click', () => {
    const reveal = secret.classList.contains('is-masked');
    secret.classList.toggle('is-masked', !reveal);
    secret.setAttribute('aria-label', reveal ? 'Key secret' : 'Key secret, hidden');
    button.textContent = reveal ? 'Hide' : 'Reveal';
    button.setAttribute('aria-pressed', String(reveal));
  });
}

if (session) {
  const { merchant } = session;
  byTestId('merchant-email').textContent = merchant.email;
  wireCopyButton(byTestId('copy-api-key'), () => credentials?.api_key ?? '');
  wireCopyButton(byTestId('copy-api-secret'), () => credentials?.api_secret ?? '');
  wireRollKeys();
  wireChangePassword();
  loadAccount();
  loadKeyPairs();

  const refreshButton = byTestId('refresh-stats-button');
  wireSecretReveal();
  const refreshAll = () => Promise.all([loadStats(), loadBreakdown(), loadPipeline()]);
  refreshButton.addEventListener('click', () => withBusyButton(refreshButton, 'Refreshing…', refreshAll));
  // Coming back to the tab after taking a payment elsewhere shows fresh numbers.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refreshAll();
  });
  refreshAll();
}
