import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paymentLinkRequest } from '../src/lib/payment-links.js';

describe('paymentLinkRequest', () => {
  it('sends only the amount when nothing else is filled in', () => {
    assert.deepEqual(paymentLinkRequest({ paise: 50000, description: '  ', returnUrl: '', expireLocal: '' }), {
      amount: 50000,
    });
  });

  it('trims text and turns the local expiry into an ISO timestamp', () => {
    const body = paymentLinkRequest({
      paise: 100,
      description: ' Tea ',
      returnUrl: ' https://shop.example/back ',
      expireLocal: '2030-01-02T03:04',
    });
    assert.equal(body.description, 'Tea');
    assert.equal(body.return_url, 'https://shop.example/back');
    assert.equal(body.expire_by, new Date('2030-01-02T03:04').toISOString());
  });
});
