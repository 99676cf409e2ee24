// Webhook deliveries drawn the same way on every page: the delivery status of an event, and every
// attempt of one delivery (the Webhooks page's delivery detail, the Events page's event detail).
import { attemptResult } from './deliveries.js';
import { el, statusBadge } from './dom.js';
import { DELIVERY_STATUSES } from './events.js';
import { formatDateTime } from './time.js';

/** An event's delivery status (openapi.yaml `EventDeliveryStatus`: pending, success, failed, or none) in the dashboard's words. */
export function deliveryBadge(status, testId) {
  const badge = statusBadge(status === 'none' ? null : status, testId);
  badge.textContent = DELIVERY_STATUSES[status] ?? status ?? '-';
  badge.dataset.status = status ?? '';
  return badge;
}

function column(label, className) {
  return el('th', { scope: 'col', className }, label);
}

/**
 * attempts: [{attempted_at, response_code, duration_ms, response_body}], oldest first (openapi.yaml `/api/v1/events/{event_id}`).
 * Test ids start with `prefix`: rows `${prefix}-attempt`, result cells `${prefix}-attempt-result`.
 */
export function attemptsTable(attempts, prefix) {
  if (!attempts.length) {
    return el('p', { className: 'muted', testId: `${prefix}-no-attempts` }, 'Not attempted yet.');
  }
  return el(
    'div',
    { className: 'table-wrap' },
    el(
      'table',
      { className: 'table', testId: `${prefix}-attempts-table` },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          column('#'),
          column('Time'),
          column('Result'),
          column('Duration', 'num'),
          column('Sent to'),
          column('Response body'),
        ),
      ),
      el(
        'tbody',
        {},
        attempts.map((attempt, index) =>
          el(
            'tr',
            { testId: `${prefix}-attempt` },
            el('td', { 'data-label': '#' }, String(index + 1)),
            el(
              'td',
              { 'data-label': 'Time', testId: `${prefix}-attempt-time` },
              el('time', { datetime: attempt.attempted_at }, formatDateTime(attempt.attempted_at)),
            ),
            el(
              'td',
              { 'data-label': 'Result', testId: `${prefix}-attempt-result` },
              attemptResult(attempt.response_code, attempt.response_body),
            ),
            el(
              'td',
              { className: 'num', 'data-label': 'Duration', testId: `${prefix}-attempt-duration` },
              Number.isFinite(attempt.duration_ms) ? `${attempt.duration_ms} ms` : '-',
            ),
            el(
              'td',
              { className: 'mono wrap-anywhere', 'data-label': 'Sent to', testId: `${prefix}-attempt-url` },
              attempt.url || '-',
            ),
            el('td', { className: 'mono wrap-anywhere', 'data-label': 'Response body' }, attempt.response_body || '-'),
          ),
        ),
      ),
    ),
  );
}
