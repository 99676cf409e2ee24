/**
 * The hosted checkout page: /checkout?order_id=<id>[&embedded=true&parent_origin=<origin>], and a payment
 * link's page /pay/<link id>. The payee's name and any way back come from the gateway (the order's account,
 * the link's return_url), never from the page's own URL. A payment of the order still under way is followed,
 * not offered again; every result says what the shopper can do next.
 * Loads the order, takes a UPI or card payment through the public API, polls until the payment is
 * final, and (when embedded by checkout.js) reports the outcome to the merchant page.
 */
import { formatAmount } from '../../../web_shared/money.js';
import {
  cardNetwork,
  normalizeCardNumber,
  parseExpiry,
  validateCardDetails,
  validateUpiDetails,
} from '../shared/validation.js';
import { ApiError } from '../../../web_shared/api.js';
import { gatewayConfig } from '../../../web_shared/config.js';
import { createCheckoutApi } from './api.js';
import { createParentChannel, resolveParentOrigin } from './embedding.js';
import { formatCardNumberInput, formatExpiryInput, reformatInput } from './inputFormat.js';
import { closedLinkMessage, nextStep, returnHref } from './outcome.js';

const POLL_INTERVAL_MS = 2000;
const POLL_DEADLINE_MS = 5 * 60 * 1000;
// How long the order's page waits for the test-mode probe before showing without knowing.
const TEST_MODE_PROBE_WAIT_MS = 2000;
const FINAL_STATUSES = new Set(['success', 'failed']);
const LINK_PATH = /^\/pay\/([A-Za-z0-9_]{1,64})\/?$/;
const ORDER_ALREADY_PAID = 'Order already paid';
const NETWORK_NAMES = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', rupay: 'RuPay' };
// The API's field errors, shown next to the field they concern.
const FIELD_FOR_ERROR_CODE = { INVALID_VPA: 'vpa', INVALID_CARD: 'number', EXPIRED_CARD: 'expiry' };

const byTestId = (id, root = document) => root.querySelector(`[data-test-id="${id}"]`);

const view = {
  container: document.getElementById('checkout'),
  summary: byTestId('order-summary'),
  heading: document.getElementById('checkout-heading'),
  amount: byTestId('order-amount'),
  orderId: byTestId('order-id'),
  loading: byTestId('loading-state'),
  payment: byTestId('payment-section'),
  methodButtons: [byTestId('method-upi'), byTestId('method-card')],
  forms: { upi: byTestId('upi-form'), card: byTestId('card-form') },
  processing: byTestId('processing-state'),
  success: byTestId('success-state'),
  paymentId: byTestId('payment-id'),
  paid: byTestId('already-paid-state'),
  paidMessage: byTestId('already-paid-message'),
  description: byTestId('order-description'),
  nextSteps: document.querySelectorAll('[data-test-id="next-step"]'),
  returnLinks: document.querySelectorAll('[data-test-id="return-link"]'),
  error: byTestId('error-state'),
  errorPayment: byTestId('error-payment'),
  errorPaymentId: byTestId('error-payment-id'),
  errorTitle: byTestId('error-title'),
  errorMessage: byTestId('error-message'),
  retryButton: byTestId('retry-button'),
  cancelButton: byTestId('cancel-button'),
  announcer: byTestId('announcer'),
};

// Form field name -> [input test id, error test id].
const FIELDS = {
  upi: { vpa: ['vpa-input', 'vpa-error'] },
  card: {
    number: ['card-number-input', 'card-number-error'],
    expiry: ['expiry-input', 'expiry-error'],
    cvv: ['cvv-input', 'cvv-error'],
    holderName: ['cardholder-name-input', 'cardholder-name-error'],
  },
};

const params = new URLSearchParams(window.location.search);
const embedded = params.get('embedded') === 'true' && window.parent !== window;
const parent = createParentChannel(embedded ? window.parent : null, resolveParentOrigin(params, window.location));
const api = createCheckoutApi(gatewayConfig().apiUrl);
const linkId = (window.location.pathname.match(LINK_PATH) || [])[1] || null;
// The processing state's line for a payment made on this page (a resumed one says where it came from).
const PROCESSING_DETAIL = byTestId('processing-detail').textContent;
const session = { order: null, link: null, method: null, retry: null, payment: null };

function showState(name, announcement) {
  view.loading.hidden = name !== 'loading';
  view.payment.hidden = name !== 'choose';
  view.processing.hidden = name !== 'processing';
  view.success.hidden = name !== 'success';
  view.paid.hidden = name !== 'paid';
  view.error.hidden = name !== 'error';
  view.container.setAttribute('aria-busy', String(name === 'loading' || name === 'processing'));
  if (announcement) view.announcer.textContent = announcement;
  const section = { processing: view.processing, success: view.success, paid: view.paid, error: view.error }[name];
  if (section) section.focus();
  // The embedding page asks before closing while a payment is under way (checkout.js).
  if (session.payment) parent.post('payment_status', { paymentId: session.payment.id, status: session.payment.status });
}

/** Under every result: the way back to the merchant when the link has one, else what to do now. */
function offerNextStep(payment, { canRetry = false } = {}) {
  const href = embedded ? null : returnHref(session.link, payment);
  const merchantName = session.order && session.order.merchant_name;
  for (const link of view.returnLinks) {
    link.hidden = !href;
    if (href) {
      link.href = href;
      link.textContent = `Return to ${merchantName || 'the merchant'}`;
    }
  }
  for (const line of view.nextSteps) {
    line.textContent = nextStep({ embedded, hasReturn: Boolean(href), merchantName, canRetry });
    line.hidden = !line.textContent;
  }
}

/** An order that is paid, whether before the shopper came or while they were paying. */
function showAlreadyPaid(message, payment = null) {
  view.heading.textContent = 'Nothing to pay';
  view.paidMessage.textContent = message;
  offerNextStep(payment);
  showState('paid', `This order is already paid. ${message}`);
}

function showError({ title = 'Payment Failed', message, retry = null, paymentId = null }) {
  view.errorTitle.textContent = title;
  view.errorMessage.textContent = message;
  view.errorPaymentId.textContent = paymentId || '';
  view.errorPayment.hidden = !paymentId;
  session.retry = retry;
  view.retryButton.hidden = !retry;
  view.cancelButton.hidden = !embedded;
  offerNextStep(null, { canRetry: Boolean(retry) });
  showState('error', `${title}. ${message}`);
}

/** A payment link's page: the link says which order, and whether it still takes payments. */
async function loadLink() {
  try {
    session.link = await api.getPaymentLink(linkId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      showError({
        title: 'Payment link not found',
        message: 'This link does not match any payment link. Check it, or ask the merchant for a new one.',
      });
    } else {
      showError({ title: 'Could not load this payment link', message: error.message, retry: load });
    }
    return null;
  }
  return session.link.order_id;
}

function orderIdFromUrl() {
  const orderId = (params.get('order_id') || '').trim();
  if (!orderId) {
    showError({
      title: 'Order not found',
      message: 'This payment link has no order. Ask the merchant for a new link.',
    });
    return null;
  }
  return orderId;
}

async function load() {
  showState('loading');
  const orderId = linkId ? await loadLink() : orderIdFromUrl();
  if (orderId) await loadOrder(orderId);
}

async function loadOrder(orderId) {
  showState('loading');
  try {
    session.order = await api.getOrder(orderId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      showError({
        title: error.message,
        message: 'This payment link does not match any order. Check the link or ask the merchant for a new one.',
      });
    } else {
      showError({ title: 'Could not load your order', message: error.message, retry: load });
    }
    return;
  }
  // Nothing may move once the shopper can click: a ribbon shown after the form would push it down under
  // their pointer. The probe started with the page; it is seldom still running by now.
  await Promise.race([testModeKnown, delay(TEST_MODE_PROBE_WAIT_MS)]);
  const { order, link } = session;
  showMerchantName(order.merchant_name);
  const amount = formatAmount(order.amount, order.currency);
  view.amount.textContent = amount;
  view.orderId.textContent = order.id;
  view.description.textContent = (link && link.description) || '';
  view.description.hidden = !view.description.textContent;
  view.summary.hidden = false;
  // Only now, with the amount and id filled in, does the page present itself as the checkout.
  view.container.dataset.testId = 'checkout-container';
  document.title = `Pay ${amount}`;
  for (const button of document.querySelectorAll('[data-test-id="pay-button"]')) button.textContent = `Pay ${amount}`;
  // UPI moves rupees only: an order in another currency is paid by card (the API refuses UPI for it).
  byTestId('method-upi').hidden = order.currency !== 'INR';
  const latest = order.payment;
  if (order.status === 'paid') {
    // The paying payment's signed result lets a link's shopper go back to the merchant from here too.
    const paying = latest && latest.status === 'success' ? await api.getPayment(latest.id).catch(() => null) : null;
    showAlreadyPaid('It was paid earlier, so there is nothing more to pay.', paying);
    return;
  }
  const closed = link && closedLinkMessage(link, order.merchant_name);
  if (closed) {
    view.heading.textContent = 'Nothing to pay';
    showError(closed);
    return;
  }
  if (latest && latest.status === 'pending') {
    // A payment made before (another tab, a closed modal) is still with the bank: follow it, never offer
    // a second one on top of it.
    byTestId('processing-detail').textContent =
      'A payment you started earlier is still being processed. Its result will show here: no need to pay again.';
    await followPayment({ id: latest.id, status: 'pending' });
    return;
  }
  showState('choose', `Order of ${amount} loaded. Choose a payment method.`);
}

function chooseMethod(method, { focus = true } = {}) {
  session.method = method;
  for (const button of view.methodButtons) {
    button.setAttribute('aria-pressed', String(button.dataset.method === method));
  }
  for (const [name, form] of Object.entries(view.forms)) form.hidden = name !== method;
  if (focus) view.forms[method].querySelector('input').focus();
}

function readForm(method) {
  const form = view.forms[method];
  const value = (field) => byTestId(FIELDS[method][field][0], form).value;
  return method === 'upi'
    ? { vpa: value('vpa').trim() }
    : {
        number: value('number'),
        expiry: value('expiry'),
        cvv: value('cvv').trim(),
        holderName: value('holderName').trim(),
      };
}

function showFieldErrors(method, errors) {
  const form = view.forms[method];
  let firstInvalid = null;
  for (const [field, [inputId, errorId]] of Object.entries(FIELDS[method])) {
    const input = byTestId(inputId, form);
    const message = byTestId(errorId, form);
    const error = errors[field];
    message.textContent = error || '';
    message.hidden = !error;
    input.setAttribute('aria-invalid', String(Boolean(error)));
    if (error && !firstInvalid) firstInvalid = input;
  }
  if (firstInvalid) firstInvalid.focus();
}

function showFormError(method, message) {
  const formError = byTestId('form-error', view.forms[method]);
  formError.textContent = message || '';
  formError.hidden = !message;
}

function paymentRequest(method, details) {
  const orderId = session.order.id;
  if (method === 'upi') return { order_id: orderId, method, vpa: details.vpa };
  const { month, year } = parseExpiry(details.expiry);
  return {
    order_id: orderId,
    method,
    card: {
      number: normalizeCardNumber(details.number),
      expiry_month: String(month).padStart(2, '0'),
      expiry_year: String(year),
      cvv: details.cvv,
      holder_name: details.holderName,
    },
  };
}

async function submitPayment(method) {
  const details = readForm(method);
  const errors = method === 'upi' ? validateUpiDetails(details) : validateCardDetails(details);
  showFieldErrors(method, errors);
  showFormError(method, null);
  if (Object.keys(errors).length > 0) {
    view.announcer.textContent = 'Please correct the highlighted fields.';
    return;
  }
  byTestId('processing-detail').textContent = PROCESSING_DETAIL;
  showState('processing', 'Processing payment...');
  let payment;
  try {
    payment = await api.createPayment(paymentRequest(method, details));
  } catch (error) {
    returnToForm(method, error);
    return;
  } finally {
    // The CVV is never kept around longer than the request that needs it.
    if (method === 'card') byTestId('cvv-input', view.forms.card).value = '';
  }
  await followPayment(payment);
}

const CLOSED_LINK_ERRORS = { 'Payment link has expired': 'expired', 'Payment link was cancelled': 'cancelled' };

function returnToForm(method, error) {
  const closedAs = CLOSED_LINK_ERRORS[error.message];
  if (closedAs) {
    // The link closed while the page was open: say so, and take nothing.
    showError(closedLinkMessage({ status: closedAs }, session.order.merchant_name));
    return;
  }
  if (error.message === ORDER_ALREADY_PAID) {
    showAlreadyPaid(
      'It was paid while this page was open. This payment was not taken: you have not been charged twice.',
    );
    return;
  }
  showState('choose', error.message);
  const field = FIELD_FOR_ERROR_CODE[error.code];
  if (field && FIELDS[method][field]) {
    showFieldErrors(method, { [field]: error.message });
  } else {
    showFormError(method, error.message);
    view.forms[method].querySelector('[data-test-id="pay-button"]').focus();
  }
}

async function followPayment(payment) {
  const deadline = Date.now() + POLL_DEADLINE_MS;
  let current = payment;
  session.payment = payment;
  // Shown while the bank decides, so a shopper who leaves can still quote it.
  byTestId('processing-payment-id').textContent = payment.id;
  byTestId('processing-payment').hidden = false;
  showState('processing');
  while (!FINAL_STATUSES.has(current.status)) {
    if (Date.now() > deadline) {
      showError({
        title: 'Payment status unknown',
        message: `We could not confirm payment ${payment.id} yet. Please check with the merchant before paying again.`,
      });
      return;
    }
    await delay(POLL_INTERVAL_MS);
    try {
      current = await api.getPayment(payment.id);
      session.payment = current;
    } catch (error) {
      // A dropped poll is not a failed payment: keep asking until the deadline.
      if (error instanceof ApiError && error.status === 404) throw error;
    }
  }
  session.payment = current;
  if (current.status === 'success') {
    view.paymentId.textContent = current.id;
    view.heading.textContent = 'Payment complete';
    offerNextStep(current);
    showState('success', `Payment successful. Payment ID ${current.id}.`);
    parent.post('payment_success', {
      paymentId: current.id,
      orderId: current.order_id,
      amount: current.amount,
      currency: current.currency,
      method: current.method,
      status: current.status,
      // The merchant's server checks it with its API secret before trusting this report.
      signature: current.signature,
    });
  } else {
    const message = current.error_description || 'Payment processing failed';
    const payable = await stillPayable();
    showError({ message, retry: payable ? () => retryPayment() : null, paymentId: current.id });
    parent.post('payment_failed', {
      error: message,
      errorCode: current.error_code || 'PAYMENT_FAILED',
      paymentId: current.id,
      orderId: current.order_id,
      method: current.method,
      status: current.status,
    });
  }
}

/** Whether another payment may be made now: the order unpaid and its link (if any) still open. */
async function stillPayable() {
  try {
    const order = await api.getOrder(session.order.id);
    if (order.status === 'paid') return false;
    if (linkId) return !closedLinkMessage(await api.getPaymentLink(linkId), order.merchant_name);
    return true;
  } catch {
    return true; // unknown: offer the retry, which the API refuses with a reason if it must
  }
}

function retryPayment() {
  session.payment = null;
  showState('choose', 'Choose a payment method to try again.');
  if (session.method) chooseMethod(session.method);
  else view.methodButtons.find((button) => !button.hidden).focus();
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A field is checked when the shopper leaves it, and its error goes as soon as they change it. */
function validateFieldLive(method, field) {
  const form = view.forms[method];
  const [inputId, errorId] = FIELDS[method][field];
  const input = byTestId(inputId, form);
  const message = byTestId(errorId, form);
  const setError = (error) => {
    message.textContent = error || '';
    message.hidden = !error;
    input.setAttribute('aria-invalid', String(Boolean(error)));
  };
  input.addEventListener('input', () => setError(null));
  input.addEventListener('blur', () => {
    if (!input.value.trim()) return; // an untouched empty field is not an error yet
    const details = readForm(method);
    const errors = method === 'upi' ? validateUpiDetails(details) : validateCardDetails(details);
    setError(errors[field]);
  });
}

/** Shows a test-mode ribbon where the gateway serves its test helpers (never in production). */
async function showTestModeRibbon() {
  try {
    await api.getTestMerchant();
    byTestId('test-mode-ribbon').hidden = false;
  } catch {
    // Not a test deployment: no ribbon.
  }
}

function bindEvents() {
  for (const button of view.methodButtons) {
    button.addEventListener('click', () => chooseMethod(button.dataset.method));
  }
  for (const [method, form] of Object.entries(view.forms)) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submitPayment(method).catch((error) => showError({ message: error.message, retry: () => retryPayment() }));
    });
  }
  const cardNumber = byTestId('card-number-input', view.forms.card);
  const network = byTestId('card-network', view.forms.card);
  cardNumber.addEventListener('input', () => {
    reformatInput(cardNumber, formatCardNumberInput);
    network.textContent = NETWORK_NAMES[cardNetwork(cardNumber.value)] || '';
  });
  for (const [method, fields] of Object.entries(FIELDS)) {
    for (const field of Object.keys(fields)) validateFieldLive(method, field);
  }
  const expiry = byTestId('expiry-input', view.forms.card);
  expiry.addEventListener('input', (event) => {
    // Let deletions through untouched, or backspacing over the "/" would put it straight back.
    if (!event.inputType || !event.inputType.startsWith('delete')) reformatInput(expiry, formatExpiryInput);
  });
  view.retryButton.addEventListener('click', () => session.retry && session.retry());
  view.cancelButton.addEventListener('click', () => parent.post('close_modal'));
  if (embedded) {
    document.documentElement.classList.add('is-embedded');
    // Keys typed inside the iframe never reach the merchant page, so pass Escape on to checkout.js.
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') parent.post('close_modal');
    });
    reportHeightToParent();
  }
}

/** Tells checkout.js how tall the page is, so the modal fits each state without empty space. */
function reportHeightToParent() {
  if (typeof ResizeObserver !== 'function') return;
  let reported = 0;
  const ribbon = byTestId('test-mode-ribbon');
  const observer = new ResizeObserver(() => {
    // The test-mode ribbon sits above the container; it is 0 px tall while hidden.
    const height = Math.ceil(view.container.getBoundingClientRect().height + ribbon.getBoundingClientRect().height);
    if (height !== reported) {
      reported = height;
      parent.post('resize', { height });
    }
  });
  observer.observe(view.container);
  observer.observe(ribbon);
}

/** The payee as the gateway knows it (the account's name), never as a URL or the embedding page says. */
function showMerchantName(name) {
  const line = byTestId('merchant-name');
  line.textContent = name || '';
  line.hidden = !name;
}

const testModeKnown = showTestModeRibbon();
bindEvents();
load();
