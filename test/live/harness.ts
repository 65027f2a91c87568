// Spawns the real `sextant live --venue binance` (node bin/sextant.js from the sources) against the combined
// fake Binance venue (test/fakes/binance/venue.ts), and compares what the run stored with what the venue
// holds. Shared by the live tests in this folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import type { FillInput, OrderRecord, RiskEventRecord } from '../../src/store/store.ts';
import type { FakeBinanceVenue } from '../fakes/binance/venue.ts';
import { fixtureAsJsFile } from '../helpers/fixture-as-user-file.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RUN = 'live-binance';
/**
 * The fake venue's quote period for these tests: four quotes per 1 s bar instead of ten (its default) are enough for
 * the bars to close and the market orders to fill, with less of the venue's and the node's work while they wait.
 */
export const TICK_MS = 250;

/**
 * The strategy of the live runs: test/fixtures/live-alternator.ts as a user's JavaScript file importing 'sextant'
 * (test/helpers/fixture-as-js-file.ts), so that each start of `sextant live` loads neither tsx nor the source tree.
 */
export const alternator = (): string => fixtureAsJsFile('live-alternator.ts');

export interface LiveChild {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  readonly out: () => string;
  readonly err: () => string;
  /** Resolves when stdout matches (rejects when the process ends first). */
  readonly printed: (re: RegExp) => Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface LiveOptions {
  /** The strategy file (`alternator()`). */
  readonly strategy: string;
  /** The venue's symbols traded (default BTC/USDT). */
  readonly symbols?: readonly string[];
  /** More flags. */
  readonly args?: readonly string[];
}

/** `sextant live --venue binance` pointed at the fake, credentials in the environment only. */
export function startLive(venue: FakeBinanceVenue, stateDir: string, opts: LiveOptions): LiveChild {
  const args = [
    join(ROOT, 'bin/sextant.js'), 'live', '--venue', 'binance', '--base-url', venue.baseUrl, '--stream-url', venue.streamUrl,
    '--symbols', (opts.symbols ?? ['BTC/USDT']).join(','), '--timeframe', venue.driver.interval, '--strategy', opts.strategy, '--state-dir', stateDir,
    ...(opts.args ?? []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, BINANCE_API_KEY: venue.apiKey, BINANCE_API_SECRET: venue.secret };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => {
    for (const w of waiters) w();
    res({ code, signal });
  }));
  let ended = false;
  void exited.then(() => (ended = true));
  const printed = (re: RegExp): Promise<void> => new Promise((res, rej) => {
    const check = (): void => {
      if (re.test(out)) {
        waiters.delete(check);
        res();
      } else if (ended || child.exitCode !== null || child.signalCode !== null) {
        waiters.delete(check);
        rej(new Error(`sextant live ended before printing ${re}:\n${out}\n${err}`));
      }
    };
    waiters.add(check);
    check();
  });
  return { child, out: () => out, err: () => err, printed, exited };
}

/** Polls `cond` every 25 ms until true, or throws after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * `sextant status --json -` on the state folder, run in this process through the CLI's main() (what it prints
 * and its exit code; the process boundary is not what the live tests check, and a spawned process would pay
 * a Node start and a source load for each call).
 */
export async function statusJson(stateDir: string): Promise<{ orders: number; fills: number; runStatus: string; positions: { symbol: string; qty: number }[]; openOrders: { id: string; status: string }[] }> {
  const { main } = await import('../../src/cli/main.ts'); // only the tests that ask for a status load the CLI
  let out = '';
  let err = '';
  const url = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  let code: number;
  try {
    code = await main(['status', '--state-dir', stateDir, '--run', RUN, '--json', '-'], (s) => (out += `${s}\n`), (s) => (err += `${s}\n`));
  } finally {
    if (url !== undefined) process.env.DATABASE_URL = url;
  }
  if (code !== 0) throw new Error(`sextant status exited ${code}: ${err}`);
  return JSON.parse(out) as never;
}

export interface Stored {
  readonly fills: FillInput[];
  readonly risk: RiskEventRecord[];
  readonly open: OrderRecord[];
  /** The stored order of each client id asked for (null: the store does not know it). */
  readonly orders: Map<string, OrderRecord | null>;
}

/** What the run's store holds (opened after the process ended: the embedded store is single-process). */
export async function readStore(stateDir: string, orderIds: readonly string[] = []): Promise<Stored> {
  const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
  try {
    const orders = new Map<string, OrderRecord | null>();
    for (const id of orderIds) orders.set(id, await store.getOrder(id));
    return { fills: await store.loadFills(RUN), risk: await store.loadRiskEvents(RUN), open: await store.loadOpenOrders(RUN), orders };
  } finally {
    await store.close();
  }
}

/** One line per fill, comparable between the store and the venue: order, side, quantity, price. */
export function fillKeys(fills: readonly { clientOrderId: string; side: string; qty: number; price: number }[]): string[] {
  return fills.map((f) => `${f.clientOrderId} ${f.side} ${f.qty.toFixed(8)} @ ${f.price.toFixed(2)}`).sort();
}

/**
 * The store's fills are the venue's one for one (order, side, quantity, price), and so are their commissions
 * to 1e-8 (the venue's is a float product sent as an 8-decimal string: the last bit may differ).
 */
export function expectSameFills(stored: readonly FillInput[], venue: FakeBinanceVenue): void {
  expect(storeFillKeys(stored)).toEqual(venueFillKeys(venue));
  const fees = (xs: readonly { clientOrderId: string; commission: number }[]): number[] => [...xs].sort((a, b) => a.clientOrderId.localeCompare(b.clientOrderId) || a.commission - b.commission).map((f) => f.commission);
  const mine = fees(stored.map((f) => ({ clientOrderId: f.orderId, commission: f.commission })));
  const theirs = fees(venue.spot.exchange.fills());
  for (let i = 0; i < theirs.length; i++) expect(Math.abs(mine[i]! - theirs[i]!)).toBeLessThan(1e-8);
}

export function venueFillKeys(venue: FakeBinanceVenue): string[] {
  return fillKeys(venue.spot.exchange.fills());
}

export function storeFillKeys(fills: readonly FillInput[]): string[] {
  return fillKeys(fills.map((f) => ({ ...f, clientOrderId: f.orderId })));
}

/** Net position per unified symbol from the venue (BTCUSDT -> BTC/USDT). */
export function venuePositions(venue: FakeBinanceVenue): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of venue.spot.exchange.positions()) out[p.symbol.replace(/USDT$/, '/USDT')] = round8(p.qty);
  return out;
}

export function storePositions(fills: readonly FillInput[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of fills) out[f.symbol] = round8((out[f.symbol] ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
}

export const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

/** Files under `dir` whose bytes contain any of `secrets`. */
export function filesContaining(dir: string, secrets: readonly string[]): string[] {
  const hits: string[] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const bytes = readFileSync(path);
    if (secrets.some((s) => bytes.includes(Buffer.from(s)))) hits.push(path);
  }
  return hits;
}
