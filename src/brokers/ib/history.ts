// Bar history from TWS / IB Gateway (reqHistoricalData), for a feed's warm-up and gap fill and for
// `sextant data download --venue ib`. IB caps how long a window one request may cover for each bar size
// ("duration" / "step size" table of the TWS API docs) and paces requests (at most 60 in 10 minutes), so a
// range is fetched as a series of windows of the largest allowed duration, each request waiting for a slot
// in the pacing window; a "pacing violation" (code 162) waits and asks again. Bars come with formatDate=2
// (epoch seconds; daily bars as yyyyMMdd) and are checked in ./market-parse.ts.
import type { IBApi } from '@stoqey/ib';
import { ConfigError, InputError, RetryableVenueError } from '../../core/errors.ts';
import type { HistoryBar } from '../../data/history-source.ts';
import { parseHistoricalBar } from './market-parse.ts';
import type { IbSymbols } from './symbols.ts';

/** Bar lengths IB serves, by Sextant timeframe: IB's bar size and the longest window one request may cover. */
export const IB_BAR_SIZES: Readonly<Record<string, { readonly barSize: string; readonly ms: number; readonly duration: string; readonly durationMs: number }>> = {
  '5s': { barSize: '5 secs', ms: 5_000, duration: '3600 S', durationMs: 3_600_000 },
  '10s': { barSize: '10 secs', ms: 10_000, duration: '14400 S', durationMs: 14_400_000 },
  '15s': { barSize: '15 secs', ms: 15_000, duration: '14400 S', durationMs: 14_400_000 },
  '30s': { barSize: '30 secs', ms: 30_000, duration: '28800 S', durationMs: 28_800_000 },
  '1m': { barSize: '1 min', ms: 60_000, duration: '1 D', durationMs: 86_400_000 },
  '2m': { barSize: '2 mins', ms: 120_000, duration: '2 D', durationMs: 2 * 86_400_000 },
  '3m': { barSize: '3 mins', ms: 180_000, duration: '1 W', durationMs: 7 * 86_400_000 },
  '5m': { barSize: '5 mins', ms: 300_000, duration: '1 W', durationMs: 7 * 86_400_000 },
  '10m': { barSize: '10 mins', ms: 600_000, duration: '1 W', durationMs: 7 * 86_400_000 },
  '15m': { barSize: '15 mins', ms: 900_000, duration: '1 W', durationMs: 7 * 86_400_000 },
  '20m': { barSize: '20 mins', ms: 1_200_000, duration: '1 W', durationMs: 7 * 86_400_000 },
  '30m': { barSize: '30 mins', ms: 1_800_000, duration: '1 M', durationMs: 30 * 86_400_000 },
  '1h': { barSize: '1 hour', ms: 3_600_000, duration: '1 M', durationMs: 30 * 86_400_000 },
  '2h': { barSize: '2 hours', ms: 7_200_000, duration: '1 M', durationMs: 30 * 86_400_000 },
  '3h': { barSize: '3 hours', ms: 10_800_000, duration: '1 M', durationMs: 30 * 86_400_000 },
  '4h': { barSize: '4 hours', ms: 14_400_000, duration: '1 M', durationMs: 30 * 86_400_000 },
  '8h': { barSize: '8 hours', ms: 28_800_000, duration: '1 M', durationMs: 30 * 86_400_000 },
  '1d': { barSize: '1 day', ms: 86_400_000, duration: '1 Y', durationMs: 365 * 86_400_000 },
};

export function ibBarSize(timeframe: string): (typeof IB_BAR_SIZES)[string] {
  const b = IB_BAR_SIZES[timeframe];
  if (b === undefined) throw new ConfigError(`IB has no "${timeframe}" bars; use one of ${Object.keys(IB_BAR_SIZES).join(', ')}`, { field: '--timeframe' });
  return b;
}

/** What IB shows for a contract: trades for stocks and futures, the midpoint for forex (which has no trades). */
export function whatToShow(secType: string): 'TRADES' | 'MIDPOINT' {
  return secType === 'CASH' ? 'MIDPOINT' : 'TRADES';
}

/** "yyyyMMdd-HH:mm:ss", the UTC form of an end time TWS accepts. */
export function ibEndTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export interface IbHistoryOptions {
  /** The link's IBApi now (throws when not connected). */
  readonly api: () => IBApi;
  readonly symbols: IbSymbols;
  /** Pacing: at most `requests` per `perMs` (IB: 60 per 10 minutes). */
  readonly pacing?: { readonly requests: number; readonly perMs: number };
  /** How long one request may take (default 60 s: IB's history farm is slow). */
  readonly timeoutMs?: number;
  /** Wait after a pacing violation (default 15 s). */
  readonly pacingBackoffMs?: number;
  readonly nowMs?: () => number;
}

interface Pending {
  readonly symbol: string;
  readonly bars: HistoryBar[];
  resolve(): void;
  reject(e: Error): void;
}

export class IbHistory {
  readonly #o: IbHistoryOptions;
  readonly #pending = new Map<number, Pending>();
  readonly #sent: number[] = [];
  #reqId = 500_000;

  constructor(opts: IbHistoryOptions) {
    this.#o = opts;
  }

  /** Closed bars of `symbol` with open time in [fromMs, toMs], oldest first, in windows IB allows. */
  async bars(symbol: string, timeframe: string, fromMs: number, toMs: number, limit = Infinity): Promise<HistoryBar[]> {
    const size = ibBarSize(timeframe);
    const out: HistoryBar[] = [];
    for (let start = fromMs; start <= toMs && out.length < limit; start += size.durationMs) {
      const end = Math.min(start + size.durationMs, toMs + size.ms);
      for (const b of await this.window(symbol, timeframe, end)) {
        if (b.tsMs >= start && b.tsMs <= toMs && b.tsMs < start + size.durationMs && out.length < limit && !(out.length > 0 && b.tsMs <= out[out.length - 1]!.tsMs)) out.push(b);
      }
    }
    return out;
  }

  /**
   * The last `count` closed bars before `beforeMs`, paging back window by window: at most `maxWindows`, and
   * no further than 5 empty windows in a row (a long weekend holds 3 empty days; more means no more history).
   */
  async lastBars(symbol: string, timeframe: string, count: number, beforeMs: number, maxWindows = 30): Promise<HistoryBar[]> {
    const size = ibBarSize(timeframe);
    let got: HistoryBar[] = [];
    let end = beforeMs;
    for (let i = 0, empty = 0; i < maxWindows && got.length < count && empty < 5; i++) {
      const page = (await this.window(symbol, timeframe, end)).filter((b) => b.tsMs + size.ms <= beforeMs && (got.length === 0 || b.tsMs < got[0]!.tsMs));
      empty = page.length === 0 ? empty + 1 : 0;
      got = [...page, ...got];
      end -= size.durationMs;
    }
    return got.slice(-count);
  }

  /** One request: the window of IB's longest duration for the bar size, ending at `endMs`. */
  async window(symbol: string, timeframe: string, endMs: number): Promise<HistoryBar[]> {
    const size = ibBarSize(timeframe);
    const spec = this.#o.symbols.contractOf(symbol);
    for (let attempt = 1; ; attempt++) {
      await this.#slot();
      try {
        return await this.#request(symbol, (id) => this.#o.api().reqHistoricalData(id, this.#o.symbols.toContract(spec), ibEndTime(endMs), size.duration, size.barSize as never, whatToShow(spec.secType) as never, 0, 2, false));
      } catch (e) {
        if (!(e instanceof PacingViolation) || attempt >= 4) throw e;
        await new Promise((r) => setTimeout(r, this.#o.pacingBackoffMs ?? 15_000));
      }
    }
  }

  /** A historicalData callback of this link; false when the request id is not one of ours. */
  onBar(reqId: number, time: unknown, open: unknown, high: unknown, low: unknown, close: unknown, volume: unknown): boolean {
    const p = this.#pending.get(reqId);
    if (p === undefined) return false;
    if (typeof time === 'string' && time.startsWith('finished')) {
      this.#pending.delete(reqId);
      p.resolve();
      return true;
    }
    try {
      const b = parseHistoricalBar(reqId, time, open, high, low, close, volume);
      p.bars.push({ tsMs: b.timeSec * 1000, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
    } catch (e) {
      this.#pending.delete(reqId);
      p.reject(new InputError(`ib history of ${p.symbol}: ${e instanceof Error ? e.message : String(e)}`));
    }
    return true;
  }

  /** An error message about a request of ours: ends it (true), or false when the id is not ours. */
  onError(reqId: number, code: number, text: string): boolean {
    const p = this.#pending.get(reqId);
    if (p === undefined) return false;
    this.#pending.delete(reqId);
    if (code === 162 && /pacing violation/i.test(text)) p.reject(new PacingViolation(`ib history of ${p.symbol}: ${text}`));
    // "HMDS query returned no data" is an empty window (a weekend, a holiday), not a failure.
    else if (code === 162 && /returned no data|no data/i.test(text)) p.resolve();
    else if (code === 200) p.reject(new InputError(`ib history of ${p.symbol}: IB has no contract for it (200: ${text})`));
    else p.reject(new InputError(`ib history of ${p.symbol}: ${code}: ${text}`));
    return true;
  }

  /** The link went: every request waiting fails (retryable). */
  failAll(reason: string): void {
    for (const p of this.#pending.values()) p.reject(new RetryableVenueError(`ib history of ${p.symbol}: ${reason}`));
    this.#pending.clear();
  }

  #request(symbol: string, send: (reqId: number) => void): Promise<HistoryBar[]> {
    const reqId = ++this.#reqId;
    const ms = this.#o.timeoutMs ?? 60_000;
    return new Promise<HistoryBar[]>((resolve, reject) => {
      const bars: HistoryBar[] = [];
      const timer = setTimeout(() => {
        this.#pending.delete(reqId);
        reject(new RetryableVenueError(`ib history of ${symbol}: no answer within ${ms} ms`));
      }, ms);
      this.#pending.set(reqId, {
        symbol, bars,
        resolve: () => {
          clearTimeout(timer);
          resolve(bars.sort((a, b) => a.tsMs - b.tsMs));
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      try {
        send(reqId);
      } catch (e) {
        this.#pending.get(reqId)?.reject(e instanceof Error ? e : new Error(String(e)));
        this.#pending.delete(reqId);
      }
    });
  }

  /** Waits until a request fits IB's pacing window. */
  async #slot(): Promise<void> {
    const { requests, perMs } = this.#o.pacing ?? { requests: 60, perMs: 600_000 };
    const now = this.#o.nowMs ?? Date.now;
    for (;;) {
      const t = now();
      while (this.#sent.length > 0 && this.#sent[0]! <= t - perMs) this.#sent.shift();
      if (this.#sent.length < requests) {
        this.#sent.push(t);
        return;
      }
      await new Promise((r) => setTimeout(r, this.#sent[0]! + perMs - t));
    }
  }
}

class PacingViolation extends RetryableVenueError {}
