// The MCP server over streamable HTTP (`sextant mcp --http`): one endpoint, POST/GET/DELETE <path>, sessions
// with the Mcp-Session-Id header. Every request proves itself with `Authorization: Bearer <token>`, verified
// through the app's TokenService (a revoked token is refused at its next request); a session belongs to the
// token that opened it, and a request with another token is refused. No cookies, so a web page cannot ride on
// a browser's credentials (and DNS rebinding gains nothing without the token).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { TokenIdentity } from '../app/access/tokens.ts';
import type { ServerServices } from '../app/server-services.ts';
import { createMcpServer, SessionAuthError, type Extra } from './server.ts';

export const DEFAULT_MCP_PORT = 8765;
/** Open sessions at most; a new one beyond is refused (503) until some close or go idle. */
export const MAX_SESSIONS = 100;
/** A session without a request for this long is closed. */
export const IDLE_MS = 30 * 60_000;
/** The largest request body read. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Requests with a bad or missing token an address may make per minute before it gets 429s (as the REST API). */
export const AUTH_FAILURES_PER_MINUTE = 600;

export interface McpHttpOptions {
  readonly host?: string;
  /** 0: any free port. */
  readonly port?: number;
  readonly path?: string;
  /** Requests with a bad or missing token per minute per address before 429s (default AUTH_FAILURES_PER_MINUTE). */
  readonly authFailuresPerMinute?: number;
  readonly log?: (line: string) => void;
}

export interface RunningMcpHttp {
  readonly url: string;
  /** Open sessions now. */
  sessions(): number;
  close(): Promise<void>;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly tokenId: string;
  lastMs: number;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** A JSON-RPC error answer (what MCP clients read from a failed HTTP request). */
function send(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: status === 401 || status === 403 ? -32001 : -32000, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
}

/** The identity a request proved (set by the HTTP layer on `req.auth`, handed to the session as authInfo). */
function identityOf(extra: Extra): TokenIdentity {
  const who = extra.authInfo?.extra?.identity as TokenIdentity | undefined;
  if (who === undefined) throw new SessionAuthError('no verified token on this request');
  return who;
}

export async function serveMcpHttp(services: ServerServices, opts: McpHttpOptions = {}): Promise<RunningMcpHttp> {
  const path = opts.path ?? '/mcp';
  const sessions = new Map<string, Session>();

  // Failed authentications per address in fixed one-minute windows (each costs a store read): bounded, cleared when large.
  const failures = new Map<string, { startMs: number; n: number }>();
  const failed = (address: string): void => {
    const now = Date.now();
    const f = failures.get(address);
    if (f === undefined || now - f.startMs >= 60_000) {
      if (failures.size >= 10_000) failures.clear();
      failures.set(address, { startMs: now, n: 1 });
    } else f.n++;
  };
  const authenticate = async (req: IncomingMessage): Promise<{ token: string; identity: TokenIdentity }> => {
    const address = req.socket.remoteAddress ?? '';
    const f = failures.get(address);
    // A token verified moments ago still passes: a client's valid token is not locked out by a neighbour's bad ones.
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (f !== undefined && Date.now() - f.startMs < 60_000 && f.n >= (opts.authFailuresPerMinute ?? AUTH_FAILURES_PER_MINUTE) && !services.tokens.isVerified(bearer)) throw new HttpError(429, `too many requests with a bad or missing token from ${address}; retry in a minute`);
    try {
      return await checkToken(req);
    } catch (e) {
      failed(address);
      throw e;
    }
  };
  const checkToken = async (req: IncomingMessage): Promise<{ token: string; identity: TokenIdentity }> => {
    const auth = req.headers.authorization;
    const challenge = { 'www-authenticate': 'Bearer realm="sextant"' };
    if (typeof auth !== 'string' || auth === '') throw new HttpError(401, 'send a Sextant API token: Authorization: Bearer <token> (sextant token create)', challenge);
    const m = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(auth);
    if (m === null) throw new HttpError(401, 'the Authorization header must be "Bearer <token>"', challenge);
    const identity = await services.tokens.verify(m[1]!);
    if (identity === null) throw new HttpError(401, 'the token is unknown, revoked or expired', { 'www-authenticate': 'Bearer realm="sextant", error="invalid_token"' });
    return { token: m[1]!, identity };
  };

  const open = async (tokenId: string): Promise<StreamableHTTPServerTransport> => {
    if (sessions.size >= MAX_SESSIONS) throw new HttpError(503, `${MAX_SESSIONS} MCP sessions are open: close one (DELETE with its Mcp-Session-Id) or retry later`);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, { transport, tokenId, lastMs: Date.now() }),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    const server = createMcpServer({
      services, via: 'http', log: opts.log, identify: (extra) => Promise.resolve(identityOf(extra)),
      address: (extra) => (extra.authInfo?.extra?.address as string | undefined) ?? null,
    });
    await server.connect(transport);
    return transport;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) throw new HttpError(404, `the MCP endpoint is ${path}`);
    const { token, identity } = await authenticate(req);
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const sid = req.headers['mcp-session-id'];
    let transport: StreamableHTTPServerTransport;
    if (typeof sid === 'string' && sid !== '') {
      const s = sessions.get(sid);
      if (s === undefined) throw new HttpError(404, 'no such MCP session (it ended or the server restarted): initialize a new one');
      if (s.tokenId !== identity.id) throw new HttpError(403, 'this MCP session was opened with another token');
      s.lastMs = Date.now();
      transport = s.transport;
    } else {
      const initializing = req.method === 'POST' && (Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body));
      if (!initializing) throw new HttpError(400, 'no Mcp-Session-Id header: start with an initialize request');
      transport = await open(identity.id);
    }
    (req as IncomingMessage & { auth?: unknown }).auth = {
      token, clientId: identity.id, scopes: [identity.scope], extra: { identity, address: req.socket.remoteAddress ?? null },
    };
    await transport.handleRequest(req, res, body);
  };

  const http: HttpServer = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) return send(res, e.status, e.message, e.headers);
      opts.log?.(`sextant mcp: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send(res, 500, 'internal error');
    });
  });
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const s of sessions.values()) if (now - s.lastMs > IDLE_MS) void s.transport.close();
  }, 60_000);
  sweep.unref();

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? DEFAULT_MCP_PORT, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const addr = http.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}${path}`,
    sessions: () => sessions.size,
    close: async () => {
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
