// The API server's bot definitions (table `bots`): a bot's id (also its run id), its configuration as JSON,
// and whether it should be running. The server decides what the configuration means; this keeps the rows.
import { InputError } from '../../core/errors.ts';
import type { AccessStore, BotDesired, BotRecord, JsonValue } from '../../store/access-store.ts';
import type { ServiceClock } from './users.ts';

/** A run id the warehouse also accepts: a letter or digit, then letters, digits, ".", "_" or "-" (at most 128). */
export const BOT_ID_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkBotId(id: unknown): string {
  if (typeof id !== 'string' || !BOT_ID_RULE.test(id)) throw new InputError('must be 1 to 128 characters: a letter or digit, then letters, digits, ".", "_" or "-"', { field: 'id' });
  return id;
}

export class BotDefinitions {
  readonly #store: AccessStore;
  readonly #now: () => number;

  constructor(store: AccessStore, opts: ServiceClock = {}) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
  }

  /** Creates or replaces a definition (a replaced one keeps its createdMs). */
  async put(id: string, config: JsonValue, desired: BotDesired = 'stopped'): Promise<BotRecord> {
    return this.#store.putBot({ id: checkBotId(id), config, desired, nowMs: this.#now() });
  }

  get(id: string): Promise<BotRecord | null> {
    return this.#store.getBot(id);
  }

  /** Oldest first. */
  list(): Promise<BotRecord[]> {
    return this.#store.listBots();
  }

  /** Unknown id: InputError field 'id'. */
  async setDesired(id: string, desired: BotDesired): Promise<BotRecord> {
    const b = await this.#store.setBotDesired(id, desired, this.#now());
    if (b === null) throw new InputError(`no bot "${id}"`, { field: 'id' });
    return b;
  }

  /** True when it existed. */
  remove(id: string): Promise<boolean> {
    return this.#store.deleteBot(id);
  }
}
