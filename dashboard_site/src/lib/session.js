// The logged-in merchant lives in sessionStorage: it dies with the tab, and a reload or a deep link
// inside the tab keeps working. Only the session token is kept (it ends at logout and after 12 hours),
// never the API secret: pages ask the API for the key pair with the session when they show it.

const SESSION_KEY = 'gateway.dashboard.session';

function defaultStorage() {
  return globalThis.sessionStorage;
}

/** @returns {{token, expires_at, id, name, email} | null} null when logged out or the session is over. */
export function readSession(storage = defaultStorage(), now = Date.now()) {
  try {
    const session = JSON.parse(storage.getItem(SESSION_KEY) ?? 'null');
    if (session && typeof session.token === 'string' && session.token && Date.parse(session.expires_at) > now) {
      return session;
    }
  } catch {
    // A corrupt entry is treated as logged out.
  }
  return null;
}

/** Keeps what the login answered: `{token, expires_at, merchant: {id, name, email}}`. */
export function writeSession({ token, expires_at, merchant }, storage = defaultStorage()) {
  const { id, name, email } = merchant;
  storage.setItem(SESSION_KEY, JSON.stringify({ token, expires_at, id, name, email }));
}

export function clearSession(storage = defaultStorage()) {
  storage.removeItem(SESSION_KEY);
}
