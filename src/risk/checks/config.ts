// RiskConfig: one validated object that builds the pre-trade check list (docs/risk.md lists the keys).
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { maxOrderNotionalCheck, type PreTradeCheck } from '../risk-engine.ts';
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
import { OrderRateLimit } from './order-rate.ts';
import { DEFAULT_PRICE_COLLAR_PCT, priceCollarCheck } from './price-collar.ts';
import { ReduceOnlyMode, restrictedSymbolsCheck, ShortSaleCheck } from './restrictions.ts';

const pctLimit = z.number().positive().finite();

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
  /** Max orders working at once. */
  maxOpenOrders: z.number().int().positive().nullable().default(null),
  /** Max orders per rolling window of engine time. */
  orderRate: z.strictObject({ maxOrders: z.number().int().positive(), windowMs: z.number().positive().finite() }).nullable().default(null),
  /** Symbols that may not be traded. */
  restrictedSymbols: z.array(z.string().min(1)).default([]),
  /** Let orders that only reduce a position in a restricted symbol through. */
  restrictedAllowReducing: z.boolean().default(false),
  shortSale: z
    .strictObject({
      /** Symbols that may not be sold short. */
      noShortSymbols: z.array(z.string().min(1)).default([]),
      /** After a down move a short sale must be a limit above the last price. */
      uptickRule: z.boolean().default(false),
    })
    .prefault({}),
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
  const checks: PreTradeCheck[] = [new ReduceOnlyMode(c.reduceOnly)];
  if (c.restrictedSymbols.length > 0) checks.push(restrictedSymbolsCheck(c.restrictedSymbols, { allowReducing: c.restrictedAllowReducing }));
  if (c.shortSale.noShortSymbols.length > 0 || c.shortSale.uptickRule) checks.push(new ShortSaleCheck(c.shortSale));
  if (c.priceCollarPct !== null) checks.push(priceCollarCheck(c.priceCollarPct));
  if (c.maxOrderNotional !== null) checks.push(maxOrderNotionalCheck(c.maxOrderNotional));
  if (c.maxPositionPct !== null) checks.push(maxPositionPctCheck(c.maxPositionPct));
  if (c.maxSectorPct !== null) checks.push(maxSectorPctCheck(c.maxSectorPct, { exemptSectors: c.exemptSectors }));
  if (c.maxGrossLeverage !== null) checks.push(grossLeverageCheck(c.maxGrossLeverage));
  if (c.maxOpenOrders !== null) checks.push(maxOpenOrdersCheck(c.maxOpenOrders));
  if (c.orderRate !== null) checks.push(new OrderRateLimit(c.orderRate.maxOrders, c.orderRate.windowMs));
  return checks;
}

/** The account-wide reduce-only switch in a check list (riskChecksFromConfig always includes one). */
export function reduceOnlyModeOf(checks: readonly PreTradeCheck[]): ReduceOnlyMode | undefined {
  for (const c of checks) if (c instanceof ReduceOnlyMode) return c;
  return undefined;
}
