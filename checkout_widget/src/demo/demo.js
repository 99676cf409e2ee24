/**
 * The demo shop: creates an order through the sample merchant's backend (which holds the API secret)
 * and opens checkout.js exactly as a merchant would.
 */
import { gatewayConfig } from '../../../web_shared/config.js';
import { formatAmount } from '../../../web_shared/money.js';

const DEMO_AMOUNT = 50000;
const DEMO_KEY = 'key_test_abc123';

const payButton = document.querySelector('[data-test-id="demo-pay-button"]');
const result = document.querySelector('[data-test-id="demo-result"]');

function showResult(kind, text) {
  result.className = `result result-${kind}`;
  result.textContent = text;
}

async function createOrder() {
  const response = await fetch(`${gatewayConfig().merchantUrl}/api/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ amount: DEMO_AMOUNT }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.error && body.error.description) || `HTTP ${response.status}`);
  const orderId = body.id || body.order_id || (body.order && body.order.id);
  if (!orderId) throw new Error('the merchant backend returned no order id');
  return orderId;
}

async function pay() {
  payButton.disabled = true;
  showResult('info', 'Creating your order…');
  let orderId;
  try {
    orderId = await createOrder();
  } catch (error) {
    showResult('error', `Could not create the order: ${error.message}`);
    payButton.disabled = false;
    return;
  }
  showResult('info', `Order ${orderId} created. Complete the payment in the window.`);
  let outcome = null;
  new window.PaymentGateway({
    key: DEMO_KEY,
    orderId,
    name: 'Chai & Co.',
    onSuccess(data) {
      outcome = 'success';
      showResult('success', `Thank you! Payment ${data.paymentId} of ${formatAmount(DEMO_AMOUNT)} succeeded.`);
    },
    onFailure(data) {
      outcome = 'failed';
      showResult('error', `Payment failed: ${data.error}. You can try again in the payment window.`);
    },
    onClose(payment) {
      payButton.disabled = false;
      if (outcome === 'success') return;
      // A payment the shopper left while it was processing may still succeed: never say nothing was paid.
      if (payment && payment.status === 'pending') {
        showResult('info', `Payment ${payment.paymentId} is still processing. We will confirm it by email.`);
      } else {
        showResult('info', 'Payment window closed. Your order is saved; pay whenever you are ready.');
      }
    },
  }).open();
}

payButton.addEventListener('click', pay);
