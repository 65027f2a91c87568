// A bot as a client defines it (API body, stored in the `bots` table): what it trades, with which strategies
// and money, on the live synthetic market, a replay or a venue. One schema is the request body, the stored
// definition and the OpenAPI document's type. A bot's id is also its run id in the store.
import { z } from 'zod';
import { InputError, SextantError } from '../../core/errors.ts';
import { builtinStrategy } from '../../strategies/builtin-classes.ts';
import { parseStrategyConfig } from '../../strategies/registry.ts';
import { parseRunRiskConfig } from '../risk-config.ts';
import type { PaperRequest } from '../paper.ts';

export const BOT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const BotIdSchema = z.string().regex(BOT_ID, 'lower-case letters, digits, _ and - (at most 63), starting with a letter or digit');

const ParamValue = z.union([z.string().max(200), z.number().finite(), z.boolean()]);

export const BotStrategySchema = z.strictObject({
  /** A built-in strategy's name (GET /api/v1/strategies lists them with their params). Strategy files are not
   * loaded through the API: that would run code from a path a client names. */
  name: z.string().min(1).max(100).refine((n) => builtinStrategy(n) !== undefined, { error: (iss) => `"${String(iss.input)}" is not a built-in strategy (GET /api/v1/strategies lists them)` }),
  /** Money set aside for this strategy (default: an equal share). */
  allocation: z.number().positive().finite().optional(),
});

export const BotConfigSchema = z.strictObject({
  /** Also the run id; default: derived from `name`, else `bot-<n>`. */
  id: BotIdSchema.optional(),
  name: z.string().min(1).max(100).optional(),
  /** `paper`: the simulated venue; `live`: orders go to `venue`. */
  mode: z.enum(['paper', 'live']).default('paper'),
  strategies: z.array(BotStrategySchema).min(1).max(20),
  /** Strategy parameters shared by the bot's strategies (`sextant strategies` lists them). */
  params: z.record(z.string().min(1).max(100), ParamValue).default({}),
  /** Symbols of the live synthetic market or the venue (default: six synthetic symbols). */
  symbols: z.array(z.string().min(1).max(40)).min(1).max(500).optional(),
  /** A history to replay instead of a live market: `synthetic:<seed>` or `csv:<path on the server>`. */
  replay: z.string().min(1).max(1000).optional(),
  /** Replays: multiple of real time (>= 1). */
  speed: z.number().min(1).max(1e6).optional(),
  /** Live mode: the broker (`binance`, `ccxt:<id>`, `alpaca`, `ib`); its keys come from the server's stored credentials or environment. */
  venue: z.string().min(1).max(100).optional(),
  /** Trade on this venue's market data (paper on a real market). */
  feed: z.string().min(1).max(100).optional(),
  testnet: z.boolean().optional(),
  /** A compatible server at the venue's own paths (a testnet, a sandbox): REST root and WebSocket origin. */
  baseUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  streamUrl: z.url({ protocol: /^wss?$/ }).max(2000).optional(),
  /** Venue feeds: the bar length (`1m`, `1s`, …; default 1m) and the bars of history replayed before trading (default 200). */
  timeframe: z.string().regex(/^\d+[smhdw]$/, 'a bar length like 1s, 1m, 1h').optional(),
  warmup: z.number().int().min(0).max(5000).optional(),
  cash: z.number().positive().finite().optional(),
  commission: z.number().min(0).max(0.1).optional(),
  /** Sizing rule, as `sextant paper --size`. */
  size: z.string().min(1).max(100).optional(),
  barMs: z.number().int().min(50).max(86_400_000).optional(),
  tickMs: z.number().int().min(10).max(3_600_000).optional(),
  seed: z.number().int().min(0).max(2 ** 31).optional(),
  /** The synthetic market trades equities outside NYSE hours too (demos, tests). */
  alwaysOpen: z.boolean().optional(),
  /** Pre-trade checks and circuit breakers: `{ "checks": {...}, "breakers": {...} }` (docs/risk.md). */
  risk: z.record(z.string(), z.unknown()).optional(),
}).superRefine((c, ctx) => {
  if (c.mode === 'live' && c.venue === undefined) ctx.addIssue({ code: 'custom', path: ['venue'], message: 'a live bot needs a venue' });
  if (c.mode === 'paper' && c.venue !== undefined) ctx.addIssue({ code: 'custom', path: ['venue'], message: 'a paper bot trades on the simulated venue: use mode "live" for a venue, or "feed" for its market data' });
  if (c.replay !== undefined && (c.feed !== undefined || c.venue !== undefined)) ctx.addIssue({ code: 'custom', path: ['replay'], message: 'a replay cannot be combined with a venue or feed' });
});
export type BotConfig = z.infer<typeof BotConfigSchema>;
export type BotConfigInput = z.input<typeof BotConfigSchema>;

/** The request `startPaper` runs a bot's definition with. */
export function paperRequestOf(id: string, c: BotConfig): PaperRequest {
  const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, String(v)]));
  return {
    runId: id,
    strategies: c.strategies.map((s) => (s.allocation === undefined ? s.name : `${s.name}:${s.allocation}`)),
    params, symbols: c.symbols, replay: c.replay, speed: c.speed, venue: c.venue, feed: c.feed, testnet: c.testnet, baseUrl: c.baseUrl, streamUrl: c.streamUrl,
    timeframe: c.timeframe, warmupBars: c.warmup, cash: c.cash,
    commission: c.commission, size: c.size, barMs: c.barMs, tickMs: c.tickMs, seed: c.seed, alwaysOpen: c.alwaysOpen,
    risk: c.risk === undefined ? undefined : parseRunRiskConfig(c.risk),
  };
}

/** An id from a name ("My BTC bot" → "my-btc-bot"), or null when nothing usable is left. */
export function idFromName(name: string): string | null {
  const id = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 63);
  return BOT_ID.test(id) ? id : null;
}

/**
 * What the node checks at start, checked when a definition is made or changed, so that a bad value fails the
 * request and not a later start: the params against each strategy's schema (every strategy gets every param)
 * and the risk config.
 */
export function checkBotConfig(c: BotConfig): void {
  if (c.risk !== undefined) {
    try {
      parseRunRiskConfig(c.risk);
    } catch (e) {
      if (!(e instanceof SextantError)) throw e;
      const field = (e as { where?: { field?: string } }).where?.field;
      throw new InputError(e.message.replace(/^field "[^"]*": /, ''), { field: `body.${field ?? 'risk'}` });
    }
  }
  const raw = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, String(v)]));
  for (const s of c.strategies) {
    try {
      parseStrategyConfig(s.name, builtinStrategy(s.name)!, raw);
    } catch (e) {
      if (!(e instanceof SextantError)) throw e;
      const field = (e as { where?: { field?: string } }).where?.field?.replace(/^param /, '');
      throw new InputError(e.message.replace(/^field "[^"]*": /, ''), { field: field === undefined || field === '(params)' ? 'body.params' : `body.params.${field}` });
    }
  }
}
