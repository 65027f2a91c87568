// Regimes as features: the rule-based regime of each bar (src/ml/regime, causal: row i reads closes 0..i) as
// one-hot columns `regime:<name>` for the seven regimes, NaN while the classifier warms up. The batch and the
// stream both run the classifier bar by bar, so they give the same bits.
import { REGIME_NAMES } from '../regime/names.ts';
import { RuleRegimeClassifier, type RegimeRulesConfig } from '../regime/rules.ts';
import type { Block } from './block.ts';
import type { FeatureContext } from './context.ts';

export const REGIME_COLUMNS: readonly string[] = REGIME_NAMES.map((n) => `regime:${n}`);

function oneHot(code: number, out: Float64Array, pos: number, stride: number): void {
  for (let c = 0; c < REGIME_NAMES.length; c++) out[pos + c * stride] = code < 0 ? NaN : code === c ? 1 : 0;
}

export class RegimeBlock implements Block {
  readonly names = REGIME_COLUMNS;
  #stream: RuleRegimeClassifier;
  constructor(private readonly rules: RegimeRulesConfig) {
    this.#stream = new RuleRegimeClassifier(rules);
  }
  fill(ctx: FeatureContext, out: Float64Array, offset: number, stride: number): void {
    const c = new RuleRegimeClassifier(this.rules);
    for (let i = 0; i < ctx.n; i++) oneHot(c.update(ctx.close[i]!), out, i * stride + offset, 1);
  }
  step(ctx: FeatureContext, i: number, row: Float64Array, offset: number): void {
    oneHot(this.#stream.update(ctx.close[i]!), row, offset, 1);
  }
}
