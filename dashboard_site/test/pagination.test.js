import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePage, offsetFromSearch, probeLimit } from '../src/lib/pagination.js';

describe('describePage with a total (webhook logs)', () => {
  it('describes the first of several pages', () => {
    const page = describePage({ offset: 0, limit: 10, itemCount: 10, total: 23 });
    assert.equal(page.label, '1–10 of 23');
    assert.equal(page.page, 1);
    assert.equal(page.pageCount, 3);
    assert.equal(page.hasPrev, false);
    assert.equal(page.hasNext, true);
    assert.equal(page.nextOffset, 10);
  });

  it('describes the last, partial page', () => {
    const page = describePage({ offset: 20, limit: 10, itemCount: 3, total: 23 });
    assert.equal(page.label, '21–23 of 23');
    assert.equal(page.hasNext, false);
    assert.equal(page.hasPrev, true);
    assert.equal(page.prevOffset, 10);
  });

  it('has no next page when the total exactly fills the page', () => {
    assert.equal(describePage({ offset: 10, limit: 10, itemCount: 10, total: 20 }).hasNext, false);
  });

  it('describes an empty list', () => {
    const page = describePage({ offset: 0, limit: 10, itemCount: 0, total: 0 });
    assert.equal(page.label, 'No results');
    assert.equal(page.hasPrev, false);
    assert.equal(page.hasNext, false);
    assert.equal(page.pageCount, 1);
  });

  it('describes a page past the end', () => {
    const page = describePage({ offset: 30, limit: 10, itemCount: 0, total: 23 });
    assert.equal(page.label, '0 of 23');
    assert.equal(page.hasPrev, true);
    assert.equal(page.prevOffset, 20);
  });
});

describe('describePage with a probe row (payments)', () => {
  it('asks for one row more than it shows', () => {
    assert.equal(probeLimit(20), 21);
  });

  it('has a next page when the probe row came back', () => {
    const page = describePage({ offset: 0, limit: 20, itemCount: 21 });
    assert.equal(page.hasNext, true);
    assert.equal(page.shown, 20);
    assert.equal(page.label, '1–20');
    assert.equal(page.pageCount, null);
  });

  it('has no next page when the probe row is missing', () => {
    const page = describePage({ offset: 20, limit: 20, itemCount: 20 });
    assert.equal(page.hasNext, false);
    assert.equal(page.label, '21–40');
  });

  it('never goes before the first row', () => {
    const page = describePage({ offset: 5, limit: 20, itemCount: 3 });
    assert.equal(page.prevOffset, 0);
    assert.equal(describePage({ offset: -40, limit: 20, itemCount: 3 }).from, 1);
  });
});

describe('offsetFromSearch', () => {
  it('reads the offset from the query string', () => {
    assert.equal(offsetFromSearch('?offset=20', 10), 20);
  });

  it('snaps to a page boundary and ignores junk', () => {
    assert.equal(offsetFromSearch('?offset=25', 10), 20);
    assert.equal(offsetFromSearch('?offset=-10', 10), 0);
    assert.equal(offsetFromSearch('?offset=abc', 10), 0);
    assert.equal(offsetFromSearch('', 10), 0);
  });
});
