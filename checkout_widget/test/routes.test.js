import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCloudFrontRouter } from '../../web_shared/template-router.js';
import { ROUTES } from '../src/routes.js';

describe('the CloudFront router in template.yaml', () => {
  it('serves every page of the route list, with or without a trailing slash', async () => {
    const { route } = await loadCloudFrontRouter('CheckoutWidgetRouterFunction');
    for (const [pagePath, file] of Object.entries(ROUTES.pages)) {
      assert.deepEqual(route(pagePath), { rewrite: `/${file}` }, pagePath);
      assert.deepEqual(route(`${pagePath}/`), { rewrite: `/${file}` }, `${pagePath}/`);
    }
  });

  it('knows no page that the route list does not have', async () => {
    const { pages } = await loadCloudFrontRouter('CheckoutWidgetRouterFunction');
    const known = new Set(Object.keys(ROUTES.pages).flatMap((route) => [route, `${route}/`]));
    assert.deepEqual(
      Object.keys(pages).filter((route) => !known.has(route)),
      [],
    );
  });

  it('serves the page of a prefix for every path under it, and not the bare prefix', async () => {
    const { route } = await loadCloudFrontRouter('CheckoutWidgetRouterFunction');
    for (const [prefix, file] of Object.entries(ROUTES.prefixes)) {
      assert.deepEqual(route(`${prefix}plink_abcdefghijklmnop`), { rewrite: `/${file}` });
      assert.deepEqual(route(prefix), { rewrite: prefix });
    }
  });

  it('redirects as the route list does and leaves other paths to the origin', async () => {
    const { route } = await loadCloudFrontRouter('CheckoutWidgetRouterFunction');
    for (const [from, to] of Object.entries(ROUTES.redirects)) assert.deepEqual(route(from), { redirect: to });
    assert.deepEqual(route('/checkout.js'), { rewrite: '/checkout.js' });
  });
});
