import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createdRange,
  filtersFromSearch,
  isAutoRefunded,
  matchesSearch,
  paymentState,
  paymentsCsv,
  paymentsListPath,
  wasAutoRefunded,
} from '../src/lib/payments.js';

const success = { id: 'pay_a', order_id: 'order_a', amount: 1000, status: 'success', captured: false };

describe('paymentState', () => {
  it('tells authorized from captured', () => {
    assert.equal(paymentState(success, []), 'authorized');
    assert.equal(paymentState({ ...success, captured: true }, []), 'captured');
  });

  it('counts pending and processed refunds, not failed ones', () => {
    assert.equal(paymentState(success, [{ amount: 400, status: 'pending' }]), 'partially_refunded');
    assert.equal(
      paymentState(success, [
        { amount: 400, status: 'processed' },
        { amount: 600, status: 'pending' },
      ]),
      'refunded',
    );
    assert.equal(paymentState({ ...success, captured: true }, [{ amount: 1000, status: 'failed' }]), 'captured');
  });

  it('keeps pending and failed payments as they are', () => {
    assert.equal(paymentState({ ...success, status: 'pending' }, null), 'pending');
    assert.equal(paymentState({ ...success, status: 'failed' }, null), 'failed');
  });
});

describe('isAutoRefunded', () => {
  it('recognises the refund the gateway makes on a paid order', () => {
    assert.equal(isAutoRefunded([{ reason: 'Order already paid' }]), true);
    assert.equal(isAutoRefunded([{ reason: 'Customer request' }]), false);
    assert.equal(isAutoRefunded(null), false);
  });
});

describe('wasAutoRefunded', () => {
  it("follows the API's auto_refunded, whatever the refunds say", () => {
    const gatewayRefund = [{ reason: 'Order already paid' }];
    assert.equal(wasAutoRefunded({ ...success, auto_refunded: true }), true);
    assert.equal(wasAutoRefunded({ ...success, auto_refunded: false }, gatewayRefund), false);
  });

  it('judges a payment view without it on its refunds', () => {
    assert.equal(wasAutoRefunded(success, [{ reason: 'Order already paid' }]), true);
    assert.equal(wasAutoRefunded(success, null), false);
  });
});

describe('filters', () => {
  it('reads only known states and real dates from the URL', () => {
    assert.deepEqual(filtersFromSearch('?q=%20pay_x%20&state=refunded&from=2026-01-02&to=bogus'), {
      q: 'pay_x',
      state: 'refunded',
      from: '2026-01-02',
      to: '',
    });
    assert.equal(filtersFromSearch('?state=drop-table').state, '');
  });

  it('matches payment id, order id or VPA, case-insensitively, within the dates', () => {
    const payment = { ...success, vpa: 'Asha@okaxis', created_at: '2026-01-15T10:00:00Z' };
    assert.equal(matchesSearch(payment, { q: 'asha@OKAXIS' }), true);
    assert.equal(matchesSearch(payment, { q: 'order_a' }), true);
    assert.equal(matchesSearch(payment, { q: 'pay_b' }), false);
    assert.equal(matchesSearch(payment, { from: '2026-01-16' }), false);
    assert.equal(matchesSearch(payment, { to: '2026-01-14' }), false);
    assert.equal(matchesSearch(payment, { from: '2026-01-14', to: '2026-01-16' }), true);
  });
});

describe('createdRange', () => {
  it("turns the merchant's calendar days into ISO-8601 instants, both days whole", () => {
    const range = createdRange({ from: '2026-01-14', to: '2026-01-16' });
    assert.equal(range.from, new Date(2026, 0, 14, 0, 0, 0, 0).toISOString());
    assert.equal(range.to, new Date(2026, 0, 16, 23, 59, 59, 999).toISOString());
    assert.match(range.from, /Z$/);
  });

  it('keeps the payments matchesSearch keeps, on either side of each end', () => {
    const filters = { from: '2026-01-14', to: '2026-01-16' };
    const range = createdRange(filters);
    const inRange = (at) => range.from <= at.toISOString() && at.toISOString() <= range.to;
    for (const at of [
      new Date(2026, 0, 13, 23, 59, 59, 999),
      new Date(2026, 0, 14, 0, 0, 0, 0),
      new Date(2026, 0, 16, 23, 59, 59, 999),
      new Date(2026, 0, 17, 0, 0, 0, 0),
    ]) {
      assert.equal(inRange(at), matchesSearch({ ...success, created_at: at.toISOString() }, filters), at.toString());
    }
  });

  it('leaves an end open when its date is empty', () => {
    assert.deepEqual(createdRange({ from: '', to: '' }), { from: null, to: null });
    assert.equal(createdRange({ from: '', to: '2026-01-16' }).from, null);
  });
});

describe('paymentsListPath', () => {
  it('asks for a page, a customer search and a time range, leaving out what is not given', () => {
    assert.equal(paymentsListPath({ limit: 21, offset: 40 }), '/api/v1/payments?limit=21&offset=40');
    assert.equal(
      paymentsListPath({
        limit: 100,
        search: { name: 'email', value: 'a+b@example.com' },
        range: { from: '2026-01-14T18:30:00.000Z', to: null },
      }),
      '/api/v1/payments?limit=100&email=a%2Bb%40example.com&from=2026-01-14T18%3A30%3A00.000Z',
    );
    assert.equal(
      paymentsListPath({ limit: 100, offset: 0, range: { from: '2026-01-14T00:00:00Z', to: '2026-01-15T00:00:00Z' } }),
      '/api/v1/payments?limit=100&offset=0&from=2026-01-14T00%3A00%3A00Z&to=2026-01-15T00%3A00%3A00Z',
    );
  });
});

describe('paymentsCsv', () => {
  it('writes one line per payment with its state, refunds and order status', () => {
    const csv = paymentsCsv([
      {
        payment: { ...success, currency: 'INR', method: 'upi', vpa: 'a@b', created_at: 'T' },
        refunds: [],
        orderStatus: 'paid',
      },
    ]);
    const [header, line] = csv.trim().split('\r\n');
    assert.equal(header.split(',')[0], 'payment_id');
    assert.equal(line, 'pay_a,order_a,INR,2,1000,0,0,0,,upi,a@b,success,authorized,false,paid,T');
  });

  it('writes the API money figures and each currency minor unit', () => {
    const yen = {
      id: 'pay_y',
      order_id: 'order_y',
      amount: 50000,
      currency: 'JPY',
      method: 'card',
      status: 'success',
      captured: true,
      amount_captured: 40000,
      amount_refunded: 15000,
      amount_net: 35000,
      refund_status: 'partial',
      created_at: 'T',
    };
    const line = paymentsCsv([{ payment: yen, refunds: null, orderStatus: 'paid' }])
      .trim()
      .split('\r\n')[1];
    assert.equal(
      line,
      'pay_y,order_y,JPY,0,50000,40000,15000,35000,partial,card,,success,partially_refunded,true,paid,T',
    );
    const kwd = paymentsCsv([{ payment: { ...yen, currency: 'KWD' } }])
      .trim()
      .split('\r\n')[1];
    assert.match(kwd, /^pay_y,order_y,KWD,3,50000,/);
  });

  it("takes the order status from the listed payment's order_status", () => {
    const line = paymentsCsv([{ payment: { ...success, currency: 'INR', order_status: 'paid', created_at: 'T' } }])
      .trim()
      .split('\r\n')[1];
    assert.match(line, /,false,paid,T$/);
  });

  it('quotes commas and defuses spreadsheet formulas', () => {
    const csv = paymentsCsv([{ payment: { ...success, order_id: '=HYPERLINK("x")', vpa: 'a,b', method: 'upi' } }]);
    assert.match(csv, /"'=HYPERLINK\(""x""\)"/);
    assert.match(csv, /"a,b"/);
  });
});
