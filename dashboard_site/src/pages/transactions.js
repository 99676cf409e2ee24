import { newIdempotencyKey } from '../../../web_shared/api.js';
import { byTestId, el, showToast, statusBadge, withBusyButton } from '../lib/dom.js';
import { formatAmount, paiseToRupeeInput, parseRupeesToPaise } from '../../../web_shared/money.js';
import { describePage, offsetFromSearch, probeLimit, pushOffsetToUrl, showListPage } from '../lib/pagination.js';
import { createPoller } from '../lib/poller.js';
import { showError, startDashboardPage } from '../lib/shell.js';
import { formatDateTime } from '../lib/time.js';

const PAGE_SIZE = 20;
const POLL_INTERVAL_MS = 2000;

const session = startDashboardPage();
let offset = offsetFromSearch(window.location.search, PAGE_SIZE);
const poller = createPoller(() => loadPayments(), POLL_INTERVAL_MS);

function methodDetail(payment) {
  if (payment.method === 'upi') return payment.vpa ?? '';
  if (payment.method === 'card' && payment.card_last4) {
    return `${payment.card_network ?? 'card'} •••• ${payment.card_last4}`;
  }
  return '';
}

function actionsFor(payment) {
  if (payment.status === 'pending') return [el('span', { className: 'muted small' }, 'Processing…')];
  if (payment.status !== 'success') return [];
  const capture = payment.captured
    ? el('span', { className: 'tag', testId: 'captured-label' }, 'Captured')
    : el(
        'button',
        {
          className: 'btn btn-secondary btn-sm',
          type: 'button',
          testId: 'capture-button',
          onclick: (event) => capturePayment(payment, event.currentTarget),
        },
        'Capture',
      );
  const refund = el(
    'button',
    {
      className: 'btn btn-secondary btn-sm',
      type: 'button',
      testId: 'refund-button',
      onclick: () => openRefundDialog(payment),
    },
    'Refund',
  );
  return [capture, refund];
}

function renderRow(payment) {
  const detail = methodDetail(payment);
  return el(
    'tr',
    { testId: 'transaction-row', dataset: { paymentId: payment.id, status: payment.status } },
    el('td', { className: 'mono', testId: 'payment-id', 'data-label': 'Payment' }, payment.id),
    el('td', { className: 'mono', testId: 'order-id', 'data-label': 'Order' }, payment.order_id),
    el(
      'td',
      { className: 'num', testId: 'amount', 'data-label': 'Amount' },
      formatAmount(payment.amount, payment.currency),
    ),
    el('td', { testId: 'method', 'data-label': 'Method', title: detail || null }, payment.method),
    el(
      'td',
      { 'data-label': 'Status', title: payment.error_description || null },
      statusBadge(payment.status, 'status'),
    ),
    el(
      'td',
      { testId: 'created-at', 'data-label': 'Created' },
      el('time', { datetime: payment.created_at }, formatDateTime(payment.created_at)),
    ),
    el('td', { className: 'row-actions', 'data-label': '' }, actionsFor(payment)),
  );
}

/** Loads the current page; resolves to true while some payment on it is still pending. */
async function loadPayments() {
  let payments;
  try {
    payments = await session.api.get(`/api/v1/payments?limit=${probeLimit(PAGE_SIZE)}&offset=${offset}`);
  } catch (error) {
    showError('transactions-error', error);
    throw error;
  }
  showError('transactions-error', null);
  const page = describePage({ offset, limit: PAGE_SIZE, itemCount: payments.length });
  const visible = payments.slice(0, PAGE_SIZE);
  const anyPending = visible.some((payment) => payment.status === 'pending');
  showListPage('transactions', { rows: visible.map(renderRow), page, offset, live: anyPending });
  if (anyPending) poller.ensure();
  return anyPending;
}

function goToOffset(nextOffset) {
  offset = nextOffset;
  pushOffsetToUrl(offset);
  loadPayments().catch(() => {});
}

async function capturePayment(payment, button) {
  await withBusyButton(button, 'Capturing…', async () => {
    try {
      await session.api.post(
        `/api/v1/payments/${encodeURIComponent(payment.id)}/capture`,
        { amount: payment.amount },
        { idempotencyKey: newIdempotencyKey() },
      );
      showToast(`Captured ${formatAmount(payment.amount, payment.currency)} on ${payment.id}`, 'good');
    } catch (error) {
      showToast(`Capture refused: ${error.message}`, 'bad');
    }
  });
  await loadPayments().catch(() => {});
}

// ---- refund dialog
const dialog = byTestId('refund-dialog');
const amountInput = byTestId('refund-amount-input');
const reasonInput = byTestId('refund-reason-input');
let refundTarget = null;

async function openRefundDialog(payment) {
  refundTarget = payment;
  byTestId('refund-payment-id').textContent = payment.id;
  byTestId('refund-paid').textContent = formatAmount(payment.amount, payment.currency);
  byTestId('refund-refunded').textContent = '…';
  byTestId('refund-available').textContent = '…';
  amountInput.value = '';
  reasonInput.value = '';
  showError('refund-error', null);
  dialog.showModal();
  amountInput.focus();

  // Shown as a guide only: the API stays the judge of what may be refunded.
  try {
    const refunds = await session.api.get(`/api/v1/payments/${encodeURIComponent(payment.id)}/refunds`);
    const refunded = (Array.isArray(refunds) ? refunds : [])
      .filter((refund) => refund.status !== 'failed')
      .reduce((sum, refund) => sum + refund.amount, 0);
    const available = Math.max(0, payment.amount - refunded);
    if (refundTarget !== payment) return;
    byTestId('refund-refunded').textContent = formatAmount(refunded, payment.currency);
    byTestId('refund-available').textContent = formatAmount(available, payment.currency);
    // Suggest the full remaining amount unless the merchant has already typed one.
    if (amountInput.value === '' && available > 0) {
      amountInput.value = paiseToRupeeInput(available);
      amountInput.select();
    }
  } catch {
    byTestId('refund-refunded').textContent = '-';
    byTestId('refund-available').textContent = '-';
  }
}

byTestId('refund-cancel-button').addEventListener('click', () => dialog.close());

byTestId('refund-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const payment = refundTarget;
  const parsed = parseRupeesToPaise(amountInput.value);
  if (!parsed.ok) {
    showError('refund-error', new Error(parsed.error));
    amountInput.focus();
    return;
  }
  const body = { amount: parsed.paise };
  const reason = reasonInput.value.trim();
  if (reason) body.reason = reason;
  await withBusyButton(byTestId('refund-submit-button'), 'Refunding…', async () => {
    try {
      const refund = await session.api.post(`/api/v1/payments/${encodeURIComponent(payment.id)}/refunds`, body, {
        idempotencyKey: newIdempotencyKey(),
      });
      dialog.close();
      showToast(`Refund ${refund.id} of ${formatAmount(refund.amount, payment.currency)} created`, 'good');
    } catch (error) {
      showError('refund-error', error);
    }
  });
  await loadPayments().catch(() => {});
});

if (session) {
  byTestId('transactions-prev-button').addEventListener('click', () =>
    goToOffset(describePage({ offset, limit: PAGE_SIZE, itemCount: 0 }).prevOffset),
  );
  byTestId('transactions-next-button').addEventListener('click', () => goToOffset(offset + PAGE_SIZE));
  const refreshButton = byTestId('refresh-transactions-button');
  refreshButton.addEventListener('click', () =>
    withBusyButton(refreshButton, 'Refreshing…', () => loadPayments().catch(() => {})),
  );
  window.addEventListener('popstate', () => {
    offset = offsetFromSearch(window.location.search, PAGE_SIZE);
    loadPayments().catch(() => {});
  });
  loadPayments().catch(() => {});
}
