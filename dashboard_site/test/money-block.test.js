import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureQuestion, moneyMovements, paymentMoney } from '../src/lib/money-block.js';

// A payment refunded 10,000 before capture, captured for the rest, then refunded 5,000 more: the
// figures as the API gives them.
const refundedThenCaptured = {
  id: 'pay_m',
  amount: 50000,
  currency: 'JPY',
  status: 'success',
  captured: true,
  amount_captured: 40000,
  amount_refunded: 15000,
  amount_capturable: 0,
  amount_refundable: 35000,
  amount_net: 35000,
  refund_status: 'partial',
};

describe('paymentMoney', () => {
  it('reads every figure from the API, not from its own arithmetic', () => {
    assert.deepEqual(paymentMoney(refundedThenCaptured), {
      authorized: 50000,
      captured: 40000,
      refunded: 15000,
      leftToCapture: 0,
      leftToRefund: 35000,
      net: 35000,
      refundStatus: 'partial',
    });
  });

  it('never shows a negative net, and nothing authorized before success', () => {
    assert.equal(paymentMoney({ ...refundedThenCaptured, amount_net: -400 }).net, 0);
    assert.equal(paymentMoney({ ...refundedThenCaptured, status: 'pending' }).authorized, 0);
  });
});

describe('captureQuestion', () => {
  it('says what the capture takes and why, in the currency of the payment', () => {
    const payment = { ...refundedThenCaptured, captured: false, amount_captured: 0, amount_refunded: 10000 };
    payment.amount_capturable = 40000;
    assert.equal(
      captureQuestion(payment),
      'Capture ¥40,000 on pay_m? That is the ¥50,000 authorized minus ¥10,000 already refunded. ' +
        'A capture cannot be undone; refunds stay possible.',
    );
  });

  it('formats INR and KWD with their decimals', () => {
    const inr = { id: 'pay_i', amount: 129900, currency: 'INR', status: 'success', amount_capturable: 129900 };
    assert.match(captureQuestion(inr), /^Capture ₹1,299\.00 on pay_i\? That is the whole amount authorized\./);
    const kwd = { ...inr, currency: 'KWD', amount: 1500, amount_capturable: 1500 };
    assert.match(captureQuestion(kwd), /^Capture KWD 1\.500 /);
  });
});

describe('moneyMovements', () => {
  it('lists the events that moved the money, saying what each refund lowered', () => {
    const events = [
      { id: 'e1', type: 'payment.created', created_at: '1', data: { payment: { amount: 50000 } } },
      { id: 'e2', type: 'payment.success', created_at: '2', data: { payment: { amount: 50000 } } },
      { id: 'e3', type: 'refund.created', created_at: '3', data: { refund: { amount: 10000 } } },
      { id: 'e4', type: 'payment.captured', created_at: '4', data: { payment: { amount_captured: 40000 } } },
      { id: 'e5', type: 'refund.created', created_at: '5', data: { refund: { amount: 5000 } } },
    ];
    assert.deepEqual(
      moneyMovements(events, 'INR').map((movement) => movement.text),
      [
        'Authorized ₹500.00',
        'Refunded ₹100.00, lowering what can be captured',
        'Captured ₹400.00',
        'Refunded ₹50.00, lowering net',
      ],
    );
  });
});
