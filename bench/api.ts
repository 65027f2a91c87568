// The API server under load (`npm run bench -- api`), on loopback with the in-memory store while a paper bot
// trades the live synthetic market (bars of 200 ms, ticks of 50 ms):
// - api-account: GET /api/v1/bots/:id/account with a read token at 50 connections for 10 s (autocannon in
//   its own process, so the load generator does not share the server's event loop) → req/s, p50/p99.
//   The rate limit is raised for the run (a token gets 6,000 requests a minute by default).
// - api-ws-fanout: 200 WebSocket clients (in a worker thread) subscribed to the bot's `events`; manual orders
//   are POSTed one every 50 ms, and each delivery's latency runs from just before the POST to the moment a
//   client receives that order's OrderSubmitted event (both clocks are performance.timeOrigin + now(), one
//   process). The clients share one worker's event loop: the last of 200 to be read waits for the others, so
//   the figure includes that queueing (as a real host with 200 dashboards would not).
// Targets (issue 15): ≥ 15,000 req/s with p99 < 20 ms; WebSocket p99 < 50 ms. The machine's load average is
// printed with the figures: on a shared 2-core machine they are lower bounds.
import { execFile } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { startApiServer, startTradingBot, type ApiServer } from '../test/helpers/api-server.ts';
import { peakRssMb, type BenchResult } from './types.ts';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.API_BENCH_SECONDS ?? 10);
const WS_CLIENTS = Number(process.env.API_BENCH_WS_CLIENTS ?? 200);
const ORDERS = Number(process.env.API_BENCH_ORDERS ?? 100);

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number): number => Math.round(x * 100) / 100;
const load = (): string => `${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`;

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

async function accountLoad(api: ApiServer, bot: string): Promise<BenchResult> {
  const loadBefore = load();
  const { stdout } = await promisify(execFile)(process.execPath, [
    join(root, 'node_modules/autocannon/autocannon.js'), '-j', '-c', String(CONNECTIONS), '-d', String(SECONDS),
    '-H', `authorization=Bearer ${api.tokens.read}`, `${api.url}/api/v1/bots/${bot}/account`,
  ], { maxBuffer: 64 * 1024 * 1024 });
  const r = JSON.parse(stdout) as AutocannonJson;
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`api-account: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
  return {
    name: 'api-account', work: `GET /api/v1/bots/:id/account, ${CONNECTIONS} connections, ${SECONDS} s, bot trading`, seconds: r.duration, rate: r.requests.average,
    requests: r.requests.total, p50Ms: r.latency.p50, p99Ms: r.latency.p99, maxMs: r.latency.max, target: '>= 15000 req/s, p99 < 20 ms', loadBefore, loadAfter: load(), peakRssMb: peakRssMb(),
  };
}

/** The WebSocket clients: plain JavaScript for an eval'd worker (ws is CommonJS). */
const CLIENTS_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const now = () => performance.timeOrigin + performance.now();
const seen = [];
const sockets = [];
let ready = 0;
for (let i = 0; i < workerData.clients; i++) {
  const first = new Map();
  seen.push(first);
  const ws = new WebSocket(workerData.url, { headers: { authorization: 'Bearer ' + workerData.token } });
  sockets.push(ws);
  ws.on('open', () => ws.send(JSON.stringify({ op: 'subscribe', bot: workerData.bot, topics: ['events'] })));
  ws.on('error', (e) => parentPort.postMessage({ error: String(e) }));
  ws.on('message', (raw) => {
    const t = now();
    const s = raw.toString();
    if (s.startsWith('{"type":"subscribed"')) {
      if (++ready === workerData.clients) parentPort.postMessage({ ready: true });
      return;
    }
    if (!s.includes('"OrderSubmitted"')) return;
    const m = JSON.parse(s);
    if (m.type === 'message' && m.data.kind === 'OrderSubmitted' && !first.has(m.data.orderId)) first.set(m.data.orderId, t);
  });
}
parentPort.on('message', () => {
  parentPort.postMessage({ seen: seen.map((m) => [...m]) });
  for (const ws of sockets) ws.close();
});
`;

async function wsFanout(api: ApiServer, bot: string): Promise<BenchResult> {
  const loadBefore = load();
  const worker = new Worker(CLIENTS_WORKER, {
    eval: true,
    workerData: { url: `${api.url.replace('http', 'ws')}/api/v1/ws`, token: api.tokens.read, bot, clients: WS_CLIENTS, wsPath: join(root, 'node_modules/ws/index.js') },
  });
  const messages: { ready?: boolean; seen?: [string, number][][]; error?: string }[] = [];
  let wake: (() => void) | null = null;
  worker.on('message', (m: (typeof messages)[number]) => {
    messages.push(m);
    wake?.();
  });
  const waitFor = async (pred: (m: (typeof messages)[number]) => boolean): Promise<(typeof messages)[number]> => {
    for (;;) {
      const found = messages.find(pred);
      if (found !== undefined) return found;
      const err = messages.find((m) => m.error !== undefined);
      if (err !== undefined) throw new Error(`ws client: ${err.error}`);
      await new Promise<void>((r) => (wake = r));
    }
  };
  try {
    await waitFor((m) => m.ready === true);
    const sentAt = new Map<string, number>();
    const t0 = performance.now();
    for (let i = 0; i < ORDERS; i++) {
      const at = performance.timeOrigin + performance.now();
      const a = await api.call('POST', `/api/v1/bots/${bot}/orders`, { token: api.tokens.trade, body: { symbol: 'BTC-USD', side: i % 2 === 0 ? 'buy' : 'sell', qty: 0.001 } });
      if (a.status !== 201) throw new Error(`manual order: ${a.status} ${a.text}`);
      // Only orders that reached the venue have an OrderSubmitted (a denied one has its OrderDenied).
      const r = a.json as { order: { clientOrderId: string } | null; outcome: string };
      if (r.order !== null && r.outcome === 'submitted') sentAt.set(r.order.clientOrderId, at);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const seconds = (performance.now() - t0) / 1000;
    worker.postMessage('report');
    const { seen } = await waitFor((m) => m.seen !== undefined);
    const lat: number[] = [];
    let missing = 0;
    for (const client of seen!) {
      const got = new Map(client);
      for (const [id, at] of sentAt) {
        const t = got.get(id);
        if (t === undefined) missing++;
        else lat.push(t - at);
      }
    }
    return {
      name: 'api-ws-fanout', work: `${sentAt.size} manual orders (one per 50 ms), OrderSubmitted to ${WS_CLIENTS} clients`, seconds, rate: lat.length / seconds,
      deliveries: lat.length, missing, p50Ms: round(pct(lat, 50)), p99Ms: round(pct(lat, 99)), maxMs: round(Math.max(...lat)), target: 'p99 < 50 ms', loadBefore, loadAfter: load(), peakRssMb: peakRssMb(),
    };
  } finally {
    await worker.terminate();
  }
}

export async function run(): Promise<BenchResult[]> {
  const api = await startApiServer({ rateLimitPerMinute: 1_000_000_000 });
  try {
    const bot = await startTradingBot(api);
    return [await accountLoad(api, bot), await wsFanout(api, bot)];
  } finally {
    await api.close();
  }
}
