import { describe, expect, it } from 'vitest';
import { FixedBpsSlippage, HalfSpreadSlippage, NoSlippage, SqrtImpactSlippage, type SlippageContext, type SlippageModel } from './slippage.ts';

const ctx = (p: Partial<SlippageContext>): SlippageContext => ({ price: 100, qty: 100, barVolume: 10_000, volatility: 0.02, ...p });

describe('slippage models (hand-computed)', () => {
  const table: [string, SlippageModel, SlippageContext, number][] = [
    ['none', new NoSlippage(), ctx({}), 0],
    ['fixed 10 bps of 100', new FixedBpsSlippage(10), ctx({}), 0.1],
    ['fixed 25 bps of 40', new FixedBpsSlippage(25), ctx({ price: 40 }), 0.1],
    ['half of a 20 bps spread on 100', new HalfSpreadSlippage(20), ctx({}), 0.1],
    ['half of a 5 bps spread on 250', new HalfSpreadSlippage(5), ctx({ price: 250 }), 0.0625],
    // 1 x 0.02 x sqrt(100 / 10,000) x 100 = 0.2
    ['sqrt impact: 1% of volume at 2% vol', new SqrtImpactSlippage(1), ctx({}), 0.2],
    // 0.5 x 0.03 x sqrt(400 / 10,000) x 50 = 0.15
    ['sqrt impact: coefficient 0.5, 4% of volume, 3% vol', new SqrtImpactSlippage(0.5), ctx({ qty: -400, price: 50, volatility: 0.03 }), 0.15],
    ['sqrt impact falls back to bps without volatility', new SqrtImpactSlippage(1, 5), ctx({ volatility: NaN }), 0.05],
    ['sqrt impact falls back to bps without volume', new SqrtImpactSlippage(1, 5), ctx({ barVolume: 0 }), 0.05],
  ];
  it.each(table)('%s', (_name, model, c, expected) => {
    expect(model.slip(c)).toBeCloseTo(expected, 12);
  });
});
