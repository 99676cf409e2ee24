/**
 * The demo shop: creates an order through the sample merchant's backend (which holds the API secret)
 * and opens checkout.js exactly as a merchant would. A reported success counts once the backend has
 * checked its signature; a payment whose window was closed before it finished is followed (through the
 * backend, with the merchant's credentials) until it is final.
 */
import { gatewayConfig } from '../../../web_shared/config.js';
import { formatAmount } from '../../../web_shared/money.js';

const DEMO_AMOUNT = 50000;
const DEMO_KEY = 'key_test_abc123';
const FOLLOW_INTERVAL_MS = 1500;
const FOLLOW_DEADLINE_MS = 5 * 60 * 1000;

const payButton = document.querySelector('[data-test-id="demo-pay-button"]');
const result = document.querySelector('[data-test-id="demo-result"]');
// The order of this visit: kept while unpaid, so paying again reuses it; a paid order is never reopened.
const shop = { orderId: null, paid: false };

function showResult(kind, text) {
  result.className = `result result-${kind}`;
  result.textContent = text;
}

async function backend(method, path, body) {
  const response = await fetch(`${gatewayConfig().merchantUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error((answer.error && (answer.error.description || answer.error)) || `HTTP ${response.status}`);
  }
  return answer;
}

async function createOrder() {
  const body = await backend('POST', '/api/orders', { amount: DEMO_AMOUNT });
  const orderId = body.id || body.order_id || (body.order && body.order.id);
  if (!orderId) throw new Error('the merchant backend returned no order id');
  return orderId;
}

function markPaid(paymentId) {
  shop.paid = true;
  payButton.disabled = true;
  payButton.textContent = 'Paid';
  showResult('success', `Thank you! Payment ${paymentId} of ${formatAmount(DEMO_AMOUNT)} succeeded.`);
}

/** The browser's report is believed only after the shop's server has checked its signature. */
async function confirmSuccess(data) {
  showResult('info', `Payment ${data.paymentId} received. Confirming it with the shop…`);
  try {
    await backend('POST', '/api/payments/verify', {
      order_id: data.orderId,
      payment_id: data.paymentId,
      signature: data.signature,
    });
  } catch (error) {
    showResult('error', `The shop could not confirm payment ${data.paymentId}: ${error.message}`);
    return;
  }
  markPaid(data.paymentId);
}

/** A payment left while it was processing: asked about until the bank has decided. */
async function followPayment(paymentId) {
  showResult('info', `Payment ${paymentId} is still processing. This page will update when it completes.`);
  const deadline = Date.now() + FOLLOW_DEADLINE_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
    let payment;
    try {
      payment = await backend('GET', `/api/payments/${encodeURIComponent(paymentId)}`);
    } catch {
      continue; // a dropped poll says nothing about the payment
    }
    if (payment.status === 'success') {
      markPaid(payment.id);
      return;
    }
    if (payment.status === 'failed') {
      payButton.disabled = false;
      const reason = payment.error_description || 'the payment was declined';
      showResult('error', `Payment ${payment.id} failed: ${reason}. Nothing was charged; you can pay again.`);
      return;
    }
  }
  showResult('info', `Payment ${paymentId} is taking longer than usual. Check your order before paying again.`);
}

async function pay() {
  if (shop.paid) return;
  payButton.disabled = true;
  if (!shop.orderId) {
    showResult('info', 'Creating your order…');
    try {
      shop.orderId = await createOrder();
    } catch (error) {
      showResult('error', `Could not create the order: ${error.message}`);
      payButton.disabled = false;
      return;
    }
  }
  const orderId = shop.orderId;
  showResult('info', `Order ${orderId} created. Complete the payment in the window.`);
  let outcome = null;
  new window.PaymentGateway({
    key: DEMO_KEY,
    orderId,
    onSuccess(data) {
      outcome = 'success';
      confirmSuccess(data);
    },
    onFailure(data) {
      outcome = 'failed';
      showResult('error', `Payment failed: ${data.error}. You can try again in the payment window.`);
    },
    onClose(payment) {
      if (outcome === 'success') return;
      // A payment the shopper left while it was processing may still succeed: follow it to the end.
      if (payment && payment.status === 'pending') {
        followPayment(payment.paymentId);
        return;
      }
      payButton.disabled = false;
      showResult('info', 'Payment window closed. Your order is saved; pay whenever you are ready.');
    },
  }).open();
}

payButton.addEventListener('click', pay);
