// What a merchant reads from a payment and its refunds: its lifecycle state, the filters of the
// transactions page, and the CSV export. Pure functions, so node's test runner checks them.

import { minorUnits } from '../../../web_shared/money.js';
import { paymentMoney } from './money-block.js';

/** The reason the gateway gives the refund it makes for a late success on a paid order (README, "Orders are paid once"). */
export const AUTO_REFUND_REASON = 'Order already paid';

/** The Transactions page open on one payment. */
export function paymentDetailUrl(paymentId) {
  return `/dashboard/transactions?payment=${encodeURIComponent(paymentId)}`;
}

export const PAYMENT_STATES = Object.freeze({
  pending: 'Pending',
  failed: 'Failed',
  authorized: 'Authorized',
  captured: 'Captured',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
});

/** Paise refunded or being refunded: a failed refund gives nothing back. */
export function refundedAmount(refunds) {
  return (refunds ?? []).filter((refund) => refund.status !== 'failed').reduce((sum, refund) => sum + refund.amount, 0);
}

/**
 * A successful payment is "authorized" until captured; refunds then make it "partially refunded" or
 * "refunded". The API's `amount_refunded` decides; a payment view without it is judged on its refunds.
 */
export function paymentState(payment, refunds = null) {
  if (payment.status !== 'success') return payment.status === 'pending' ? 'pending' : 'failed';
  const refunded = payment.amount_refunded ?? refundedAmount(refunds);
  if (refunded > 0) return refunded >= payment.amount ? 'refunded' : 'partially_refunded';
  return payment.captured ? 'captured' : 'authorized';
}

export function isAutoRefunded(refunds) {
  return (refunds ?? []).some((refund) => refund.reason === AUTO_REFUND_REASON);
}

/** Whether the gateway refunded the payment because its order was already paid: the API's `auto_refunded`
 * decides; a payment view without it is judged on its refunds. */
export function wasAutoRefunded(payment, refunds = null) {
  return payment.auto_refunded ?? isAutoRefunded(refunds);
}

export function methodDetail(payment) {
  if (payment.method === 'upi') return payment.vpa ?? '';
  if (payment.method === 'card' && payment.card_last4)
    return `${payment.card_network ?? 'card'} •••• ${payment.card_last4}`;
  return '';
}

/** The filters as the page keeps them in its URL: ?q=&state=&from=&to= (dates as YYYY-MM-DD). */
export function filtersFromSearch(search) {
  const params = new URLSearchParams(search);
  const date = (name) => (/^\d{4}-\d{2}-\d{2}$/.test(params.get(name) ?? '') ? params.get(name) : '');
  const state = params.get('state') ?? '';
  return {
    q: (params.get('q') ?? '').trim(),
    state: state in PAYMENT_STATES ? state : '',
    from: date('from'),
    to: date('to'),
  };
}

export function hasFilters(filters) {
  return Boolean(filters.q || filters.state || filters.from || filters.to);
}

/** Whether a payment matches the text and date filters (the state filter needs its refunds too). */
export function matchesSearch(payment, { q, from, to }) {
  if (q) {
    const needle = q.toLowerCase();
    const haystack = [payment.id, payment.order_id, payment.vpa].filter(Boolean).map((text) => text.toLowerCase());
    if (!haystack.some((text) => text.includes(needle))) return false;
  }
  // Dates are the merchant's calendar days, in the browser's time zone, both ends included.
  const created = new Date(payment.created_at);
  if (from && created < new Date(`${from}T00:00:00`)) return false;
  if (to && created > new Date(`${to}T23:59:59.999`)) return false;
  return true;
}

/**
 * The date filters as the payments list's `from` and `to` (ISO-8601, as the events list takes them): the
 * first and the last millisecond of the merchant's calendar days, in the browser's time zone, both ends
 * included. An empty date leaves its end open (null).
 */
export function createdRange({ from, to }) {
  const instant = (localTime) => new Date(localTime).toISOString();
  return {
    from: from ? instant(`${from}T00:00:00`) : null,
    to: to ? instant(`${to}T23:59:59.999`) : null,
  };
}

/**
 * `/api/v1/payments` with its query: `limit`, then `offset`, a customer search (`{name, value}` of
 * customer.js, or null) and the `from`/`to` of createdRange, each left out when not given.
 */
export function paymentsListPath({ limit, offset = null, search = null, range = { from: null, to: null } }) {
  const params = new URLSearchParams({ limit: String(limit) });
  if (offset !== null) params.set('offset', String(offset));
  if (search) params.set(search.name, search.value);
  if (range.from !== null) params.set('from', String(range.from));
  if (range.to !== null) params.set('to', String(range.to));
  return `/api/v1/payments?${params}`;
}

function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// Amounts are integers in the currency's smallest unit, `minor_unit` its decimals (INR 2, JPY 0, KWD 3);
// the money columns are the API's own figures (the gateway defines them once), never recomputed here.
export const CSV_COLUMNS = [
  'payment_id',
  'order_id',
  'currency',
  'minor_unit',
  'amount',
  'amount_captured',
  'amount_refunded',
  'amount_net',
  'refund_status',
  'method',
  'method_detail',
  'status',
  'state',
  'captured',
  'order_status',
  'created_at',
];

/** rows: [{payment, refunds, orderStatus}] -> CSV text with a header line (`orderStatus` defaults to the
 * listed payment's `order_status`). */
export function paymentsCsv(rows) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { payment, refunds, orderStatus } of rows) {
    const figures = paymentMoney(payment);
    lines.push(
      [
        payment.id,
        payment.order_id,
        payment.currency,
        minorUnits(payment.currency),
        payment.amount,
        figures.captured,
        figures.refunded,
        figures.net,
        figures.refundStatus ?? '',
        payment.method,
        methodDetail(payment),
        payment.status,
        paymentState(payment, refunds),
        Boolean(payment.captured),
        orderStatus ?? payment.order_status ?? '',
        payment.created_at,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
