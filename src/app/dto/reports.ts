// The regulatory reports as the app returns them (`sextant report blotter|13f|tca --json`): a trade blotter, a
// Form 13F information table and a best-execution (transaction cost) report. docs/compliance.md, "Reports",
// says where each field comes from.
import { z } from 'zod';
import { SideSchema } from './fill.ts';
import { IsoTimeSchema } from './time.ts';

const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const BlotterRowSchema = z.object({
  /** The business day of the trade in the report's time zone. */
  tradeDate: DaySchema,
  /** Execution time, ISO 8601 UTC with milliseconds. */
  tradeTime: IsoTimeSchema,
  /** The run the execution belongs to. */
  account: z.string().min(1),
  /** The strategy (sub-account) that traded. */
  strategy: z.string(),
  symbol: z.string().min(1),
  /** From the instrument reference file when given, else the symbol. */
  securityName: z.string(),
  cusip: z.string().nullable(),
  side: SideSchema,
  /** Positive; `side` gives the direction. */
  quantity: z.number(),
  unitPrice: z.number(),
  multiplier: z.number(),
  /** quantity × unitPrice × multiplier. */
  aggregatePrice: z.number(),
  commission: z.number(),
  /** What changed hands in cash: aggregate + commission for a purchase, aggregate − commission for a sale. */
  netAmount: z.number(),
  liquidity: z.enum(['maker', 'taker']),
  /** The counterparty venue: SIMULATED for paper runs, the broker of a live run. */
  venue: z.string(),
  /** The venue's own id of the order (its latest, after a cancel-replace); null before the venue acknowledged it. */
  venueOrderId: z.string().nullable(),
  /** Sextant's order id, sent to the venue as its client order id. */
  clientOrderId: z.string(),
  /** The store's execution id, `<clientOrderId>#<n>` (the venue's trade ids are not stored). */
  executionId: z.string(),
  orderType: z.string().nullable(),
});
export type BlotterRowDto = z.infer<typeof BlotterRowSchema>;

export const BlotterTotalsSchema = z.object({
  count: z.number().int(),
  boughtQuantity: z.number(),
  soldQuantity: z.number(),
  boughtValue: z.number(),
  soldValue: z.number(),
  commission: z.number(),
});
export type BlotterTotalsDto = z.infer<typeof BlotterTotalsSchema>;

export const BlotterSchema = z.object({
  report: z.literal('blotter'),
  account: z.string(),
  runKind: z.enum(['backtest', 'paper', 'live']),
  venue: z.string(),
  /** The day asked for, or null for every day of the run. */
  date: DaySchema.nullable(),
  timeZone: z.string(),
  reference: z.string().nullable(),
  rows: z.array(BlotterRowSchema),
  days: z.array(BlotterTotalsSchema.extend({ date: DaySchema })),
  symbols: z.array(BlotterTotalsSchema.extend({ symbol: z.string() })),
  totals: BlotterTotalsSchema,
});
export type BlotterDto = z.infer<typeof BlotterSchema>;

export const Form13fEntrySchema = z.object({
  nameOfIssuer: z.string().min(1).max(200),
  titleOfClass: z.string().min(1).max(150),
  cusip: z.string().length(9),
  figi: z.string().length(12).nullable(),
  /** Whole dollars, rounded to the nearest dollar. */
  value: z.number().int().nonnegative(),
  sshPrnamt: z.number().int().nonnegative(),
  sshPrnamtType: z.enum(['SH', 'PRN']),
  putCall: z.enum(['Put', 'Call']).nullable(),
  investmentDiscretion: z.enum(['SOLE', 'DFND', 'OTR']),
  votingAuthority: z.object({ Sole: z.number().int().nonnegative(), Shared: z.number().int().nonnegative(), None: z.number().int().nonnegative() }),
  /** The run symbols the entry adds up, with their quantity and the price that valued them. */
  holdings: z.array(z.object({ symbol: z.string(), quantity: z.number(), price: z.number(), priceTime: IsoTimeSchema, marketValue: z.number() })),
});
export type Form13fEntryDto = z.infer<typeof Form13fEntrySchema>;

export const Form13fSchema = z.object({
  report: z.literal('13f'),
  /** The period of report: the quarter's last day. */
  periodOfReport: DaySchema,
  runs: z.array(z.string()),
  reference: z.string(),
  entries: z.array(Form13fEntrySchema),
  /** Sum of the entries' values (the summary page's table value total). */
  tableValueTotal: z.number().int(),
  /** Positions held at the period's end that the table leaves out, and why. */
  excluded: z.array(z.object({ symbol: z.string(), quantity: z.number(), reason: z.string() })),
});
export type Form13fDto = z.infer<typeof Form13fSchema>;

export const TcaOrderSchema = z.object({
  account: z.string(),
  strategy: z.string(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: SideSchema,
  type: z.string(),
  status: z.string(),
  createdTime: IsoTimeSchema,
  lastFillTime: IsoTimeSchema,
  quantity: z.number(),
  filledQuantity: z.number(),
  fills: z.number().int(),
  multiplier: z.number(),
  /** The last close known when the order was created; null without market data for it. */
  arrivalPrice: z.number().nullable(),
  averageFillPrice: z.number(),
  /** Volume-weighted typical price of the bars from creation to the last fill; null without bars in that period. */
  periodVwap: z.number().nullable(),
  /** The close known when the order ended, for the unfilled part's opportunity cost. */
  endPrice: z.number().nullable(),
  /** side × (averageFill − arrival) × filled × multiplier: positive is a cost. */
  executionCost: z.number().nullable(),
  /** side × (endPrice − arrival) × unfilled × multiplier. */
  opportunityCost: z.number().nullable(),
  fees: z.number(),
  /** executionCost + opportunityCost + fees (Perold). */
  implementationShortfall: z.number().nullable(),
  /** implementationShortfall / (quantity × arrival × multiplier), in basis points. */
  implementationShortfallBps: z.number().nullable(),
  /** side × (averageFill − arrival) / arrival, in basis points. */
  arrivalSlippageBps: z.number().nullable(),
  /** side × (averageFill − periodVwap) / periodVwap, in basis points. */
  vwapSlippageBps: z.number().nullable(),
  venue: z.string(),
});
export type TcaOrderDto = z.infer<typeof TcaOrderSchema>;

export const TcaSchema = z.object({
  report: z.literal('tca'),
  account: z.string(),
  venue: z.string(),
  /** Where arrival prices and VWAPs came from (`--data`), or null when none was given. */
  data: z.array(z.string()),
  orders: z.array(TcaOrderSchema),
  /** Orders that reached the venue and never traded: counted, not costed. */
  unfilledOrders: z.number().int(),
  totals: z.object({
    orders: z.number().int(),
    filledNotional: z.number(),
    executionCost: z.number(),
    opportunityCost: z.number(),
    fees: z.number(),
    implementationShortfall: z.number(),
    /** Total shortfall over the total arrival notional of the costed orders, in basis points. */
    implementationShortfallBps: z.number().nullable(),
    /** Filled-notional-weighted mean of the orders' VWAP slippage, in basis points. */
    vwapSlippageBps: z.number().nullable(),
    /** Orders left out of the sums for want of an arrival price. */
    withoutArrival: z.number().int(),
  }),
});
export type TcaDto = z.infer<typeof TcaSchema>;
