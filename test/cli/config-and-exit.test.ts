// --config files (flags override them; unknown keys and bad values are exit 2 naming the file and key),
// exit 3 when a strategy threw, --json - on stdout, and sextant new strategy.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-cli-config-'));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += `${s}\n`), (s) => (err += `${s}\n`));
  return { code, out, err };
}

function config(name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
}

const HULL = { type: 'call', spot: 42, strike: 40, days: 182.5, rate: 0.1, vol: 0.2 };

describe('--config', () => {
  it('reads the flags of a command from a JSON object', async () => {
    const r = await run(['option', '--config', config('hull.json', { ...HULL, json: '-' })]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { greeks: { price: number } }).greeks.price).toBeCloseTo(4.7594, 4);
  });

  it('lets the command line override the file', async () => {
    const r = await run(['option', '--config', config('hull2.json', HULL), '--vol', '0.3', '--json', '-']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { inputs: { vol: number }; greeks: { price: number } };
    expect(j.inputs.vol).toBe(0.3);
    expect(j.greeks.price).toBeGreaterThan(5);
  });

  it('takes lists for repeatable flags and objects for --param', async () => {
    const json = join(dir, 'bt.json');
    const file = config('bt-config.json', { strategy: 'sma-cross', data: ['synthetic:3'], param: { fast: 5, slow: 20 }, commission: 0.001, json, quiet: true });
    const r = await run(['backtest', '--config', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { params: { strategyParams: { fast: number; slow: number }; commission: number; data: string[] } };
    expect(j.params.strategyParams).toMatchObject({ fast: 5, slow: 20 });
    expect(j.params.commission).toBe(0.001);
    expect(j.params.data).toEqual(['synthetic:3']);
  });

  it.each([
    [{ ...HULL, volatility: 0.2 }, 'volatility'],
    [{ ...HULL, vol: '0x10' }, '--vol'],
    [{ ...HULL, vol: -1 }, '--vol'],
    [{ ...HULL, type: 'straddle' }, '--type'],
    [{ ...HULL, json: '/nonexistent/x.json' }, '--json'],
    [{ ...HULL, spot: [1, 2] }, '--spot'],
    [{ ...HULL, rate: true }, '--rate'],
  ])('refuses %j with exit 2 naming the file and the key', async (value, key) => {
    const file = config('bad.json', value);
    const r = await run(['option', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(key);
    expect(r.err).toContain('bad.json');
  });

  it('refuses a config that is not a JSON object, or missing', async () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    for (const argv of [['option', '--config', notJson], ['option', '--config', config('array.json', [1])], ['option', '--config', join(dir, 'missing.json')]]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('--config');
    }
  });
});

describe('exit codes', () => {
  it('is 3 when a strategy threw during a backtest, with the outputs written and the error on stderr', async () => {
    const json = join(dir, 'threw.json');
    const r = await run(['backtest', '--strategy', join(import.meta.dirname, 'fixtures/throws-on-bar-5.ts'), '--data', 'synthetic:1', '--json', json, '--quiet']);
    expect(r.code).toBe(3);
    expect(r.err).toContain('boom on bar 5');
    expect((JSON.parse(readFileSync(json, 'utf8')) as { strategyErrors: unknown[] }).strategyErrors).toHaveLength(1);
  });

  it('prints the backtest JSON on stdout with --json - and no summary', async () => {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run(['backtest', '--strategy', 'buy-and-hold', '--data', 'synthetic:2', '--json', '-']);
    } finally {
      spy.mockRestore();
    }
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const j = JSON.parse(chunks.join('')) as { bars: number; equity: unknown[] };
    expect(j.bars).toBeGreaterThan(100);
    expect(j.equity.length).toBeGreaterThan(100);
  });
});

describe('sextant new strategy', () => {
  it('writes the template files into --dir and refuses to overwrite them without --force', async () => {
    const target = mkdtempSync(join(tmpdir(), 'sextant-new-'));
    const r = await run(['new', 'strategy', 'my-trend', '--dir', target]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(target, 'my-trend.ts'))).toBe(true);
    expect(r.out).toContain(join(target, 'my-trend.ts'));
    expect((await run(['new', 'strategy', 'my-trend', '--dir', target])).code).toBe(2);
    expect((await run(['new', 'strategy', 'my-trend', '--dir', target, '--force'])).code).toBe(0);
  });

  it('needs a name', async () => {
    const r = await run(['new', 'strategy']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('name');
  });
});
