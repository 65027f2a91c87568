// A strategy fixture of test/fixtures/ as a user's plain JavaScript file, for tests that start `sextant paper` or
// `sextant live` as processes again and again: its types stripped (TypeScript's transpileModule, nothing else
// changes) and its import of the package's sources ('../../src/index.ts') turned into `import ... from 'sextant'`,
// as a user writes it. The spawned process then loads the API it already runs (dist/ when built) instead of the
// whole source tree through tsx, and no TypeScript loader at all: about 1.7 CPU-seconds less per process start
// (2-core machine) than the fixture itself. The fixture stays the one source of the strategy.
//
// The file is made once per fixture version (its name holds a hash of the fixture) in the temp folder and reused
// by every later test file and run, so TypeScript (half a CPU-second to load) is loaded only to make it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');

/** The JavaScript file's path (its strategy id when given to --strategy). */
export async function fixtureAsJsFile(name: string): Promise<string> {
  const source = readFileSync(join(FIXTURES, name), 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `sextant-fixture-${basename(name, '.ts')}-${hash}.mjs`);
  if (existsSync(path)) return path;
  const { default: ts } = await import('typescript');
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } }).outputText;
  const user = js.replace(/from '\.\.\/\.\.\/src\/index\.ts'/g, "from 'sextant'");
  if (user === js || /from '\.\.?\//.test(user)) throw new Error(`${name}: no import of '../../src/index.ts' to turn into 'sextant', or another relative import`);
  // Written whole under another name, then renamed: a test file running at the same time never reads half of it.
  const part = `${path}.${process.pid}.part`;
  writeFileSync(part, user);
  renameSync(part, path);
  return path;
}
