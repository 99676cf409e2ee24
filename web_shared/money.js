// Money is an integer in the currency's smallest unit everywhere: 50000 is ₹500.00 but ¥50,000. How many
// decimals the smallest unit has is the currency's ISO 4217 minor unit (the gateway's table, kept equal
// to this one by a test). These helpers do integer and string arithmetic only, so a float error like
// 0.1 + 0.2 can never show or send a wrong amount.

// ISO 4217 minor units that are not 2.
const ZERO_DECIMALS = new Set('BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));
const THREE_DECIMALS = new Set('BHD IQD JOD KWD LYD OMR TND'.split(' '));
// Symbols people recognise without ambiguity; any other currency shows its code ("KWD 1.500").
const SYMBOLS = { INR: '₹', JPY: '¥', USD: '$', EUR: '€', GBP: '£' };

function codeOf(currency) {
  return String(currency || 'INR').toUpperCase();
}

/** Decimals of the currency's smallest unit: JPY 0, INR 2, KWD 3. */
export function minorUnits(currency = 'INR') {
  const code = codeOf(currency);
  if (ZERO_DECIMALS.has(code)) return 0;
  return THREE_DECIMALS.has(code) ? 3 : 2;
}

/** Groups a whole number's digits: the Indian way for INR (12,34,567), by thousands otherwise. */
function group(digits, indian) {
  if (digits.length <= 3) return digits;
  const lastThree = digits.slice(-3);
  const size = indian ? 2 : 3;
  const rest = digits.slice(0, -3).replace(new RegExp(`\\B(?=(\\d{${size}})+(?!\\d))`, 'g'), ',');
  return `${rest},${lastThree}`;
}

/** The amount as a plain decimal string, without symbol or grouping: 12345 INR -> "123.45", JPY -> "12345". */
function decimalString(minor, currency) {
  const decimals = minorUnits(currency);
  const digits = String(Math.abs(minor)).padStart(decimals + 1, '0');
  if (decimals === 0) return { whole: digits, fraction: '' };
  return { whole: digits.slice(0, -decimals), fraction: digits.slice(-decimals) };
}

/**
 * Formats integer minor units for display with the currency's decimals: 50000 INR -> "₹500.00",
 * 50000 JPY -> "¥50,000", 1500 KWD -> "KWD 1.500".
 * Non-integers are refused rather than rounded, since they mean a bug upstream.
 */
export function formatAmount(minorUnitsAmount, currency = 'INR') {
  if (!Number.isSafeInteger(minorUnitsAmount)) {
    throw new TypeError(`amount must be an integer in minor units, got ${minorUnitsAmount}`);
  }
  const code = codeOf(currency);
  const { whole, fraction } = decimalString(minorUnitsAmount, code);
  const number = `${group(whole, code === 'INR')}${fraction ? `.${fraction}` : ''}`;
  const sign = minorUnitsAmount < 0 ? '-' : '';
  return SYMBOLS[code] ? `${sign}${SYMBOLS[code]}${number}` : `${sign}${code} ${number}`;
}

/**
 * Parses what a merchant types ("500", "1,250.5", "₹ 99.99") into integer minor units of `currency`
 * by string manipulation, never by multiplying a float.
 * Returns {ok: true, minor} or {ok: false, error}.
 */
export function parseAmountInput(input, currency = 'INR') {
  const decimals = minorUnits(currency);
  const text = String(input ?? '')
    .trim()
    .replace(/^(?:[₹¥$€£]|[A-Za-z]{3}\b)\s*/, '')
    .replace(/,/g, '');
  if (text === '') return { ok: false, error: 'Enter an amount' };
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match)
    return { ok: false, error: decimals ? 'Enter an amount, like 250 or 99.50' : 'Enter a whole amount, like 250' };
  const [, whole, fraction = ''] = match;
  if (fraction.length > decimals) {
    return {
      ok: false,
      error: decimals ? `Use at most ${decimals} decimal places` : `${codeOf(currency)} has no decimals`,
    };
  }
  const minor = Number(`${whole}${fraction.padEnd(decimals, '0')}`.replace(/^0+(?=\d)/, ''));
  if (!Number.isSafeInteger(minor)) return { ok: false, error: 'Amount is too large' };
  if (minor === 0) return { ok: false, error: 'Amount must be greater than zero' };
  return { ok: true, minor };
}

/** Minor units as a plain decimal for an input's initial value: 12345 INR -> "123.45", 500 JPY -> "500". */
export function minorToInput(minor, currency = 'INR') {
  if (!Number.isSafeInteger(minor) || minor < 0)
    throw new TypeError(`amount must be integer minor units, got ${minor}`);
  const { whole, fraction } = decimalString(minor, currency);
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Rupees typed by a merchant as integer paise (INR's `parseAmountInput`). Returns {ok, paise} or {ok, error}. */
export function parseRupeesToPaise(input) {
  const parsed = parseAmountInput(input, 'INR');
  return parsed.ok ? { ok: true, paise: parsed.minor } : parsed;
}

/** Paise as a plain rupee string for an input's initial value: 12345 -> "123.45". */
export function paiseToRupeeInput(paise) {
  return minorToInput(paise, 'INR');
}
