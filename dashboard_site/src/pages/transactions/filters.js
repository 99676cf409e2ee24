// The Transactions list's filters, kept in the URL (?q=&state=&from=&to=), and the payments they match:
// the dates go to the API as `from`/`to`; the search text and the state are matched here, over the latest
// payments the API lists in that range (up to FILTER_WINDOW). Also the CSV export of what they match.
import { customerFilter } from '../../lib/customer.js';
import { byTestId, el, showToast, withBusyButton } from '../../lib/dom.js';
import {
  createdRange,
  filtersFromSearch,
  matchesSearch,
  paymentState,
  paymentsCsv,
  paymentsListPath,
} from '../../lib/payments.js';

// Filters and the export work on the latest payments the API lists, read in pages of 100.
const FILTER_WINDOW = 500;
const API_PAGE = 100;
const PAYMENT_ID = /^pay_[A-Za-z0-9]{16}$/;

/** The latest payments created in `range` (up to FILTER_WINDOW), newest first. */
async function recentPayments(api, range) {
  const all = [];
  for (let offset = 0; all.length < FILTER_WINDOW; offset += API_PAGE) {
    const batch = await api.get(paymentsListPath({ limit: API_PAGE, offset, range }));
    all.push(...batch);
    if (batch.length < API_PAGE) break;
  }
  return all;
}

/**
 * Every payment the filters match, newest first: a search for an email, phone number or card's last four
 * digits is the API's (its index); any other text, the dates again (the API kept them already; one
 * definition of a day) and the state are matched here, each payment carrying what they need.
 */
export async function matchingPayments(api, filters) {
  const byCustomer = customerFilter(filters.q);
  const range = createdRange(filters);
  const candidates = byCustomer
    ? await api.get(paymentsListPath({ limit: API_PAGE, search: byCustomer, range }))
    : await recentPayments(api, range);
  const text = byCustomer ? { ...filters, q: '' } : filters;
  return candidates.filter(
    (payment) => matchesSearch(payment, text) && (!filters.state || paymentState(payment) === filters.state),
  );
}

function showFiltersInForm(form, filters) {
  form.elements.q.value = filters.q;
  form.elements.state.value = filters.state;
  form.elements.from.value = filters.from;
  form.elements.to.value = filters.to;
}

/** A CSV of every payment the filters match (the latest FILTER_WINDOW without filters). */
async function exportCsv(api, filters, button) {
  await withBusyButton(button, 'Exporting…', async () => {
    try {
      const payments = await matchingPayments(api, filters);
      const blob = new Blob([paymentsCsv(payments.map((payment) => ({ payment })))], {
        type: 'text/csv;charset=utf-8',
      });
      const link = el('a', {
        href: URL.createObjectURL(blob),
        download: `payments-${new Date().toISOString().slice(0, 10)}.csv`,
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      showToast(`Exported ${payments.length} payment${payments.length === 1 ? '' : 's'}`, 'good');
    } catch (error) {
      showToast(`Export failed: ${error.message}`, 'bad');
    }
  });
}

/**
 * Wires the filter form and the export button to `state.filters` (the one value the list reads them from).
 * `onFilter()` shows the list again under new filters, `onLookup(paymentId)` opens a payment searched by
 * its exact id. Returns what puts the URL's filters back into `state` and the form (after Back or Forward).
 */
export function wireFilters({ api, state, onFilter, onLookup }) {
  const form = byTestId('transactions-filters');

  function apply(next) {
    state.filters = next;
    const url = new URL(window.location.href);
    url.search = '';
    for (const [name, value] of Object.entries(next)) if (value) url.searchParams.set(name, value);
    window.history.pushState({}, '', url);
    onFilter();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = filtersFromSearch(new URLSearchParams(new FormData(form)).toString());
    // An exact payment id is a lookup: go straight to its page.
    if (PAYMENT_ID.test(next.q)) onLookup(next.q);
    else apply(next);
  });
  byTestId('clear-filters-button').addEventListener('click', () => {
    form.reset();
    apply(filtersFromSearch(''));
  });
  const exportButton = byTestId('export-csv-button');
  exportButton.addEventListener('click', () => exportCsv(api, state.filters, exportButton));

  function readUrl() {
    state.filters = filtersFromSearch(window.location.search);
    showFiltersInForm(form, state.filters);
  }
  readUrl();
  return readUrl;
}
