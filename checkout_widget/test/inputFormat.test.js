import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCardNumberInput, formatExpiryInput } from '../src/checkout/inputFormat.js';

describe('card number input', () => {
  it('groups digits in fours and drops other characters', () => {
    assert.equal(formatCardNumberInput('4111111111111111'), '4111 1111 1111 1111');
    assert.equal(formatCardNumberInput('4111-1111 1'), '4111 1111 1');
  });

  it('stops at 19 digits', () => {
    assert.equal(formatCardNumberInput('1'.repeat(25)).replace(/ /g, '').length, 19);
  });
});

describe('expiry input', () => {
  it('inserts the slash after the month', () => {
    assert.equal(formatExpiryInput('1230'), '12/30');
    assert.equal(formatExpiryInput('12/30'), '12/30');
    assert.equal(formatExpiryInput('12'), '12');
  });

  it('pads a single-digit month typed with a slash', () => {
    assert.equal(formatExpiryInput('1/'), '01/');
    assert.equal(formatExpiryInput('1/30'), '01/30');
  });

  it('keeps an invalid month for the validator to report', () => {
    assert.equal(formatExpiryInput('13/30'), '13/30');
  });
});
