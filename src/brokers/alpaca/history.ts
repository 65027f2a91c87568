// Alpaca historical bars through the SDK's Market Data API classes (StockApi.stockBars,
// CryptoApi.cryptoBars), every page followed by `next_page_token`, each bar checked at the boundary.
// A live feed warms its strategies up from here (AlpacaLiveFeed.warmup).
import { marketData } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import type { WarmupBar } from '../../data/live/feed.ts';
import { readCredentials } from '../shared/credentials.ts';
import { toVenueError } from './errors.ts';
import { AlpacaPayloadError } from './parse.ts';
import { isCrypto, toAlpacaSymbol } from './symbols.ts';

export interface AlpacaHistoryOptions {
  readonly keyId?: string;
  readonly secretKey?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Market Data API host (default https://data.alpaca.markets). */
  readonly dataUrl?: string;
  /** Equities feed (default 'iex', the free one). */
  readonly feed?: 'iex' | 'sip';
  readonly timeoutMs?: number;
}

const num = z.number().finite();
const BarSchema = z.looseObject({ t: z.string().refine((s) => Number.isFinite(Date.parse(s)), 'expected an RFC 3339 time'), o: num.positive(), h: num.positive(), l: num.positive(), c: num.positive(), v: num.nonnegative() });
const PageSchema = z.looseObject({ bars: z.record(z.string(), z.array(BarSchema)).nullable(), next_page_token: z.string().nullish() });

export class AlpacaHistory {
  readonly #stocks: marketData.StockApi;
  readonly #crypto: marketData.CryptoApi;
  readonly #secrets: string[];

  constructor(private readonly opts: AlpacaHistoryOptions = {}) {
    const creds = opts.keyId !== undefined && opts.secretKey !== undefined ? { key: opts.keyId, secret: opts.secretKey } : readCredentials(opts.env ?? process.env, 'APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', { required: true, what: 'Alpaca market data' })!;
    this.#secrets = [creds.key, creds.secret];
    const config = new marketData.Configuration({ keyId: creds.key, secret: creds.secret, timeoutMs: opts.timeoutMs ?? 15_000, retry: { maxRetries: 3 }, ...(opts.dataUrl !== undefined && { basePath: opts.dataUrl.replace(/\/+$/, '') }) });
    this.#stocks = new marketData.StockApi(config);
    this.#crypto = new marketData.CryptoApi(config);
  }

  /**
   * Bars of one symbol in [startMs, endMs), oldest first (`timeframe` in Alpaca's spelling: '1Min', '5Min',
   * '1Hour', '1Day'). With `last`, only the newest `last` bars of the range.
   */
  async bars(symbol: string, timeframe: string, startMs: number, endMs: number, last?: number): Promise<WarmupBar[]> {
    const sym = toAlpacaSymbol(symbol);
    const out: WarmupBar[] = [];
    let pageToken: string | undefined;
    const common = { symbols: sym, timeframe, start: new Date(startMs), end: new Date(endMs), ...(last !== undefined && { limit: Math.min(10_000, last), sort: 'desc' as const }) };
    for (let page = 0; page < 10_000; page++) {
      let body: unknown;
      try {
        const res = isCrypto(symbol)
          ? await this.#crypto.cryptoBarsRaw({ loc: 'us', ...common, ...(pageToken !== undefined && { pageToken }) })
          : await this.#stocks.stockBarsRaw({ ...common, feed: this.opts.feed ?? 'iex', ...(pageToken !== undefined && { pageToken }) });
        body = JSON.parse(await res.raw.text()) as unknown;
      } catch (e) {
        throw toVenueError(e, `bars of ${symbol}`, this.#secrets);
      }
      const r = PageSchema.safeParse(body);
      if (!r.success) {
        const i = r.error.issues[0]!;
        throw new AlpacaPayloadError('bars page', i.path.map(String).join('.') || '(payload)', `${i.message} (${symbol})`);
      }
      for (const b of r.data.bars?.[sym] ?? []) out.push({ symbol, tsMs: Date.parse(b.t), open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v });
      pageToken = r.data.next_page_token ?? undefined;
      if (pageToken === undefined || (last !== undefined && out.length >= last)) break;
    }
    out.sort((a, b) => a.tsMs - b.tsMs);
    return last !== undefined ? out.slice(-last) : out;
  }
}
