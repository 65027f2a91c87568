import { describe, expect, it } from 'vitest';
import { toIso } from '../core/time.ts';
import { generateMarket } from '../data/synthetic.ts';
import { classifyRegimes, REGIME_NAMES } from '../ml/regime/index.ts';
import { runBacktest } from './backtest.ts';
import { renderBacktestReport } from './report.ts';

const report = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:7'] });
const first = generateMarket({ seed: 7 }).series[0]!;
const regimes = report.analysis!.regimes!;

describe('a backtest report carries the market-regime timeline of its first symbol', () => {
  it('labels every bar of the first symbol with the rule-based classifier, as segments that cover the bars after warm-up', () => {
    expect(regimes.symbol).toBe(first.symbol);
    expect(regimes.names).toEqual([...REGIME_NAMES]);
    // Rebuilt bar by bar from the segments, the labels are the classifier's own.
    const { labels } = classifyRegimes(first);
    const warmup = labels.findIndex((l) => l >= 0);
    expect(warmup).toBeGreaterThan(50);
    expect(regimes.segments[0]!.from).toBe(toIso(first.time[warmup]!));
    let i = warmup;
    for (const s of regimes.segments) {
      expect(s.from).toBe(toIso(first.time[i]!));
      for (let k = 0; k < s.bars; k++) expect(REGIME_NAMES[labels[i + k]!]).toBe(s.regime);
      i += s.bars;
      expect(s.to).toBe(i < first.length ? toIso(first.time[i]!) : toIso(first.time[first.length - 1]! + first.timeframeMs));
    }
    expect(i).toBe(first.length);
    // Neighbouring segments differ, and a synthetic decade visits bull, bear and sideways markets.
    for (let k = 1; k < regimes.segments.length; k++) expect(regimes.segments[k]!.regime).not.toBe(regimes.segments[k - 1]!.regime);
    const seen = new Set(regimes.segments.map((s) => s.regime.split('_')[0]));
    expect(seen).toEqual(new Set(['bull', 'bear', 'sideways', 'crisis']));
  });

  it('draws them in the tearsheet under the equity chart', () => {
    const html = renderBacktestReport(report);
    const band = /<svg id="chart-regimes"[\s\S]*?<\/svg>/.exec(html)![0];
    const shown = [...band.matchAll(/data-path="analysis\.regimes\.segments\[(\d+)\]\.regime" data-value="([^"]+)"/g)];
    // A decade of daily bars has fewer segments than the band has pixel columns: one rectangle each.
    expect(shown.map((m) => Number(m[1]))).toEqual(regimes.segments.map((_, k) => k));
    expect(shown.map((m) => m[2])).toEqual(regimes.segments.map((s) => s.regime));
  });
});
