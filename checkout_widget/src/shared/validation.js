/**
 * Client-side payment validation. Mirrors the API's rules (openapi.yaml `createPayment`; docs/behaviour.md) so the shopper sees a
 * mistake next to the field before any request is sent; the server still validates everything.
 * Each validator returns an error message, or null when the value is valid.
 */

const VPA_PATTERN = /^[a-zA-Z0-9._-]+@[a-zA-Z0-9]+$/;
const EXPIRY_PATTERN = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/;

export function validateVpa(vpa) {
  const value = String(vpa ?? '').trim();
  if (!value) return 'Enter your UPI ID';
  return VPA_PATTERN.test(value) ? null : 'Enter a valid UPI ID, like name@bank';
}

/** Card number digits only: the server also strips spaces and hyphens before checking. */
export function normalizeCardNumber(number) {
  return String(number ?? '').replace(/[\s-]/g, '');
}

export function passesLuhn(digits) {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

export function validateCardNumber(number) {
  const digits = normalizeCardNumber(number);
  if (!digits) return 'Enter your card number';
  if (!/^\d{13,19}$/.test(digits) || !passesLuhn(digits)) return 'Enter a valid card number';
  return null;
}

/** Parses `MM/YY` (or `MM/YYYY`) into numbers; a 2-digit year means 20YY, as on the server. */
export function parseExpiry(expiry) {
  const match = EXPIRY_PATTERN.exec(String(expiry ?? '').trim());
  if (!match) return null;
  const month = Number(match[1]);
  const year = match[2].length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  return { month, year };
}

/** A card is valid through the last day of its expiry month, so the current month still passes. */
export function validateExpiry(expiry, now = new Date()) {
  if (!String(expiry ?? '').trim()) return 'Enter the expiry date';
  const parsed = parseExpiry(expiry);
  if (!parsed) return 'Use the format MM/YY';
  if (parsed.month < 1 || parsed.month > 12) return 'Enter a month between 01 and 12';
  const currentYear = now.getFullYear();
  const currentMonth = now.getMonth() + 1;
  if (parsed.year < currentYear || (parsed.year === currentYear && parsed.month < currentMonth)) {
    return 'This card has expired';
  }
  return null;
}

export function validateCvv(cvv) {
  const value = String(cvv ?? '').trim();
  if (!value) return 'Enter the CVV';
  return /^\d{3,4}$/.test(value) ? null : 'CVV is 3 or 4 digits';
}

export function validateHolderName(name) {
  return String(name ?? '').trim() ? null : 'Enter the name on the card';
}

/** Field name -> message for every invalid field of the UPI form; empty when it can be sent. */
export function validateUpiDetails({ vpa }) {
  return collectErrors({ vpa: validateVpa(vpa) });
}

export function validateCardDetails({ number, expiry, cvv, holderName }, now = new Date()) {
  return collectErrors({
    number: validateCardNumber(number),
    expiry: validateExpiry(expiry, now),
    cvv: validateCvv(cvv),
    holderName: validateHolderName(holderName),
  });
}

function collectErrors(results) {
  return Object.fromEntries(Object.entries(results).filter(([, message]) => message !== null));
}

/** The card network by prefix, as the API decides it (openapi.yaml `CardNetwork`): visa, mastercard, amex, rupay or unknown. */
export function cardNetwork(number) {
  const digits = normalizeCardNumber(number);
  if (/^4/.test(digits)) return 'visa';
  if (/^5[1-5]/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(60|65|8[1-9])/.test(digits)) return 'rupay';
  return 'unknown';
}
