import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customerFilter, customerLabel } from '../src/lib/customer.js';
import { cursorQuery, rangeLabel, readCursorSearch } from '../src/lib/cursor-pager.js';

describe('customerFilter (the search box)', () => {
  it('reads an email address, a phone number and a card ending as the API filter that finds them', () => {
    assert.deepEqual(customerFilter(' Asha@Example.com '), { name: 'email', value: 'Asha@Example.com' });
    assert.deepEqual(customerFilter('+91 98765-43210'), { name: 'contact', value: '+919876543210' });
    assert.deepEqual(customerFilter('(022) 2345 6789'), { name: 'contact', value: '02223456789' });
    assert.deepEqual(customerFilter('1111'), { name: 'card_last4', value: '1111' });
  });

  it('leaves ids, UPI addresses and partial text to the page itself', () => {
    for (const text of ['pay_AAAAAAAAAAAAAAAA', 'order_x', 'asha@okbank', '123', '12345', '', null]) {
      assert.equal(customerFilter(text), null, String(text));
    }
  });
});

describe('customerLabel', () => {
  it('joins what the payment names, or says nothing is known', () => {
    assert.equal(customerLabel({ email: 'a@b.co', contact: '+919876543210' }), 'a@b.co · +919876543210');
    assert.equal(customerLabel({ email: null, contact: '9876543210' }), '9876543210');
    assert.equal(customerLabel({}), '-');
  });
});

describe('cursor paging', () => {
  it('asks for the filters that have a value, the cursor and the page size', () => {
    assert.equal(
      cursorQuery({ status: 'paid', other: '' }, 'order_x', 20),
      'status=paid&starting_after=order_x&limit=20',
    );
    assert.equal(cursorQuery({ status: '' }, '', 0), '');
  });

  it('reads filters and cursor back from the address bar', () => {
    assert.deepEqual(readCursorSearch('?status=paid&starting_after=order_x&junk=1', ['status']), {
      filters: { status: 'paid' },
      startingAfter: 'order_x',
    });
  });

  it('numbers the rows of the page after the pages walked through', () => {
    assert.equal(rangeLabel(0, 20, 20), 'Showing 1–20');
    assert.equal(rangeLabel(2, 20, 5), 'Showing 41–45');
    assert.equal(rangeLabel(1, 20, 0), 'No results');
  });
});
