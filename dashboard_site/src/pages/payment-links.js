import { newIdempotencyKey } from '../../../web_shared/api.js';
import { formatAmount, parseRupeesToPaise } from '../../../web_shared/money.js';
import { byTestId, el, showToast, statusBadge, wireCopyButton, withBusyButton } from '../lib/dom.js';
import { paymentLinkRequest } from '../lib/payment-links.js';
import { showError, startDashboardPage } from '../lib/shell.js';
import { actionsCell } from '../lib/table.js';
import { formatDateTime } from '../lib/time.js';

const PAGE_SIZE = 20;
const session = startDashboardPage();

// Cursor paging: each page starts after the last link of the page before it (newest first).
const pager = { starts: [null], index: 0, hasMore: false };

function cell(label, ...content) {
  return el('td', { 'data-label': label }, ...content);
}

function linkRow(link, api) {
  const copy = el('button', { className: 'btn btn-ghost btn-sm', type: 'button', testId: 'copy-link-url' }, 'Copy');
  wireCopyButton(copy, () => link.url);
  const actions = [copy];
  if (link.status === 'created') {
    actions.push(
      el(
        'button',
        {
          className: 'btn btn-ghost btn-sm',
          type: 'button',
          testId: 'cancel-payment-link-button',
          onclick: (event) => cancelLink(api, link, event.currentTarget),
        },
        'Cancel',
      ),
    );
  }
  return el(
    'tr',
    { testId: 'payment-link-row', dataset: { linkId: link.id } },
    cell('Created', formatDateTime(link.created_at)),
    cell('Description', link.description || '—'),
    el('td', { className: 'num', 'data-label': 'Amount' }, formatAmount(link.amount, link.currency)),
    cell('Status', statusBadge(link.status, 'payment-link-status')),
    cell('Expires', link.expire_by ? formatDateTime(link.expire_by) : 'Never'),
    cell('Link', el('a', { href: link.url, target: '_blank', rel: 'noopener', testId: 'payment-link-url' }, link.id)),
    actionsCell(...actions),
  );
}

async function loadLinks(api) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const start = pager.starts[pager.index];
  if (start) params.set('starting_after', start);
  showError('payment-links-error', null);
  let page;
  try {
    page = await api.get(`/api/v1/payment_links?${params}`);
  } catch (error) {
    showError('payment-links-error', error);
    return;
  }
  pager.hasMore = page.has_more;
  pager.starts[pager.index + 1] = page.data.length ? page.data[page.data.length - 1].id : null;
  byTestId('payment-links-body').replaceChildren(...page.data.map((link) => linkRow(link, api)));
  byTestId('payment-links-empty').hidden = page.data.length > 0 || pager.index > 0;
  const first = pager.index * PAGE_SIZE + 1;
  byTestId('payment-links-range').textContent = page.data.length
    ? `Showing ${first}–${first + page.data.length - 1}`
    : 'No results';
  byTestId('payment-links-prev-button').disabled = pager.index === 0;
  byTestId('payment-links-next-button').disabled = !page.has_more;
}

async function cancelLink(api, link, button) {
  if (!window.confirm(`Cancel the link for ${formatAmount(link.amount, link.currency)}? It takes no more payments.`)) {
    return;
  }
  try {
    await withBusyButton(button, 'Cancelling…', () => api.post(`/api/v1/payment_links/${link.id}/cancel`));
    showToast('Link cancelled', 'good');
  } catch (error) {
    showToast(error.message, 'bad');
  }
  await loadLinks(api);
}

async function createLink(api, form) {
  const amountError = byTestId('payment-link-amount-error');
  const amount = parseRupeesToPaise(form.elements.amount.value);
  amountError.textContent = amount.ok ? '' : amount.error;
  amountError.hidden = amount.ok;
  showError('payment-link-error', null);
  if (!amount.ok) {
    form.elements.amount.focus();
    return;
  }
  const body = paymentLinkRequest({
    paise: amount.paise,
    description: form.elements.description.value,
    returnUrl: form.elements.return_url.value,
    expireLocal: form.elements.expire_by.value,
  });
  let link;
  try {
    link = await withBusyButton(byTestId('create-payment-link-button'), 'Creating…', () =>
      api.post('/api/v1/payment_links', body, { idempotencyKey: newIdempotencyKey() }),
    );
  } catch (error) {
    showError('payment-link-error', error);
    return;
  }
  byTestId('created-payment-link-url').textContent = link.url;
  byTestId('created-payment-link').hidden = false;
  form.reset();
  pager.index = 0;
  await loadLinks(api);
}

if (session) {
  const { api } = session;
  const form = byTestId('payment-link-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    createLink(api, form);
  });
  wireCopyButton(byTestId('copy-payment-link-button'), () => byTestId('created-payment-link-url').textContent);
  byTestId('refresh-payment-links-button').addEventListener('click', () => loadLinks(api));
  byTestId('payment-links-prev-button').addEventListener('click', () => {
    pager.index = Math.max(0, pager.index - 1);
    loadLinks(api);
  });
  byTestId('payment-links-next-button').addEventListener('click', () => {
    if (!pager.hasMore) return;
    pager.index += 1;
    loadLinks(api);
  });
  loadLinks(api);
}
