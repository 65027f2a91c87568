// End-to-end through the CLI entry (main), as scripts outside the repo use it (the backtest contract of docs/cli.md).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-cli-'));

/** A small Yahoo-style file with a clear up-then-down trend, so sma-cross trades. */
function yahooCsv(name: string, n = 120): string {
  const rows = ['Date,Open,High,Low,Close,Adj Close,Volume'];
  const start = Date.UTC(2020, 0, 1);
  for (let i = 0; i < n; i++) {
    const c = 100 + 20 * Math.sin(i / 9) + i * 0.05;
    const o = c - 0.3;
    const d = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    rows.push(`${d},${o.toFixed(2)},${(Math.max(o, c) + 0.5).toFixed(2)},${(Math.min(o, c) - 0.5).toFixed(2)},${c.toFixed(2)},${c.toFixed(2)},1000`);
  }
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s + '\n'), (s) => (err += s + '\n'));
  return { code, out, err };
}

describe('sextant backtest', () => {
  it('writes the documented JSON schema and exits 0', async () => {
    const csv = yahooCsv('trend.csv');
    const json = join(dir, 'out.json');
    const r = await run(['backtest', '--strategy', 'sma-cross', '--data', `csv:${csv}`, '--param', 'fast=5', '--param', 'slow=20', '--commission', '0.001', '--json', json]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    for (const key of ['params', 'bars', 'runSeconds', 'finalValue', 'finalCash', 'metrics', 'trades', 'fills', 'rejectedOrders', 'openPositions', 'equity']) expect(j).toHaveProperty(key);
    expect(j.bars).toBe(120);
    const trades = j.trades as { entryTime: string; pnl: number; commission: number; qty: number }[];
    expect(trades.length).toBeGreaterThan(0);
    expect(trades[0]!.entryTime).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
    expect((j.equity as unknown[]).length).toBe(120);
    expect(r.out).toContain('Sharpe');
  });

  it('loads a user strategy from a .ts path with its params', async () => {
    const csv = yahooCsv('user.csv', 40);
    const json = join(dir, 'user.json');
    const r = await run(['backtest', '--strategy', join(import.meta.dirname, 'fixtures/always-long.ts'), '--data', `csv:${csv}`, '--param', 'qty=7', '--json', json, '--quiet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { openPositions: { qty: number }[]; fills: unknown[] };
    expect(j.fills).toHaveLength(1);
    expect(j.openPositions[0]!.qty).toBe(7);
  });

  it.each([
    [['backtest'], '--strategy'],
    [['backtest', '--strategy', 'nope'], 'unknown strategy'],
    [['backtest', '--strategy', 'sma-cross', '--bogus', '1'], 'unknown flag --bogus'],
    [['backtest', '--strategy', 'sma-cross', '--cash', 'abc'], '--cash must be a decimal number'],
    [['backtest', '--strategy', 'sma-cross', '--param', 'fast=50', '--param', 'slow=10'], 'fast must be shorter than slow'],
    [['backtest', '--strategy', 'sma-cross', '--param', 'fsat=5'], 'no parameter "fsat"'],
    [['backtest', '--strategy', 'sma-cross', '--size', 'pct-cash:0'], 'bad size'],
    [['backtest', '--strategy', 'sma-cross', '--fill', 'vwap'], '--fill must be'],
    [['backtest', '--strategy', 'sma-cross', '--data', 'csv:/nonexistent/file.csv'], '/nonexistent/file.csv'],
    [['backtest', '--strategy', 'sma-cross', '--data', 'ftp:x'], 'ftp'],
    [['frobnicate'], 'unknown command'],
  ])('exits 2 with a clear message for bad input %j', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('names the file, line and field of a bad CSV row and exits 2', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'Date,Open,High,Low,Close,Volume\n2020-01-01,10,11,9,10.5,100\n2020-01-02,10,9,11,10.5,100\n');
    const r = await run(['backtest', '--strategy', 'sma-cross', '--data', `csv:${path}`]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${path}:3`);
    expect(r.err).toMatch(/high|low/i);
  });

  it('skips and counts bad rows with --skip-bad-rows', async () => {
    const path = join(dir, 'skip.csv');
    const good = readFileSync(yahooCsv('base.csv', 60), 'utf8').trim().split('\n');
    good.splice(10, 0, '2020-01-09,abc,1,1,1,1,1');
    writeFileSync(path, good.join('\n') + '\n');
    const json = join(dir, 'skip.json');
    const r = await run(['backtest', '--strategy', 'rsi', '--data', `csv:${path}`, '--skip-bad-rows', '--json', json, '--quiet']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8')).skippedRows).toBe(1);
  });

  it('restricts bars with --from and --to (inclusive days)', async () => {
    const csv = yahooCsv('window.csv', 100);
    const json = join(dir, 'window.json');
    const r = await run(['backtest', '--strategy', 'buy-and-hold', '--data', `csv:${csv}`, '--from', '2020-01-11', '--to', '2020-01-20', '--json', json, '--quiet']);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { bars: number; equity: { time: string }[] };
    expect(j.bars).toBe(10);
    expect(j.equity[0]!.time).toBe('2020-01-11T00:00:00.000Z');
  });

  it('runs every built-in strategy on the synthetic market', async () => {
    for (const s of ['sma-cross', 'rsi', 'bollinger', 'macd', 'buy-and-hold']) {
      const r = await run(['backtest', '--strategy', s, '--data', 'synthetic:3', '--quiet']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
  });
});

describe('sextant strategies', () => {
  it('lists every built-in with params and defaults', async () => {
    const json = join(dir, 'strategies.json');
    const r = await run(['strategies', '--json', json]);
    expect(r.code).toBe(0);
    const list = JSON.parse(readFileSync(json, 'utf8')) as { name: string; params: { name: string; default: unknown }[] }[];
    expect(list.map((s) => s.name)).toEqual(expect.arrayContaining(['sma-cross', 'rsi', 'bollinger', 'macd', 'buy-and-hold']));
    const sma = list.find((s) => s.name === 'sma-cross')!;
    expect(sma.params).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'fast', default: 10 }), expect.objectContaining({ name: 'slow', default: 30 })]));
  });
});
