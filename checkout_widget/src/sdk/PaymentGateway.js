/**
 * checkout.js: opens the hosted checkout page in a modal iframe and relays its outcome to the merchant.
 *
 *   new PaymentGateway({ key, orderId, onSuccess, onFailure, onClose }).open();
 *
 * onSuccess receives {paymentId, orderId, signature, ...}: the merchant's server checks `signature` (HMAC-SHA256
 * of "<orderId>|<paymentId>" keyed by its API secret) before trusting the result. The checkout shows the
 * account's name from the gateway; options this version does not know (such as the former `name`) are
 * ignored, so older integrations keep working.
 *
 * The checkout origin comes from, in order: the `checkoutUrl` option, the URL this script was loaded
 * from, and the origin fixed at build time. Only messages from that origin, sent by our own iframe,
 * are trusted.
 */
import { buildModal, injectStyles, lockPageScroll } from './modal.js';
import styles from './styles.css';

// Build-time default (esbuild `define`), for bundles loaded from somewhere other than the checkout origin.
const DEFAULT_CHECKOUT_URL = typeof __CHECKOUT_URL__ === 'string' ? __CHECKOUT_URL__ : 'http://localhost:3001';

// document.currentScript is only set while this file is first evaluated, so read it now, not in open().
const SCRIPT_CHECKOUT_URL = checkoutUrlFromScript(typeof document === 'undefined' ? null : document.currentScript);

const MESSAGE_TYPES = new Set(['payment_success', 'payment_failed', 'payment_status', 'close_modal', 'resize']);
const CONFIRM_CLOSE =
  'Your payment is still being processed. If you close this window you may not see whether it went through. Close anyway?';
// The modal never grows past the viewport; taller content scrolls inside the iframe.
const MAX_CONTENT_HEIGHT = 2000;

export default class PaymentGateway {
  constructor(options) {
    const settings = options || {};
    requireText(settings.key, 'key', 'your API key (key_...)');
    requireText(settings.orderId, 'orderId', 'the id of an order created on your server');
    for (const name of ['onSuccess', 'onFailure', 'onClose']) {
      if (settings[name] !== undefined && typeof settings[name] !== 'function') {
        throw new TypeError(`PaymentGateway: "${name}" must be a function`);
      }
    }
    this.key = settings.key;
    this.orderId = settings.orderId;
    this.options = settings;
    this.checkoutUrl = normalizeCheckoutUrl(settings.checkoutUrl || SCRIPT_CHECKOUT_URL || DEFAULT_CHECKOUT_URL);
    this.checkoutOrigin = new URL(this.checkoutUrl).origin;
    this.modal = null;
    this.payment = null;
    this.cleanups = [];
    this.handleMessage = this.handleMessage.bind(this);
  }

  /** Shows the checkout modal. Calling it again while the modal is open does nothing. */
  open() {
    if (this.modal) return this;
    const doc = document;
    injectStyles(doc, styles);
    this.previouslyFocused = doc.activeElement;
    this.modal = buildModal(doc, this.iframeSrc(doc));
    doc.body.appendChild(this.modal.root);

    const { overlay, closeButton, iframe, root } = this.modal;
    this.listen(window, 'message', this.handleMessage);
    this.listen(closeButton, 'click', () => this.requestClose());
    this.listen(overlay, 'click', (event) => {
      if (event.target === overlay) this.requestClose();
    });
    this.listen(doc, 'keydown', (event) => this.handleKeydown(event), true);
    // Focus that escapes the modal (e.g. Shift+Tab out of the iframe) is brought back to the close button.
    this.listen(doc, 'focusin', (event) => {
      if (!root.contains(event.target)) closeButton.focus();
    });
    this.cleanups.push(lockPageScroll(doc));
    iframe.focus();
    return this;
  }

  /** A shopper's close: while a payment is processing it asks first, so nobody leaves a payment unseen. */
  requestClose() {
    if (this.payment && this.payment.status === 'pending' && !window.confirm(CONFIRM_CLOSE)) return;
    this.close();
  }

  /**
   * Removes the modal, restores the page, and calls onClose, with {paymentId, status} when a payment was
   * made. Does nothing when already closed.
   */
  close() {
    if (!this.modal) return;
    const { root } = this.modal;
    const payment = this.payment;
    this.modal = null;
    this.payment = null;
    while (this.cleanups.length) this.cleanups.pop()();
    root.remove();
    if (this.previouslyFocused && typeof this.previouslyFocused.focus === 'function') {
      this.previouslyFocused.focus();
    }
    this.previouslyFocused = null;
    this.invoke('onClose', payment || undefined);
  }

  iframeSrc(doc) {
    const params = new URLSearchParams({ order_id: this.orderId, embedded: 'true' });
    const parentOrigin = doc.defaultView && doc.defaultView.location.origin;
    // The checkout page posts its result to this origin only, never to "*".
    if (parentOrigin && parentOrigin !== 'null') params.set('parent_origin', parentOrigin);
    return `${this.checkoutUrl}/checkout?${params}`;
  }

  handleMessage(event) {
    if (!this.modal) return;
    if (event.origin !== this.checkoutOrigin) return;
    if (event.source !== this.modal.iframe.contentWindow) return;
    const message = event.data;
    if (!message || typeof message !== 'object' || !MESSAGE_TYPES.has(message.type)) return;
    const data = message.data && typeof message.data === 'object' ? message.data : {};
    if (typeof data.paymentId === 'string' && typeof data.status === 'string') {
      this.payment = { paymentId: data.paymentId, status: data.status };
    }
    if (message.type === 'payment_success') {
      this.invoke('onSuccess', data);
      this.close();
    } else if (message.type === 'payment_failed') {
      this.invoke('onFailure', data);
    } else if (message.type === 'resize') {
      this.fitContent(data.height);
    } else if (message.type === 'close_modal') {
      this.requestClose();
    }
  }

  /** Sizes the modal to the checkout page's content, so short states do not sit in a tall empty box. */
  fitContent(height) {
    if (typeof height !== 'number' || !(height > 0)) return;
    this.modal.content.style.height = `${Math.min(Math.ceil(height), MAX_CONTENT_HEIGHT)}px`;
  }

  handleKeydown(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.requestClose();
      return;
    }
    if (event.key !== 'Tab') return;
    // Only two stops live in this document: the iframe (whose inner fields Tab walks through) and the
    // close button. Cycling between them keeps keyboard focus inside the modal.
    const { iframe, closeButton } = this.modal;
    event.preventDefault();
    const target = document.activeElement === closeButton ? iframe : closeButton;
    // Browsers draw no :focus-visible ring on an iframe, so mark keyboard focus for the stylesheet.
    iframe.classList.toggle('keyboard-focus', target === iframe);
    target.focus();
  }

  listen(target, type, handler, capture = false) {
    target.addEventListener(type, handler, capture);
    this.cleanups.push(() => target.removeEventListener(type, handler, capture));
  }

  /** Runs a merchant callback; an exception in it is reported but never leaves the modal half-closed. */
  invoke(name, data) {
    const callback = this.options[name];
    if (typeof callback !== 'function') return;
    try {
      callback(data);
    } catch (error) {
      setTimeout(() => {
        throw error;
      });
    }
  }
}

function requireText(value, name, hint) {
  if (typeof value !== 'string' || !value.trim()) {
    throw new Error(`PaymentGateway: "${name}" is required (${hint})`);
  }
}

function normalizeCheckoutUrl(url) {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** The checkout origin when this file is served as .../checkout.js (or a versioned copy of it). */
function checkoutUrlFromScript(script) {
  if (!script || !script.src) return null;
  try {
    const url = new URL(script.src);
    return /\/checkout(?:[.-][\w.-]+)?\.js$/.test(url.pathname) ? url.origin : null;
  } catch {
    return null;
  }
}
