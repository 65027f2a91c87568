// What ctx.hedge and ctx.size.erc take, validated with zod (errors name the field).
import { z } from 'zod';
import type { HedgePlan } from '../risk/hedging/index.ts';
import type { OrderView } from './order-view.ts';
import { parseArgs } from './parse.ts';

const pctLimit = z.number().min(0).finite().nullable().optional();

export const HedgeRequestSchema = z.strictObject({
  /** The index: a symbol of this run (e.g. an index ETF), or the equal-weighted mean of `symbols` (default: every symbol). */
  index: z.union([z.string().min(1), z.strictObject({ kind: z.literal('equal-weight'), symbols: z.array(z.string().min(1)).min(1).optional() })]),
  /** Returns read back from the current bar (aligned on time across symbols). Default 60. */
  lookback: z.number().int().min(2).default(60),
  /** Max |Σ beta × value| in percent of the strategy's equity. */
  maxBetaExposurePct: pctLimit,
  /** Max |net value| of one correlated cluster in percent of equity. */
  maxClusterPct: pctLimit,
  /** Correlation at or above which positions form a cluster. Default 0.8. */
  clusterThreshold: z.number().min(-1).max(1).optional(),
  /** Instrument the beta hedge trades; default the index symbol. */
  hedgeSymbol: z.string().min(1).optional(),
  /** Its beta to the index; measured from its returns when omitted (1 for the index itself). */
  hedgeBeta: z.number().finite().optional(),
  /** Fraction of the beta exposure to offset, in (0, 1]. Default 1. */
  hedgeRatio: z.number().positive().max(1).optional(),
  /** Place the proposed orders (default true); false only measures and proposes. */
  place: z.boolean().default(true),
  /** Tag prefix of the orders (`<tag>:beta`, `<tag>:cluster`). Default 'hedge'. */
  tag: z.string().min(1).default('hedge'),
});
export type HedgeRequest = z.input<typeof HedgeRequestSchema>;
export type ParsedHedgeRequest = z.output<typeof HedgeRequestSchema>;
export const parseHedgeRequest = (r: unknown): ParsedHedgeRequest => parseArgs(HedgeRequestSchema, r, 'hedge');

export interface HedgeResult {
  /** Exposure, limit breaches and proposals (src/risk/hedging, docs/hedging.md). */
  readonly plan: HedgePlan;
  /** Orders placed for the proposals (empty with `place: false`, or when nothing breached). */
  readonly orders: readonly OrderView[];
}

export const ErcRequestSchema = z.strictObject({
  /** Returns read back from the current bar (aligned on time across symbols). Default 60. */
  lookback: z.number().int().min(2).default(60),
  /** Risk budgets, one per symbol in order (equal when omitted). */
  budgets: z.array(z.number().positive().finite()).optional(),
  /** Equity the whole allocation targets, in percent (default 100). */
  pctEquity: z.number().positive().finite().default(100),
});
export type ErcRequest = z.input<typeof ErcRequestSchema>;
export const parseErcRequest = (r: unknown): z.output<typeof ErcRequestSchema> => parseArgs(ErcRequestSchema, r, 'size.erc');
