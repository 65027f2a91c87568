// Paper trading: built-in or user strategies on the live synthetic market or a replay of history,
// with the simulated venue and the store. Used by `sextant paper` and `npm start`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RealClock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import type { LiveFeed } from '../data/live/feed.ts';
import { ReplayFeed } from '../data/live/replay.ts';
import { parseTimeframe, timeframeMs } from '../data/resample.ts';
import { SinkRelay } from '../execution/sink-relay.ts';
import type { ExecutionClient } from '../execution/execution-client.ts';
import { createBrokerClient, createVenueFeed, parseVenue, venueInstrument, type IbLink, type VenueConnection } from '../engine/venues.ts';
import type { BrokerLink } from '../engine/live-node.ts';
import { SyntheticLiveFeed } from '../data/live/synthetic-live.ts';
import { FractionCommission } from '../execution/commission.ts';
import { LiveNode, type LiveStatus } from '../engine/live-node.ts';
import { MAX_TIMEOUT_MS, setLongTimeout, type LongTimer } from '../engine/long-timer.ts';
import { DURABILITIES, IntentJournal, type Durability } from '../store/intent-journal.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { parseStrategyConfig } from '../strategies/registry.ts';
import { loadMarketData } from './market-data.ts';
import { planPaperRun, type PaperRunPlan, type StoredPaperConfig } from './paper-runs.ts';
import { loadRiskConfig, type RunRiskConfig } from './risk-config.ts';
import { MarketHoursCheck } from '../risk/checks/market-hours.ts';
import { applyInstrumentSettings } from './instrument-flags.ts';
import { checkRunSettings } from './run-settings.ts';
import { loadStrategy } from './strategy-loader.ts';
import { storedConfig, withFileParams } from './strategy-file-params.ts';
import { blockProcessExit } from './exit-guard.ts';
import { heapLimitMb, watchHeap } from './heap-guard.ts';
import { CommandProcessor } from './command-processor.ts';
import { serveControl } from './control-endpoint.ts';
import { LocalNodeHandle } from './local-node-handle.ts';
import { replyOf } from './node-handle.ts';
import { FeedHealth } from './node-health.ts';
import { PaperNodeControl } from './paper-control.ts';
import { DEFAULT_STATE_DIR } from './state-dir.ts';

export interface PaperRequest {
  /** `name` or `name:allocation` (e.g. `rsi:25000`), repeated for several strategies. */
  readonly strategies: readonly string[];
  readonly params?: Readonly<Record<string, string>>;
  /** Symbols of the live synthetic market: names (BTC-USD trades 24/7; others are US equities) or a count. */
  readonly symbols?: readonly string[];
  /** A history source to replay instead of the live market (`csv:<path>`, `synthetic:<seed>`). */
  readonly replay?: string;
  readonly speed?: number;
  readonly runId?: string;
  readonly cash?: number;
  readonly commission?: number;
  readonly size?: string;
  readonly barMs?: number;
  readonly tickMs?: number;
  readonly seed?: number;
  /** Stop after this many seconds of wall time (demos, tests); forever when omitted. */
  readonly durationSec?: number;
  /** State folder for the embedded store, status snapshot and control endpoint file. */
  readonly stateDir?: string;
  /**
   * `--durability`: where an order intent is durable before the order is sent (docs/live.md, "Durability"):
   * `store` (default) the store committed with the strategies' state, `process` the intent journal in the state
   * folder (the store commit follows the send), `fsync` the journal synced to disk. A replay (which resumes after
   * its last committed bar) and a run hosted by the API server (no state folder) always use `store`.
   */
  readonly durability?: Durability;
  readonly alwaysOpen?: boolean;
  /** A JSON file with pre-trade checks and circuit breakers (docs/risk.md). */
  readonly riskFile?: string;
  /** The same as an object (a request body); wins over `riskFile`. */
  readonly risk?: RunRiskConfig;
  /** `--asset`, `--instrument key=value`: the instruments' terms (lots, multiplier, margin, per-unit commission). */
  readonly asset?: string;
  readonly instrument?: readonly string[] | Readonly<Record<string, string>>;
  /** `--timeframe`: a replay's bars resampled on load. */
  readonly timeframe?: string;
  /** `--halt-on-strategy-error`: the first strategy failure halts all trading (kill switch, no flatten). */
  readonly haltOnStrategyError?: boolean;
  /** `--max-heap-mb`: stop the run cleanly when the used heap passes this (default 85% of V8's old space). */
  readonly maxHeapMb?: number;
  /** Live trading (`sextant live --venue`): the broker orders go to (docs/live.md). */
  readonly venue?: string;
  /** The venue whose live market data is traded on (default for live: the broker). */
  readonly feed?: string;
  /** `--paper` (Alpaca's paper account) or `--testnet` (an exchange's test network). */
  readonly testnet?: boolean;
  /** `--base-url`, `--stream-url`: a compatible server at the venue's own paths. */
  readonly baseUrl?: string;
  readonly streamUrl?: string;
  /** `--ib-host` etc.: TWS or IB Gateway. */
  readonly ib?: IbLink;
  /** How often positions are compared with the venue's while running (seconds; default 30). */
  readonly positionCheckSec?: number;
  /** Venue feeds: bars of recent history replayed into the strategies before trading (default 200). */
  readonly warmupBars?: number;
  /** Resume with `params` even when the run was started with others (the server's bots; see PaperRunAsk). */
  readonly allowParamChange?: boolean;
  /** Where the venue's keys are read (default: the process environment; the server passes its stored keys). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}


/** Crypto symbols trade 24/7; everything else is an equity on NYSE sessions. */
export function instrumentFor(symbol: string, sectorIndex: number): Instrument {
  const sectors = ['tech', 'finance', 'energy', 'health', 'consumer'];
  if (/-(USD|USDT|EUR)$/.test(symbol)) return makeInstrument(symbol, { assetClass: 'crypto', tickSize: 0.01, lotSize: 0.0001, minQty: 0.0001 });
  return makeInstrument(symbol, { sector: sectors[sectorIndex % sectors.length]! });
}

/** The settings a paper session runs with, as printed on its start line. */
export interface PaperSettings {
  readonly cash: number;
  readonly commission: number;
  readonly size: string;
  readonly fill: 'next-open';
  /** Replays: multiple of real time (Infinity = as fast as possible). */
  readonly speed: number;
  /** Live market: bar length; replays: the data's bar length. */
  readonly barMs: number;
  /** Live market: wall time between quote updates. */
  readonly tickMs: number | undefined;
}

/** A session restored from the store, about to trade. */
export interface PaperStart {
  readonly node: LiveNode;
  readonly store: Store;
  /** The run traded (new or resumed), its strategies, data and money settings. */
  readonly plan: PaperRunPlan;
  readonly settings: PaperSettings;
}

export interface PaperSession extends PaperStart {
  /** The running node for other callers in this process (commands go through the store like everyone's). */
  readonly handle: LocalNodeHandle;
  /** The node's side of every command, and its status, positions and orders as the app's views. */
  readonly control: PaperNodeControl;
  /** Resolves when trading has ended (duration, feed end, stop). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** Integer milliseconds a timer can wait (setInterval shares setTimeout's 2^31-1 ms limit). */
function checkMs(v: number | undefined, flag: string): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= MAX_TIMEOUT_MS)) throw new ConfigError(`${flag} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${v}`, { field: flag });
}

function checkRequest(r: PaperRequest): void {
  const speed = r.speed ?? 1;
  if (!(speed >= 1) && speed !== Infinity) throw new ConfigError(`--speed must be >= 1 (or max), got ${speed}`, { field: '--speed' });
  if (r.durationSec !== undefined && !(r.durationSec > 0)) throw new ConfigError(`--duration must be a positive number of seconds, got ${r.durationSec}`, { field: '--duration' });
  checkMs(r.barMs, '--bar-ms');
  checkMs(r.tickMs, '--tick-ms');
  if (r.stateDir === '') throw new ConfigError('--state-dir must not be empty', { field: '--state-dir' });
  if (r.durability !== undefined && !DURABILITIES.includes(r.durability)) throw new ConfigError(`--durability must be one of ${DURABILITIES.join(', ')}, got "${r.durability}"`, { field: '--durability' });
}

/**
 * Where a run's order intents are durable before they are sent. The default is `store`: the intent commits with
 * the strategies' state and the fills that led to it, so a kill can never leave a strategy's saved state behind
 * an order it sent (docs/live.md, "Durability"). A replay resumes after the last bar its store committed: an
 * intent journaled ahead of its bar's commit would have that bar decided again, so a replay takes only `store`.
 */
export function durabilityOf(asked: Durability | undefined, replay: boolean): Durability {
  const durability = asked ?? 'store';
  if (replay && durability !== 'store') {
    throw new ConfigError(`--durability ${durability} cannot be used with a replay: a replay resumes after the last bar committed to the store, so its intents are committed before they are sent (--durability store)`, { field: '--durability' });
  }
  return durability;
}

/**
 * The run's intent journal in `<stateDir>/journal` (durability process/fsync; store: recovery only). The fault hook
 * SEXTANT_FAULT_KILL_AFTER_INTENTS=<n> (tests) kills the process with SIGKILL once n intents were journaled and
 * sent, before their store commit.
 */
function journalFor(request: PaperRequest, stateDir: string): { journal: (runId: string, replay: boolean) => IntentJournal; afterJournal: ((n: number) => void) | null } {
  const killAt = Number((request.env ?? process.env).SEXTANT_FAULT_KILL_AFTER_INTENTS ?? NaN);
  return {
    journal: (runId, replay) => {
      const durability = durabilityOf(request.durability, replay);
      // With store, what an earlier process journaled is still recovered.
      return IntentJournal.open(join(stateDir, 'journal'), runId, { fsync: durability === 'fsync', recoverOnly: durability === 'store' });
    },
    afterJournal: Number.isInteger(killAt) && killAt > 0 ? (n) => n >= killAt && process.kill(process.pid, 'SIGKILL') : null,
  };
}

/** A node built for a run (new or resumed), not yet restored. */
interface BuiltNode {
  /** The venue feed's status events (the status's health). */
  readonly feedHealth: FeedHealth;
  readonly node: LiveNode;
  readonly plan: PaperRunPlan;
  readonly settings: PaperSettings;
  readonly strategyIds: readonly string[];
}

/**
 * Settles the run on `store` (new or resumed), locks it and builds its node: strategies, instruments, the
 * feed, the broker link of a live run. `onBroker` gets the broker link as soon as it exists (the caller
 * disconnects it if anything later fails).
 */
async function buildPaperNode(
  request: PaperRequest,
  store: Store,
  onBroker: (b: BrokerLink) => void,
  onFeedStatus?: (kind: string, reason: string) => void,
  durable?: ReturnType<typeof journalFor> & { readonly opened: (j: IntentJournal) => void },
): Promise<BuiltNode> {
  const speed = request.speed ?? 1;
  let broker: BrokerLink | undefined;
  const feedHealth = new FeedHealth();
  // Venue names as the registry spells them (`ccxt:binance` is `binance`), checked before anything opens.
  const named = (v: string | undefined, flag: string): string | undefined => (v === undefined ? undefined : parseVenue(v, flag).name);
  const plan = await planPaperRun({ ...request, venue: named(request.venue, '--venue'), feed: named(request.feed, '--feed') }, store);
  // One live owner per run: a second process on the same run (Postgres) stops here, before any order.
  await store.lockRun(plan.runId);
  // The journal is opened by the run's one owner (the lock above; on PGlite the store's folder lock).
  const journal = durable?.journal(plan.runId, plan.replay !== undefined) ?? null;
  if (journal !== null) durable!.opened(journal);
  const run = checkRunSettings({ cash: plan.cash, commission: plan.commission, size: plan.size, asset: plan.asset, instrument: plan.instrument, timeframe: plan.timeframe });
  let barMs = plan.barMs ?? 1000;
  const clockless = plan.replay !== undefined;
  const strategies = await Promise.all(
    plan.strategies.map(async (spec, i) => {
      const [name, alloc] = spec.split(':') as [string, string | undefined];
      const allocation = alloc === undefined ? undefined : Number(alloc);
      if (allocation !== undefined && !(allocation > 0)) throw new ConfigError(`allocation of ${name} must be a positive number, got "${alloc}"`, { field: '--strategy' });
      const loaded = await loadStrategy(name);
      const config = parseStrategyConfig(name, loaded.cls, await withFileParams(name, loaded.cls, plan.params));
      const id = plan.strategies.filter((s) => s.split(':')[0] === name).length > 1 ? `${name}-${i + 1}` : name;
      return { strategy: new loaded.cls(config), id, allocation, name, config: storedConfig(loaded.cls, config) as never };
    }),
  );
  let instruments: Instrument[];
  let feed: LiveFeed | ((resumeAfterMs: number) => LiveFeed);
  const venue = plan.venue === undefined ? undefined : parseVenue(plan.venue, '--venue');
  const feedVenue = plan.feed === undefined ? undefined : parseVenue(plan.feed, '--feed');
  const conn: VenueConnection = {
    testnet: request.testnet === true, baseUrl: request.baseUrl, streamUrl: request.streamUrl, env: request.env ?? process.env, symbols: plan.symbols, ib: request.ib,
    // Every feed event but a plain (re)connect is the operator's to see: a 'feed' risk event of the run.
    onFeedStatus: (kind, reason) => {
      feedHealth.onStatus(kind, reason);
      if (kind !== 'connected') store.appendRiskEvents([{ runId: plan.runId, tsMs: Date.now(), kind: 'feed', reason }]);
      onFeedStatus?.(kind, reason);
    },
  };
  let cash = run.cash;
  if (venue !== undefined) {
    const relay = new SinkRelay();
    const client = await createBrokerClient(venue, conn, relay);
    broker = { client, relay, positionCheckEveryMs: (request.positionCheckSec ?? 30) * 1000 };
    onBroker(broker);
    if (plan.resumed === null) cash = await startingCash(client, plan.symbols, request.cash);
    // Connected (markets loaded): the venue's lot step, tick and minimum size become the instruments' own.
    await client.connect();
  }
  if (feedVenue !== undefined) {
    const rules = (sym: string): Partial<Instrument> => {
      const r = broker?.client.instrumentRules?.(sym);
      return r == null ? {} : Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
    };
    instruments = plan.symbols.map((sym) => applyInstrumentSettings({ ...venueInstrument(sym), ...rules(sym) }, run.instrument));
    const timeframe = plan.timeframe ?? '1m';
    barMs = timeframeMs(parseTimeframe(timeframe));
    feed = await createVenueFeed(feedVenue, conn, timeframe);
    feedHealth.expect(feedVenue.name);
  } else if (plan.replay !== undefined) {
    const market = loadMarketData([plan.replay], { skipBadRows: false, instrument: run.instrument, timeframe: run.timeframe });
    instruments = market.instruments;
    barMs = market.series[0]?.timeframeMs ?? 0;
    // A replay resumes after the last bar processed before a restart.
    feed = (resumeAfterMs: number) => new ReplayFeed({ series: market.series, speed, fromMs: Number.isFinite(resumeAfterMs) ? resumeAfterMs + 1 : undefined });
  } else {
    instruments = plan.symbols.map((sym, i) => applyInstrumentSettings(instrumentFor(sym, i), run.instrument));
    feed = new SyntheticLiveFeed({ instruments, clock: new RealClock(), seed: request.seed ?? 42, tickMs: request.tickMs ?? 100, barMs, alwaysOpen: request.alwaysOpen });
  }
  const node = new LiveNode({
    runId: plan.runId, kind: venue === undefined ? 'paper' : 'live', broker, instruments, strategies, feed, store, clock: clockless ? undefined : new RealClock(), cash, sizer: run.sizer,
    venue: { commission: new FractionCommission(run.commission), marketFill: run.fill },
    matchOn: clockless ? 'bars' : 'quotes', barMs, ...(request.risk ?? loadRiskConfig(request.riskFile)), haltOnStrategyError: request.haltOnStrategyError === true,
    warmupBars: feedVenue === undefined ? 0 : (request.warmupBars ?? 200),
    journal, afterJournal: durable?.afterJournal ?? null,
    // A real venue: an order that must execute at once waits for its market's session (equities).
    extraChecks: venue === undefined ? undefined : [new MarketHoursCheck(instruments)],
    runConfig: {
      strategies: [...plan.strategies], params: { ...plan.params }, symbols: instruments.map((i) => i.symbol), replay: plan.replay ?? null,
      speed: Number.isFinite(speed) ? speed : 'max', barMs, cash, commission: run.commission, size: run.sizeText,
      asset: plan.asset ?? null, instrument: plan.instrument ? [...plan.instrument] : null, timeframe: plan.timeframe ?? null,
      venue: plan.venue ?? null, feed: plan.feed ?? null,
    } satisfies StoredPaperConfig,
  });
  const settings: PaperSettings = { cash, commission: run.commission, size: run.sizeText, fill: 'next-open', speed, barMs, tickMs: clockless ? undefined : (request.tickMs ?? 100) };
  return { node, plan, settings, strategyIds: strategies.map((s) => s.id), feedHealth };
}

/**
 * Opens the store, settles the run (new or resumed), restores it and starts trading. `onReady` is called
 * once restored, before the first bar or quote; `onStatus` every second from then on. With `host`, the run
 * is one of several in a process that owns the store (the API server): see startHosted.
 */
/**
 * A node whose control endpoint is served by someone else: the paper supervisor (paper-supervisor.ts) serves it
 * on the main thread, which strategy code cannot block, and relays each request to the node's thread.
 */
export interface PaperControlHooks {
  /** Serve the control endpoint from this node (default true). */
  readonly serveEndpoint?: boolean;
  /**
   * Called once the node is restored and its control handle exists, before the first status, the start line and
   * any strategy code (onStart, bars): trading starts when it resolves. A command run here takes effect first.
   */
  readonly onControl?: (c: { readonly handle: LocalNodeHandle; readonly control: PaperNodeControl; readonly storeLocation: string }) => Promise<void>;
}

export async function startPaper(request: PaperRequest, onStatus?: (s: LiveStatus) => void, onReady?: (ready: PaperStart) => void, host?: PaperHost, hooks?: PaperControlHooks): Promise<PaperSession> {
  checkRequest(request);
  if (host !== undefined) return startHosted(request, host, onStatus, onReady);
  const heapMb = heapLimitMb(request.maxHeapMb);
  const stateDir = request.stateDir ?? DEFAULT_STATE_DIR;
  mkdirSync(stateDir, { recursive: true });
  const store = await openStore({ dir: join(stateDir, 'db') });
  let releaseExit: (() => void) | undefined;
  let broker: BrokerLink | undefined;
  let journal: IntentJournal | undefined;
  try {
    const { node, plan, settings, strategyIds, feedHealth } = await buildPaperNode(request, store, (b) => (broker = b), undefined, { ...journalFor(request, stateDir), opened: (j) => (journal = j) });
    // Strategy code cannot end the process from here on (onLoad, onStart, every bar, onStop).
    releaseExit = blockProcessExit();
    await node.restore();
    const statusFile = join(stateDir, 'status.json');
    writeFileSync(join(stateDir, 'paper.pid'), String(process.pid));
    // The control channel (docs/operations.md, "Kill switch"): commands for this run come through the store,
    // taken by this process only. Whatever was left pending for an earlier process expires unexecuted; the
    // file the kill switch used before the channel existed is ignored and removed.
    rmSync(join(stateDir, 'control.json'), { force: true });
    const { control, processor, handle } = await openControl(node, store, plan.runId, strategyIds, feedHealth);
    const endpoint = hooks?.serveEndpoint === false ? null : await serveControl(handle, stateDir, store.location);
    await hooks?.onControl?.({ handle, control, storeLocation: store.location });
    const report = (): void => {
      const s = node.status();
      writeFileSync(statusFile, JSON.stringify({ ...s, store: store.location, writtenMs: Date.now() }));
      onStatus?.(s);
      handle.publish({ topic: 'status', status: control.status() });
    };
    // The first status right after the restore, before any data: not a second (or a bar) later.
    report();
    onReady?.({ node, store, plan, settings });
    const timer = setInterval(report, 1000);
    let stopper: LongTimer | undefined;
    // The heap has a limit while trading.
    const heap = watchHeap(heapMb, (message) => void node.abort(message));
    node.afterBar = heap.check;
    const done = node.trade().finally(async () => {
      releaseExit?.();
      heap.stop();
      clearInterval(timer);
      stopper?.clear();
      // A command running now (a stop, a flatten) is finished and recorded before the store closes.
      await processor.close();
      await endpoint?.close();
      rmSync(join(stateDir, 'paper.pid'), { force: true });
      writeFileSync(statusFile, JSON.stringify({ ...node.status(), store: store.location, writtenMs: Date.now(), ended: true }));
      // Every intent is committed by now: the journal's last (empty) segment goes.
      journal?.close();
      await store.close();
    });
    if (request.durationSec !== undefined) stopper = setLongTimeout(() => void node.stop(), request.durationSec * 1000);
    return { node, store, plan, settings, handle, control, done, stop: () => node.stop() };
  } catch (e) {
    releaseExit?.();
    // The venue's link is closed too (its sockets would keep the process alive); working orders stay there.
    await broker?.client.disconnect().catch(() => undefined);
    journal?.close();
    await store.close();
    throw e;
  }
}

/**
 * The node's control channel: its side of every command (PaperNodeControl), the processor that takes the
 * run's commands from the store, and the in-process handle that publishes each finished command.
 */
async function openControl(node: LiveNode, store: Store, runId: string, strategyIds: readonly string[], feedHealth: FeedHealth): Promise<{ control: PaperNodeControl; processor: CommandProcessor; handle: LocalNodeHandle }> {
  const control = new PaperNodeControl(node, store, runId, strategyIds, { feedHealth });
  let handle: LocalNodeHandle | null = null;
  const processor = new CommandProcessor(store, runId, control, {
    node: control.nodeId,
    onFinished: (rec) => handle?.publish({ topic: 'command', command: replyOf(rec) }),
  });
  handle = new LocalNodeHandle(runId, store, control, processor);
  await processor.start();
  return { control, processor, handle };
}

/** A process that hosts several runs on one store it owns (the API server). */
export interface PaperHost {
  readonly store: Store;
  /** Each status change of a venue feed (connected, lost, reconnected, errors): metrics, alerts. */
  readonly onFeedStatus?: (kind: string, reason: string) => void;
}

/**
 * One run among several in a process that owns the store (`sextant serve`): no state folder, pid file,
 * status file or control endpoint (the host's API is the way in), and the store stays open when the run
 * ends. Commands still go through the store's commands table and the run's CommandProcessor.
 */
async function startHosted(request: PaperRequest, host: PaperHost, onStatus?: (s: LiveStatus) => void, onReady?: (ready: PaperStart) => void): Promise<PaperSession> {
  const store = host.store;
  let releaseExit: (() => void) | undefined;
  let broker: BrokerLink | undefined;
  try {
    const { node, plan, settings, strategyIds, feedHealth } = await buildPaperNode(request, store, (b) => (broker = b), host.onFeedStatus);
    releaseExit = blockProcessExit();
    await node.restore();
    const { control, processor, handle } = await openControl(node, store, plan.runId, strategyIds, feedHealth);
    const report = (): void => {
      onStatus?.(node.status());
      handle.publish({ topic: 'status', status: control.status() });
    };
    report();
    onReady?.({ node, store, plan, settings });
    const timer = setInterval(report, 1000);
    let stopper: LongTimer | undefined;
    const done = node.trade().finally(async () => {
      releaseExit?.();
      clearInterval(timer);
      stopper?.clear();
      await processor.close();
    });
    if (request.durationSec !== undefined) stopper = setLongTimeout(() => void node.stop(), request.durationSec * 1000);
    return { node, store, plan, settings, handle, control, done, stop: () => node.stop() };
  } catch (e) {
    releaseExit?.();
    await (broker as BrokerLink | undefined)?.client.disconnect().catch(() => undefined);
    throw e;
  }
}

/**
 * A live run's money at its first start: the venue account's free balance in the symbols' quote
 * currency, or `--cash` when it asks for less (a part of the account); more than the account has is refused.
 */
async function startingCash(client: ExecutionClient, symbols: readonly string[], asked: number | undefined): Promise<number> {
  const currency = venueInstrument(symbols[0]!).currency;
  await client.connect();
  const balance = (await client.balances()).find((b) => b.currency === currency);
  const free = balance?.free ?? 0;
  if (asked !== undefined) {
    if (asked > free) throw new ConfigError(`--cash ${asked} is more than the ${free} ${currency} free at ${client.venue}`, { field: '--cash' });
    return asked;
  }
  if (!(free > 0)) throw new ConfigError(`the ${client.venue} account has no free ${currency} to trade ${symbols.join(', ')} with`, { field: '--venue' });
  return free;
}
