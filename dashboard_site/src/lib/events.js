// The events API (openapi.yaml /api/v1/events) as the Events page uses it: filters kept in the address bar, the list
// query with its cursor, and what "Resend" does for one event. Pure functions, checked by node's test runner.

export const EVENT_TYPES = Object.freeze([
  'payment.created',
  'payment.pending',
  'payment.success',
  'payment.failed',
  'payment.captured',
  'order.paid',
  'payment_link.paid',
  'refund.created',
  'refund.processed',
  'webhook.test',
]);

export const DELIVERY_STATUSES = Object.freeze({
  pending: 'Pending',
  success: 'Delivered',
  failed: 'Failed',
  none: 'Not sent',
});

export const EVENT_ID_PATTERN = /^evt_[A-Za-z0-9]{16}$/;
export const PAYMENT_ID_PATTERN = /^pay_[A-Za-z0-9]{16}$/;

function isoOrEmpty(value) {
  const date = new Date(value ?? '');
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}

/** The filters and cursor in a query string; unknown values are dropped rather than sent. */
export function eventFiltersFromSearch(search) {
  const params = new URLSearchParams(search);
  const status = params.get('delivery_status') ?? '';
  const cursor = params.get('starting_after') ?? '';
  const event = params.get('event') ?? '';
  const paymentId = (params.get('payment_id') ?? '').trim();
  return {
    types: params.getAll('type').filter((type) => EVENT_TYPES.includes(type)),
    from: isoOrEmpty(params.get('from')),
    to: isoOrEmpty(params.get('to')),
    deliveryStatus: status in DELIVERY_STATUSES ? status : '',
    paymentId: PAYMENT_ID_PATTERN.test(paymentId) ? paymentId : '',
    startingAfter: EVENT_ID_PATTERN.test(cursor) ? cursor : '',
    event: EVENT_ID_PATTERN.test(event) ? event : '',
  };
}

/** The query string of GET /api/v1/events (and of the page's own address) for these filters. */
export function eventsQuery(
  { types = [], from = '', to = '', deliveryStatus = '', paymentId = '', startingAfter = '' },
  limit,
) {
  const params = new URLSearchParams();
  if (limit) params.set('limit', String(limit));
  if (startingAfter) params.set('starting_after', startingAfter);
  for (const type of types) params.append('type', type);
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  if (deliveryStatus) params.set('delivery_status', deliveryStatus);
  if (paymentId) params.set('payment_id', paymentId);
  return params.toString();
}

/** A `datetime-local` input's value (the merchant's own time) as ISO-8601 UTC; '' when empty or invalid. */
export function localInputToIso(value) {
  return value ? isoOrEmpty(value) : '';
}

/** ISO-8601 UTC as a `datetime-local` value in the merchant's own time zone, to the second. */
export function isoToLocalInput(iso) {
  const date = new Date(iso ?? '');
  if (!iso || Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

/**
 * What "Resend" does: an event that was delivered (or tried) is sent again through its newest
 * delivery (POST /api/v1/webhooks/{id}/retry, to the current URL); one never sent is recovered over
 * its own instant (POST /api/v1/webhooks/recover, which sends events whose delivery never happened).
 */
export function resendPlan(event) {
  const deliveries = Array.isArray(event?.deliveries) ? event.deliveries : [];
  const newest = deliveries.at(-1);
  if (newest?.webhook_id) return { kind: 'retry', webhookId: newest.webhook_id };
  return { kind: 'recover', since: event.created_at, until: event.created_at };
}

/**
 * What an event is about, for its row: {text, paymentId} where text names the resource and its amount
 * (`pay_… · ₹500.00`, `rfnd_… of pay_… · ₹200.00`) and paymentId is the payment to open, or null.
 */
export function eventSubject(event, formatAmount) {
  const { payment, refund, order } = event?.data ?? {};
  const amountOf = (resource, currency) =>
    Number.isInteger(resource.amount) ? ` · ${formatAmount(resource.amount, currency)}` : '';
  if (refund?.id) {
    const text = `${refund.id} of ${refund.payment_id}${amountOf(refund, refund.currency ?? payment?.currency)}`;
    return { text, paymentId: refund.payment_id ?? null };
  }
  if (payment?.id) return { text: `${payment.id}${amountOf(payment, payment.currency)}`, paymentId: payment.id };
  if (order?.id) return { text: `${order.id}${amountOf(order, order.currency)}`, paymentId: null };
  return { text: event?.type === 'webhook.test' ? 'Test event' : '-', paymentId: null };
}

/** The Events page with one event's detail open. */
export function eventDetailUrl(eventId) {
  return `/dashboard/events?event=${encodeURIComponent(eventId)}`;
}

/** The events list of the type of one webhook delivery, up to its creation: the delivery's event leads it. */
export function eventsLinkForDelivery(log) {
  const query = eventsQuery({
    types: EVENT_TYPES.includes(log?.event) ? [log.event] : [],
    to: isoOrEmpty(log?.created_at),
  });
  return `/dashboard/events${query ? `?${query}` : ''}`;
}
