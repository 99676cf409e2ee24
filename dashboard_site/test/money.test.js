import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPaise, formatPercent, paiseToRupeeInput, parseRupeesToPaise } from '../src/lib/money.js';

describe('formatPaise', () => {
  it('formats paise as rupees with two decimals', () => {
    assert.equal(formatPaise(150000), '₹1,500.00');
    assert.equal(formatPaise(50000), '₹500.00');
    assert.equal(formatPaise(100), '₹1.00');
    assert.equal(formatPaise(5), '₹0.05');
    assert.equal(formatPaise(0), '₹0.00');
  });

  it('groups large amounts the Indian way', () => {
    assert.equal(formatPaise(12345678900), '₹12,34,56,789.00');
    assert.equal(formatPaise(10000000), '₹1,00,000.00');
  });

  it('keeps the sign of negative amounts', () => {
    assert.equal(formatPaise(-2550), '-₹25.50');
  });

  it('labels other currencies by code', () => {
    assert.equal(formatPaise(1999, 'USD'), 'USD 19.99');
  });

  it('refuses non-integer paise instead of rounding them', () => {
    assert.throws(() => formatPaise(10.5), TypeError);
    assert.throws(() => formatPaise('100'), TypeError);
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

describe('formatPercent', () => {
  it('shows whole percentages without decimals', () => {
    assert.equal(formatPercent(90), '90%');
    assert.equal(formatPercent(100), '100%');
    assert.equal(formatPercent(0), '0%');
  });

  it('keeps one decimal for fractional rates', () => {
    assert.equal(formatPercent(66.6667), '66.7%');
    assert.equal(formatPercent(99.95), '100%');
  });

  it('treats missing values as zero', () => {
    assert.equal(formatPercent(undefined), '0%');
    assert.equal(formatPercent('n/a'), '0%');
  });
});
