// Offset pagination described once, for both list shapes the API has:
// webhook logs report a `total`; payments are a bare array, so we ask for one extra row
// (limit + 1) and the presence of that probe row tells us a next page exists.
import { reported } from './failure.js';

/** How many rows to request so the page can tell whether a next page exists. */
export function probeLimit(limit) {
  return limit + 1;
}

/**
 * @param {{offset: number, limit: number, itemCount: number, total?: number|null}} page
 *   itemCount = rows received (for probed lists this may be limit + 1).
 */
export function describePage({ offset, limit, itemCount, total = null }) {
  const safeOffset = Math.max(0, Math.trunc(offset) || 0);
  const hasTotal = Number.isInteger(total);
  const shown = Math.min(itemCount, limit);
  const hasNext = hasTotal ? safeOffset + shown < total : itemCount > limit;
  const from = shown === 0 ? 0 : safeOffset + 1;
  const to = safeOffset + shown;
  let label;
  if (shown === 0) label = hasTotal && total > 0 ? `0 of ${total}` : 'No results';
  else label = hasTotal ? `${from}–${to} of ${total}` : `${from}–${to}`;
  return {
    from,
    to,
    shown,
    label,
    page: Math.floor(safeOffset / limit) + 1,
    pageCount: hasTotal ? Math.max(1, Math.ceil(total / limit)) : null,
    hasPrev: safeOffset > 0,
    hasNext,
    prevOffset: Math.max(0, safeOffset - limit),
    nextOffset: safeOffset + limit,
  };
}

/** Reads ?offset= from a query string, clamped to a multiple of limit >= 0. */
export function offsetFromSearch(search, limit) {
  const raw = Number.parseInt(new URLSearchParams(search).get('offset') ?? '0', 10);
  if (!Number.isFinite(raw) || raw < 0) return 0;
  return raw - (raw % limit);
}

/** Keeps a list's offset in the address bar, so reloading or going back returns to the same page. */
export function pushOffsetToUrl(offset) {
  const url = new URL(window.location.href);
  if (offset > 0) url.searchParams.set('offset', String(offset));
  else url.searchParams.delete('offset');
  window.history.pushState({ offset }, '', url);
}

/**
 * Shows one page of a list in the parts named `<name>-...`: the table body, the empty line and the
 * pager of the table-footer partial, and the "Updating…" indicator while some row is not final.
 */
export function showListPage(name, { rows, page, offset, live }) {
  const part = (suffix) => document.querySelector(`[data-test-id="${name}-${suffix}"]`);
  part('body').replaceChildren(...rows);
  part('empty').hidden = rows.length > 0 || offset > 0;
  part('range').textContent = page.shown ? `Showing ${page.label}` : page.label;
  part('prev-button').disabled = !page.hasPrev;
  part('next-button').disabled = !page.hasNext;
  part('live').hidden = !live;
}

/**
 * Where an offset-paged list stands (transactions, webhook logs): its offset, kept in the address bar so that
 * reloading or going back returns to the same page, moved by the Previous and Next buttons of the list's
 * table-footer partial (`<name>-prev-button`, `<name>-next-button`).
 */
export class OffsetPager {
  /** `show()` loads the page at `offset`. */
  constructor(name, limit, show) {
    this.name = name;
    this.limit = limit;
    this.show = show;
    this.readUrl();
  }

  /** Reads the offset from the address bar (on load, and after Back or Forward). */
  readUrl() {
    this.offset = offsetFromSearch(window.location.search, this.limit);
  }

  /** Shows the page at `offset` and keeps it in the address bar. */
  goTo(offset) {
    this.offset = offset;
    pushOffsetToUrl(offset);
    reported(this.show());
  }

  /** Moves the list a page back or forward when the table-footer's Previous or Next button is pressed. */
  wireButtons() {
    const button = (which) => document.querySelector(`[data-test-id="${this.name}-${which}-button"]`);
    button('prev').addEventListener('click', () =>
      this.goTo(describePage({ offset: this.offset, limit: this.limit, itemCount: 0 }).prevOffset),
    );
    button('next').addEventListener('click', () => this.goTo(this.offset + this.limit));
  }
}
