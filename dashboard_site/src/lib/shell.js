// What every dashboard page does first: re-check the session (the head guard already
// redirected strangers), fill the header, wire log out, and hand back an API client.
import { createApiClient } from '../../../web_shared/api.js';
import { gatewayConfig } from '../../../web_shared/config.js';
import { byTestId } from './dom.js';
import { LOGIN_PATH, resolveAccess } from './routes.js';
import { clearSession, readSession } from './session.js';
import { reportFailure } from './failure.js';

function endSession(reason) {
  clearSession();
  const query = reason ? `?reason=${reason}` : '';
  window.location.replace(`${LOGIN_PATH}${query}`);
}

/** @returns {{merchant, api, config} | null} null when the visitor is being redirected. */
export function startDashboardPage() {
  const merchant = readSession();
  const decision = resolveAccess({
    pathname: window.location.pathname,
    search: window.location.search,
    loggedIn: merchant !== null,
  });
  if (decision.action === 'redirect') {
    window.location.replace(decision.to);
    return null;
  }
  const config = gatewayConfig();

  byTestId('merchant-name').textContent = merchant.name || merchant.email;
  byTestId('merchant-name').title = merchant.email;

  const api = createApiClient({
    baseUrl: config.apiUrl,
    credentials: { token: merchant.token },
    onUnauthorized: () => endSession('expired'),
  });
  // The session ends on the server too, so a copy of the token is worth nothing after logging out; the
  // tab logs out even when the API cannot be reached (a 401: the session had ended already).
  byTestId('logout-button').addEventListener('click', () => {
    api
      .post('/api/v1/auth/logout')
      .catch((error) => {
        if (error.status !== 401) reportFailure(error);
      })
      .finally(() => endSession('logged-out'));
  });
  showModePill(api);
  return { merchant, api, config };
}

// The pill follows the stack, not the key's prefix: a stack serves its test helpers exactly when its
// TestMode is on (the local stack serves them always (docs/behaviour.md, "Test mode"), so there TEST_MODE=false still shows it).
function showModePill(api) {
  api
    .get('/api/v1/test/merchant')
    .then(() => {
      byTestId('mode-pill').hidden = false;
    })
    .catch((error) => {
      if (error.status !== 404) reportFailure(error); // 404: no test helpers, so not test mode
    });
}

/** Shows or clears an inline error line. */
export function showError(testId, error) {
  const node = byTestId(testId);
  if (!node) return;
  node.textContent = error ? error.message || String(error) : '';
  node.hidden = !error;
}
