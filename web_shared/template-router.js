// For tests: runs a CloudFront router function exactly as template.yaml ships it, so a test can check
// that the edge serves the same page routes as the site's own route list (and the local runtime).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const TEMPLATE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'template.yaml');

/** The FunctionCode block of a template resource, with its YAML indentation removed. */
async function functionCode(resourceName) {
  const lines = (await readFile(TEMPLATE, 'utf8')).split('\n');
  const start = lines.findIndex((line) => line === `  ${resourceName}:`);
  if (start < 0) throw new Error(`template.yaml has no resource ${resourceName}`);
  const codeStart = lines.findIndex((line, index) => index > start && /^\s+FunctionCode: !Sub \|$/.test(line));
  const indent = lines[codeStart + 1].match(/^\s*/)[0];
  const code = [];
  for (const line of lines.slice(codeStart + 1)) {
    if (line.trim() && !line.startsWith(indent)) break;
    code.push(line.slice(indent.length));
  }
  return code.join('\n');
}

/**
 * Loads the router and returns `route(uri)`: {rewrite: uri} when the request goes on to the origin,
 * {redirect: location} for a redirect; plus `pages`, the function's own path -> file table.
 */
export async function loadCloudFrontRouter(resourceName) {
  const context = vm.createContext({});
  vm.runInContext(await functionCode(resourceName), context);
  const route = (uri) => {
    const result = context.handler({ request: { uri }, context: { distributionDomainName: 'cdn.example' } });
    if (result.statusCode) return { redirect: result.headers.location.value };
    return { rewrite: result.uri };
  };
  return { route, pages: { ...context.PAGES } };
}
