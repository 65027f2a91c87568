// `sextant --help` and `sextant <cmd> --help` load no heavy module: the static import graph of the CLI entry
// (src/cli/main.ts) holds only the parser, the definitions and core/errors, and no package but commander.
// Implementations are reached only through the dynamic import() of a definition's load().
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
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
      'src/cli/command-path.ts', 'src/cli/commands.ts', 'src/cli/flags.ts', 'src/cli/main.ts', 'src/cli/program.ts',
      'src/cli/spec.ts', 'src/cli/validate.ts', 'src/cli/version.ts', 'src/core/errors.ts',
    ]);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect([...packages].filter((p) => !builtins.has(p))).toEqual(['commander']);
  });

  it('finds the imports it checks (the walk is not vacuous)', () => {
    expect(staticImports(join(ROOT, 'src/cli/backtest-command.ts'))).toEqual(expect.arrayContaining(['../app/backtest.ts', '../app/warehouse.ts']));
    expect(graph(join(ROOT, 'src/cli/backtest-command.ts')).files.size).toBeGreaterThan(30);
  });

  it('loads each implementation only through its definition, which names an existing module', () => {
    const text = readFileSync(join(ROOT, 'src/cli/commands.ts'), 'utf8');
    const targets = [...text.matchAll(/import\('(\.\/[\w-]+\.ts)'\)/g)].map((m) => m[1]!);
    expect(targets.length).toBe(COMMANDS.length);
    for (const t of targets) expect(() => readFileSync(join(ROOT, 'src/cli', t))).not.toThrow();
  });

  it('answers --help, help, --version without loading a command', async () => {
    let out = '';
    const collect = (s: string): void => void (out += `${s}\n`);
    const loaded: string[] = [];
    const saved = COMMANDS.map((c) => c.load);
    COMMANDS.forEach((c) => ((c as { load: typeof c.load }).load = () => (loaded.push(c.path.join(' ')), saved[0]!())));
    try {
      expect(await main(['--help'], collect, collect)).toBe(0);
      expect(await main(['help', 'backtest'], collect, collect)).toBe(0);
      expect(await main(['--version'], collect, collect)).toBe(0);
    } finally {
      COMMANDS.forEach((c, i) => ((c as { load: typeof c.load }).load = saved[i]!));
    }
    expect(loaded).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(out).toContain(`\n${pkg.version}\n`);
    expect(out).toContain('Usage: sextant backtest');
  });
});
