import { newIdempotencyKey } from '../../../web_shared/api.js';
import { formatAmount, minorToInput, parseAmountInput } from '../../../web_shared/money.js';
import { customerFilter, customerItems } from '../lib/customer.js';
import { attemptResult, deliveryDetailUrl, retryNote } from '../lib/deliveries.js';
import { byTestId, el, showToast, statusBadge, summaryItem, withBusyButton } from '../lib/dom.js';
import { deliveryBadge } from '../lib/delivery-views.js';
import { captureQuestion, paymentMoney, renderMoneyFigures, renderMoneyMovements } from '../lib/money-block.js';
import { eventDetailUrl } from '../lib/events.js';
import { OffsetPager, describePage, probeLimit, showListPage } from '../lib/pagination.js';
import {
  PAYMENT_STATES,
  filtersFromSearch,
  hasFilters,
  isAutoRefunded,
  matchesSearch,
  methodDetail,
  paymentDetailUrl,
  paymentState,
  paymentsCsv,
} from '../lib/payments.js';
import { createPoller } from '../lib/poller.js';
import { showError, startDashboardPage } from '../lib/shell.js';
import { formatDateTime } from '../lib/time.js';
import { deliveryRows, paymentTimeline } from '../lib/timeline.js';
import { actionsCell } from '../lib/table.js';
import { reportAndUse, reported } from '../lib/failure.js';

const PAGE_SIZE = 20;
const POLL_INTERVAL_MS = 2000;
// Filters and the export work on the latest payments the API lists, read in pages of 100.
const FILTER_WINDOW = 500;
const PAYMENT_ID = /^pay_[A-Za-z0-9]{16}$/;

const session = startDashboardPage();
const pager = new OffsetPager('transactions', PAGE_SIZE, loadPayments);
let filters = filtersFromSearch(window.location.search);
const poller = createPoller(() => refreshView(), POLL_INTERVAL_MS);
const paymentPath = (id, suffix = '') => `/api/v1/payments/${encodeURIComponent(id)}${suffix}`;

/** Refunds and order statuses, fetched once per payment state and kept while it does not change. */
function createCache(fetchFor, keyOf) {
  const entries = new Map();
  return {
    async load(payment, { fresh = false } = {}) {
      const key = keyOf(payment);
      const cached = entries.get(payment.id);
      if (!fresh && cached && cached.key === key) return cached.value;
      const value = await fetchFor(payment);
      entries.set(payment.id, { key, value });
      return value;
    },
    forget(id) {
      entries.delete(id);
    },
  };
}
const stateKey = (payment) => `${payment.status}:${payment.captured}:${payment.version ?? ''}`;
const refunds = createCache(
  (payment) => (payment.status === 'success' ? session.api.get(paymentPath(payment.id, '/refunds')) : []),
  stateKey,
);
const orderStatuses = createCache(
  (payment) =>
    session.api
      .get(`/api/v1/orders/${encodeURIComponent(payment.order_id)}`)
      .then((order) => order.status ?? '-')
      .catch(reportAndUse('-')),
  stateKey,
);

/** A payment with what the page shows about it: its refunds and its order's status. */
async function enrich(payment) {
  const [paymentRefunds, orderStatus] = await Promise.all([
    refunds.load(payment).catch(reportAndUse(null)),
    orderStatuses.load(payment),
  ]);
  return { payment, refunds: paymentRefunds, orderStatus };
}

function stateBadges({ payment, refunds: paymentRefunds }) {
  const state = paymentState(payment, paymentRefunds);
  const badges = [statusBadge(payment.status, 'status')];
  if (payment.status === 'success') {
    const tone = state === 'refunded' || state === 'partially_refunded' ? 'refund' : state;
    badges.push(
      el('span', { className: `badge badge-state badge-${tone}`, testId: 'payment-state' }, PAYMENT_STATES[state]),
    );
  }
  if (isAutoRefunded(paymentRefunds)) {
    badges.push(
      el(
        'span',
        {
          className: 'badge badge-bad',
          testId: 'auto-refund-badge',
          title: 'Refunded by the gateway: the order was already paid',
        },
        'Auto-refunded',
      ),
    );
  }
  return badges;
}

function actionsFor(payment, state) {
  if (payment.status === 'pending') return [el('span', { className: 'muted small' }, 'Processing…')];
  if (payment.status !== 'success') return [];
  const actions = [];
  if (!payment.captured) {
    actions.push(
      el(
        'button',
        {
          className: 'btn btn-secondary btn-sm',
          type: 'button',
          testId: 'capture-button',
          onclick: () => capturePayment(payment),
        },
        'Capture',
      ),
    );
  } else if (state === 'captured') {
    actions.push(el('span', { className: 'tag', testId: 'captured-label' }, 'Captured'));
  }
  if (state !== 'refunded') {
    actions.push(
      el(
        'button',
        {
          className: 'btn btn-secondary btn-sm',
          type: 'button',
          testId: 'refund-button',
          onclick: () => openRefundDialog(payment),
        },
        'Refund',
      ),
    );
  }
  return actions;
}

function renderRow(row) {
  const { payment, orderStatus } = row;
  const detail = methodDetail(payment);
  const state = paymentState(payment, row.refunds);
  return el(
    'tr',
    { testId: 'transaction-row', dataset: { paymentId: payment.id, status: payment.status, state } },
    el(
      'td',
      { className: 'mono', 'data-label': 'Payment' },
      el(
        'a',
        {
          href: detailUrl(payment.id),
          testId: 'payment-id',
          onclick: (event) => openDetailFromLink(event, payment.id),
        },
        payment.id,
      ),
    ),
    el(
      'td',
      { 'data-label': 'Order' },
      el('span', { className: 'mono', testId: 'order-id' }, payment.order_id),
      el('span', { className: 'cell-note' }, statusBadge(orderStatus, 'order-status')),
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
      el('span', { className: 'badges' }, stateBadges(row)),
    ),
    el(
      'td',
      { testId: 'created-at', 'data-label': 'Created' },
      el('time', { datetime: payment.created_at }, formatDateTime(payment.created_at)),
    ),
    actionsCell(actionsFor(payment, state)),
  );
}

/** The latest payments (up to FILTER_WINDOW), for filtering and export. */
async function recentPayments() {
  const all = [];
  for (let page = 0; all.length < FILTER_WINDOW; page += 1) {
    const batch = await session.api.get(`/api/v1/payments?limit=100&offset=${page * 100}`);
    all.push(...batch);
    if (batch.length < 100) break;
  }
  return all;
}

/** The payments a search for an email, phone number or card's last four digits finds (the API's index). */
async function customerPayments({ name, value }) {
  const found = await session.api.get(`/api/v1/payments?limit=100&${name}=${encodeURIComponent(value)}`);
  return found.filter((payment) => matchesSearch(payment, { ...filters, q: '' }));
}

/** Every payment the filters match, enriched, newest first. */
async function filteredRows() {
  const byCustomer = customerFilter(filters.q);
  const candidates = byCustomer
    ? await customerPayments(byCustomer)
    : (await recentPayments()).filter((payment) => matchesSearch(payment, filters));
  const rows = await Promise.all(candidates.map(enrich));
  return filters.state ? rows.filter((row) => paymentState(row.payment, row.refunds) === filters.state) : rows;
}

/** Loads the current page; resolves to true while some payment on it is still pending. */
async function loadPayments() {
  const { offset } = pager;
  let rows;
  let page;
  try {
    if (hasFilters(filters)) {
      const matching = await filteredRows();
      rows = matching.slice(offset, offset + PAGE_SIZE);
      page = describePage({ offset, limit: PAGE_SIZE, itemCount: rows.length, total: matching.length });
    } else {
      const payments = await session.api.get(`/api/v1/payments?limit=${probeLimit(PAGE_SIZE)}&offset=${offset}`);
      page = describePage({ offset, limit: PAGE_SIZE, itemCount: payments.length });
      rows = await Promise.all(payments.slice(0, PAGE_SIZE).map(enrich));
    }
  } catch (error) {
    showError('transactions-error', error);
    throw error;
  }
  showError('transactions-error', null);
  const anyPending = rows.some((row) => row.payment.status === 'pending');
  showListPage('transactions', { rows: rows.map(renderRow), page, offset, live: anyPending });
  byTestId('transactions-empty').textContent = hasFilters(filters)
    ? 'No payments match these filters.'
    : 'No payments yet. They appear here as soon as a customer pays.';
  byTestId('transactions-empty').hidden = rows.length > 0 || offset > 0;
  if (anyPending) poller.ensure();
  return anyPending;
}

// ---- filters and export
const filterForm = byTestId('transactions-filters');

function showFiltersInForm() {
  filterForm.elements.q.value = filters.q;
  filterForm.elements.state.value = filters.state;
  filterForm.elements.from.value = filters.from;
  filterForm.elements.to.value = filters.to;
}

function applyFilters(next) {
  filters = next;
  pager.offset = 0;
  const url = new URL(window.location.href);
  url.search = '';
  for (const [name, value] of Object.entries(filters)) if (value) url.searchParams.set(name, value);
  window.history.pushState({}, '', url);
  reported(loadPayments());
}

async function exportCsv(button) {
  await withBusyButton(button, 'Exporting…', async () => {
    try {
      const rows = hasFilters(filters) ? await filteredRows() : await Promise.all((await recentPayments()).map(enrich));
      const blob = new Blob([paymentsCsv(rows)], { type: 'text/csv;charset=utf-8' });
      const link = el('a', {
        href: URL.createObjectURL(blob),
        download: `payments-${new Date().toISOString().slice(0, 10)}.csv`,
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      showToast(`Exported ${rows.length} payment${rows.length === 1 ? '' : 's'}`, 'good');
    } catch (error) {
      showToast(`Export failed: ${error.message}`, 'bad');
    }
  });
}

// ---- payment detail (?payment=pay_...)
const detailUrl = paymentDetailUrl;

function openDetailFromLink(event, paymentId) {
  if (event.metaKey || event.ctrlKey || event.shiftKey) return; // a new tab loads it by itself
  event.preventDefault();
  window.history.pushState({}, '', detailUrl(paymentId));
  refreshView();
}

function detailPaymentId() {
  return new URLSearchParams(window.location.search).get('payment');
}

function renderTimelineEntry(entry) {
  return el(
    'li',
    { testId: 'timeline-entry', dataset: { step: entry.step } },
    entry.at ? el('time', { datetime: entry.at }, formatDateTime(entry.at)) : el('time', {}, 'time not recorded'),
    el('span', { testId: 'timeline-text' }, entry.text),
    entry.versions.map(({ of, version }) =>
      el('span', { className: 'tag tag-muted', testId: 'timeline-version' }, `${of} v${version}`),
    ),
  );
}

/** The payment's events (with their deliveries); null when they cannot be read. */
async function loadPaymentEvents(paymentId) {
  try {
    const result = await session.api.get(paymentPath(paymentId, '/events'));
    showError('payment-deliveries-error', null);
    return Array.isArray(result?.data) ? result.data : [];
  } catch (error) {
    showError('payment-deliveries-error', error);
    return null;
  }
}

/** A delivery waiting for its next attempt says which and when, as on the Webhooks page. */
async function retryNotesOf(rows) {
  const waiting = rows.filter(({ delivery }) => delivery?.status === 'pending' && delivery.attempts?.length);
  const notes = await Promise.all(
    waiting.map(({ delivery }) =>
      session.api
        .get(`/api/v1/webhooks/${encodeURIComponent(delivery.webhook_id)}`)
        .then(retryNote)
        .catch(reportAndUse(null)),
    ),
  );
  return new Map(waiting.map(({ delivery }, index) => [delivery.webhook_id, notes[index]]));
}

function renderDeliveryRow({ event, delivery }, retryNotes) {
  const attempts = delivery?.attempts ?? [];
  const latest = attempts.at(-1);
  const status = delivery ? delivery.status : 'none';
  const note = delivery ? retryNotes.get(delivery.webhook_id) : null;
  return el(
    'tr',
    { testId: 'payment-delivery-row', dataset: { eventId: event.id, webhookId: delivery?.webhook_id, status } },
    el('td', { className: 'mono', 'data-label': 'Event', testId: 'payment-delivery-event' }, event.type),
    el(
      'td',
      { 'data-label': 'Delivery' },
      deliveryBadge(status, 'payment-delivery-status'),
      note ? el('span', { className: 'retry-note', testId: 'payment-delivery-retry-note' }, note) : null,
    ),
    el('td', { className: 'num', 'data-label': 'Attempts', testId: 'payment-delivery-attempts' }, attempts.length),
    el(
      'td',
      { 'data-label': 'Latest result', testId: 'payment-delivery-result' },
      delivery
        ? attemptResult(latest?.response_code, latest?.response_body, 'Not attempted yet')
        : 'No webhook URL then',
    ),
    el('td', { 'data-label': 'Event created' }, formatDateTime(event.created_at)),
    actionsCell(
      delivery
        ? el(
            'a',
            {
              className: 'btn btn-ghost btn-sm',
              href: deliveryDetailUrl(delivery.webhook_id),
              testId: 'payment-delivery-link',
            },
            'Attempts',
          )
        : null,
      el(
        'a',
        { className: 'btn btn-ghost btn-sm', href: eventDetailUrl(event.id), testId: 'payment-event-link' },
        'Event',
      ),
    ),
  );
}

async function showActivity(payment, paymentRefunds) {
  const events = await loadPaymentEvents(payment.id);
  byTestId('payment-money-movements').replaceChildren(
    ...renderMoneyMovements(events ?? [], payment.currency, formatDateTime),
  );
  byTestId('payment-timeline').replaceChildren(
    ...paymentTimeline(payment, paymentRefunds, events ?? []).map(renderTimelineEntry),
  );
  const rows = deliveryRows(events ?? []);
  const retryNotes = await retryNotesOf(rows);
  byTestId('payment-deliveries-body').replaceChildren(...rows.map((row) => renderDeliveryRow(row, retryNotes)));
  byTestId('payment-deliveries-empty').hidden = events === null || rows.length > 0;
  return rows.some(({ delivery }) => delivery?.status === 'pending') || changedLately(payment, paymentRefunds);
}

// A change's event is recorded a stream hop after the change: the page keeps looking for a while.
const EVENT_LAG_MS = 30_000;

function changedLately(payment, paymentRefunds) {
  const moments = [payment.updated_at, ...paymentRefunds.flatMap((refund) => [refund.created_at, refund.processed_at])];
  return moments.some((at) => at && Date.now() - Date.parse(at) < EVENT_LAG_MS);
}

async function loadDetail(paymentId) {
  if (byTestId('payment-detail-id').textContent !== paymentId) byTestId('payment-action-status').hidden = true;
  byTestId('payment-detail-id').textContent = paymentId;
  let row;
  try {
    const payment = await session.api.get(paymentPath(paymentId));
    refunds.forget(paymentId);
    row = await enrich(payment);
  } catch (error) {
    showError('payment-detail-error', error);
    byTestId('payment-detail-summary').replaceChildren();
    return false;
  }
  showError('payment-detail-error', null);
  const { payment, orderStatus } = row;
  const paymentRefunds = row.refunds ?? [];
  const state = paymentState(payment, paymentRefunds);
  const figures = paymentMoney(payment);
  const money = (amount) => formatAmount(amount, payment.currency);
  byTestId('payment-detail-summary').replaceChildren(
    summaryItem('Amount', money(payment.amount), 'payment-detail-amount'),
    summaryItem('Status', el('span', { className: 'badges' }, stateBadges(row)), 'payment-detail-status'),
    summaryItem(
      'Method',
      `${payment.method}${methodDetail(payment) ? ` · ${methodDetail(payment)}` : ''}`,
      'payment-detail-method',
    ),
    summaryItem('Captured', money(figures.captured), 'payment-detail-captured'),
    summaryItem('Refunded', money(figures.refunded), 'payment-detail-refunded'),
    summaryItem('Net', money(figures.net), 'payment-detail-net'),
    summaryItem('Order', el('span', { className: 'mono' }, payment.order_id), 'payment-detail-order-id'),
    summaryItem('Order status', statusBadge(orderStatus, 'payment-detail-order-status')),
    summaryItem('Version', payment.version ?? '-', 'payment-detail-version'),
    summaryItem('Error', payment.error_description ? `${payment.error_code}: ${payment.error_description}` : '-'),
    summaryItem('Created', formatDateTime(payment.created_at)),
    summaryItem('Updated', formatDateTime(payment.updated_at)),
  );
  byTestId('payment-detail-customer').replaceChildren(...customerItems(payment));
  byTestId('payment-refunds-body').replaceChildren(
    ...paymentRefunds.map((refund) =>
      el(
        'tr',
        { testId: 'payment-refund-row', dataset: { refundId: refund.id } },
        el('td', { className: 'mono', 'data-label': 'Refund' }, refund.id),
        el('td', { className: 'num', 'data-label': 'Amount' }, money(refund.amount)),
        el('td', { 'data-label': 'Reason', testId: 'refund-reason' }, refund.reason || '-'),
        el('td', { 'data-label': 'Status' }, statusBadge(refund.status, 'refund-status')),
        el('td', { 'data-label': 'Created' }, formatDateTime(refund.created_at)),
        el('td', { 'data-label': 'Processed' }, formatDateTime(refund.processed_at)),
      ),
    ),
  );
  byTestId('payment-money-figures').replaceChildren(...renderMoneyFigures(payment));
  byTestId('payment-refunds-empty').hidden = paymentRefunds.length > 0;
  byTestId('payment-detail-actions').replaceChildren(...actionsFor(payment, state));
  const deliveriesMoving = await showActivity(payment, paymentRefunds);
  return (
    payment.status === 'pending' || paymentRefunds.some((refund) => refund.status === 'pending') || deliveriesMoving
  );
}

/** Shows the list or one payment, as the URL says; resolves to true while something is still moving. */
async function refreshView() {
  const paymentId = detailPaymentId();
  byTestId('payment-detail').hidden = !paymentId;
  byTestId('transactions-list-view').hidden = Boolean(paymentId);
  if (!paymentId) return loadPayments();
  const moving = await loadDetail(paymentId);
  if (moving) poller.ensure();
  return moving;
}

// ---- capture dialog: says what the capture takes before it does
const captureDialog = byTestId('capture-dialog');
let captureTarget = null;

function capturePayment(payment) {
  captureTarget = payment;
  byTestId('capture-question').textContent = captureQuestion(payment);
  showError('capture-error', null);
  captureDialog.showModal();
  byTestId('capture-confirm-button').focus();
}

byTestId('capture-cancel-button').addEventListener('click', () => captureDialog.close());

/** On the payment's page the outcome is said under its title, where a toast would cover the timeline the
 * merchant reads next; from the list it is a toast. */
function tellCaptured(message) {
  if (byTestId('payment-detail').hidden) {
    showToast(message, 'good');
    return;
  }
  const status = byTestId('payment-action-status');
  status.textContent = message;
  status.hidden = false;
}

byTestId('capture-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const payment = captureTarget;
  // The amount shown is the amount sent: if a refund landed meanwhile the API refuses, and says why.
  const amount = paymentMoney(payment).leftToCapture;
  await withBusyButton(byTestId('capture-confirm-button'), 'Capturing…', async () => {
    try {
      const captured = await session.api.post(
        paymentPath(payment.id, '/capture'),
        { amount },
        { idempotencyKey: newIdempotencyKey() },
      );
      captureDialog.close();
      tellCaptured(`Captured ${formatAmount(captured.amount_captured ?? amount, payment.currency)} on ${payment.id}`);
    } catch (error) {
      showError('capture-error', error);
    }
  });
  await reported(refreshView());
});

// ---- refund dialog
const dialog = byTestId('refund-dialog');
const amountInput = byTestId('refund-amount-input');
const reasonInput = byTestId('refund-reason-input');
let refundTarget = null;

async function openRefundDialog(payment) {
  refundTarget = payment;
  byTestId('refund-payment-id').textContent = payment.id;
  byTestId('refund-paid').textContent = formatAmount(payment.amount, payment.currency);
  byTestId('refund-currency').textContent = payment.currency;
  byTestId('refund-refunded').textContent = '…';
  byTestId('refund-available').textContent = '…';
  amountInput.value = '';
  reasonInput.value = '';
  showError('refund-error', null);
  dialog.showModal();
  amountInput.focus();

  // Shown as a guide only: the API stays the judge of what may be refunded.
  try {
    const current = await session.api.get(paymentPath(payment.id));
    const { refunded, leftToRefund: available } = paymentMoney(current);
    if (refundTarget !== payment) return;
    byTestId('refund-refunded').textContent = formatAmount(refunded, payment.currency);
    byTestId('refund-available').textContent = formatAmount(available, payment.currency);
    // Suggest the full remaining amount unless the merchant has already typed one.
    if (amountInput.value === '' && available > 0) {
      amountInput.value = minorToInput(available, payment.currency);
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
  const parsed = parseAmountInput(amountInput.value, payment.currency);
  if (!parsed.ok) {
    showError('refund-error', new Error(parsed.error));
    amountInput.focus();
    return;
  }
  const body = { amount: parsed.minor };
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
  refunds.forget(payment.id);
  await reported(refreshView());
});

if (session) {
  pager.wireButtons();
  const refreshButton = byTestId('refresh-transactions-button');
  refreshButton.addEventListener('click', () =>
    withBusyButton(refreshButton, 'Refreshing…', () => reported(refreshView())),
  );
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = filtersFromSearch(new URLSearchParams(new FormData(filterForm)).toString());
    // An exact payment id is a lookup: go straight to its page.
    if (PAYMENT_ID.test(next.q)) {
      window.history.pushState({}, '', detailUrl(next.q));
      reported(refreshView());
      return;
    }
    applyFilters(next);
  });
  byTestId('clear-filters-button').addEventListener('click', () => {
    filterForm.reset();
    applyFilters(filtersFromSearch(''));
  });
  const exportButton = byTestId('export-csv-button');
  exportButton.addEventListener('click', () => exportCsv(exportButton));
  byTestId('back-to-transactions').addEventListener('click', (event) => {
    event.preventDefault();
    window.history.pushState({}, '', '/dashboard/transactions');
    reported(refreshView());
  });
  window.addEventListener('popstate', () => {
    pager.readUrl();
    filters = filtersFromSearch(window.location.search);
    showFiltersInForm();
    reported(refreshView());
  });
  showFiltersInForm();
  reported(refreshView());
}
