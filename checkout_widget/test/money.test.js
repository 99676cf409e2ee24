import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAmount } from '../src/shared/money.js';

describe('formatAmount', () => {
  it('formats paise as rupees with two decimals', () => {
    assert.equal(formatAmount(50000), '₹500.00');
    assert.equal(formatAmount(100), '₹1.00');
    assert.equal(formatAmount(12345), '₹123.45');
    assert.equal(formatAmount(5), '₹0.05');
  });

  it('groups thousands the Indian way', () => {
    assert.equal(formatAmount(150000), '₹1,500.00');
    assert.equal(formatAmount(10000000), '₹1,00,000.00');
  });

  it('uses the currency of the order', () => {
    assert.equal(formatAmount(150000, 'INR'), '₹1,500.00');
    assert.equal(formatAmount(1999, 'USD'), '$19.99');
  });

  it('refuses non-integer amounts rather than rounding them', () => {
    assert.throws(() => formatAmount(10.5), TypeError);
  });
});
