// `sextant data download`: a venue's bar history into the Parquet warehouse (docs/venues/market-data.md).
// Incremental: only bars after what the warehouse holds for the symbol are fetched (and any before it when
// --from is earlier). Resumable: fetched bars are stored every few seconds (each write atomic, merged by
// time), so a killed download continues from its last stored bar and never stores a bar twice. Only
// closed bars are stored. Everything the user typed is checked before the first network call.
import { existsSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { MS_PER_DAY, toIso } from '../core/time.ts';
import { BarSeries } from '../model/bar.ts';
import type { HistoryBar, HistorySource } from '../data/history-source.ts';
import { inferTimeframeMs } from '../data/timeframe.ts';
import { createCcxtHistorySource } from '../brokers/ccxt/history.ts';
import { createAlpacaHistorySource } from '../brokers/alpaca/history-source.ts';
import { checkExchangeId } from '../brokers/ccxt/market-exchange.ts';
import { Warehouse, barsFile, normalizeSymbol } from '../store/warehouse/index.ts';
import { parseDateFlag } from './market-data.ts';
import { warehouseDir, type WarehouseOptions } from './warehouse.ts';

/** Bar lengths `data download` takes (ccxt spelling). */
export const DOWNLOAD_TIMEFRAMES: Readonly<Record<string, number>> = { '1m': 60_000, '1h': 3_600_000, '1d': MS_PER_DAY };

/** A bar is taken as closed this long after its period ended. */
const CLOSE_GRACE_MS = 5_000;

export type VenueSpec =
  | { readonly kind: 'ccxt'; readonly exchangeId: string; readonly venue: string }
  | { readonly kind: 'yahoo' | 'alpaca' | 'ib'; readonly venue: string };

/** `binance`, `ccxt:<id>`, `yahoo`, `alpaca` (ConfigError naming --venue otherwise). */
export function parseVenue(text: string): VenueSpec {
  const t = text.trim().toLowerCase();
  if (t === 'binance') return { kind: 'ccxt', exchangeId: 'binance', venue: 'binance' };
  if (t === 'yahoo' || t === 'alpaca' || t === 'ib') return { kind: t, venue: t };
  const m = /^ccxt:([a-z0-9]+)$/.exec(t);
  if (m !== null) {
    checkExchangeId(m[1]!);
    return { kind: 'ccxt', exchangeId: m[1]!, venue: t };
  }
  throw new ConfigError(`unknown venue "${text}": use binance, ccxt:<exchange id> (ccxt:kraken, ccxt:coinbase, ...), yahoo, alpaca or ib`, { field: '--venue' });
}

export interface DownloadRequest extends WarehouseOptions {
  readonly venue: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** YYYY-MM-DD or an ISO time (UTC). */
  readonly from: string;
  /** Inclusive; a day means up to its end. Default now. */
  readonly to?: string;
  /** Store under this symbol; default the venue's symbol (BTC/USDT). */
  readonly as?: string;
  /** A compatible server instead of the venue's (http://127.0.0.1:8080). */
  readonly baseUrl?: string;
  /** `--venue ib`: where TWS / IB Gateway listens, and the API client id the download connects as. */
  readonly ib?: { readonly host: string; readonly port: number; readonly clientId: number };
  readonly apiKey?: string;
  readonly secret?: string;
  readonly onProgress?: (p: DownloadProgress) => void;
  /** Told when a request is retried. */
  readonly onRetry?: (reason: string, attempt: number, waitMs: number) => void;
  /** Clock (tests). */
  readonly nowMs?: number;
  /** A history source to use instead of the venue's own (other venues, tests). */
  readonly source?: HistorySource;
  /** Store what was fetched at least this often (ms, default 2000) or every this many bars (default 50 000). */
  readonly flushEveryMs?: number;
  readonly flushBars?: number;
}

export interface DownloadProgress {
  readonly symbol: string;
  readonly fetched: number;
  readonly stored: number;
  /** Open time of the newest bar fetched. */
  readonly lastMs: number;
  /** Done share of the time span to fetch, 0..1. */
  readonly fraction: number;
}

export interface DownloadSummary {
  readonly venue: string;
  readonly symbol: string;
  readonly storedAs: string;
  readonly timeframe: string;
  readonly from: string;
  readonly to: string;
  /** Bars fetched and written now (none when already up to date). */
  readonly fetched: number;
  /** Rows the venue sent without prices and were left out (Yahoo's null candles for holidays and halts). */
  readonly skipped: number;
  readonly requests: number;
  /** Bars the warehouse held for the symbol before and after. */
  readonly before: number;
  readonly after: number;
  readonly first: string | null;
  readonly last: string | null;
  readonly file: string | null;
}

interface Checked {
  readonly spec: VenueSpec;
  readonly fromMs: number;
  readonly toMs: number;
  readonly tfMs: number;
}

/** Every check that needs no network: venue, timeframe, dates, the target symbol's name. */
export function checkDownloadRequest(req: DownloadRequest): Checked {
  const spec = parseVenue(req.venue);
  const tfMs = DOWNLOAD_TIMEFRAMES[req.timeframe];
  if (tfMs === undefined) throw new ConfigError(`timeframe "${req.timeframe}" is not one of ${Object.keys(DOWNLOAD_TIMEFRAMES).join(', ')}`, { field: '--timeframe' });
  if (req.symbol.trim() === '') throw new ConfigError('the symbol is empty', { field: '--symbol' });
  normalizeSymbol(req.as ?? req.symbol, req.as === undefined ? '--symbol' : '--as');
  const now = req.nowMs ?? Date.now();
  const fromMs = parseDateFlag(req.from, '--from')!;
  const toGiven = parseDateFlag(req.to, '--to');
  const toMs = toGiven === undefined ? now : /^\d{4}-\d{2}-\d{2}$/.test(req.to!) ? toGiven + MS_PER_DAY - 1 : toGiven;
  if (fromMs > now) throw new ConfigError(`--from ${req.from} is in the future`, { field: '--from' });
  if (fromMs > toMs) throw new ConfigError(`--from ${req.from} is after --to ${req.to}`, { field: '--from' });
  if (spec.kind === 'ib' && req.ib === undefined && req.source === undefined) throw new ConfigError('--venue ib needs --ib-port (and --ib-host, --ib-client-id): the TWS or IB Gateway API port', { field: '--ib-port' });
  if (req.baseUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(req.baseUrl)) throw new ConfigError(`"${req.baseUrl}" is not an http(s) url`, { field: '--base-url' });
  return { spec, fromMs, toMs, tfMs };
}

async function sourceFor(req: DownloadRequest, spec: VenueSpec): Promise<HistorySource> {
  if (req.source !== undefined) return req.source;
  if (spec.kind === 'yahoo') {
    // Loaded here: only a Yahoo download loads yahoo-finance2.
    const { createYahooHistorySource } = await import('../brokers/yahoo/history-source.ts');
    return createYahooHistorySource({ ...(req.baseUrl !== undefined && { baseUrl: req.baseUrl }), ...(req.onRetry !== undefined && { onRetry: req.onRetry }) });
  }
  if (spec.kind === 'alpaca') return createAlpacaHistorySource({ ...(req.baseUrl !== undefined && { dataUrl: req.baseUrl }), ...(req.apiKey !== undefined && req.secret !== undefined && { keyId: req.apiKey, secretKey: req.secret }) });
  if (spec.kind === 'ib') {
    const { createIbHistorySource } = await import('../brokers/ib/history-source.ts');
    // Market data connects as client id + 1 (as `--feed ib` does), so a live run's order link on the same TWS is not disturbed.
    return createIbHistorySource({ host: req.ib!.host, port: req.ib!.port, clientId: req.ib!.clientId + 1, ...(req.onRetry !== undefined && { onRetry: req.onRetry }) });
  }
  if (spec.kind !== 'ccxt') throw new ConfigError(`no history source for ${spec.venue}`, { field: '--venue' });
  return createCcxtHistorySource({
    exchangeId: spec.exchangeId, venue: spec.venue, baseUrl: req.baseUrl, apiKey: req.apiKey, secret: req.secret, onRetry: req.onRetry,
  });
}

/** Downloads, pages and stores; see the file comment. */
export async function downloadHistory(req: DownloadRequest): Promise<DownloadSummary> {
  const { spec, fromMs, toMs, tfMs } = checkDownloadRequest(req);
  const nowMs = req.nowMs ?? Date.now();
  // The last bar whose period has ended, with a margin for a clock ahead of the venue's (no still-forming bar is stored).
  const endMs = Math.min(toMs, nowMs - tfMs - CLOSE_GRACE_MS);
  const source = await sourceFor(req, spec);
  const dir = warehouseDir(req);
  let w: Warehouse | undefined;
  try {
    const { symbol, timeframeMs } = await source.prepare(req.symbol.trim(), req.timeframe);
    if (timeframeMs !== tfMs) throw new ConfigError(`${source.venue} says ${req.timeframe} is ${timeframeMs} ms`, { field: '--timeframe' });
    const storedAs = normalizeSymbol(req.as ?? symbol, req.as === undefined ? '--symbol' : '--as');
    w = await Warehouse.open(dir);
    const stored = existsSync(barsFile(dir, storedAs)) ? await w.readBars(storedAs) : undefined;
    const before = stored?.length ?? 0;
    if (stored !== undefined && stored.length > 1) {
      const have = inferTimeframeMs(stored.time, stored.length);
      if (have !== tfMs) {
        throw new ConfigError(`the warehouse holds ${storedAs} as ${describeMs(have)} bars, not ${req.timeframe}; store these under another name with --as`, { field: '--timeframe' });
      }
    }
    // What to fetch: before the first stored bar (when --from is earlier) and after the last.
    const ranges: [number, number][] = [];
    if (stored === undefined || stored.length === 0) ranges.push([fromMs, endMs]);
    else {
      const first = stored.time[0]!;
      const last = stored.time[stored.length - 1]!;
      if (fromMs < first) ranges.push([fromMs, Math.min(endMs, first - tfMs)]);
      ranges.push([Math.max(fromMs, last + tfMs), endMs]);
    }
    const todo = ranges.filter(([a, b]) => a <= b);
    const span = todo.reduce((s, [a, b]) => s + (b - a + tfMs), 0);
    let fetched = 0;
    let storedNow = 0;
    let requests = 0;
    let doneSpan = 0;
    let after = before;
    for (const [a, b] of todo) {
      // The range before stored data is written once at its end: a partial write would leave a hole the
      // next run could not see. The range after it is written as it comes (resumable).
      const forward = stored === undefined || stored.length === 0 || a > stored.time[stored.length - 1]!;
      const buf: HistoryBar[] = [];
      let lastFlush = Date.now();
      const flush = async (): Promise<void> => {
        if (buf.length === 0) return;
        const r = await w!.importBars(toSeries(storedAs, tfMs, buf), 'merge');
        storedNow += buf.length;
        after = r.after;
        buf.length = 0;
        lastFlush = Date.now();
      };
      let cursor = a;
      while (cursor <= b) {
        const page = await source.fetchPage({ symbol, timeframe: req.timeframe, fromMs: cursor, toMs: b, limit: source.maxPageBars });
        requests++;
        const fresh = page.filter((x) => x.tsMs >= cursor && x.tsMs <= b);
        if (fresh.length === 0) break;
        for (const x of fresh) buf.push(x);
        fetched += fresh.length;
        const lastMs = fresh[fresh.length - 1]!.tsMs;
        cursor = lastMs + tfMs;
        if (forward && (buf.length >= (req.flushBars ?? 50_000) || Date.now() - lastFlush >= (req.flushEveryMs ?? 2_000))) await flush();
        req.onProgress?.({ symbol, fetched, stored: storedNow, lastMs, fraction: span > 0 ? Math.min(1, (doneSpan + (cursor - a)) / span) : 1 });
      }
      await flush();
      doneSpan += b - a + tfMs;
    }
    const summary = after > 0 ? (await w.listBars()).find((s) => s.symbol === storedAs) : undefined;
    return {
      venue: source.venue, symbol, storedAs, timeframe: req.timeframe, from: toIso(fromMs), to: toIso(toMs), fetched, skipped: source.skipped ?? 0, requests, before, after: summary?.bars ?? after,
      first: summary ? toIso(summary.firstMs) : null,
      last: summary ? toIso(summary.lastMs) : null,
      file: summary ? barsFile(dir, storedAs) : null,
    };
  } finally {
    w?.close();
    await source.close();
  }
}

function toSeries(symbol: string, tfMs: number, bars: readonly HistoryBar[]): BarSeries {
  const n = bars.length;
  const cols = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  bars.forEach((b, i) => {
    cols.time[i] = b.tsMs;
    cols.open[i] = b.open;
    cols.high[i] = b.high;
    cols.low[i] = b.low;
    cols.close[i] = b.close;
    cols.volume[i] = b.volume;
  });
  return new BarSeries(symbol, n, tfMs, cols);
}

function describeMs(ms: number): string {
  const name = Object.entries(DOWNLOAD_TIMEFRAMES).find(([, v]) => v === ms)?.[0];
  return name ?? `${ms / 60_000}-minute`;
}
