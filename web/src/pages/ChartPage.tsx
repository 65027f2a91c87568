// Candles of a bot's symbol (live) or of a stored data set, with indicators over the price or in a lower pane
// and the bot's fills marked. What is shown lives in the address (`?bot=demo&symbol=BTC-USD&tf=1m&ind=sma:20`
// or `?source=store&symbol=AAPL&tf=1d`), so a chart can be shared and survives a reload.
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ok } from '../api/client';
import { ApiError } from '../api/problem';
import type { Bot } from '../api/types';
import { CandleChart } from '../components/CandleChart';
import { Badge, Card, ErrorNote, PageTitle } from '../components/ui';
import { useApi, useLive } from '../lib/hooks';
import { ChartControls, type ChartChange, type ChartMeta } from './chart/ChartControls';
import { ChartLegend } from './chart/ChartLegend';
import { chartCandles, DEFAULT_LIMIT, fillMarkers, indicatorLines, LIMITS, precisionOf, type ChartAsk } from './chart/chart-model';
import { useCandles } from './chart/useCandles';

/** Errors shown under their control (ChartControls); the rest above the chart. */
const CONTROL_FIELDS = new Set(['query.symbol', 'query.timeframe', 'query.indicators', 'query.limit']);

export function ChartPage() {
  const [params, setParams] = useSearchParams();
  const bots = useApi(() => ok(api.GET('/api/v1/bots')), []);
  useLive(null, 'bots', () => bots.reload());
  const stored = useApi(() => ok(api.GET('/api/v1/data/symbols')), []);

  const ask = useMemo<ChartAsk | null>(() => {
    const bot = params.get('bot');
    const source = params.get('source');
    const limit = Number(params.get('limit'));
    const common = {
      symbol: params.get('symbol') ?? undefined,
      timeframe: params.get('tf') ?? undefined,
      indicators: (params.get('ind') ?? '').split(',').filter((s) => s !== ''),
      limit: (LIMITS as readonly number[]).includes(limit) ? limit : DEFAULT_LIMIT,
    };
    if (bot !== null) return { source: { kind: 'bot', bot }, ...common };
    if (source !== null) return { source: { kind: 'data', source }, ...common };
    // Nothing named: the first bot, else the synthetic market.
    if (bots.data === undefined && bots.error === null) return null;
    const first = bots.data?.[0];
    return first === undefined ? { source: { kind: 'data', source: 'synthetic' }, ...common } : { source: { kind: 'bot', bot: first.id }, ...common };
  }, [params, bots.data, bots.error]);

  const update = (edit: (p: URLSearchParams) => void) => setParams((p) => {
    const next = new URLSearchParams(p);
    if (ask !== null && !next.has('bot') && !next.has('source')) next.set(ask.source.kind === 'bot' ? 'bot' : 'source', ask.source.kind === 'bot' ? ask.source.bot : ask.source.source);
    edit(next);
    return next;
  });
  const change: ChartChange = {
    source: (v) => update((p) => {
      for (const k of ['bot', 'source', 'symbol', 'tf']) p.delete(k);
      if (v.startsWith('bot:')) p.set('bot', v.slice(4));
      else p.set('source', v.slice(5));
    }),
    symbol: (s) => update((p) => p.set('symbol', s)),
    timeframe: (tf) => update((p) => (tf === undefined ? p.delete('tf') : p.set('tf', tf))),
    limit: (n) => update((p) => p.set('limit', String(n))),
    indicators: (list) => update((p) => (list.length === 0 ? p.delete('ind') : p.set('ind', list.join(',')))),
  };

  return (
    <>
      <PageTitle>Chart</PageTitle>
      <ErrorNote error={bots.error} />
      {ask === null ? <p className="text-sm text-slate-500">Loading…</p> : <ChartView ask={ask} bots={bots.data ?? []} stored={stored.data?.length ?? 0} change={change} />}
    </>
  );
}

function ChartView({ ask, bots, stored, change }: { ask: ChartAsk; bots: readonly Bot[]; stored: number; change: ChartChange }) {
  const { data, error, loading, live } = useCandles(ask);
  const [meta, setMeta] = useState<ChartMeta | null>(null);
  const [hoverMs, setHoverMs] = useState<number | null>(null);
  const [narrow] = useState(() => window.matchMedia('(max-width: 640px)').matches);
  if (data !== undefined && (meta === null || meta.symbol !== data.symbol || meta.timeframe !== data.timeframe || meta.symbols !== data.symbols)) {
    setMeta({ symbol: data.symbol, symbols: data.symbols, timeframe: data.timeframe, timeframes: data.timeframes, rawTimeframe: rawName(data.barMs) });
  }
  const candles = useMemo(() => (data === undefined ? [] : chartCandles(data)), [data]);
  const lines = useMemo(() => (data === undefined ? [] : indicatorLines(data)), [data]);
  const markers = useMemo(() => (data === undefined ? [] : fillMarkers(data)), [data]);
  const precision = useMemo(() => (data === undefined ? 2 : precisionOf(data.bars)), [data]);
  const bars = data?.bars ?? [];
  const at = hoverMs === null ? -1 : bars.findIndex((b) => b.tsMs === hoverMs);
  const shown = at >= 0 ? at : bars.length - 1;
  const controlError = error instanceof ApiError && error.field !== null && CONTROL_FIELDS.has(error.field);
  const isBot = ask.source.kind === 'bot';
  return (
    <div className="flex flex-col gap-4">
      <Card><ChartControls ask={ask} meta={meta} bots={bots} stored={stored} error={error} change={change} /></Card>
      {!controlError && <ErrorNote error={error} />}
      {data !== undefined && (
        <Card
          title={<ChartLegend bar={bars[shown]} previous={bars[shown - 1]} lines={lines} precision={precision} symbol={data.symbol} timeframe={data.timeframe} />}
          actions={isBot ? <span data-testid="chart-live"><Badge kind={live ? 'live' : 'connecting'}>{live ? 'live' : 'waiting for bars'}</Badge></span> : <Badge>{data.source}</Badge>}
        >
          <CandleChart
            candles={candles} lines={lines} markers={markers} precision={precision} seconds={data.timeframeMs < 60_000}
            height={narrow ? 380 : 500} label={`${data.symbol} candles, ${data.timeframe}${lines.length > 0 ? `, with ${lines.map((l) => l.name).join(', ')}` : ''}`}
            viewKey={`${data.source} ${data.symbol} ${data.timeframe}`} onHover={setHoverMs}
          />
          <p className="mt-2 text-xs text-slate-500" aria-live="off">
            {bars.length.toLocaleString('en-US')} bars{data.fills.length > 0 ? `, ${data.fills.length} fills (▲ buy, ▼ sell)` : ''}{loading ? ' · loading…' : ''}{data.note !== null ? ` · ${data.note}` : ''}
          </p>
        </Card>
      )}
      {data === undefined && loading && <p className="text-sm text-slate-500">Loading candles…</p>}
    </div>
  );
}

/** The API's name for a bar length (as `formatTimeframe` on the server). */
function rawName(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
