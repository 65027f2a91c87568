// Alpaca's bar history as a HistorySource (src/data/history-source.ts) for `sextant data download`:
// pages of closed bars through AlpacaHistory (the SDK's Market Data API), in Alpaca's timeframe spelling.
import { ConfigError } from '../../core/errors.ts';
import type { HistoryBar, HistoryPageRequest, HistorySource } from '../../data/history-source.ts';
import { AlpacaHistory, type AlpacaHistoryOptions } from './history.ts';

/** Our timeframes in Alpaca's spelling, with their length. */
const TIMEFRAMES: Readonly<Record<string, { readonly alpaca: string; readonly ms: number }>> = {
  '1m': { alpaca: '1Min', ms: 60_000 },
  '5m': { alpaca: '5Min', ms: 300_000 },
  '15m': { alpaca: '15Min', ms: 900_000 },
  '30m': { alpaca: '30Min', ms: 1_800_000 },
  '1h': { alpaca: '1Hour', ms: 3_600_000 },
  '4h': { alpaca: '4Hour', ms: 14_400_000 },
  '1d': { alpaca: '1Day', ms: 86_400_000 },
};

const MAX_PAGE = 10_000;

export function createAlpacaHistorySource(opts: AlpacaHistoryOptions = {}): HistorySource {
  const history = new AlpacaHistory(opts);
  return {
    venue: 'alpaca',
    maxPageBars: MAX_PAGE,
    async prepare(symbol: string, timeframe: string) {
      const tf = TIMEFRAMES[timeframe];
      if (tf === undefined) throw new ConfigError(`Alpaca has no "${timeframe}" bars; use one of ${Object.keys(TIMEFRAMES).join(', ')}`, { field: '--timeframe' });
      return { symbol, timeframeMs: tf.ms };
    },
    async fetchPage(req: HistoryPageRequest): Promise<HistoryBar[]> {
      const tf = TIMEFRAMES[req.timeframe]!;
      const out: HistoryBar[] = [];
      // Windows of at most `limit` bar lengths each, so one page never asks for more than it returns; a
      // window with gaps (nights, weekends) is followed by the next until the page is full or the range ends.
      for (let from = req.fromMs; from <= req.toMs && out.length < req.limit; ) {
        const to = Math.min(req.toMs, from + (req.limit - out.length) * tf.ms - 1);
        for (const b of await history.bars(req.symbol, tf.alpaca, from, to + 1)) {
          if (b.tsMs >= from && b.tsMs <= to && out.length < req.limit) out.push({ tsMs: b.tsMs, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
        }
        from = to + 1;
      }
      return out;
    },
    async close() {},
  };
}
