import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatAmount,
  minorToInput,
  minorUnits,
  paiseToRupeeInput,
  parseAmountInput,
  parseRupeesToPaise,
} from '../money.js';

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

describe('currencies with their ISO 4217 minor unit', () => {
  it('formats JPY with no decimals, KWD with three and INR with two', () => {
    assert.equal(formatAmount(50000, 'JPY'), '¥50,000');
    assert.equal(formatAmount(1500, 'KWD'), 'KWD 1.500');
    assert.equal(formatAmount(1, 'KWD'), 'KWD 0.001');
    assert.equal(formatAmount(129900, 'INR'), '₹1,299.00');
    assert.equal(formatAmount(123456789, 'INR'), '₹12,34,567.89');
    assert.equal(formatAmount(123456789, 'USD'), '$1,234,567.89');
  });

  it('knows each minor unit', () => {
    assert.deepEqual(
      ['INR', 'USD', 'JPY', 'KWD', 'BHD', 'krw'].map((code) => minorUnits(code)),
      [2, 2, 0, 3, 3, 0],
    );
  });

  it('parses typed amounts in the currency’s unit', () => {
    assert.deepEqual(parseAmountInput('50,000', 'JPY'), { ok: true, minor: 50000 });
    assert.equal(parseAmountInput('500.5', 'JPY').ok, false);
    assert.deepEqual(parseAmountInput('1.5', 'KWD'), { ok: true, minor: 1500 });
    assert.deepEqual(parseAmountInput('KWD 0.001', 'KWD'), { ok: true, minor: 1 });
    assert.equal(parseAmountInput('0.0001', 'KWD').ok, false);
    assert.deepEqual(parseAmountInput('¥ 1,299', 'JPY'), { ok: true, minor: 1299 });
  });

  it('round-trips input values in every unit', () => {
    for (const [minor, currency] of [
      [50000, 'JPY'],
      [1500, 'KWD'],
      [1, 'KWD'],
      [129900, 'INR'],
    ]) {
      assert.equal(parseAmountInput(minorToInput(minor, currency), currency).minor, minor);
    }
    assert.equal(minorToInput(50000, 'JPY'), '50000');
  });
});
