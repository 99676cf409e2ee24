import { createApiClient } from '../../../web_shared/api.js';
import { gatewayConfig } from '../../../web_shared/config.js';
import { byTestId, withBusyButton } from '../lib/dom.js';
import { safeNextPath } from '../lib/routes.js';
import { writeSession } from '../lib/session.js';
import { reportFailure } from '../lib/failure.js';

const NOTICES = {
  'logged-out': 'You have been logged out.',
  expired: 'Your session ended. Please log in again.',
  'password-set': 'Your password is set. Log in with it.',
};

const config = gatewayConfig();
const api = createApiClient({ baseUrl: config.apiUrl });
const params = new URLSearchParams(window.location.search);

const notice = byTestId('login-notice');
if (NOTICES[params.get('reason')]) {
  notice.textContent = NOTICES[params.get('reason')];
  notice.hidden = false;
}

// Only a stack running in test mode serves /api/v1/test/merchant; production shows no demo hint.
api
  .get('/api/v1/test/merchant')
  .then((testMerchant) => {
    if (!testMerchant?.email) return;
    byTestId('test-merchant-email').textContent = testMerchant.email;
    byTestId('test-merchant-hint').hidden = false;
  })
  .catch((error) => {
    if (error.status !== 404) reportFailure(error); // 404: a stack without test helpers has no demo hint
  });

const form = byTestId('login-form');
const errorLine = byTestId('login-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = byTestId('email-input').value.trim();
  const password = byTestId('password-input').value;
  errorLine.hidden = true;
  if (!email) {
    errorLine.textContent = 'Enter your email address.';
    errorLine.hidden = false;
    byTestId('email-input').focus();
    return;
  }
  await withBusyButton(byTestId('login-button'), 'Logging in…', async () => {
    try {
      writeSession(await api.post('/api/v1/auth/login', { email, password }));
      window.location.replace(safeNextPath(params.get('next')));
    } catch (error) {
      errorLine.textContent = error.status === 401 ? 'Incorrect email or password.' : error.message || 'Login failed.';
      errorLine.hidden = false;
    }
  });
});
