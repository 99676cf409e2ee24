import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCloudFrontRouter } from '../../web_shared/template-router.js';
import { PAGE_ROUTES, REDIRECTS, isProtectedPath, resolveAccess, safeNextPath } from '../src/lib/routes.js';

describe('resolveAccess (route guard)', () => {
  it('sends a logged-out visitor of a dashboard page to login, remembering where they were going', () => {
    assert.deepEqual(resolveAccess({ pathname: '/dashboard/webhooks', search: '?offset=10', loggedIn: false }), {
      action: 'redirect',
      to: '/login?next=%2Fdashboard%2Fwebhooks%3Foffset%3D10',
    });
  });

  it('guards every dashboard page, with or without a trailing slash', () => {
    for (const pathname of ['/dashboard', '/dashboard/', '/dashboard/transactions', '/dashboard/docs']) {
      assert.equal(resolveAccess({ pathname, loggedIn: false }).action, 'redirect', pathname);
      assert.equal(resolveAccess({ pathname, loggedIn: true }).action, 'allow', pathname);
    }
  });

  it('lets anyone see the login page and the 404 page', () => {
    assert.deepEqual(resolveAccess({ pathname: '/login', loggedIn: false }), { action: 'allow' });
    assert.deepEqual(resolveAccess({ pathname: '/no-such-page', loggedIn: false }), { action: 'allow' });
  });

  it('sends a logged-in merchant from login to the dashboard or to the remembered page', () => {
    assert.deepEqual(resolveAccess({ pathname: '/login', loggedIn: true }), { action: 'redirect', to: '/dashboard' });
    assert.deepEqual(resolveAccess({ pathname: '/login', search: '?next=%2Fdashboard%2Fdocs', loggedIn: true }), {
      action: 'redirect',
      to: '/dashboard/docs',
    });
  });

  it('redirects the root to login', () => {
    assert.deepEqual(resolveAccess({ pathname: '/', loggedIn: false }), { action: 'redirect', to: '/login' });
  });

  it('does not treat look-alike paths as dashboard pages', () => {
    assert.equal(isProtectedPath('/dashboardx'), false);
    assert.equal(isProtectedPath('/dashboard/x'), true);
  });
});

describe('safeNextPath', () => {
  it('keeps dashboard destinations with their query', () => {
    assert.equal(safeNextPath('/dashboard/webhooks?offset=10'), '/dashboard/webhooks?offset=10');
  });

  it('refuses off-site and non-dashboard destinations (no open redirect)', () => {
    for (const next of [
      'https://evil.example/dashboard',
      '//evil.example/dashboard',
      '/login',
      'javascript:alert(1)',
      null,
    ]) {
      assert.equal(safeNextPath(next), '/dashboard', String(next));
    }
  });
});

describe('the CloudFront router in template.yaml', () => {
  it('serves every page of the route list, with or without a trailing slash', async () => {
    const { route } = await loadCloudFrontRouter('DashboardRouterFunction');
    for (const [pagePath, file] of Object.entries(PAGE_ROUTES)) {
      assert.deepEqual(route(pagePath), { rewrite: `/${file}` }, pagePath);
      assert.deepEqual(route(`${pagePath}/`), { rewrite: `/${file}` }, `${pagePath}/`);
    }
  });

  it('knows no page that the route list does not have', async () => {
    const { pages } = await loadCloudFrontRouter('DashboardRouterFunction');
    const expected = Object.fromEntries(Object.entries(PAGE_ROUTES).map(([route, file]) => [route, `/${file}`]));
    assert.deepEqual(pages, expected);
  });

  it('redirects as the route list does and leaves other paths to the origin', async () => {
    const { route } = await loadCloudFrontRouter('DashboardRouterFunction');
    for (const [from, to] of Object.entries(REDIRECTS)) assert.deepEqual(route(from), { redirect: to });
    assert.deepEqual(route('/assets/app-1234.js'), { rewrite: '/assets/app-1234.js' });
  });
});
