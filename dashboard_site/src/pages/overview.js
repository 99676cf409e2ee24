import { byTestId, wireCopyButton, withBusyButton } from '../lib/dom.js';
import { formatAmount } from '../../../web_shared/money.js';
import { formatSuccessRate } from '../lib/money.js';
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

if (session) {
  const { merchant } = session;
  byTestId('merchant-email').textContent = merchant.email;
  byTestId('api-key').textContent = merchant.api_key;
  byTestId('api-secret').textContent = merchant.api_secret;
  wireCopyButton(byTestId('copy-api-key'), () => merchant.api_key);
  wireCopyButton(byTestId('copy-api-secret'), () => merchant.api_secret);

  const refreshButton = byTestId('refresh-stats-button');
  refreshButton.addEventListener('click', () => withBusyButton(refreshButton, 'Refreshing…', loadStats));
  // Coming back to the tab after taking a payment elsewhere shows fresh numbers.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') loadStats();
  });
  loadStats();
}
