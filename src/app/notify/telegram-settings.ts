// Telegram's settings: the bot token (encrypted in the credential vault like a broker key: never returned,
// never logged), the allow-list of chats, each mapped to a Sextant user whose role is the chat's scope, and the
// UTC time of the daily summary. Stored under `server:telegram`; the transport (src/telegram) reads the token
// through `runtime()` and hears of changes through `watch`. Which events are sent stays in the notification
// settings (settings-service.ts).
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import type { Role } from '../../store/access-store.ts';
import type { JsonValue, Store } from '../../store/store.ts';
import type { UserService } from '../access/users.ts';
import type { CredentialVault } from '../access/vault.ts';
import { parseAt } from '../node-handle.ts';

/** The vault entry's venue name: the token is listed (masked) with the broker credentials. */
export const TELEGRAM_CREDENTIAL_VENUE = 'telegram';
const SECRET = 'botToken';
const KEY = 'server:telegram';

export const TelegramChatSchema = z.strictObject({
  /** The chat's id (a private chat's id is the user's Telegram id; groups are negative). */
  chatId: z.string().regex(/^-?\d{1,20}$/, 'a Telegram chat id (digits, negative for groups)'),
  /** The Sextant user the chat acts as: the user's role (read < trade < admin) is the chat's scope. */
  username: z.string().min(1).max(32),
});
export type TelegramChat = z.infer<typeof TelegramChatSchema>;

const TimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time of day as HH:MM');

export const TelegramSettingsInputSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The bot token from BotFather; write-only. Omitted: the stored one is kept; null: it is removed. */
  token: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'must be a bot token from BotFather (<digits>:<about 35 characters>)').nullable().optional(),
  chats: z.array(TelegramChatSchema).max(50).default([]),
  /** When the daily summary is sent (UTC, HH:MM); null: never. */
  dailySummaryTime: TimeSchema.nullable().default('00:00'),
});
export type TelegramSettingsInput = z.input<typeof TelegramSettingsInputSchema>;

export const TelegramSettingsSchema = z.object({
  enabled: z.boolean(),
  /** Whether a token is stored, and its mask (never the token). */
  token: z.object({ set: z.boolean(), mask: z.string().nullable() }),
  chats: z.array(TelegramChatSchema),
  dailySummaryTime: TimeSchema.nullable(),
});
export type TelegramSettings = z.infer<typeof TelegramSettingsSchema>;

const StoredSchema = z.object({
  enabled: z.boolean(),
  credentialId: z.string().nullable(),
  chats: z.array(TelegramChatSchema),
  dailySummaryTime: TimeSchema.nullable(),
});
type Stored = z.infer<typeof StoredSchema>;
const EMPTY: Stored = { enabled: false, credentialId: null, chats: [], dailySummaryTime: '00:00' };

/** What the running bot needs: only for the transport, never for a client. */
export interface TelegramRuntime {
  readonly token: string;
  readonly chats: readonly TelegramChat[];
  readonly dailySummaryTime: string | null;
}

/** Who a chat acts as. */
export interface ChatAccess {
  readonly chatId: string;
  readonly username: string;
  readonly role: Role;
}

export class TelegramSettingsService {
  readonly #store: Store;
  readonly #vault: CredentialVault;
  readonly #users: UserService;
  readonly #listeners = new Set<(s: TelegramSettings) => void>();
  #cached: Stored | null = null;

  constructor(store: Store, vault: CredentialVault, users: UserService) {
    this.#store = store;
    this.#vault = vault;
    this.#users = users;
  }

  /** Called after each change (the transport restarts its bot when the token or `enabled` changed). */
  watch(listener: (s: TelegramSettings) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async get(): Promise<TelegramSettings> {
    return this.#view(await this.#stored());
  }

  /**
   * Replaces the settings; the token only when given (a new one is encrypted in the vault and the old one
   * removed). Every chat must name an existing user, once.
   */
  async set(input: unknown): Promise<TelegramSettings> {
    const v = parseAt(TelegramSettingsInputSchema, input, 'body');
    const seen = new Set<string>();
    for (const [i, c] of v.chats.entries()) {
      if (seen.has(c.chatId)) throw new InputError(`chat ${c.chatId} is listed twice`, { field: `body.chats.${i}.chatId` });
      seen.add(c.chatId);
      if ((await this.#users.get(c.username)) === null) throw new InputError(`no user "${c.username}" (add one with sextant user add or the API)`, { field: `body.chats.${i}.username` });
    }
    const old = await this.#stored();
    let credentialId = old.credentialId;
    if (v.token !== undefined) {
      credentialId = v.token === null ? null : (await this.#vault.add(TELEGRAM_CREDENTIAL_VENUE, 'Telegram bot token', { [SECRET]: v.token })).id;
      if (old.credentialId !== null) await this.#vault.remove(old.credentialId);
    }
    const next: Stored = { enabled: v.enabled, credentialId, chats: v.chats, dailySummaryTime: v.dailySummaryTime };
    await this.#store.putSetting(KEY, next as unknown as JsonValue);
    this.#cached = next;
    const view = await this.#view(next);
    for (const l of this.#listeners) l(view);
    return view;
  }

  /** The token and chats when Telegram is enabled with a token, else null. */
  async runtime(): Promise<TelegramRuntime | null> {
    const s = await this.#stored();
    if (!s.enabled || s.credentialId === null) return null;
    const c = await this.#credential(s.credentialId);
    if (c === null) return null;
    const token = (await this.#vault.reveal(c.id)).secrets[SECRET];
    return token === undefined ? null : { token, chats: s.chats, dailySummaryTime: s.dailySummaryTime };
  }

  /**
   * Who a chat acts as: its user and that user's current role; null for a chat not on the list (or whose
   * user is gone). Unknown chats cost no store read.
   */
  async authorize(chatId: string): Promise<ChatAccess | null> {
    const chat = (await this.#stored()).chats.find((c) => c.chatId === chatId);
    if (chat === undefined) return null;
    const user = await this.#users.get(chat.username);
    return user === null ? null : { chatId, username: user.username, role: user.role };
  }

  async #stored(): Promise<Stored> {
    if (this.#cached !== null) return this.#cached;
    const raw = await this.#store.getSetting(KEY);
    const parsed = StoredSchema.safeParse(raw);
    this.#cached = parsed.success ? parsed.data : EMPTY;
    return this.#cached;
  }

  async #credential(id: string): Promise<{ id: string; mask: Readonly<Record<string, string>> } | null> {
    return (await this.#vault.list()).find((c) => c.id === id && c.venue === TELEGRAM_CREDENTIAL_VENUE) ?? null;
  }

  async #view(s: Stored): Promise<TelegramSettings> {
    const c = s.credentialId === null ? null : await this.#credential(s.credentialId);
    return { enabled: s.enabled, token: { set: c !== null, mask: c?.mask[SECRET] ?? null }, chats: s.chats, dailySummaryTime: s.dailySummaryTime };
  }
}
