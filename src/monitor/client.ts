// The monitor's access to a running `sextant serve` (docs/api.md): one snapshot of a bot from the REST routes
// (fetched together, once a tick) and the operator's actions (pause, resume, kill, cancel an order), each call
// with `Authorization: Bearer <token>`. Only the fields the monitor shows are typed here.
import WebSocket from 'ws';
import { InputError } from '../core/errors.ts';

export interface BotSummary {
  readonly id: string;
  readonly name: string;
  readonly mode: string;
  readonly state: string;
  readonly error: string | null;
}
export interface Account {
  readonly equity: number;
  readonly cash: number;
  readonly pnlToday: number | null;
  readonly pnlTotal: number | null;
  readonly halted: boolean;
}
export interface Position {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  readonly strategyId: string;
  readonly lastPrice?: number | null;
  readonly unrealizedPnl?: number | null;
}
export interface Order {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly qty: number;
  readonly limitPrice: number | null;
  readonly stopPrice: number | null;
  readonly status: string;
  readonly filledQty: number;
}
export interface Fill {
  readonly time: string;
  readonly symbol: string;
  readonly side: string;
  readonly price: number;
  readonly qty: number;
  readonly orderId: string;
}
export interface Risk {
  readonly halted: boolean;
  readonly breakers: readonly string[];
  readonly tripped: readonly { readonly breaker: string; readonly reason: string }[];
}
export interface LogEntry {
  readonly time: string;
  readonly level: string;
  readonly source: string;
  readonly message: string;
}

/** Everything one screen shows of a bot, plus the other bots' ids (to say which exist). */
export interface Snapshot {
  readonly bot: BotSummary;
  readonly bots: readonly BotSummary[];
  /** null while the bot is stopped (its routes answer 409) or has no run yet. */
  readonly account: Account | null;
  readonly positions: readonly Position[];
  readonly openOrders: readonly Order[];
  readonly fills: readonly Fill[];
  readonly equity: readonly number[];
  readonly risk: Risk | null;
  readonly logs: readonly LogEntry[];
  readonly fetchedMs: number;
}

/** An answer other than 2xx: the status and the problem's message when there is one. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export const FILLS_SHOWN = 20;
export const EQUITY_POINTS = 200;
export const LOGS_SHOWN = 20;

export interface MonitorClientOptions {
  /** The server's origin, e.g. http://127.0.0.1:8080. */
  readonly server: string;
  readonly token: string;
  /** Per request; default 5 s. */
  readonly timeoutMs?: number;
}

export class MonitorClient {
  readonly origin: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(opts: MonitorClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.server);
    } catch {
      throw new InputError(`not a URL: ${JSON.stringify(opts.server)}`, { field: '--server' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`an http:// or https:// URL is needed, not ${url.protocol}`, { field: '--server' });
    this.origin = url.origin;
    this.#token = opts.token;
    this.#timeoutMs = opts.timeoutMs ?? 5000;
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.origin}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      // The server's problem answers carry a `message` (docs/api.md, "Errors").
      const p = json as { message?: unknown; detail?: unknown } | undefined;
      const why = typeof p?.message === 'string' ? p.message : typeof p?.detail === 'string' ? p.detail : text.slice(0, 200);
      throw new ApiError(res.status, `${method} ${path}: ${res.status} ${why}`);
    }
    return json as T;
  }

  /** The bots on the server. */
  bots(): Promise<BotSummary[]> {
    return this.#call<BotSummary[]>('GET', '/api/v1/bots');
  }

  /** One screen of `botId`, or of the first running bot (else the first bot) when none is given. */
  async snapshot(botId?: string): Promise<Snapshot> {
    const bots = await this.bots();
    const bot = botId === undefined ? (bots.find((b) => b.state === 'running') ?? bots[0]) : bots.find((b) => b.id === botId);
    if (bot === undefined) {
      const known = bots.map((b) => b.id).join(', ') || 'none';
      throw new ApiError(404, botId === undefined ? 'the server has no bots' : `no bot ${JSON.stringify(botId)} (bots: ${known})`);
    }
    const base = `/api/v1/bots/${encodeURIComponent(bot.id)}`;
    // A stopped bot answers some of its routes with 409: those parts show as empty.
    const soft = <T>(p: Promise<T>, empty: T): Promise<T> => p.catch((e: unknown) => {
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) return empty;
      throw e;
    });
    const [account, positions, openOrders, fills, equity, risk, logs] = await Promise.all([
      soft(this.#call<Account>('GET', `${base}/account`), null),
      soft(this.#call<Position[]>('GET', `${base}/positions`), []),
      soft(this.#call<Order[]>('GET', `${base}/orders?status=open&limit=100`), []),
      soft(this.#call<Fill[]>('GET', `${base}/fills?limit=${FILLS_SHOWN}`), []),
      soft(this.#call<{ equity: number }[]>('GET', `${base}/equity?limit=${EQUITY_POINTS}`), []),
      soft(this.#call<Risk>('GET', `${base}/risk`), null),
      soft(this.#call<LogEntry[]>('GET', `${base}/logs?limit=${LOGS_SHOWN}`), []),
    ]);
    return { bot, bots, account, positions, openOrders, fills, equity: equity.map((e) => e.equity), risk, logs, fetchedMs: Date.now() };
  }

  /**
   * Calls `onChange` on every WebSocket message of the bot's `events`, `positions` and `logs` topics (an order
   * event, a fill, a position change, a log line), so the screen is fetched again at once instead of at the next
   * poll. Reconnects every 2 s while the server is away; polling goes on meanwhile. Returns the stop function.
   */
  watch(botId: string, onChange: () => void): () => void {
    let stopped = false;
    let socket: WebSocket | null = null;
    let retry: NodeJS.Timeout | null = null;
    const connect = (): void => {
      const ws = new WebSocket(`${this.origin.replace(/^http/, 'ws')}/api/v1/ws`, { headers: { authorization: `Bearer ${this.#token}` } });
      socket = ws;
      ws.on('open', () => ws.send(JSON.stringify({ op: 'subscribe', bot: botId, topics: ['events', 'positions', 'logs'] })));
      ws.on('message', (raw: Buffer) => {
        let m: { type?: unknown; bot?: unknown };
        try {
          m = JSON.parse(raw.toString('utf8')) as typeof m;
        } catch {
          return;
        }
        if (m.type === 'message' && m.bot === botId) onChange();
      });
      ws.on('error', () => {}); // 'close' follows: reconnect there.
      ws.on('close', () => {
        if (!stopped) retry = setTimeout(connect, 2000);
      });
    };
    connect();
    return () => {
      stopped = true;
      if (retry !== null) clearTimeout(retry);
      socket?.terminate();
    };
  }

  async pause(botId: string): Promise<void> {
    await this.#call('POST', `/api/v1/bots/${encodeURIComponent(botId)}/pause`);
  }

  async resume(botId: string): Promise<void> {
    await this.#call('POST', `/api/v1/bots/${encodeURIComponent(botId)}/resume`);
  }

  /** Halt, cancel every working order and, with `flatten`, close every position. */
  async kill(botId: string, flatten: boolean): Promise<void> {
    await this.#call('POST', `/api/v1/bots/${encodeURIComponent(botId)}/kill`, { flatten });
  }

  async cancel(botId: string, orderId: string): Promise<void> {
    await this.#call('DELETE', `/api/v1/bots/${encodeURIComponent(botId)}/orders/${encodeURIComponent(orderId)}`);
  }
}
