// Module hooks (node:module `register`, Node >= 20.6) for user strategy files that live anywhere on
// disk, registered by strategy-loader.ts before it imports such a file:
// - `sextant` and `sextant/<path>` resolve to this very package, so /tmp/x/my.ts can
//   `import { Strategy } from 'sextant'` with no node_modules near it and gets the SAME module
//   instances as the engine (class identity holds);
// - a user's .ts/.js file outside any package that declares its "type" is an ES module (strategy
//   files are ES modules; without this, TypeScript loaders treat them as CommonJS).
// Plain JavaScript: Node runs hooks on a thread of their own, before any TypeScript loader.
/* global URL */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let entry = '';
let packageRoot = '';

/** `data` from `register(..., { data })`: the package's entry (dist/index.js or src/index.ts) and root URL. */
export function initialize(data) {
  entry = data.entry;
  packageRoot = data.packageRoot;
}

/** The "type" of the nearest package.json above `path`; undefined when there is none or it has none. */
function packageType(path) {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')).type;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const USER_FILE = /\.(ts|js)$/;
/** A package name, not a relative, absolute, URL or node: specifier. */
const BARE = /^(?![./]|[a-z]+:)/;

/** A file of the user's (not this package's, not a dependency's). */
function isUserFile(url) {
  return url !== undefined && url.startsWith('file:') && !url.includes('/node_modules/') && !url.startsWith(packageRoot);
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'sextant') return { url: entry, format: 'module', shortCircuit: true };
  if (specifier.startsWith('sextant/')) {
    // Resolved as if imported from inside the package (self-reference): its "exports" decide.
    return nextResolve(specifier, { ...context, parentURL: new URL('package.json', packageRoot).href });
  }
  let out;
  try {
    out = await nextResolve(specifier, context);
  } catch (e) {
    // A bare import the user's folder cannot resolve (e.g. 'zod' in a strategy written before `z` was
    // exported from 'sextant') falls back to this package's own dependencies.
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !BARE.test(specifier) || !isUserFile(context.parentURL)) throw e;
    return nextResolve(specifier, { ...context, parentURL: new URL('package.json', packageRoot).href });
  }
  if (USER_FILE.test(out.url) && isUserFile(out.url) && packageType(fileURLToPath(out.url)) === undefined) return { ...out, format: 'module' };
  return out;
}
