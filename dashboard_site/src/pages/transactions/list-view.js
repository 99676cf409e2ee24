// The list of payments, a page of 20 at a time: without filters, one API page; with them, the page of
// what they match. Each row shows what the payments list answers (state, order status, the gateway's own
// refund): no request per row.
import { formatAmount } from '../../../../web_shared/money.js';
import { byTestId, el, statusBadge } from '../../lib/dom.js';
import { OffsetPager, describePage, probeLimit, showListPage } from '../../lib/pagination.js';
import { hasFilters, methodDetail, paymentDetailUrl, paymentState, paymentsListPath } from '../../lib/payments.js';
import { showError } from '../../lib/shell.js';
import { actionsCell } from '../../lib/table.js';
import { formatDateTime } from '../../lib/time.js';
import { matchingPayments } from './filters.js';
import { paymentActions, stateBadges } from './payment-status.js';

const PAGE_SIZE = 20;

function renderRow(payment, { open, openPayment }) {
  const detail = methodDetail(payment);
  const state = paymentState(payment);
  const openFromLink = (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return; // a new tab loads it by itself
    event.preventDefault();
    openPayment(payment.id);
  };
  return el(
    'tr',
    { testId: 'transaction-row', dataset: { paymentId: payment.id, status: payment.status, state } },
    el(
      'td',
      { className: 'mono', 'data-label': 'Payment' },
      el('a', { href: paymentDetailUrl(payment.id), testId: 'payment-id', onclick: openFromLink }, payment.id),
    ),
    el(
      'td',
      { 'data-label': 'Order' },
      el('span', { className: 'mono', testId: 'order-id' }, payment.order_id),
      el('span', { className: 'cell-note' }, statusBadge(payment.order_status ?? '-', 'order-status')),
    ),
    el(
      'td',
      { className: 'num', testId: 'amount', 'data-label': 'Amount' },
      formatAmount(payment.amount, payment.currency),
    ),
    el('td', { testId: 'method', 'data-label': 'Method', title: detail || null }, payment.method),
    el(
      'td',
      { 'data-label': 'Status', title: payment.error_description || null },
      el('span', { className: 'badges' }, stateBadges(payment)),
    ),
    el(
      'td',
      { testId: 'created-at', 'data-label': 'Created' },
      el('time', { datetime: payment.created_at }, formatDateTime(payment.created_at)),
    ),
    actionsCell(paymentActions(payment, state, open)),
  );
}

/** The payments of the current page, and how the page stands. */
async function currentPage({ api, state, pager }) {
  const { offset } = pager;
  if (hasFilters(state.filters)) {
    const matching = await matchingPayments(api, state.filters);
    const payments = matching.slice(offset, offset + PAGE_SIZE);
    const page = describePage({ offset, limit: PAGE_SIZE, itemCount: payments.length, total: matching.length });
    return { payments, page };
  }
  const payments = await api.get(paymentsListPath({ limit: probeLimit(PAGE_SIZE), offset }));
  const page = describePage({ offset, limit: PAGE_SIZE, itemCount: payments.length });
  return { payments: payments.slice(0, PAGE_SIZE), page };
}

/** Shows the current page; resolves to true while some payment on it is still pending. */
async function loadList(view) {
  let shown;
  try {
    shown = await currentPage(view);
  } catch (error) {
    showError('transactions-error', error);
    throw error;
  }
  showError('transactions-error', null);
  const { payments, page } = shown;
  const { offset } = view.pager;
  const anyPending = payments.some((payment) => payment.status === 'pending');
  const rows = payments.map((payment) => renderRow(payment, view));
  showListPage('transactions', { rows, page, offset, live: anyPending });
  const empty = byTestId('transactions-empty');
  empty.textContent = hasFilters(view.state.filters)
    ? 'No payments match these filters.'
    : 'No payments yet. They appear here as soon as a customer pays.';
  empty.hidden = payments.length > 0 || offset > 0;
  if (anyPending) view.keepRefreshing();
  return anyPending;
}

/**
 * The list, reading `state.filters`; `open` has the capture and refund dialogs, `openPayment(id)` shows one
 * payment, `keepRefreshing()` asks for another look while a listed payment is still pending. Returns the
 * pager (its offset is in the URL) and `load()`, which shows the current page and resolves to true while a
 * payment on it is pending.
 */
export function createListView({ api, state, open, openPayment, keepRefreshing }) {
  const view = { api, state, open, openPayment, keepRefreshing };
  view.pager = new OffsetPager('transactions', PAGE_SIZE, () => loadList(view));
  return { pager: view.pager, load: () => loadList(view) };
}
