import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closedLinkMessage, nextStep, returnHref } from '../src/checkout/outcome.js';

const LINK = { id: 'plink_abcdefghijklmnop', return_url: 'https://shop.example/back?cart=7' };
const PAID = { id: 'pay_1', order_id: 'order_1', status: 'success', signature: 'ab'.repeat(32) };

describe('returnHref', () => {
  it('adds the signed result to the return_url, keeping its own query', () => {
    const url = new URL(returnHref(LINK, PAID));
    assert.equal(url.origin + url.pathname, 'https://shop.example/back');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      cart: '7',
      payment_id: 'pay_1',
      order_id: 'order_1',
      payment_link_id: LINK.id,
      signature: PAID.signature,
    });
  });

  it('offers no way back without a link, a return_url, or with one that is not http(s)', () => {
    assert.equal(returnHref(null, PAID), null);
    assert.equal(returnHref({ id: 'plink_x', return_url: null }, PAID), null);
    assert.equal(returnHref({ id: 'plink_x', return_url: 'javascript:alert(1)' }, PAID), null);
  });

  it('carries no result for a payment that did not succeed', () => {
    const url = new URL(returnHref(LINK, { ...PAID, status: 'failed' }));
    assert.equal(url.searchParams.has('payment_id'), false);
  });
});

describe('nextStep and closedLinkMessage', () => {
  it('tells a shopper with nowhere to go that they can close the page', () => {
    assert.equal(nextStep({ embedded: false, hasReturn: false }), 'You can close this page.');
    assert.equal(nextStep({ embedded: false, hasReturn: true, merchantName: 'Chai' }), 'Continue to Chai to finish.');
    assert.equal(nextStep({ embedded: true, hasReturn: false }), '');
    assert.equal(
      nextStep({ embedded: true, hasReturn: false, canRetry: true }),
      'Nothing was charged. You can try again.',
    );
  });

  it('says why a closed link takes no payment', () => {
    assert.match(closedLinkMessage({ status: 'expired' }, 'Chai').title, /expired/);
    assert.match(closedLinkMessage({ status: 'cancelled' }, 'Chai').message, /Ask Chai/);
    assert.equal(closedLinkMessage({ status: 'created' }, 'Chai'), null);
  });
});
