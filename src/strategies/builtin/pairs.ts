// Pairs trading (Engle-Granger): on the last `window` aligned log closes of two symbols, regress
// log Y = a + b log X (OLS) and test the residual for a unit root (coint); re-estimated every
// `reestimate` bars. Trade only while the p-value is below `pValue`. The spread s = log Y - a - b log X
// is z-scored over the last `zWindow` bars: z < -entry buys the spread (long Y, short X), z > entry
// sells it; a long spread is closed once z >= -exit, a short one once z <= exit, and any position when
// a re-estimate finds no cointegration. Legs are dollar-neutral: each `legPct`% of equity.
//
// The two feeds arrive as separate onBar calls; the strategy acts once per timestamp, when the bar of
// the second symbol at that time is in (timestamps only one symbol has are skipped). The short leg
// needs a margin account: when it is denied the long leg is not sent.
import { z } from 'zod';
import { ConfigError, InputError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import type { OrderEvent } from '../../model/events.ts';
import { coint } from '../../analytics/stationarity/coint.ts';
import { RingWindow } from '../../indicators/window.ts';
import type { StrategyContext } from '../context.ts';
import { Strategy } from '../strategy.ts';
import { BarSync } from '../sync.ts';

const symbolPair = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
  z.tuple([z.string().min(1), z.string().min(1)]).refine((p) => p[0] !== p[1], { message: 'the two symbols must differ' }),
);

const schema = z
  .object({
    symbols: symbolPair.optional().describe('"Y,X": the pair, Y regressed on X (default: the first two symbols of the run)'),
    window: z.number().int().min(20).default(60).describe('aligned bars in the cointegration regression'),
    reestimate: z.number().int().min(1).default(20).describe('re-estimate the hedge ratio and p-value every this many bars'),
    pValue: z.number().gt(0).max(1).default(0.05).describe('trade only while the Engle-Granger p-value is below this'),
    zWindow: z.number().int().min(2).default(20).describe('bars in the mean and standard deviation of the spread z-score'),
    entry: z.number().positive().default(2).describe('open when |z| exceeds this'),
    exit: z.number().min(0).default(0.5).describe('close when z is back within this of the mean, or beyond it'),
    legPct: z.number().gt(0).max(100).default(45).describe('notional of each leg, % of equity'),
  })
  .refine((c) => c.exit < c.entry, { message: 'exit must be below entry', path: ['exit'] })
  .refine((c) => c.zWindow <= c.window, { message: 'zWindow must not exceed window', path: ['zWindow'] });
export type PairsParams = z.infer<typeof schema>;

/** What the last estimation found. */
export interface PairsEstimate {
  readonly tsMs: number;
  readonly hedgeRatio: number;
  readonly intercept: number;
  readonly pValue: number;
}

export class PairsTrading extends Strategy<PairsParams> {
  static readonly schema = schema;
  static readonly description =
    'Engle-Granger pair on rolling log prices: while cointegrated (p < pValue), buys the spread below -entry z and sells it above entry; closes at |z| < exit. Dollar-neutral legs; margin account.';

  /** Every estimation, in order (for reports and tests). */
  readonly estimates: PairsEstimate[] = [];
  #sync: BarSync | null = null;
  readonly #ly: RingWindow;
  readonly #lx: RingWindow;
  #n = 0;
  #est: PairsEstimate | null = null;
  /** +1 long spread, -1 short spread, 0 flat. */
  #side: -1 | 0 | 1 = 0;
  /** Entry orders sent at the last processed timestamp: check both legs filled at the next one. */
  #checkLegs = false;
  readonly #entryIds = new Set<string>();
  #legFailed = false;
  /** An entry was denied: no new attempt until |z| is back within the entry band. */
  #blocked = false;

  /** The z-score at the last processed timestamp (NaN when undefined). */
  lastZ = NaN;

  constructor(config: PairsParams) {
    super(config);
    this.#ly = new RingWindow(config.window);
    this.#lx = new RingWindow(config.window);
  }

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const sync = (this.#sync ??= new BarSync(this.#legs(ctx)));
    if (!sync.push(bar)) return;
    const [y, x] = sync.symbols as [string, string];
    const cy = sync.closes[0]!;
    const cx = sync.closes[1]!;
    if (!(cy > 0 && cx > 0)) throw new InputError(`pairs: prices must be positive (${y} ${cy}, ${x} ${cx})`);
    this.#ly.push(Math.log(cy));
    this.#lx.push(Math.log(cx));
    this.#n++;

    if (this.#checkLegs) {
      this.#checkLegs = false;
      const py = ctx.position(y);
      const px = ctx.position(x);
      if (this.#legFailed || py.isFlat || px.isFlat) {
        // A leg did not fill: drop the other one rather than hold a naked position.
        this.#flatten(ctx, y, x);
        return;
      }
    }
    const p = this.config;
    if (this.#n < p.window) return;
    if ((this.#n - p.window) % p.reestimate === 0) this.#estimate(bar.tsEventMs);
    const est = this.#est!;
    if (!(est.pValue < p.pValue)) {
      this.lastZ = NaN;
      if (this.#side !== 0) this.#flatten(ctx, y, x);
      return;
    }
    const z = (this.lastZ = this.#zScore(est));
    if (!Number.isFinite(z)) return;
    if (this.#side === 1 ? z >= -p.exit : this.#side === -1 ? z <= p.exit : false) this.#flatten(ctx, y, x);
    else if (this.#side === 0) {
      if (Math.abs(z) <= p.entry) this.#blocked = false;
      else if (!this.#blocked) this.#enter(ctx, z < 0 ? 1 : -1, y, x, cy, cx);
    }
  }

  override onOrderEvent(event: OrderEvent): void {
    if ((event.type === 'OrderRejected' || event.type === 'OrderCanceled' || event.type === 'OrderExpired') && this.#entryIds.has(event.orderId)) {
      this.#legFailed = true;
    }
  }

  #legs(ctx: StrategyContext): [string, string] {
    if (this.config.symbols !== undefined) {
      const known = ctx.symbols();
      for (const s of this.config.symbols) if (!known.includes(s)) throw new ConfigError(`pairs: no data for symbol "${s}"`, { field: 'symbols' });
      return this.config.symbols;
    }
    const all = ctx.symbols();
    if (all.length < 2) throw new ConfigError(`pairs needs two symbols, the run has ${all.length}`, { field: 'symbols' });
    return [all[0]!, all[1]!];
  }

  #estimate(tsMs: number): void {
    const w = this.config.window;
    const ly = new Float64Array(w);
    const lx = new Float64Array(w);
    for (let i = 0; i < w; i++) {
      ly[i] = this.#ly.at(i);
      lx[i] = this.#lx.at(i);
    }
    let est: PairsEstimate;
    try {
      const r = coint(ly, lx);
      est = { tsMs, hedgeRatio: r.hedgeRatio, intercept: r.intercept, pValue: r.pValue };
    } catch (e) {
      // A window the test cannot handle (e.g. a constant price): not cointegrated.
      if (!(e instanceof InputError)) throw e;
      est = { tsMs, hedgeRatio: NaN, intercept: NaN, pValue: 1 };
    }
    if (!Number.isFinite(est.pValue)) est = { ...est, pValue: 1 };
    this.#est = est;
    this.estimates.push(est);
  }

  /** z of the newest spread value among the last zWindow ones, with the current hedge ratio. */
  #zScore(est: PairsEstimate): number {
    const k = this.config.zWindow;
    const w = this.config.window;
    let mean = 0;
    const s = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const j = w - k + i;
      s[i] = this.#ly.at(j) - est.intercept - est.hedgeRatio * this.#lx.at(j);
      mean += s[i]!;
    }
    mean /= k;
    const last = s[k - 1]!;
    let ss = 0;
    for (let i = 0; i < k; i++) ss += (s[i]! - mean) ** 2;
    const sd = Math.sqrt(ss / (k - 1));
    return sd > 0 ? (last - mean) / sd : NaN;
  }

  #enter(ctx: StrategyContext, side: 1 | -1, y: string, x: string, cy: number, cx: number): void {
    const notional = (this.config.legPct / 100) * ctx.equity();
    const qy = Math.floor(notional / cy);
    const qx = Math.floor(notional / cx);
    if (qy <= 0 || qx <= 0) return;
    const [shortSym, shortQty, longSym, longQty] = side === 1 ? [x, qx, y, qy] : [y, qy, x, qx];
    this.#entryIds.clear();
    this.#legFailed = false;
    const short = ctx.sell(shortSym, shortQty, { tag: 'pairs-entry' });
    if (short === null || short.status === 'denied' || short.status === 'rejected') {
      this.#blocked = true;
      return;
    }
    const long = ctx.buy(longSym, longQty, { tag: 'pairs-entry' });
    if (long === null || long.status === 'denied' || long.status === 'rejected') {
      ctx.cancel(short.id);
      this.#blocked = true;
      return;
    }
    this.#entryIds.add(short.id).add(long.id);
    this.#side = side;
    this.#checkLegs = true;
  }

  #flatten(ctx: StrategyContext, y: string, x: string): void {
    for (const o of ctx.openOrders()) if (o.symbol === y || o.symbol === x) ctx.cancel(o.id);
    ctx.close(y);
    ctx.close(x);
    this.#side = 0;
    this.#entryIds.clear();
    this.#legFailed = false;
  }
}
