import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePage, offsetFromSearch, probeLimit } from '../src/lib/pagination.js';

/** The fields of `page` that `expected` names, to compare a description with what a case expects of it. */
function fieldsOf(page, expected) {
  return Object.fromEntries(Object.keys(expected).map((key) => [key, page[key]]));
}

describe('describePage with a total (webhook logs)', () => {
  const cases = [
    [
      'the first of several pages',
      { offset: 0, limit: 10, itemCount: 10, total: 23 },
      { label: '1–10 of 23', page: 1, pageCount: 3, hasPrev: false, hasNext: true, nextOffset: 10 },
    ],
    [
      'the last, partial page',
      { offset: 20, limit: 10, itemCount: 3, total: 23 },
      { label: '21–23 of 23', hasNext: false, hasPrev: true, prevOffset: 10 },
    ],
    [
      'a page the total exactly fills, with no next page',
      { offset: 10, limit: 10, itemCount: 10, total: 20 },
      { hasNext: false },
    ],
    [
      'an empty list',
      { offset: 0, limit: 10, itemCount: 0, total: 0 },
      { label: 'No results', hasPrev: false, hasNext: false, pageCount: 1 },
    ],
    [
      'a page past the end',
      { offset: 30, limit: 10, itemCount: 0, total: 23 },
      { label: '0 of 23', hasPrev: true, prevOffset: 20 },
    ],
  ];
  for (const [what, page, expected] of cases) {
    it(`describes ${what}`, () => {
      assert.deepEqual(fieldsOf(describePage(page), expected), expected);
    });
  }
});

describe('describePage with a probe row (payments)', () => {
  it('asks for one row more than it shows', () => {
    assert.equal(probeLimit(20), 21);
  });

  const cases = [
    [
      'has a next page when the probe row came back',
      { offset: 0, limit: 20, itemCount: 21 },
      { hasNext: true, shown: 20, label: '1–20', pageCount: null },
    ],
    [
      'has no next page when the probe row is missing',
      { offset: 20, limit: 20, itemCount: 20 },
      { hasNext: false, label: '21–40' },
    ],
  ];
  for (const [what, page, expected] of cases) {
    it(what, () => {
      assert.deepEqual(fieldsOf(describePage(page), expected), expected);
    });
  }

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
