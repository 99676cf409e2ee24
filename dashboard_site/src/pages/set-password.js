// The page a one-time password link opens (`/set-password?token=...`): sets the password, then sends the
// merchant to log in with it.
import { createApiClient } from '../../../web_shared/api.js';
import { gatewayConfig } from '../../../web_shared/config.js';
import { byTestId, withBusyButton } from '../lib/dom.js';
import { LOGIN_PATH } from '../lib/routes.js';

const MIN_LENGTH = 10;
const api = createApiClient({ baseUrl: gatewayConfig().apiUrl });
const token = new URLSearchParams(window.location.search).get('token') ?? '';
const form = byTestId('set-password-form');
const errorLine = byTestId('set-password-error');

function showProblem(message) {
  errorLine.textContent = message;
  errorLine.hidden = !message;
}

if (!token) showProblem('This link has no token: open the whole link you were given.');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = byTestId('new-password-input').value;
  if (password.length < MIN_LENGTH) return showProblem(`Choose at least ${MIN_LENGTH} characters.`);
  if (password !== byTestId('confirm-password-input').value) return showProblem('The two passwords differ.');
  showProblem('');
  await withBusyButton(byTestId('set-password-button'), 'Setting…', async () => {
    try {
      await api.post('/api/v1/auth/set-password', { token, password });
      window.location.replace(`${LOGIN_PATH}?reason=password-set`);
    } catch (error) {
      showProblem(
        error.status === 400 && error.message.includes('link')
          ? 'This link was already used or has expired. Ask your gateway operator for a new one.'
          : error.message,
      );
    }
  });
});
