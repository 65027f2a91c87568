// One running Telegram bot (grammY, long polling): messages from chats on the allow-list run commands as the
// chat's user; anything else is ignored without a reply and audited (`telegram.unknown-chat`, at most once
// an hour per chat); each chat is rate-limited; confirmation buttons answer through callback queries; the
// alerts of every running bot go to the allowed chats through the paced outbox. Handlers run beside the
// polling loop, so a slow command (a /stop waiting for the node) does not hold up the other chats.
import { Bot, GrammyError, type Context } from 'grammy';
import { AlertFeed } from '../app/notify/alert-feed.ts';
import type { Alert } from '../app/notify/alert.ts';
import type { TelegramChat } from '../app/notify/telegram-settings.ts';
import type { NotificationSettings } from '../app/settings-service.ts';
import type { ServerServices } from '../app/server-services.ts';
import { alertText } from './alert-text.ts';
import { Commands, COMMANDS, type Reply } from './commands.ts';
import { cut } from './format.ts';
import { Outbox } from './outbox.ts';
import { RateLimiter } from './rate-limit.ts';

export interface TelegramOptions {
  /** The Bot API's root (default https://api.telegram.org; tests point it at a local fake). */
  readonly apiRoot?: string;
  /** The clock of confirmations and the daily summary (tests inject one). */
  readonly now?: () => number;
  /** How long a /flatten or /kill button works (default 60 s). */
  readonly confirmTtlMs?: number;
  /** Commands a chat may send at once, and refilled per second (default 5 and 1). */
  readonly commandBurst?: number;
  readonly commandsPerSecond?: number;
  /** Alerts per chat at most this often (default 1000 ms; they are coalesced meanwhile). */
  readonly perChatMs?: number;
  readonly globalPerSecond?: number;
  /** How often the daily summary's time is checked (default 20 s). */
  readonly summaryCheckMs?: number;
  /** How long the notification settings read for alerts are used (default 2000 ms). */
  readonly notificationsTtlMs?: number;
  /** getUpdates' long-poll timeout in seconds (default 30). */
  readonly pollTimeoutSec?: number;
  /** Operator lines (start, failures); never the token. */
  readonly log?: (line: string) => void;
}

export interface BotConfig {
  readonly token: string;
  readonly chats: readonly TelegramChat[];
  readonly dailySummaryTime: string | null;
}

const UNKNOWN_AUDIT_EVERY_MS = 3_600_000;
const STOP_WAIT_MS = 5000;

export class TelegramBot {
  readonly #services: ServerServices;
  readonly #o: TelegramOptions;
  readonly #log: (line: string) => void;
  readonly #bot: Bot;
  readonly #token: string;
  readonly #outbox: Outbox;
  readonly #commands: Commands;
  readonly #limiter: RateLimiter;
  readonly #inflight = new Set<Promise<void>>();
  readonly #unknownSeen = new Map<string, number>();
  #config: BotConfig;
  #feed: AlertFeed | null = null;
  #polling: Promise<void> | null = null;
  /** Aborts getMe's retries (an unreachable API) when the bot is stopped before it polls. */
  readonly #abort = new AbortController();
  #stopped = false;

  constructor(services: ServerServices, config: BotConfig, opts: TelegramOptions) {
    this.#services = services;
    this.#config = config;
    this.#o = opts;
    this.#token = config.token;
    this.#log = (line) => opts.log?.(line.split(config.token).join('[token]'));
    this.#bot = new Bot(config.token, { client: { ...(opts.apiRoot === undefined ? {} : { apiRoot: opts.apiRoot }), timeoutSeconds: (opts.pollTimeoutSec ?? 30) + 30 } });
    this.#outbox = new Outbox({
      send: (chatId, html) => this.#bot.api.sendMessage(chatId, html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }),
      retryAfter: (e) => (e instanceof GrammyError && e.error_code === 429 ? (e.parameters.retry_after ?? 1) : null),
      log: this.#log, perChatMs: opts.perChatMs, globalPerSecond: opts.globalPerSecond,
    });
    const now = opts.now ?? Date.now;
    this.#commands = new Commands({ services, now, confirmTtlMs: opts.confirmTtlMs ?? 60_000, log: this.#log });
    this.#limiter = new RateLimiter({ burst: opts.commandBurst ?? 5, perSecond: opts.commandsPerSecond ?? 1 });
    this.#bot.on('message', (ctx) => this.#spawn(this.#onMessage(ctx)));
    this.#bot.on('callback_query:data', (ctx) => this.#spawn(this.#onCallback(ctx)));
    this.#bot.catch((err) => this.#log(`telegram: update ${err.ctx.update.update_id} failed: ${err.message}`));
  }

  /** The token this bot runs with (to tell whether new settings need a restart). */
  get token(): string {
    return this.#token;
  }

  /** New chats or summary time (same token): taken at once. */
  reconfigure(config: BotConfig): void {
    this.#config = config;
  }

  /**
   * Starts long polling and the alerts; resolves true once polling runs, false when it ended first (a refused
   * token, another instance polling with it: said through the log, never thrown).
   */
  async start(): Promise<boolean> {
    try {
      // grammY types its signal as the abort-controller package's; Node's is the same at run time.
      await this.#bot.init(this.#abort.signal as Parameters<Bot['init']>[0]);
    } catch (e) {
      if (!this.#stopped) this.#log(`telegram: the bot cannot start: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
    if (this.#stopped) return false;
    const now = this.#o.now ?? Date.now;
    this.#feed = new AlertFeed(this.#services, (a, s) => this.#alert(a, s), {
      now, summaryTime: () => this.#config.dailySummaryTime, checkEveryMs: this.#o.summaryCheckMs, settingsTtlMs: this.#o.notificationsTtlMs, onError: (e) => this.#log(`telegram: alerts: ${e instanceof Error ? e.message : String(e)}`),
    });
    let started!: (ok: boolean) => void;
    const running = new Promise<boolean>((resolve) => (started = resolve));
    this.#polling = this.#bot.start({
      timeout: this.#o.pollTimeoutSec ?? 30, allowed_updates: ['message', 'callback_query'],
      onStart: (me) => {
        this.#log(`telegram: @${me.username} is polling for commands (${this.#config.chats.length} chat${this.#config.chats.length === 1 ? '' : 's'} allowed)`);
        void this.#bot.api.setMyCommands(COMMANDS.map((c) => ({ command: c.name, description: c.help }))).catch((e: unknown) => this.#log(`telegram: setMyCommands failed: ${String(e)}`));
        started(true);
      },
    }).then(
      () => started(false),
      (e: unknown) => {
        this.#log(`telegram: the bot stopped: ${e instanceof Error ? e.message : String(e)}`);
        this.#feed?.close();
        started(false);
      },
    );
    return running;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
    this.#feed?.close();
    if (this.#bot.isRunning()) await this.#bot.stop().catch((e: unknown) => this.#log(`telegram: stopping: ${String(e)}`));
    await this.#polling;
    const until = new Promise<void>((r) => setTimeout(r, STOP_WAIT_MS).unref());
    await Promise.race([Promise.allSettled([...this.#inflight]), until]);
    this.#outbox.close();
  }

  /** Sends each alert to every allowed chat (or those of them the notification settings name). */
  #alert(a: Alert, s: NotificationSettings): void {
    const html = alertText(a);
    for (const c of this.#config.chats) if (s.telegramChatIds.length === 0 || s.telegramChatIds.includes(c.chatId)) this.#outbox.alert(c.chatId, html);
  }

  #spawn(p: Promise<void>): void {
    const tracked = p.catch((e: unknown) => this.#log(`telegram: ${e instanceof Error ? e.message : String(e)}`)).finally(() => this.#inflight.delete(tracked));
    this.#inflight.add(tracked);
  }

  async #onMessage(ctx: Context): Promise<void> {
    const msg = ctx.message!;
    const chatId = String(msg.chat.id);
    const text = (msg.text ?? '').trim();
    const caller = await this.#services.telegram.authorize(chatId);
    if (caller === null) return this.#unknown(chatId, msg.from?.id, msg.from?.username, text);
    const rate = this.#limiter.take(chatId);
    if (!rate.ok) {
      if (rate.warn) await this.#reply(chatId, { html: '⏳ Too many commands: wait a few seconds.' });
      return;
    }
    const m = /^\/([A-Za-z0-9_]{1,64})(?:@(\w+))?(?:\s+([\s\S]*))?$/.exec(text);
    if (m === null) return this.#reply(chatId, { html: 'Send /help for the commands.' });
    // In a group, a command addressed to another bot is not ours.
    if (m[2] !== undefined && m[2].toLowerCase() !== this.#bot.botInfo.username.toLowerCase()) return;
    const reply = await this.#commands.handle(caller, m[1]!.toLowerCase(), (m[3] ?? '').split(/\s+/).filter((x) => x !== ''));
    await this.#reply(chatId, reply);
  }

  async #onCallback(ctx: Context): Promise<void> {
    const q = ctx.callbackQuery!;
    const msg = q.message;
    if (msg === undefined) return;
    const chatId = String(msg.chat.id);
    const caller = await this.#services.telegram.authorize(chatId);
    if (caller === null) return this.#unknown(chatId, q.from.id, q.from.username, `button ${q.data ?? ''}`);
    const rate = this.#limiter.take(chatId);
    if (!rate.ok) {
      await this.#outbox.request(() => this.#bot.api.answerCallbackQuery(q.id, { text: 'Too many requests: wait a few seconds' }));
      return;
    }
    const r = await this.#commands.confirm(caller, q.data ?? '');
    await this.#outbox.request(() => this.#bot.api.answerCallbackQuery(q.id, { text: r.toast }));
    const edit = r.edit;
    if (edit !== null) await this.#outbox.request(() => this.#bot.api.editMessageText(chatId, msg.message_id, edit.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }));
  }

  async #reply(chatId: string, r: Reply): Promise<void> {
    const markup = r.buttons === undefined ? undefined : { inline_keyboard: r.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) };
    await this.#outbox.request(() => this.#bot.api.sendMessage(chatId, r.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(markup === undefined ? {} : { reply_markup: markup }) }));
  }

  /** A chat not on the allow-list: no reply; audited at most once an hour per chat (a flood costs nothing). */
  async #unknown(chatId: string, fromId: number | undefined, fromUsername: string | undefined, text: string): Promise<void> {
    const now = Date.now();
    const last = this.#unknownSeen.get(chatId);
    if (last !== undefined && now - last < UNKNOWN_AUDIT_EVERY_MS) return;
    if (this.#unknownSeen.size >= 1000) this.#unknownSeen.clear();
    this.#unknownSeen.set(chatId, now);
    this.#log(`telegram: ignored chat ${chatId} (not on the allow-list; audited as telegram.unknown-chat)`);
    await this.#services.audit.recordMutation({
      actor: 'system', source: `telegram:${chatId}`, action: 'telegram.unknown-chat', target: chatId,
      payload: { fromId: fromId ?? null, fromUsername: fromUsername ?? null, text: cut(text, 64) },
    });
  }
}
