// The bots of one server process: definitions stored in the `bots` table, each run as a paper or live node
// on the server's store (one run per bot, the bot's id is the run id). Created, started, paused, resumed,
// killed, stopped and removed by any transport (the REST API, Telegram, the terminal monitor); operator
// commands go through the store's commands table like every other requester's (LocalNodeHandle), so each is
// recorded with the node's answer. A bot whose desired state is `running` is started again when the server
// starts (a server restart resumes its bots).
import type { Store } from '../../store/store.ts';
import type { JsonValue } from '../../store/store.ts';
import { startPaper, type PaperSession } from '../paper.ts';
import { parseAt, type CommandReply, type NodeStatus } from '../node-handle.ts';
import { ConflictError, NotFoundError } from '../app-errors.ts';
import { BotConfigSchema, checkBotConfig, idFromName, paperRequestOf, type BotConfig } from './bot-config.ts';

export type BotState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

export interface BotView {
  readonly id: string;
  readonly name: string;
  readonly mode: 'paper' | 'live';
  readonly state: BotState;
  /** What the operator asked for last: a `running` bot is started again with the server. */
  readonly desired: 'running' | 'stopped';
  readonly config: BotConfig;
  readonly createdMs: number;
  readonly updatedMs: number;
  /** Why the bot last failed (start error or the run's abort reason), else null. */
  readonly error: string | null;
  /** The running node's status; null unless running. */
  readonly status: NodeStatus | null;
}

/** What the host (the server: metrics, WebSocket fan-out) is told about bots. */
export interface BotListener {
  started?(id: string, session: PaperSession): void;
  stopped?(id: string): void;
  changed?(view: BotView): void;
  /** A venue feed's status change of a running bot (kinds as the feed reports them). */
  feed?(id: string, kind: string, reason: string): void;
}

interface Entry {
  readonly id: string;
  config: BotConfig;
  desired: 'running' | 'stopped';
  readonly createdMs: number;
  updatedMs: number;
  state: BotState;
  error: string | null;
  session: PaperSession | null;
  /** The start in progress, or the end of the running session. */
  pending: Promise<void> | null;
}

export class BotService {
  readonly #store: Store;
  readonly #bots = new Map<string, Entry>();
  readonly #listeners = new Set<BotListener>();
  #closing = false;

  readonly #envFor: (venue: string) => Promise<Readonly<Record<string, string | undefined>>>;

  /** `envFor`: the environment a bot's venue client reads its keys from (the server's stored credentials). */
  constructor(store: Store, opts: { envFor?: (venue: string) => Promise<Readonly<Record<string, string | undefined>>> } = {}) {
    this.#store = store;
    this.#envFor = opts.envFor ?? (() => Promise.resolve(process.env));
  }

  /** Loads the stored bots and starts those last asked to run; a failing start marks that bot failed. */
  async init(): Promise<void> {
    for (const r of await this.#store.access.listBots()) {
      const parsed = BotConfigSchema.safeParse(r.config);
      const e: Entry = {
        id: r.id, config: parsed.success ? parsed.data : ({ mode: 'paper', strategies: [], params: {} } as unknown as BotConfig), desired: r.desired, createdMs: r.createdMs,
        updatedMs: r.updatedMs, state: parsed.success ? 'stopped' : 'failed', error: parsed.success ? null : `stored definition is invalid: ${parsed.error.issues[0]?.message ?? ''}`,
        session: null, pending: null,
      };
      this.#bots.set(r.id, e);
    }
    for (const e of this.#bots.values()) if (e.desired === 'running' && e.state === 'stopped') await this.#start(e).catch(() => undefined);
  }

  watch(listener: BotListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  list(): BotView[] {
    return [...this.#bots.values()].sort((a, b) => a.createdMs - b.createdMs || a.id.localeCompare(b.id)).map((e) => this.#view(e));
  }

  get(id: string): BotView {
    return this.#view(this.#entry(id));
  }

  /** The running session of a bot (its node, handle and control); a ConflictError when it is not running. */
  session(id: string): PaperSession {
    const e = this.#entry(id);
    if (e.session === null || e.state !== 'running') throw new ConflictError(`bot "${id}" is not running (it is ${e.state})`, { field: 'id' });
    return e.session;
  }

  /** The running session, or null (queries that fall back to the store). */
  sessionOrNull(id: string): PaperSession | null {
    const e = this.#entry(id);
    return e.state === 'running' ? e.session : null;
  }

  /** Stores a new bot (stopped). Its id must not name a bot or an existing run of the store. */
  async create(input: unknown): Promise<BotView> {
    const config = parseAt(BotConfigSchema, input, 'body');
    checkBotConfig(config);
    const id = config.id ?? (config.name !== undefined ? idFromName(config.name) : null) ?? (await this.#freshId());
    if (this.#bots.has(id)) throw new ConflictError(`a bot with id "${id}" exists already`, { field: 'id' });
    if ((await this.#store.getRun(id)) !== null) throw new ConflictError(`run "${id}" exists already in the store; choose another id`, { field: 'id' });
    const now = Date.now();
    // As stored (jsonb): without the keys a client left undefined.
    const stored = JSON.parse(JSON.stringify({ ...config, id })) as BotConfig;
    await this.#store.access.putBot({ id, config: stored as unknown as JsonValue, desired: 'stopped', nowMs: now });
    const e: Entry = { id, config: stored, desired: 'stopped', createdMs: now, updatedMs: now, state: 'stopped', error: null, session: null, pending: null };
    this.#bots.set(id, e);
    this.#changed(e);
    return this.#view(e);
  }

  /** Replaces a stopped bot's definition (its id stays). */
  async update(id: string, input: unknown): Promise<BotView> {
    const e = this.#entry(id);
    if (e.state !== 'stopped' && e.state !== 'failed') throw new ConflictError(`bot "${id}" is ${e.state}: stop it before changing its definition`, { field: 'id' });
    const config = JSON.parse(JSON.stringify({ ...parseAt(BotConfigSchema, input, 'body'), id })) as BotConfig;
    checkBotConfig(config);
    await this.#checkSameStrategies(id, config);
    e.config = config;
    e.updatedMs = Date.now();
    await this.#store.access.putBot({ id, config: config as unknown as JsonValue, desired: e.desired, nowMs: e.updatedMs });
    this.#changed(e);
    return this.#view(e);
  }

  /**
   * Changes part of a bot's definition (its risk config, its strategies' parameters). A running bot is stopped
   * gracefully, changed and started again: it resumes its run from the store with the new settings.
   */
  async reconfigure(id: string, change: (config: BotConfig) => unknown, requester?: string): Promise<BotView> {
    const e = this.#entry(id);
    if (e.state === 'starting' || e.state === 'stopping') throw new ConflictError(`bot "${id}" is ${e.state}; try again once it has`, { field: 'id' });
    const next = parseAt(BotConfigSchema, change(structuredClone(e.config)), 'body');
    checkBotConfig(next);
    const running = e.state === 'running';
    if (running) await this.stop(id, requester);
    await this.update(id, next);
    if (running) {
      await this.#setDesired(e, 'running');
      await this.#start(e);
    }
    return this.#view(e);
  }

  /** Starts a stopped bot; resolves once it is restored and trading (or rejects with why it could not start). */
  async start(id: string): Promise<BotView> {
    const e = this.#entry(id);
    if (e.state === 'running' || e.state === 'starting') throw new ConflictError(`bot "${id}" is ${e.state} already`, { field: 'id' });
    if (e.state === 'stopping') throw new ConflictError(`bot "${id}" is stopping; start it again once stopped`, { field: 'id' });
    await this.#setDesired(e, 'running');
    await this.#start(e);
    return this.#view(e);
  }

  /** Graceful stop (as SIGTERM): the node's answer once it has stopped. */
  async stop(id: string, requester?: string): Promise<CommandReply> {
    const e = this.#entry(id);
    const session = this.session(id);
    await this.#setDesired(e, 'stopped');
    e.state = 'stopping';
    this.#changed(e);
    const reply = await session.handle.command('stop', {}, requester);
    await e.pending;
    return reply;
  }

  // Operator commands, recorded with who asked (`requester`, e.g. "api: alice from 10.0.0.5").
  pause(id: string, requester?: string): Promise<CommandReply> {
    return this.session(id).handle.command('halt', {}, requester);
  }
  resume(id: string, requester?: string): Promise<CommandReply> {
    return this.session(id).handle.command('resume', {}, requester);
  }
  kill(id: string, flatten: boolean, requester?: string): Promise<CommandReply> {
    return this.session(id).handle.command('kill', { flatten }, requester);
  }
  cancelAll(id: string, requester?: string): Promise<CommandReply> {
    return this.session(id).handle.command('cancel-all', {}, requester);
  }
  /** Closes every position with reduce-only market orders; the bot keeps running (not halted). */
  flatten(id: string, requester?: string): Promise<CommandReply> {
    return this.session(id).handle.command('flatten', {}, requester);
  }

  /** Removes a stopped bot's definition; its run (orders, fills, equity) stays in the store. */
  async remove(id: string): Promise<void> {
    const e = this.#entry(id);
    if (e.state !== 'stopped' && e.state !== 'failed') throw new ConflictError(`bot "${id}" is ${e.state}: stop it before removing it`, { field: 'id' });
    await this.#store.access.deleteBot(id);
    this.#bots.delete(id);
  }

  /** Server shutdown: stops every running bot gracefully; their desired state stays, so the next start resumes them. */
  async close(): Promise<void> {
    this.#closing = true;
    const running = [...this.#bots.values()].filter((e) => e.session !== null);
    await Promise.all(running.map(async (e) => {
      await e.session?.stop().catch(() => undefined);
      await e.pending?.catch(() => undefined);
    }));
  }

  #entry(id: string): Entry {
    const e = this.#bots.get(id);
    if (e === undefined) throw new NotFoundError(`no bot "${id}"`, { field: 'id' });
    return e;
  }

  async #freshId(): Promise<string> {
    for (let n = this.#bots.size + 1; ; n++) {
      const id = `bot-${n}`;
      if (!this.#bots.has(id) && (await this.#store.getRun(id)) === null) return id;
    }
  }

  /** A bot's run keeps its strategies (their books and positions): a bot that has run cannot start with others. */
  async #checkSameStrategies(id: string, config: BotConfig): Promise<void> {
    const ran = ((await this.#store.getRun(id))?.config as { strategies?: unknown } | undefined)?.strategies;
    if (!Array.isArray(ran) || ran.length === 0) return;
    const wanted = paperRequestOf(id, config).strategies;
    if (wanted.length === ran.length && wanted.every((s, i) => s === ran[i])) return;
    throw new ConflictError(`bot "${id}" has run with the strategies ${ran.join(', ')}, and a run keeps its strategies: create a new bot for others`, { field: 'body.strategies' });
  }

  async #setDesired(e: Entry, desired: 'running' | 'stopped'): Promise<void> {
    if (e.desired === desired) return;
    e.desired = desired;
    e.updatedMs = Date.now();
    await this.#store.access.setBotDesired(e.id, desired, e.updatedMs);
  }

  async #start(e: Entry): Promise<void> {
    e.state = 'starting';
    e.error = null;
    this.#changed(e);
    let session: PaperSession;
    try {
      const venue = e.config.venue ?? e.config.feed;
      const env = venue === undefined ? undefined : await this.#envFor(venue);
      session = await startPaper({ ...paperRequestOf(e.id, e.config), env, allowParamChange: true }, undefined, undefined, {
        store: this.#store,
        onFeedStatus: (kind, reason) => {
          for (const l of this.#listeners) l.feed?.(e.id, kind, reason);
        },
      });
    } catch (err) {
      e.state = 'failed';
      e.error = err instanceof Error ? err.message : String(err);
      this.#changed(e);
      throw err;
    }
    e.session = session;
    e.state = 'running';
    for (const l of this.#listeners) l.started?.(e.id, session);
    this.#changed(e);
    e.pending = session.done.then(
      () => this.#ended(e, session.node.status().abortReason),
      (err: unknown) => this.#ended(e, err instanceof Error ? err.message : String(err)),
    );
  }

  async #ended(e: Entry, failure: string | null): Promise<void> {
    e.session = null;
    e.pending = null;
    e.state = failure === null ? 'stopped' : 'failed';
    e.error = failure;
    // A run that ended by itself (a replay's end, a failure) stays stopped at the next server start; one
    // stopped by the server's shutdown is resumed then.
    if (!this.#closing) await this.#setDesired(e, 'stopped').catch(() => undefined);
    for (const l of this.#listeners) l.stopped?.(e.id);
    this.#changed(e);
  }

  #changed(e: Entry): void {
    const view = this.#view(e);
    for (const l of this.#listeners) l.changed?.(view);
  }

  #view(e: Entry): BotView {
    return {
      id: e.id, name: e.config.name ?? e.id, mode: e.config.mode, state: e.state, desired: e.desired, config: e.config, createdMs: e.createdMs, updatedMs: e.updatedMs,
      error: e.error, status: e.state === 'running' && e.session !== null ? e.session.control.status() : null,
    };
  }
}
