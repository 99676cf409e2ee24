// The Refunds page: every refund, newest first, or one payment's.
import { formatAmount } from '../../../web_shared/money.js';
import { CursorPager, startCursorList } from '../lib/cursor-pager.js';
import { el, statusBadge } from '../lib/dom.js';
import { startDashboardPage } from '../lib/shell.js';
import { paymentLink } from '../lib/table.js';
import { formatDateTime } from '../lib/time.js';

const PAGE_SIZE = 20;
const PAYMENT_ID = /^pay_[A-Za-z0-9]{16}$/;

const session = startDashboardPage();

// Each refund names its currency (its payment's): the page needs no read per row.
async function loadRefunds(query) {
  const page = await session.api.get(`/api/v1/refunds?${query}`);
  return { ...page, data: Array.isArray(page?.data) ? page.data : [] };
}

function renderRefund(refund) {
  return el(
    'tr',
    { testId: 'refund-row', dataset: { refundId: refund.id } },
    el('td', { className: 'mono', testId: 'refund-id', 'data-label': 'Refund' }, refund.id),
    el('td', { className: 'mono', 'data-label': 'Payment' }, paymentLink(refund.payment_id, 'refund-payment-link')),
    el(
      'td',
      { className: 'num', testId: 'refund-amount', 'data-label': 'Amount' },
      formatAmount(refund.amount, refund.currency),
    ),
    el('td', { testId: 'refund-reason', 'data-label': 'Reason' }, refund.reason || '-'),
    el('td', { 'data-label': 'Status' }, statusBadge(refund.status, 'refund-status')),
    el(
      'td',
      { testId: 'refund-created-at', 'data-label': 'Created' },
      el('time', { datetime: refund.created_at }, formatDateTime(refund.created_at)),
    ),
  );
}

if (session) {
  const pager = new CursorPager('refunds', {
    filterNames: ['payment_id'],
    pageSize: PAGE_SIZE,
    load: loadRefunds,
    render: renderRefund,
  });
  startCursorList(pager, {
    readForm: (form) => {
      const paymentId = form.elements.payment_id.value.trim();
      if (paymentId && !PAYMENT_ID.test(paymentId)) {
        throw new Error('A payment id is pay_ followed by 16 letters or digits.');
      }
      return { payment_id: paymentId };
    },
    fillForm: (form, filters) => {
      form.elements.payment_id.value = filters.payment_id;
    },
    formError: 'refunds-filter-error',
  });
}
