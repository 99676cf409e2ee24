/**
 * Formats integer minor units (paise) for display: 50000 -> "₹500.00", 150000 -> "₹1,500.00".
 * Integer arithmetic only, so no float rounding can ever show a wrong amount.
 */
export function formatAmount(minorUnits, currency = 'INR') {
  const amount = Number(minorUnits);
  if (!Number.isInteger(amount)) throw new TypeError(`amount must be an integer in minor units, got ${minorUnits}`);
  const sign = amount < 0 ? '-' : '';
  const absolute = Math.abs(amount);
  const major = new Intl.NumberFormat('en-IN').format(Math.floor(absolute / 100));
  const minor = String(absolute % 100).padStart(2, '0');
  return `${sign}${currencySymbol(currency)}${major}.${minor}`;
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
