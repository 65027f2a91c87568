// A local fake of the Telegram Bot API (https://core.telegram.org/bots/api) on 127.0.0.1, for a bot under test
// pointed at it with grammY's `client.apiRoot`: `POST /bot<token>/<method>` with a JSON body, answered
// `{ ok: true, result }` or `{ ok: false, error_code, description }` as the real API does. getUpdates long-polls
// (answers at once when updates are waiting, else when one arrives or `timeout` seconds pass; a confirmed
// offset drops older updates). The test injects updates (messages with their bot_command entity, button
// presses) and reads every call the bot made.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly atMs: number;
}

export interface SentMessage {
  readonly chatId: string;
  readonly messageId: number;
  readonly text: string;
  readonly parseMode: string | null;
  readonly buttons: { text: string; data: string }[][];
  readonly atMs: number;
}

interface Waiter {
  readonly offset: number;
  readonly limit: number;
  readonly res: ServerResponse;
  readonly timer: NodeJS.Timeout;
}

export interface FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly calls: Call[];
  /** Messages the bot sent (sendMessage), in order. */
  readonly sent: SentMessage[];
  /** A user's message in a private chat (chat id = user id); a leading command gets its bot_command entity. */
  message(chatId: number, text: string, username?: string): number;
  /** A press of an inline button on a message the bot sent. */
  press(chatId: number, messageId: number, data: string): number;
  /** The next `n` sendMessage calls answer 429 with retry_after `seconds`. */
  throttle(n: number, seconds: number): void;
  /** The first sent message to `chatId` after index `from` matching `pred` (waits up to `timeoutMs`, default 15 s: a loaded CI machine took over 5). */
  waitSent(chatId: number, pred: (m: SentMessage) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<SentMessage>;
  waitCall(method: string, pred?: (c: Call) => boolean, timeoutMs?: number): Promise<Call>;
  close(): Promise<void>;
}

export async function startFakeTelegram(token = '123456789:AAHfakeTokenForTests_abcdefghijklmnop'): Promise<FakeTelegram> {
  const calls: Call[] = [];
  const sent: SentMessage[] = [];
  const updates: { update_id: number; [k: string]: unknown }[] = [];
  const waiters = new Set<Waiter>();
  const watchers = new Set<() => void>();
  let nextUpdate = 1;
  let nextMessage = 1000;
  let confirmed = 0;
  let throttled = { n: 0, seconds: 0 };
  const me = { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Sextant', username: 'sextant_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
  const nowS = (): number => Math.floor(Date.now() / 1000);

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const ok = (res: ServerResponse, result: unknown): void => json(res, 200, { ok: true, result });
  const fail = (res: ServerResponse, code: number, description: string, parameters?: unknown): void => json(res, code, { ok: false, error_code: code, description, ...(parameters === undefined ? {} : { parameters }) });
  const changed = (): void => {
    for (const w of [...watchers]) w();
  };

  const pending = (offset: number, limit: number): unknown[] => updates.filter((u) => u.update_id >= offset).slice(0, limit);
  const flushWaiters = (): void => {
    for (const w of [...waiters]) {
      const ready = pending(w.offset, w.limit);
      if (ready.length === 0) continue;
      clearTimeout(w.timer);
      waiters.delete(w);
      ok(w.res, ready);
    }
  };
  const pushUpdate = (u: Record<string, unknown>): number => {
    const id = nextUpdate++;
    updates.push({ update_id: id, ...u });
    flushWaiters();
    return id;
  };

  const methods: Record<string, (p: Record<string, unknown>, res: ServerResponse) => void> = {
    getMe: (_p, res) => ok(res, me),
    deleteWebhook: (_p, res) => ok(res, true),
    setMyCommands: (p, res) => (Array.isArray(p.commands) ? ok(res, true) : fail(res, 400, 'Bad Request: commands must be an array')),
    getUpdates: (p, res) => {
      const offset = typeof p.offset === 'number' ? p.offset : 0;
      const limit = typeof p.limit === 'number' ? Math.min(100, Math.max(1, p.limit)) : 100;
      const timeout = typeof p.timeout === 'number' ? p.timeout : 0;
      // A positive offset confirms every update before it: they are never sent again.
      if (offset > confirmed) {
        confirmed = offset;
        for (let i = updates.length - 1; i >= 0; i--) if (updates[i]!.update_id < offset) updates.splice(i, 1);
      }
      const ready = pending(offset, limit);
      if (ready.length > 0 || timeout <= 0) return ok(res, ready);
      const w: Waiter = { offset, limit, res, timer: setTimeout(() => {
        waiters.delete(w);
        ok(res, []);
      }, timeout * 1000) };
      waiters.add(w);
      // The bot aborted its poll (it is stopping): the connection closed before an answer.
      res.on('close', () => {
        if (res.writableEnded) return;
        clearTimeout(w.timer);
        waiters.delete(w);
      });
    },
    sendMessage: (p, res) => {
      if (p.chat_id === undefined || typeof p.text !== 'string') return fail(res, 400, 'Bad Request: chat_id and text are required');
      if (p.text.length === 0 || p.text.length > 4096) return fail(res, 400, 'Bad Request: message text is empty or too long');
      if (throttled.n > 0) {
        throttled.n--;
        return fail(res, 429, `Too Many Requests: retry after ${throttled.seconds}`, { retry_after: throttled.seconds });
      }
      const markup = p.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined;
      const m: SentMessage = {
        chatId: String(p.chat_id), messageId: nextMessage++, text: p.text, parseMode: typeof p.parse_mode === 'string' ? p.parse_mode : null,
        buttons: (markup?.inline_keyboard ?? []).map((row) => row.map((b) => ({ text: b.text, data: b.callback_data }))), atMs: Date.now(),
      };
      sent.push(m);
      changed();
      ok(res, { message_id: m.messageId, date: nowS(), chat: { id: Number(p.chat_id), type: 'private' }, from: me, text: p.text });
    },
    editMessageText: (p, res) => ok(res, { message_id: p.message_id, date: nowS(), chat: { id: Number(p.chat_id), type: 'private' }, from: me, text: p.text }),
    answerCallbackQuery: (p, res) => (typeof p.callback_query_id === 'string' ? ok(res, true) : fail(res, 400, 'Bad Request: callback_query_id is required')),
  };

  const server: Server = createServer((req, res) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url?.split('?')[0] ?? '');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (m === null) return fail(res, 404, 'Not Found');
      if (m[1] !== token) return fail(res, 401, 'Unauthorized');
      let params: Record<string, unknown>;
      try {
        params = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
      } catch {
        return fail(res, 400, 'Bad Request: invalid JSON');
      }
      calls.push({ method: m[2]!, params, atMs: Date.now() });
      changed();
      const handler = methods[m[2]!];
      if (handler === undefined) return fail(res, 404, 'Not Found: method not found');
      handler(params, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const until = <T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const v = probe();
        if (v === undefined) return false;
        watchers.delete(check);
        clearTimeout(timer);
        resolve(v);
        return true;
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`fake Telegram: timed out waiting for ${what}; sent so far:\n${sent.map((s) => `[${s.chatId}] ${s.text}`).join('\n---\n')}`));
      }, timeoutMs);
      if (!check()) watchers.add(check);
    });

  const user = (id: number, username?: string): Record<string, unknown> => ({ id, is_bot: false, first_name: username ?? `user${id}`, ...(username === undefined ? {} : { username }) });
  return {
    apiRoot: `http://127.0.0.1:${port}`, token, calls, sent,
    message: (chatId, text, username) => {
      const command = /^\/\w+(@\w+)?/.exec(text);
      return pushUpdate({
        message: {
          message_id: nextMessage++, date: nowS(), chat: { id: chatId, type: 'private', first_name: username ?? `user${chatId}` }, from: user(chatId, username), text,
          ...(command === null ? {} : { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }),
        },
      });
    },
    press: (chatId, messageId, data) => {
      const original = sent.find((s) => s.messageId === messageId);
      return pushUpdate({
        callback_query: {
          id: String(nextUpdate * 7919), from: user(chatId), chat_instance: String(chatId), data,
          message: { message_id: messageId, date: nowS(), chat: { id: chatId, type: 'private' }, from: me, text: original?.text ?? '' },
        },
      });
    },
    throttle: (n, seconds) => {
      throttled = { n, seconds };
    },
    waitSent: (chatId, pred, o = {}) => until(`a message to ${chatId}`, () => sent.slice(o.from ?? 0).find((s) => s.chatId === String(chatId) && pred(s)), o.timeoutMs ?? 15_000),
    waitCall: (method, pred = () => true, timeoutMs = 15_000) => until(`a call of ${method}`, () => calls.find((c) => c.method === method && pred(c)), timeoutMs),
    close: async () => {
      for (const w of waiters) clearTimeout(w.timer);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
