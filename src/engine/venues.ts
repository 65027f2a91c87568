// The venues a live or paper node can trade on or take market data from, by name (docs/live.md):
// `alpaca`, `binance`, `ccxt:<exchangeId>` (any exchange ccxt supports the calls of), `ib`. This is the
// one place that names concrete broker adapters (the engine is the composition root); each adapter is
// loaded only when its venue is used, so a backtest never loads ccxt or the Alpaca SDK.
import { ConfigError } from '../core/errors.ts';
import type { LiveFeed } from '../data/live/feed.ts';
import type { ExecutionClient, ExecutionSink } from '../execution/execution-client.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import type { FeedStatus } from '../brokers/ccxt/feed.ts';

export type VenueSpec =
  | { readonly kind: 'alpaca'; readonly name: 'alpaca' }
  | { readonly kind: 'ccxt'; readonly name: string; readonly exchangeId: string }
  | { readonly kind: 'ib'; readonly name: 'ib' };

/** `--ib-host`, `--ib-port`, `--ib-client-id`, `--ib-account`: where TWS / IB Gateway listens, and the account orders go to. */
export interface IbLink {
  readonly host: string;
  readonly port: number;
  readonly clientId: number;
  readonly account?: string;
}

export const VENUE_NAMES = 'alpaca, binance, ccxt:<exchangeId> (e.g. ccxt:kraken), ib';

/** Parses `--venue` / `--feed`; an unknown name is a ConfigError naming the flag. */
export function parseVenue(text: string, flag: string): VenueSpec {
  const t = text.trim().toLowerCase();
  if (t === 'alpaca') return { kind: 'alpaca', name: 'alpaca' };
  if (t === 'ib') return { kind: 'ib', name: 'ib' };
  if (t === 'binance') return { kind: 'ccxt', name: 'binance', exchangeId: 'binance' };
  const m = /^ccxt:([a-z0-9_]+)$/.exec(t);
  if (m !== null) return { kind: 'ccxt', name: m[1] === 'binance' ? 'binance' : `ccxt:${m[1]}`, exchangeId: m[1]! };
  throw new ConfigError(`unknown venue "${text}"; use one of ${VENUE_NAMES}`, { field: flag });
}

export interface VenueConnection {
  /** Paper account (Alpaca), testnet/sandbox (ccxt exchanges). */
  readonly testnet: boolean;
  /** REST root of a compatible server (a testnet, a sandbox, a local fake at the venue's own paths). */
  readonly baseUrl?: string;
  /** WebSocket origin of a compatible server (the venue's stream paths are added to it). */
  readonly streamUrl?: string;
  /** Where credentials are read (the venues' usual variable names). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The symbols traded (ccxt: unified `BTC/USDT`; Alpaca: `AAPL`, `BTC/USD`). */
  readonly symbols: readonly string[];
  /** IB: TWS / IB Gateway address, API client id and account (orders only); the market-data link uses client id + 1. */
  readonly ib?: IbLink;
  readonly log?: (line: string) => void;
  /** What the market-data feed says about itself (reconnects, staleness, rejected frames, backfills), as one line each. */
  readonly onFeedStatus?: (kind: string, line: string) => void;
}

/** `ws://host:port` plus a venue path, unless the URL names a path already. */
function streamAt(url: string | undefined, path: string): string | undefined {
  if (url === undefined) return undefined;
  const u = new URL(url);
  return u.pathname === '/' || u.pathname === '' ? `${u.origin}${path}` : url;
}

/** The broker adapter for `spec`, reporting to `sink`, not connected yet. */
export async function createBrokerClient(spec: VenueSpec, c: VenueConnection, sink: ExecutionSink): Promise<ExecutionClient> {
  switch (spec.kind) {
    case 'ccxt': {
      const { createCcxtExecutionClient } = await import('../brokers/ccxt/index.ts');
      return createCcxtExecutionClient({ exchangeId: spec.exchangeId, venue: spec.name, env: c.env, sandbox: c.testnet, baseUrl: c.baseUrl, streamUrl: streamAt(c.streamUrl, '/ws-api/v3'), symbols: c.symbols, log: c.log }, sink);
    }
    case 'alpaca': {
      const { createAlpacaExecutionClient } = await import('../brokers/alpaca/index.ts');
      return createAlpacaExecutionClient({ paper: c.testnet, baseUrl: c.baseUrl, streamUrl: streamAt(c.streamUrl, '/stream'), env: c.env }, sink);
    }
    case 'ib': {
      if (c.ib === undefined || c.ib.account === undefined) throw new ConfigError('--venue ib needs --ib-host, --ib-port, --ib-client-id and --ib-account (TWS or IB Gateway)', { field: '--venue' });
      const { createIbExecutionClient } = await import('../brokers/ib/index.ts');
      return createIbExecutionClient({ ...c.ib, account: c.ib.account }, sink);
    }
  }
}

/** The venue's market data as a LiveFeed (bars of `timeframe`, trades, best bid/ask). */
export async function createVenueFeed(spec: VenueSpec, c: VenueConnection, timeframe: string): Promise<LiveFeed> {
  switch (spec.kind) {
    case 'ccxt': {
      const { createCcxtFeed } = await import('../brokers/ccxt/feed.ts');
      const creds = keysOf(spec, c.env);
      const say = c.onFeedStatus;
      return createCcxtFeed({
        exchangeId: spec.exchangeId, symbols: c.symbols, timeframe, baseUrl: c.baseUrl, streamUrl: streamAt(c.streamUrl, '/ws'), ...creds,
        onStatus: say === undefined ? undefined : (s) => say(s.kind, feedStatusLine(spec.name, s)),
      });
    }
    case 'alpaca': {
      if (timeframe !== '1m') throw new ConfigError(`Alpaca's streams send minute bars: use --timeframe 1m with --feed alpaca (got ${timeframe})`, { field: '--timeframe' });
      const { createAlpacaLiveFeed } = await import('../brokers/alpaca/feed.ts');
      // The data streams (/v2/iex, /v1beta3/crypto/us) and the data REST host are Alpaca's own unless a
      // compatible server is named; keys are required (Alpaca's market data needs an account).
      return createAlpacaLiveFeed({
        symbols: c.symbols, env: c.env, quotes: true, trades: true,
        ...(c.streamUrl !== undefined && { stockUrl: streamAt(c.streamUrl, '/v2/iex'), cryptoUrl: streamAt(c.streamUrl, '/v1beta3/crypto/us') }),
        ...(c.baseUrl !== undefined && { dataUrl: c.baseUrl }),
        log: c.log,
      });
    }
    case 'ib': {
      if (c.ib === undefined) throw new ConfigError('--feed ib needs --ib-port (and --ib-host, --ib-client-id): the TWS or IB Gateway API port', { field: '--feed' });
      const { createIbFeed } = await import('../brokers/ib/feed.ts');
      const say = c.onFeedStatus;
      // Its own API connection: client id + 1, so a live run's order link (client id) and its feed can share one TWS.
      return createIbFeed({
        host: c.ib.host, port: c.ib.port, clientId: c.ib.clientId + 1, symbols: c.symbols, timeframe,
        onStatus: say === undefined ? undefined : (s) => say(s.kind, feedStatusLine(spec.name, s)),
      });
    }
  }
}

/** One operator line for a feed status (docs/venues/market-data.md). */
function feedStatusLine(venue: string, s: FeedStatus): string {
  switch (s.kind) {
    case 'connected': return `${venue} market data connected`;
    case 'disconnected': return `${venue} market data ${s.channel} dropped (${s.reason}); reconnecting in ${s.retryInMs} ms`;
    case 'stale': return `${venue} market data stale: nothing for ${Math.round(s.sinceLastMessageMs / 1000)} s`;
    case 'fresh': return `${venue} market data flowing again`;
    case 'rejected-frame': return `${venue} market data frame rejected: ${s.reason}`;
    case 'backfilled': return `${venue} ${s.symbol}: ${s.bars} missed bars backfilled (${new Date(s.fromMs).toISOString()} to ${new Date(s.toMs).toISOString()})`;
    case 'gap': return `${venue} ${s.symbol}: bars missing from ${new Date(s.fromMs).toISOString()} to ${new Date(s.toMs).toISOString()} could not be backfilled`;
    case 'error': return `${venue} market data error: ${s.reason}`;
  }
}

/** Optional keys for public market data (a ccxt exchange's `<EXCHANGE>_API_KEY` / `_API_SECRET`). */
function keysOf(spec: VenueSpec & { kind: 'ccxt' }, env: VenueConnection['env']): { apiKey?: string; secret?: string } {
  const prefix = spec.exchangeId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const apiKey = env[`${prefix}_API_KEY`];
  const secret = env[`${prefix}_API_SECRET`];
  return apiKey && secret ? { apiKey, secret } : {};
}

/** An instrument for a venue symbol: crypto pairs (`BTC/USDT`, `BTC/USD`) trade fractions 24/7, the rest are US equities. */
export function venueInstrument(symbol: string): Instrument {
  if (symbol.includes('/')) return makeInstrument(symbol, { assetClass: 'crypto', tickSize: 1e-8, currency: symbol.split('/')[1]! });
  return makeInstrument(symbol);
}
