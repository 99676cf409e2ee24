import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSuccessRate } from '../src/lib/money.js';

describe('formatSuccessRate', () => {
  it('shows whole percentages without decimals', () => {
    assert.equal(formatSuccessRate({ total_transactions: 10, success_rate: 90 }), '90%');
    assert.equal(formatSuccessRate({ total_transactions: 3, success_rate: 100 }), '100%');
    assert.equal(formatSuccessRate({ total_transactions: 3, success_rate: 0 }), '0%');
  });

  it('keeps one decimal for fractional rates', () => {
    assert.equal(formatSuccessRate({ total_transactions: 3, success_rate: 66.6667 }), '66.7%');
    assert.equal(formatSuccessRate({ total_transactions: 2000, success_rate: 99.95 }), '100%');
  });

  it('reads "-" when there are no payments to rate', () => {
    assert.equal(formatSuccessRate({ total_transactions: 0, success_rate: 0 }), '-');
    assert.equal(formatSuccessRate(null), '-');
    assert.equal(formatSuccessRate({ total_transactions: 4, success_rate: 'n/a' }), '-');
  });
});
