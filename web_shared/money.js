// Money is integer minor units (paise) everywhere. These helpers do integer and string arithmetic
// only, so a float error like 0.1 + 0.2 can never show or send a wrong amount.

/** Groups the digits of a whole number the Indian way: 12,34,567. */
function groupIndian(digits) {
  if (digits.length <= 3) return digits;
  const lastThree = digits.slice(-3);
  const rest = digits.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${rest},${lastThree}`;
}

function currencySymbol(currency) {
  const code = String(currency || 'INR').toUpperCase();
  if (code === 'INR') return '₹';
  try {
    const parts = new Intl.NumberFormat('en-IN', { style: 'currency', currency: code }).formatToParts(0);
    return parts.find((part) => part.type === 'currency')?.value ?? `${code} `;
  } catch {
    return `${code} `;
  }
}

/**
 * Formats integer minor units for display: 50000 -> "₹500.00", 150000 -> "₹1,500.00".
 * Non-integers are refused rather than rounded, since they mean a bug upstream.
 */
export function formatAmount(minorUnits, currency = 'INR') {
  if (!Number.isSafeInteger(minorUnits)) {
    throw new TypeError(`amount must be an integer in minor units, got ${minorUnits}`);
  }
  const sign = minorUnits < 0 ? '-' : '';
  const digits = String(Math.abs(minorUnits)).padStart(3, '0');
  return `${sign}${currencySymbol(currency)}${groupIndian(digits.slice(0, -2))}.${digits.slice(-2)}`;
}

/**
 * Parses what a merchant types in rupees ("500", "1,250.5", "₹ 99.99") into integer paise
 * by string manipulation, never by multiplying a float.
 * Returns {ok: true, paise} or {ok: false, error}.
 */
export function parseRupeesToPaise(input) {
  const text = String(input ?? '')
    .trim()
    .replace(/^₹\s*/, '')
    .replace(/,/g, '');
  if (text === '') return { ok: false, error: 'Enter an amount' };
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(text);
  if (!match) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, error: 'Use at most 2 decimal places' };
    return { ok: false, error: 'Enter an amount in rupees, like 250 or 99.50' };
  }
  const [, whole, fraction = ''] = match;
  const paise = Number(`${whole}${fraction.padEnd(2, '0')}`.replace(/^0+(?=\d)/, ''));
  if (!Number.isSafeInteger(paise)) return { ok: false, error: 'Amount is too large' };
  if (paise === 0) return { ok: false, error: 'Amount must be greater than zero' };
  return { ok: true, paise };
}

/** Paise as a plain rupee string for an input's initial value: 12345 -> "123.45". */
export function paiseToRupeeInput(paise) {
  if (!Number.isSafeInteger(paise) || paise < 0) throw new TypeError(`amount must be integer paise, got ${paise}`);
  const digits = String(paise).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
