/**
 * npm run build: writes dist/ and enforces the size budgets (gzipped).
 *
 *   dist/checkout.js                 the SDK, UMD; short cache (always the latest 1.x)
 *   dist/sdk/v<version>/checkout.js  the same SDK at a versioned, immutable path
 *   dist/assets/*-<hash>.{js,css}    page code, immutable
 *   dist/{checkout,demo,404}.html    pages (no-cache), dist/routes.json for the local runtime
 *
 * CHECKOUT_URL sets the SDK's fallback checkout origin (used only when the script is not served from it).
 */
import { mkdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, bundlePages, bundleSdk } from './scripts/bundles.mjs';
import { ROUTES } from './src/routes.js';

const DIST = path.join(ROOT, 'dist');
const BUDGETS = [
  { label: 'checkout.js (SDK)', file: 'checkout.js', limit: 10 * 1024 },
  { label: 'checkout page JS', entry: 'checkout-page', limit: 20 * 1024 },
];

async function main() {
  const started = Date.now();
  const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  await rm(DIST, { recursive: true, force: true });
  await mkdir(path.join(DIST, 'sdk', `v${version}`), { recursive: true });

  const sdk = await bundleSdk({ checkoutUrl: process.env.CHECKOUT_URL || 'http://localhost:3001' });
  await writeFile(path.join(DIST, 'checkout.js'), sdk);
  await writeFile(path.join(DIST, 'sdk', `v${version}`, 'checkout.js'), sdk);

  const assets = await bundlePages(DIST);
  const assetUrl = (entry) => `/${path.relative(DIST, assets[entry]).split(path.sep).join('/')}`;
  const placeholders = {
    '%CHECKOUT_JS%': assetUrl('checkout-page'),
    '%CHECKOUT_CSS%': assetUrl('checkout-style'),
    '%DEMO_JS%': assetUrl('demo-page'),
    '%DEMO_CSS%': assetUrl('demo-style'),
  };
  for (const page of ['checkout.html', 'demo.html', '404.html']) {
    let html = await readFile(path.join(ROOT, 'src', 'pages', page), 'utf8');
    for (const [placeholder, url] of Object.entries(placeholders)) html = html.replaceAll(placeholder, url);
    await writeFile(path.join(DIST, page), html);
  }
  await copyFile(path.join(ROOT, 'src', 'pages', 'favicon.svg'), path.join(DIST, 'favicon.svg'));
  await writeFile(path.join(DIST, 'routes.json'), `${JSON.stringify(ROUTES, null, 2)}\n`);

  const overBudget = [];
  console.log('gzipped sizes:');
  for (const budget of BUDGETS) {
    const file = budget.file ? path.join(DIST, budget.file) : assets[budget.entry];
    const size = gzipSync(await readFile(file), { level: 9 }).length;
    const ok = size < budget.limit;
    if (!ok) overBudget.push(budget.label);
    console.log(
      `  ${budget.label.padEnd(20)} ${path.relative(DIST, file).padEnd(34)} ${kb(size)} / ${kb(budget.limit)} ${ok ? 'ok' : 'OVER BUDGET'}`,
    );
  }
  for (const entry of ['checkout-style', 'demo-page', 'demo-style']) {
    const size = gzipSync(await readFile(assets[entry]), { level: 9 }).length;
    console.log(`  ${entry.padEnd(20)} ${path.relative(DIST, assets[entry]).padEnd(34)} ${kb(size)}`);
  }
  if (overBudget.length) {
    console.error(`size budget exceeded: ${overBudget.join(', ')}`);
    process.exit(1);
  }
  console.log(`built dist/ in ${Date.now() - started} ms`);
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(2)} KB`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
