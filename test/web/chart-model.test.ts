// The Chart page's live merging: a bot's 1 s bars fold into the current 5 s period (OHLCV as the server
// aggregates them), a new period starts a new candle, a re-read tail replaces its periods exactly and keeps
// newer live ones, the answer stays within its bar limit, and fills become one marker per period and side.
import { describe, expect, it } from 'vitest';
import { fillMarkers, indicatorLines, mergeLive, mergeTail, precisionOf, type Candles } from '../../web/src/pages/chart/chart-model.ts';

const S = 1000;
const bar = (tsMs: number, open: number, high: number, low: number, close: number, volume: number) => ({ tsMs, open, high, low, close, volume });
const answer = (bars: Candles['bars'], sma: (number | null)[], fills: Candles['fills'] = []): Candles => ({
  source: 'bot:demo', symbol: 'BTC-USD', symbols: ['BTC-USD'], timeframe: '5s', timeframeMs: 5 * S, barMs: S, timeframes: ['1s', '5s'],
  bars, fills, note: null,
  indicators: [{ key: 'sma:2', name: 'sma', title: 'Simple moving average', group: 'moving average', params: { period: 2 }, values: { value: sma } }],
});

describe('mergeLive', () => {
  const c = answer([bar(10 * S, 100, 101, 99, 100.5, 10), bar(15 * S, 100.5, 102, 100, 101, 20)], [null, 100.75]);

  it('folds a bar into the current period: first open kept, high and low widened, last close, volume summed', () => {
    const m = mergeLive(c, bar(17 * S, 101, 103.5, 99.5, 102.25, 7), 500);
    expect(m.bars).toEqual([c.bars[0], bar(15 * S, 100.5, 103.5, 99.5, 102.25, 27)]);
    expect(m.indicators[0]!.values.value).toEqual([null, 100.75]);
  });

  it('starts a new period labelled with its start, the indicators null there until re-read; an older bar changes nothing', () => {
    const m = mergeLive(c, bar(21 * S, 101, 101.5, 100.75, 101.25, 4), 500);
    expect(m.bars[2]).toEqual(bar(20 * S, 101, 101.5, 100.75, 101.25, 4));
    expect(m.indicators[0]!.values.value).toEqual([null, 100.75, null]);
    expect(mergeLive(c, bar(9 * S, 1, 1, 1, 1, 1), 500)).toBe(c);
  });

  it('keeps at most `limit` periods, dropping the oldest with their values and fills', () => {
    const withFill = answer(c.bars, [null, 100.75], [{ tsMs: 11 * S, side: 'buy', price: 100, qty: 1, strategyId: 's', orderId: 'o1' }, { tsMs: 16 * S, side: 'sell', price: 101, qty: 1, strategyId: 's', orderId: 'o2' }]);
    const m = mergeLive(withFill, bar(20 * S, 101, 101, 101, 101, 1), 2);
    expect(m.bars.map((b) => b.tsMs)).toEqual([15 * S, 20 * S]);
    expect(m.indicators[0]!.values.value).toEqual([100.75, null]);
    expect(m.fills.map((f) => f.orderId)).toEqual(['o2']);
  });
});

describe('mergeTail', () => {
  it('replaces the periods the tail holds with its exact bars, values and fills, and keeps newer live periods', () => {
    const c = answer([bar(10 * S, 100, 101, 99, 100.5, 10), bar(15 * S, 100.5, 102, 100, 101, 20), bar(20 * S, 101, 101, 101, 101, 3), bar(25 * S, 102, 102, 102, 102, 1)], [null, 100.75, null, null], [{ tsMs: 12 * S, side: 'buy', price: 100, qty: 1, strategyId: 's', orderId: 'o1' }]);
    // Read before the 25 s bar arrived.
    const tail = answer([bar(15 * S, 100.5, 102, 100, 101, 20), bar(20 * S, 101, 101.5, 100.5, 101.25, 9)], [100.75, 101.125], [{ tsMs: 21 * S, side: 'sell', price: 101.2, qty: 1, strategyId: 's', orderId: 'o3' }]);
    const m = mergeTail(c, tail, 500);
    expect(m.bars).toEqual([c.bars[0], tail.bars[0], tail.bars[1], c.bars[3]]);
    expect(m.indicators[0]!.values.value).toEqual([null, 100.75, 101.125, null]);
    expect(m.fills.map((f) => f.orderId)).toEqual(['o1', 'o3']);
    // Another symbol's or timeframe's tail (the user switched meanwhile) is not merged.
    expect(mergeTail(c, { ...tail, symbol: 'ETH-USD' }, 500)).toBe(c);
  });
});

describe('what is drawn', () => {
  it('gives bands one line per output, fills one marker per period and side, prices their decimals', () => {
    const c = answer([bar(10 * S, 100.125, 101, 99, 100.5, 10), bar(15 * S, 100.5, 102, 100, 101, 20)], [null, 100.75], [
      { tsMs: 11 * S, side: 'buy', price: 100, qty: 1, strategyId: 's', orderId: 'o1' },
      { tsMs: 12 * S, side: 'buy', price: 100, qty: 1, strategyId: 's', orderId: 'o1' },
      { tsMs: 13 * S, side: 'sell', price: 100, qty: 1, strategyId: 's', orderId: 'o2' },
    ]);
    c.indicators.push({ key: 'bollinger:2:2', name: 'bollinger', title: 'Bollinger Bands', group: 'volatility', params: {}, values: { upper: [null, 102], middle: [null, 100.75], lower: [null, 99.5] } });
    c.indicators.push({ key: 'rsi:2', name: 'rsi', title: 'RSI', group: 'momentum', params: {}, values: { value: [null, 60] } });
    const lines = indicatorLines(c);
    expect(lines.map((l) => [l.name, l.pane, l.points.length])).toEqual([['sma:2', 0, 1], ['bollinger:2:2 upper', 0, 1], ['bollinger:2:2 middle', 0, 1], ['bollinger:2:2 lower', 0, 1], ['rsi:2', 1, 1]]);
    expect(lines[0]!.points).toEqual([{ timeMs: 15 * S, value: 100.75 }]);
    expect(fillMarkers(c)).toEqual([{ timeMs: 10 * S, side: 'buy', text: 'B2' }, { timeMs: 10 * S, side: 'sell', text: 'S' }]);
    expect(precisionOf(c.bars)).toBe(3);
  });
});
