import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearSession, readSession, writeSession } from '../src/lib/session.js';

function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
    dump: () => [...items.values()].join(''),
  };
}

const NOW = Date.parse('2026-01-15T10:00:00Z');
const login = {
  token: 'sess_abc',
  expires_at: '2026-01-15T22:00:00.000Z',
  merchant: { id: 'm1', name: 'Shop', email: 'a@b.c', api_key: 'key_1', api_secret: 'secret_1' },
};

describe('session', () => {
  it('keeps the token and who is logged in, never an API key or secret', () => {
    const storage = memoryStorage();
    writeSession(login, storage);
    assert.deepEqual(readSession(storage, NOW), {
      token: 'sess_abc',
      expires_at: '2026-01-15T22:00:00.000Z',
      id: 'm1',
      name: 'Shop',
      email: 'a@b.c',
    });
    assert.ok(!storage.dump().includes('secret_1') && !storage.dump().includes('key_1'));
  });

  it('is logged out once the session has expired', () => {
    const storage = memoryStorage();
    writeSession(login, storage);
    assert.equal(readSession(storage, Date.parse('2026-01-15T22:00:01Z')), null);
  });

  it('is logged out after clearing, or when the entry is corrupt or incomplete', () => {
    const storage = memoryStorage();
    writeSession(login, storage);
    clearSession(storage);
    assert.equal(readSession(storage, NOW), null);
    storage.setItem('gateway.dashboard.session', '{not json');
    assert.equal(readSession(storage, NOW), null);
    storage.setItem('gateway.dashboard.session', JSON.stringify({ expires_at: login.expires_at }));
    assert.equal(readSession(storage, NOW), null);
  });
});
