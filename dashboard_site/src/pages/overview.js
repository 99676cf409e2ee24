import { formatAmount } from '../../../web_shared/money.js';
import { pipelineHealth } from '../lib/deliveries.js';
import { byTestId, wireCopyButton, withBusyButton } from '../lib/dom.js';
import { formatSuccessRate } from '../lib/money.js';
import { refundedAmount } from '../lib/payments.js';
import { createPoller } from '../lib/poller.js';
import { showError, startDashboardPage } from '../lib/shell.js';

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

function wireSecretReveal() {
  const secret = byTestId('api-secret');
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
  byTestId('api-key').textContent = merchant.api_key;
  byTestId('api-secret').textContent = merchant.api_secret;
  wireCopyButton(byTestId('copy-api-key'), () => merchant.api_key);
  wireCopyButton(byTestId('copy-api-secret'), () => merchant.api_secret);

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
