import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  eventFiltersFromSearch,
  eventSubject,
  eventsLinkForDelivery,
  eventsQuery,
  resendPlan,
} from '../src/lib/events.js';
import { formatAmount } from '../../web_shared/money.js';

const EVENT_ID = 'evt_AAAAAAAAAAAAAAA1';

describe('events filters and query (openapi.yaml /api/v1/events)', () => {
  it('reads known filters from the address bar and drops anything the API would refuse', () => {
    const filters = eventFiltersFromSearch(
      `?type=payment.success&type=bogus&type=order.paid&delivery_status=none&from=2026-11-27T09:00:00Z` +
        `&to=not-a-date&starting_after=${EVENT_ID}&event=evt_short`,
    );
    assert.deepEqual(filters, {
      types: ['payment.success', 'order.paid'],
      from: '2026-11-27T09:00:00.000Z',
      to: '',
      deliveryStatus: 'none',
      paymentId: '',
      startingAfter: EVENT_ID,
      event: '',
    });
    assert.equal(eventFiltersFromSearch('?delivery_status=lost').deliveryStatus, '');
  });

  it('builds the list query with repeated types, the cursor and the limit', () => {
    const query = eventsQuery(
      {
        types: ['payment.success', 'order.paid'],
        from: '2026-11-27T09:00:00.000Z',
        to: '',
        deliveryStatus: 'failed',
        startingAfter: EVENT_ID,
      },
      20,
    );
    const params = new URLSearchParams(query);
    assert.equal(params.get('limit'), '20');
    assert.equal(params.get('starting_after'), EVENT_ID);
    assert.deepEqual(params.getAll('type'), ['payment.success', 'order.paid']);
    assert.equal(params.get('from'), '2026-11-27T09:00:00.000Z');
    assert.equal(params.has('to'), false);
    assert.equal(params.get('delivery_status'), 'failed');
    assert.equal(eventsQuery({}), '');
  });

  it("keeps one payment's filter, and only a payment id", () => {
    const paymentId = 'pay_AAAAAAAAAAAAAAA1';
    assert.equal(eventFiltersFromSearch(`?payment_id=${paymentId}`).paymentId, paymentId);
    assert.equal(eventFiltersFromSearch('?payment_id=order_x').paymentId, '');
    assert.equal(new URLSearchParams(eventsQuery({ paymentId }, 20)).get('payment_id'), paymentId);
  });
});

describe('resend', () => {
  it('retries the newest delivery of an event that has one', () => {
    const event = { created_at: '2026-11-27T10:00:00.000Z', deliveries: [{ webhook_id: 'a' }, { webhook_id: 'b' }] };
    assert.deepEqual(resendPlan(event), { kind: 'retry', webhookId: 'b' });
  });

  it('recovers the instant of an event that was never sent', () => {
    const at = '2026-11-27T10:00:00.000Z';
    assert.deepEqual(resendPlan({ created_at: at, deliveries: [] }), { kind: 'recover', since: at, until: at });
  });
});

describe('link from a webhook delivery', () => {
  it('lists events of its type up to its creation', () => {
    const href = eventsLinkForDelivery({ event: 'payment.success', created_at: '2026-11-27T10:00:01.000Z' });
    assert.equal(href, '/dashboard/events?type=payment.success&to=2026-11-27T10%3A00%3A01.000Z');
    assert.equal(eventsLinkForDelivery({}), '/dashboard/events');
  });
});

describe('what an event is about', () => {
  it('names the payment and its amount, and links to it', () => {
    const event = { type: 'payment.success', data: { payment: { id: 'pay_a', amount: 50000, currency: 'INR' } } };
    assert.deepEqual(eventSubject(event, formatAmount), { text: 'pay_a · ₹500.00', paymentId: 'pay_a' });
  });

  it('names a refund with its payment and amount', () => {
    const event = { type: 'refund.created', data: { refund: { id: 'rfnd_a', payment_id: 'pay_a', amount: 20000 } } };
    assert.deepEqual(eventSubject(event, formatAmount), { text: 'rfnd_a of pay_a · ₹200.00', paymentId: 'pay_a' });
  });

  it('formats a refund in its own currency, with no payment beside it', () => {
    const event = {
      type: 'refund.processed',
      data: { refund: { id: 'rfnd_y', payment_id: 'pay_y', amount: 5000, currency: 'JPY' } },
    };
    assert.deepEqual(eventSubject(event, formatAmount), { text: 'rfnd_y of pay_y · ¥5,000', paymentId: 'pay_y' });
  });

  it('leaves the amount out when the event does not carry one', () => {
    const event = { type: 'order.paid', data: { order: { id: 'order_a', status: 'paid' } } };
    assert.deepEqual(eventSubject(event, formatAmount), { text: 'order_a', paymentId: null });
  });

  it('says a test event is one', () => {
    assert.deepEqual(eventSubject({ type: 'webhook.test', data: {} }, formatAmount), {
      text: 'Test event',
      paymentId: null,
    });
  });
});
