// What a list row and the payment's own page both show of a payment: its status badges, and the buttons of
// what can be done with it now.
import { el, statusBadge } from '../../lib/dom.js';
import { paymentMoney } from '../../lib/money-block.js';
import { PAYMENT_STATES, paymentState, wasAutoRefunded } from '../../lib/payments.js';

/** The status, the lifecycle state of a success, and the mark of the gateway's own refund. `refunds` only
 * where the page has them (a listed payment carries what these need). */
export function stateBadges(payment, refunds = null) {
  const state = paymentState(payment, refunds);
  const badges = [statusBadge(payment.status, 'status')];
  if (payment.status === 'success') {
    const tone = state === 'refunded' || state === 'partially_refunded' ? 'refund' : state;
    badges.push(
      el('span', { className: `badge badge-state badge-${tone}`, testId: 'payment-state' }, PAYMENT_STATES[state]),
    );
  }
  if (wasAutoRefunded(payment, refunds)) {
    badges.push(
      el(
        'span',
        {
          className: 'badge badge-bad',
          testId: 'auto-refund-badge',
          title: 'Refunded by the gateway: the order was already paid',
        },
        'Auto-refunded',
      ),
    );
  }
  return badges;
}

/** Capture and Refund, as the payment's state allows; `open` has the dialogs that ask first. */
export function paymentActions(payment, state, open) {
  if (payment.status === 'pending') return [el('span', { className: 'muted small' }, 'Processing…')];
  if (payment.status !== 'success') return [];
  const actions = [];
  // Nothing left to capture (refunded in full first, as the gateway's own refund of a second success is):
  // the API would refuse, so no button offers it.
  if (!payment.captured && paymentMoney(payment).leftToCapture > 0) {
    actions.push(
      el(
        'button',
        {
          className: 'btn btn-secondary btn-sm',
          type: 'button',
          testId: 'capture-button',
          onclick: () => open.capture(payment),
        },
        'Capture',
      ),
    );
  } else if (state === 'captured') {
    actions.push(el('span', { className: 'tag', testId: 'captured-label' }, 'Captured'));
  }
  if (state !== 'refunded') {
    actions.push(
      el(
        'button',
        {
          className: 'btn btn-secondary btn-sm',
          type: 'button',
          testId: 'refund-button',
          onclick: () => open.refund(payment),
        },
        'Refund',
      ),
    );
  }
  return actions;
}
