// Runs as a blocking classic script in <head>: decides before the first paint whether this
// visitor may see the page. Protected pages stay invisible (CSS) until the class is set.
import { resolveAccess } from './lib/routes.js';
import { readSession } from './lib/session.js';

const decision = resolveAccess({
  pathname: window.location.pathname,
  search: window.location.search,
  loggedIn: readSession() !== null,
});
if (decision.action === 'redirect') window.location.replace(decision.to);
else document.documentElement.classList.add('is-allowed');
