// Cursor paging of the API's `{data, has_more}` lists (orders, refunds): "Older" asks for the page after
// the last item shown (`starting_after`), "Newer" walks back the way "Older" came. The cursor and the
// page's filters live in the address bar, so reloading or going back returns to the same page.
import { byTestId, withBusyButton } from './dom.js';

/** The query string of one page: the filters that have a value, the cursor and the page size. */
export function cursorQuery(filters, startingAfter, limit) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  if (startingAfter) params.set('starting_after', startingAfter);
  if (limit) params.set('limit', String(limit));
  return params.toString();
}

/** The filters named in `names` and the cursor, as the address bar holds them. */
export function readCursorSearch(search, names) {
  const params = new URLSearchParams(search);
  const filters = Object.fromEntries(names.map((name) => [name, (params.get(name) ?? '').trim()]));
  return { filters, startingAfter: (params.get('starting_after') ?? '').trim() };
}

/** "Showing 21–40" for the page after `pagesBefore` full pages, "No results" for an empty one. */
export function rangeLabel(pagesBefore, pageSize, shown) {
  if (!shown) return 'No results';
  const first = pagesBefore * pageSize + 1;
  return `Showing ${first}–${first + shown - 1}`;
}

/**
 * One cursor-paged list shown in the parts of the data-table and table-footer partials named `name`
 * (`<name>-body`, `<name>-empty`, `<name>-range`, `<name>-prev-button`, `<name>-next-button`).
 * `load(query)` fetches one page for a query string and resolves to `{data, has_more}`; `render(item)` makes
 * an item's row.
 */
export class CursorPager {
  constructor(name, { filterNames, pageSize, load, render }) {
    this.name = name;
    this.filterNames = filterNames;
    this.pageSize = pageSize;
    this.load = load;
    this.render = render;
    this.readUrl();
    this.part('prev-button').addEventListener('click', () => this.go(this.newerCursors.pop() ?? '', false));
    this.part('next-button').addEventListener('click', () => {
      this.newerCursors.push(this.startingAfter);
      this.go(this.part('next-button').dataset.cursor, false);
    });
  }

  part(suffix) {
    return byTestId(`${this.name}-${suffix}`);
  }

  /** Reads the filters and cursor from the address bar (on load, and after Back or Forward). */
  readUrl() {
    const { filters, startingAfter } = readCursorSearch(window.location.search, this.filterNames);
    this.filters = filters;
    this.startingAfter = startingAfter;
    this.newerCursors = [];
  }

  /** Shows the first page for new filters. */
  filterBy(filters) {
    this.filters = filters;
    this.newerCursors = [];
    return this.go('', true);
  }

  go(startingAfter, replaceHistory) {
    this.startingAfter = startingAfter;
    const query = cursorQuery(this.filters, startingAfter);
    const url = `${window.location.pathname}${query ? `?${query}` : ''}`;
    if (replaceHistory) window.history.replaceState({}, '', url);
    else window.history.pushState({}, '', url);
    return this.show();
  }

  /** Loads and shows the current page. A failure is shown on the page, never swallowed. */
  async show() {
    let page;
    try {
      page = await this.load(cursorQuery(this.filters, this.startingAfter, this.pageSize));
    } catch (error) {
      this.part('error').textContent = error.message || String(error);
      this.part('error').hidden = false;
      this.part('range').textContent = 'Could not load';
      return;
    }
    this.part('error').hidden = true;
    const items = Array.isArray(page?.data) ? page.data : [];
    this.part('body').replaceChildren(...items.map((item) => this.render(item)));
    this.part('empty').hidden = items.length > 0;
    this.part('range').textContent = rangeLabel(this.newerCursors.length, this.pageSize, items.length);
    const older = this.part('next-button');
    older.disabled = !page?.has_more || items.length === 0;
    older.dataset.cursor = items.at(-1)?.id ?? '';
    this.part('prev-button').disabled = !this.startingAfter;
  }
}

/**
 * Starts a cursor-paged list page: its filter form (`<name>-filters`) applies what `readForm()` returns
 * (or shows why not: it throws an Error with the words to show), Clear (`clear-<name>-filters-button`)
 * empties it, Refresh (`refresh-<name>-button`) reloads the page, Back and Forward follow the address bar.
 */
export function startCursorList(pager, { readForm, fillForm, formError = null }) {
  const { name } = pager;
  const form = byTestId(`${name}-filters`);
  const showFormError = (error) => {
    if (!formError) return;
    byTestId(formError).textContent = error ? error.message : '';
    byTestId(formError).hidden = !error;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    let filters;
    try {
      filters = readForm(form);
    } catch (error) {
      showFormError(error);
      return;
    }
    showFormError(null);
    pager.filterBy(filters);
  });
  byTestId(`clear-${name}-filters-button`).addEventListener('click', () => {
    form.reset();
    showFormError(null);
    pager.filterBy(readForm(form));
  });
  const refresh = byTestId(`refresh-${name}-button`);
  refresh.addEventListener('click', () => withBusyButton(refresh, 'Refreshing…', () => pager.show()));
  window.addEventListener('popstate', () => {
    pager.readUrl();
    fillForm(form, pager.filters);
    pager.show();
  });
  fillForm(form, pager.filters);
  return pager.show();
}
