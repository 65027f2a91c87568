// `sextant backtest --report` end to end: the tearsheet's options (--report-scale) and the price
// decimals it takes from the run's instrument (--asset fx: a 0.00001 tick, five decimals).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-tearsheet-cli-'));

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(argv, () => undefined, (s) => (err += s + '\n'));
  return { code, err };
}

/** Hourly EUR/USD-like bars with five-decimal prices (a random walk from 1.0716), weekends left out. */
function fxCsv(): string {
  const rng = new Rng(17);
  const rows = [',Open,High,Low,Close,Volume'];
  let c = 1.0716;
  for (let t = Date.UTC(2017, 3, 19, 9), n = 0; n < 1500; t += 3_600_000) {
    const day = new Date(t).getUTCDay();
    if (day === 0 || day === 6) continue;
    const o = c;
    c = Math.round(c * (1 + 0.0012 * rng.normal()) * 1e5) / 1e5;
    const hi = Math.max(o, c) + 0.00012;
    const lo = Math.min(o, c) - 0.00011;
    rows.push(`${new Date(t).toISOString().slice(0, 19).replace('T', ' ')},${o},${hi.toFixed(5)},${lo.toFixed(5)},${c},1000`);
    n++;
  }
  const p = join(dir, 'EURUSD.csv');
  writeFileSync(p, rows.join('\n') + '\n');
  return p;
}

const EQUITY_LOG = /Equity and buy and hold <span class="hint">\(log scale\)/;

describe('sextant backtest --report', () => {
  it('draws the equity on a log or a linear axis as --report-scale says', async () => {
    const html = (scale: string): string => join(dir, `scale-${scale}.html`);
    for (const scale of ['log', 'linear', 'auto']) {
      const r = await run(['backtest', '--strategy', 'sma-cross', '--data', 'synthetic:3', '--report', html(scale), '--report-scale', scale, '--quiet']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
    expect(readFileSync(html('log'), 'utf8')).toMatch(EQUITY_LOG);
    expect(readFileSync(html('linear'), 'utf8')).not.toContain('(log scale)');
    // synthetic:3 moves within 10x, so auto keeps the equity linear.
    expect(readFileSync(html('auto'), 'utf8')).not.toMatch(EQUITY_LOG);
  });

  it('refuses an unknown --report-scale, naming the flag', async () => {
    const r = await run(['backtest', '--strategy', 'sma-cross', '--data', 'synthetic:3', '--report', join(dir, 'x.html'), '--report-scale', 'sqrt', '--quiet']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('--report-scale');
  });

  it('writes FX prices with the five decimals of the 0.00001 tick', async () => {
    const json = join(dir, 'fx.json');
    const html = join(dir, 'fx.html');
    const r = await run(['backtest', '--strategy', 'sma-cross', '--data', `csv:${fxCsv()}`, '--asset', 'fx', '--json', json, '--report', html, '--quiet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { trades: { entryPrice: number; exitPrice: number }[]; fills: unknown[]; analysis: { prices: { series: { tickSize: number }[] } } };
    expect(report.analysis.prices.series[0]!.tickSize).toBe(0.00001);
    expect(report.trades.length).toBeGreaterThan(5);
    const page = readFileSync(html, 'utf8');
    report.trades.forEach((t, i) => {
      expect(page).toContain(`data-path="trades[${i}].entryPrice" data-value="${t.entryPrice}">${t.entryPrice.toFixed(5)}<`);
      expect(page).toContain(`data-path="trades[${i}].exitPrice" data-value="${t.exitPrice}">${t.exitPrice.toFixed(5)}<`);
    });
    // One marker per fill on the price chart, and intraday times with their minutes.
    expect((page.match(/<path class="mk (buy|sell)"/g) ?? []).length).toBe(report.fills.length);
    expect(page).toMatch(/data-path="trades\[0\]\.entryTime" data-value="[^"]+">\d{4}-\d{2}-\d{2} \d{2}:\d{2}</);
  });
});
