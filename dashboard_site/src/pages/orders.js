// The Orders page: every order, newest first (filtered by status), and each order's payments.
import { formatAmount } from '../../../web_shared/money.js';
import { CursorPager, startCursorList } from '../lib/cursor-pager.js';
import { customerCell } from '../lib/customer.js';
import { byTestId, el, statusBadge, summaryItem } from '../lib/dom.js';
import { methodDetail } from '../lib/payments.js';
import { showError, startDashboardPage } from '../lib/shell.js';
import { actionsCell, detailsButton, paymentLink } from '../lib/table.js';
import { formatDateTime } from '../lib/time.js';

const PAGE_SIZE = 20;

const session = startDashboardPage();
const detail = byTestId('order-detail');

function renderOrder(order) {
  return el(
    'tr',
    { testId: 'order-row', dataset: { orderId: order.id } },
    el('td', { className: 'mono', testId: 'order-id', 'data-label': 'Order' }, order.id),
    el(
      'td',
      { className: 'num', testId: 'order-amount', 'data-label': 'Amount' },
      formatAmount(order.amount, order.currency),
    ),
    el('td', { 'data-label': 'Status' }, statusBadge(order.status, 'order-status')),
    el('td', { testId: 'order-receipt', 'data-label': 'Receipt' }, order.receipt || '-'),
    el(
      'td',
      { testId: 'order-created-at', 'data-label': 'Created' },
      el('time', { datetime: order.created_at }, formatDateTime(order.created_at)),
    ),
    actionsCell(detailsButton('view-order-payments-button', () => openOrder(order))),
  );
}

function renderPayment(payment) {
  const method = methodDetail(payment) ? `${payment.method} · ${methodDetail(payment)}` : payment.method;
  return el(
    'tr',
    { testId: 'order-payment-row', dataset: { paymentId: payment.id } },
    el('td', { className: 'mono', 'data-label': 'Payment' }, paymentLink(payment.id, 'order-payment-link')),
    el('td', { testId: 'order-payment-method', 'data-label': 'Method' }, method),
    el('td', { testId: 'order-payment-customer', 'data-label': 'Customer' }, ...customerCell(payment)),
    el('td', { 'data-label': 'Status' }, statusBadge(payment.status, 'order-payment-status')),
  );
}

async function openOrder(order) {
  byTestId('order-detail-id').textContent = order.id;
  byTestId('order-detail-summary').replaceChildren(
    summaryItem('Amount', formatAmount(order.amount, order.currency), 'order-detail-amount'),
    summaryItem('Status', statusBadge(order.status, 'order-detail-status')),
    summaryItem('Receipt', order.receipt || '-'),
    summaryItem('Created', formatDateTime(order.created_at)),
  );
  byTestId('order-payments-body').replaceChildren();
  byTestId('order-payments-empty').hidden = true;
  showError('order-detail-error', null);
  if (!detail.open) detail.showModal();
  try {
    const payments = await session.api.get(`/api/v1/orders/${encodeURIComponent(order.id)}/payments`);
    if (byTestId('order-detail-id').textContent !== order.id) return;
    byTestId('order-payments-body').replaceChildren(...payments.map(renderPayment));
    byTestId('order-payments-empty').hidden = payments.length > 0;
  } catch (error) {
    showError('order-detail-error', error);
  }
}

if (session) {
  const pager = new CursorPager('orders', {
    filterNames: ['status'],
    pageSize: PAGE_SIZE,
    load: (query) => session.api.get(`/api/v1/orders?${query}`),
    render: renderOrder,
  });
  byTestId('order-detail-close-button').addEventListener('click', () => detail.close());
  startCursorList(pager, {
    readForm: (form) => ({ status: form.elements.status.value }),
    fillForm: (form, filters) => {
      form.elements.status.value = filters.status;
    },
  });
}
