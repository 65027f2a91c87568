// RiskConfig: one validated object that builds the pre-trade check list (docs/risk.md lists the keys).
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { PreTradeCheck } from '../risk-engine.ts';
import {
  DEFAULT_EXEMPT_SECTORS,
  DEFAULT_MAX_GROSS_LEVERAGE,
  DEFAULT_MAX_POSITION_PCT,
  DEFAULT_MAX_SECTOR_PCT,
  grossLeverageCheck,
  maxOpenOrdersCheck,
  maxPositionPctCheck,
  maxSectorPctCheck,
} from './limits.ts';
import { LocateCheck } from './locate.ts';
import { DEFAULT_NEAR_MISS_PCT } from './near-miss.ts';
import { OrderRateLimit } from './order-rate.ts';
import { DEFAULT_PDT_MAX_DAY_TRADES, DEFAULT_PDT_MIN_EQUITY, DEFAULT_PDT_WINDOW_DAYS, PatternDayTraderCheck } from './pattern-day-trader.ts';
import { DEFAULT_PRICE_COLLAR_PCT, priceCollarCheck } from './price-collar.ts';
import { restrictedListCheck, restrictionBoundMs } from './restricted-list.ts';
import { ReduceOnlyMode, ShortSaleCheck } from './restrictions.ts';
import { selfCrossCheck } from './self-cross.ts';
import { orderNotionalCheck, orderQtyCheck, positionLimitCheck, type SymbolLimits } from './size-limits.ts';

const pctLimit = z.number().positive().finite();
const sizeLimit = z.number().positive().finite();
const symbolName = z.string().min(1);

/** Per-symbol overrides of the account-wide size limits; null lifts the limit for the symbol. */
const SymbolLimitsSchema = z.strictObject({
  maxPositionQty: sizeLimit.nullable().optional(),
  maxPositionValue: sizeLimit.nullable().optional(),
  maxOrderQty: sizeLimit.nullable().optional(),
  maxOrderNotional: sizeLimit.nullable().optional(),
});

/** One restricted-list entry: a symbol or an issuer, optionally from/to dates (docs/compliance.md). */
const RestrictedEntrySchema = z
  .strictObject({
    symbol: symbolName.optional(),
    issuer: z.string().trim().min(1).optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    reason: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.symbol === undefined) === (e.issuer === undefined)) ctx.addIssue({ code: 'custom', path: ['symbol'], message: 'give exactly one of "symbol" and "issuer"' });
    const bounds = { from: NaN, to: NaN };
    for (const k of ['from', 'to'] as const) {
      const v = e[k];
      if (v === undefined) continue;
      bounds[k] = restrictionBoundMs(v, k);
      if (Number.isNaN(bounds[k])) ctx.addIssue({ code: 'custom', path: [k], message: `must be an ISO date (2024-01-31) or a timestamp with a zone (2024-01-31T14:30:00Z), got "${v}"` });
    }
    if (bounds.from >= bounds.to) ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before "from" (${e.from})` });
  });

/** Pre-trade limits. Percentages are in percent (5 = 5%). `null` switches a limit off. */
export const RiskConfigSchema = z.strictObject({
  /** Max position per symbol, % of equity. */
  maxPositionPct: pctLimit.nullable().default(DEFAULT_MAX_POSITION_PCT),
  /** Max gross exposure per sector, % of equity. */
  maxSectorPct: pctLimit.nullable().default(DEFAULT_MAX_SECTOR_PCT),
  /** Sectors the sector limit ignores (instruments without a sector by default). */
  exemptSectors: z.array(z.string()).default([...DEFAULT_EXEMPT_SECTORS]),
  /** Max (gross exposure + committed orders) / equity. */
  maxGrossLeverage: z.number().positive().finite().nullable().default(DEFAULT_MAX_GROSS_LEVERAGE),
  /** Max |qty| × price × multiplier of one order, account currency. */
  maxOrderNotional: z.number().positive().finite().nullable().default(null),
  /** Max quantity of one order (fat finger). */
  maxOrderQty: sizeLimit.nullable().default(null),
  /** Max absolute position per symbol, units. */
  maxPositionQty: sizeLimit.nullable().default(null),
  /** Max absolute position per symbol, account currency (at the order's reference price). */
  maxPositionValue: sizeLimit.nullable().default(null),
  /** Per-symbol overrides of maxPositionQty, maxPositionValue, maxOrderQty and maxOrderNotional. */
  symbolLimits: z.record(symbolName, SymbolLimitsSchema).default({}),
  /** Max orders working at once. */
  maxOpenOrders: z.number().int().positive().nullable().default(null),
  /** Max orders per rolling window of engine time. */
  orderRate: z.strictObject({ maxOrders: z.number().int().positive(), windowMs: z.number().positive().finite() }).nullable().default(null),
  /** Symbols that may not be traded (undated restricted-list entries). */
  restrictedSymbols: z.array(z.string().min(1)).default([]),
  /** The restricted list: symbols or issuers, each optionally with effective dates. */
  restrictedList: z.array(RestrictedEntrySchema).default([]),
  /** Issuers by symbol, for issuer entries of the restricted list (win over the instrument's own issuer). */
  issuers: z.record(symbolName, z.string().trim().min(1).max(200)).default({}),
  /** Let orders that only reduce a position in a restricted symbol through. */
  restrictedAllowReducing: z.boolean().default(false),
  shortSale: z
    .strictObject({
      /** Symbols that may not be sold short. */
      noShortSymbols: z.array(z.string().min(1)).default([]),
      /** After a down move a short sale must be a limit above the last price. */
      uptickRule: z.boolean().default(false),
      /** A short sale needs a locate unless its symbol is easy to borrow. */
      requireLocate: z.boolean().default(false),
      /** Symbols that need no locate. */
      easyToBorrow: z.array(symbolName).default([]),
      /** Located quantity per symbol at the start (used up by the shorts its fills open). */
      locates: z.record(symbolName, sizeLimit).default({}),
    })
    .prefault({}),
  /** Pattern day trader rule for margin accounts under minEquity; null: off. `{}` turns it on with the defaults. */
  patternDayTrader: z
    .strictObject({
      minEquity: sizeLimit.default(DEFAULT_PDT_MIN_EQUITY),
      maxDayTrades: z.number().int().positive().default(DEFAULT_PDT_MAX_DAY_TRADES),
      windowDays: z.number().int().positive().max(260).default(DEFAULT_PDT_WINDOW_DAYS),
      dayOffsetMs: z.number().int().min(-86_400_000).max(86_400_000).default(0),
    })
    .nullable()
    .default(null),
  /** Deny an order that would trade against the account's own working order (wash trade). */
  selfTradePrevention: z.boolean().default(false),
  /** A passing order using at least this % of a limit is a near miss (risk event compliance-near-miss); null: none. */
  nearMissPct: z.number().positive().max(100).nullable().default(DEFAULT_NEAR_MISS_PCT),
  /** Start in account-wide reduce-only mode. */
  reduceOnly: z.boolean().default(false),
  /** Max distance of a limit (or market reference) price from the last price, %. */
  priceCollarPct: pctLimit.nullable().default(DEFAULT_PRICE_COLLAR_PCT),
});

/** What a user writes (every key optional). */
export type RiskConfig = z.input<typeof RiskConfigSchema>;
/** The config with every default filled in. */
export type ResolvedRiskConfig = z.output<typeof RiskConfigSchema>;

/** Validates with `schema`, or throws a ConfigError naming the first bad field. */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw new ConfigError(`${what}: ${issue.message}`, field === '' ? {} : { field });
}

export function parseRiskConfig(config: RiskConfig = {}): ResolvedRiskConfig {
  return parseConfig(RiskConfigSchema, config, 'risk config');
}

/**
 * The pre-trade checks of a config, cheapest and most absolute first, the order-rate limit last
 * (it counts the orders it passes). Put `breakerCheck(set)` in front when circuit breakers are used.
 */
export function riskChecksFromConfig(config: RiskConfig = {}): PreTradeCheck[] {
  const c = parseRiskConfig(config);
  const nearMissPct = c.nearMissPct;
  const perSymbol = c.symbolLimits;
  const checks: PreTradeCheck[] = [new ReduceOnlyMode(c.reduceOnly)];
  if (c.restrictedSymbols.length > 0 || c.restrictedList.length > 0) {
    const entries = [...c.restrictedSymbols.map((symbol) => ({ symbol })), ...c.restrictedList];
    checks.push(restrictedListCheck(entries, { allowReducing: c.restrictedAllowReducing, issuers: c.issuers }));
  }
  if (c.shortSale.noShortSymbols.length > 0 || c.shortSale.uptickRule) checks.push(new ShortSaleCheck(c.shortSale));
  if (c.shortSale.requireLocate) checks.push(new LocateCheck({ easyToBorrow: c.shortSale.easyToBorrow, locates: c.shortSale.locates }));
  if (c.selfTradePrevention) checks.push(selfCrossCheck());
  if (c.priceCollarPct !== null) checks.push(priceCollarCheck(c.priceCollarPct));
  if (hasLimit(c.maxOrderQty, perSymbol, 'maxOrderQty')) checks.push(orderQtyCheck({ max: c.maxOrderQty, perSymbol, nearMissPct }));
  if (hasLimit(c.maxOrderNotional, perSymbol, 'maxOrderNotional')) checks.push(orderNotionalCheck({ max: c.maxOrderNotional, perSymbol, nearMissPct }));
  if (hasLimit(c.maxPositionQty, perSymbol, 'maxPositionQty') || hasLimit(c.maxPositionValue, perSymbol, 'maxPositionValue')) {
    checks.push(positionLimitCheck({ maxQty: c.maxPositionQty, maxValue: c.maxPositionValue, perSymbol, nearMissPct }));
  }
  if (c.maxPositionPct !== null) checks.push(maxPositionPctCheck(c.maxPositionPct, { nearMissPct }));
  if (c.maxSectorPct !== null) checks.push(maxSectorPctCheck(c.maxSectorPct, { exemptSectors: c.exemptSectors, nearMissPct }));
  if (c.maxGrossLeverage !== null) checks.push(grossLeverageCheck(c.maxGrossLeverage, { nearMissPct }));
  if (c.patternDayTrader !== null) checks.push(new PatternDayTraderCheck({ ...c.patternDayTrader, nearMissPct }));
  if (c.maxOpenOrders !== null) checks.push(maxOpenOrdersCheck(c.maxOpenOrders));
  if (c.orderRate !== null) checks.push(new OrderRateLimit(c.orderRate.maxOrders, c.orderRate.windowMs));
  return checks;
}

/** Whether a size limit applies to some symbol: account-wide, or in some symbol's override. */
function hasLimit(accountWide: number | null, perSymbol: Readonly<Record<string, SymbolLimits>>, key: keyof SymbolLimits): boolean {
  return accountWide !== null || Object.values(perSymbol).some((l) => l[key] !== undefined && l[key] !== null);
}

/** The account-wide reduce-only switch in a check list (riskChecksFromConfig always includes one). */
export function reduceOnlyModeOf(checks: readonly PreTradeCheck[]): ReduceOnlyMode | undefined {
  for (const c of checks) if (c instanceof ReduceOnlyMode) return c;
  return undefined;
}
