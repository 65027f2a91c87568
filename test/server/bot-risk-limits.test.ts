// The usage of a bot's limits that only a running bot can measure (working orders against maxOpenOrders, the
// equity breakers' own loss-from-day-start and fall-from-peak), and a bad limit named by its field in the
// request (the dashboard shows the message next to that input).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equityBreakerLines } from '../../src/app/bots/bot-risk-report.ts';
import { DailyLossBreaker, DrawdownBreaker } from '../../src/risk/breakers/index.ts';
import { startApiServer, TRADING_BOT, waitFor, type ApiServer } from '../helpers/api-server.ts';

describe('equityBreakerLines', () => {
  it("measures the day's loss and the fall from the peak as the breakers see them", () => {
    const day = new DailyLossBreaker({ maxLossPct: 3 });
    const dd = new DrawdownBreaker({ maxDrawdownPct: 10 });
    const t0 = Date.UTC(2026, 0, 5, 9);
    for (const [i, eq] of [100_000, 104_000, 99_000].entries()) {
      day.onEquity(t0 + i * 1000, eq);
      dd.onEquity(t0 + i * 1000, eq);
    }
    const lines = equityBreakerLines([day, dd], 98_000);
    expect(lines[0]).toMatchObject({ name: 'daily-loss', max: 3, breached: false });
    expect(lines[0]!.value).toBeCloseTo(2, 10);
    expect(lines[0]!.usage).toBeCloseTo(2 / 3, 10);
    expect(lines[1]).toMatchObject({ name: 'max-drawdown', max: 10, breached: false });
    expect(lines[1]!.value).toBeCloseTo((6_000 / 104_000) * 100, 10);
    // Above the day's start and at a new peak: nothing used.
    expect(equityBreakerLines([day, dd], 110_000).map((l) => l.value)).toEqual([0, 0]);
    // Past the threshold: breached.
    expect(equityBreakerLines([day], 96_000)[0]).toMatchObject({ breached: true });
    // Before any equity a breaker has no baseline: no line.
    expect(equityBreakerLines([new DrawdownBreaker({ maxDrawdownPct: 5 })], 1)).toEqual([]);
  });
});

describe('GET /api/v1/bots/{id}/risk/report limits of a running bot', () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  }, 60_000);

  it('gives open orders and equity breakers against their limits; a bad limit names its field', async () => {
    const token = api.tokens.trade;
    const risk = { checks: { maxOpenOrders: 7 }, breakers: { dailyLoss: { maxLossPct: 4 }, maxDrawdown: { maxDrawdownPct: 12 } } };
    const created = await api.call('POST', '/api/v1/bots', { token, body: { ...TRADING_BOT, name: 'limits', risk } });
    expect(created.status, created.text).toBe(201);
    expect((await api.call('POST', '/api/v1/bots/limits/start', { token })).status).toBe(200);
    type Line = { name: string; value: number; max: number | null; usage: number | null; breached: boolean };
    type Report = { limits: { openOrders: Line | null; breakers: Line[] } };
    const report = await waitFor('a risk report', async () => {
      const r = await api.call('GET', '/api/v1/bots/limits/risk/report', { token: api.tokens.read });
      return r.status === 200 ? (r.json as Report) : null;
    });
    const open = report.limits.openOrders!;
    expect(open).toMatchObject({ name: 'open orders', max: 7 });
    expect(Number.isInteger(open.value) && open.value >= 0).toBe(true);
    expect(open.usage).toBeCloseTo(open.value / 7, 12);
    expect(report.limits.breakers.map((l) => [l.name, l.max])).toEqual([['daily-loss', 4], ['max-drawdown', 12]]);
    for (const l of report.limits.breakers) {
      expect(l.value).toBeGreaterThanOrEqual(0);
      expect(l.usage).toBeCloseTo(l.value / l.max!, 12);
    }

    const bad = await api.call('PUT', '/api/v1/bots/limits/risk', { token, body: { risk: { checks: { maxPositionPct: -5 } } } });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.json).toMatchObject({ field: 'body.risk.checks.maxPositionPct', message: expect.stringMatching(/too small/i) });
    const badBreaker = await api.call('PUT', '/api/v1/bots/limits/risk', { token, body: { risk: { breakers: { maxDrawdown: { maxDrawdownPct: 0 } } } } });
    expect(badBreaker.json).toMatchObject({ status: 400, field: 'body.risk.breakers.maxDrawdown.maxDrawdownPct' });

    // Stopped: what only the running node measures is gone, the book's limits stay.
    expect((await api.call('POST', '/api/v1/bots/limits/stop', { token })).status).toBe(200);
    const after = await api.call('GET', '/api/v1/bots/limits/risk/report', { token: api.tokens.read });
    expect(after.json).toMatchObject({ limits: { openOrders: null, breakers: [], grossLeverage: { name: 'gross' } } });
  }, 60_000);
});
