// The boundary checks of market data (src/brokers/ccxt/market-parse.ts): Binance stream frames, raw or in a
// combined stream's wrapper, and ccxt OHLCV rows; whatever comes in, the answer is a typed message or an
// InputError naming the field, never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { parseBinanceFrame, parseBinanceFrameWithZod, parseOhlcvRows } from '../../src/brokers/ccxt/market-parse.ts';

// Binance's documented examples (binance-spot-api-docs, web-socket-streams.md).
const KLINE = {
  e: 'kline', E: 1672515782136, s: 'BNBBTC',
  k: { t: 1672515780000, T: 1672515839999, s: 'BNBBTC', i: '1m', f: 100, L: 200, o: '0.0010', c: '0.0020', h: '0.0025', l: '0.0015', v: '1000', n: 100, x: false, q: '1.0000', V: '500', Q: '0.500', B: '123456' },
};
const TRADE = { e: 'trade', E: 1672515782136, s: 'BNBBTC', t: 12345, p: '0.001', q: '100', T: 1672515782136, m: true, M: true };
const BOOK = { u: 400900217, s: 'BNBUSDT', b: '25.35190000', B: '31.21000000', a: '25.36520000', A: '40.66000000' };

describe('parseBinanceFrame', () => {
  it("reads Binance's documented kline, trade and bookTicker payloads, raw or wrapped by a combined stream", () => {
    const k = { kind: 'kline', id: 'BNBBTC', interval: '1m', openMs: 1672515780000, open: 0.001, high: 0.0025, low: 0.0015, close: 0.002, volume: 1000, closed: false };
    expect(parseBinanceFrame(KLINE)).toEqual(k);
    expect(parseBinanceFrame({ stream: 'bnbbtc@kline_1m', data: KLINE })).toEqual(k);
    expect(parseBinanceFrame(TRADE)).toEqual({ kind: 'trade', id: 'BNBBTC', tradeId: '12345', price: 0.001, size: 100, tsMs: 1672515782136, buyerIsMaker: true });
    expect(parseBinanceFrame(BOOK)).toEqual({ kind: 'bookTicker', id: 'BNBUSDT', bid: 25.3519, bidSize: 31.21, ask: 25.3652, askSize: 40.66 });
    expect(parseBinanceFrame({ result: null, id: 1 })).toEqual({ kind: 'other' });
    expect(parseBinanceFrame({ e: '24hrTicker', s: 'BNBBTC' })).toEqual({ kind: 'other' });
  });

  it.each([
    [{ ...KLINE, k: { ...KLINE.k, o: 'NaN' } }, 'k.o'],
    [{ ...KLINE, k: { ...KLINE.k, v: '-1' } }, 'k.v'],
    [{ ...KLINE, k: { ...KLINE.k, x: 'true' } }, 'k.x'],
    [{ ...KLINE, k: { ...KLINE.k, t: 1.5 } }, 'k.t'],
    [{ ...KLINE, k: undefined }, 'k'],
    [{ ...TRADE, p: '0' }, 'p'],
    [{ ...TRADE, m: undefined }, 'm'],
    [{ ...BOOK, A: '1e5' }, 'A'],
    [{ stream: 'bnbbtc@trade', data: { ...TRADE, T: -1 } }, 'T'],
  ])('rejects %j naming field %s', (frame, field) => {
    expect(() => parseBinanceFrame(frame)).toThrow(InputError);
    expect(() => parseBinanceFrame(frame)).toThrow(`field "${field}"`);
  });

  it('answers any JSON value with a message or an InputError, nothing else', () => {
    const mutate = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.string());
    const frames = fc.oneof(
      fc.jsonValue(),
      fc.tuple(fc.constantFrom('o', 'h', 'l', 'c', 'v', 't', 'x', 'i', 's'), mutate).map(([f, v]) => ({ ...KLINE, k: { ...KLINE.k, [f]: v } })),
      fc.tuple(fc.constantFrom('p', 'q', 'T', 't', 'm', 's', 'e'), mutate).map(([f, v]) => ({ ...TRADE, [f]: v })),
      fc.tuple(fc.constantFrom('b', 'B', 'a', 'A', 'u', 's'), mutate).map(([f, v]) => ({ ...BOOK, [f]: v })),
    );
    fc.assert(fc.property(frames, (f) => {
      try {
        const m = parseBinanceFrame(f);
        if (m.kind === 'kline') expect(Number.isFinite(m.close) && m.high >= m.low).toBe(true);
        if (m.kind === 'trade') expect(m.price > 0 && m.size > 0).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
      }
    }), { numRuns: 2000 });
  });

  it('reads every frame as zod alone does: the same message, or the same InputError', () => {
    const outcome = (parse: (m: unknown) => unknown, f: unknown): unknown => {
      try {
        return { ok: parse(f) };
      } catch (e) {
        return { error: e instanceof InputError ? e.message : `not an InputError: ${String(e)}` };
      }
    };
    const value = fc.oneof(
      fc.jsonValue(), fc.constant(undefined), fc.string(), fc.integer(), fc.double(), fc.boolean(),
      fc.constantFrom('0', '-1', '1e5', '0.5', '00.10', '1.', '.5', 'Infinity', '9'.repeat(400), 2 ** 60, -0, 1.5),
      fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => String(x)),
    );
    const frames = fc.oneof(
      fc.array(fc.tuple(fc.constantFrom('o', 'h', 'l', 'c', 'v', 't', 'T', 'x', 'i', 's'), value), { maxLength: 3 })
        .map((edits) => ({ ...KLINE, k: { ...KLINE.k, ...Object.fromEntries(edits) } })),
      fc.tuple(fc.constantFrom('E', 's', 'k', 'e'), value).map(([f, v]) => ({ ...KLINE, [f]: v })),
      fc.array(fc.tuple(fc.constantFrom('p', 'q', 'T', 't', 'm', 's', 'E'), value), { maxLength: 3 }).map((edits) => ({ ...TRADE, ...Object.fromEntries(edits) })),
      fc.array(fc.tuple(fc.constantFrom('b', 'B', 'a', 'A', 'u', 's'), value), { maxLength: 3 }).map((edits) => ({ ...BOOK, ...Object.fromEntries(edits) })),
    ).chain((f) => fc.boolean().map((wrap) => (wrap ? { stream: 'x@y', data: f } : f)));
    fc.assert(fc.property(frames, (f) => {
      expect(outcome(parseBinanceFrame, f)).toEqual(outcome(parseBinanceFrameWithZod, f));
    }), { numRuns: 5000 });
    // The documented frames and the fake venue's own (prices on a cent grid) read alike.
    for (const f of [KLINE, { ...KLINE, k: { ...KLINE.k, x: true } }, TRADE, BOOK]) expect(parseBinanceFrame(f)).toEqual(parseBinanceFrameWithZod(f));
  });
});

describe('parseOhlcvRows', () => {
  it('passes good candles and names the field of a bad one', () => {
    const good = [[1000, 1, 2, 0.5, 1.5, 10], [2000, 1.5, 2, 1, 1.8, 0]];
    expect(parseOhlcvRows(good, 'x')).toEqual(good);
    expect(() => parseOhlcvRows([[1000, 1, 2, 0.5, null, 10]], 'binance fetchOHLCV')).toThrow('field "close": bad binance fetchOHLCV: candle 0');
    expect(() => parseOhlcvRows([[1000, 1, 0.4, 0.5, 0.45, 10]], 'x')).toThrow('field "high"');
    expect(() => parseOhlcvRows([[1000, 1, 2, 0.5, 1.5, -1]], 'x')).toThrow('field "volume"');
    expect(() => parseOhlcvRows([good[1], good[0]], 'x')).toThrow('field "time": bad x: candle 1: time 1000 is not after the previous one');
    expect(() => parseOhlcvRows({ rows: [] }, 'x')).toThrow('expected a list of candles');
  });
});
