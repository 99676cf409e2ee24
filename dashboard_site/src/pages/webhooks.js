import { attemptsTable } from '../lib/delivery-views.js';
import {
  MAX_ATTEMPTS,
  RETRY_WINDOW_TEXT,
  displayedHeaders,
  observedRetryMode,
  prettyPayload,
  retryNote,
} from '../lib/deliveries.js';
import { eventDetailUrl, eventsLinkForDelivery } from '../lib/events.js';
import { byTestId, el, showToast, statusBadge, summaryItem, wireCopyButton, withBusyButton } from '../lib/dom.js';
import { OffsetPager, describePage, showListPage } from '../lib/pagination.js';
import { createPoller } from '../lib/poller.js';
import { showError, startDashboardPage } from '../lib/shell.js';
import { formatCountdown, formatDateTime } from '../lib/time.js';
import { validateWebhookUrl } from '../lib/webhook-url.js';
import { actionsCell, detailsButton } from '../lib/table.js';
import { reported } from '../lib/failure.js';

const PAGE_SIZE = 10;
const POLL_INTERVAL_MS = 3000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const session = startDashboardPage();
const pager = new OffsetPager('webhook-logs', PAGE_SIZE, loadLogs);
let savedUrl = '';
let pendingSave = Promise.resolve();
const poller = createPoller(() => loadLogs(), POLL_INTERVAL_MS);

const urlInput = byTestId('webhook-url-input');
// The secret's element takes its test id only once it holds the secret, in the same task: whoever waits
// for [data-test-id="webhook-secret"] reads the secret, never a placeholder.
const secretOutput = document.getElementById('webhook-secret');

function showSecret(secret) {
  secretOutput.textContent = secret;
  secretOutput.removeAttribute('aria-busy');
  secretOutput.dataset.testId = 'webhook-secret';
}
const configStatus = byTestId('webhook-config-status');

function setConfigStatus(message, tone = '') {
  configStatus.textContent = message;
  configStatus.dataset.tone = tone;
}

// ---- configuration
let urlEdited = false;

function showConfig(config, { keepTypedUrl = false } = {}) {
  savedUrl = config.webhook_url ?? '';
  // The first load can land after the merchant started typing: never overwrite their input.
  if (!(keepTypedUrl && urlEdited)) {
    urlInput.value = savedUrl;
    urlEdited = false;
  }
  showSecret(config.webhook_secret);
}

async function loadConfig() {
  try {
    showConfig(await session.api.get('/api/v1/webhooks/config'), { keepTypedUrl: true });
  } catch (error) {
    setConfigStatus(error.message, 'bad');
  }
}

function validateUrlField() {
  const result = validateWebhookUrl(urlInput.value);
  showError('webhook-url-error', result.ok ? null : new Error(result.error));
  urlInput.setAttribute('aria-invalid', String(!result.ok));
  return result;
}

async function saveConfig(event) {
  event.preventDefault();
  const result = validateUrlField();
  if (!result.ok) {
    urlInput.focus();
    return;
  }
  pendingSave = withBusyButton(byTestId('save-webhook-button'), 'Saving…', async () => {
    try {
      showConfig(await session.api.put('/api/v1/webhooks/config', { webhook_url: result.url }));
      setConfigStatus(savedUrl ? 'Saved.' : 'Saved. Webhooks are off until you add a URL.', 'good');
    } catch (error) {
      setConfigStatus(error.message, 'bad');
    }
  });
  await pendingSave;
}

// Rotation: the hex X-Webhook-Signature switches to the new secret at once, while webhook-signature
// carries both for 24 h; the merchant confirms having read that before anything changes.
const regenerateDialog = byTestId('regenerate-secret-dialog');
const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

async function regenerateSecret() {
  await withBusyButton(byTestId('regenerate-secret-button'), 'Regenerating…', async () => {
    try {
      const { webhook_secret: secret } = await session.api.post('/api/v1/webhooks/regenerate-secret');
      showSecret(secret);
      const overlapEnds = formatDateTime(new Date(Date.now() + ROTATION_OVERLAP_MS).toISOString());
      setConfigStatus(
        `New secret generated. X-Webhook-Signature uses only the new secret from the next delivery; ` +
          `webhook-signature also carries the old secret's signature until ${overlapEnds}.`,
        'good',
      );
    } catch (error) {
      setConfigStatus(error.message, 'bad');
    }
  });
}

async function sendTestWebhook(button) {
  await pendingSave; // "Save" then "Send test" in quick succession tests the new URL
  if (!savedUrl) {
    setConfigStatus('Save a webhook URL first.', 'bad');
    return;
  }
  await withBusyButton(button, 'Sending…', async () => {
    try {
      await session.api.post('/api/v1/webhooks/test');
      setConfigStatus('Test webhook queued. Watch it arrive below.', 'good');
    } catch (error) {
      setConfigStatus(error.message, 'bad');
    }
  });
  if (pager.offset !== 0) pager.goTo(0);
  else await reported(loadLogs());
}

// ---- delivery logs
async function retryDelivery(logId, button) {
  await withBusyButton(button, 'Retrying…', async () => {
    try {
      await session.api.post(`/api/v1/webhooks/${encodeURIComponent(logId)}/retry`);
      showToast('Retry scheduled.', 'good');
    } catch (error) {
      showToast(`Retry refused: ${error.message}`, 'bad');
    }
  });
  await reported(loadLogs());
}

/** The first attempt is still being made (a failed attempt leaves a scheduled retry that may be cut short). */
function inFlight(log) {
  return log.status === 'pending' && !(log.attempts > 0);
}

/** The status badge; a delivery waiting for its next attempt says which one and when, not just "pending". */
function deliveryStatus(log, testId = 'webhook-status', noteTestId = 'webhook-retry-note') {
  const badge = statusBadge(log.status, testId);
  const note = retryNote(log);
  if (!note) return badge;
  badge.className = 'badge badge-neutral';
  return el('span', {}, badge, el('span', { className: 'retry-note', testId: noteTestId }, note));
}

/** What the row's retry button does for this delivery: every row has one (the dashboard's contract). */
function retryLabel(log) {
  if (log.status === 'success') return 'Resend';
  if (log.status === 'pending') return inFlight(log) ? 'Sending…' : 'Retry now';
  return 'Retry';
}

function renderLog(log) {
  const pending = log.status === 'pending';
  return el(
    'tr',
    { testId: 'webhook-log-item', dataset: { webhookId: log.id, status: log.status } },
    el(
      'td',
      { 'data-label': 'Event' },
      el('span', { className: 'mono', testId: 'webhook-event' }, log.event),
      ' ',
      el('a', { className: 'event-link', href: eventsLinkForDelivery(log), testId: 'webhook-event-link' }, 'in Events'),
    ),
    el('td', { 'data-label': 'Status' }, deliveryStatus(log)),
    el('td', { className: 'num', testId: 'webhook-attempts', 'data-label': 'Attempts' }, String(log.attempts ?? 0)),
    el(
      'td',
      { testId: 'webhook-last-attempt', 'data-label': 'Last attempt' },
      log.last_attempt_at ? el('time', { datetime: log.last_attempt_at }, formatDateTime(log.last_attempt_at)) : '-',
    ),
    el(
      'td',
      { className: 'num', testId: 'webhook-response-code', 'data-label': 'Response' },
      log.response_code === null || log.response_code === undefined ? '-' : String(log.response_code),
    ),
    el(
      'td',
      {
        testId: 'webhook-next-retry',
        'data-label': 'Next retry',
        title: log.next_retry_at ? formatDateTime(log.next_retry_at) : null,
      },
      pending ? formatCountdown(log.next_retry_at) : '-',
    ),
    actionsCell(
      detailsButton('view-webhook-button', () => openDetail(log.id)),
      el(
        'button',
        {
          className: 'btn btn-secondary btn-sm',
          type: 'button',
          testId: 'retry-webhook-button',
          // While the first attempt is in flight there is nothing to retry yet; a delivery waiting for
          // its next scheduled attempt can be retried now (the gateway replaces the waiting schedule).
          disabled: inFlight(log),
          title: inFlight(log)
            ? 'Delivery in progress'
            : pending
              ? 'Retry now instead of waiting'
              : 'Send this event again',
          onclick: (event) => retryDelivery(log.id, event.currentTarget),
        },
        retryLabel(log),
      ),
    ),
  );
}

/** Loads the current page of logs; resolves to true while a delivery on it is pending. */
async function loadLogs() {
  const { offset } = pager;
  let result;
  try {
    result = await session.api.get(`/api/v1/webhooks?limit=${PAGE_SIZE}&offset=${offset}`);
  } catch (error) {
    showError('webhook-logs-error', error);
    throw error;
  }
  showError('webhook-logs-error', null);
  const logs = Array.isArray(result?.data) ? result.data : [];
  const page = describePage({ offset, limit: PAGE_SIZE, itemCount: logs.length, total: result?.total ?? 0 });
  const mode = observedRetryMode(logs);
  if (mode) byTestId('retry-window-text').textContent = RETRY_WINDOW_TEXT[mode];
  const anyPending = logs.some((log) => log.status === 'pending');
  showListPage('webhook-logs', { rows: logs.map(renderLog), page, offset, live: anyPending });
  // An open delivery follows its new attempts as the list does.
  if (detail.open && logs.some((log) => log.id === detailId)) showDetail(detailId);
  if (anyPending) poller.ensure();
  return anyPending;
}

// ---- detail view (also opened by /dashboard/webhooks?delivery=<id>)
const detail = byTestId('webhook-detail');
let detailId = null;

function showDeliveryParam(logId) {
  const url = new URL(window.location.href);
  if (logId) url.searchParams.set('delivery', logId);
  else url.searchParams.delete('delivery');
  window.history.replaceState({}, '', url);
}

async function openDetail(logId) {
  detailId = logId;
  showDeliveryParam(logId);
  byTestId('webhook-detail-id').textContent = logId;
  byTestId('webhook-detail-summary').replaceChildren();
  byTestId('webhook-detail-attempts').replaceChildren();
  byTestId('webhook-detail-headers').replaceChildren();
  byTestId('webhook-detail-payload-pretty').textContent = 'Loading…';
  byTestId('webhook-detail-payload').textContent = '';
  byTestId('webhook-detail-response').textContent = '';
  showError('webhook-detail-error', null);
  if (!detail.open) detail.showModal();
  await showDetail(logId);
}

/** Fills the open detail with the log's current state (again on every refresh while it is open). */
async function showDetail(logId) {
  let log;
  try {
    log = await session.api.get(`/api/v1/webhooks/${encodeURIComponent(logId)}`);
  } catch (error) {
    if (detailId !== logId) return;
    byTestId('webhook-detail-payload-pretty').textContent = '';
    showError('webhook-detail-error', error);
    return;
  }
  if (detailId !== logId) return;
  showError('webhook-detail-error', null);
  const history = Array.isArray(log.attempt_history) ? log.attempt_history : [];
  const latest = history.at(-1);
  byTestId('webhook-detail-summary').replaceChildren(
    summaryItem('Sent to', log.url || savedUrl || '(no URL configured now)', 'webhook-detail-url'),
    summaryItem(
      'Event',
      log.event_id
        ? el('a', { href: eventDetailUrl(log.event_id), testId: 'webhook-detail-event-link' }, log.event)
        : log.event,
      'webhook-detail-event',
    ),
    summaryItem('Status', deliveryStatus(log, 'webhook-detail-status', 'webhook-detail-retry-note')),
    summaryItem('Attempts', `${log.attempts ?? 0} of ${MAX_ATTEMPTS}`, 'webhook-detail-attempts-count'),
    summaryItem('Response code', log.response_code ?? '-', 'webhook-detail-response-code'),
    summaryItem('Created', formatDateTime(log.created_at)),
    summaryItem('Last attempt', formatDateTime(log.last_attempt_at)),
    summaryItem('Next retry', retryNote(log) ?? (log.status === 'pending' ? formatDateTime(log.next_retry_at) : '-')),
  );
  byTestId('webhook-detail-attempts').replaceChildren(attemptsTable(history, 'webhook-detail'));
  byTestId('webhook-detail-headers-title').textContent = latest ? 'Headers sent (latest attempt)' : 'Headers sent';
  byTestId('webhook-detail-headers').replaceChildren(
    ...displayedHeaders(latest?.headers, log.payload).map(([name, value]) =>
      summaryItem(name, value, 'webhook-detail-header'),
    ),
  );
  byTestId('webhook-detail-payload-pretty').textContent = prettyPayload(log.payload);
  // The exact bytes that were signed and sent, so a merchant can re-check a signature by hand.
  byTestId('webhook-detail-payload').textContent = log.payload ?? '';
  byTestId('webhook-detail-response').textContent = log.response_body || '(empty)';
  byTestId('webhook-detail-retry-button').disabled = inFlight(log);
}

if (session) {
  byTestId('webhook-config-form').addEventListener('submit', saveConfig);
  urlInput.addEventListener('blur', () => {
    if (urlInput.value.trim()) validateUrlField();
  });
  urlInput.addEventListener('input', () => {
    urlEdited = true;
    if (urlInput.getAttribute('aria-invalid') === 'true') validateUrlField();
  });
  byTestId('regenerate-secret-button').addEventListener('click', () => regenerateDialog.showModal());
  byTestId('regenerate-secret-cancel-button').addEventListener('click', () => regenerateDialog.close());
  regenerateDialog.addEventListener('submit', () => regenerateSecret());
  byTestId('test-webhook-button').addEventListener('click', (event) => sendTestWebhook(event.currentTarget));
  wireCopyButton(byTestId('copy-webhook-secret'), () => secretOutput.textContent);
  wireCopyButton(byTestId('copy-webhook-payload'), () => byTestId('webhook-detail-payload').textContent);

  pager.wireButtons();
  const refreshButton = byTestId('refresh-webhook-logs-button');
  refreshButton.addEventListener('click', () =>
    withBusyButton(refreshButton, 'Refreshing…', () => reported(loadLogs())),
  );
  window.addEventListener('popstate', () => {
    pager.readUrl();
    reported(loadLogs());
  });

  byTestId('webhook-detail-close-button').addEventListener('click', () => detail.close());
  detail.addEventListener('close', () => {
    detailId = null;
    showDeliveryParam(null);
  });
  byTestId('webhook-detail-retry-button').addEventListener('click', async (event) => {
    await retryDelivery(detailId, event.currentTarget);
    openDetail(detailId);
  });
  // A click on the backdrop (outside the dialog box) closes it.
  detail.addEventListener('click', (event) => {
    if (event.target !== detail) return;
    const box = detail.getBoundingClientRect();
    const inside =
      event.clientX >= box.left &&
      event.clientX <= box.right &&
      event.clientY >= box.top &&
      event.clientY <= box.bottom;
    if (!inside) detail.close();
  });

  loadConfig();
  reported(loadLogs());
  const linkedDelivery = new URLSearchParams(window.location.search).get('delivery');
  if (UUID.test(linkedDelivery ?? '')) openDetail(linkedDelivery);
}
