// The logged-in merchant lives in sessionStorage: it dies with the tab, and a reload or a
// deep link inside the tab keeps working.

const SESSION_KEY = 'gateway.dashboard.merchant';

function defaultStorage() {
  return globalThis.sessionStorage;
}

/** @returns {{id, name, email, api_key, api_secret} | null} */
export function readSession(storage = defaultStorage()) {
  try {
    const merchant = JSON.parse(storage.getItem(SESSION_KEY) ?? 'null');
    if (merchant && typeof merchant.api_key === 'string' && typeof merchant.api_secret === 'string') {
      return merchant;
    }
  } catch {
    // A corrupt entry is treated as logged out.
  }
  return null;
}

export function writeSession(merchant, storage = defaultStorage()) {
  const { id, name, email, api_key, api_secret } = merchant;
  storage.setItem(SESSION_KEY, JSON.stringify({ id, name, email, api_key, api_secret }));
}

export function clearSession(storage = defaultStorage()) {
  storage.removeItem(SESSION_KEY);
}
