import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAmount, paiseToRupeeInput, parseRupeesToPaise } from '../money.js';

describe('formatAmount', () => {
  it('formats paise as rupees with two decimals', () => {
    assert.equal(formatAmount(50000), '₹500.00');
    assert.equal(formatAmount(100), '₹1.00');
    assert.equal(formatAmount(12345), '₹123.45');
    assert.equal(formatAmount(5), '₹0.05');
    assert.equal(formatAmount(0), '₹0.00');
  });

  it('groups thousands the Indian way', () => {
    assert.equal(formatAmount(150000), '₹1,500.00');
    assert.equal(formatAmount(10000000), '₹1,00,000.00');
    assert.equal(formatAmount(12345678900), '₹12,34,56,789.00');
  });

  it('keeps the sign of negative amounts', () => {
    assert.equal(formatAmount(-2550), '-₹25.50');
  });

  it('uses the currency of the order', () => {
    assert.equal(formatAmount(150000, 'INR'), '₹1,500.00');
    assert.equal(formatAmount(1999, 'USD'), '$19.99');
  });

  it('refuses non-integer amounts rather than rounding them', () => {
    assert.throws(() => formatAmount(10.5), TypeError);
    assert.throws(() => formatAmount('100'), TypeError);
  });
});

describe('parseRupeesToPaise', () => {
  it('converts rupees to integer paise without float error', () => {
    assert.deepEqual(parseRupeesToPaise('500'), { ok: true, paise: 50000 });
    assert.deepEqual(parseRupeesToPaise('0.29'), { ok: true, paise: 29 }); // 0.29 * 100 = 28.999999999999996
    assert.deepEqual(parseRupeesToPaise('19.99'), { ok: true, paise: 1999 });
    assert.deepEqual(parseRupeesToPaise('1.1'), { ok: true, paise: 110 });
    assert.deepEqual(parseRupeesToPaise('1.'), { ok: true, paise: 100 });
    assert.deepEqual(parseRupeesToPaise('0.01'), { ok: true, paise: 1 });
  });

  it('accepts a rupee sign, grouping commas and surrounding spaces', () => {
    assert.deepEqual(parseRupeesToPaise(' ₹ 1,250.50 '), { ok: true, paise: 125050 });
    assert.deepEqual(parseRupeesToPaise('1,00,000'), { ok: true, paise: 10000000 });
  });

  it('rejects more than two decimal places', () => {
    assert.equal(parseRupeesToPaise('1.005').ok, false);
    assert.match(parseRupeesToPaise('1.005').error, /2 decimal/);
  });

  it('rejects empty, zero, negative and non-numeric input', () => {
    for (const input of ['', '   ', '0', '0.00', '-5', 'abc', '1e3', '12.3.4', '.5', null, undefined]) {
      assert.equal(parseRupeesToPaise(input).ok, false, `accepted ${JSON.stringify(input)}`);
    }
  });

  it('rejects amounts beyond safe integer paise', () => {
    assert.equal(parseRupeesToPaise('999999999999999999').ok, false);
  });
});

describe('paiseToRupeeInput', () => {
  it('renders paise as an editable rupee string', () => {
    assert.equal(paiseToRupeeInput(12345), '123.45');
    assert.equal(paiseToRupeeInput(5), '0.05');
    assert.equal(paiseToRupeeInput(50000), '500.00');
  });

  it('round-trips through the parser', () => {
    for (const paise of [1, 99, 100, 1999, 50000, 123456789]) {
      assert.equal(parseRupeesToPaise(paiseToRupeeInput(paise)).paise, paise);
    }
  });
});
