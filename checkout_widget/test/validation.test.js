import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  normalizeCardNumber,
  parseExpiry,
  passesLuhn,
  validateCardDetails,
  validateCardNumber,
  validateCvv,
  validateExpiry,
  validateHolderName,
  validateUpiDetails,
  validateVpa,
} from '../src/shared/validation.js';

// 15 March 2026, so "03/26" is the current month.
const NOW = new Date(2026, 2, 15);

describe('VPA', () => {
  it('accepts handles the server accepts', () => {
    for (const vpa of ['user@paytm', 'first.last@okicici', 'a_b-c.9@ybl', 'USER123@upi']) {
      assert.equal(validateVpa(vpa), null, vpa);
    }
  });

  it('rejects what the server rejects', () => {
    for (const vpa of ['user', 'user@', '@bank', 'user@pay.tm', 'us er@bank', 'user@@bank', 'user@bank-x']) {
      assert.match(validateVpa(vpa), /valid UPI ID/, vpa);
    }
  });

  it('asks for a value when empty', () => {
    assert.equal(validateVpa('  '), 'Enter your UPI ID');
  });
});

describe('Luhn and card number', () => {
  it('passes known test numbers', () => {
    for (const number of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117']) {
      assert.equal(passesLuhn(number), true, number);
    }
  });

  it('fails a number with one wrong digit', () => {
    assert.equal(passesLuhn('4111111111111112'), false);
  });

  it('strips spaces and hyphens before checking, as the server does', () => {
    assert.equal(normalizeCardNumber('4111 1111-1111 1111'), '4111111111111111');
    assert.equal(validateCardNumber('4111 1111-1111 1111'), null);
  });

  it('rejects lengths outside 13-19 digits even when Luhn-valid', () => {
    assert.equal(passesLuhn('42'), true);
    assert.match(validateCardNumber('42'), /valid card number/);
    assert.match(validateCardNumber('4'.repeat(20)), /valid card number/);
  });

  it('accepts 13 and 19 digit Luhn-valid numbers', () => {
    assert.equal(validateCardNumber('4222222222222'), null);
    assert.equal(validateCardNumber('4000000000000000006'), null);
  });

  it('rejects letters', () => {
    assert.match(validateCardNumber('4111 1111 1111 111a'), /valid card number/);
  });
});

describe('expiry', () => {
  it('parses MM/YY as 20YY and MM/YYYY as is', () => {
    assert.deepEqual(parseExpiry('07/29'), { month: 7, year: 2029 });
    assert.deepEqual(parseExpiry('7/2031'), { month: 7, year: 2031 });
    assert.equal(parseExpiry('0729'), null);
  });

  it('accepts the current month and later', () => {
    assert.equal(validateExpiry('03/26', NOW), null);
    assert.equal(validateExpiry('01/27', NOW), null);
    assert.equal(validateExpiry('12/30', NOW), null);
  });

  it('rejects month 13 and month 00', () => {
    assert.match(validateExpiry('13/30', NOW), /month between 01 and 12/);
    assert.match(validateExpiry('00/30', NOW), /month between 01 and 12/);
  });

  it('rejects the previous month and past years', () => {
    assert.equal(validateExpiry('02/26', NOW), 'This card has expired');
    assert.equal(validateExpiry('12/25', NOW), 'This card has expired');
  });

  it('rejects other formats', () => {
    assert.equal(validateExpiry('12-30', NOW), 'Use the format MM/YY');
    assert.equal(validateExpiry('', NOW), 'Enter the expiry date');
  });
});

describe('CVV and holder name', () => {
  it('accepts 3 or 4 digits only', () => {
    assert.equal(validateCvv('123'), null);
    assert.equal(validateCvv('1234'), null);
    assert.match(validateCvv('12'), /3 or 4 digits/);
    assert.match(validateCvv('12345'), /3 or 4 digits/);
    assert.match(validateCvv('12a'), /3 or 4 digits/);
  });

  it('requires a name', () => {
    assert.equal(validateHolderName('Asha Rao'), null);
    assert.equal(validateHolderName('   '), 'Enter the name on the card');
  });
});

describe('whole forms', () => {
  it('returns no errors for a valid card', () => {
    const details = { number: '4111 1111 1111 1111', expiry: '12/30', cvv: '123', holderName: 'Asha Rao' };
    assert.deepEqual(validateCardDetails(details, NOW), {});
  });

  it('names every invalid card field', () => {
    const errors = validateCardDetails({ number: '1234', expiry: '13/30', cvv: '1', holderName: '' }, NOW);
    assert.deepEqual(Object.keys(errors).sort(), ['cvv', 'expiry', 'holderName', 'number']);
  });

  it('names the invalid VPA', () => {
    assert.deepEqual(Object.keys(validateUpiDetails({ vpa: 'nope' })), ['vpa']);
    assert.deepEqual(validateUpiDetails({ vpa: 'ok@upi' }), {});
  });
});
