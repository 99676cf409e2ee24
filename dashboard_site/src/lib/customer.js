// The shopper behind a payment (the optional `email` and `contact` a payment carries): how the dashboard
// shows them, and how its search box finds payments by them or by the card's last four digits.
import { el } from './dom.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CONTACT_SEPARATORS = /[ ()-]/g;
const CONTACT = /^\+?[0-9]{8,15}$/;
const LAST_FOUR = /^[0-9]{4}$/;

/**
 * The API filter a search text names, or null when it names none (a payment id, an order id or a UPI id,
 * which the page matches itself): an email address, a phone number (8-15 digits, optional +, spaces,
 * hyphens and brackets ignored) or a card's last four digits. A VPA (`name@bank`) has no dot after its @.
 */
export function customerFilter(text) {
  const q = String(text ?? '').trim();
  if (EMAIL.test(q)) return { name: 'email', value: q };
  if (LAST_FOUR.test(q)) return { name: 'card_last4', value: q };
  const digits = q.replace(CONTACT_SEPARATORS, '');
  if (CONTACT.test(digits)) return { name: 'contact', value: digits };
  return null;
}

/** "asha@example.com · +919876543210", or "-" for a payment that names no shopper. */
export function customerLabel(payment) {
  const parts = [payment?.email, payment?.contact].filter(Boolean);
  return parts.length ? parts.join(' · ') : '-';
}

/** The customer as a table cell shows them: email and phone on lines of their own. */
export function customerCell(payment) {
  const parts = [payment?.email, payment?.contact].filter(Boolean);
  if (!parts.length) return ['-'];
  return parts.flatMap((part, index) => (index ? [el('br'), part] : [part]));
}

/** The customer block of the payment page: email and phone, each with its own test id. */
export function customerItems(payment) {
  const item = (label, value, testId) =>
    el('div', {}, el('dt', {}, label), el('dd', { testId, className: value ? 'mono' : 'muted' }, value || 'Not given'));
  return [
    item('Email', payment?.email, 'payment-detail-email'),
    item('Phone', payment?.contact, 'payment-detail-contact'),
  ];
}
