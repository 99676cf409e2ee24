// Money is integer paise everywhere; these helpers only ever do integer arithmetic so
// that 0.1 + 0.2 style float errors can never reach an amount sent to the API.

const MAX_PAISE = Number.MAX_SAFE_INTEGER;

/** Groups the digits of a whole number the Indian way: 12,34,567. */
function groupIndian(digits) {
  if (digits.length <= 3) return digits;
  const lastThree = digits.slice(-3);
  const rest = digits.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${rest},${lastThree}`;
}

/**
 * Formats integer paise as rupees: 150000 -> "₹1,500.00".
 * Non-integers are refused rather than rounded, since they mean a bug upstream.
 */
export function formatPaise(paise, currency = 'INR') {
  if (!Number.isSafeInteger(paise)) throw new TypeError(`amount must be integer paise, got ${paise}`);
  const sign = paise < 0 ? '-' : '';
  const digits = String(Math.abs(paise)).padStart(3, '0');
  const whole = groupIndian(digits.slice(0, -2));
  const fraction = digits.slice(-2);
  const symbol = currency === 'INR' ? '₹' : `${currency} `;
  return `${sign}${symbol}${whole}.${fraction}`;
}

/**
 * Parses what a merchant types in rupees ("500", "1,250.5", "₹ 99.99") into integer paise
 * by string manipulation, never by multiplying a float.
 * Returns {ok: true, paise} or {ok: false, error}.
 */
export function parseRupeesToPaise(input) {
  const text = String(input ?? '').trim().replace(/^₹\s*/, '').replace(/,/g, '');
  if (text === '') return { ok: false, error: 'Enter an amount' };
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(text);
  if (!match) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, error: 'Use at most 2 decimal places' };
    return { ok: false, error: 'Enter an amount in rupees, like 250 or 99.50' };
  }
  const [, whole, fraction = ''] = match;
  const paiseText = `${whole}${fraction.padEnd(2, '0')}`.replace(/^0+(?=\d)/, '');
  const paise = Number(paiseText);
  if (!Number.isSafeInteger(paise) || paise > MAX_PAISE) return { ok: false, error: 'Amount is too large' };
  if (paise === 0) return { ok: false, error: 'Amount must be greater than zero' };
  return { ok: true, paise };
}

/** Paise as a plain rupee string for an input's initial value: 12345 -> "123.45". */
export function paiseToRupeeInput(paise) {
  if (!Number.isSafeInteger(paise) || paise < 0) throw new TypeError(`amount must be integer paise, got ${paise}`);
  const digits = String(paise).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** success_rate arrives as a percent number (90, 66.67); show it without noise: "90%", "66.7%". */
export function formatPercent(value) {
  const number = Number(value);
  if (!Number.isFinite(number)) return '0%';
  const rounded = Math.round(number * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}
