// The route guard: which paths need a logged-in merchant, and where to send a visitor.

export const LOGIN_PATH = '/login';
export const HOME_PATH = '/dashboard';

/**
 * Every page of the site: the one list that the build (page files, navigation, routes.json for the
 * local runtime) follows and that the CloudFront router in template.yaml must match (test/routes.test.js).
 * `nav` is the label of the page's link in the top bar.
 */
export const PAGES = Object.freeze([
  { path: '/login', file: 'login.html', title: 'Log in', layout: 'bare', entry: 'login' },
  {
    path: '/set-password',
    file: 'set-password.html',
    title: 'Set your password',
    layout: 'bare',
    entry: 'set-password',
  },
  { path: '/dashboard', file: 'dashboard.html', title: 'Overview', layout: 'app', entry: 'overview', nav: 'Overview' },
  {
    path: '/dashboard/transactions',
    file: 'transactions.html',
    title: 'Transactions',
    layout: 'app',
    entry: 'transactions',
    nav: 'Transactions',
  },
  { path: '/dashboard/orders', file: 'orders.html', title: 'Orders', layout: 'app', entry: 'orders', nav: 'Orders' },
  {
    path: '/dashboard/refunds',
    file: 'refunds.html',
    title: 'Refunds',
    layout: 'app',
    entry: 'refunds',
    nav: 'Refunds',
  },
  {
    path: '/dashboard/webhooks',
    file: 'webhooks.html',
    title: 'Webhooks',
    layout: 'app',
    entry: 'webhooks',
    nav: 'Webhooks',
  },
  { path: '/dashboard/events', file: 'events.html', title: 'Events', layout: 'app', entry: 'events', nav: 'Events' },
  {
    path: '/dashboard/payment-links',
    file: 'payment-links.html',
    title: 'Payment links',
    layout: 'app',
    entry: 'payment-links',
    nav: 'Payment links',
  },
  { path: '/dashboard/docs', file: 'docs.html', title: 'API docs', layout: 'app', entry: 'docs', nav: 'Docs' },
]);

/** The page served for any unknown path (not a route of its own). */
export const NOT_FOUND_PAGE = { file: '404.html', title: 'Page not found', layout: 'bare', entry: null };

export const PAGE_ROUTES = Object.freeze(Object.fromEntries(PAGES.map((page) => [page.path, page.file])));

export const REDIRECTS = Object.freeze({ '/': LOGIN_PATH });

/** "/dashboard/" and "/dashboard" are the same page. */
export function normalizePath(pathname) {
  const path = String(pathname || '/');
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

export function isProtectedPath(pathname) {
  const path = normalizePath(pathname);
  return path === HOME_PATH || path.startsWith(`${HOME_PATH}/`);
}

/**
 * Only our own dashboard pages are acceptable as a post-login destination, so a crafted
 * ?next=https://evil.example cannot turn the login page into an open redirect.
 */
export function safeNextPath(next) {
  if (typeof next !== 'string') return HOME_PATH;
  let url;
  try {
    url = new URL(next, 'http://dashboard.invalid');
  } catch {
    return HOME_PATH;
  }
  if (url.origin !== 'http://dashboard.invalid' || !isProtectedPath(url.pathname)) return HOME_PATH;
  return normalizePath(url.pathname) + url.search;
}

/**
 * Decides what a page does on load.
 * @returns {{action: 'allow'} | {action: 'redirect', to: string}}
 */
export function resolveAccess({ pathname, search = '', loggedIn }) {
  const path = normalizePath(pathname);
  if (REDIRECTS[path]) return { action: 'redirect', to: REDIRECTS[path] };
  if (isProtectedPath(path) && !loggedIn) {
    const next = encodeURIComponent(path + search);
    return { action: 'redirect', to: `${LOGIN_PATH}?next=${next}` };
  }
  if (path === LOGIN_PATH && loggedIn) {
    return { action: 'redirect', to: safeNextPath(new URLSearchParams(search).get('next')) };
  }
  return { action: 'allow' };
}
