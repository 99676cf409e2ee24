// Builds the static site into dist/: bundles each page's module with esbuild (content-hashed
// names, so a CDN may cache assets forever while HTML stays no-cache), stamps the pages into the
// one layout (the app header on dashboard pages), expands {{> partial}}s, inlines the verification
// snippets, and writes routes.json.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOT_FOUND_PAGE, PAGE_ROUTES, PAGES, REDIRECTS } from './src/lib/routes.js';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
const read = (relative) => readFile(path.join(root, relative), 'utf8');

function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fill(template, values) {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`template placeholder {{${name}}} has no value`);
    return values[name];
  });
}

const ALL_PAGES = [...PAGES, NOT_FOUND_PAGE];

function navLinks(current) {
  return PAGES.filter((page) => page.nav)
    .map((page) => {
      const active = page.path === current ? ' aria-current="page"' : '';
      const testId = `nav-${page.entry}`;
      return `<a href="${page.path}" data-test-id="${testId}"${active}>${page.nav}</a>`;
    })
    .join('\n        ');
}

const PARTIAL = /\{\{> ([\w-]+)((?: \w+="[^"]*")*)\}\}/g;

/**
 * The header cells of a data-table: `columns` separated by `|`, those also named in `numeric` aligned as
 * numbers, then, when `actions` is given, the row actions' column, its name for screen readers only.
 */
function headerCells({ columns, numeric = '', actions = '' }) {
  const numbers = numeric.split('|');
  const cells = columns
    .split('|')
    .map((label) => `<th scope="col"${numbers.includes(label) ? ' class="num"' : ''}>${label}</th>`);
  if (actions) cells.push(`<th scope="col" class="actions-col"><span class="visually-hidden">${actions}</span></th>`);
  return cells.map((cell) => `                ${cell}`).join('\n');
}

/** Values a partial derives from the ones it is given. */
const DERIVED_VALUES = { 'data-table': (values) => ({ headers: headerCells(values) }) };

/** Expands `{{> name key="value"}}` with src/html/partials/name.html, its {{key}}s filled in. */
async function expandPartials(html) {
  const partials = {};
  for (const [, name] of html.matchAll(PARTIAL)) partials[name] ??= await read(`src/html/partials/${name}.html`);
  return html.replace(PARTIAL, (_, name, attributes) => {
    const values = Object.fromEntries(
      [...attributes.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    Object.assign(values, DERIVED_VALUES[name]?.(values));
    return fill(partials[name], values).replace(/\n$/, '');
  });
}

/** Bundles entry points into dist/assets with content-hashed names; returns entry file -> URL. */
async function bundleInto(urlOf, entryPoints, options) {
  const result = await build({
    entryPoints,
    outdir: path.join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    metafile: true,
    logLevel: 'warning',
    ...options,
  });
  for (const [output, info] of Object.entries(result.metafile.outputs)) {
    if (info.entryPoint) urlOf[path.basename(info.entryPoint)] = `/${path.relative(dist, path.join(root, output))}`;
  }
}

async function bundle() {
  const urlOf = {};
  const pageModules = ALL_PAGES.filter((page) => page.entry).map((page) => [
    page.entry,
    path.join(root, 'src/pages', `${page.entry}.js`),
  ]);
  await bundleInto(urlOf, Object.fromEntries(pageModules), {
    chunkNames: 'shared-[hash]',
    splitting: true,
    format: 'esm',
    target: ['es2020'],
  });
  // The guard runs as a classic blocking script in <head>, before anything is painted.
  await bundleInto(urlOf, { guard: path.join(root, 'src/guard.js') }, { format: 'iife', target: ['es2020'] });
  await bundleInto(urlOf, { styles: path.join(root, 'src/styles.css') }, {});
  return urlOf;
}

async function main() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(path.join(dist, 'assets'), { recursive: true });
  const urlOf = await bundle();
  const layout = await read('src/html/layout.html');
  const appHeader = (await read('src/html/partials/app-header.html')).replace(/\n$/, '');
  const pythonSnippet = escapeHtml(await read('snippets/verify_webhook.py'));
  const nodeSnippet = escapeHtml(await read('snippets/verify-webhook.cjs'));
  const paymentPythonSnippet = escapeHtml(await read('snippets/verify_payment.py'));
  const paymentNodeSnippet = escapeHtml(await read('snippets/verify-payment.cjs'));

  for (const page of ALL_PAGES) {
    let body = await expandPartials(await read(`src/html/${page.file}`));
    body = body.replace('{{verify_webhook_py}}', () => pythonSnippet);
    body = body.replace('{{verify_webhook_node}}', () => nodeSnippet);
    body = body.replace('{{verify_payment_py}}', () => paymentPythonSnippet);
    body = body.replace('{{verify_payment_node}}', () => paymentNodeSnippet);
    const isApp = page.layout === 'app';
    const header = isApp ? fill(appHeader, { nav: navLinks(page.path) }) : '';
    const html = fill(layout, {
      title: escapeHtml(page.title),
      layout: page.layout,
      header,
      body: isApp ? `  <main class="page" id="main">\n${body}  </main>` : body,
      guard: urlOf['guard.js'],
      styles: urlOf['styles.css'],
      script: page.entry ? `<script type="module" src="${urlOf[`${page.entry}.js`]}"></script>` : '',
    });
    await writeFile(path.join(dist, page.file), html);
  }
  await writeFile(
    path.join(dist, 'routes.json'),
    `${JSON.stringify({ pages: PAGE_ROUTES, redirects: REDIRECTS }, null, 2)}\n`,
  );
  console.log(`dashboard built into ${path.relative(process.cwd(), dist) || '.'}/`);
}

await main();
