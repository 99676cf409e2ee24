import { attemptsTable, deliveryBadge } from '../lib/delivery-views.js';
import { deliveryDetailUrl, prettyPayload } from '../lib/deliveries.js';
import { byTestId, el, showToast, statusBadge, summaryItem, wireCopyButton, withBusyButton } from '../lib/dom.js';
import {
  DELIVERY_STATUSES,
  EVENT_TYPES,
  eventFiltersFromSearch,
  eventSubject,
  eventsQuery,
  isoToLocalInput,
  localInputToIso,
  resendPlan,
} from '../lib/events.js';
import { showError, startDashboardPage } from '../lib/shell.js';
import { formatDateTime } from '../lib/time.js';
import { actionsCell, detailsButton } from '../lib/table.js';
import { reportAndUse } from '../lib/failure.js';
import { paymentDetailUrl } from '../lib/payments.js';
import { formatAmount } from '../../../web_shared/money.js';

const PAGE_SIZE = 20;
const RECOVERY_POLL_MS = 2000;

const session = startDashboardPage();
let filters = eventFiltersFromSearch(window.location.search);
// The cursors of the pages before this one, so "Newer" walks back the way "Older" came.
let newerCursors = [];
// Where Resend and Recover send to, named in their confirmations (read once, awaited when they open).
let webhookUrl = Promise.resolve('');

// ---- list
function subjectCell(event) {
  const subject = eventSubject(event, formatAmount);
  if (!subject.paymentId) return subject.text;
  return el('a', { href: paymentDetailUrl(subject.paymentId), className: 'mono' }, subject.text);
}

function renderEvent(event) {
  return el(
    'tr',
    { testId: 'event-row', dataset: { eventId: event.id, type: event.type } },
    el('td', { className: 'mono', testId: 'event-id', 'data-label': 'Event' }, event.id),
    el('td', { className: 'mono', testId: 'event-type', 'data-label': 'Type' }, event.type),
    el('td', { testId: 'event-subject', 'data-label': 'About' }, subjectCell(event)),
    el(
      'td',
      { testId: 'event-created-at', 'data-label': 'Created' },
      el('time', { datetime: event.created_at }, formatDateTime(event.created_at)),
    ),
    el('td', { 'data-label': 'Delivery' }, deliveryBadge(event.delivery_status, 'event-delivery-status')),
    actionsCell(detailsButton('view-event-button', () => openDetail(event.id))),
  );
}

function showUnavailable(unavailable) {
  byTestId('events-unavailable').hidden = !unavailable;
  byTestId('events-filters').hidden = unavailable;
  byTestId('recover-button').disabled = unavailable;
}

async function loadEvents() {
  let result;
  try {
    result = await session.api.get(`/api/v1/events?${eventsQuery(filters, PAGE_SIZE)}`);
  } catch (error) {
    const missing = error.status === 404 && !filters.startingAfter;
    showUnavailable(missing);
    showError('events-error', missing ? null : error);
    byTestId('events-body').replaceChildren();
    byTestId('events-range').textContent = missing ? 'Not available' : 'Could not load';
    return;
  }
  showUnavailable(false);
  showError('events-error', null);
  const events = Array.isArray(result?.data) ? result.data : [];
  byTestId('events-body').replaceChildren(...events.map(renderEvent));
  byTestId('events-empty').hidden = events.length > 0;
  const first = newerCursors.length * PAGE_SIZE + 1;
  byTestId('events-range').textContent = events.length ? `Showing ${first}–${first + events.length - 1}` : 'No results';
  const older = byTestId('events-next-button');
  older.disabled = !result?.has_more || events.length === 0;
  older.dataset.cursor = events.at(-1)?.id ?? '';
  byTestId('events-prev-button').disabled = !filters.startingAfter;
}

function pushFiltersToUrl() {
  const query = eventsQuery(filters);
  window.history.pushState({}, '', `${window.location.pathname}${query ? `?${query}` : ''}`);
}

function goToCursor(cursor, { newer }) {
  if (newer) filters = { ...filters, startingAfter: newerCursors.pop() ?? '' };
  else {
    newerCursors.push(filters.startingAfter);
    filters = { ...filters, startingAfter: cursor };
  }
  pushFiltersToUrl();
  loadEvents();
}

function fillFilterForm() {
  byTestId('events-type-filter').value = filters.types.length === 1 ? filters.types[0] : '';
  byTestId('events-delivery-filter').value = filters.deliveryStatus;
  byTestId('events-payment-filter').value = filters.paymentId;
  byTestId('events-from-input').value = isoToLocalInput(filters.from);
  byTestId('events-to-input').value = isoToLocalInput(filters.to);
}

function applyFilters(event) {
  event.preventDefault();
  const type = byTestId('events-type-filter').value;
  filters = {
    types: type ? [type] : [],
    deliveryStatus: byTestId('events-delivery-filter').value,
    paymentId: byTestId('events-payment-filter').value.trim(),
    from: localInputToIso(byTestId('events-from-input').value),
    to: localInputToIso(byTestId('events-to-input').value),
    startingAfter: '',
    event: '',
  };
  newerCursors = [];
  pushFiltersToUrl();
  loadEvents();
}

// ---- detail
const detail = byTestId('event-detail');
let shownEvent = null;

function renderDelivery(delivery) {
  const attempts = Array.isArray(delivery.attempts) ? delivery.attempts : [];
  return el(
    'section',
    { className: 'delivery', testId: 'event-delivery', dataset: { webhookId: delivery.webhook_id } },
    el(
      'p',
      { className: 'delivery-head' },
      statusBadge(delivery.status, 'event-delivery-status'),
      ' to ',
      el('code', { testId: 'event-delivery-url' }, delivery.url ?? '-'),
      ' ',
      el(
        'a',
        { href: deliveryDetailUrl(delivery.webhook_id), className: 'muted', testId: 'event-delivery-log-link' },
        'delivery log',
      ),
    ),
    attemptsTable(attempts, 'event'),
  );
}

async function openDetail(eventId) {
  shownEvent = null;
  byTestId('event-detail-id').textContent = eventId;
  byTestId('event-detail-summary').replaceChildren();
  byTestId('event-deliveries').replaceChildren();
  byTestId('event-no-deliveries').hidden = true;
  byTestId('event-detail-data').textContent = 'Loading…';
  byTestId('resend-event-button').disabled = true;
  showError('event-detail-error', null);
  if (!detail.open) detail.showModal();
  try {
    const event = await session.api.get(`/api/v1/events/${encodeURIComponent(eventId)}`);
    if (byTestId('event-detail-id').textContent !== eventId) return;
    shownEvent = event;
    const deliveries = Array.isArray(event.deliveries) ? event.deliveries : [];
    byTestId('event-detail-summary').replaceChildren(
      summaryItem('Type', event.type, 'event-detail-type'),
      summaryItem('Created', formatDateTime(event.created_at), 'event-detail-created-at'),
      summaryItem('Delivery', deliveryBadge(event.delivery_status, 'event-detail-delivery-status')),
    );
    byTestId('event-deliveries').replaceChildren(...deliveries.map(renderDelivery));
    byTestId('event-no-deliveries').hidden = deliveries.length > 0;
    byTestId('event-detail-data').textContent = prettyPayload(JSON.stringify(event.data ?? {}));
    byTestId('resend-event-button').disabled = false;
  } catch (error) {
    byTestId('event-detail-data').textContent = '';
    showError('event-detail-error', error);
  }
}

// ---- resend (with a confirmation)
const resendDialog = byTestId('resend-dialog');

async function openResend() {
  if (!shownEvent) return;
  const target = (await webhookUrl) || 'no URL: set one on the Webhooks page first';
  byTestId('resend-text').textContent =
    `${shownEvent.id} (${shownEvent.type}) is sent again, as a new attempt with the same event id, ` +
    `to ${target}. Receivers that keep event ids ignore it if they already handled it.`;
  showError('resend-error', null);
  resendDialog.showModal();
}

async function resend(event) {
  event.preventDefault();
  const plan = resendPlan(shownEvent);
  await withBusyButton(byTestId('resend-confirm-button'), 'Sending…', async () => {
    try {
      if (plan.kind === 'retry') {
        await session.api.post(`/api/v1/webhooks/${encodeURIComponent(plan.webhookId)}/retry`);
      } else {
        await session.api.post('/api/v1/webhooks/recover', { since: plan.since, until: plan.until });
      }
      resendDialog.close();
      showToast(`${shownEvent.id} scheduled to be sent again`, 'good');
      await openDetail(shownEvent.id);
    } catch (error) {
      showError('resend-error', error);
    }
  });
}

// ---- recover since...
const recoverDialog = byTestId('recover-dialog');
let recoveryPoll = null;

function setRecoverStatus(text) {
  const status = byTestId('recover-status');
  status.textContent = text ?? '';
  status.hidden = !text;
}

// The preview counts at most this many pages of each recoverable status (100 events a page) before it
// says "more than".
const PREVIEW_PAGES = 5;

/** How many events of one delivery status the range holds: {count, more} (more: the count stopped). */
async function countEvents(range, deliveryStatus) {
  let count = 0;
  let startingAfter = '';
  for (let page = 0; page < PREVIEW_PAGES; page += 1) {
    const query = eventsQuery({ ...range, deliveryStatus, startingAfter }, 100);
    const result = await session.api.get(`/api/v1/events?${query}`);
    const events = Array.isArray(result?.data) ? result.data : [];
    count += events.length;
    if (!result?.has_more || !events.length) return { count, more: false };
    startingAfter = events.at(-1).id;
  }
  return { count, more: true };
}

/** Says, before the merchant confirms, how many events the range would send again. */
async function previewRecovery() {
  const preview = byTestId('recover-preview');
  const since = localInputToIso(byTestId('recover-since-input').value);
  const until = localInputToIso(byTestId('recover-until-input').value);
  if (!since) {
    preview.textContent = 'Choose the moment to recover from.';
    return;
  }
  const asked = `${since}|${until}`;
  preview.dataset.range = asked;
  preview.textContent = 'Counting the events in this range…';
  try {
    const range = { from: since, to: until };
    const [failed, never] = await Promise.all([countEvents(range, 'failed'), countEvents(range, 'none')]);
    if (preview.dataset.range !== asked) return; // the range changed while counting
    const total = failed.count + never.count;
    const more = failed.more || never.more ? 'more than ' : '';
    preview.textContent =
      total === 0
        ? 'No event in this range needs sending again.'
        : `This will send ${more}${total} event${total === 1 ? '' : 's'} again ` +
          `(${failed.count} failed, ${never.count} never sent).`;
  } catch (error) {
    preview.textContent = '';
    showError('recover-error', error);
  }
}

/** A new range can be recovered: the confirm button comes back and the preview follows the range. */
function recoveryRangeChanged() {
  byTestId('recover-confirm-button').disabled = false;
  setRecoverStatus(null);
  previewRecovery();
}

async function openRecover() {
  byTestId('recover-target-url').textContent = (await webhookUrl) || 'your webhook URL (none is set)';
  const oneHourAgo = new Date(Date.now() - 60 * 60 * 1000).toISOString();
  if (!byTestId('recover-since-input').value) byTestId('recover-since-input').value = isoToLocalInput(oneHourAgo);
  showError('recover-error', null);
  recoverDialog.showModal();
  previewRecovery();
}

function describeRecovery(recovery) {
  const range = `${formatDateTime(recovery.since)} – ${formatDateTime(recovery.until)}`;
  if (recovery.status === 'completed')
    return `Recovery ${recovery.id} done: ${recovery.sent ?? 0} of ${recovery.events} events sent (${range}).`;
  return `Recovery ${recovery.id}: sending ${recovery.events} events (${range})… ${recovery.sent ?? 0} sent so far.`;
}

function followRecovery(recoveryId) {
  clearTimeout(recoveryPoll);
  recoveryPoll = setTimeout(async () => {
    try {
      const recovery = await session.api.get(`/api/v1/webhooks/recover/${encodeURIComponent(recoveryId)}`);
      setRecoverStatus(describeRecovery(recovery));
      if (recovery.status === 'completed') loadEvents();
      else followRecovery(recoveryId);
    } catch (error) {
      showError('recover-error', error);
    }
  }, RECOVERY_POLL_MS);
}

async function recover(event) {
  event.preventDefault();
  const since = localInputToIso(byTestId('recover-since-input').value);
  const until = localInputToIso(byTestId('recover-until-input').value);
  if (!since) {
    showError('recover-error', new Error('Choose the moment to recover from.'));
    byTestId('recover-since-input').focus();
    return;
  }
  const body = until ? { since, until } : { since };
  let started = false;
  await withBusyButton(byTestId('recover-confirm-button'), 'Starting…', async () => {
    try {
      const recovery = await session.api.post('/api/v1/webhooks/recover', body);
      showError('recover-error', null);
      setRecoverStatus(describeRecovery(recovery));
      started = true;
      if (recovery.status !== 'completed') followRecovery(recovery.id);
    } catch (error) {
      setRecoverStatus(null);
      showError('recover-error', error);
    }
  });
  // The same range again would send nothing new: the button waits for another range.
  if (started) byTestId('recover-confirm-button').disabled = true;
}

if (session) {
  const typeSelect = byTestId('events-type-filter');
  for (const type of EVENT_TYPES) typeSelect.append(el('option', { value: type }, type));
  const deliverySelect = byTestId('events-delivery-filter');
  for (const [value, label] of Object.entries(DELIVERY_STATUSES)) deliverySelect.append(el('option', { value }, label));
  fillFilterForm();

  byTestId('events-filters').addEventListener('submit', applyFilters);
  byTestId('clear-event-filters-button').addEventListener('click', () => {
    byTestId('events-filters').reset();
    applyFilters(new Event('submit'));
  });
  byTestId('events-next-button').addEventListener('click', (event) =>
    goToCursor(event.currentTarget.dataset.cursor, { newer: false }),
  );
  byTestId('events-prev-button').addEventListener('click', () => goToCursor('', { newer: true }));
  const refreshButton = byTestId('refresh-events-button');
  refreshButton.addEventListener('click', () => withBusyButton(refreshButton, 'Refreshing…', loadEvents));
  window.addEventListener('popstate', () => {
    filters = eventFiltersFromSearch(window.location.search);
    newerCursors = [];
    fillFilterForm();
    loadEvents();
  });

  byTestId('event-detail-close-button').addEventListener('click', () => detail.close());
  byTestId('resend-event-button').addEventListener('click', openResend);
  byTestId('resend-cancel-button').addEventListener('click', () => resendDialog.close());
  resendDialog.addEventListener('submit', resend);
  wireCopyButton(byTestId('copy-event-data'), () => byTestId('event-detail-data').textContent);

  byTestId('recover-button').addEventListener('click', openRecover);
  byTestId('recover-cancel-button').addEventListener('click', () => recoverDialog.close());
  byTestId('recover-form').addEventListener('submit', recover);
  for (const input of ['recover-since-input', 'recover-until-input'])
    byTestId(input).addEventListener('change', recoveryRangeChanged);
  recoverDialog.addEventListener('close', () => clearTimeout(recoveryPoll));

  webhookUrl = session.api
    .get('/api/v1/webhooks/config')
    .then((config) => config?.webhook_url ?? '')
    .catch(reportAndUse(''));
  loadEvents();
  if (filters.event) openDetail(filters.event);
}
