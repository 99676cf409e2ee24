// A payment's money on its page: authorized, captured, refunded, what is left to capture or refund, and
// net, read from the API's own figures (amount_captured, amount_refunded, amount_capturable,
// amount_refundable, amount_net), which the gateway defines once; the page never recomputes them. Also
// the events that moved each figure, and the text that asks before a capture.

import { formatAmount } from '../../../web_shared/money.js';
import { el } from './dom.js';

/** The payment's figures, in minor units, as the API gives them. */
export function paymentMoney(payment) {
  return {
    authorized: payment.status === 'success' ? payment.amount : 0,
    captured: payment.amount_captured ?? 0,
    refunded: payment.amount_refunded ?? payment.refunded_amount ?? 0,
    leftToCapture: payment.amount_capturable ?? 0,
    leftToRefund: payment.amount_refundable ?? 0,
    net: Math.max(0, payment.amount_net ?? 0),
    refundStatus: payment.refund_status ?? null,
  };
}

export const MONEY_FIGURES = Object.freeze([
  ['authorized', 'Authorized', 'money-authorized'],
  ['captured', 'Captured', 'money-captured'],
  ['refunded', 'Refunded', 'money-refunded'],
  ['leftToCapture', 'Left to capture', 'money-left-to-capture'],
  ['leftToRefund', 'Left to refund', 'money-left-to-refund'],
  ['net', 'Net (yours)', 'money-net'],
]);

/** What asking to capture says: how much, and why that much. */
export function captureQuestion(payment) {
  const money = (amount) => formatAmount(amount, payment.currency);
  const { authorized, refunded, leftToCapture } = paymentMoney(payment);
  const why =
    refunded > 0
      ? `the ${money(authorized)} authorized minus ${money(refunded)} already refunded`
      : 'the whole amount authorized';
  return `Capture ${money(leftToCapture)} on ${payment.id}? That is ${why}. A capture cannot be undone; refunds stay possible.`;
}

/**
 * The events that moved the payment's money, oldest first, each with what it did:
 * [{eventId, type, at, text}]. Refunds before the capture lowered what could be captured; after it, net.
 */
export function moneyMovements(events, currency) {
  const money = (amount) => formatAmount(amount, currency);
  const capturedAt = events.find((event) => event.type === 'payment.captured')?.created_at ?? null;
  const movements = [];
  for (const event of events) {
    const payment = event.data?.payment;
    const refund = event.data?.refund;
    let text = null;
    if (event.type === 'payment.success' && payment) {
      text = `Authorized ${money(payment.amount)}`;
    } else if (event.type === 'payment.captured' && payment) {
      text = `Captured ${money(payment.amount_captured ?? payment.amount)}`;
    } else if (event.type === 'refund.created' && refund) {
      const afterCapture = capturedAt !== null && event.created_at >= capturedAt;
      text = `Refunded ${money(refund.amount)}${afterCapture ? ', lowering net' : ', lowering what can be captured'}`;
    }
    if (text) movements.push({ eventId: event.id, type: event.type, at: event.created_at, text });
  }
  return movements;
}

/** The figures as a definition list (the Summary card's money block). */
export function renderMoneyFigures(payment) {
  const figures = paymentMoney(payment);
  return MONEY_FIGURES.map(([key, label, testId]) =>
    el(
      'div',
      { className: key === 'net' ? 'money-figure money-figure-net' : 'money-figure' },
      el('dt', {}, label),
      el('dd', { testId, className: 'num' }, formatAmount(figures[key], payment.currency)),
    ),
  );
}

export function renderMoneyMovements(events, currency, formatTime) {
  return moneyMovements(events, currency).map((movement) =>
    el(
      'li',
      { testId: 'money-movement', dataset: { eventType: movement.type } },
      el('span', { className: 'mono small' }, movement.type),
      el('span', {}, movement.text),
      el('time', { className: 'muted small', datetime: movement.at }, formatTime(movement.at)),
    ),
  );
}
