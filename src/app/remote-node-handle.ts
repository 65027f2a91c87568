// NodeHandles for a node in another process: over its local control endpoint (the embedded store, which only
// the node can open; control-endpoint.ts), or over a shared Postgres store (the command row is written here and
// the node takes it within its poll interval; the answer is read back from the same row).
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { foldFills } from '../store/positions.ts';
import type { CommandKind, CommandRecord, Store } from '../store/store.ts';
import type { EndpointFile } from './control-endpoint.ts';
import { orderDtoOf } from './dto/order.ts';
import { UNKNOWN_HEALTH } from './node-health.ts';
import {
  COMMAND_RUN_MS, COMMAND_TTL_MS, CommandArgsSchema, CommandReplySchema, NodeMessageSchema, NodeStatusSchema, OrderViewSchema, PositionViewSchema, TOPICS,
  parseAt, replyOf, type CommandArgs, type CommandReply, type CommandRequest, type NodeHandle, type NodeMessage, type NodeStatus, type OrderView,
  type PositionView, type Topic,
} from './node-handle.ts';

/** Who is asking, as recorded with a command. */
export function defaultRequester(via: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no user name (containers): keep "unknown"
  }
  return `${via}:${user}@${hostname()} pid ${process.pid}`;
}

abstract class CommandsBase {
  abstract command(kind: CommandKind, args?: CommandArgs): Promise<CommandReply>;
  pause(): Promise<CommandReply> {
    return this.command('halt');
  }
  resume(): Promise<CommandReply> {
    return this.command('resume');
  }
  stop(): Promise<CommandReply> {
    return this.command('stop');
  }
  kill(opts: { flatten?: boolean } = {}): Promise<CommandReply> {
    return this.command('kill', { flatten: opts.flatten === true });
  }
}

const ErrorBodySchema = z.object({ error: z.string(), field: z.string().optional() });

/** A node in another process on this machine, through its control endpoint. */
export class HttpNodeHandle extends CommandsBase implements NodeHandle {
  readonly runId: string;
  readonly #ep: EndpointFile;
  readonly #requester: string;
  readonly #aborts = new Set<AbortController>();

  constructor(endpoint: EndpointFile, requester = defaultRequester('cli')) {
    super();
    this.runId = endpoint.runId;
    this.#ep = endpoint;
    this.#requester = requester;
  }

  async #call<S extends z.ZodType>(path: string, schema: S, init: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<z.infer<S>> {
    let res: Response;
    try {
      res = await fetch(`${this.#ep.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${this.#ep.token}`, 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new ConfigError(
        cause === 'TimeoutError'
          // The endpoint is served by the paper process's supervisor, which strategy code cannot block: a query
          // answers within about a second, a command once done (after restarting a stuck node, if need be).
          ? `the node (process ${this.#ep.pid}) did not answer within ${((init.timeoutMs ?? 5000) / 1000).toFixed(0)} s on ${this.#ep.url}: the process is stopped (SIGSTOP) or overloaded`
          : `cannot reach the node (process ${this.#ep.pid}) on ${this.#ep.url}: ${cause}`,
      );
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const err = ErrorBodySchema.safeParse(body);
      throw new ConfigError(`the node answered ${res.status}: ${err.success ? err.data.error : 'no message'}`);
    }
    return parseAt(schema, body, 'reply');
  }

  status(): Promise<NodeStatus> {
    return this.#call('/status', NodeStatusSchema);
  }
  positions(): Promise<PositionView[]> {
    return this.#call('/positions', z.array(PositionViewSchema));
  }
  orders(): Promise<OrderView[]> {
    return this.#call('/orders', z.array(OrderViewSchema));
  }

  command(kind: CommandKind, args: CommandArgs = {}): Promise<CommandReply> {
    const now = Date.now();
    const request: CommandRequest = { kind, args: parseAt(CommandArgsSchema, args, 'args'), requester: this.#requester, requestedMs: now, expiresMs: now + COMMAND_TTL_MS };
    return this.#call('/commands', CommandReplySchema, { method: 'POST', body: request, timeoutMs: COMMAND_TTL_MS + COMMAND_RUN_MS });
  }

  async subscribe(topics: readonly Topic[], listener: (m: NodeMessage) => void): Promise<() => void> {
    const abort = new AbortController();
    this.#aborts.add(abort);
    const res = await fetch(`${this.#ep.url}/events?topics=${topics.join(',')}`, { headers: { authorization: `Bearer ${this.#ep.token}` }, signal: abort.signal });
    if (!res.ok || res.body === null) throw new ConfigError(`the node refused the subscription (${res.status})`, { field: 'topics' });
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const event = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            if (!event.startsWith('data: ')) continue;
            const m = NodeMessageSchema.safeParse(JSON.parse(event.slice(6)));
            if (m.success) listener(m.data);
          }
        }
      } catch {
        // aborted, or the node went away: the subscription ends
      }
    })();
    return () => {
      abort.abort();
      this.#aborts.delete(abort);
    };
  }

  close(): Promise<void> {
    for (const a of this.#aborts) a.abort();
    this.#aborts.clear();
    return Promise.resolve();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A node owning a run in a shared Postgres store: commands are rows the node takes; state is read from the store. */
export class StoreNodeHandle extends CommandsBase implements NodeHandle {
  readonly runId: string;
  readonly #store: Store;
  readonly #requester: string;
  readonly #pollMs: number;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(store: Store, runId: string, opts: { requester?: string; pollMs?: number } = {}) {
    super();
    this.#store = store;
    this.runId = runId;
    this.#requester = opts.requester ?? defaultRequester('cli');
    this.#pollMs = opts.pollMs ?? 100;
  }

  async status(): Promise<NodeStatus> {
    const id = this.runId;
    const [owner, orders, fills, open, equity, events, halted, positions] = await Promise.all([
      this.#store.runOwner(id), this.#store.countOrders(id), this.#store.loadFills(id), this.#store.loadOpenOrders(id), this.#store.latestEquity(id),
      this.#store.loadRiskEvents(id), this.#store.getSetting<boolean>(`halted:${id}`), this.positions(),
    ]);
    const errors = events.filter((e) => e.kind === 'strategy-error').map((e) => {
      const cut = e.reason.indexOf(': ');
      return { strategyId: cut < 0 ? '?' : e.reason.slice(0, cut), message: cut < 0 ? e.reason : e.reason.slice(cut + 2), tsMs: e.tsMs };
    });
    return {
      runId: id, node: owner === null ? null : { pid: owner.pid, host: owner.host }, source: 'store', nowMs: equity?.tsMs ?? null, equity: equity?.equity ?? null,
      cash: equity?.cash ?? null, halted: halted === true, orders, fills: fills.length, openOrders: open.length, barsSeen: null, positions,
      strategyErrors: errors, abortReason: events.filter((e) => e.kind === 'resource-limit').at(-1)?.reason ?? null, health: UNKNOWN_HEALTH,
    };
  }

  async positions(): Promise<PositionView[]> {
    const [fills, instruments] = await Promise.all([this.#store.loadFills(this.runId), this.#store.loadInstruments()]);
    const m = new Map(instruments.map((i) => [i.symbol, i.multiplier]));
    return foldFills(this.runId, fills, (s) => m.get(s) ?? 1)
      .filter((p) => p.qty !== 0)
      .map((p) => ({ strategyId: p.strategyId, symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice, lastPrice: null, unrealizedPnl: null }));
  }

  async orders(): Promise<OrderView[]> {
    return (await this.#store.loadOpenOrders(this.runId)).map((o) => OrderViewSchema.parse(orderDtoOf(o)));
  }

  async command(kind: CommandKind, args: CommandArgs = {}): Promise<CommandReply> {
    const now = Date.now();
    const rec = await this.#store.submitCommand({ runId: this.runId, kind, args: parseAt(CommandArgsSchema, args, 'args'), requester: this.#requester, requestedMs: now, expiresMs: now + COMMAND_TTL_MS });
    const giveUp = rec.expiresMs + COMMAND_RUN_MS;
    let cur: CommandRecord = rec;
    for (;;) {
      await sleep(this.#pollMs);
      cur = (await this.#store.getCommand(rec.id)) ?? cur;
      if (cur.status === 'done' || cur.status === 'failed' || cur.status === 'expired') return replyOf(cur);
      // Not taken by its deadline: expire it here (a node polling later will not execute it either).
      if (cur.status === 'pending' && Date.now() > rec.expiresMs + this.#pollMs) {
        const [expired] = await this.#store.expireCommands(this.runId, `expired: no node took it within ${COMMAND_TTL_MS / 1000} s`, [rec.id]);
        if (expired !== undefined) return replyOf(expired);
      }
      if (Date.now() > giveUp) return replyOf(cur);
    }
  }

  /** Polls the store: status every second, commands as they finish. */
  async subscribe(topics: readonly Topic[], listener: (m: NodeMessage) => void): Promise<() => void> {
    const want = new Set(topics.map((t, i) => parseAt(z.enum(TOPICS), t, `topics.${i}`)));
    const seen = new Set<string>();
    let first = true;
    const tick = async (): Promise<void> => {
      if (want.has('status')) listener({ topic: 'status', status: await this.status() });
      if (want.has('command')) {
        for (const c of await this.#store.listCommands(this.runId)) {
          if (c.status !== 'done' && c.status !== 'failed' && c.status !== 'expired') continue;
          if (seen.has(c.id)) continue;
          seen.add(c.id);
          if (!first) listener({ topic: 'command', command: replyOf(c) });
        }
      }
      first = false;
    };
    // The first pass (commands finished before the subscription are not news) before this resolves.
    await tick();
    const timer = setInterval(() => void tick().catch(() => undefined), 1000);
    this.#timers.add(timer);
    return () => {
      clearInterval(timer);
      this.#timers.delete(timer);
    };
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.clear();
    await this.#store.close();
  }
}
