// A payment's history as its detail page tells it: every change of state, oldest first, with the version
// each change gave the payment (and the refund or order it concerned), and the webhook deliveries of its
// events. Pure functions, checked by node's test runner.

import { formatAmount } from '../../../web_shared/money.js';
import { AUTO_REFUND_REASON } from './payments.js';

// Changes that share a moment read in the order the lifecycle runs.
const STEP_ORDER = ['created', 'settled', 'captured', 'refund-created', 'refund-processed'];

function eventData(events, type, subject, id) {
  const event = events.find((candidate) => candidate.type === type && candidate.data?.[subject]?.id === id);
  return event ? { at: event.created_at, resource: event.data[subject], data: event.data } : null;
}

function version(of, value) {
  return Number.isInteger(value) ? { of, version: value } : null;
}

/**
 * The payment's own version after each change that gives it one: created (1), settled (2), then its
 * capture and each refund the merchant asked for, in the order they happened (README, "Orders are paid once"). The gateway's
 * own refund of a late success is part of the settlement. null where the count does not come out at the
 * payment's current version (a change this page cannot see), rather than a guess.
 */
function laterPaymentVersions(payment, refunds, settledVersion) {
  const changes = refunds
    .filter((refund) => refund.reason !== AUTO_REFUND_REASON)
    .map((refund) => ({ key: refund.id, at: refund.created_at }));
  if (payment.captured) changes.push({ key: 'capture', at: payment.updated_at });
  changes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const consistent = settledVersion + changes.length === payment.version;
  return new Map(changes.map((change, index) => [change.key, consistent ? settledVersion + index + 1 : null]));
}

/**
 * The entries of the payment's timeline, oldest first:
 * [{at (ISO, or null when the moment is unknown), step, text, versions: [{of, version}]}].
 * `events` are the payment's events (GET /api/v1/payments/{id}/events): they carry the versions the gateway
 * sent; without them the entries still come from the payment and its refunds.
 */
export function paymentTimeline(payment, refunds = [], events = []) {
  const money = (amount) => formatAmount(amount, payment.currency);
  const created = eventData(events, 'payment.created', 'payment', payment.id);
  const entries = [
    {
      at: payment.created_at,
      step: 'created',
      text: `Payment created, pending (${payment.method})`,
      versions: [version('payment', created?.resource.version ?? 1)],
    },
  ];
  // Every way out goes through `ordered`, which drops the versions a change did not give (null).
  const ordered = () => {
    const sortKey = (entry) => Date.parse(entry.at ?? settled?.at ?? payment.created_at);
    return entries
      .map((entry) => ({ ...entry, versions: entry.versions.filter(Boolean) }))
      .sort((a, b) => sortKey(a) - sortKey(b) || STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step));
  };
  let settled = null;
  if (payment.status === 'pending') return ordered();

  const succeeded = payment.status === 'success';
  settled = eventData(events, succeeded ? 'payment.success' : 'payment.failed', 'payment', payment.id);
  const settledVersion = settled?.resource.version ?? 2;
  const orderPaid = eventData(events, 'order.paid', 'payment', payment.id);
  entries.push({
    // A capture moves updated_at on; without the event the moment of settling is then unknown.
    at: settled?.at ?? (payment.captured ? null : payment.updated_at),
    step: 'settled',
    text: succeeded
      ? `Payment succeeded${orderPaid ? `; order ${orderPaid.data.order.id} paid` : ''}`
      : `Payment failed: ${payment.error_code ?? 'PAYMENT_FAILED'} (${payment.error_description ?? 'no reason given'})`,
    versions: [version('payment', settledVersion), orderPaid ? version('order', orderPaid.data.order.version) : null],
  });
  if (!succeeded) return ordered();

  const later = laterPaymentVersions(payment, refunds, settledVersion);
  if (payment.captured) {
    entries.push({
      at: payment.updated_at,
      step: 'captured',
      text: `Captured ${money(payment.amount)}`,
      versions: [version('payment', later.get('capture'))],
    });
  }
  for (const refund of refunds) {
    const byGateway = refund.reason === AUTO_REFUND_REASON;
    const createdEvent = eventData(events, 'refund.created', 'refund', refund.id);
    entries.push({
      at: refund.created_at,
      step: 'refund-created',
      text: `Refund ${refund.id} of ${money(refund.amount)} created${byGateway ? ' by the gateway: order already paid' : ''}`,
      versions: [
        byGateway ? null : version('payment', later.get(refund.id)),
        version('refund', createdEvent?.resource.version ?? 1),
      ],
    });
    if (refund.processed_at) {
      const processed = eventData(events, 'refund.processed', 'refund', refund.id);
      entries.push({
        at: refund.processed_at,
        step: 'refund-processed',
        text: `Refund ${refund.id} processed`,
        versions: [version('refund', processed?.resource.version ?? refund.version)],
      });
    }
  }
  return ordered();
}

/**
 * One row per webhook delivery of the payment's events, oldest event first, and one for each event that
 * was never sent (no URL then): [{event, delivery | null}].
 */
export function deliveryRows(events = []) {
  return events.flatMap((event) => {
    const deliveries = Array.isArray(event.deliveries) ? event.deliveries : [];
    return deliveries.length ? deliveries.map((delivery) => ({ event, delivery })) : [{ event, delivery: null }];
  });
}
