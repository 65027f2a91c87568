// The node's local control endpoint: HTTP on 127.0.0.1 (a random port), recorded with a secret token in
// `<state dir>/node-endpoint.json` (mode 0600, so only the owner of the folder can use it). An embedded
// (PGlite) store can be open in one process only, so another process (`sextant kill`) cannot write a command
// into it: the endpoint writes the command into the node's store for it and answers with the node's outcome.
// `sextant paper` serves it from its supervisor (main) thread, which relays to the node's thread
// (control-relay.ts), so that it answers even while strategy code is stuck; a node started in-process serves
// its own handle.
//   GET /status | /positions | /orders      the node's state (NodeStatus, PositionView[], OrderView[])
//   GET /events?topics=status,command       server-sent events, one NodeMessage per event
//   POST /commands  CommandRequest          the CommandReply once the node has finished (or expired) it
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError, SextantError } from '../core/errors.ts';
import {
  CommandRequestSchema, TopicSchema, parseAt, type CommandReply, type CommandRequest, type NodeMessage, type NodeStatus, type OrderView, type PositionView,
  type Topic,
} from './node-handle.ts';

export const ENDPOINT_FILE = 'node-endpoint.json';

export const EndpointFileSchema = z.object({
  version: z.literal(1),
  pid: z.number().int().positive(),
  host: z.string(),
  runId: z.string(),
  url: z.string().url(),
  token: z.string().min(16),
  startedMs: z.number(),
  store: z.string(),
});
export type EndpointFile = z.infer<typeof EndpointFileSchema>;

/** What the endpoint serves: a node's own handle (LocalNodeHandle), or the supervisor's relay to the node's thread. */
export interface ControlTarget {
  readonly runId: string;
  status(): Promise<NodeStatus>;
  positions(): Promise<PositionView[]>;
  orders(): Promise<OrderView[]>;
  subscribe(topics: readonly Topic[], listener: (m: NodeMessage) => void): Promise<() => void>;
  /** Records and runs a request a transport has validated, and answers with the node's reply. */
  submit(request: CommandRequest): Promise<CommandReply>;
}

export interface ControlEndpoint {
  readonly url: string;
  readonly file: string;
  /** Stops accepting commands, ends event streams, closes the server and removes the endpoint file. */
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new InputError(`the request body is over ${MAX_BODY} bytes`, { field: 'body' }));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Serves `handle` on 127.0.0.1 and writes the endpoint file into `stateDir`. */
export async function serveControl(handle: ControlTarget, stateDir: string, store: string): Promise<ControlEndpoint> {
  const token = randomBytes(24).toString('hex');
  let closing = false;
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    void (async () => {
      if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'the token does not match this node' });
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /status') return send(res, 200, await handle.status());
      if (route === 'GET /positions') return send(res, 200, await handle.positions());
      if (route === 'GET /orders') return send(res, 200, await handle.orders());
      if (route === 'GET /events') {
        const topics = (url.searchParams.get('topics') ?? 'status,command').split(',').map((t, i) => parseAt(TopicSchema, t, `topics.${i}`));
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(': subscribed\n\n');
        streams.add(res);
        const off = await handle.subscribe(topics, (m) => res.write(`data: ${JSON.stringify(m)}\n\n`));
        res.on('close', () => {
          off();
          streams.delete(res);
        });
        return;
      }
      if (route === 'POST /commands') {
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req));
        } catch (e) {
          if (e instanceof SextantError) throw e;
          throw new InputError('the request body is not JSON', { field: 'body' });
        }
        const request = parseAt(CommandRequestSchema, body, 'command');
        if (closing) return send(res, 503, { error: 'the node is stopping and takes no more commands' });
        return send(res, 200, await handle.submit(request));
      }
      return send(res, 404, { error: `no route ${route}` });
    })().catch((e: unknown) => {
      const input = e instanceof SextantError && (e.group === 'input' || e.group === 'config');
      if (!res.headersSent) send(res, input ? 400 : 500, { error: e instanceof Error ? e.message : String(e), field: input ? (e as InputError).where.field : undefined });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // The endpoint must not keep a stopping process alive.
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const file = join(stateDir, ENDPOINT_FILE);
  const content: EndpointFile = { version: 1, pid: process.pid, host: hostname(), runId: handle.runId, url, token, startedMs: Date.now(), store };
  // Whole or absent: written beside, then renamed over any file a dead process left.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(content), { mode: 0o600 });
  renameSync(tmp, file);
  let closed: Promise<void> | null = null;
  return {
    url,
    file,
    close() {
      closed ??= (async () => {
        closing = true;
        for (const s of streams) s.end();
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            server.closeAllConnections();
            resolve();
          }, 2000);
          t.unref();
          server.close(() => {
            clearTimeout(t);
            resolve();
          });
          server.closeIdleConnections();
        });
        // Only our own file: a later process may have written its own since.
        try {
          if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { token?: string }).token === token) rmSync(file, { force: true });
        } catch {
          // unreadable: not ours to remove
        }
      })();
      return closed;
    },
  };
}
