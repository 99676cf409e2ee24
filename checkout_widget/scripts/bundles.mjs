/**
 * esbuild configurations shared by the build (build.mjs) and the tests, so the tests exercise the
 * exact bundle that ships.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = ['es2020', 'chrome87', 'firefox78', 'safari15', 'edge88'];

// esbuild has no UMD format: wrap its IIFE so a script tag, CommonJS and AMD all receive the class.
const UMD_HEADER =
  '(function(root,factory){' +
  "if(typeof define==='function'&&define.amd){define([],factory);}" +
  "else if(typeof module==='object'&&module.exports){module.exports=factory();}" +
  'else{root.PaymentGateway=factory();}' +
  "}(typeof self!=='undefined'?self:this,function(){";
const UMD_FOOTER = 'return __paymentGatewayExports.default;}));';

/** Inlines a CSS file into the bundle as a minified string (`import css from './x.css'`). */
const inlineMinifiedCss = {
  name: 'inline-minified-css',
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const { code } = await esbuild.transform(source, { loader: 'css', minify: true });
      return { contents: `export default ${JSON.stringify(code.trim())};`, loader: 'js' };
    });
  },
};

/** Builds checkout.js (UMD) in memory and returns its code. */
export async function bundleSdk({ checkoutUrl = 'http://localhost:3001' } = {}) {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/sdk/PaymentGateway.js')],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    globalName: '__paymentGatewayExports',
    target: TARGET,
    define: { __CHECKOUT_URL__: JSON.stringify(checkoutUrl) },
    banner: { js: UMD_HEADER },
    footer: { js: UMD_FOOTER },
    plugins: [inlineMinifiedCss],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Builds the pages' JS and CSS under dist/assets with content hashes; returns entry -> output path. */
export async function bundlePages(outdir) {
  const entries = {
    'checkout-page': path.join(ROOT, 'src/checkout/main.js'),
    'checkout-style': path.join(ROOT, 'src/checkout/checkout.css'),
    'demo-page': path.join(ROOT, 'src/demo/demo.js'),
    'demo-style': path.join(ROOT, 'src/demo/demo.css'),
  };
  const result = await esbuild.build({
    entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
    bundle: true,
    minify: true,
    format: 'iife',
    target: TARGET,
    outdir,
    entryNames: 'assets/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = {};
  for (const [outputPath, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const name = Object.keys(entries).find((key) => path.resolve(ROOT, meta.entryPoint) === entries[key]);
    outputs[name] = path.resolve(ROOT, outputPath);
  }
  return outputs;
}
