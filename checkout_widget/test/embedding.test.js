import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createParentChannel, resolveParentOrigin } from '../src/checkout/embedding.js';

const params = (query) => new URLSearchParams(query);

describe('resolveParentOrigin', () => {
  it('returns the origin named by checkout.js when embedded', () => {
    assert.equal(
      resolveParentOrigin(params('embedded=true&parent_origin=https://shop.example'), {}),
      'https://shop.example',
    );
  });

  it('posts nowhere when not embedded or no origin was named', () => {
    assert.equal(resolveParentOrigin(params('parent_origin=https://shop.example'), {}), null);
    assert.equal(resolveParentOrigin(params('embedded=true'), {}), null);
  });

  it('refuses anything that is not exactly an http(s) origin, "*" included', () => {
    for (const value of ['*', 'https://shop.example/path', 'javascript:alert(1)', 'null', 'shop.example']) {
      assert.equal(
        resolveParentOrigin(params(`embedded=true&parent_origin=${encodeURIComponent(value)}`), {}),
        null,
        value,
      );
    }
  });

  it('refuses a named origin that is not the real embedder', () => {
    const location = { ancestorOrigins: ['https://evil.example'] };
    assert.equal(resolveParentOrigin(params('embedded=true&parent_origin=https://shop.example'), location), null);
  });
});

describe('createParentChannel', () => {
  it('posts to the named origin only', () => {
    const sent = [];
    const parent = { postMessage: (message, origin) => sent.push([message, origin]) };
    createParentChannel(parent, 'https://shop.example').post('payment_success', { paymentId: 'pay_1' });
    assert.deepEqual(sent, [[{ type: 'payment_success', data: { paymentId: 'pay_1' } }, 'https://shop.example']]);
  });

  it('posts nothing without a trusted origin', () => {
    const sent = [];
    const parent = { postMessage: (...args) => sent.push(args) };
    assert.equal(createParentChannel(parent, null).post('payment_success', {}), false);
    assert.deepEqual(sent, []);
  });
});
