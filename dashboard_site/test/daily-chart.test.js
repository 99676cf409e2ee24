import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHART, chartModel } from '../src/lib/daily-chart.js';

const day = (date, payments, succeeded, volume) => ({
  date,
  payments,
  succeeded,
  volume,
  success_rate: payments ? Math.round((succeeded * 10000) / payments) / 100 : 0,
});

describe('chartModel', () => {
  it('scales bars to the busiest day and draws the rate only on days with payments', () => {
    const model = chartModel(
      [day('2026-12-01', 0, 0, 0), day('2026-12-02', 4, 3, 150000), day('2026-12-03', 2, 2, 50000)],
      'INR',
    );
    const plotHeight = CHART.height - CHART.top - CHART.bottom;
    assert.deepEqual(
      model.bars.map((bar) => bar.height),
      [0, plotHeight, Math.round((plotHeight / 3) * 10) / 10],
    );
    assert.equal(model.points.length, 2);
    assert.equal(model.points[1].y, CHART.top, 'a 100% day sits at the top');
    assert.equal(model.peakLabel, '₹1,500.00');
    assert.equal(model.summary, '₹2,000.00 over 3 days from 5 successful of 6 payments (83.3% success)');
  });

  it('labels volume in the currency of the figures (JPY has no decimals)', () => {
    const model = chartModel([day('2026-12-01', 1, 1, 50000)], 'JPY');
    assert.equal(model.peakLabel, '¥50,000');
    assert.match(model.bars[0].title, /¥50,000 from 1 of 1 payments/);
  });

  it('draws an empty month without dividing by zero', () => {
    const model = chartModel([day('2026-12-01', 0, 0, 0)], 'INR');
    assert.deepEqual([model.bars[0].height, model.points.length], [0, 0]);
  });
});
