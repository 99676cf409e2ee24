import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { verifyPayment } = require('../snippets/verify-payment.cjs');

// The same fixed vector as tests/unit/test_payment_signature.py (the gateway's own signing).
const VECTOR = {
  orderId: 'order_NXhj3kdi8OVmXfOe',
  paymentId: 'pay_H8sK3jD9s2L1pQr',
  secret: 'secret_test_xyz789',
  signature: '612d5d2b359068d8521a8ccbe46e445e069290176b3dcbf266d5d48cbfec7bc6',
};

describe('verify-payment.cjs (the docs page snippet)', () => {
  it('accepts the fixed vector, which an independent HMAC reproduces', () => {
    const independent = crypto
      .createHmac('sha256', VECTOR.secret)
      .update(`${VECTOR.orderId}|${VECTOR.paymentId}`)
      .digest('hex');
    assert.equal(independent, VECTOR.signature);
    assert.equal(verifyPayment(VECTOR.orderId, VECTOR.paymentId, VECTOR.signature, VECTOR.secret), true);
  });

  it('refuses another secret, another payment, a truncated or missing signature', () => {
    const { orderId, paymentId, signature, secret } = VECTOR;
    assert.equal(verifyPayment(orderId, paymentId, signature, `${secret}x`), false);
    assert.equal(verifyPayment(orderId, `${paymentId}x`, signature, secret), false);
    assert.equal(verifyPayment(orderId, paymentId, signature.slice(0, -1), secret), false);
    assert.equal(verifyPayment(orderId, paymentId, undefined, secret), false);
  });
});
