// Which run a `sextant paper` command trades in, and with which settings. A replay without `--run`
// gets a run of its own; the live market's run is `paper`; a stored run is resumed exactly as it was
// started (strategies, data, money settings), and asking for something else is an error naming the
// flag, never a silent mix of two runs.
import { ConfigError } from '../core/errors.ts';
import type { RunRecord, Store } from '../store/store.ts';
import { RUN_DEFAULTS } from './run-settings.ts';

/** The run of the live synthetic market when no `--run` is given (`npm start` resumes it). */
export const LIVE_RUN_ID = 'paper';
export const DEFAULT_LIVE_SYMBOLS: readonly string[] = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'SYN000', 'SYN001', 'SYN002'];
/** Runs stored before paper took RUN_DEFAULTS did not record their commission; it was this. */
const LEGACY_COMMISSION = 0.001;

/** What the command line asks for (undefined = not given). */
export interface PaperRunAsk {
  readonly runId?: string;
  readonly strategies: readonly string[];
  readonly params?: Readonly<Record<string, string>>;
  readonly symbols?: readonly string[];
  readonly replay?: string;
  readonly barMs?: number;
  readonly tickMs?: number;
  readonly seed?: number;
  readonly alwaysOpen?: boolean;
  readonly cash?: number;
  readonly commission?: number;
  readonly size?: string;
  /** `--asset`, `--instrument key=value`, `--timeframe` (a replay's data). */
  readonly asset?: string;
  readonly instrument?: readonly string[] | Readonly<Record<string, string>>;
  readonly timeframe?: string;
  /** Live trading: the broker orders go to (`binance`, `ccxt:kraken`, `alpaca`, `ib`). */
  readonly venue?: string;
  /** The venue whose live market data is traded on (paper: into the simulated venue; live: default the broker). */
  readonly feed?: string;
  /**
   * Resume with `params` even when the run was started with others (the server's bots, whose definition is
   * the source of their params; the API's audit records who changed them). The CLI refuses it.
   */
  readonly allowParamChange?: boolean;
}

/** What a run stores about itself when it starts (runs.config). */
export interface StoredPaperConfig {
  readonly strategies?: string[];
  readonly params?: Record<string, string>;
  readonly symbols?: string[];
  readonly replay?: string | null;
  readonly barMs?: number;
  readonly speed?: number | 'max';
  readonly cash?: number;
  readonly commission?: number;
  readonly size?: string;
  readonly asset?: string | null;
  readonly instrument?: string[] | null;
  readonly timeframe?: string | null;
  readonly venue?: string | null;
  readonly feed?: string | null;
}

export interface PaperRunPlan {
  readonly runId: string;
  /** The stored run being resumed; null for a new run. */
  readonly resumed: RunRecord | null;
  readonly strategies: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  /** The replay source, or undefined for the live synthetic market. */
  readonly replay: string | undefined;
  /** Live market only: the symbols traded. */
  readonly symbols: readonly string[];
  /** Live market only: the bar length asked for or stored (undefined = the default). */
  readonly barMs: number | undefined;
  readonly cash: number;
  readonly commission: number;
  readonly size: string;
  readonly asset: string | undefined;
  /** `key=value` entries, sorted. */
  readonly instrument: readonly string[] | undefined;
  readonly timeframe: string | undefined;
  /** Live: the broker; undefined for paper. */
  readonly venue: string | undefined;
  /** The venue market data comes from; undefined for the synthetic market and replays. */
  readonly feed: string | undefined;
}

/** `SYN000..` for a count, else the comma-separated names. */
export function expandSymbols(list: readonly string[]): string[] {
  if (list.length === 1 && /^\d+$/.test(list[0]!)) return Array.from({ length: Number(list[0]) }, (_, i) => `SYN${String(i).padStart(3, '0')}`);
  return list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** A fresh id for a replay started without `--run`: `replay-YYYYMMDD-HHMMSS`, `-2`, `-3`... if taken. */
export async function freshReplayId(store: Store, nowMs: number): Promise<string> {
  const base = `replay-${new Date(nowMs).toISOString().slice(0, 19).replace(/-/g, '').replace('T', '-').replace(/:/g, '')}`;
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if ((await store.getRun(id)) === null) return id;
  }
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const showParams = (p: Readonly<Record<string, string>>): string => Object.keys(p).sort().map((k) => `${k}=${p[k]}`).join(',');
const flagList = (flag: string, xs: readonly string[]): string => xs.map((x) => `${flag} ${x}`).join(' ');

function mismatch(runId: string, field: string, stored: string, asked: string): ConfigError {
  return new ConfigError(
    `run "${runId}" was started with ${stored}; this command asks for ${asked}. Leave ${field} out to resume the run as it was, or start a new run with --run <new id>`,
    { field },
  );
}

/** `--instrument` entries as sorted `key=value` texts (a list or a record), undefined when none. */
function instrumentEntries(x: PaperRunAsk['instrument']): string[] | undefined {
  if (x === undefined) return undefined;
  const list = Array.isArray(x) ? [...(x as readonly string[])] : Object.entries(x).map(([k, v]) => `${k}=${v}`);
  return list.length ? list.sort() : undefined;
}

/** The live market's own flags make no sense on a replay: say so rather than ignore them. */
function refuseLiveOnlyFlags(ask: PaperRunAsk, replay: string): void {
  const liveOnly: [string, unknown][] = [['--symbols', ask.symbols?.length ? ask.symbols : undefined], ['--bar-ms', ask.barMs], ['--tick-ms', ask.tickMs], ['--seed', ask.seed], ['--always-open', ask.alwaysOpen === true ? true : undefined]];
  const given = liveOnly.find(([, v]) => v !== undefined);
  if (given !== undefined) throw new ConfigError(`${given[0]} applies to the live synthetic market; a replay (${replay}) trades the symbols and bars of its data`, { field: given[0] });
}

function refuseReplayOnlyFlags(ask: PaperRunAsk): void {
  if (ask.timeframe !== undefined) throw new ConfigError('--timeframe resamples a replay\'s data; the live synthetic market makes bars of --bar-ms', { field: '--timeframe' });
}

/** Checks what was asked against the stored run (if any) and settles every setting of the run. */
/** The default run of a venue: `live-binance`, `paper-kraken` (for `ccxt:kraken`). */
export function venueRunId(kind: 'live' | 'paper', venue: string): string {
  return `${kind}-${venue.replace(/^ccxt:/, '')}`;
}

/** A venue's market: its own symbols and bars; the synthetic market's flags and replays do not apply. */
function checkVenueAsk(ask: PaperRunAsk, venueFlag: string): void {
  if (ask.replay !== undefined) throw new ConfigError(`--replay cannot be combined with ${venueFlag}: a run trades either a venue's live market or a replay of history`, { field: '--replay' });
  const synthetic: [string, unknown][] = [['--bar-ms', ask.barMs], ['--tick-ms', ask.tickMs], ['--seed', ask.seed], ['--always-open', ask.alwaysOpen === true ? true : undefined]];
  const given = synthetic.find(([, v]) => v !== undefined);
  if (given !== undefined) throw new ConfigError(`${given[0]} applies to the synthetic market; with ${venueFlag} bars come from the venue (--timeframe)`, { field: given[0] });
}

export async function planPaperRun(ask: PaperRunAsk, store: Store, nowMs = Date.now()): Promise<PaperRunPlan> {
  const venueFlag = ask.venue !== undefined ? '--venue' : ask.feed !== undefined ? '--feed' : null;
  if (venueFlag !== null) checkVenueAsk(ask, venueFlag);
  const runId = ask.runId ?? (ask.venue !== undefined ? venueRunId('live', ask.venue) : ask.feed !== undefined ? venueRunId('paper', ask.feed) : ask.replay !== undefined ? await freshReplayId(store, nowMs) : LIVE_RUN_ID);
  const run = await store.getRun(runId);
  const stored = (run?.config ?? {}) as StoredPaperConfig;
  if (run !== null) {
    const was = { venue: stored.venue ?? undefined, feed: stored.feed ?? undefined };
    const show = (what: 'venue' | 'feed', v: string | undefined): string => (v === undefined ? `no --${what}` : `--${what} ${v}`);
    if ((ask.venue !== undefined || was.venue !== undefined) && ask.venue !== was.venue) {
      throw mismatch(runId, '--venue', was.venue === undefined ? 'paper trading (no --venue)' : `--venue ${was.venue}`, ask.venue === undefined ? 'paper trading (no --venue)' : `--venue ${ask.venue}`);
    }
    if (ask.feed !== undefined && ask.feed !== was.feed) throw mismatch(runId, '--feed', show('feed', was.feed), show('feed', ask.feed));
  }
  const venue = ask.venue ?? (stored.venue ?? undefined);
  const feed = ask.feed ?? (run === null ? venue : (stored.feed ?? undefined));
  if (run === null && feed !== undefined && !ask.symbols?.length) throw new ConfigError(`--symbols is required with ${venueFlag ?? '--feed'} (the venue's symbols, e.g. BTC/USDT or AAPL)`, { field: '--symbols' });
  const replay = ask.replay ?? (run === null ? undefined : (stored.replay ?? undefined));
  if (replay !== undefined) refuseLiveOnlyFlags(ask, replay);
  else if (feed === undefined) refuseReplayOnlyFlags(ask);
  const params = ask.params ?? {};
  const instrument = instrumentEntries(ask.instrument);
  if (run === null) {
    if (ask.strategies.length === 0) throw new ConfigError(`--strategy is required (repeat it for several strategies); run "${runId}" has none stored to resume`, { field: '--strategy' });
    return {
      runId, resumed: null, strategies: [...ask.strategies], params: { ...params }, replay: ask.replay,
      symbols: ask.replay !== undefined ? [] : ask.symbols?.length ? expandSymbols(ask.symbols) : DEFAULT_LIVE_SYMBOLS, barMs: ask.barMs,
      cash: ask.cash ?? RUN_DEFAULTS.cash, commission: ask.commission ?? RUN_DEFAULTS.commission, size: ask.size ?? RUN_DEFAULTS.size,
      asset: ask.asset, instrument, timeframe: ask.timeframe, venue, feed,
    };
  }
  if (!stored.strategies?.length) throw new ConfigError(`run "${runId}" is not a paper run that can be resumed (it stored no strategies); start a new run with --run <new id>`, { field: '--run' });
  const storedReplay = stored.replay ?? undefined;
  if (ask.replay !== undefined && ask.replay !== storedReplay) {
    throw mismatch(runId, '--replay', storedReplay === undefined ? 'the live synthetic market' : `--replay ${storedReplay}`, `--replay ${ask.replay}`);
  }
  if (ask.strategies.length > 0 && !sameList(ask.strategies, stored.strategies)) {
    throw mismatch(runId, '--strategy', flagList('--strategy', stored.strategies), flagList('--strategy', ask.strategies));
  }
  const storedParams = stored.params ?? {};
  const paramsChanged = Object.keys(params).length > 0 && showParams(params) !== showParams(storedParams);
  if (paramsChanged && ask.allowParamChange !== true) {
    throw mismatch(runId, '--param', Object.keys(storedParams).length ? `--param ${showParams(storedParams)}` : 'no --param', `--param ${showParams(params)}`);
  }
  const storedSymbols = stored.symbols?.length ? stored.symbols : DEFAULT_LIVE_SYMBOLS;
  if (storedReplay === undefined && ask.symbols?.length && !sameList(expandSymbols(ask.symbols), storedSymbols)) {
    throw mismatch(runId, '--symbols', `--symbols ${storedSymbols.join(',')}`, `--symbols ${expandSymbols(ask.symbols).join(',')}`);
  }
  if (storedReplay === undefined && ask.barMs !== undefined && stored.barMs !== undefined && ask.barMs !== stored.barMs) {
    throw mismatch(runId, '--bar-ms', `--bar-ms ${stored.barMs}`, `--bar-ms ${ask.barMs}`);
  }
  const money = {
    cash: stored.cash ?? RUN_DEFAULTS.cash,
    commission: stored.commission ?? LEGACY_COMMISSION,
    size: stored.size ?? RUN_DEFAULTS.size,
  };
  if (ask.cash !== undefined && ask.cash !== money.cash) throw mismatch(runId, '--cash', `--cash ${money.cash}`, `--cash ${ask.cash}`);
  if (ask.commission !== undefined && ask.commission !== money.commission) throw mismatch(runId, '--commission', `--commission ${money.commission}`, `--commission ${ask.commission}`);
  if (ask.size !== undefined && ask.size !== money.size) throw mismatch(runId, '--size', `--size ${money.size}`, `--size ${ask.size}`);
  const inst = { asset: stored.asset ?? undefined, instrument: stored.instrument ?? undefined, timeframe: stored.timeframe ?? undefined };
  if (ask.asset !== undefined && ask.asset !== (inst.asset ?? RUN_DEFAULTS.asset)) throw mismatch(runId, '--asset', `--asset ${inst.asset ?? RUN_DEFAULTS.asset}`, `--asset ${ask.asset}`);
  if (instrument !== undefined && instrument.join(' ') !== (inst.instrument ?? []).join(' ')) {
    throw mismatch(runId, '--instrument', inst.instrument ? flagList('--instrument', inst.instrument) : 'no --instrument', flagList('--instrument', instrument));
  }
  if (ask.timeframe !== undefined && ask.timeframe !== inst.timeframe) throw mismatch(runId, '--timeframe', inst.timeframe ? `--timeframe ${inst.timeframe}` : 'the data\'s own bars', `--timeframe ${ask.timeframe}`);
  return {
    runId, resumed: run, strategies: stored.strategies, params: paramsChanged ? { ...params } : storedParams, replay: storedReplay,
    symbols: storedReplay === undefined ? storedSymbols : [], barMs: storedReplay === undefined ? (stored.barMs ?? ask.barMs) : undefined, ...money, ...inst, venue, feed,
  };
}
