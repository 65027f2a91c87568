// The app DTOs: a real backtest's `--json` bytes parse through RunReportSchema unchanged (the schema names every
// field, in the document's order), each DTO survives a JSON round trip, the schemas' types equal the analytics
// types they describe, and a bad file is an InputError naming the file, the line and the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { toIso } from '../../core/time.ts';
import type { PerformanceMetrics } from '../../analytics/metrics.ts';
import type { BacktestAnalysis } from '../../analytics/report/analysis.ts';
import type { OrderType, TimeInForce } from '../../model/order.ts';
import type { OrderStatus } from '../../model/order-status.ts';
import type { RoundTrip } from '../../portfolio/trade-tracker.ts';
import type { RejectionRecord } from '../../engine/kernel.ts';
import type { KernelFill } from '../../engine/fill-log.ts';
import type { OrderRecord, RunKind, RunStatus } from '../../store/store.ts';
import { runBacktest } from '../backtest.ts';
import * as dto from './index.ts';
import {
  AnalysisSchema, EquityPointSchema, FillSchema, JsonFile, MetricsSchema, OrderSchema, PositionSchema, RejectedOrderSchema, RunReportSchema,
  RunSummarySchema, TradeSchema, fillDtoOf, orderDtoOf, parseDto, rejectedOrderDtoOf, runSummaryOf, tradeDtoOf,
} from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-dto-'));

/** What `backtest --json` writes (src/app/backtest-json.ts). */
const jsonText = (report: unknown): string => `${JSON.stringify(report, null, 1)}\n`;

describe('RunReportSchema against real backtests', () => {
  it.each([
    ['sma-cross on synthetic data, with benchmark and analysis', { strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: ['synthetic:3'], commission: 0.001 }],
    ['a strategy that trades every bar, under a drawdown breaker', { strategy: 'test/fixtures/flip-flop.ts', data: ['synthetic:5'], cash: 20_000, risk: true }],
    ['no analysis and no benchmark', { strategy: 'buy-and-hold', data: ['synthetic:1'], analysis: false, benchmark: false }],
  ] as const)('%s: the JSON parses and prints back byte for byte', async (_name, req) => {
    let riskFile: string | undefined;
    if ('risk' in req) {
      riskFile = join(dir, 'risk.json');
      writeFileSync(riskFile, JSON.stringify({ breakers: { maxDrawdown: { maxDrawdownPct: 0.5, action: 'flatten' } } }));
    }
    const { risk: _r, ...rest } = { risk: undefined, ...req };
    const report = await runBacktest({ ...rest, riskFile });
    const text = jsonText(report);
    const value: unknown = JSON.parse(text);
    const parsed = RunReportSchema.parse(value);
    // Nothing dropped, added or reordered: the schema describes every field of the document, in its order.
    expect(jsonText(parsed)).toBe(text);
    expect(parsed.fills.length).toBeGreaterThan(0);
    if (riskFile !== undefined) expect(parsed.riskEvents.length).toBeGreaterThan(0);
  });

  it('the report object itself (before JSON) is a RunReport', async () => {
    const report = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:2'] });
    expect(RunReportSchema.safeParse(report).success).toBe(true);
  });

  it('an old report without the later additions fails naming the first missing field', async () => {
    const report = JSON.parse(jsonText(await runBacktest({ strategy: 'sma-cross', data: ['synthetic:2'], analysis: false }))) as Record<string, unknown>;
    delete report.riskEvents;
    expect(() => parseDto(RunReportSchema, report, 'old.json')).toThrow('old.json, field "riskEvents": missing (expected array)');
  });
});

describe('types: one declaration per concept', () => {
  it('metrics and analysis schemas have exactly the analytics types', () => {
    expectTypeOf<z.infer<typeof MetricsSchema>>().toEqualTypeOf<PerformanceMetrics>();
    expectTypeOf<z.infer<typeof AnalysisSchema>>().toEqualTypeOf<BacktestAnalysis>();
  });

  it('enums have exactly the model values', () => {
    expectTypeOf<z.infer<typeof OrderSchema>['type']>().toEqualTypeOf<OrderType>();
    expectTypeOf<z.infer<typeof OrderSchema>['tif']>().toEqualTypeOf<TimeInForce>();
    expectTypeOf<z.infer<typeof OrderSchema>['status']>().toEqualTypeOf<OrderStatus>();
    expectTypeOf<z.infer<typeof RunSummarySchema>['kind']>().toEqualTypeOf<RunKind>();
    expectTypeOf<z.infer<typeof RunSummarySchema>['status']>().toEqualTypeOf<RunStatus>();
  });
});

// ---- round trips: a valid DTO survives JSON and parses to itself ----

const time = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }).map(toIso);
const num = fc.double({ noNaN: true, noDefaultInfinity: true });
const maybe = fc.option(num, { nil: null });
const name = fc.string({ minLength: 1, maxLength: 8 });
const side = fc.constantFrom('buy' as const, 'sell' as const);

const arbitraries: [string, z.ZodType, fc.Arbitrary<unknown>][] = [
  ['Fill', FillSchema, fc.record({ time, symbol: name, side, price: num, qty: num, commission: num })],
  ['Trade', TradeSchema, fc.record({
    symbol: name, side: fc.constantFrom('long' as const, 'short' as const), entryTime: time, entryPrice: num, exitTime: time, exitPrice: num, qty: num, pnl: num, commission: num,
  })],
  ['RejectedOrder', RejectedOrderSchema, fc.record({ time, symbol: name, side, qty: num, status: fc.constantFrom('denied' as const, 'rejected' as const), reason: fc.string() })],
  ['Position', PositionSchema, fc.record({ symbol: name, qty: num, avgPrice: num, lastPrice: num, marketValue: num, unrealizedPnl: num })],
  ['EquityPoint', EquityPointSchema, fc.record({ time, equity: num })],
  ['Order', OrderSchema, fc.record({
    clientOrderId: name, runId: name, strategyId: fc.string(), symbol: name, side, type: fc.constantFrom('market', 'limit', 'stop', 'stop-limit', 'trailing-stop'), qty: num,
    limitPrice: maybe, stopPrice: maybe, tif: fc.constantFrom('DAY', 'GTC', 'IOC', 'FOK', 'GTD'), expireTime: fc.option(time, { nil: null }),
    parentId: fc.option(name, { nil: null }), ocoGroup: fc.option(name, { nil: null }), tag: fc.option(fc.string(), { nil: null }), reduceOnly: fc.boolean(),
    status: fc.constantFrom('initialized', 'accepted', 'partially-filled', 'filled', 'canceled'), filledQty: num, avgFillPrice: num, reason: fc.string(), createdTime: time, updatedTime: time,
  })],
  ['RunSummary', RunSummarySchema, fc.record({
    id: name, kind: fc.constantFrom('backtest', 'paper', 'live'), status: fc.constantFrom('running', 'completed', 'failed', 'stopped'), startedTime: time,
    endedTime: fc.option(time, { nil: null }), config: fc.jsonValue(),
  })],
];

describe('round trips', () => {
  it.each(arbitraries)('%s: JSON text -> parse gives the same value and the same bytes', (_name, schema, arb) => {
    fc.assert(
      fc.property(arb, (v) => {
        const text = JSON.stringify(v);
        const parsed: unknown = schema.parse(JSON.parse(text));
        expect(parsed).toEqual(JSON.parse(text));
        expect(JSON.stringify(parsed)).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('Metrics: a run\'s metrics round-trip, and a missing one names its field', async () => {
    const { metrics } = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:4'], analysis: false, benchmark: false });
    const back = MetricsSchema.parse(JSON.parse(JSON.stringify(metrics)));
    expect(back).toEqual(JSON.parse(JSON.stringify(metrics)));
    const { sharpe: _s, ...noSharpe } = metrics;
    expect(() => parseDto(MetricsSchema, noSharpe, 'm.json')).toThrow('m.json, field "sharpe": missing (expected number)');
  });

  it('the mappers make values their schema accepts', () => {
    const fill: KernelFill = { orderId: 'O-1', strategyId: 's', symbol: 'AAA', side: 'sell', qty: 3, price: 10.5, commission: 0.1, tsMs: Date.UTC(2024, 0, 2) };
    expect(FillSchema.parse(fillDtoOf(fill))).toEqual({ time: '2024-01-02T00:00:00.000Z', symbol: 'AAA', side: 'sell', price: 10.5, qty: 3, commission: 0.1 });
    const trip: RoundTrip = { symbol: 'AAA', side: 'short', entryTimeMs: 0, entryPrice: 2, exitTimeMs: 86_400_000, exitPrice: 1, qty: 5, pnl: 4.9, commission: 0.1, bars: 1 };
    expect(TradeSchema.parse(tradeDtoOf(trip))).toEqual(tradeDtoOf(trip));
    const rej: RejectionRecord = { orderId: 'O-2', strategyId: 's', symbol: 'AAA', side: 'buy', qty: 1, status: 'denied', reason: 'max notional', tsMs: 0 };
    expect(RejectedOrderSchema.parse(rejectedOrderDtoOf(rej))).toEqual({ time: '1970-01-01T00:00:00.000Z', symbol: 'AAA', side: 'buy', qty: 1, status: 'denied', reason: 'max notional' });
    const order: OrderRecord = {
      clientOrderId: 'r1-s-1', runId: 'r1', strategyId: 's', symbol: 'AAA', side: 'buy', type: 'limit', qty: 10, limitPrice: 9.5, stopPrice: null, tif: 'GTC',
      expireTimeMs: null, parentId: null, ocoGroup: null, tag: null, reduceOnly: false, status: 'accepted', filledQty: 0, avgFillPrice: 0, reason: '', lastSeq: 2,
      createdMs: 1000, updatedMs: 2000,
    };
    const o = OrderSchema.parse(orderDtoOf(order));
    expect([o.createdTime, o.updatedTime, o.expireTime]).toEqual(['1970-01-01T00:00:01.000Z', '1970-01-01T00:00:02.000Z', null]);
    const s = RunSummarySchema.parse(runSummaryOf({ id: 'r1', kind: 'paper', config: { a: 1 }, status: 'running', startedMs: 0, endedMs: null }));
    expect(s).toEqual({ id: 'r1', kind: 'paper', status: 'running', startedTime: '1970-01-01T00:00:00.000Z', endedTime: null, config: { a: 1 } });
  });
});

describe('JsonFile', () => {
  it('names the file, the line and the field of a bad value', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{\n "equity": [\n  { "time": "2024-01-01T00:00:00.000Z", "equity": 1 },\n  { "time": "2024-01-02", "equity": "x" }\n ]\n}\n');
    let error: unknown;
    try {
      JsonFile.read(path, 'a run').parse(RunReportSchema.pick({ equity: true }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toEqual({ file: path, line: 4, field: 'equity[1].equity' });
    expect((error as InputError).message).toBe(`${path}:4, field "equity[1].equity": expected number, got "x"`);
  });

  it('a time that is not ISO 8601 is named', () => {
    expect(() => parseDto(FillSchema, { time: '02/01/2024', symbol: 'A', side: 'buy', price: 1, qty: 1, commission: 0 }, 'f.json')).toThrow(
      /f\.json, field "time": expected an ISO 8601 UTC time .* got "02\/01\/2024"/,
    );
  });

  it('text that is not JSON, or a file that is not there, is an InputError naming it', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"equity": [');
    expect(() => JsonFile.read(path, 'the output of `sextant backtest --json`')).toThrow(/broken\.json(:1)?: not valid JSON .*expected the output of `sextant backtest --json`/);
    expect(() => JsonFile.read(join(dir, 'missing.json'), 'a run', 'run')).toThrow(/missing\.json, field "run": cannot read the file/);
  });
});

describe('JSON Schema (what the server\'s OpenAPI document is generated from)', () => {
  it('every schema converts, and times are date-time strings', () => {
    const schemas = Object.entries(dto).filter(([name]) => name.endsWith('Schema'));
    expect(schemas.length).toBeGreaterThanOrEqual(15);
    for (const [name, schema] of schemas) expect(() => z.toJSONSchema(schema as z.ZodType, { io: 'output' }), name).not.toThrow();
    const fill = z.toJSONSchema(FillSchema, { io: 'output' }) as { properties: Record<string, { type?: string; format?: string }>; required: string[] };
    expect(fill.properties.time).toMatchObject({ type: 'string', format: 'date-time' });
    expect(fill.required).toEqual(['time', 'symbol', 'side', 'price', 'qty', 'commission']);
  });
});
