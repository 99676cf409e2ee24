import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearSession, readSession, writeSession } from '../src/lib/session.js';

function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

const merchant = { id: 'm1', name: 'Shop', email: 'a@b.c', api_key: 'key_1', api_secret: 'secret_1' };

describe('session', () => {
  it('round-trips the merchant and keeps only the known fields', () => {
    const storage = memoryStorage();
    writeSession({ ...merchant, webhook_secret: 'not kept' }, storage);
    assert.deepEqual(readSession(storage), merchant);
  });

  it('is logged out after clearing, or when the entry is corrupt or incomplete', () => {
    const storage = memoryStorage();
    writeSession(merchant, storage);
    clearSession(storage);
    assert.equal(readSession(storage), null);
    storage.setItem('gateway.dashboard.merchant', '{not json');
    assert.equal(readSession(storage), null);
    storage.setItem('gateway.dashboard.merchant', JSON.stringify({ api_key: 'key_only' }));
    assert.equal(readSession(storage), null);
  });
});
