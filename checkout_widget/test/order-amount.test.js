import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAmount } from '../../web_shared/money.js';

// The hosted checkout shows `formatAmount(order.amount, order.currency)` as the order amount and on the
// pay button: each currency with its ISO 4217 minor unit.
describe('the order amount the checkout shows', () => {
  it('shows a JPY order of 50000 as ¥50,000, not divided by 100', () => {
    assert.equal(formatAmount(50000, 'JPY'), '¥50,000');
  });

  it('shows KWD with three decimals and INR with two, grouped the Indian way', () => {
    assert.equal(formatAmount(50000, 'KWD'), 'KWD 50.000');
    assert.equal(formatAmount(5000000, 'INR'), '₹50,000.00');
  });
});
