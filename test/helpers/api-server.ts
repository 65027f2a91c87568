// The API server under test: `serve` on a free loopback port with an in-memory store, tokens of each scope
// and, optionally, a paper bot trading the live synthetic market. Requests go through real HTTP (fetch).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type RunningServer, type ServeOptions } from '../../src/server/serve.ts';

/** A bot that trades within a second or two: fast bars on one synthetic symbol, open around the clock. */
export const TRADING_BOT = {
  name: 'b1', strategies: [{ name: 'sma-cross' }], params: { fast: 2, slow: 4 }, symbols: ['BTC-USD'], barMs: 200, tickMs: 50, alwaysOpen: true,
} as const;

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface CallOptions {
  readonly token?: string;
  readonly cookie?: string;
  readonly csrf?: string;
  /** A value to send as JSON, or a string sent as is (with content-type application/json unless headers say otherwise). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly tokens: { readonly read: string; readonly trade: string; readonly admin: string };
  /** Every answer's body so far (to prove a secret never appears in any). */
  readonly bodies: string[];
  call(method: string, path: string, opts?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export async function startApiServer(opts: Partial<ServeOptions> = {}): Promise<ApiServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'sextant-api-'));
  const server = await serve({ url: 'memory://', port: 0, ...opts, stateDir });
  const mk = async (scope: 'read' | 'trade' | 'admin'): Promise<string> => (await server.services.tokens.create({ name: `test-${scope}`, scope })).token;
  const tokens = { read: await mk('read'), trade: await mk('trade'), admin: await mk('admin') };
  const bodies: string[] = [];
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    if (o.cookie !== undefined) headers.cookie = o.cookie;
    if (o.csrf !== undefined) headers['x-csrf-token'] = o.csrf;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await res.text();
    bodies.push(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    server, url: server.url, tokens, bodies, call,
    close: async () => {
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Creates and starts TRADING_BOT (or another definition) with the admin token; resolves once a manual order would be taken (warm-up over). */
export async function startTradingBot(api: ApiServer, def: Record<string, unknown> = TRADING_BOT): Promise<string> {
  const created = await api.call('POST', '/api/v1/bots', { token: api.tokens.admin, body: def });
  if (created.status !== 201) throw new Error(`bot not created: ${created.status} ${created.text}`);
  const id = (created.json as { id: string }).id;
  const started = await api.call('POST', `/api/v1/bots/${id}/start`, { token: api.tokens.admin });
  if (started.status !== 200) throw new Error(`bot not started: ${started.status} ${started.text}`);
  // Trading: the strategy has sent orders of its own.
  await waitFor(`bot ${id} trading`, async () => {
    const r = await api.call('GET', `/api/v1/bots/${id}/orders?status=all`, { token: api.tokens.read });
    return r.status === 200 && (r.json as unknown[]).length > 0;
  });
  return id;
}

/** The manual orders (tag `manual`) of a bot, from the API. */
export async function manualOrders(api: ApiServer, id: string): Promise<number> {
  const r = await api.call('GET', `/api/v1/bots/${id}/orders?status=all&limit=5000`, { token: api.tokens.admin });
  if (r.status !== 200) throw new Error(`orders of ${id}: ${r.status} ${r.text}`);
  return (r.json as { tag: string | null }[]).filter((o) => o.tag === 'manual').length;
}
