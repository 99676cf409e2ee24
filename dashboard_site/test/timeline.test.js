import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryRows, paymentTimeline } from '../src/lib/timeline.js';

const base = {
  id: 'pay_a',
  order_id: 'order_a',
  amount: 50000,
  currency: 'INR',
  method: 'upi',
  created_at: '2026-01-15T10:00:00.000Z',
};
const event = (type, at, data) => ({ id: `evt_${type}`, type, created_at: at, data, deliveries: [] });
const shown = (entries) => entries.map((entry) => [entry.step, entry.versions.map((v) => `${v.of} v${v.version}`)]);

describe('paymentTimeline', () => {
  it('shows a pending payment as created, version 1', () => {
    const entries = paymentTimeline({ ...base, status: 'pending', version: 1, updated_at: base.created_at });
    assert.deepEqual(shown(entries), [['created', ['payment v1']]]);
    assert.equal(entries[0].text, 'Payment created, pending (upi)');
  });

  it('gives the capture and each refund the next payment version, in the order they happened', () => {
    // settled at 10:00:01, refunded at 10:05, captured at 10:10: the refund is v3, the capture v4
    const payment = {
      ...base,
      status: 'success',
      captured: true,
      version: 4,
      updated_at: '2026-01-15T10:10:00.000Z',
    };
    const refund = {
      id: 'rfnd_a',
      amount: 10000,
      reason: null,
      status: 'processed',
      version: 2,
      created_at: '2026-01-15T10:05:00.000Z',
      processed_at: '2026-01-15T10:05:01.000Z',
    };
    const events = [
      event('payment.created', base.created_at, { payment: { id: 'pay_a', version: 1 } }),
      event('payment.success', '2026-01-15T10:00:01.000Z', { payment: { id: 'pay_a', version: 2 } }),
      event('order.paid', '2026-01-15T10:00:01.000Z', {
        order: { id: 'order_a', version: 3 },
        payment: { id: 'pay_a', version: 2 },
      }),
    ];
    const entries = paymentTimeline(payment, [refund], events);
    assert.deepEqual(shown(entries), [
      ['created', ['payment v1']],
      ['settled', ['payment v2', 'order v3']],
      ['refund-created', ['payment v3', 'refund v1']],
      ['refund-processed', ['refund v2']],
      ['captured', ['payment v4']],
    ]);
    assert.equal(entries[1].at, '2026-01-15T10:00:01.000Z');
    assert.equal(entries[1].text, 'Payment succeeded; order order_a paid');
    assert.equal(entries[2].text, 'Refund rfnd_a of ₹100.00 created');
  });

  it("counts the gateway's own refund of a late success as part of the settlement", () => {
    const payment = { ...base, status: 'success', captured: false, version: 2, updated_at: '2026-01-15T10:00:01Z' };
    const refund = {
      id: 'rfnd_auto',
      amount: 50000,
      reason: 'Order already paid',
      status: 'pending',
      version: 1,
      created_at: '2026-01-15T10:00:01Z',
      processed_at: null,
    };
    const entries = paymentTimeline(payment, [refund]);
    assert.deepEqual(shown(entries), [
      ['created', ['payment v1']],
      ['settled', ['payment v2']],
      ['refund-created', ['refund v1']],
    ]);
    assert.match(entries[2].text, /by the gateway: order already paid$/);
  });

  it('leaves out payment versions it cannot account for rather than guessing', () => {
    const payment = { ...base, status: 'success', captured: true, version: 7, updated_at: '2026-01-15T11:00:00Z' };
    const entries = paymentTimeline(payment, []);
    assert.deepEqual(shown(entries), [
      ['created', ['payment v1']],
      ['settled', ['payment v2']],
      ['captured', []],
    ]);
    // without its event, the moment a captured payment settled is unknown (the capture moved updated_at)
    assert.equal(entries[1].at, null);
  });

  it('says why a payment failed', () => {
    const payment = {
      ...base,
      status: 'failed',
      version: 2,
      updated_at: '2026-01-15T10:00:01Z',
      error_code: 'PAYMENT_DECLINED',
      error_description: 'Payment declined by the bank',
    };
    const [, failed] = paymentTimeline(payment);
    assert.equal(failed.text, 'Payment failed: PAYMENT_DECLINED (Payment declined by the bank)');
    assert.equal(failed.at, '2026-01-15T10:00:01Z');
  });

  it('gives a failed payment only the versions its changes had (no order was paid)', () => {
    const payment = { ...base, status: 'failed', version: 2, updated_at: '2026-01-15T10:00:01Z' };
    const events = [
      event('payment.created', base.created_at, { payment: { id: 'pay_a', version: 1 } }),
      event('payment.failed', '2026-01-15T10:00:01Z', { payment: { id: 'pay_a', version: 2 } }),
    ];
    assert.deepEqual(shown(paymentTimeline(payment, [], events)), [
      ['created', ['payment v1']],
      ['settled', ['payment v2']],
    ]);
  });
});

describe('deliveryRows', () => {
  it('gives every delivery a row and an event never sent one of its own', () => {
    const sent = {
      ...event('payment.created', base.created_at, {}),
      deliveries: [{ webhook_id: 'a' }, { webhook_id: 'b' }],
    };
    const unsent = event('payment.pending', base.created_at, {});
    const rows = deliveryRows([sent, unsent]);
    assert.deepEqual(
      rows.map((row) => [row.event.type, row.delivery?.webhook_id ?? null]),
      [
        ['payment.created', 'a'],
        ['payment.created', 'b'],
        ['payment.pending', null],
      ],
    );
  });
});
