// `sextant tax` end to end: backtest JSON in, realized gains, wash sales, open lots and harvesting out.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.ts';
import { runBacktest } from '../../src/app/backtest.ts';
import { locateJson } from '../../src/app/dto/index.ts';
import { runTax, type TaxReport } from '../../src/app/tax.ts';
import { taxCommand } from '../../src/cli/tax-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-tax-'));

interface FillJson { time: string; symbol: string; side: string; price: unknown; qty: unknown; commission?: unknown }
const f = (date: string, symbol: string, side: 'buy' | 'sell', qty: number, price: number, commission = 0): FillJson => ({ time: `${date}T00:00:00.000Z`, symbol, side, price, qty, commission });

function writeRun(name: string, body: Record<string, unknown>): string {
  const p = join(dir, name);
  writeFileSync(p, `${JSON.stringify(body, null, 1)}\n`);
  return p;
}

// X: Publication 550's wash sale ($1,000 sold for $750, 100 bought back for $800), then a lot at a loss;
// Y: a long-term gain and a recent purchase at a loss
const FILLS = [
  f('2023-01-03', 'X', 'buy', 100, 10),
  f('2023-02-10', 'X', 'sell', 100, 7.5),
  f('2023-02-20', 'X', 'buy', 100, 8),
  f('2022-01-03', 'Y', 'buy', 20, 50, 1),
  f('2023-03-01', 'Y', 'sell', 10, 60, 1),
  f('2023-05-01', 'Y', 'buy', 10, 70, 1),
];
FILLS.sort((a, b) => a.time.localeCompare(b.time));
const RUN = {
  params: { commission: 0 },
  fills: FILLS,
  openPositions: [
    { symbol: 'X', qty: 100, avgPrice: 8, lastPrice: 6, marketValue: 600, unrealizedPnl: -200 },
    { symbol: 'Y', qty: 20, avgPrice: 60, lastPrice: 55, marketValue: 1100, unrealizedPnl: -100 },
  ],
  equity: [{ time: '2023-05-10T00:00:00.000Z', equity: 1 }],
};

async function tax(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await taxCommand(argv, (s) => (out += `${s}\n`));
  return { code, out };
}

describe('sextant tax', () => {
  it('prints and writes realized gains by term, the wash sale, open lots and harvesting candidates', async () => {
    const run = writeRun('run.json', RUN);
    const json = join(dir, 'tax.json');
    const r = await tax(['--run', run, '--json', json]);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as TaxReport;
    // fills in time order: 1 Y buy 2022-01-03, 2 X buy, 3 X sell, 4 X buy, 5 Y sell, 6 Y buy
    expect(j.realized.map((d) => [d.fill, d.lotId, d.term, d.gain, d.washSaleDisallowed, d.reportedGain])).toEqual([
      [3, 'X#2', 'short', -250, 250, 0],
      [5, 'Y#1', 'long', 98.5, 0, 98.5], // 600 - 1 commission - 10 x 50.05
    ]);
    expect(j.summary).toMatchObject({ shortTermGain: 0, longTermGain: 98.5, totalGain: 98.5, washSaleDisallowed: 250, deferredLossInOpenLots: 250, economicGain: -151.5 });
    expect(j.washSales).toEqual([
      { saleFill: 3, symbol: 'X', soldLotId: 'X#2', saleTime: '2023-02-10T00:00:00.000Z', qty: 100, disallowedLoss: 250, replacementLotId: 'X#4', replacementFill: 4, replacementAcquired: '2023-02-20T00:00:00.000Z', holdingDaysCarried: 38 },
    ]);
    expect(j.openLots.map((l) => [l.id, l.qty, l.costBasis, l.washAdjustment, l.holdingFrom, l.mark, l.unrealizedGain])).toEqual([
      ['X#4', 100, 1050, 250, '2023-01-13', 6, -450],
      ['Y#1', 10, 500.5, 0, '2022-01-03', 55, 49.5],
      ['Y#6', 10, 701, 0, '2023-05-01', 55, -151],
    ]);
    expect(j.asOf).toBe('2023-05-10T00:00:00.000Z');
    // X#4 is a loss lot with no other X bought in the last 30 days; Y#6 is a loss, bought 9 days ago, and no other Y lot is recent
    expect(j.harvesting.candidates.map((c) => [c.lotId, c.term, c.loss, c.taxRate, c.estimatedTaxSavings, c.rebuyWashUntil])).toEqual([
      ['X#4', 'short', 450, 0.37, 166.5, '2023-06-09'],
      ['Y#6', 'short', 151, 0.37, 55.87, '2023-06-09'],
    ]);
    expect(j.warnings).toEqual([]);
    expect(r.out).toContain('Realized: short-term 0.00, long-term 98.50, total 98.50');
    expect(r.out).toContain('Wash sales: 1 matches, 250.00 of losses disallowed, 250.00 still deferred in open lots');
    expect(r.out).toMatch(/X#4 +long +100 +2023-02-20 +2023-01-13 +1,050.00 +250.00/);
    expect(r.out).toContain('estimated tax saving 222.37');
  });

  it('relieves by the chosen method and by named lots', () => {
    const run = writeRun('method.json', { fills: [f('2024-01-02', 'A', 'buy', 10, 10), f('2024-01-03', 'A', 'buy', 10, 20), f('2024-01-04', 'A', 'buy', 10, 15), f('2024-03-01', 'A', 'sell', 10, 25)] });
    const relieved = (r: TaxReport): [string, number, number][] => r.realized.map((d) => [d.lotId, d.qty, d.gain]);
    expect(relieved(runTax({ run }))).toEqual([['A#1', 10, 150]]);
    expect(relieved(runTax({ run, method: 'lifo' }))).toEqual([['A#3', 10, 100]]);
    expect(relieved(runTax({ run, method: 'hifo' }))).toEqual([['A#2', 10, 50]]);
    expect(relieved(runTax({ run, method: 'specific', selections: ['4=A#3@4,A#2@6'] }))).toEqual([['A#3', 4, 40], ['A#2', 6, 30]]);
    expect(() => runTax({ run, method: 'specific', selections: ['4=A#9'] })).toThrow(/method\.json: fill 4 names lot A#9/);
  });

  it('marks open lots from another run file and harvests as of a given date, a recent losing lot sold with the older one', () => {
    const run = writeRun('marks-run.json', RUN);
    const marks = writeRun('marks.json', { openPositions: [{ symbol: 'Y', qty: 20, lastPrice: 40 }] });
    const r = runTax({ run, marks, asOf: '2023-05-15', minLoss: 100 });
    expect(r.openLots.find((l) => l.symbol === 'X')?.mark).toBeNull();
    expect(r.harvesting.unmarked).toEqual(['X']);
    expect(r.harvesting.candidates.map((c) => c.lotId)).toEqual(['Y#1', 'Y#6']);
  });

  it('blocks harvesting a loss while a lot bought in the last 30 days would replace it, and says when it clears', () => {
    const run = writeRun('block.json', { fills: [f('2023-01-03', 'Z', 'buy', 10, 50), f('2023-05-01', 'Z', 'buy', 10, 30)], openPositions: [{ symbol: 'Z', qty: 20, lastPrice: 40 }] });
    const r = runTax({ run, asOf: '2023-05-15' });
    expect(r.harvesting.candidates).toEqual([]);
    expect(r.harvesting.blocked).toEqual([{ lotId: 'Z#1', symbol: 'Z', qty: 10, loss: 100, replacementLotIds: ['Z#2'], clearFrom: '2023-06-01' }]);
    expect(runTax({ run, asOf: '2023-06-01' }).harvesting.candidates.map((c) => c.lotId)).toEqual(['Z#1']);
  });

  it('warns when a loss sale can still be washed after the as-of day and when open positions disagree with the fills', () => {
    const run = writeRun('warn.json', { fills: [f('2024-01-02', 'X', 'buy', 10, 10), f('2024-03-01', 'X', 'sell', 10, 8)], openPositions: [{ symbol: 'X', qty: 5, lastPrice: 8 }] });
    const r = runTax({ run, asOf: '2024-03-10' });
    expect(r.realized[0]!.washWindowOpenUntil).toBe('2024-03-31');
    expect(r.warnings.join('\n')).toContain('on or before 2024-03-31');
    expect(r.warnings.join('\n')).toContain('holds 5 X but its fills leave 0');
    expect(runTax({ run, asOf: '2024-03-31' }).realized[0]!.washWindowOpenUntil).toBeNull();
  });

  it('switches the wash-sale rule off with --no-wash-sales', async () => {
    const run = writeRun('nowash.json', RUN);
    const json = join(dir, 'nowash-out.json');
    await tax(['--run', run, '--no-wash-sales', '--json', json]);
    const j = JSON.parse(readFileSync(json, 'utf8')) as TaxReport;
    expect([j.washSaleRule, j.summary.shortTermGain, j.washSales]).toEqual([false, -250, []]);
  });

  /** 1-based line of the nth (0-based) occurrence of `needle` in `text`. */
  function lineOf(text: string, needle: string, nth: number): number {
    let at = -1;
    for (let k = 0; k <= nth; k++) at = text.indexOf(needle, at + 1);
    return text.slice(0, at).split('\n').length;
  }

  const withFill = (i: number, patch: Record<string, unknown>) => (r: typeof RUN): unknown => ({ ...r, fills: r.fills.map((x, k) => (k === i ? { ...x, ...patch } : x)) });
  it.each<[string, (run: typeof RUN) => unknown, string, string, [string, number]]>([
    // [what, mutation, field, message, the line: nth occurrence of a needle in the written file]
    ['a missing fills array', (r) => ({ ...r, fills: undefined }), 'fills', 'missing (expected array)', ['{', 0]],
    ['fills that are not an array', (r) => ({ ...r, fills: {} }), 'fills', 'expected array, got an object', ['"fills"', 0]],
    ['a negative price', withFill(1, { price: -5 }), 'fills[1].price', 'a price >= 0', ['"price"', 1]],
    ['a missing commission', withFill(2, { commission: undefined }), 'fills[2].commission', 'missing', ['{', 4]], // the fill's own line: root, params, fills 0..2
    ['a bad side', withFill(3, { side: 'short' }), 'fills[3].side', '"buy" or "sell"', ['"side"', 3]],
    ['a time without a zone', withFill(0, { time: '2022-01-03T00:00:00' }), 'fills[0].time', 'ISO 8601', ['"time"', 0]],
    ['fills out of time order', (r) => ({ ...r, fills: [r.fills[1], r.fills[0]] }), 'fills[1].time', 'time order', ['"time"', 1]],
    ['a zero quantity', withFill(4, { qty: 0 }), 'fills[4].qty', 'a quantity > 0', ['"qty"', 4]],
    ['a string quantity', withFill(4, { qty: '10' }), 'fills[4].qty', 'expected number, got "10"', ['"qty"', 4]],
    ['a mark that is not a number', (r) => ({ ...r, openPositions: [{ symbol: 'X', qty: 100, lastPrice: 'six' }] }), 'openPositions[0].lastPrice', 'expected number, got "six"', ['"lastPrice"', 0]],
  ])('rejects %s with an InputError naming the file, line and field', (_what, mutate, field, message, [needle, nth]) => {
    const run = writeRun('bad.json', mutate(RUN) as Record<string, unknown>);
    const err = ((): unknown => {
      try {
        runTax({ run });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.where).toEqual({ file: run, line: lineOf(readFileSync(run, 'utf8'), needle, nth), field });
    expect(e.message).toContain(message);
    expect(e.message).toContain(`${run}:${e.where.line}, field "${field}"`);
  });

  it('rejects a file that is not JSON with its line, and a missing file', () => {
    const p = join(dir, 'broken.json');
    writeFileSync(p, '{\n "fills": [\n  { "time": 1, },\n ]\n}\n');
    expect(() => runTax({ run: p })).toThrow(InputError);
    try {
      runTax({ run: p });
    } catch (e) {
      expect((e as InputError).where).toEqual({ file: p, line: 3 });
    }
    expect(() => runTax({ run: join(dir, 'nope.json') })).toThrow(/nope\.json, field "run": cannot read/);
  });

  it.each([
    [['--run', 'x.json', '--method', 'avg'], '--method'],
    [['--method', 'fifo'], '--run'],
    [['--run', 'x.json', '--select', '3=X#1'], '--select'],
    [['--run', 'x.json', '--short-rate', '37'], '--short-rate'],
    [['--run', 'x.json', '--as-of', 'yesterday'], '--as-of'],
    [['--run', 'x.json', '--bogus'], '--bogus'],
  ])('rejects bad flags %j with a ConfigError naming the flag', async (argv, flag) => {
    const run = writeRun('x.json', RUN);
    const args = argv.map((a) => (a === 'x.json' ? run : a));
    const e = await tax(args).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).where.field).toBe(flag);
  });

  it('locates any value of a pretty-printed JSON document at its offset', () => {
    const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const rec = fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), leaf, { minKeys: 1, maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 5 }), fc.nat(), fc.nat(), fc.constantFrom(0, 1, 2), (items, i, k, indent) => {
        const text = JSON.stringify({ params: { a: [1, { b: '}' }] }, fills: items }, null, indent);
        const item = items[i % items.length]!;
        const keys = Object.keys(item);
        const key = keys[k % keys.length]!;
        const at = locateJson(text, ['fills', i % items.length, key]);
        expect(text.slice(at).startsWith(JSON.stringify(item[key]))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sextant tax on a real backtest', () => {
  it('keeps the open lots equal to the open positions and, per closed-out symbol, the economic gain equal to the trades\' pnl under every method', { timeout: 60_000 }, async () => {
    const report = await runBacktest({ strategy: 'sma-cross', commission: 0.001, params: { fast: 5, slow: 20 }, benchmark: false });
    const run = writeRun('backtest.json', report as unknown as Record<string, unknown>);
    const byMethod = (['fifo', 'lifo', 'hifo'] as const).map((method) => runTax({ run, method }));
    for (const t of byMethod) {
      expect(t.warnings.filter((w) => w.includes('openPositions'))).toEqual([]);
      expect(t.washSales.length).toBeGreaterThan(0);
      expect(t.summary.totalGain - t.summary.deferredLossInOpenLots).toBeCloseTo(t.summary.economicGain, 1);
      const open = new Set(report.openPositions.map((p) => p.symbol));
      for (const b of t.bySymbol.filter((s) => !open.has(s.symbol))) {
        const pnl = report.trades.filter((tr) => tr.symbol === b.symbol).reduce((a, tr) => a + tr.pnl, 0);
        expect(b.deferredLossInOpenLots).toBe(0);
        expect(Math.abs(b.totalGain - pnl)).toBeLessThan(0.05);
      }
    }
  });
});
