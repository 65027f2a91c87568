// GET /api/v1/ws: the WebSocket. Authenticated like every route (session cookie or Bearer token, read scope),
// and a browser's Origin must be this server's own or an allowed CORS origin (no cross-site WebSocket
// hijacking with the cookie). See messages.ts for the protocol.
import type { FastifyRequest } from 'fastify';
import { InputError } from '../../core/errors.ts';
import { packageVersion } from '../../app/version.ts';
import { principalOf } from '../auth.ts';
import { problem, problemOf } from '../problem.ts';
import type { RouteContext, ZApp } from '../types.ts';
import { WsClient } from './client.ts';
import { ClientMessageSchema, CLOSE, SERVER_TOPICS, WS_TOPICS, type WsTopic } from './messages.ts';

/** Malformed messages tolerated before the connection is closed. */
const MAX_BAD = 20;

function originAllowed(request: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const host = request.headers.host;
  return allowed.includes(origin) || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
}

export function wsRoutes(app: ZApp, ctx: RouteContext, corsOrigins: readonly string[] = []): void {
  const { fanout, services } = ctx;
  app.get('/api/v1/ws', {
    websocket: true,
    config: { scope: 'read' },
    schema: { tags: ['websocket'], summary: 'WebSocket: subscribe to bot topics (events, equity, positions, logs, candles) and bot states; see docs/api.md' },
  }, (socket, request) => {
    const who = principalOf(request);
    const client = new WsClient(socket, who.actor);
    if (!originAllowed(request, corsOrigins)) {
      client.sendObject({ type: 'error', ...problem(403, `origin ${request.headers.origin} may not open this WebSocket`, 'headers.origin') });
      client.close(CLOSE.UNAUTHORIZED, 'origin not allowed');
      return;
    }
    let bad = 0;
    client.sendObject({ type: 'hello', version: packageVersion(), topics: WS_TOPICS });
    socket.on('message', (raw, isBinary) => {
      try {
        if (isBinary) throw new InputError('send JSON text frames', { field: 'frame' });
        let json: unknown;
        try {
          json = JSON.parse(raw.toString());
        } catch {
          throw new InputError('the message is not JSON', { field: 'message' });
        }
        const parsed = ClientMessageSchema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new InputError(`${issue.path.join('.') || 'message'}: ${issue.message}`, { field: issue.path.join('.') || 'message' });
        }
        const m = parsed.data;
        if (m.op === 'ping') return client.sendObject({ type: 'pong', id: m.id });
        const perBot = m.topics.filter((t) => !SERVER_TOPICS.has(t));
        if (perBot.length > 0 && m.bot === undefined) throw new InputError(`topics ${perBot.join(', ')} need a bot`, { field: 'bot' });
        if (m.bot !== undefined) services.bots.get(m.bot);
        if (m.op === 'unsubscribe') {
          for (const t of m.topics) fanout.unsubscribe(client, SERVER_TOPICS.has(t) ? null : m.bot!, t);
          return client.sendObject({ type: 'unsubscribed', bot: m.bot ?? null, topics: m.topics });
        }
        if (m.indicators !== undefined && m.bot !== undefined) client.setIndicators(m.bot, m.indicators);
        for (const t of m.topics) fanout.subscribe(client, SERVER_TOPICS.has(t) ? null : m.bot!, t);
        const pos = m.bot === undefined ? null : fanout.position(m.bot);
        client.sendObject({ type: 'subscribed', bot: m.bot ?? null, topics: m.topics, epoch: pos?.epoch ?? null, seq: pos?.seq ?? null });
        if (m.since !== undefined && m.bot !== undefined) fanout.replay(client, m.bot, new Set<WsTopic>(m.topics), m.since, m.epoch);
      } catch (e) {
        client.sendObject({ type: 'error', ...problemOf(e) });
        if (++bad > MAX_BAD) client.close(CLOSE.PROTOCOL, 'too many bad messages');
      }
    });
    socket.on('close', () => {
      client.closed = true;
      fanout.removeClient(client);
    });
    socket.on('error', () => fanout.removeClient(client));
  });
}
