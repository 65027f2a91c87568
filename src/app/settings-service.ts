// Server-wide settings a client reads and changes: the risk defaults given to new bots that bring none,
// and where notifications go. Stored in the store's settings table, validated by schema on the way in.
import { z } from 'zod';
import type { JsonValue, Store } from '../store/store.ts';
import { parseAt } from './node-handle.ts';
import { parseRunRiskConfig } from './risk-config.ts';

export const RiskDefaultsSchema = z.object({
  /** `{ "checks": {...}, "breakers": {...} }` as in docs/risk.md; null: none. */
  risk: z.record(z.string(), z.unknown()).nullable(),
});
export type RiskDefaults = z.infer<typeof RiskDefaultsSchema>;

export const NOTIFY_EVENTS = ['fill', 'trade', 'breaker', 'strategy-error', 'reconciliation', 'venue', 'daily-summary'] as const;
export const NotificationSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Which events are sent. */
  events: z.array(z.enum(NOTIFY_EVENTS)).max(NOTIFY_EVENTS.length).default([...NOTIFY_EVENTS]),
  /** Telegram chats allowed to receive alerts (chat ids), when Telegram is configured. */
  telegramChatIds: z.array(z.string().regex(/^-?\d{1,20}$/, 'a Telegram chat id (digits)')).max(50).default([]),
  /** A webhook that receives each event as JSON (http or https URL). */
  webhookUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().default(null),
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

const RISK_KEY = 'server:risk-defaults';
const NOTIFY_KEY = 'server:notifications';

export class SettingsService {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async riskDefaults(): Promise<RiskDefaults> {
    return { risk: ((await this.#store.getSetting(RISK_KEY)) as Record<string, unknown> | undefined) ?? null };
  }

  /** Checked like a bot's risk config before it is stored. */
  async setRiskDefaults(input: unknown): Promise<RiskDefaults> {
    const v = parseAt(RiskDefaultsSchema, input, 'body');
    if (v.risk !== null) parseRunRiskConfig(v.risk);
    await this.#store.putSetting(RISK_KEY, v.risk as JsonValue);
    return v;
  }

  async notifications(): Promise<NotificationSettings> {
    const stored = await this.#store.getSetting(NOTIFY_KEY);
    return NotificationSettingsSchema.parse(stored ?? {});
  }

  async setNotifications(input: unknown): Promise<NotificationSettings> {
    const v = parseAt(NotificationSettingsSchema, input, 'body');
    await this.#store.putSetting(NOTIFY_KEY, v as unknown as JsonValue);
    return v;
  }
}
