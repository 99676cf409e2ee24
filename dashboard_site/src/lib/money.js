// Dashboard-only number display; amounts themselves are formatted by the shared web_shared/money.js.

/** success_rate arrives as a percent number (90, 66.67); "-" when there is nothing to rate yet. */
export function formatSuccessRate(stats) {
  if (!stats || !Number(stats.total_transactions)) return '-';
  const number = Number(stats.success_rate);
  if (!Number.isFinite(number)) return '-';
  const rounded = Math.round(number * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}
