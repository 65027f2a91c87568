// The analysis commands end to end: indicator, option, coint.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.ts';
import { coint } from '../src/analytics/stationarity/index.ts';
import { main } from '../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-cli2-'));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s + '\n'), (s) => (err += s + '\n'));
  return { code, out, err };
}

function writeCsv(name: string, closes: number[], firstDay = 0): string {
  const rows = ['Date,Open,High,Low,Close,Volume'];
  closes.forEach((c, i) => {
    const d = new Date(Date.UTC(2021, 0, 4) + (firstDay + i) * 86_400_000).toISOString().slice(0, 10);
    rows.push(`${d},${c},${(c * 1.01).toFixed(6)},${(c * 0.99).toFixed(6)},${c},1000`);
  });
  const p = join(dir, name);
  writeFileSync(p, rows.join('\n') + '\n');
  return p;
}

describe('sextant indicator', () => {
  it('writes { name, params, values } aligned with the bars, null during warm-up', async () => {
    const csv = writeCsv('ind.csv', Array.from({ length: 30 }, (_, i) => 100 + i));
    const json = join(dir, 'ind.json');
    const r = await run(['indicator', 'sma', '--data', `csv:${csv}`, '--param', 'period=5', '--json', json]);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { name: string; params: { period: number }; values: (number | null)[] };
    expect(j.name).toBe('sma');
    expect(j.params.period).toBe(5);
    expect(j.values).toHaveLength(30);
    expect(j.values.slice(0, 4)).toEqual([null, null, null, null]);
    expect(j.values[4]).toBe(102);
  });

  it('writes an object of arrays for a multi-output indicator', async () => {
    const csv = writeCsv('macd.csv', Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i / 5) * 5));
    const json = join(dir, 'macd.json');
    expect((await run(['indicator', 'macd', '--data', `csv:${csv}`, '--json', json])).code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { values: Record<string, (number | null)[]> };
    expect(Object.keys(j.values).sort()).toEqual(['histogram', 'macd', 'signal']);
    expect(j.values.macd).toHaveLength(60);
  });

  it('rejects an unknown indicator or parameter with exit 2', async () => {
    const csv = writeCsv('bad.csv', [1, 2, 3]);
    expect((await run(['indicator', 'nope', '--data', `csv:${csv}`])).code).toBe(2);
    const r = await run(['indicator', 'sma', '--data', `csv:${csv}`, '--param', 'perod=3']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('perod');
  });
});

describe('sextant option', () => {
  it("prices Hull's example (S=42, K=40, r=10%, sigma=20%, 6 months)", async () => {
    const r = await run(['option', '--type', 'call', '--spot', '42', '--strike', '40', '--days', '182.5', '--rate', '0.1', '--vol', '0.2', '--json', '-']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { greeks: { price: number; delta: number } };
    expect(j.greeks.price).toBeCloseTo(4.76, 2);
    expect(j.greeks.delta).toBeCloseTo(0.7791, 4);
  });

  it('solves the implied volatility of a price and round-trips it', async () => {
    const r = await run(['option', '--type', 'put', '--spot', '42', '--strike', '40', '--days', '182.5', '--rate', '0.1', '--price', '0.8086', '--json', '-']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { impliedVol: number; greeks: { price: number } };
    expect(j.impliedVol).toBeCloseTo(0.2, 3);
    expect(j.greeks.price).toBeCloseTo(0.8086, 6);
  });

  it('exits 2 on a price below intrinsic value', async () => {
    const r = await run(['option', '--type', 'call', '--spot', '100', '--strike', '50', '--days', '30', '--rate', '0', '--price', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--price');
  });
});

describe('sextant coint', () => {
  it('reports ADF per series and Engle-Granger over the overlap, equal to the library on aligned log prices', async () => {
    const rng = new Rng(5);
    const n = 300;
    let x = 0;
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      x += 0.01 * rng.normal();
      a.push(Number((50 * Math.exp(x)).toFixed(4)));
      b.push(Number((20 * Math.exp(0.8 * x + 0.005 * rng.normal())).toFixed(4)));
    }
    const pa = writeCsv('A.csv', a);
    const pb = writeCsv('B.csv', b.slice(10), 10);
    const json = join(dir, 'coint.json');
    const r = await run(['coint', '--data', `csv:${pa}`, '--data', `csv:${pb}`, '--json', json]);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { overlap: { bars: number }; engleGranger: { stat: number; pValue: number }; series: { adf: { pValue: number } }[] };
    expect(j.overlap.bars).toBe(n - 10);
    expect(j.series).toHaveLength(2);
    const lib = coint(a.slice(10).map(Math.log), b.slice(10).map(Math.log));
    expect(j.engleGranger.stat).toBe(lib.stat);
    expect(j.engleGranger.pValue).toBeLessThan(0.05);
  });

  it('needs exactly two sources', async () => {
    expect((await run(['coint', '--data', 'synthetic'])).code).toBe(2);
  });
});
