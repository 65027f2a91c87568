// `npm test`'s static checks: the type-check (`npm run typecheck`), the lint (`npm run lint`) and the layer check
// (`npm run depcheck`). The type-check and the lint run in this one process on the same TypeScript programs
// (one for the Node code, one for web/): the lint's type-aware rules need the very programs the type-check
// builds, and building them once instead of twice saves a third of the checks' CPU (108 instead of 162
// CPU-seconds on a 2-core machine). The layer check runs beside it. Each part's output is printed whole when
// all have ended, in a fixed order; any failure fails the whole (exit 1).
/* global process, console */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The projects `npm run typecheck` checks (`tsc --noEmit` and `tsc --noEmit -p web`). */
const PROJECTS = ['tsconfig.json', 'web/tsconfig.json'];
/** What `npm run lint` lints. */
const LINTED = ['src', 'bench', 'test', 'web/src', 'scripts/api-types.ts'];
const started = Date.now();
const since = (t0) => (Date.now() - t0) / 1000;

function depcheck() {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'depcheck'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('error', (e) => resolve({ name: 'depcheck', ok: false, out: `${out}${e.message}\n`, seconds: since(t0) }));
    child.on('close', (code) => resolve({ name: 'depcheck', ok: code === 0, out, seconds: since(t0) }));
  });
}

/** A program as `tsc -p <config>` builds it. */
function program(config) {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, config), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(`${config}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    },
  });
  return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences, configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed) });
}

const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };

/** The type-check: every project's diagnostics, as tsc prints them. */
function typecheck(programs) {
  const diagnostics = programs.flatMap((p) => ts.getPreEmitDiagnostics(p));
  const out = diagnostics.length === 0 ? '' : ts.formatDiagnosticsWithColorAndContext(diagnostics, host);
  return { name: 'typecheck', ok: diagnostics.every((d) => d.category !== ts.DiagnosticCategory.Error), out };
}

/** The lint, with the config's type-aware rules reading the type-check's programs. */
async function lint(programs) {
  const t0 = Date.now();
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parserOptions: { projectService: false, programs } } },
  });
  const results = await eslint.lintFiles(LINTED);
  const out = await (await eslint.loadFormatter('stylish')).format(results);
  return { name: 'lint', ok: results.every((r) => r.errorCount === 0 && r.fatalErrorCount === 0), out, seconds: since(t0) };
}

async function typecheckAndLint() {
  try {
    const t0 = Date.now();
    const programs = PROJECTS.map(program);
    // The programs' build counts as the type-check's time.
    const tc = { ...typecheck(programs), seconds: since(t0) };
    return [tc, await lint(programs)];
  } catch (e) {
    return [{ name: 'typecheck + lint', ok: false, out: `${e instanceof Error ? e.stack : String(e)}\n`, seconds: since(started) }];
  }
}

const layers = depcheck();
const results = [...(await typecheckAndLint()), await layers];
for (const r of results) {
  process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)\n`);
  if (r.out.trim() !== '') process.stdout.write(`${r.out.trimEnd()}\n`);
}
console.log(`checks: ${since(started).toFixed(1)} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
