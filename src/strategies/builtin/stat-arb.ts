// Statistical arbitrage on a basket (every symbol of the run), after Avellaneda & Lee: every
// `rebalance` bars, take the last `window` returns of each symbol, remove the top `factors` principal
// components of their correlation matrix, and compute each symbol's s-score (how far its cumulative
// residual is from the mean of its fitted mean-reverting process, in equilibrium standard deviations;
// see math/sscore.ts). Per symbol: open long when s < -entry, short when s > entry; close a long once
// s > -exit, a short once s < exit (or when the residual stops mean-reverting). The book is dollar-
// neutral: the longs share gross/2 % of equity equally, the shorts the other half; with no long or no
// short candidates the book is flat. Needs a margin account (shorts) and at least factors + 2 symbols.
import { z } from 'zod';
import { ConfigError, InputError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import { RingWindow } from '../../indicators/window.ts';
import type { StrategyContext } from '../context.ts';
import { sScores } from '../math/sscore.ts';
import { Strategy } from '../strategy.ts';
import { BarSync } from '../sync.ts';

const schema = z
  .object({
    window: z.number().int().min(10).default(60).describe('returns in the correlation matrix and in the residual regression'),
    factors: z.number().int().min(1).default(1).describe('principal components removed (the market is the first)'),
    rebalance: z.number().int().min(1).default(5).describe('bars between rebalances'),
    entry: z.number().positive().default(1.25).describe('open when |s| exceeds this (short above, long below)'),
    exit: z.number().min(0).default(0.5).describe('close a long when s > -exit, a short when s < exit'),
    gross: z.number().gt(0).max(400).default(100).describe('gross exposure, % of equity: half long, half short'),
    tolerance: z.number().min(0).max(1).default(0.1).describe('leave a held position alone when within this fraction of its target size'),
  })
  .refine((c) => c.exit < c.entry, { message: 'exit must be below entry', path: ['exit'] })
  .refine((c) => c.factors + 2 < c.window, { message: 'window must exceed factors + 2', path: ['window'] });
export type StatArbParams = z.infer<typeof schema>;

export interface Rebalance {
  readonly tsMs: number;
  readonly longs: readonly string[];
  readonly shorts: readonly string[];
}

export class StatArb extends Strategy<StatArbParams> {
  static readonly schema = schema;
  static readonly description =
    'Basket mean reversion on PCA-factor residuals (Avellaneda-Lee s-scores): every rebalance bars, longs s < -entry and shorts s > entry, dollar-neutral; exits at |s| < exit. Margin account.';

  /** The s-score of each symbol (in `symbols` order) at the last rebalance; NaN when not mean-reverting. */
  scores = new Float64Array(0);
  /** Every rebalance with its longs and shorts, in order. */
  readonly rebalances: Rebalance[] = [];
  #sync: BarSync | null = null;
  #closes: RingWindow[] = [];
  #state = new Int8Array(0);
  #n = 0;
  /** The book (longs|shorts) whose short side was denied: not tried again until the book changes. */
  #deniedBook: string | null = null;
  #warned = false;

  get symbols(): readonly string[] {
    return this.#sync?.symbols ?? [];
  }

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const sync = (this.#sync ??= this.#init(ctx));
    if (!sync.push(bar)) return;
    const n = sync.symbols.length;
    for (let i = 0; i < n; i++) this.#closes[i]!.push(sync.closes[i]!);
    this.#n++;
    const { window, rebalance } = this.config;
    if (this.#n < window + 1 || (this.#n - window - 1) % rebalance !== 0) return;
    this.#rebalance(ctx, bar.tsEventMs);
  }

  #init(ctx: StrategyContext): BarSync {
    const symbols = ctx.symbols();
    if (symbols.length < this.config.factors + 2) {
      throw new ConfigError(`stat-arb with ${this.config.factors} factor(s) needs at least ${this.config.factors + 2} symbols, the run has ${symbols.length}`, { field: 'factors' });
    }
    this.#closes = symbols.map(() => new RingWindow(this.config.window + 1));
    this.#state = new Int8Array(symbols.length);
    this.scores = new Float64Array(symbols.length).fill(NaN);
    return new BarSync(symbols);
  }

  #rebalance(ctx: StrategyContext, tsMs: number): void {
    const { window, factors, entry, exit } = this.config;
    const symbols = this.#sync!.symbols;
    const n = symbols.length;
    const returns = this.#closes.map((w) => {
      const r = new Float64Array(window);
      for (let t = 0; t < window; t++) r[t] = w.at(t + 1) / w.at(t) - 1;
      return r;
    });
    try {
      sScores(returns, factors).forEach((s, i) => (this.scores[i] = s.s));
    } catch (e) {
      // Degenerate windows (non-finite returns): no signal this time.
      if (!(e instanceof InputError)) throw e;
      this.scores.fill(NaN);
    }
    const state = this.#state;
    for (let i = 0; i < n; i++) {
      const s = this.scores[i]!;
      if (Number.isNaN(s)) state[i] = 0;
      else if (state[i] === 1 && s > -exit) state[i] = 0;
      else if (state[i] === -1 && s < exit) state[i] = 0;
      if (state[i] === 0 && !Number.isNaN(s)) state[i] = s < -entry ? 1 : s > entry ? -1 : 0;
    }
    const longs = symbols.filter((_, i) => state[i] === 1);
    const shorts = symbols.filter((_, i) => state[i] === -1);
    const active = longs.length > 0 && shorts.length > 0;
    this.rebalances.push({ tsMs, longs: active ? longs : [], shorts: active ? shorts : [] });
    this.#trade(ctx, active ? longs.length : 0, active ? shorts.length : 0, `${longs.join(',')}|${shorts.join(',')}`);
  }

  /**
   * Orders towards the targets: reductions first, then new short exposure, then long (only if the
   * shorts went through). After a denied short the same book is not tried again.
   */
  #trade(ctx: StrategyContext, nLong: number, nShort: number, book: string): void {
    const symbols = this.#sync!.symbols;
    const closes = this.#sync!.closes;
    const { gross, tolerance } = this.config;
    const equity = ctx.equity();
    ctx.cancelAll();
    const buys: [string, number][] = [];
    const sells: [string, number][] = [];
    symbols.forEach((sym, i) => {
      const st = this.#state[i]!;
      const pct = st === 1 && nLong > 0 ? gross / 2 / nLong : st === -1 && nShort > 0 ? gross / 2 / nShort : 0;
      const target = st * Math.floor(((pct / 100) * equity) / closes[i]!);
      const cur = ctx.position(sym).qty;
      const delta = target - cur;
      if (delta === 0) return;
      if (target === 0) {
        ctx.close(sym);
        return;
      }
      if (Math.sign(target) === Math.sign(cur) && Math.abs(delta) <= tolerance * Math.abs(target)) return;
      const reducing = Math.sign(target) === Math.sign(cur) && Math.abs(target) < Math.abs(cur);
      if (reducing) {
        if (delta > 0) ctx.buy(sym, delta);
        else ctx.sell(sym, -delta);
      } else if (delta > 0) buys.push([sym, delta]);
      else sells.push([sym, -delta]);
    });
    if (book === this.#deniedBook) return;
    this.#deniedBook = null;
    const sent: string[] = [];
    for (const [sym, q] of sells) {
      const o = ctx.sell(sym, q);
      if (o === null) continue;
      if (o.status === 'denied' || o.status === 'rejected') {
        // Keep the book balanced: withdraw this round's other shorts and send no longs.
        for (const id of sent) ctx.cancel(id);
        if (!this.#warned) ctx.log(`stat-arb: a short of ${sym} was denied (shorts need a margin account); the long side is not sent`);
        this.#warned = true;
        this.#deniedBook = book;
        return;
      }
      sent.push(o.id);
    }
    for (const [sym, q] of buys) ctx.buy(sym, q);
  }
}
