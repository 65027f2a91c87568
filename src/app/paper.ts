// Paper trading: built-in or user strategies on the live synthetic market or a replay of history,
// with the simulated venue and the store. Used by `sextant paper` and `npm start`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RealClock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import type { LiveFeed } from '../data/live/feed.ts';
import { ReplayFeed } from '../data/live/replay.ts';
import { SyntheticLiveFeed } from '../data/live/synthetic-live.ts';
import { FractionCommission } from '../execution/commission.ts';
import { LiveNode, type LiveStatus } from '../engine/live-node.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { parseStrategyConfig } from '../strategies/registry.ts';
import { parseSizer } from '../strategies/sizing.ts';
import { loadMarketData } from './market-data.ts';
import { loadRiskConfig } from './risk-config.ts';
import { loadStrategy } from './strategy-loader.ts';

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
  /** State folder for the embedded store, status snapshot and control file. */
  readonly stateDir?: string;
  readonly alwaysOpen?: boolean;
  /** A JSON file with pre-trade checks and circuit breakers (docs/risk.md). */
  readonly riskFile?: string;
}

export const DEFAULT_STATE_DIR = '.sextant';

/** Crypto symbols trade 24/7; everything else is an equity on NYSE sessions. */
export function instrumentFor(symbol: string, sectorIndex: number): Instrument {
  const sectors = ['tech', 'finance', 'energy', 'health', 'consumer'];
  if (/-(USD|USDT|EUR)$/.test(symbol)) return makeInstrument(symbol, { assetClass: 'crypto', tickSize: 0.01, lotSize: 0.0001, minQty: 0.0001 });
  return makeInstrument(symbol, { sector: sectors[sectorIndex % sectors.length]! });
}

export interface PaperSession {
  readonly node: LiveNode;
  readonly store: Store;
  /** Resolves when trading has ended (duration, feed end, stop). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** What a run stored about itself, so a restart without flags resumes it as it was. */
interface StoredPaperConfig {
  readonly strategies?: string[];
  readonly params?: Record<string, string>;
  readonly symbols?: string[];
  readonly replay?: string | null;
  readonly barMs?: number;
}

/**
 * Fills what the command line leaves out from the stored run: `sextant paper --run X` alone resumes
 * run X with its strategies (allocations and params), symbols or replay source, and bar length.
 */
async function withStoredRun(req: PaperRequest, store: Store, runId: string): Promise<PaperRequest> {
  if (req.strategies.length > 0) return req;
  const run = await store.getRun(runId);
  const stored = (run?.config ?? null) as StoredPaperConfig | null;
  if (!stored?.strategies?.length) throw new ConfigError(`--strategy is required (repeat it for several strategies); run "${runId}" has none stored to resume`, { field: '--strategy' });
  return {
    ...req,
    strategies: stored.strategies,
    params: req.params && Object.keys(req.params).length > 0 ? req.params : (stored.params ?? {}),
    symbols: req.symbols?.length ? req.symbols : req.replay === undefined && stored.replay == null ? stored.symbols : req.symbols,
    replay: req.replay ?? stored.replay ?? undefined,
    barMs: req.barMs ?? stored.barMs,
  };
}

export async function startPaper(request: PaperRequest, onStatus?: (s: LiveStatus) => void): Promise<PaperSession> {
  const stateDir = request.stateDir ?? DEFAULT_STATE_DIR;
  mkdirSync(stateDir, { recursive: true });
  const sizer = parseSizer(request.size ?? 'pct-cash:95');
  if (sizer === null) throw new ConfigError(`bad size "${request.size}"`, { field: '--size' });
  const speed = request.speed ?? 1;
  if (!(speed >= 1) && speed !== Infinity) throw new ConfigError(`--speed must be >= 1, got ${speed}`, { field: '--speed' });

  let instruments: Instrument[];
  let feed: LiveFeed | ((resumeAfterMs: number) => LiveFeed);
  const store = await openStore({ dir: join(stateDir, 'db') });
  try {
    const runId = request.runId ?? 'paper';
    const req = await withStoredRun(request, store, runId);
    let barMs = req.barMs ?? 1000;
    const clockless = req.replay !== undefined;
    const strategies = await Promise.all(
      req.strategies.map(async (spec, i) => {
        const [name, alloc] = spec.split(':') as [string, string | undefined];
        const allocation = alloc === undefined ? undefined : Number(alloc);
        if (allocation !== undefined && !(allocation > 0)) throw new ConfigError(`allocation of ${name} must be a positive number, got "${alloc}"`, { field: '--strategy' });
        const loaded = await loadStrategy(name);
        const config = parseStrategyConfig(name, loaded.cls, req.params ?? {});
        const id = req.strategies.filter((s) => s.split(':')[0] === name).length > 1 ? `${name}-${i + 1}` : name;
        return { strategy: new loaded.cls(config), id, allocation, name, config: config as never };
      }),
    );
    if (req.replay !== undefined) {
      const market = loadMarketData([req.replay], { skipBadRows: false });
      instruments = market.instruments;
      barMs = market.series[0]?.timeframeMs ?? 0;
      // A replay resumes after the last bar processed before a restart.
      feed = (resumeAfterMs: number) => new ReplayFeed({ series: market.series, speed, fromMs: Number.isFinite(resumeAfterMs) ? resumeAfterMs + 1 : undefined });
    } else {
      const symbols = req.symbols?.length ? expandSymbols(req.symbols) : ['BTC-USD', 'ETH-USD', 'SOL-USD', 'SYN000', 'SYN001', 'SYN002'];
      instruments = symbols.map(instrumentFor);
      feed = new SyntheticLiveFeed({ instruments, clock: new RealClock(), seed: req.seed ?? 42, tickMs: req.tickMs ?? 100, barMs, alwaysOpen: req.alwaysOpen });
    }
    const node = new LiveNode({
      runId, instruments, strategies, feed, store, clock: clockless ? undefined : new RealClock(), cash: req.cash ?? 100_000, sizer,
      venue: { commission: new FractionCommission(req.commission ?? 0.001), marketFill: 'next-open' },
      matchOn: clockless ? 'bars' : 'quotes', barMs, ...loadRiskConfig(req.riskFile),
      runConfig: {
        strategies: [...req.strategies], params: { ...(req.params ?? {}) }, symbols: instruments.map((i) => i.symbol), replay: req.replay ?? null,
        speed: Number.isFinite(speed) ? speed : 'max', barMs,
      },
    });
    await node.restore();
    const control = join(stateDir, 'control.json');
    const statusFile = join(stateDir, 'status.json');
    writeFileSync(join(stateDir, 'paper.pid'), String(process.pid));
    const timer = setInterval(() => {
      const s = node.status();
      writeFileSync(statusFile, JSON.stringify({ ...s, store: store.location, writtenMs: Date.now() }));
      onStatus?.(s);
      if (existsSync(control)) {
        const cmd = JSON.parse(readFileSync(control, 'utf8')) as { command: string; flatten?: boolean };
        rmSync(control, { force: true });
        if (cmd.command === 'kill') void node.kill({ flatten: cmd.flatten === true });
        else if (cmd.command === 'resume') void node.resume();
      }
    }, 1000);
    let stopper: NodeJS.Timeout | undefined;
    const done = node.trade().finally(async () => {
      clearInterval(timer);
      clearTimeout(stopper);
      rmSync(join(stateDir, 'paper.pid'), { force: true });
      writeFileSync(statusFile, JSON.stringify({ ...node.status(), store: store.location, writtenMs: Date.now(), ended: true }));
      await store.close();
    });
    if (req.durationSec !== undefined) stopper = setTimeout(() => void node.stop(), req.durationSec * 1000);
    return { node, store, done, stop: () => node.stop() };
  } catch (e) {
    await store.close();
    throw e;
  }
}

function expandSymbols(list: readonly string[]): string[] {
  if (list.length === 1 && /^\d+$/.test(list[0]!)) return Array.from({ length: Number(list[0]) }, (_, i) => `SYN${String(i).padStart(3, '0')}`);
  return list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}
