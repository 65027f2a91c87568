// `sextant new strategy`: the template it writes loads, trades on synthetic data, type-checks against
// the package's types, and its own test passes under Node's test runner.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/app/backtest.ts';
import { strategyNames, writeStrategyTemplate } from '../../src/app/new-strategy.ts';
import { ConfigError } from '../../src/core/errors.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'sextant-new-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('strategy names', () => {
  it('maps a name to a kebab-case file and a PascalCase class', () => {
    expect(strategyNames('MyTrend2')).toEqual({ file: 'my-trend2', className: 'MyTrend2' });
    expect(strategyNames('my_rsi-dip')).toEqual({ file: 'my-rsi-dip', className: 'MyRsiDip' });
  });

  it.each(['', '1st', 'my trend', '../x', 'a/b', 'trend-', 'x'.repeat(65)])('refuses %j naming the field', (name) => {
    expect(() => strategyNames(name)).toThrow(ConfigError);
    expect(() => strategyNames(name)).toThrow(/field "name": bad strategy name/);
  });
});

describe('writeStrategyTemplate', () => {
  it('writes the strategy and its test, named after the strategy', async () => {
    const at = join(dir, 'names');
    const r = await writeStrategyTemplate({ name: 'MyTrend', dir: at });
    expect(r.files).toEqual([join(at, 'my-trend.ts'), join(at, 'my-trend.test.ts')]);
    const text = readFileSync(r.files[0]!, 'utf8');
    expect(text).toContain('export class MyTrend extends Strategy<Params>');
    expect(text).toContain("from 'sextant'");
    expect(text).not.toContain('__');
    expect(readFileSync(r.files[1]!, 'utf8')).toContain("new URL('./my-trend.ts', import.meta.url)");
  });

  it('refuses to overwrite without force, naming the file; overwrites with force', async () => {
    const at = join(dir, 'force');
    const test = join(at, 'my-trend.test.ts');
    await writeStrategyTemplate({ name: 'my-trend', dir: at });
    writeFileSync(test, '// mine\n');
    rmSync(join(at, 'my-trend.ts'));
    await expect(writeStrategyTemplate({ name: 'my-trend', dir: at })).rejects.toThrow(`${test}: already exists; use --force`);
    expect(readFileSync(test, 'utf8')).toBe('// mine\n');
    expect(existsSync(join(at, 'my-trend.ts'))).toBe(false);
    await writeStrategyTemplate({ name: 'my-trend', dir: at, force: true });
    expect(readFileSync(test, 'utf8')).toContain("test('my-trend trades on synthetic data'");
  });

  it('creates a missing directory and refuses a file as the directory', async () => {
    const sub = join(dir, 'a', 'b');
    await writeStrategyTemplate({ name: 'deep', dir: sub });
    expect(existsSync(join(sub, 'deep.ts'))).toBe(true);
    await expect(writeStrategyTemplate({ name: 'x', dir: join(sub, 'deep.ts') })).rejects.toThrow(/field "--dir": not a directory/);
  });
});

describe('the generated strategy', () => {
  const at = join(dir, 'generated');
  const strategy = join(at, 'my-trend.ts');
  const test = join(at, 'my-trend.test.ts');
  beforeAll(() => writeStrategyTemplate({ name: 'my-trend', dir: at }));

  it('trades on synthetic data, sized at 95% of equity', async () => {
    const report = await runBacktest({ strategy, data: ['synthetic:1'], analysis: false, benchmark: false });
    expect(report.strategyErrors).toEqual([]);
    expect(report.trades.length).toBeGreaterThanOrEqual(3);
    const first = report.fills[0]!;
    expect(first.side).toBe('buy');
    // 95% of the default 100,000 cash, in whole units.
    expect(first.price * first.qty).toBeGreaterThan(90_000);
    expect(first.price * first.qty).toBeLessThanOrEqual(95_000);
  });

  it('type-checks against the package types (strict, in an ES-module project)', () => {
    const tsconfig = join(at, 'tsconfig.check.json');
    const pkg = join(at, 'package.json');
    writeFileSync(pkg, '{ "type": "module" }\n');
    writeFileSync(tsconfig, JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
        allowImportingTsExtensions: true, noImplicitOverride: true, noUncheckedIndexedAccess: true, types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')], paths: { sextant: [join(ROOT, 'src/index.ts')] },
      },
      files: ['my-trend.ts', 'my-trend.test.ts'],
    }));
    // `tsc -p` through the compiler's API: the same program (the package's whole source graph is parsed and bound),
    // but only the generated files are checked, with what they use of the package's types. The package's own
    // sources have their own typecheck; checking them all here too (what `tsc -p` does) took twice the CPU.
    const config = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
    })!;
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, configFileParsingDiagnostics: config.errors });
    expect(config.fileNames.filter((f) => program.getSourceFile(f) !== undefined)).toHaveLength(2);
    const diagnostics = config.fileNames.flatMap((f) => ts.getPreEmitDiagnostics(program, program.getSourceFile(f)));
    const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => at, getNewLine: () => '\n' });
    // Only the generated files are judged here, as in the output of `tsc -p` filtered to them.
    const mine = text.split('\n').filter((l) => l.includes('my-trend'));
    expect(mine).toEqual([]);
    rmSync(tsconfig);
    rmSync(pkg);
  }, 180_000); // the program reads the package's whole source graph: ~5 s alone, more beside the rest of the suite

  it("its test passes under Node's test runner, resolving 'sextant' through the register module", () => {
    // The built register module when dist/ is built from the current sources (vitest.config.ts sets
    // SEXTANT_FROM_SOURCE=auto), as users load it (`--import sextant/register`) and as processes spawned by other
    // tests run the build; else the sources' one, through tsx.
    const built = join(ROOT, 'dist/register.js');
    const register = process.env.SEXTANT_FROM_SOURCE === 'auto' && existsSync(built) ? ['--import', built] : ['--import', 'tsx', '--import', join(ROOT, 'src/register.ts')];
    const r = spawnSync(process.execPath, [...register, test], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(r.stdout + r.stderr).toMatch(/# pass 2\n# fail 0/);
    expect(r.status).toBe(0);
  });
});
