// Parts the list tables' rows share (transactions, webhook logs, events).
import { el } from './dom.js';

/** A row's last cell: its buttons and links (the phone layout gives it no label). */
export function actionsCell(...actions) {
  return el('td', { className: 'row-actions', 'data-label': '' }, ...actions);
}

/** A row's "Details" button, which opens the row's detail view. */
export function detailsButton(testId, openDetail) {
  return el('button', { className: 'btn btn-ghost btn-sm', type: 'button', testId, onclick: openDetail }, 'Details');
}

/** A link to a payment's page (the Transactions page with the payment open). */
export function paymentLink(paymentId, testId) {
  return el('a', { href: `/dashboard/transactions?payment=${encodeURIComponent(paymentId)}`, testId }, paymentId);
}
