// The dialogs that ask before money moves: capture (what it takes, and why that much) and refund (how much
// is left to refund). Each says the outcome and then has the page show the payment as it now is.
import { newIdempotencyKey } from '../../../../web_shared/api.js';
import { formatAmount, minorToInput, parseAmountInput } from '../../../../web_shared/money.js';
import { byTestId, showToast, withBusyButton } from '../../lib/dom.js';
import { captureQuestion, paymentMoney } from '../../lib/money-block.js';
import { reported } from '../../lib/failure.js';
import { showError } from '../../lib/shell.js';

const paymentPath = (id, suffix = '') => `/api/v1/payments/${encodeURIComponent(id)}${suffix}`;

/** On the payment's page the outcome is said under its title, where a toast would cover the timeline the
 * merchant reads next; from the list it is a toast. */
function tellCaptured(message) {
  if (byTestId('payment-detail').hidden) {
    showToast(message, 'good');
    return;
  }
  const status = byTestId('payment-action-status');
  status.textContent = message;
  status.hidden = false;
}

async function submitCapture(dialog) {
  const payment = dialog.target;
  // The amount shown is the amount sent: if a refund landed meanwhile the API refuses, and says why.
  const amount = paymentMoney(payment).leftToCapture;
  await withBusyButton(byTestId('capture-confirm-button'), 'Capturing…', async () => {
    try {
      const captured = await dialog.api.post(
        paymentPath(payment.id, '/capture'),
        { amount },
        { idempotencyKey: newIdempotencyKey() },
      );
      dialog.node.close();
      tellCaptured(`Captured ${formatAmount(captured.amount_captured ?? amount, payment.currency)} on ${payment.id}`);
    } catch (error) {
      showError('capture-error', error);
    }
  });
  await reported(dialog.refreshView());
}

function openCaptureDialog(dialog, payment) {
  dialog.target = payment;
  byTestId('capture-question').textContent = captureQuestion(payment);
  showError('capture-error', null);
  dialog.node.showModal();
  byTestId('capture-confirm-button').focus();
}

async function submitRefund(dialog) {
  const payment = dialog.target;
  const amountInput = byTestId('refund-amount-input');
  const parsed = parseAmountInput(amountInput.value, payment.currency);
  if (!parsed.ok) {
    showError('refund-error', new Error(parsed.error));
    amountInput.focus();
    return;
  }
  const body = { amount: parsed.minor };
  const reason = byTestId('refund-reason-input').value.trim();
  if (reason) body.reason = reason;
  await withBusyButton(byTestId('refund-submit-button'), 'Refunding…', async () => {
    try {
      const refund = await dialog.api.post(paymentPath(payment.id, '/refunds'), body, {
        idempotencyKey: newIdempotencyKey(),
      });
      dialog.node.close();
      showToast(`Refund ${refund.id} of ${formatAmount(refund.amount, payment.currency)} created`, 'good');
    } catch (error) {
      showError('refund-error', error);
    }
  });
  await reported(dialog.refreshView());
}

/** Shows what was paid, then what was refunded and is left, read afresh, as a guide only: the API stays
 * the judge of what may be refunded. */
async function showRefundable(dialog, payment) {
  const amountInput = byTestId('refund-amount-input');
  try {
    const current = await dialog.api.get(paymentPath(payment.id));
    const { refunded, leftToRefund: available } = paymentMoney(current);
    if (dialog.target !== payment) return;
    byTestId('refund-refunded').textContent = formatAmount(refunded, payment.currency);
    byTestId('refund-available').textContent = formatAmount(available, payment.currency);
    // Suggest the full remaining amount unless the merchant has already typed one.
    if (amountInput.value === '' && available > 0) {
      amountInput.value = minorToInput(available, payment.currency);
      amountInput.select();
    }
  } catch {
    byTestId('refund-refunded').textContent = '-';
    byTestId('refund-available').textContent = '-';
  }
}

async function openRefundDialog(dialog, payment) {
  dialog.target = payment;
  byTestId('refund-payment-id').textContent = payment.id;
  byTestId('refund-paid').textContent = formatAmount(payment.amount, payment.currency);
  byTestId('refund-currency').textContent = payment.currency;
  byTestId('refund-refunded').textContent = '…';
  byTestId('refund-available').textContent = '…';
  byTestId('refund-amount-input').value = '';
  byTestId('refund-reason-input').value = '';
  showError('refund-error', null);
  dialog.node.showModal();
  byTestId('refund-amount-input').focus();
  await showRefundable(dialog, payment);
}

/** A dialog's form and cancel button wired to `submit(dialog)`; `dialog.target` is the payment it is open on. */
function wireDialog(name, api, refreshView, submit) {
  const dialog = { api, refreshView, node: byTestId(`${name}-dialog`), target: null };
  byTestId(`${name}-cancel-button`).addEventListener('click', () => dialog.node.close());
  byTestId(`${name}-form`).addEventListener('submit', (event) => {
    event.preventDefault();
    return submit(dialog);
  });
  return dialog;
}

/** Wires both dialogs; `refreshView()` shows the page again once one has done its work. Returns what
 * opens each for a payment. */
export function wirePaymentDialogs(api, refreshView) {
  const capture = wireDialog('capture', api, refreshView, submitCapture);
  const refund = wireDialog('refund', api, refreshView, submitRefund);
  return {
    capture: (payment) => openCaptureDialog(capture, payment),
    refund: (payment) => openRefundDialog(refund, payment),
  };
}
