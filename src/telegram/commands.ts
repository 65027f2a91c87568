// The bot's commands (Freqtrade's set, on Sextant's bots): each reads or acts through the same app calls as the
// REST routes (BotService, BotQueries, BotHistory), as the chat's user, within that user's role. Control
// commands are audited (actor: the user, source: telegram:<chat>); /flatten and /kill first ask for a
// confirmation by inline button, which expires. Replies are Telegram HTML (format.ts).
import { InputError } from '../core/errors.ts';
import { scopeAllows, type Scope } from '../app/access/scope.ts';
import type { BotView } from '../app/bots/bot-service.ts';
import type { CommandReply, OrderView, PositionView } from '../app/node-handle.ts';
import type { ServerServices } from '../app/server-services.ts';
import { clock, compact, cut, esc, money, pairs, pct, price, qty, signed, table } from './format.ts';

export interface Caller {
  readonly chatId: string;
  readonly username: string;
  readonly role: Scope;
}

export interface Reply {
  readonly html: string;
  /** Inline keyboard rows: a button's text and its callback data. */
  readonly buttons?: readonly (readonly { readonly text: string; readonly data: string }[])[];
}

export interface CommandSpec {
  readonly name: string;
  readonly scope: Scope;
  readonly args?: string;
  readonly help: string;
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'status', scope: 'read', help: 'state, equity, PnL' },
  { name: 'positions', scope: 'read', help: 'open positions' },
  { name: 'orders', scope: 'read', help: 'working orders' },
  { name: 'profit', scope: 'read', help: 'closed-trade statistics' },
  { name: 'daily', scope: 'read', args: '[days]', help: 'PnL per UTC day' },
  { name: 'balance', scope: 'read', help: 'equity, cash, exposure' },
  { name: 'performance', scope: 'read', help: 'PnL per symbol' },
  { name: 'logs', scope: 'read', args: '[n]', help: 'recent log lines' },
  { name: 'bot', scope: 'read', args: '[id]', help: 'list bots, or choose one' },
  { name: 'help', scope: 'read', help: 'this list' },
  { name: 'pause', scope: 'trade', help: 'halt new orders' },
  { name: 'resume', scope: 'trade', help: 'lift a halt' },
  { name: 'stop', scope: 'trade', help: 'stop the bot' },
  { name: 'flatten', scope: 'trade', help: 'close every position ✔' },
  { name: 'kill', scope: 'trade', args: '[flatten]', help: 'kill switch ✔' },
  { name: 'cancel', scope: 'trade', args: '<order>', help: 'cancel one order' },
];

export interface CommandsOptions {
  readonly services: Pick<ServerServices, 'bots' | 'queries' | 'history' | 'audit'>;
  readonly now: () => number;
  /** How long a /flatten or /kill confirmation button works. */
  readonly confirmTtlMs: number;
  readonly log: (line: string) => void;
}

interface Pending {
  readonly chatId: string;
  readonly action: 'flatten' | 'kill';
  readonly botId: string;
  readonly flatten: boolean;
  readonly expiresMs: number;
}

const ALL = { limit: Number.MAX_SAFE_INTEGER, offset: 0 };
const MAX_LIST = 20;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const requesterOf = (c: Caller): string => `telegram: ${c.username} (chat ${c.chatId})`;

export class Commands {
  readonly #o: CommandsOptions;
  /** The bot each chat chose with /bot. */
  readonly #selected = new Map<string, string>();
  readonly #pending = new Map<string, Pending>();
  #nonce = 0;

  constructor(opts: CommandsOptions) {
    this.#o = opts;
  }

  /** The answer to a command (name without the slash), or null for one the bot does not know. */
  async handle(caller: Caller, name: string, args: readonly string[]): Promise<Reply> {
    const spec = name === 'start' ? COMMANDS.find((c) => c.name === 'help')! : COMMANDS.find((c) => c.name === name);
    if (spec === undefined) return { html: `Unknown command /${esc(cut(name, 40))}. /help lists them.` };
    if (!scopeAllows(caller.role, spec.scope)) {
      await this.#audit(caller, 'telegram.denied', '', { command: spec.name, role: caller.role, needs: spec.scope });
      return { html: `🚫 /${spec.name} needs the ${spec.scope} role; this chat acts as <b>${esc(caller.username)}</b> (${caller.role}).` };
    }
    try {
      return await this.#run(caller, spec.name, args);
    } catch (e) {
      if (!(e instanceof InputError)) this.#o.log(`telegram: /${spec.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      return { html: `⚠️ ${esc(errorText(e))}` };
    }
  }

  /** A confirmation button was pressed: `toast` answers the button, `edit` replaces the question. */
  async confirm(caller: Caller, data: string): Promise<{ readonly toast: string; readonly edit: Reply | null }> {
    const m = /^(ok|no):(\w+)$/.exec(data);
    if (m === null) return { toast: 'Unknown button', edit: null };
    const p = this.#pending.get(m[2]!);
    if (p === undefined || p.chatId !== caller.chatId) return { toast: 'This request is no longer valid', edit: { html: '⌛ This request is no longer valid: send the command again.' } };
    this.#pending.delete(m[2]!);
    if (this.#o.now() > p.expiresMs) return { toast: 'Expired', edit: { html: `⌛ Expired: nothing done. Send /${p.action} again.` } };
    if (m[1] === 'no') return { toast: 'Canceled', edit: { html: `Canceled: nothing done to <b>${esc(p.botId)}</b>.` } };
    if (!scopeAllows(caller.role, 'trade')) {
      await this.#audit(caller, 'telegram.denied', p.botId, { command: p.action, role: caller.role, needs: 'trade' });
      return { toast: 'Not allowed', edit: { html: `🚫 /${p.action} needs the trade role.` } };
    }
    const reply = await this.#control(caller, p.action, p.botId, { flatten: p.flatten }, () =>
      p.action === 'kill' ? this.#o.services.bots.kill(p.botId, p.flatten, requesterOf(caller)) : this.#o.services.bots.flatten(p.botId, requesterOf(caller)));
    return { toast: p.action === 'kill' ? 'Kill switch sent' : 'Flatten sent', edit: reply };
  }

  async #run(caller: Caller, name: string, args: readonly string[]): Promise<Reply> {
    const s = this.#o.services;
    switch (name) {
      case 'help': return this.#help(caller);
      case 'bot': return this.#bot(caller, args[0]);
      case 'status': {
        const bot = this.#botFor(caller.chatId);
        return typeof bot === 'string' ? this.#overview() : this.#status(bot);
      }
      default: break;
    }
    const bot = this.#botFor(caller.chatId);
    if (typeof bot === 'string') return { html: bot };
    const id = bot.id;
    switch (name) {
      case 'positions': return this.#positions(id, await s.queries.positions(id));
      case 'orders': return this.#orders(id);
      case 'profit': return this.#profit(id);
      case 'daily': return this.#daily(id, count(args[0], 7, 30, 'days'));
      case 'balance': return this.#balance(id);
      case 'performance': return this.#performance(id);
      case 'logs': return this.#logs(id, count(args[0], 10, 50, 'n'));
      case 'pause': return this.#control(caller, 'pause', id, {}, () => s.bots.pause(id, requesterOf(caller)));
      case 'resume': return this.#control(caller, 'resume', id, {}, () => s.bots.resume(id, requesterOf(caller)));
      case 'stop': return this.#control(caller, 'stop', id, {}, () => s.bots.stop(id, requesterOf(caller)));
      case 'cancel': {
        const orderId = args[0];
        if (orderId === undefined) return { html: 'Which order? <code>/cancel &lt;order id&gt;</code> (ids are in /orders).' };
        return this.#control(caller, 'cancel', id, { orderId }, () => {
          const r = s.queries.cancelOrder(id, orderId);
          return Promise.resolve(`✖ Canceled order <code>${esc(r.orderId)}</code> (${esc(r.status)}).`);
        });
      }
      case 'flatten': return this.#ask(caller, 'flatten', id, false);
      case 'kill': return this.#ask(caller, 'kill', id, args[0] === 'flatten');
      default: return { html: `Unknown command /${esc(name)}.` };
    }
  }

  #help(caller: Caller): Reply {
    const line = (c: CommandSpec): string => `/${c.name}${c.args === undefined ? '' : ` ${esc(c.args)}`} – ${esc(c.help)}`;
    const trade = scopeAllows(caller.role, 'trade');
    return {
      html: [
        `<b>Sextant</b> · you are <b>${esc(caller.username)}</b> (${caller.role})`,
        '',
        '<b>Read</b>',
        ...COMMANDS.filter((c) => c.scope === 'read').map(line),
        '',
        `<b>Control</b>${trade ? '' : ' <i>(needs the trade role)</i>'}`,
        ...COMMANDS.filter((c) => c.scope === 'trade').map(line),
        '',
        '<i>✔ asks to confirm. With several bots, choose one with /bot &lt;id&gt;.</i>',
      ].join('\n'),
    };
  }

  #bot(caller: Caller, id: string | undefined): Reply {
    const bots = this.#o.services.bots;
    if (id !== undefined) {
      const view = bots.get(id);
      this.#selected.set(caller.chatId, view.id);
      return { html: `Now on <b>${esc(view.id)}</b> (${view.mode}, ${view.state}).` };
    }
    const list = bots.list();
    if (list.length === 0) return { html: 'No bots yet: create one in the dashboard or with the API.' };
    const chosen = this.#botFor(caller.chatId);
    return {
      html: ['<b>Bots</b>', ...list.map((b) => `${typeof chosen !== 'string' && chosen.id === b.id ? '▶' : '•'} <code>${esc(b.id)}</code> ${b.mode}, ${b.state}`), '', 'Choose one with /bot &lt;id&gt;.'].join('\n'),
    };
  }

  /** The chat's bot: the one it chose, the only bot, or the only running one; else why not (a message). */
  #botFor(chatId: string): BotView | string {
    const list = this.#o.services.bots.list();
    if (list.length === 0) return 'No bots yet: create one in the dashboard or with the API.';
    const chosen = this.#selected.get(chatId);
    const found = chosen === undefined ? undefined : list.find((b) => b.id === chosen);
    if (found !== undefined) return found;
    if (list.length === 1) return list[0]!;
    const running = list.filter((b) => b.state === 'running');
    if (running.length === 1) return running[0]!;
    return `Several bots: choose one with /bot &lt;id&gt; (${list.map((b) => `<code>${esc(b.id)}</code>`).join(', ')}).`;
  }

  async #overview(): Promise<Reply> {
    const q = this.#o.services.queries;
    const rows: string[][] = [];
    for (const b of this.#o.services.bots.list()) {
      const a = await q.account(b.id);
      rows.push([b.id, b.state, compact(a.equity, 9), compact(a.pnlToday, 8, true)]);
    }
    return { html: `<b>Bots</b>\n${table(['BOT', 'STATE', 'EQUITY', 'TODAY'], rows, ['l', 'l', 'r', 'r'])}\nChoose one with /bot &lt;id&gt;.` };
  }

  async #status(view: BotView): Promise<Reply> {
    const a = await this.#o.services.queries.account(view.id);
    const st = view.status;
    const rows: [string, string][] = [
      ['Equity', money(a.equity)],
      ['Today', signed(a.pnlToday)],
      ['Total', `${signed(a.pnlTotal)}${a.pnlTotal !== null && a.startingCash ? ` (${pct(a.pnlTotal / a.startingCash)})` : ''}`],
      ['Open', `${plural(a.openPositions, 'position')}, ${plural(a.openOrders, 'order')}`],
    ];
    if (st !== null) {
      if (st.health.dataAgeMs !== null) rows.push(['Data', `${(st.health.dataAgeMs / 1000).toFixed(1)} s old`]);
      if (st.health.feed !== null) rows.push(['Feed', st.health.feed.state]);
      if (st.health.venue !== null) rows.push(['Venue', `${st.health.venue.name} ${st.health.venue.connection}`]);
      if (st.strategyErrors.length > 0) rows.push(['Errors', `${plural(st.strategyErrors.length, 'strategy')} stopped`]);
    }
    const head = `<b>${esc(view.id)}</b> · ${view.mode} · ${view.state}${a.halted ? ' · ⏸ halted' : ''}`;
    return { html: [head, pairs(rows), ...(view.error !== null ? [`⚠️ ${esc(cut(view.error, 300))}`] : [])].join('\n') };
  }

  #positions(id: string, positions: readonly PositionView[]): Reply {
    if (positions.length === 0) return { html: `<b>${esc(id)}</b>: no open positions.` };
    const byStrategy = new Map<string, PositionView[]>();
    for (const p of positions) byStrategy.set(p.strategyId, [...(byStrategy.get(p.strategyId) ?? []), p]);
    const parts = [`<b>Positions · ${esc(id)}</b>`];
    for (const [strategy, list] of byStrategy) {
      if (byStrategy.size > 1) parts.push(`<i>${esc(strategy)}</i>`);
      parts.push(table(['SYM', 'QTY', 'AVG', 'UPNL'], list.map((p) => [p.symbol, compact(p.qty, 8).replace(/\.00$/, ''), compact(p.avgPrice, 8), compact(p.unrealizedPnl, 8, true)]), ['l', 'r', 'r', 'r']));
    }
    const upnl = positions.every((p) => p.unrealizedPnl !== null) ? positions.reduce((s, p) => s + p.unrealizedPnl!, 0) : null;
    parts.push(`Unrealized ${signed(upnl)}`);
    return { html: parts.join('\n') };
  }

  async #orders(id: string): Promise<Reply> {
    const orders = await this.#o.services.queries.orders(id, 'open', { limit: MAX_LIST + 1, offset: 0 });
    if (orders.length === 0) return { html: `<b>${esc(id)}</b>: no working orders.` };
    const line = (o: OrderView): string => {
      const px = o.type === 'market' ? 'MKT' : [o.limitPrice !== null ? `LMT ${price(o.limitPrice)}` : '', o.stopPrice !== null ? `STP ${price(o.stopPrice)}` : ''].filter(Boolean).join(' ');
      const filled = o.filledQty > 0 ? ` · filled ${qty(o.filledQty)}` : '';
      return `<code>${esc(o.clientOrderId)}</code>\n${o.side.toUpperCase()} ${esc(qty(o.qty))} ${esc(o.symbol)} ${esc(px)}${filled}`;
    };
    const shown = orders.slice(0, MAX_LIST);
    return { html: [`<b>Orders · ${esc(id)}</b>`, ...shown.map(line), ...(orders.length > MAX_LIST ? [`<i>… and more: the dashboard lists all</i>`] : []), '', '<i>/cancel &lt;id&gt; cancels one.</i>'].join('\n') };
  }

  async #profit(id: string): Promise<Reply> {
    const q = this.#o.services.queries;
    const [trades, a, positions] = await Promise.all([q.trades(id, ALL), q.account(id), q.positions(id)]);
    const wins = trades.filter((t) => t.pnl > 0);
    const losses = trades.filter((t) => t.pnl <= 0);
    const realized = trades.reduce((s, t) => s + t.pnl, 0);
    const gain = wins.reduce((s, t) => s + t.pnl, 0);
    const loss = -losses.reduce((s, t) => s + t.pnl, 0);
    const best = trades.reduce<(typeof trades)[number] | null>((b, t) => (b === null || t.pnl > b.pnl ? t : b), null);
    const worst = trades.reduce<(typeof trades)[number] | null>((b, t) => (b === null || t.pnl < b.pnl ? t : b), null);
    const upnl = positions.reduce((s, p) => s + (p.unrealizedPnl ?? 0), 0);
    const rows: [string, string][] = [
      ['Trades', `${trades.length} (${wins.length} won, ${losses.length} lost)`],
      ['Win rate', trades.length === 0 ? '—' : pct(wins.length / trades.length)],
      ['Realized', signed(realized)],
      ['Avg trade', trades.length === 0 ? '—' : signed(realized / trades.length)],
      ['Best', best === null ? '—' : `${signed(best.pnl)} ${best.symbol}`],
      ['Worst', worst === null ? '—' : `${signed(worst.pnl)} ${worst.symbol}`],
      ['Profit f.', loss > 0 ? (gain / loss).toFixed(2) : '—'],
      ['Unrealized', signed(upnl)],
      ['Total PnL', `${signed(a.pnlTotal)}${a.pnlTotal !== null && a.startingCash ? ` (${pct(a.pnlTotal / a.startingCash)})` : ''}`],
    ];
    return { html: `<b>Profit · ${esc(id)}</b>\n${pairs(rows)}` };
  }

  async #daily(id: string, days: number): Promise<Reply> {
    const rows = await this.#o.services.history.daily(id, days, this.#o.now());
    const body = rows.map((r) => [new Date(r.dayMs).toISOString().slice(5, 10), compact(r.pnl, 9, true), compact(r.trades > 0 ? r.realized : null, 9, true), String(r.trades)]);
    const total = rows.reduce((s, r) => s + (r.pnl ?? 0), 0);
    return { html: `<b>Daily · ${esc(id)}</b> (UTC, ${days} days)\n${table(['DAY', 'PNL', 'REALIZED', 'TRD'], body, ['l', 'r', 'r', 'r'])}\nTotal ${signed(total)}` };
  }

  async #balance(id: string): Promise<Reply> {
    const a = await this.#o.services.queries.account(id);
    return {
      html: `<b>Balance · ${esc(id)}</b>\n${pairs([
        ['Equity', money(a.equity)], ['Cash', money(a.cash)], ['Buying pwr', money(a.buyingPower)], ['Gross exp', money(a.grossExposure)],
        ['Net exp', money(a.netExposure)], ['Start cash', money(a.startingCash)], ['PnL today', signed(a.pnlToday)], ['PnL total', signed(a.pnlTotal)],
      ])}`,
    };
  }

  async #performance(id: string): Promise<Reply> {
    const trades = await this.#o.services.queries.trades(id, ALL);
    if (trades.length === 0) return { html: `<b>${esc(id)}</b>: no closed trades yet.` };
    const by = new Map<string, { n: number; won: number; pnl: number }>();
    for (const t of trades) {
      const s = by.get(t.symbol) ?? { n: 0, won: 0, pnl: 0 };
      by.set(t.symbol, { n: s.n + 1, won: s.won + (t.pnl > 0 ? 1 : 0), pnl: s.pnl + t.pnl });
    }
    const rows = [...by].sort((a, b) => b[1].pnl - a[1].pnl).map(([sym, s]) => [sym, String(s.n), pct(s.won / s.n), compact(s.pnl, 9, true)]);
    return { html: `<b>Performance · ${esc(id)}</b>\n${table(['SYM', 'TRD', 'WIN', 'PNL'], rows, ['l', 'r', 'r', 'r'])}` };
  }

  async #logs(id: string, n: number): Promise<Reply> {
    const entries = await this.#o.services.queries.logs(id, n);
    if (entries.length === 0) return { html: `<b>${esc(id)}</b>: nothing logged yet.` };
    const icon = { info: '·', warn: '⚠️', error: '❗' } as const;
    return { html: [`<b>Logs · ${esc(id)}</b>`, ...entries.map((e) => `<code>${clock(Date.parse(e.time))}</code> ${icon[e.level]} <i>${esc(e.source)}</i> ${esc(cut(e.message, 200))}`)].join('\n') };
  }

  /** A control action run and audited; its reply says what the node did. */
  async #control(caller: Caller, action: string, botId: string, args: Record<string, unknown>, run: () => Promise<CommandReply | string>): Promise<Reply> {
    let ok = true;
    let html: string;
    let detail: Record<string, unknown> = {};
    try {
      const r = await run();
      if (typeof r === 'string') html = r;
      else {
        ok = r.status === 'done';
        detail = { command: r.id, status: r.status };
        html = ok ? `${ICON[action] ?? '✔'} <b>${esc(TITLE[action] ?? action)} ${esc(botId)}</b>\n${esc(r.message)}` : `⚠️ /${action} ${esc(r.status)}: ${esc(r.message)}`;
      }
    } catch (e) {
      ok = false;
      html = `⚠️ ${esc(errorText(e))}`;
      detail = { error: errorText(e) };
    }
    await this.#audit(caller, `telegram.${action}`, botId, { ...args, ok, ...detail });
    return { html };
  }

  async #ask(caller: Caller, action: 'flatten' | 'kill', botId: string, flatten: boolean): Promise<Reply> {
    const s = this.#o.services;
    s.bots.session(botId);
    const [positions, orders] = await Promise.all([s.queries.positions(botId), s.queries.orders(botId, 'open', { limit: 10_000, offset: 0 })]);
    if (action === 'flatten' && positions.length === 0) return { html: `<b>${esc(botId)}</b> has no open positions: nothing to flatten.` };
    const now = this.#o.now();
    for (const [k, p] of this.#pending) if (p.expiresMs < now) this.#pending.delete(k);
    const nonce = `${(++this.#nonce).toString(36)}${Math.floor(Math.random() * 36 ** 6).toString(36)}`;
    this.#pending.set(nonce, { chatId: caller.chatId, action, botId, flatten, expiresMs: now + this.#o.confirmTtlMs });
    const secs = Math.round(this.#o.confirmTtlMs / 1000);
    const what = action === 'flatten'
      ? `Closes ${plural(positions.length, 'position')} with reduce-only market orders. The bot keeps trading.`
      : `Halts new orders and cancels ${plural(orders.length, 'working order')}${flatten ? `, then closes ${plural(positions.length, 'position')} with market orders` : `; ${plural(positions.length, 'position')} stay open (/kill flatten closes them)`}.`;
    return {
      html: `⚠️ <b>${action === 'kill' ? 'Kill' : 'Flatten'} ${esc(botId)}?</b>\n${what}\n<i>Confirm within ${secs} s.</i>`,
      buttons: [[{ text: action === 'kill' ? `🛑 Kill ${cut(botId, 20)}` : `✅ Flatten ${cut(botId, 20)}`, data: `ok:${nonce}` }, { text: '✖ Cancel', data: `no:${nonce}` }]],
    };
  }

  async #audit(caller: Caller, action: string, target: string, payload: Record<string, unknown>): Promise<void> {
    await this.#o.services.audit.recordMutation({ actor: caller.username, source: `telegram:${caller.chatId}`, action, target, payload }).catch((e: unknown) => {
      this.#o.log(`telegram: audit write failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  }
}

const ICON: Record<string, string> = { pause: '⏸', resume: '▶️', stop: '⏹', kill: '🛑', flatten: '✅' };
const TITLE: Record<string, string> = { pause: 'Paused', resume: 'Resumed', stop: 'Stopped', kill: 'Killed', flatten: 'Flattened' };

/** A count argument: `fallback` when absent; 1 to `max`. */
function count(arg: string | undefined, fallback: number, max: number, name: string): number {
  if (arg === undefined) return fallback;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InputError(`${name} must be a whole number from 1 to ${max}`, { field: name });
  return n;
}

/** An error for the chat: an app error's message without its request field (`field "id": `), which means nothing here. */
function errorText(e: unknown): string {
  if (e instanceof InputError && e.where.file === undefined && e.where.field !== undefined) return e.message.replace(/^field "[^"]*": /, '');
  return e instanceof Error ? e.message : String(e);
}
