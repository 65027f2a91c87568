// The fake Binance venue (venue.ts) for benches, either in its own worker thread (default) or in the caller's
// thread. A real venue does not share the trading node's event loop: in its own thread the fake's work
// (thousands of market frames a second, the matcher, its HTTP proxy) runs beside the node instead of
// between the node's own steps, and what a bench measures is the node plus the wire (loopback TCP).
// Times on both sides are read from one clock, `sharedNowMs()` (process.hrtime: monotonic and the same in
// every thread of the process), so a time stamped by the venue's thread and one stamped by the node compare.
import { EventEmitter } from 'node:events';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { FakeFill } from '../fake-exchange.ts';
import { FakeBinanceVenue, type FakeBinanceVenueOptions } from './venue.ts';

/** Milliseconds on the clock every thread of this process shares. */
export function sharedNowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface BenchVenueOptions extends FakeBinanceVenueOptions {
  /** Run the fake in a worker thread (default true). */
  readonly thread?: boolean;
  /** Venue symbols whose closed bars are reported ('bar' events); default none. */
  readonly reportBarsOf?: readonly string[];
}

/** A closed bar's kline frame handed to the sockets, at `sentAt` (sharedNowMs). */
export interface BenchBar {
  readonly symbol: string;
  readonly openMs: number;
  readonly sentAt: number;
}

/** An order request's first arrival at the matcher, at `at` (sharedNowMs). */
export interface BenchOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly at: number;
}

type Events = { bar: [BenchBar]; order: [BenchOrder] };

export interface BenchVenue extends EventEmitter<Events> {
  /** The one port of venue.ts (REST routed by path, streams spliced): what `sextant live` is pointed at. */
  readonly baseUrl: string;
  readonly streamUrl: string;
  /** The spot fake's own port (trading REST, WebSocket API at /ws-api/v3) and the market fake's (klines, streams at /ws): no router in between. */
  readonly spotUrl: string;
  readonly marketUrl: string;
  readonly apiKey: string;
  readonly secret: string;
  /** The fills the matcher made. */
  fills(): Promise<FakeFill[]>;
  /** Client order ids the venue accepted more than once (must be none). */
  duplicateAcceptances(): Promise<string[]>;
  /** Empties the market fake's kline history (the venue's memory, not the node's). */
  dropHistory(): Promise<void>;
  close(): Promise<void>;
}

type Urls = Pick<BenchVenue, 'baseUrl' | 'streamUrl' | 'spotUrl' | 'marketUrl' | 'apiKey' | 'secret'>;
type Call = 'fills' | 'duplicateAcceptances' | 'dropHistory' | 'close';
type ToVenue = { readonly id: number; readonly call: Call };
type FromVenue =
  | { readonly kind: 'ready'; readonly urls: Urls }
  | { readonly kind: 'bar'; readonly bar: BenchBar }
  | { readonly kind: 'order'; readonly order: BenchOrder }
  | { readonly kind: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'failed'; readonly error: string };

/** Starts the fake and wires its bar and order reports to `emit`; returns how each call is answered. */
async function host(opts: BenchVenueOptions, emit: (m: FromVenue) => void): Promise<{ urls: Urls; answer: (c: Call) => Promise<unknown> }> {
  const { thread: _t, reportBarsOf, ...venueOpts } = opts;
  const venue = await FakeBinanceVenue.start(venueOpts);
  const reported = new Set(reportBarsOf ?? []);
  venue.driver.on('bar', (b) => {
    if (!reported.has(b.symbol)) return;
    // b.sentAt was read (performance.now()) just before the frame went to the sockets: the same instant on the shared clock.
    emit({ kind: 'bar', bar: { symbol: b.symbol, openMs: b.openMs, sentAt: sharedNowMs() - (performance.now() - b.sentAt) } });
  });
  const seen = new Set<string>();
  venue.spot.exchange.on('order', (o) => {
    if (seen.has(o.clientOrderId)) return;
    seen.add(o.clientOrderId);
    emit({ kind: 'order', order: { clientOrderId: o.clientOrderId, symbol: o.symbol, at: sharedNowMs() } });
  });
  const answer = async (c: Call): Promise<unknown> => {
    switch (c) {
      case 'fills':
        return venue.spot.exchange.fills();
      case 'duplicateAcceptances':
        return venue.spot.exchange.duplicateAcceptances();
      case 'dropHistory':
        for (const s of opts.symbols ?? []) (venue.market.history(s.symbol, opts.interval ?? '1s') as unknown[]).length = 0;
        return undefined;
      case 'close':
        return venue.close();
    }
  };
  const urls: Urls = { baseUrl: venue.baseUrl, streamUrl: venue.streamUrl, spotUrl: venue.spot.baseUrl, marketUrl: `http://127.0.0.1:${venue.market.port}`, apiKey: venue.apiKey, secret: venue.secret };
  return { urls, answer };
}

class VenueHandle extends EventEmitter<Events> implements BenchVenue {
  baseUrl = '';
  streamUrl = '';
  spotUrl = '';
  marketUrl = '';
  apiKey = '';
  secret = '';
  #next = 0;
  readonly #waiting = new Map<number, (v: unknown) => void>();

  constructor(private readonly send: ((m: ToVenue) => void) | null, private readonly local: ((c: Call) => Promise<unknown>) | null) {
    super();
  }

  receive(m: FromVenue): void {
    if (m.kind === 'bar') this.emit('bar', m.bar);
    else if (m.kind === 'order') this.emit('order', m.order);
    else if (m.kind === 'reply') {
      this.#waiting.get(m.id)?.(m.value);
      this.#waiting.delete(m.id);
    }
  }

  #call<T>(call: Call): Promise<T> {
    if (this.local !== null) return this.local(call) as Promise<T>;
    const id = this.#next++;
    return new Promise<T>((resolve) => {
      this.#waiting.set(id, resolve as (v: unknown) => void);
      this.send!({ id, call });
    });
  }

  fills(): Promise<FakeFill[]> {
    return this.#call('fills');
  }
  duplicateAcceptances(): Promise<string[]> {
    return this.#call('duplicateAcceptances');
  }
  dropHistory(): Promise<void> {
    return this.#call('dropHistory');
  }
  close(): Promise<void> {
    return this.#call('close');
  }
}

/** The fake venue in a worker thread (default) or in this thread (`thread: false`). */
export async function startBenchVenue(opts: BenchVenueOptions): Promise<BenchVenue> {
  if (opts.thread === false) {
    let handle: VenueHandle | null = null;
    const { urls, answer } = await host(opts, (m) => handle?.receive(m));
    handle = new VenueHandle(null, answer);
    Object.assign(handle, urls);
    return handle;
  }
  // The worker runs this very file, through tsx (a worker does not inherit the --import loader of its parent).
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { benchVenue: opts } });
  const handle = new VenueHandle((m) => worker.postMessage(m), null);
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: FromVenue) => {
      if (m.kind === 'ready') {
        Object.assign(handle, m.urls);
        resolve();
      } else if (m.kind === 'failed') reject(new Error(`fake venue thread: ${m.error}`));
      else handle.receive(m);
    });
    worker.on('error', reject);
  });
  await ready;
  const close = handle.close.bind(handle);
  handle.close = async () => {
    await close();
    await worker.terminate();
  };
  return handle;
}

const data = workerData as { benchVenue?: BenchVenueOptions } | null;
if (!isMainThread && parentPort !== null && data?.benchVenue !== undefined) {
  const port = parentPort;
  host(data.benchVenue, (m) => port.postMessage(m)).then(
    ({ urls, answer }) => {
      port.on('message', (m: ToVenue) => void answer(m.call).then((value) => port.postMessage({ kind: 'reply', id: m.id, value } satisfies FromVenue)));
      port.postMessage({ kind: 'ready', urls } satisfies FromVenue);
    },
    (e: unknown) => port.postMessage({ kind: 'failed', error: e instanceof Error ? e.message : String(e) } satisfies FromVenue),
  );
}
