// One payment's page (?payment=pay_...): its summary, customer, money, refunds, timeline, and the webhook
// deliveries of its events. It reads its own refunds and order: one payment, a handful of requests.
import { formatAmount } from '../../../../web_shared/money.js';
import { customerItems } from '../../lib/customer.js';
import { attemptResult, deliveryDetailUrl, retryNote } from '../../lib/deliveries.js';
import { deliveryBadge } from '../../lib/delivery-views.js';
import { byTestId, el, statusBadge, summaryItem } from '../../lib/dom.js';
import { eventDetailUrl } from '../../lib/events.js';
import { reportAndUse } from '../../lib/failure.js';
import { paymentMoney, renderMoneyFigures, renderMoneyMovements } from '../../lib/money-block.js';
import { methodDetail, paymentState } from '../../lib/payments.js';
import { showError } from '../../lib/shell.js';
import { actionsCell } from '../../lib/table.js';
import { formatDateTime } from '../../lib/time.js';
import { deliveryRows, paymentTimeline } from '../../lib/timeline.js';
import { paymentActions, stateBadges } from './payment-status.js';

const paymentPath = (id, suffix = '') => `/api/v1/payments/${encodeURIComponent(id)}${suffix}`;
// A change's event is recorded a stream hop after the change: the page keeps looking for a while.
const EVENT_LAG_MS = 30_000;

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

function renderRefundRow(refund, money) {
  return el(
    'tr',
    { testId: 'payment-refund-row', dataset: { refundId: refund.id } },
    el('td', { className: 'mono', 'data-label': 'Refund' }, refund.id),
    el('td', { className: 'num', 'data-label': 'Amount' }, money(refund.amount)),
    el('td', { 'data-label': 'Reason', testId: 'refund-reason' }, refund.reason || '-'),
    el('td', { 'data-label': 'Status' }, statusBadge(refund.status, 'refund-status')),
    el('td', { 'data-label': 'Created' }, formatDateTime(refund.created_at)),
    el('td', { 'data-label': 'Processed' }, formatDateTime(refund.processed_at)),
  );
}

function showSummary(payment, refunds, orderStatus) {
  const figures = paymentMoney(payment);
  const money = (amount) => formatAmount(amount, payment.currency);
  byTestId('payment-detail-summary').replaceChildren(
    summaryItem('Amount', money(payment.amount), 'payment-detail-amount'),
    summaryItem('Status', el('span', { className: 'badges' }, stateBadges(payment, refunds)), 'payment-detail-status'),
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
  byTestId('payment-refunds-body').replaceChildren(...refunds.map((refund) => renderRefundRow(refund, money)));
  byTestId('payment-money-figures').replaceChildren(...renderMoneyFigures(payment));
  byTestId('payment-refunds-empty').hidden = refunds.length > 0;
}

function changedLately(payment, refunds) {
  const moments = [payment.updated_at, ...refunds.flatMap((refund) => [refund.created_at, refund.processed_at])];
  return moments.some((at) => at && Date.now() - Date.parse(at) < EVENT_LAG_MS);
}

/** The order's status, kept while the payment's state does not change (the page re-reads every 2 s while
 * something moves, and the order only moves with its payments). */
async function orderStatusOf(view, payment) {
  const key = `${payment.id}:${payment.status}:${payment.captured}:${payment.version ?? ''}`;
  if (view.knownOrder.key !== key) {
    const status = await view.api
      .get(`/api/v1/orders/${encodeURIComponent(payment.order_id)}`)
      .then((order) => order.status ?? '-')
      .catch(reportAndUse('-'));
    view.knownOrder = { key, status };
  }
  return view.knownOrder.status;
}

function refundsOf(api, payment) {
  return payment.status === 'success' ? api.get(paymentPath(payment.id, '/refunds')).catch(reportAndUse(null)) : [];
}

/** The payment's events (with their deliveries); null when they cannot be read. */
async function loadEvents(api, paymentId) {
  try {
    const result = await api.get(paymentPath(paymentId, '/events'));
    showError('payment-deliveries-error', null);
    return Array.isArray(result?.data) ? result.data : [];
  } catch (error) {
    showError('payment-deliveries-error', error);
    return null;
  }
}

/** A delivery waiting for its next attempt says which and when, as on the Webhooks page. */
async function retryNotesOf(api, rows) {
  const waiting = rows.filter(({ delivery }) => delivery?.status === 'pending' && delivery.attempts?.length);
  const notes = await Promise.all(
    waiting.map(({ delivery }) =>
      api
        .get(`/api/v1/webhooks/${encodeURIComponent(delivery.webhook_id)}`)
        .then(retryNote)
        .catch(reportAndUse(null)),
    ),
  );
  return new Map(waiting.map(({ delivery }, index) => [delivery.webhook_id, notes[index]]));
}

/** Money movements, timeline and deliveries; resolves to true while a delivery or a recent change moves. */
async function showActivity(api, payment, refunds) {
  const events = await loadEvents(api, payment.id);
  byTestId('payment-money-movements').replaceChildren(
    ...renderMoneyMovements(events ?? [], payment.currency, formatDateTime),
  );
  byTestId('payment-timeline').replaceChildren(
    ...paymentTimeline(payment, refunds, events ?? []).map(renderTimelineEntry),
  );
  const rows = deliveryRows(events ?? []);
  const retryNotes = await retryNotesOf(api, rows);
  byTestId('payment-deliveries-body').replaceChildren(...rows.map((row) => renderDeliveryRow(row, retryNotes)));
  byTestId('payment-deliveries-empty').hidden = events === null || rows.length > 0;
  return rows.some(({ delivery }) => delivery?.status === 'pending') || changedLately(payment, refunds);
}

/** Shows the payment; resolves to true while something about it is still moving. */
async function loadDetail(view, paymentId) {
  if (byTestId('payment-detail-id').textContent !== paymentId) byTestId('payment-action-status').hidden = true;
  byTestId('payment-detail-id').textContent = paymentId;
  let payment;
  let loaded;
  try {
    payment = await view.api.get(paymentPath(paymentId));
    loaded = await Promise.all([refundsOf(view.api, payment), orderStatusOf(view, payment)]);
  } catch (error) {
    showError('payment-detail-error', error);
    byTestId('payment-detail-summary').replaceChildren();
    return false;
  }
  showError('payment-detail-error', null);
  const [paymentRefunds, orderStatus] = loaded;
  const refunds = paymentRefunds ?? [];
  showSummary(payment, refunds, orderStatus);
  const actions = paymentActions(payment, paymentState(payment, refunds), view.open);
  byTestId('payment-detail-actions').replaceChildren(...actions);
  const deliveriesMoving = await showActivity(view.api, payment, refunds);
  return payment.status === 'pending' || refunds.some((refund) => refund.status === 'pending') || deliveriesMoving;
}

/**
 * The payment page, reading with `api`; `open` has the capture and refund dialogs. Returns `load(paymentId)`,
 * which shows the payment and resolves to true while something about it is still moving.
 */
export function createDetailView(api, open) {
  const view = { api, open, knownOrder: { key: null, status: null } };
  return (paymentId) => loadDetail(view, paymentId);
}
