/**
 * The hosted pages: the one list that the build writes to dist/routes.json (the local runtime) and
 * that the CloudFront router in template.yaml must match (test/routes.test.js).
 */
export const ROUTES = Object.freeze({
  pages: { '/checkout': 'checkout.html', '/demo': 'demo.html' },
  // A payment link's page (/pay/<link id>) is the checkout page, which reads the link from its path.
  prefixes: { '/pay/': 'checkout.html' },
  redirects: { '/': '/demo' },
});
