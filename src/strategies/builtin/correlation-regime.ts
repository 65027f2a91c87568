// Correlation regime: a cross-asset risk filter. When everything moves together (the average
// pairwise correlation of returns spikes), diversification is gone and the book steps aside.
// Per timestamp with a bar of every symbol of the run (BarSync):
//   c  = mean over symbol pairs of the Pearson correlation of the last `window` log returns;
//   z  = (c - mean) / σ of the previous `lookback` values of c (population σ; a flat history
//        gives ±∞ for any change, 0 for none);
//   risk-off when z > `enter`, back to risk-on when z < `exit` (hysteresis).
// Risk-on holds an equal-weight long basket worth `exposure`% of equity (each symbol exposure/N %);
// risk-off scales it to `riskOffExposure`% (0: flat). With `model`, a symbol is held only while
// that signal model (run on each symbol's bars) says long; its slot stays in cash otherwise.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import { RingWindow } from '../../indicators/window.ts';
import type { StrategyContext } from '../context.ts';
import type { SignalModel } from '../signal.ts';
import { SIGNAL_MODEL_NAMES, signalModel } from '../signal-models.ts';
import { PerSymbol, Strategy } from '../strategy.ts';
import { BarSync } from '../sync.ts';

/** Correlations closer than this are equal (rounding noise). */
const FLAT = 1e-9;

/** `name` or JSON `{"model": name, "params": {...}}`; "" = none. */
function parseModel(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const text = v.trim();
  if (text === '') return '';
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return v;
    }
  }
  return { model: text, params: {} };
}

const modelSpec = z.object({
  model: z.enum(SIGNAL_MODEL_NAMES),
  params: z.record(z.string(), z.unknown()).default({}),
});

const schema = z
  .object({
    window: z.number().int().min(3).default(20).describe('log returns in each rolling pairwise correlation'),
    lookback: z.number().int().min(5).default(120).describe('earlier average correlations the z-score is measured against'),
    enter: z.number().default(2).describe('go risk-off when the z-score of the average correlation rises above this'),
    exit: z.number().default(0.5).describe('back to risk-on when the z-score falls below this (below enter)'),
    exposure: z.number().gt(0).max(100).default(95).describe('risk-on: % of equity in the basket, split equally over the symbols'),
    riskOffExposure: z.number().min(0).max(100).default(0).describe('risk-off: % of equity kept in the basket (0 = flat)'),
    model: z
      .preprocess(parseModel, z.union([z.literal(''), modelSpec]).default(''))
      .describe(`optional member signal model: a name or JSON {model, params}; a symbol is held only while it says long. Models: ${SIGNAL_MODEL_NAMES.join(', ')}`),
  })
  .superRefine((c, ctx) => {
    if (!(c.exit < c.enter)) ctx.addIssue({ code: 'custom', message: 'exit must be below enter', path: ['exit'] });
    if (c.riskOffExposure > c.exposure) ctx.addIssue({ code: 'custom', message: 'riskOffExposure must not exceed exposure', path: ['riskOffExposure'] });
    if (c.model === '') return;
    const r = signalModel(c.model.model)!.schema.safeParse(c.model.params);
    if (!r.success) ctx.addIssue({ code: 'custom', message: `${c.model.model}: ${r.error.issues[0]!.message}`, path: ['model', 'params'] });
  });
export type CorrelationRegimeParams = z.infer<typeof schema>;

/** The filter's reading at one timestamp. */
export interface RegimePoint {
  readonly tsMs: number;
  /** Average pairwise correlation. */
  readonly correlation: number;
  /** Its z-score against the previous `lookback` values (NaN until they are in). */
  readonly z: number;
  readonly riskOn: boolean;
  /** Symbols the book targets a long position in after this reading. */
  readonly held: readonly string[];
}

/** Mean of the pairwise Pearson correlations of the columns (0 for a flat column). */
export function averageCorrelation(columns: readonly ArrayLike<number>[]): number {
  const m = columns.length;
  if (m < 2) return NaN;
  const n = columns[0]!.length;
  const centred = columns.map((col) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += col[i]!;
    mean /= n;
    const d = new Float64Array(n);
    let ss = 0;
    for (let i = 0; i < n; i++) {
      d[i] = col[i]! - mean;
      ss += d[i]! * d[i]!;
    }
    return { d, norm: Math.sqrt(ss) };
  });
  let sum = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const x = centred[a]!;
      const y = centred[b]!;
      if (x.norm === 0 || y.norm === 0) continue;
      let s = 0;
      for (let i = 0; i < n; i++) s += x.d[i]! * y.d[i]!;
      sum += s / (x.norm * y.norm);
    }
  }
  return sum / ((m * (m - 1)) / 2);
}

export class CorrelationRegime extends Strategy<CorrelationRegimeParams> {
  static readonly schema = schema;
  static readonly description =
    'Cross-asset risk filter: holds an equal-weight long basket of the run\'s symbols while risk-on, and steps aside when the average pairwise return correlation spikes (z-score above enter against its own history) until it calms (below exit).';

  /** The reading at every timestamp with a z-score, in order. */
  readonly readings: RegimePoint[] = [];
  #sync: BarSync | null = null;
  #returns: RingWindow[] = [];
  #prev = new Float64Array(0);
  readonly #history: RingWindow;
  #riskOn = true;
  /** The holdings last acted on: regime plus the held symbols. */
  #book = '';
  readonly #models = new PerSymbol<{ model: SignalModel | null; long: boolean }>(() => ({ model: this.#makeModel(), long: true }));

  constructor(config: CorrelationRegimeParams) {
    super(config);
    this.#history = new RingWindow(config.lookback);
  }

  override onBar(bar: Bar, ctx: StrategyContext): void {
    const m = this.#models.get(bar.symbol);
    if (m.model !== null) m.long = (m.model.update(bar) ?? 0) > 0;
    const sync = (this.#sync ??= this.#init(ctx));
    if (!sync.push(bar)) return;
    const n = sync.symbols.length;
    const closes = sync.closes;
    const first = Number.isNaN(this.#prev[0]!);
    for (let i = 0; i < n; i++) {
      if (!first) this.#returns[i]!.push(closes[i]! > 0 && this.#prev[i]! > 0 ? Math.log(closes[i]! / this.#prev[i]!) : 0);
      this.#prev[i] = closes[i]!;
    }
    if (!this.#returns[0]!.isFull) return;
    const c = averageCorrelation(this.#returns.map((w) => w.buf));
    const hist = this.#history;
    let z = NaN;
    if (hist.isFull) {
      const mean = hist.sum() / hist.count;
      let ss = 0;
      for (let i = 0; i < hist.count; i++) ss += (hist.buf[i]! - mean) ** 2;
      const sd = Math.sqrt(ss / hist.count);
      // A flat history (σ at rounding-noise level) makes any real change infinitely unusual.
      z = sd > FLAT ? (c - mean) / sd : Math.abs(c - mean) > FLAT ? Math.sign(c - mean) * Infinity : 0;
    }
    hist.push(c);
    if (Number.isNaN(z)) return;
    const { enter, exit } = this.config;
    if (this.#riskOn && z > enter) this.#riskOn = false;
    else if (!this.#riskOn && z < exit) this.#riskOn = true;
    const symbols = sync.symbols;
    const pct = (this.#riskOn ? this.config.exposure : this.config.riskOffExposure) / n;
    const held = pct > 0 ? symbols.filter((s) => this.#models.get(s).long) : [];
    this.readings.push({ tsMs: bar.tsEventMs, correlation: c, z, riskOn: this.#riskOn, held });
    this.#rebalance(ctx, pct, held);
  }

  #init(ctx: StrategyContext): BarSync {
    const symbols = ctx.symbols();
    if (symbols.length < 2) throw new ConfigError(`correlation-regime needs at least 2 symbols, the run has ${symbols.length}`, { field: 'symbols' });
    this.#returns = symbols.map(() => new RingWindow(this.config.window));
    this.#prev = new Float64Array(symbols.length).fill(NaN);
    return new BarSync(symbols);
  }

  #makeModel(): SignalModel | null {
    const spec = this.config.model;
    if (spec === '') return null;
    const def = signalModel(spec.model)!;
    return def.create(def.schema.parse(spec.params));
  }

  /** Moves every symbol to its target when the regime or the held set changed: sells first, then buys. */
  #rebalance(ctx: StrategyContext, pct: number, held: readonly string[]): void {
    const sync = this.#sync!;
    const book = `${pct}|${held.join(',')}`;
    if (book === this.#book) return;
    this.#book = book;
    const equity = ctx.equity();
    ctx.cancelAll();
    const buys: [string, number][] = [];
    sync.symbols.forEach((sym, i) => {
      const target = held.includes(sym) ? Math.floor(((pct / 100) * equity) / sync.closes[i]!) : 0;
      const cur = ctx.position(sym).qty;
      if (target === 0) {
        if (cur !== 0) ctx.close(sym);
      } else if (target < cur) ctx.sell(sym, cur - target);
      else if (target > cur) buys.push([sym, target - cur]);
    });
    for (const [sym, q] of buys) ctx.buy(sym, q);
  }
}
