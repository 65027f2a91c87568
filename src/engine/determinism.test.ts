// The same inputs give byte-identical results.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toIsoDate } from '../core/time.ts';
import { FractionCommission } from '../execution/commission.ts';
import { FixedBpsSlippage } from '../execution/slippage.ts';
import { RsiStrategy } from '../strategies/builtin/rsi.ts';
import { SmaCross } from '../strategies/builtin/sma-cross.ts';
import { randomWalk } from '../../test/helpers/bars.ts';
import { ScriptStrategy } from '../../test/helpers/scenario.ts';
import { BacktestNode } from './backtest-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-determinism-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCsv(name: string, n: number, seed: number): string {
  const s = randomWalk(n, seed, { vol: 0.02 });
  const lines = ['Date,Open,High,Low,Close,Adj Close,Volume'];
  for (let i = 0; i < n; i++) lines.push([toIsoDate(s.time[i]!), s.open[i], s.high[i], s.low[i], s.close[i], s.close[i], s.volume[i]].join(','));
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** A run's JSON without the wall-clock field. */
function stable(report: { runSeconds: number }): string {
  const { runSeconds: _wall, ...rest } = report;
  return JSON.stringify(rest);
}

describe('determinism', () => {
  it('runBacktest gives byte-identical JSON for the same csv and options', async () => {
    const { runBacktest } = await import('../app/backtest.ts');
    const csv = writeCsv('X.csv', 300, 5);
    const req = { strategy: 'sma-cross', params: { fast: '5', slow: '20' }, data: [`csv:${csv}`], commission: 0.001, slippageBps: 3 };
    const a = await runBacktest(req);
    const b = await runBacktest(req);
    expect(a.fills.length).toBeGreaterThan(4);
    expect(stable(b)).toBe(stable(a));
    const c = await runBacktest({ ...req, strategy: 'rsi', params: { period: '7', lower: '35', upper: '65' } });
    const d = await runBacktest({ ...req, strategy: 'rsi', params: { period: '7', lower: '35', upper: '65' } });
    expect(stable(d)).toBe(stable(c));
  });

  it('runBacktest gives byte-identical JSON for the same synthetic seed', async () => {
    const { runBacktest } = await import('../app/backtest.ts');
    const req = { strategy: 'sma-cross', data: ['synthetic:7'], benchmark: false };
    const a = await runBacktest(req);
    const b = await runBacktest(req);
    expect(stable(b)).toBe(stable(a));
  });

  it('a multi-symbol, multi-strategy run with every order type repeats exactly', () => {
    const make = (): string => {
      const series = [randomWalk(250, 1, { symbol: 'A' }), randomWalk(250, 2, { symbol: 'B', start: 40 }), randomWalk(200, 3, { symbol: 'C', start: 7 })];
      const busy = new ScriptStrategy({}, (ctx, bar, i) => {
        const c = bar.close;
        switch (i % 7) {
          case 0:
            ctx.buy(bar.symbol, 10, { type: 'limit', limitPrice: c * 0.99 });
            break;
          case 1:
            ctx.bracket({ symbol: bar.symbol, side: 'buy', qty: 5, takeProfit: c * 1.03, stopLoss: c * 0.97 });
            break;
          case 2:
            ctx.sell(bar.symbol, 3, { type: 'trailing-stop', trailing: { kind: 'percent', value: 2 } });
            break;
          case 3:
            ctx.buy(bar.symbol, 4, { type: 'stop-limit', stopPrice: c * 1.01, limitPrice: c * 1.015, tif: 'DAY' });
            break;
          case 5:
            ctx.close(bar.symbol);
            break;
          default:
            break;
        }
      });
      const out = new BacktestNode({
        series,
        strategies: [{ strategy: new SmaCross({ fast: 4, slow: 12 }), id: 'sma' }, { strategy: new RsiStrategy({ period: 6, lower: 30, upper: 70 }), id: 'rsi' }, { strategy: busy, id: 'busy' }],
        accountType: 'margin',
        venue: { commission: new FractionCommission(0.0005), slippage: new FixedBpsSlippage(2), volumeCap: 0.001 },
        borrowRate: 0.03,
        marginRate: 0.06,
      }).run();
      const k = out.kernel;
      return JSON.stringify({
        fills: k.fills,
        rejections: k.rejections,
        trades: k.trades.closed,
        orders: k.orders.map((o) => [o.id, o.status, o.filledQty, o.avgFillPrice, o.reason]),
        equity: [...out.equity],
        equityTime: [...out.equityTime],
        exposure: [...out.exposure],
        cash: k.portfolio.cash,
      });
    };
    const first = make();
    expect(JSON.parse(first).fills.length).toBeGreaterThan(50);
    expect(make()).toBe(first);
  });
});
