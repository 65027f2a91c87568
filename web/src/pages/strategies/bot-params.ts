// What a bot lets a form change (pure): a bot's parameters are one set that goes to each of its strategies
// (the server checks every strategy against every parameter), so a parameter can be set only when every
// other strategy of the bot takes it too, and a strategy joins a bot only when it takes every parameter the
// bot already sets. The forms lock what cannot be set, with the reason, rather than letting the server refuse.
import type { Bot, StrategyInfo } from '../../api/types';
import { sameValue, valueOf, type FormValues, type ParamValue, type SchemaField } from '../../lib/json-schema';

export interface BotStrategyRef {
  readonly name: string;
  readonly allocation?: number;
}

export function botStrategies(bot: Bot): BotStrategyRef[] {
  const s = bot.config.strategies;
  return Array.isArray(s) ? (s as BotStrategyRef[]) : [];
}

export function botParams(bot: Bot): Record<string, unknown> {
  const p = bot.config.params;
  return p !== null && typeof p === 'object' ? (p as Record<string, unknown>) : {};
}

export function takes(info: StrategyInfo | undefined, param: string): boolean {
  const props = (info?.schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.hasOwn(props, param);
}

/** The fields that `others` (the bot's other strategies) do not all take, with why they are fixed. */
export function lockedFields(fields: readonly SchemaField[], others: readonly string[], catalog: ReadonlyMap<string, StrategyInfo>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const missing = [...new Set(others.filter((o) => !takes(catalog.get(o), f.name)))];
    if (missing.length > 0) out[f.name] = `Fixed here: ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not take it, and a bot's parameters go to each of its strategies`;
  }
  return out;
}

/** The parameters a bot sets that `strategy` does not take (it cannot join the bot while they are set). */
export function paramsNotTaken(bot: Bot, strategy: StrategyInfo): string[] {
  return Object.keys(botParams(bot)).filter((k) => !takes(strategy, k));
}

/**
 * The changes a form makes to a bot's params: each unlocked field whose value differs from the bot's (its
 * value, else the default); a field emptied goes back to its default.
 */
export function paramChanges(fields: readonly SchemaField[], values: FormValues, current: Readonly<Record<string, unknown>>, locked: Readonly<Record<string, string>>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const f of fields) {
    if (locked[f.name] !== undefined) continue;
    const now = current[f.name] ?? f.default;
    const v = valueOf(f, values[f.name]) ?? (f.default as ParamValue | undefined);
    if (v === undefined || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
    if (!sameValue(v, now)) out[f.name] = v;
  }
  return out;
}
