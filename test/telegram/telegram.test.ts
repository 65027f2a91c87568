// The Telegram bot end to end: the real server (in-memory store, a paper bot trading the synthetic market) with
// its Telegram bot long-polling a local fake of the Bot API (test/helpers/fake-telegram.ts) through grammY's
// apiRoot. Set up through the settings API (token write-only, encrypted); every command from an admin chat;
// every alert kind; a chat not on the list (no reply, audited once); a read-only chat refused /flatten and
// /kill (nothing flattened); /kill and /flatten confirmed, canceled and expired through buttons; the rate
// limit; a 429 from Telegram waited out; alerts coalesced, filtered by the notification settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperSession } from '../../src/app/paper.ts';
import { startApiServer, startTradingBot, waitFor, type ApiServer } from '../helpers/api-server.ts';
import { startFakeTelegram, type FakeTelegram, type SentMessage } from '../helpers/fake-telegram.ts';

const ADMIN = 111;
const READER = 222;
const TRADER = 333;
const STRANGER = 999;

let tg: FakeTelegram;
let api: ApiServer;
let bot: string;
let session: PaperSession;
let shiftMs = 0;
const now = (): number => Date.now() + shiftMs;
const logs: string[] = [];
let summaryDueMs = 0;

/** Sends a command from a chat and waits for the bot's answer to it. */
async function ask(chat: number, text: string, pred: (m: SentMessage) => boolean = () => true): Promise<SentMessage> {
  const from = tg.sent.length;
  tg.message(chat, text);
  return tg.waitSent(chat, (m) => !isAlert(m) && pred(m), { from });
}

/** Alerts start with one of these (answers to commands do not). */
const ALERT = /^(🟢|🔴|✅ <b>Trade|❌|🚨|💥|🔁|🔌|📡|✅ <b>(Venue|Market)|📊|<i>… \d+ older)/u;
const isAlert = (m: SentMessage): boolean => ALERT.test(m.text);
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

beforeAll(async () => {
  tg = await startFakeTelegram();
  api = await startApiServer({
    telegram: {
      apiRoot: tg.apiRoot, now, perChatMs: 300, summaryCheckMs: 50, notificationsTtlMs: 0, commandBurst: 40, commandsPerSecond: 2, confirmTtlMs: 60_000,
      pollTimeoutSec: 10, log: (l) => logs.push(l),
    },
  });
  const users = api.server.services.users;
  await users.add('reader', 'read', 'reader-long-password');
  await users.add('trader', 'trade', 'trader-long-password');
  // The daily summary is due half an hour from now (UTC, to the minute).
  summaryDueMs = Math.floor((Date.now() + 30 * 60_000) / 60_000) * 60_000;
}, 30_000);

afterAll(async () => {
  await api?.close();
  await tg?.close();
});

describe('Telegram settings (PUT /api/v1/settings/telegram)', () => {
  it('refuses bad input by field, stores the token encrypted and never returns it, and starts the bot', async () => {
    const chats = [{ chatId: String(ADMIN), username: 'admin' }, { chatId: String(READER), username: 'reader' }, { chatId: String(TRADER), username: 'trader' }];
    const put = (body: unknown, token = api.tokens.admin): ReturnType<ApiServer['call']> => api.call('PUT', '/api/v1/settings/telegram', { token, body });
    expect((await put({ token: tg.token, chats }, api.tokens.trade)).status).toBe(403);
    const bad = await put({ token: 'not-a-token', chats });
    expect([bad.status, (bad.json as { field?: string }).field]).toEqual([400, 'body.token']);
    expect(bad.text).not.toContain('not-a-token');
    const ghost = await put({ token: tg.token, chats: [{ chatId: '5', username: 'ghost' }] });
    expect([ghost.status, (ghost.json as { field?: string }).field]).toEqual([400, 'body.chats.0.username']);
    const twice = await put({ token: tg.token, chats: [chats[0], chats[0]] });
    expect([twice.status, (twice.json as { field?: string }).field]).toEqual([400, 'body.chats.1.chatId']);

    const ok = await put({ token: tg.token, chats, dailySummaryTime: hhmm(summaryDueMs) });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ enabled: true, token: { set: true, mask: '…mnop' }, chats, dailySummaryTime: hhmm(summaryDueMs) });
    const got = await api.call('GET', '/api/v1/settings/telegram', { token: api.tokens.admin });
    expect(got.json).toEqual(ok.json);
    expect((await api.call('GET', '/api/v1/settings/telegram', { token: api.tokens.read })).status).toBe(403);
    // In the vault (AES-GCM, listed masked with the broker keys), in no answer, not in the audit entry.
    const creds = await api.call('GET', '/api/v1/credentials', { token: api.tokens.admin });
    expect(creds.json).toEqual([expect.objectContaining({ venue: 'telegram', label: 'Telegram bot token', mask: { botToken: '…mnop' } })]);
    expect(api.bodies.some((b) => b.includes(tg.token))).toBe(false);
    const audit = await api.server.services.audit.list({ kind: 'api.PUT /api/v1/settings/telegram', limit: 10 });
    expect(JSON.stringify(audit)).not.toContain(tg.token.split(':')[1]);
    expect((audit.at(-1)!.payload as { body: { token: string } }).body.token).toBe('[redacted]');

    expect((await api.call('PUT', '/api/v1/settings/notifications', { token: api.tokens.admin, body: { enabled: true } })).status).toBe(200);
    await api.server.telegram.settled();
    expect(api.server.telegram.running).toBe(true);
    await tg.waitCall('getUpdates', (c) => c.params.timeout === 10);
    expect(tg.calls.slice(0, 2).map((c) => c.method)).toEqual(['getMe', 'deleteWebhook']);
    const commands = (await tg.waitCall('setMyCommands')).params.commands as { command: string }[];
    expect(commands.map((c) => c.command)).toEqual(['status', 'positions', 'orders', 'profit', 'daily', 'balance', 'performance', 'logs', 'bot', 'help', 'pause', 'resume', 'stop', 'flatten', 'kill', 'cancel']);
    expect(logs.join('\n')).toContain('@sextant_test_bot is polling for commands (3 chats allowed)');
    expect(logs.join('\n')).not.toContain(tg.token);
  });
});

const BOT_DEF = { name: 'b1', strategies: [{ name: 'buy-and-hold' }], symbols: ['BTC-USD'], barMs: 200, tickMs: 50, alwaysOpen: true };

interface Pos { symbol: string; qty: number; avgPrice: number }
const positions = async (): Promise<Pos[]> => (await api.call('GET', `/api/v1/bots/${bot}/positions`, { token: api.tokens.read })).json as Pos[];
const auditOf = (kind: string): Promise<{ actor: string; source: string; kind: string; payload: Record<string, unknown> }[]> =>
  api.server.services.audit.list({ kind, limit: 100 }) as never;

describe('Telegram bot over long polling', () => {
  it('sends the fill of a bot started after it to every allowed chat', async () => {
    bot = await startTradingBot(api, BOT_DEF);
    session = api.server.services.bots.session(bot);
    for (const chat of [ADMIN, READER, TRADER]) {
      const m = await tg.waitSent(chat, (s) => s.text.startsWith('🟢 <b>Bought '));
      expect(m.text).toMatch(/^🟢 <b>Bought [\d,.]+ BTC-USD<\/b> @ [\d,.]+\n<i>b1 · buy-and-hold( · fee [\d,.]+)?<\/i>$/);
      expect(m.parseMode).toBe('HTML');
    }
    expect((await positions()).map((p) => p.symbol)).toEqual(['BTC-USD']);
  });

  it('answers the read commands from an admin chat', async () => {
    const help = await ask(ADMIN, '/help');
    expect(help.text).toContain('<b>Sextant</b> · you are <b>admin</b> (admin)');
    expect(help.text).toContain('/status – state, equity, PnL\n/positions – open positions');
    expect(help.text).toContain('<b>Control</b>\n/pause – halt new orders');
    expect(help.text).toContain('/cancel &lt;order&gt; – cancel one order');
    expect((await ask(ADMIN, '/start')).text).toBe(help.text);

    expect((await ask(ADMIN, '/bot')).text).toBe('<b>Bots</b>\n▶ <code>b1</code> paper, running\n\nChoose one with /bot &lt;id&gt;.');
    expect((await ask(ADMIN, '/bot b1')).text).toBe('Now on <b>b1</b> (paper, running).');
    expect((await ask(ADMIN, '/bot nope')).text).toBe('⚠️ no bot "nope"');
    expect((await ask(ADMIN, '/daily 0')).text).toBe('⚠️ days must be a whole number from 1 to 30');

    const status = await ask(ADMIN, '/status');
    expect(status.text).toMatch(/^<b>b1<\/b> · paper · running\n<pre>Equity {2}[\d,.]+\nToday {3}([+-]?[\d,.]+|—)\nTotal {3}[+-]?[\d,.]+ \([+-]?[\d.]+%\)\nOpen {4}1 position, 0 orders\nData {4}[\d.]+ s old<\/pre>$/);

    const [pos] = await positions();
    const table = (await ask(ADMIN, '/positions')).text;
    expect(table).toMatch(/^<b>Positions · b1<\/b>\n<pre>SYM +QTY +AVG +UPNL\nBTC-USD +[\d,.k]+ +[\d,.k]+ +[+-]?[\d,.k]+<\/pre>\nUnrealized [+-]?[\d,.]+$/);
    for (const line of /<pre>([\s\S]*)<\/pre>/.exec(table)![1]!.split('\n')) expect(line.length).toBeLessThanOrEqual(32);

    const balance = (await ask(ADMIN, '/balance')).text;
    expect(balance).toMatch(/^<b>Balance · b1<\/b>\n<pre>Equity {6}[\d,.]+\nCash {8}[\d,.-]+\nBuying pwr {2}[\d,.-]+\nGross exp {3}[\d,.]+\nNet exp {5}[\d,.]+\nStart cash {2}100,000.00\nPnL today {3}([+-]?[\d,.]+|—)\nPnL total {3}[+-]?[\d,.]+<\/pre>$/);

    // A working order to list and cancel: a small sell far above the market.
    const placed = await api.call('POST', `/api/v1/bots/${bot}/orders`, { token: api.tokens.trade, body: { symbol: 'BTC-USD', side: 'sell', type: 'limit', qty: pos!.qty / 10, limitPrice: Math.round(pos!.avgPrice * 10) } });
    expect((placed.json as { outcome: string }).outcome).toBe('submitted');
    const orderId = (placed.json as { order: { clientOrderId: string } }).order.clientOrderId;
    const orders = (await ask(ADMIN, '/orders')).text;
    expect(orders).toContain(`<b>Orders · b1</b>\n<code>${orderId}</code>\nSELL `);
    expect(orders).toContain(' BTC-USD LMT ');
    expect(orders).toContain('<i>/cancel &lt;id&gt; cancels one.</i>');
    expect((await ask(ADMIN, '/cancel')).text).toBe('Which order? <code>/cancel &lt;order id&gt;</code> (ids are in /orders).');
    expect((await ask(ADMIN, `/cancel ${orderId}`)).text).toMatch(new RegExp(`^✖ Canceled order <code>${orderId}</code> \\(\\w+\\)\\.$`));
    await waitFor('order canceled', async () => ((await api.call('GET', `/api/v1/bots/${bot}/orders`, { token: api.tokens.read })).json as unknown[]).length === 0);
    expect((await ask(ADMIN, '/orders')).text).toBe('<b>b1</b>: no working orders.');
    expect((await auditOf('telegram.cancel')).map((e) => [e.actor, e.source, e.payload.orderId, e.payload.ok])).toEqual([['admin', `telegram:${ADMIN}`, orderId, true]]);

    expect((await ask(ADMIN, '/logs')).text).toBe('<b>b1</b>: nothing logged yet.');
    expect((await ask(ADMIN, '/logs 99')).text).toBe('⚠️ n must be a whole number from 1 to 50');
    expect((await ask(ADMIN, '/performance')).text).toBe('<b>b1</b>: no closed trades yet.');
    expect((await ask(ADMIN, '/nonsense')).text).toBe('Unknown command /nonsense. /help lists them.');
    expect((await ask(ADMIN, 'hello')).text).toBe('Send /help for the commands.');
  });

  it('pauses and resumes, audited as the chat\'s user', async () => {
    expect((await ask(ADMIN, '/pause')).text).toBe('⏸ <b>Paused b1</b>\nhalted: new orders are denied; working orders kept');
    expect((await ask(ADMIN, '/status')).text).toContain('<b>b1</b> · paper · running · ⏸ halted');
    expect((await ask(TRADER, '/resume')).text).toBe('▶️ <b>Resumed b1</b>\nresumed: trading again');
    expect((await auditOf('telegram.pause')).map((e) => [e.actor, e.source, e.payload.ok, e.payload.status])).toEqual([['admin', `telegram:${ADMIN}`, true, 'done']]);
    expect((await auditOf('telegram.resume')).map((e) => [e.actor, e.source])).toEqual([['trader', `telegram:${TRADER}`]]);
    // The node recorded who asked.
    const logged = (await ask(ADMIN, '/logs 3')).text.split('\n');
    expect(logged[0]).toBe('<b>Logs · b1</b>');
    expect(logged.slice(1).map((l) => l.replace(/^<code>\d\d:\d\d:\d\d<\/code> /, '')).sort()).toEqual([
      `· <i>command:halt</i> telegram: admin (chat ${ADMIN}): done — halted: new orders are denied; working orders kept`,
      `· <i>command:resume</i> telegram: trader (chat ${TRADER}): done — resumed: trading again`,
      '· <i>risk:kill-switch</i> operator halt (working orders kept)',
    ]);
  });

  it('refuses /flatten and /kill from a read-only chat, and flattens nothing', async () => {
    const held = async (): Promise<unknown> => (await positions()).map((p) => [p.symbol, p.qty, p.avgPrice]);
    const before = await held();
    expect((await ask(READER, '/flatten')).text).toBe('🚫 /flatten needs the trade role; this chat acts as <b>reader</b> (read).');
    const kill = await ask(READER, '/kill');
    expect(kill.text).toBe('🚫 /kill needs the trade role; this chat acts as <b>reader</b> (read).');
    expect(kill.buttons).toEqual([]);
    expect((await ask(READER, '/positions')).text).toContain('<b>Positions · b1</b>');
    expect(await held()).toEqual(before);
    const orders = (await api.call('GET', `/api/v1/bots/${bot}/orders?status=all`, { token: api.tokens.read })).json as { tag: string | null }[];
    expect(orders.filter((o) => o.tag === 'flatten')).toEqual([]);
    expect((await auditOf('telegram.denied')).map((e) => [e.actor, e.source, e.payload.command, e.payload.needs])).toEqual([['reader', `telegram:${READER}`, 'flatten', 'trade'], ['reader', `telegram:${READER}`, 'kill', 'trade']]);
  });

  it('ignores a chat not on the list (no reply) and audits it once', async () => {
    tg.message(STRANGER, '/status', 'mallory');
    tg.message(STRANGER, '/kill');
    await waitFor('the audit entry', async () => (await auditOf('telegram.unknown-chat')).length > 0);
    await ask(ADMIN, '/help');
    await new Promise((r) => setTimeout(r, 200));
    const entries = await auditOf('telegram.unknown-chat');
    expect(entries.map((e) => [e.actor, e.source, e.payload.target, e.payload.fromUsername, e.payload.text])).toEqual([['server', `telegram:${STRANGER}`, String(STRANGER), 'mallory', '/status']]);
    expect(tg.sent.filter((m) => m.chatId === String(STRANGER))).toEqual([]);
    expect(logs).toContain(`telegram: ignored chat ${STRANGER} (not on the allow-list; audited as telegram.unknown-chat)`);
  });

  it('flattens after a confirmation button; canceled and expired buttons do nothing', async () => {
    const q1 = await ask(ADMIN, '/flatten');
    expect(q1.text).toBe('⚠️ <b>Flatten b1?</b>\nCloses 1 position with reduce-only market orders. The bot keeps trading.\n<i>Confirm within 60 s.</i>');
    expect(q1.buttons.map((r) => r.map((b) => b.text))).toEqual([['✅ Flatten b1', '✖ Cancel']]);
    tg.press(ADMIN, q1.messageId, q1.buttons[0]![1]!.data);
    const canceled = await tg.waitCall('editMessageText', (c) => c.params.message_id === q1.messageId);
    expect(canceled.params.text).toBe('Canceled: nothing done to <b>b1</b>.');
    expect((await tg.waitCall('answerCallbackQuery', (c) => c.params.text === 'Canceled')).params.text).toBe('Canceled');

    const q2 = await ask(ADMIN, '/flatten');
    shiftMs = 61_000;
    tg.press(ADMIN, q2.messageId, q2.buttons[0]![0]!.data);
    expect((await tg.waitCall('editMessageText', (c) => c.params.message_id === q2.messageId)).params.text).toBe('⌛ Expired: nothing done. Send /flatten again.');
    // A used button does nothing the second time.
    tg.press(ADMIN, q2.messageId, q2.buttons[0]![0]!.data);
    await tg.waitCall('answerCallbackQuery', (c) => c.params.text === 'This request is no longer valid');
    expect((await positions()).length).toBe(1);

    const q3 = await ask(ADMIN, '/flatten');
    // Another chat cannot press this chat's button.
    tg.press(TRADER, q3.messageId, q3.buttons[0]![0]!.data);
    await tg.waitCall('editMessageText', (c) => c.params.chat_id === String(TRADER) && c.params.text === '⌛ This request is no longer valid: send the command again.');
    const q4 = await ask(ADMIN, '/flatten');
    tg.press(ADMIN, q4.messageId, q4.buttons[0]![0]!.data);
    const done = await tg.waitCall('editMessageText', (c) => c.params.message_id === q4.messageId, 8000);
    expect(done.params.text).toMatch(/^✅ <b>Flattened b1<\/b>\nflattened \(not halted: strategies may trade again\)/);
    expect(await positions()).toEqual([]);
    expect((await auditOf('telegram.flatten')).map((e) => [e.actor, e.source, e.payload.ok, e.payload.status])).toEqual([['admin', `telegram:${ADMIN}`, true, 'done']]);
    // The closing fill and the closed trade with its PnL.
    await tg.waitSent(ADMIN, (m) => m.text.includes('🔴 <b>Sold '));
    const trade = await tg.waitSent(ADMIN, (m) => /(✅|❌) <b>Trade closed /.test(m.text));
    expect(trade.text).toMatch(/(✅|❌) <b>Trade closed [+-]?[\d,.]+<\/b> · b1\nlong [\d,.]+ BTC-USD [\d,.]+ → [\d,.]+\n<i>held \d+(s|m \d+s)( · fees [\d,.]+)?<\/i>/);
    expect((await ask(ADMIN, '/flatten')).text).toBe('<b>b1</b> has no open positions: nothing to flatten.');

    const profit = (await ask(ADMIN, '/profit')).text;
    expect(profit).toMatch(/^<b>Profit · b1<\/b>\n<pre>Trades {6}1 \((1 won, 0|0 won, 1) lost\)\nWin rate {4}(100|0)\.0%\nRealized {4}[+-]?[\d,.]+\nAvg trade {3}[+-]?[\d,.]+\nBest {8}[+-]?[\d,.]+ BTC-USD\nWorst {7}[+-]?[\d,.]+ BTC-USD\nProfit f\. {3}(—|[\d.]+)\nUnrealized {2}0\.00\nTotal PnL {3}[+-]?[\d,.]+ \([+-]?[\d.]+%\)<\/pre>$/);
    expect((await ask(ADMIN, '/performance')).text).toMatch(/^<b>Performance · b1<\/b>\n<pre>SYM +TRD +WIN +PNL\nBTC-USD +1 +(100|0)\.0% +[+-]?[\d,.]+<\/pre>$/);
    const daily = (await ask(ADMIN, '/daily 2')).text;
    const today = new Date(now()).toISOString().slice(5, 10);
    expect(daily).toMatch(new RegExp(`^<b>Daily · b1</b> \\(UTC, 2 days\\)\\n<pre>DAY +PNL +REALIZED +TRD\\n\\d\\d-\\d\\d +— +— +0\\n${today} +[+-]?[\\d,.]+ +[+-]?[\\d,.]+ +1</pre>\\nTotal [+-]?[\\d,.]+$`));
  });

  it('kills after a confirmation button', async () => {
    const q = await ask(TRADER, '/kill');
    expect(q.text).toBe('⚠️ <b>Kill b1?</b>\nHalts new orders and cancels 0 working orders; 0 positions stay open (/kill flatten closes them).\n<i>Confirm within 60 s.</i>');
    expect(q.buttons.map((r) => r.map((b) => b.text))).toEqual([['🛑 Kill b1', '✖ Cancel']]);
    tg.press(TRADER, q.messageId, q.buttons[0]![0]!.data);
    expect((await tg.waitCall('answerCallbackQuery', (c) => c.params.text === 'Kill switch sent')).params.text).toBe('Kill switch sent');
    const edited = await tg.waitCall('editMessageText', (c) => c.params.message_id === q.messageId);
    expect(edited.params.text).toBe('🛑 <b>Killed b1</b>\nhalted; 0 orders canceled');
    expect(((await api.call('GET', `/api/v1/bots/${bot}/account`, { token: api.tokens.read })).json as { halted: boolean }).halted).toBe(true);
    expect((await auditOf('telegram.kill')).map((e) => [e.actor, e.source, e.payload.flatten, e.payload.ok])).toEqual([['trader', `telegram:${TRADER}`, false, true]]);
    expect((await ask(ADMIN, '/resume')).text).toBe('▶️ <b>Resumed b1</b>\nresumed: trading again');
    const q2 = await ask(ADMIN, '/kill flatten');
    expect(q2.text).toBe('⚠️ <b>Kill b1?</b>\nHalts new orders and cancels 0 working orders, then closes 0 positions with market orders.\n<i>Confirm within 60 s.</i>');
    tg.press(ADMIN, q2.messageId, q2.buttons[0]![1]!.data);
    expect((await tg.waitCall('editMessageText', (c) => c.params.message_id === q2.messageId)).params.text).toBe('Canceled: nothing done to <b>b1</b>.');
    expect(await auditOf('telegram.kill')).toHaveLength(1);
  });

  it('alerts breaker trips, strategy errors, reconciliation corrections and venue links (down, back)', async () => {
    const from = tg.sent.length;
    const t = Date.now();
    session.node.bus.publish('risk', { type: 'RiskEvent', kind: 'breaker-tripped', breaker: 'daily-loss', action: 'halt', reason: 'daily loss 2.1% > 2%', tsEventMs: t }, t);
    session.node.bus.publish('strategy.error', { type: 'StrategyError', strategyId: 'buy-and-hold', message: 'TypeError: x is <undefined>', tsEventMs: t }, t);
    session.node.recordRiskEvent('reconcile', 'MISMATCH while running: BTC-USD venue 1, local 0');
    session.node.recordRiskEvent('venue-connection', 'alpaca: connected -> disconnected (socket closed)');
    session.node.recordRiskEvent('venue-connection', 'alpaca: disconnected -> reconnecting');
    session.node.recordRiskEvent('venue-connection', 'alpaca: reconnecting -> connected');
    session.node.recordRiskEvent('venue-check', 'position check failed: timeout');
    const expected = [
      '🚨 <b>Breaker tripped</b> · b1\n<code>daily-loss</code> → halt\ndaily loss 2.1% &gt; 2%',
      '💥 <b>Strategy error</b> · b1\n<code>buy-and-hold</code> stopped: TypeError: x is &lt;undefined&gt;',
      '🔁 <b>Reconciliation</b> · b1\nMISMATCH while running: BTC-USD venue 1, local 0',
      '🔌 <b>Venue disconnected</b> · b1\nalpaca: connected -&gt; disconnected (socket closed)',
      '🔌 <b>Venue disconnected</b> · b1\nalpaca: disconnected -&gt; reconnecting',
      '✅ <b>Venue reconnected</b> · b1\nalpaca: reconnecting -&gt; connected',
      '🔌 <b>Venue check failed</b> · b1\nposition check failed: timeout',
    ];
    // Coalesced into one message or two (each topic's queue keeps its order; topics may interleave).
    const blocks = (chat: number): string[] => tg.sent.slice(from).filter((m) => m.chatId === String(chat)).flatMap((m) => m.text.split('\n\n'));
    for (const chat of [ADMIN, READER]) {
      await waitFor('every alert', () => Promise.resolve(blocks(chat).length >= expected.length), 15_000);
      expect(blocks(chat).sort()).toEqual([...expected].sort());
      expect(blocks(chat).filter((b) => b.includes('Venue'))).toEqual(expected.filter((b) => b.includes('Venue')));
    }
    expect(tg.sent.slice(from).filter((m) => m.chatId === String(ADMIN)).length).toBeLessThanOrEqual(2);
  });

  it('coalesces a burst into few messages at most one per chat per interval', async () => {
    const from = tg.sent.length;
    const t = Date.now();
    for (let i = 0; i < 40; i++) session.node.bus.publish('strategy.error', { type: 'StrategyError', strategyId: 'buy-and-hold', message: `burst ${i}`, tsEventMs: t }, t);
    await waitFor('the burst', () => Promise.resolve(tg.sent.slice(from).some((m) => m.chatId === String(ADMIN) && m.text.includes('burst 39'))), 15_000);
    const mine = tg.sent.slice(from).filter((m) => m.chatId === String(ADMIN));
    expect(mine.map((m) => m.text).join('\n\n').match(/burst \d+/g)).toEqual(Array.from({ length: 40 }, (_, i) => `burst ${i}`));
    expect(mine.length).toBeLessThanOrEqual(2);
    for (let i = 1; i < mine.length; i++) expect(mine[i]!.atMs - mine[i - 1]!.atMs).toBeGreaterThanOrEqual(280);
  });

  it('filters alerts by the notification settings (events, chats)', async () => {
    const r = await api.call('PUT', '/api/v1/settings/notifications', { token: api.tokens.admin, body: { enabled: true, events: ['trade', 'breaker'], telegramChatIds: [String(ADMIN)] } });
    expect(r.status).toBe(200);
    const from = tg.sent.length;
    // A round trip by hand: two fills (not sent now) and a closed trade (sent, to the admin chat only).
    for (const side of ['buy', 'sell'] as const) {
      const o = await api.call('POST', `/api/v1/bots/${bot}/orders`, { token: api.tokens.trade, body: { symbol: 'BTC-USD', side, qty: 0.01 } });
      expect((o.json as { outcome: string }).outcome).toBe('submitted');
      await waitFor('the fill', async () => ((await api.call('GET', `/api/v1/bots/${bot}/orders`, { token: api.tokens.read })).json as unknown[]).length === 0);
    }
    const trade = await tg.waitSent(ADMIN, (m) => m.text.includes('<b>Trade closed '), { from });
    expect(trade.text).toContain('long 0.01 BTC-USD');
    await new Promise((res) => setTimeout(res, 400));
    expect(tg.sent.slice(from).filter((m) => /Bought|Sold/.test(m.text))).toEqual([]);
    expect(tg.sent.slice(from).filter((m) => m.chatId !== String(ADMIN) && isAlert(m))).toEqual([]);
    await api.call('PUT', '/api/v1/settings/notifications', { token: api.tokens.admin, body: { enabled: true } });
  });

  it('sends the daily summary when the clock passes its time', async () => {
    const from = tg.sent.length;
    shiftMs = summaryDueMs + 1000 - Date.now();
    const m = await tg.waitSent(READER, (s) => s.text.startsWith('📊'), { from });
    const day = new Date(summaryDueMs).toISOString().slice(0, 16).replace('T', ' ');
    expect(m.text).toMatch(new RegExp(`^📊 <b>Daily summary</b> to ${day} UTC\\n<pre>BOT +EQUITY +PNL +TRD\\nb1 +[\\d,.k]+ +[+-]?[\\d,.k]+ +2</pre>\\nPnL [+-]?[\\d,.]+ · 2 trades \\(\\d won\\) · realized [+-]?[\\d,.]+ · \\d+ fills$`));
    // Once: the next checks do not send it again.
    await new Promise((r) => setTimeout(r, 200));
    expect(tg.sent.slice(from).filter((s) => s.chatId === String(READER) && s.text.startsWith('📊'))).toHaveLength(1);
  });

  it('rate-limits a chat (told once), and waits out a 429 from Telegram', async () => {
    const from = tg.sent.length;
    for (let i = 0; i < 60; i++) tg.message(TRADER, '/help');
    await tg.waitSent(TRADER, (m) => m.text.startsWith('⏳'), { from });
    await new Promise((r) => setTimeout(r, 300));
    const mine = tg.sent.slice(from).filter((m) => m.chatId === String(TRADER));
    expect(mine.filter((m) => m.text === '⏳ Too many commands: wait a few seconds.')).toHaveLength(1);
    const helps = mine.filter((m) => m.text.startsWith('<b>Sextant</b>')).length;
    expect(helps).toBeGreaterThanOrEqual(40);
    expect(helps).toBeLessThanOrEqual(45);

    tg.throttle(1, 1);
    const t0 = Date.now();
    const reply = await ask(ADMIN, '/help');
    expect(reply.text).toContain('<b>Sextant</b>');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('sends only valid HTML whose monospace blocks fit a phone (32 characters)', () => {
    const unescape = (t: string): string => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    for (const m of tg.sent) {
      expect(m.parseMode).toBe('HTML');
      // Only the tags Telegram knows, balanced; no stray < or >.
      expect(m.text.replace(/<\/?(b|i|code|pre)>/g, '')).not.toMatch(/[<>]/);
      for (const tag of ['b', 'i', 'code', 'pre']) expect(m.text.split(`<${tag}>`).length).toBe(m.text.split(`</${tag}>`).length);
      for (const block of m.text.match(/<pre>[\s\S]*?<\/pre>/g) ?? []) {
        for (const line of unescape(block.slice(5, -6)).split('\n')) expect([...line].length, line).toBeLessThanOrEqual(32);
      }
    }
  });

  it('stops the bot, and stops polling when Telegram is switched off', async () => {
    expect((await ask(ADMIN, '/stop')).text).toMatch(/^⏹ <b>Stopped b1<\/b>\nstopped: run "b1" stopped/);
    expect((await ask(ADMIN, '/status')).text).toContain('<b>b1</b> · paper · stopped');
    expect((await ask(ADMIN, '/pause')).text).toBe('⚠️ bot "b1" is not running (it is stopped)');
    const r = await api.call('PUT', '/api/v1/settings/telegram', { token: api.tokens.admin, body: { enabled: false } });
    expect((r.json as { token: { set: boolean } }).token.set).toBe(true);
    await api.server.telegram.settled();
    expect(api.server.telegram.running).toBe(false);
    expect(logs).toContain('telegram: bot stopped (settings changed)');
  });
});
