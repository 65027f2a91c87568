// The server's Telegram bot over its lifetime: started when the settings enable it with a token, restarted
// when the token changes or it is switched on or off (PUT /api/v1/settings/telegram), given new chats and
// summary time without a restart, stopped with the server. Failures are said through `log`, never thrown:
// the server runs on without Telegram.
import type { ServerServices } from '../app/server-services.ts';
import { TelegramBot, type TelegramOptions } from './telegram-bot.ts';

export type { TelegramOptions } from './telegram-bot.ts';

export class TelegramService {
  readonly #services: ServerServices;
  readonly #o: TelegramOptions;
  readonly #unwatch: () => void;
  #bot: TelegramBot | null = null;
  #op: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(services: ServerServices, opts: TelegramOptions) {
    this.#services = services;
    this.#o = opts;
    this.#unwatch = services.telegram.watch(() => void this.#queue());
  }

  /**
   * Starts the bot when Telegram is configured, in the background (an unreachable Telegram never holds up the
   * server); `settled()` resolves once it polls or has failed to.
   */
  static open(services: ServerServices, opts: TelegramOptions = {}): TelegramService {
    const t = new TelegramService(services, opts);
    void t.#queue();
    return t;
  }

  /** Whether a bot is running now. */
  get running(): boolean {
    return this.#bot !== null;
  }

  /** Settled once the last settings change has been applied. */
  settled(): Promise<void> {
    return this.#op;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unwatch();
    // A start still waiting for Telegram is aborted first; then whatever the queue left running is stopped.
    await this.#bot?.stop();
    await this.#op;
    await this.#bot?.stop();
    this.#bot = null;
  }

  #queue(): Promise<void> {
    this.#op = this.#op.then(() => this.#apply()).catch((e: unknown) => this.#o.log?.(`telegram: ${e instanceof Error ? e.message : String(e)}`));
    return this.#op;
  }

  async #apply(): Promise<void> {
    if (this.#closed) return;
    const config = await this.#services.telegram.runtime();
    if (config !== null && this.#bot !== null && this.#bot.token === config.token) {
      this.#bot.reconfigure(config);
      return;
    }
    if (this.#bot !== null) {
      await this.#bot.stop();
      this.#bot = null;
      this.#o.log?.('telegram: bot stopped (settings changed)');
    }
    if (config === null) return;
    const bot = new TelegramBot(this.#services, config, this.#o);
    this.#bot = bot;
    if (!(await bot.start())) {
      await bot.stop();
      if (this.#bot === bot) this.#bot = null;
    }
  }
}
