// The Overview's chart: volume (bars) and success rate (line) per day over the last 30 days, from the
// per-day totals the stats endpoint returns with `?days=30` (kept by the gateway as counters, no scan).
// `chartModel` is pure (node tests check it); `renderDailyChart` draws it as an SVG that scales with its
// box, its labels left to the page's text so they stay readable on a 390 px phone.

import { formatAmount } from '../../../web_shared/money.js';

const SVG = 'http://www.w3.org/2000/svg';
export const CHART = Object.freeze({ width: 600, height: 180, top: 14, bottom: 22, left: 4, right: 4 });

/** Bars and line points in the chart's coordinates, plus the labels it shows. */
export function chartModel(daily, currency) {
  const days = Array.isArray(daily) ? daily : [];
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const slot = (CHART.width - CHART.left - CHART.right) / Math.max(days.length, 1);
  const peak = Math.max(0, ...days.map((day) => day.volume));
  const baseline = CHART.top + plotHeight;
  const bars = days.map((day, index) => {
    const height = peak > 0 ? Math.round((day.volume / peak) * plotHeight * 10) / 10 : 0;
    return {
      date: day.date,
      x: Math.round((CHART.left + index * slot + slot * 0.15) * 10) / 10,
      width: Math.round(slot * 0.7 * 10) / 10,
      y: Math.round((baseline - height) * 10) / 10,
      height,
      title: `${day.date}: ${formatAmount(day.volume, currency)} from ${day.succeeded} of ${day.payments} payments`,
    };
  });
  const points = days
    .map((day, index) => ({ day, index }))
    .filter(({ day }) => day.payments > 0)
    .map(({ day, index }) => ({
      x: Math.round((CHART.left + index * slot + slot / 2) * 10) / 10,
      y: Math.round((baseline - (Number(day.success_rate) / 100) * plotHeight) * 10) / 10,
    }));
  const total = days.reduce((sum, day) => sum + day.volume, 0);
  const payments = days.reduce((sum, day) => sum + day.payments, 0);
  const succeeded = days.reduce((sum, day) => sum + day.succeeded, 0);
  return {
    bars,
    points,
    peakLabel: formatAmount(peak, currency),
    firstDate: days[0]?.date ?? '',
    lastDate: days.at(-1)?.date ?? '',
    summary:
      `${formatAmount(total, currency)} over ${days.length} days from ${succeeded} successful of ` +
      `${payments} payments` +
      (payments ? ` (${Math.round((succeeded * 1000) / payments) / 10}% success)` : ''),
  };
}

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function renderDailyChart(daily, currency) {
  const model = chartModel(daily, currency);
  const root = svg('svg', {
    viewBox: `0 0 ${CHART.width} ${CHART.height}`,
    role: 'img',
    'aria-label': `Volume and success rate per day. ${model.summary}.`,
    'data-test-id': 'daily-chart-svg',
    class: 'daily-chart-svg',
    // Stretched to the card's width at a fixed height; strokes and dots keep their size (non-scaling).
    preserveAspectRatio: 'none',
  });
  const baseline = CHART.height - CHART.bottom;
  root.append(svg('line', { x1: 0, x2: CHART.width, y1: baseline, y2: baseline, class: 'chart-axis' }));
  for (const bar of model.bars) {
    const rect = svg('rect', {
      x: bar.x,
      y: bar.y,
      width: bar.width,
      height: bar.height,
      class: 'chart-bar',
      'data-test-id': 'daily-chart-bar',
      'data-date': bar.date,
    });
    rect.append(svg('title', {}, bar.title));
    root.append(rect);
  }
  if (model.points.length > 1) {
    root.append(
      svg('polyline', {
        points: model.points.map((point) => `${point.x},${point.y}`).join(' '),
        class: 'chart-rate',
      }),
    );
  }
  // A zero-length segment with a round cap is a dot that stays round when the chart is stretched.
  for (const point of model.points)
    root.append(svg('path', { d: `M${point.x} ${point.y}h0`, class: 'chart-rate-dot' }));
  // Labels are the page's own text (not SVG text, which would shrink with the chart on a phone).
  return { element: root, model };
}
