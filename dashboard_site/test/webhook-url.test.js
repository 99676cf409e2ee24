import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateWebhookUrl } from '../src/lib/webhook-url.js';

describe('validateWebhookUrl', () => {
  it('accepts http and https URLs', () => {
    assert.deepEqual(validateWebhookUrl(' https://shop.example/webhook '), {
      ok: true,
      url: 'https://shop.example/webhook',
    });
    assert.equal(validateWebhookUrl('http://127.0.0.1:4000/webhook').ok, true);
  });

  it('accepts an empty value, which turns webhooks off', () => {
    assert.deepEqual(validateWebhookUrl(''), { ok: true, url: '' });
  });

  it('rejects other schemes and relative URLs', () => {
    for (const value of ['ftp://shop.example/hook', 'javascript:alert(1)', 'shop.example/webhook', '/webhook']) {
      assert.equal(validateWebhookUrl(value).ok, false, value);
    }
  });
});
