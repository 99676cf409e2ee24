// Builds the static site into dist/: bundles each page's module with esbuild (content-hashed
// names, so a CDN may cache assets forever while HTML stays no-cache), stamps the pages into
// the shared layout, inlines the Python verification snippet, and writes routes.json.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_ROUTES, REDIRECTS } from './src/lib/routes.js';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
const read = (relative) => readFile(path.join(root, relative), 'utf8');

// page file -> what the layout needs to know about it
const PAGES = {
  'login.html': { title: 'Log in', layout: 'bare', entry: 'login' },
  'dashboard.html': { title: 'Overview', layout: 'app', entry: 'overview', nav: '/dashboard' },
  'transactions.html': { title: 'Transactions', layout: 'app', entry: 'transactions', nav: '/dashboard/transactions' },
  'webhooks.html': { title: 'Webhooks', layout: 'app', entry: 'webhooks', nav: '/dashboard/webhooks' },
  'docs.html': { title: 'API docs', layout: 'app', entry: 'docs', nav: '/dashboard/docs' },
  '404.html': { title: 'Page not found', layout: 'bare', entry: null },
};

function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fill(template, values) {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`template placeholder {{${name}}} has no value`);
    return values[name];
  });
}

const NAV = [
  ['/dashboard', 'Overview', 'nav-overview'],
  ['/dashboard/transactions', 'Transactions', 'nav-transactions'],
  ['/dashboard/webhooks', 'Webhooks', 'nav-webhooks'],
  ['/dashboard/docs', 'Docs', 'nav-docs'],
];

function navLinks(current) {
  return NAV.map(([href, label, testId]) => {
    const active = href === current ? ' aria-current="page"' : '';
    return `<a href="${href}" data-test-id="${testId}"${active}>${label}</a>`;
  }).join('\n        ');
}

async function bundle() {
  const entryPoints = Object.fromEntries(
    Object.values(PAGES)
      .filter((page) => page.entry)
      .map((page) => [page.entry, path.join(root, 'src/pages', `${page.entry}.js`)]),
  );
  const modules = await build({
    entryPoints,
    outdir: path.join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'shared-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2020'],
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  // The guard runs as a classic blocking script in <head>, before anything is painted.
  const guard = await build({
    entryPoints: { guard: path.join(root, 'src/guard.js') },
    outdir: path.join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'iife',
    target: ['es2020'],
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  const styles = await build({
    entryPoints: { styles: path.join(root, 'src/styles.css') },
    outdir: path.join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  const urlOf = {};
  for (const result of [modules, guard, styles]) {
    for (const [output, info] of Object.entries(result.metafile.outputs)) {
      if (info.entryPoint) urlOf[path.basename(info.entryPoint)] = `/${path.relative(dist, path.join(root, output))}`;
    }
  }
  return urlOf;
}

async function main() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(path.join(dist, 'assets'), { recursive: true });
  const urlOf = await bundle();
  const layouts = { app: await read('src/html/layout-app.html'), bare: await read('src/html/layout-bare.html') };
  const pythonSnippet = escapeHtml(await read('snippets/verify_webhook.py'));
  const nodeSnippet = escapeHtml(await read('snippets/verify-webhook.cjs'));

  for (const [file, page] of Object.entries(PAGES)) {
    let body = await read(`src/html/${file}`);
    body = body.replace('{{verify_webhook_py}}', () => pythonSnippet);
    body = body.replace('{{verify_webhook_node}}', () => nodeSnippet);
    const html = fill(layouts[page.layout], {
      title: escapeHtml(page.title),
      body,
      guard: urlOf['guard.js'],
      styles: urlOf['styles.css'],
      script: page.entry ? `<script type="module" src="${urlOf[`${page.entry}.js`]}"></script>` : '',
      nav: page.layout === 'app' ? navLinks(page.nav) : '',
    });
    await writeFile(path.join(dist, file), html);
  }
  await writeFile(
    path.join(dist, 'routes.json'),
    `${JSON.stringify({ pages: PAGE_ROUTES, redirects: REDIRECTS }, null, 2)}\n`,
  );
  console.log(`dashboard built into ${path.relative(process.cwd(), dist) || '.'}/`);
}

await main();
