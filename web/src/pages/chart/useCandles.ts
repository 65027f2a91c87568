// The candles of what the Chart page shows: read once per ask; for a bot, each live bar of the WebSocket's
// `candles` topic is folded into the current period at once, and the last periods are re-read (at most once
// a second) so the indicator values and fills of the forming period are the server's exact ones.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ok } from '../../api/client';
import type { paths } from '../../api/schema';
import { useLive } from '../../lib/hooks';
import { mergeLive, mergeTail, type Candles, type ChartAsk } from './chart-model';

type TimeframeQuery = NonNullable<paths['/api/v1/data/candles']['get']['parameters']['query']>['timeframe'];

/** The periods re-read after live bars (the forming one and the two before it). */
const TAIL = 3;
const TAIL_EVERY_MS = 1000;

function fetchCandles(ask: ChartAsk, limit: number): Promise<Candles> {
  const query = {
    symbol: ask.symbol, timeframe: ask.timeframe as TimeframeQuery, limit,
    indicators: ask.indicators.length === 0 ? undefined : ask.indicators.join(','),
  };
  if (ask.source.kind === 'bot') return ok(api.GET('/api/v1/bots/{id}/candles', { params: { path: { id: ask.source.bot }, query } }));
  return ok(api.GET('/api/v1/data/candles', { params: { query: { ...query, source: ask.source.source } } }));
}

export interface CandleState {
  readonly data: Candles | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Live bars arrived for this chart (a bot's). */
  readonly live: boolean;
}

export function useCandles(ask: ChartAsk): CandleState {
  const key = JSON.stringify(ask);
  const [data, setData] = useState<Candles | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [live, setLive] = useState(false);
  const current = useRef<{ key: string; data: Candles } | null>(null);
  const askRef = useRef(ask);
  askRef.current = ask;
  const tail = useRef({ timer: null as ReturnType<typeof setTimeout> | null, inFlight: false, again: false, lastMs: 0 });

  const show = useCallback((k: string, d: Candles) => {
    current.current = { key: k, data: d };
    setData(d);
  }, []);

  useEffect(() => {
    let alive = true;
    setLoading(true);
    fetchCandles(askRef.current, askRef.current.limit).then((d) => {
      if (!alive) return;
      show(key, d);
      setError(null);
    }, (e: unknown) => {
      if (!alive) return;
      current.current = null;
      setData(undefined);
      setError(e);
    }).finally(() => alive && setLoading(false));
    return () => {
      alive = false;
    };
  }, [key, show]);

  useEffect(() => () => {
    if (tail.current.timer !== null) clearTimeout(tail.current.timer);
  }, []);

  // Live is a bot's state: another symbol, timeframe or indicator of the same bot stays live.
  const bot = ask.source.kind === 'bot' ? ask.source.bot : null;
  useEffect(() => setLive(false), [bot]);

  const rereadTail = useCallback(() => {
    const t = tail.current;
    if (t.timer !== null || t.inFlight) {
      t.again = true;
      return;
    }
    t.timer = setTimeout(() => {
      t.timer = null;
      t.inFlight = true;
      const a = askRef.current;
      const k = JSON.stringify(a);
      fetchCandles(a, TAIL).then((fresh) => {
        const cur = current.current;
        if (cur !== null && cur.key === k) show(k, mergeTail(cur.data, fresh, a.limit));
      }, () => undefined).finally(() => {
        t.inFlight = false;
        t.lastMs = Date.now();
        if (t.again) {
          t.again = false;
          rereadTail();
        }
      });
    }, Math.max(0, TAIL_EVERY_MS - (Date.now() - t.lastMs)));
  }, [show]);

  useLive(bot, 'candles', (m) => {
    if (m.type !== 'message') return;
    const cur = current.current;
    const b = m.data as { symbol: string; open: number; high: number; low: number; close: number; volume: number };
    if (cur === null || cur.key !== key || b.symbol !== cur.data.symbol) return;
    show(cur.key, mergeLive(cur.data, { tsMs: Date.parse(m.time), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume }, askRef.current.limit));
    setLive(true);
    rereadTail();
  });

  return { data, error, loading, live };
}
