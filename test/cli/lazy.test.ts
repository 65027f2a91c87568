// `sextant --help` and `sextant <cmd> --help` load no heavy module: the static import graph of the CLI entry
// (src/cli/main.ts) holds only the parser, the definitions and core/errors, and no package but commander.
// Implementations are reached only through the dynamic import() of a definition's load().
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandName } from '../../src/cli/commands.ts';
import { LOADERS } from '../../src/cli/loaders.ts';
import { main } from '../../src/cli/main.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Static value imports of a TypeScript file (`import type` and dynamic import() excluded). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]!);
  return specs;
}

/** Every file and package the entry reaches through static imports. */
function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const s of staticImports(f)) {
      if (s.startsWith('.')) todo.push(resolve(dirname(f), s));
      else packages.add(s);
    }
  }
  return { files, packages };
}

describe('the CLI entry', () => {
  it('statically imports only the parser, the definitions and core/errors, and only commander', () => {
    const { files, packages } = graph(join(ROOT, 'src/cli/main.ts'));
    const rel = [...files].map((f) => f.slice(ROOT.length + 1)).sort();
    expect(rel).toEqual([
      'src/app/version.ts', 'src/cli/command-path.ts', 'src/cli/commands.ts', 'src/cli/exit-codes.ts', 'src/cli/flags.ts', 'src/cli/loaders.ts', 'src/cli/main.ts',
      'src/cli/program.ts', 'src/cli/spec.ts', 'src/cli/validate.ts', 'src/core/errors.ts',
    ]);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect([...packages].filter((p) => !builtins.has(p))).toEqual(['commander']);
  });

  it('finds the imports it checks (the walk is not vacuous)', () => {
    expect(staticImports(join(ROOT, 'src/cli/backtest-command.ts'))).toEqual(expect.arrayContaining(['../app/backtest.ts', '../app/backtest-json.ts']));
    expect(graph(join(ROOT, 'src/cli/backtest-command.ts')).files.size).toBeGreaterThan(30);
  });

  it('a paper node\'s thread loads the built-in strategies it trades only: none of them, nor the ML code, statically', () => {
    const rel = [...graph(join(ROOT, 'src/app/paper-worker.ts')).files].map((f) => f.slice(ROOT.length + 1));
    expect(rel).toEqual(expect.arrayContaining(['src/app/paper.ts', 'src/app/strategy-loader.ts', 'src/strategies/registry.ts']));
    expect(rel.filter((f) => f.startsWith('src/strategies/builtin') || f.startsWith('src/ml/'))).toEqual([]);
  });

  it('has one loader per command, each a dynamic import of an existing module', () => {
    expect(Object.keys(LOADERS).sort()).toEqual(COMMANDS.map(commandName).sort());
    const text = readFileSync(join(ROOT, 'src/cli/loaders.ts'), 'utf8');
    const targets = [...text.matchAll(/import\('(\.\/[\w-]+\.ts)'\)/g)].map((m) => m[1]!);
    expect(targets.length).toBe(COMMANDS.length);
    for (const t of targets) expect(() => readFileSync(join(ROOT, 'src/cli', t))).not.toThrow();
  });

  it('answers --help, help, --version without loading a command', async () => {
    let out = '';
    const collect = (s: string): void => void (out += `${s}\n`);
    const loaded: string[] = [];
    const saved = { ...LOADERS };
    for (const name of Object.keys(LOADERS)) LOADERS[name] = () => (loaded.push(name), saved[name]!());
    try {
      expect(await main(['--help'], collect, collect)).toBe(0);
      expect(await main(['help', 'backtest'], collect, collect)).toBe(0);
      expect(await main(['--version'], collect, collect)).toBe(0);
      expect(await main(['option', '--type', 'call', '--spot', '42', '--strike', '40', '--days', '30', '--vol', '0.2', '--json', '-'], collect, collect)).toBe(0);
    } finally {
      Object.assign(LOADERS, saved);
    }
    expect(loaded).toEqual(['option']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(out).toContain(`\n${pkg.version}\n`);
    expect(out).toContain('Usage: sextant backtest');
  });
});

/** The project files and packages a real `sextant <argv>` process resolves (through a resolve hook). */
function loadedBy(argv: string[]): { code: number | null; files: string[]; packages: string[] } {
  const log = join(mkdtempSync(join(tmpdir(), 'sextant-load-')), 'log.txt');
  const r = spawnSync(process.execPath, ['--import', join(import.meta.dirname, 'fixtures/log-resolve.mjs'), 'bin/sextant.js', ...argv], {
    cwd: ROOT, env: { ...process.env, SEXTANT_FROM_SOURCE: '1', SEXTANT_LOAD_LOG: log }, encoding: 'utf8', timeout: 60_000,
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith(`file://${ROOT}/`)).map((u) => u.slice(`file://${ROOT}/`.length));
  // tsx (and what it uses) transpiles the sources in development; the built package runs without it.
  const loader = /^node_modules\/(tsx|esbuild|@esbuild|get-tsconfig|resolve-pkg-maps)\//;
  const packages = [...new Set(urls.filter((u) => u.startsWith('node_modules/') && !loader.test(u)).map((u) => u.split('/').slice(1, u.split('/')[1]!.startsWith('@') ? 3 : 2).join('/')))];
  return { code: r.status, files: [...new Set(urls.filter((u) => u.startsWith('src/')))].sort(), packages };
}

describe('a real sextant process', () => {
  const light = ['src/app/version.ts', 'src/cli/command-path.ts', 'src/cli/commands.ts', 'src/cli/exit-codes.ts', 'src/cli/flags.ts', 'src/cli/loaders.ts', 'src/cli/main.ts', 'src/cli/program.ts', 'src/cli/spec.ts', 'src/cli/validate.ts', 'src/core/errors.ts'];

  it.each([[['--help']], [['backtest', '--help']], [['backtest', '--cash', '0x10']]])('%j loads only the parser and the definitions', (argv) => {
    const r = loadedBy(argv);
    expect(r.code).toBe(argv.includes('--help') ? 0 : 2);
    expect(r.files).toEqual(light);
    expect(r.packages).toEqual(['commander']);
  });

  it('loads a command\'s implementation and its packages when it runs (the hook sees them)', () => {
    const r = loadedBy(['strategies', '--json', join(mkdtempSync(join(tmpdir(), 'sextant-load-')), 's.json')]);
    expect(r.code).toBe(0);
    expect(r.files).toEqual(expect.arrayContaining(['src/cli/strategies-command.ts', 'src/strategies/registry.ts']));
    expect(r.packages).toContain('zod');
  });
});
