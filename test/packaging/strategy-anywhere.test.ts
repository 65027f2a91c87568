// A user strategy file anywhere on disk (here os.tmpdir(), no node_modules near it) that imports the
// API from 'sextant' loads and trades through the app layer, sharing the engine's classes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/app/backtest.ts';
import { loadStrategy } from '../../src/app/strategy-loader.ts';
import { Strategy } from '../../src/index.ts';
import { buildProblem, builtEnv, ROOT } from './built.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-anywhere-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TS = `import { Strategy, z, type Bar, type StrategyContext } from 'sextant';
import { every } from './helper.ts';

export class EveryNth extends Strategy<{ n: number; qty: number }> {
  static readonly schema = z.object({ n: z.number().int().positive().default(every), qty: z.number().positive().default(3) });
  #seen = 0;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (++this.#seen % this.config.n !== 0) return;
    if (ctx.position(bar.symbol).isFlat) ctx.buy(bar.symbol, this.config.qty);
    else ctx.close(bar.symbol);
  }
}
`;

const MJS = `import { Strategy, z } from 'sextant';
export default class Once extends Strategy {
  static schema = z.object({});
  done = false;
  onBar(bar, ctx) {
    if (!this.done) ctx.buy(bar.symbol, 2);
    this.done = true;
  }
}
`;

/** Written as the guide used to say: zod imported by name, which the folder does not have. */
const ZOD = `import { z } from 'zod';
import { Strategy } from 'sextant';
export class Legacy extends Strategy<{ qty: number }> {
  static readonly schema = z.object({ qty: z.number().default(4) });
  #done = false;
  override onBar(bar: any, ctx: any): void {
    if (!this.#done) ctx.buy(bar.symbol, this.config.qty);
    this.#done = true;
  }
}
`;

describe('strategy files outside the checkout', () => {
  it('loads a .ts file importing sextant (and a sibling helper) as the same Strategy class', async () => {
    writeFileSync(join(dir, 'helper.ts'), 'export const every: number = 20;\n');
    writeFileSync(join(dir, 'every-nth.ts'), TS);
    const loaded = await loadStrategy(join(dir, 'every-nth.ts'));
    expect(loaded.cls.prototype).toBeInstanceOf(Strategy);
  });

  it('backtests it through runBacktest with real fills', async () => {
    const report = await runBacktest({ strategy: join(dir, 'every-nth.ts'), data: ['synthetic:7'], analysis: false, benchmark: false });
    expect(report.fills.length).toBeGreaterThan(10);
    expect(report.fills[0]!.side).toBe('buy');
    expect(report.fills[0]!.qty).toBe(3);
    expect(report.fills[1]!.side).toBe('sell');
    expect(report.strategyErrors).toEqual([]);
  });

  it('loads a plain .mjs file with a default export', async () => {
    writeFileSync(join(dir, 'once.mjs'), MJS);
    const report = await runBacktest({ strategy: join(dir, 'once.mjs'), data: ['synthetic:7'], analysis: false, benchmark: false });
    expect(report.fills.map((f) => [f.side, f.qty])).toEqual([['buy', 2]]);
  });

  it("resolves a bare import the folder lacks ('zod') from the package's own dependencies", async () => {
    writeFileSync(join(dir, 'legacy.ts'), ZOD);
    const report = await runBacktest({ strategy: join(dir, 'legacy.ts'), data: ['synthetic:7'], analysis: false, benchmark: false });
    expect(report.fills.map((f) => [f.side, f.qty])).toEqual([['buy', 4]]);
  });

  it('names the file and the flag when the import fails', async () => {
    writeFileSync(join(dir, 'broken.ts'), "import { Nope } from 'sextant-nope';\nexport const x = Nope;\n");
    await expect(loadStrategy(join(dir, 'broken.ts'))).rejects.toThrow(/cannot load strategy file.*sextant-nope/);
  });

  // The built CLI (dist/) loads it with the resolve hook and tsx loaded on demand, from another cwd.
  const problem = buildProblem();
  it.skipIf(problem !== '')(`the built CLI backtests it from another directory${problem ? ` (skipped: ${problem})` : ''}`, () => {
    writeFileSync(join(dir, 'helper.ts'), 'export const every: number = 20;\n');
    writeFileSync(join(dir, 'every-nth.ts'), TS);
    const json = join(dir, 'out.json');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/sextant.js'), 'backtest', '--strategy', 'every-nth.ts', '--data', 'synthetic:7', '--json', json, '--quiet'], {
      cwd: dir, encoding: 'utf8', env: builtEnv(),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { fills: { side: string; qty: number }[] };
    expect(report.fills.length).toBeGreaterThan(10);
    expect(report.fills[0]).toMatchObject({ side: 'buy', qty: 3 });

    writeFileSync(join(dir, 'legacy.ts'), ZOD);
    const legacy = spawnSync(process.execPath, [join(ROOT, 'bin/sextant.js'), 'backtest', '--strategy', 'legacy.ts', '--data', 'synthetic:7', '--json', json, '--quiet'], {
      cwd: dir, encoding: 'utf8', env: builtEnv(),
    });
    expect(legacy.stderr).toBe('');
    expect((JSON.parse(readFileSync(json, 'utf8')) as { fills: { qty: number }[] }).fills.map((f) => f.qty)).toEqual([4]);
  });

  it.skipIf(problem !== '')('built, the loaded class extends the very Strategy class of the running package', () => {
    writeFileSync(join(dir, 'helper.ts'), 'export const every: number = 20;\n');
    writeFileSync(join(dir, 'every-nth.ts'), TS);
    const dist = pathToFileURL(join(ROOT, 'dist')).href;
    const script = `import { Strategy } from '${dist}/index.js';
import { loadStrategy } from '${dist}/app/strategy-loader.js';
const { cls } = await loadStrategy(${JSON.stringify(join(dir, 'every-nth.ts'))});
console.log(cls.name, cls.prototype instanceof Strategy);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env: builtEnv() });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('EveryNth true');
  });
});

