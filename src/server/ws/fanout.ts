// Fan-out of bots' events to WebSocket clients. Each running bot's bus is read through a queued subscription
// (so nothing here runs inside the trading loop's call stack), each message is serialized once and sent to
// every client subscribed to that bot and topic. Events and logs are numbered per bot session (`epoch`,
// `seq`) and the last RING of them kept for clients that reconnect with `since`. A slow client never holds
// anything up: equity and positions are coalesced to the newest while its socket is backed up, and a client
// whose backlog passes the hard limit is closed with code 4008.
import { randomUUID } from 'node:crypto';
import type { BotView } from '../../app/bots/bot-service.ts';
import type { Job } from '../../app/jobs/job-service.ts';
import type { PaperSession } from '../../app/paper.ts';
import type { ServerServices } from '../../app/server-services.ts';
import { botDto } from '../bot-dto.ts';
import type { WsTopic } from './messages.ts';
import type { WsClient } from './client.ts';

/** Event and log messages kept per bot for resuming clients. */
export const RING = 5000;

interface Frame {
  readonly seq: number;
  readonly topic: WsTopic;
  readonly text: string;
}

interface BotFeed {
  readonly id: string;
  readonly epoch: string;
  seq: number;
  readonly ring: Frame[];
  readonly stop: (() => void)[];
  positionsText: string;
}

const iso = (ms: number): string => new Date(Number.isFinite(ms) ? ms : Date.now()).toISOString();

export class Fanout {
  readonly #feeds = new Map<string, BotFeed>();
  /** `${bot}\0${topic}` (bot '' for `bots`) → subscribed clients. */
  readonly #index = new Map<string, Set<WsClient>>();
  readonly #unwatch: () => void;
  readonly #unwatchJobs: () => void;
  #botsSeq = 0;
  #jobsSeq = 0;

  constructor(services: ServerServices) {
    for (const b of services.bots.list()) {
      const s = b.state === 'running' ? services.bots.sessionOrNull(b.id) : null;
      if (s !== null) this.#attach(b.id, s);
    }
    this.#unwatch = services.bots.watch({
      started: (id, session) => this.#attach(id, session),
      stopped: (id) => this.#detach(id),
      changed: (view) => this.#botChanged(view),
    });
    this.#unwatchJobs = services.jobs.watch((job) => this.#jobChanged(job));
  }

  /** The session marker and last sequence number of a bot's stream (null when it is not running). */
  position(bot: string): { epoch: string; seq: number } | null {
    const f = this.#feeds.get(bot);
    return f === undefined ? null : { epoch: f.epoch, seq: f.seq };
  }

  subscribe(client: WsClient, bot: string | null, topic: WsTopic): void {
    const key = `${bot ?? ''}\0${topic}`;
    let set = this.#index.get(key);
    if (set === undefined) this.#index.set(key, (set = new Set()));
    set.add(client);
  }

  unsubscribe(client: WsClient, bot: string | null, topic: WsTopic): void {
    this.#index.get(`${bot ?? ''}\0${topic}`)?.delete(client);
  }

  removeClient(client: WsClient): void {
    for (const set of this.#index.values()) set.delete(client);
  }

  /**
   * Sends `client` the buffered events/logs of `bot` after `since` (of the same epoch). When the epoch is
   * another (the bot restarted) or `since` is older than the ring, the client gets a gap message first.
   */
  replay(client: WsClient, bot: string, topics: ReadonlySet<WsTopic>, since: number, epoch: string | undefined): void {
    const f = this.#feeds.get(bot);
    if (f === undefined) return;
    const oldest = f.ring[0]?.seq ?? f.seq + 1;
    if ((epoch !== undefined && epoch !== f.epoch) || since + 1 < oldest) {
      client.sendObject({
        type: 'gap', bot, epoch: f.epoch, from: epoch !== undefined && epoch !== f.epoch ? 1 : since + 1, to: oldest - 1,
        message: epoch !== undefined && epoch !== f.epoch ? 'the bot restarted since (a new epoch): read what it did through the REST API' : `messages ${since + 1}..${oldest - 1} are no longer kept: read them through the REST API`,
      });
    }
    for (const fr of f.ring) if (fr.seq > since && topics.has(fr.topic)) client.sendText(fr.text);
  }

  close(): void {
    this.#unwatch();
    this.#unwatchJobs();
    for (const id of [...this.#feeds.keys()]) this.#detach(id);
    this.#index.clear();
  }

  #clients(bot: string, topic: WsTopic): Set<WsClient> | undefined {
    const set = this.#index.get(`${bot}\0${topic}`);
    return set === undefined || set.size === 0 ? undefined : set;
  }

  /** A numbered, kept message (events, logs). */
  #emit(f: BotFeed, topic: WsTopic, tsMs: number, data: unknown): void {
    const seq = ++f.seq;
    const text = JSON.stringify({ type: 'message', bot: f.id, topic, epoch: f.epoch, seq, time: iso(tsMs), data });
    f.ring.push({ seq, topic, text });
    if (f.ring.length > RING) f.ring.splice(0, f.ring.length - RING);
    const clients = this.#clients(f.id, topic);
    if (clients !== undefined) for (const c of clients) c.sendText(text);
  }

  /** A snapshot that only the newest of matters (equity, positions): coalesced for slow clients. */
  #snapshot(f: BotFeed, topic: WsTopic, tsMs: number, data: unknown): void {
    const clients = this.#clients(f.id, topic);
    if (clients === undefined) return;
    const text = JSON.stringify({ type: 'message', bot: f.id, topic, epoch: f.epoch, seq: f.seq, time: iso(tsMs), data });
    for (const c of clients) c.sendText(text, `${f.id}\0${topic}`);
  }

  #attach(id: string, session: PaperSession): void {
    this.#detach(id);
    const f: BotFeed = { id, epoch: randomUUID(), seq: 0, ring: [], stop: [], positionsText: '' };
    this.#feeds.set(id, f);
    const bus = session.node.bus;
    const queue = { capacity: 50_000 };
    f.stop.push(bus.subscribe('order', (m) => {
      const { event: e, order: o } = m.payload;
      this.#emit(f, 'events', m.tsMs, {
        busSeq: m.seq, kind: e.type, orderId: e.orderId, strategyId: e.strategyId, symbol: e.symbol, reason: 'reason' in e ? e.reason : null,
        fill: e.type === 'OrderFilled' ? { price: e.fill.price, qty: e.fill.qty, side: o.side, commission: e.fill.commission } : null,
        order: { side: o.side, type: o.type, qty: o.qty, status: o.status, filledQty: o.filledQty, avgFillPrice: o.filledQty > 0 ? o.avgFillPrice : null, limitPrice: o.limitPrice ?? null, stopPrice: o.stopPrice ?? null, tag: o.request.tag ?? null },
      });
    }, { name: 'ws.events', queue }));
    f.stop.push(bus.subscribe('risk', (m) => {
      const r = m.payload;
      const data = { busSeq: m.seq, kind: 'RiskEvent', riskKind: r.kind, reason: r.reason, breaker: r.breaker ?? null, action: r.action ?? null };
      this.#emit(f, 'events', m.tsMs, data);
      this.#emit(f, 'logs', m.tsMs, { level: r.kind.includes('trip') || r.kind === 'feed' ? 'warn' : 'info', source: `risk:${r.kind}`, message: r.reason });
    }, { name: 'ws.risk', queue }));
    f.stop.push(bus.subscribe('strategy.error', (m) => {
      const e = m.payload;
      this.#emit(f, 'events', m.tsMs, { busSeq: m.seq, kind: 'StrategyError', strategyId: e.strategyId, reason: e.message });
      this.#emit(f, 'logs', m.tsMs, { level: 'error', source: `strategy:${e.strategyId}`, message: e.message });
    }, { name: 'ws.strategy-error', queue }));
    f.stop.push(bus.subscribe('bar', (m) => {
      const clients = this.#clients(id, 'candles');
      if (clients === undefined) return;
      const b = m.payload;
      for (const c of clients) c.sendCandle(id, f.epoch, f.seq, b);
    }, { name: 'ws.candles', queue }));
    let unsubHandle: (() => void) | null = null;
    let closed = false;
    void session.handle.subscribe(['status', 'command'], (msg) => {
      if (msg.topic === 'command') {
        const c = msg.command;
        this.#emit(f, 'logs', Date.now(), { level: c.status === 'failed' ? 'error' : 'info', source: `command:${c.kind}`, message: `${c.requester}: ${c.status} — ${c.message}` });
        return;
      }
      const s = msg.status;
      this.#snapshot(f, 'equity', s.nowMs ?? Date.now(), { equity: s.equity, cash: s.cash, halted: s.halted, openOrders: s.openOrders, orders: s.orders, fills: s.fills, health: s.health });
      const positionsText = JSON.stringify(s.positions);
      if (positionsText !== f.positionsText) {
        f.positionsText = positionsText;
        this.#snapshot(f, 'positions', s.nowMs ?? Date.now(), s.positions);
      }
    }).then((u) => {
      if (closed) u();
      else unsubHandle = u;
    });
    f.stop.push(() => {
      closed = true;
      unsubHandle?.();
    });
  }

  #detach(id: string): void {
    const f = this.#feeds.get(id);
    if (f === undefined) return;
    for (const s of f.stop) s();
    this.#feeds.delete(id);
  }

  /** A research job's state or progress: `bot` is the job id, `data` the job as GET /research/jobs/:id has it. */
  #jobChanged(job: Job): void {
    const clients = this.#clients('', 'jobs');
    if (clients === undefined) return;
    const text = JSON.stringify({ type: 'message', bot: job.id, topic: 'jobs', epoch: '', seq: ++this.#jobsSeq, time: new Date().toISOString(), data: job });
    // Progress of one job is a snapshot: a slow client gets the newest (state changes are progress too).
    for (const c of clients) c.sendText(text, job.state === 'running' ? `job\0${job.id}` : undefined);
  }

  #botChanged(view: BotView): void {
    const clients = this.#clients('', 'bots');
    if (clients === undefined) return;
    const text = JSON.stringify({ type: 'message', bot: view.id, topic: 'bots', epoch: '', seq: ++this.#botsSeq, time: new Date().toISOString(), data: botDto(view) });
    for (const c of clients) c.sendText(text);
  }
}
