// The Transactions page: the list of payments (pages/transactions/list-view.js) with its filters and CSV
// export (filters.js), one payment's page (detail-view.js, at ?payment=pay_...), and the capture and
// refund dialogs both open (dialogs.js). This entry only wires them: the one value they share is `state`
// (the filters, which the filter form sets and the list reads).
import { createPoller } from '../lib/poller.js';
import { reported } from '../lib/failure.js';
import { byTestId, withBusyButton } from '../lib/dom.js';
import { filtersFromSearch, paymentDetailUrl } from '../lib/payments.js';
import { startDashboardPage } from '../lib/shell.js';
import { createDetailView } from './transactions/detail-view.js';
import { wirePaymentDialogs } from './transactions/dialogs.js';
import { wireFilters } from './transactions/filters.js';
import { createListView } from './transactions/list-view.js';

const POLL_INTERVAL_MS = 2000;

/** Refresh, the way back from a payment to the list, and the browser's Back and Forward. */
function wireNavigation({ list, readFiltersFromUrl, refreshView }) {
  const refreshButton = byTestId('refresh-transactions-button');
  refreshButton.addEventListener('click', () =>
    withBusyButton(refreshButton, 'Refreshing…', () => reported(refreshView())),
  );
  byTestId('back-to-transactions').addEventListener('click', (event) => {
    event.preventDefault();
    window.history.pushState({}, '', '/dashboard/transactions');
    reported(refreshView());
  });
  window.addEventListener('popstate', () => {
    list.pager.readUrl();
    readFiltersFromUrl();
    reported(refreshView());
  });
}

function startTransactionsPage({ api }) {
  const state = { filters: filtersFromSearch(window.location.search) };
  const poller = createPoller(() => refreshView(), POLL_INTERVAL_MS);
  const open = wirePaymentDialogs(api, refreshView);
  const showPayment = (paymentId) => {
    window.history.pushState({}, '', paymentDetailUrl(paymentId));
    return reported(refreshView());
  };
  const keepRefreshing = () => poller.ensure();
  const list = createListView({ api, state, open, openPayment: showPayment, keepRefreshing });
  const loadDetail = createDetailView(api, open);

  /** Shows the list or one payment, as the URL says; resolves to true while something is still moving. */
  async function refreshView() {
    const paymentId = new URLSearchParams(window.location.search).get('payment');
    byTestId('payment-detail').hidden = !paymentId;
    byTestId('transactions-list-view').hidden = Boolean(paymentId);
    if (!paymentId) return list.load();
    const moving = await loadDetail(paymentId);
    if (moving) keepRefreshing();
    return moving;
  }

  const onFilter = () => {
    list.pager.offset = 0;
    reported(list.load());
  };
  const readFiltersFromUrl = wireFilters({ api, state, onFilter, onLookup: showPayment });
  list.pager.wireButtons();
  wireNavigation({ list, readFiltersFromUrl, refreshView });
  reported(refreshView());
}

const session = startDashboardPage();
if (session) startTransactionsPage(session);
