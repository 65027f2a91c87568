import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { clusterByCorrelation, correlationMatrix, indexReturns, olsBeta } from './beta.ts';
import { correlatedExposure, hedgeOrders, proposeHedges, type HedgePosition } from './hedge.ts';

// Hand-computed example (docs/hedging.md): deviations of x from its mean are [-1.5, -0.5, 0.5, 1.5]%,
// of y [-0.5, -1.5, 1.5, 0.5]%; Σdx·dy = 3e-4, Σdx² = Σdy² = 5e-4, so beta = correlation = 0.6 and
// alpha = 0.025 − 0.6 × 0.025 = 0.01.
const X4 = [0.01, 0.02, 0.03, 0.04];
const Y4 = [0.02, 0.01, 0.04, 0.03];

describe('olsBeta', () => {
  it.each([
    ['a hand-computed regression', Y4, X4, { beta: 0.6, alpha: 0.01, correlation: 0.6, r2: 0.36 }],
    ['an exact line y = 2x − 0.005', X4.map((x) => 2 * x - 0.005), X4, { beta: 2, alpha: -0.005, correlation: 1, r2: 1 }],
    ['an inverse line y = −0.5x', X4.map((x) => -0.5 * x), X4, { beta: -0.5, alpha: 0, correlation: -1, r2: 1 }],
    ['a constant asset', [0.01, 0.01, 0.01, 0.01], X4, { beta: 0, alpha: 0.01, correlation: 0, r2: 0 }],
  ] as const)('%s', (_name, y, x, expected) => {
    const fit = olsBeta(y, x);
    expect(fit.beta).toBeCloseTo(expected.beta, 12);
    expect(fit.alpha).toBeCloseTo(expected.alpha, 12);
    expect(fit.correlation).toBeCloseTo(expected.correlation, 12);
    expect(fit.r2).toBeCloseTo(expected.r2, 12);
    expect(fit.observations).toBe(4);
  });

  it.each([
    ['series of different lengths', [0.01, 0.02], X4, /aligned/],
    ['an index that does not vary', X4, [0.01, 0.01, 0.01, 0.01], /do not vary/],
    ['a single observation', [0.01], [0.02], /at least 2/],
    ['a non-finite return', [0.01, Number.NaN, 0.02, 0.03], X4, /return 1 of asset is not finite/],
  ] as const)('throws an InputError for %s', (_name, y, x, message) => {
    expect(() => olsBeta(y, x)).toThrow(InputError);
    expect(() => olsBeta(y, x)).toThrow(message);
  });
});

// Equal-weight index of A and B: [0.02, 0, 0.01, -0.01]. Deviations of the index [1.5, -0.5, 0.5, -1.5]%,
// of A [0.5, -1.5, 1.5, -0.5]%, of B [2.5, 0.5, -0.5, -2.5]%: beta_A = 3e-4 / 5e-4 = 0.6,
// beta_B = 7e-4 / 5e-4 = 1.4 (betas to an equal-weight index of the same assets average 1).
const A = [0.01, -0.01, 0.02, 0];
const B = [0.03, 0.01, 0, -0.02];

describe('indexReturns', () => {
  it('the equal-weight index is the mean return of its members each period', () => {
    const idx = indexReturns({ A, B }, { kind: 'equal-weight' });
    [0.02, 0, 0.01, -0.01].forEach((v, t) => expect(idx[t]).toBeCloseTo(v, 15));
  });

  it('a named index is its own series, and a missing one is an InputError naming it', () => {
    expect([...indexReturns({ A, SPY: X4 }, { kind: 'symbol', symbol: 'SPY' })]).toEqual(X4);
    expect(() => indexReturns({ A }, { kind: 'symbol', symbol: 'SPY' })).toThrow(/field "SPY"/);
  });
});

describe('correlatedExposure', () => {
  const book: HedgePosition[] = [
    { symbol: 'A', qty: 100, price: 50 },
    { symbol: 'B', qty: 200, price: 25 },
  ];

  it('weights each position by its OLS beta to the equal-weight market', () => {
    const e = correlatedExposure(book, { A, B }, { index: { kind: 'equal-weight' } });
    expect(e.index).toBe('equal-weight(A,B)');
    expect(e.positions.map((p) => [p.symbol, p.value, Number(p.beta.toFixed(12)), Number(p.betaValue.toFixed(9))])).toEqual([
      ['A', 5000, 0.6, 3000],
      ['B', 5000, 1.4, 7000],
    ]);
    expect(e.betaExposure).toBeCloseTo(10_000, 9);
    expect(e.netValue).toBe(10_000);
    expect(e.grossValue).toBe(10_000);
  });

  it('a short counts against a long, and a position in the index itself has beta 1', () => {
    const e = correlatedExposure([{ symbol: 'A', qty: 100, price: 50 }, { symbol: 'SPY', qty: -10, price: 300 }], { A: Y4, SPY: X4 }, { index: { kind: 'symbol', symbol: 'SPY' } });
    expect(e.positions.map((p) => [p.symbol, Number(p.beta.toFixed(12)), Number(p.betaValue.toFixed(9))])).toEqual([['A', 0.6, 3000], ['SPY', 1, -3000]]);
    expect(e.betaExposure).toBeCloseTo(0, 9);
  });

  it('nets positions in one symbol and leaves flat ones out', () => {
    const e = correlatedExposure([{ symbol: 'A', qty: 100, price: 50 }, { symbol: 'A', qty: -40, price: 50 }, { symbol: 'B', qty: 0, price: 25 }], { A, B }, { index: { kind: 'equal-weight' } });
    expect(e.positions.map((p) => [p.symbol, p.qty, p.value])).toEqual([['A', 60, 3000]]);
  });

  it('groups highly correlated positions into clusters and leaves an uncorrelated one alone', () => {
    // C is uncorrelated with P and Q (its deviations are orthogonal to theirs); P and Q move almost together.
    const P = [0.01, 0.02, 0.03, 0.04, 0.05];
    const Q = [0.011, 0.021, 0.029, 0.042, 0.049];
    const C = [0.01, -0.01, 0.01, -0.01, 0.01];
    const e = correlatedExposure(
      [{ symbol: 'P', qty: 100, price: 50 }, { symbol: 'Q', qty: 100, price: 30 }, { symbol: 'C', qty: 100, price: 20 }],
      { P, Q, C }, { index: { kind: 'equal-weight' }, clusterThreshold: 0.9 },
    );
    expect(e.correlation[0]![2]).toBeCloseTo(0, 15);
    expect(e.clusters).toHaveLength(1);
    expect(e.clusters[0]).toMatchObject({ symbols: ['P', 'Q'], netValue: 8000, grossValue: 8000 });
    expect(e.clusters[0]!.minCorrelation).toBeGreaterThan(0.99);
  });

  it('needs a return history for every position', () => {
    expect(() => correlatedExposure([{ symbol: 'Z', qty: 1, price: 10 }], { A, B }, { index: { kind: 'equal-weight' } })).toThrow(/no return history for Z/);
  });
});

describe('clusterByCorrelation', () => {
  // A~B 0.9 and B~C 0.9 but A~C 0.6: single linkage would chain all three; complete linkage does not.
  const m = [
    [1, 0.9, 0.6, 0],
    [0.9, 1, 0.9, 0],
    [0.6, 0.9, 1, 0.1],
    [0, 0, 0.1, 1],
  ];
  it.each([
    [0.8, [[0, 1], [2], [3]]],
    [0.5, [[0, 1, 2], [3]]],
    [0.95, [[0], [1], [2], [3]]],
    [-0.5, [[0, 1, 2, 3]]],
  ] as const)('at threshold %d gives %j', (threshold, expected) => {
    expect(clusterByCorrelation(m, threshold)).toEqual(expected);
  });

  it('matches correlationMatrix on perfectly (anti-)correlated series', () => {
    const c = correlationMatrix([X4, X4.map((x) => 3 * x), X4.map((x) => -x)]);
    expect(c.map((r) => r.map((v) => Math.round(v * 1e12) / 1e12))).toEqual([[1, 1, -1], [1, 1, -1], [-1, -1, 1]]);
    expect(clusterByCorrelation(c, 0.99)).toEqual([[0, 1], [2]]);
  });
});

describe('proposeHedges', () => {
  const book: HedgePosition[] = [
    { symbol: 'A', qty: 100, price: 50 },
    { symbol: 'B', qty: 200, price: 25 },
  ];
  const returns = { A, B };
  const ew = { kind: 'equal-weight' as const };

  it.each([
    // Σ beta × value = 10 000 (10% of 100 000)
    ['a full hedge in lots of 1', { price: 300 }, 1, -33, 10_000 - 33 * 300],
    ['lots of 10 round to the nearest lot', { price: 300, lotSize: 10 }, 1, -30, 10_000 - 30 * 300],
    ['a half hedge: 12.5 rounds to 13', { price: 400 }, 0.5, -13, 10_000 - 13 * 400],
    ['a future with a multiplier', { price: 4000, multiplier: 50, lotSize: 1 }, 1, 0, null],
    ['a hedge with a beta of 2', { price: 250, beta: 2 }, 1, -20, 0],
  ] as const)('%s', (_name, inst, hedgeRatio, qty, after) => {
    const plan = proposeHedges(book, returns, { index: ew, limits: { equity: 100_000, maxBetaExposurePct: 5 }, hedge: { symbol: 'IDX', beta: 1, ...inst }, hedgeRatio });
    expect(plan.breaches.map((b) => [b.limit, Number(b.valuePct.toFixed(9)), b.maxPct])).toEqual([['beta-exposure', 10, 5]]);
    if (qty === 0) {
      // 10 000 / (4000 × 50) = 0.05 contracts rounds to none: the breach stands without a proposal.
      expect(plan.proposals).toEqual([]);
      return;
    }
    expect(plan.proposals).toHaveLength(1);
    const p = plan.proposals[0]!;
    expect(p.kind).toBe('beta-hedge');
    if (p.kind !== 'beta-hedge') return;
    expect(p.qty).toBe(qty);
    expect(p.betaExposureAfter).toBeCloseTo(after!, 6);
  });

  it('measures the hedge beta from its returns when it is not given, and is 1 for the index itself', () => {
    const r = { A: Y4, SPY: X4 };
    const plan = proposeHedges([{ symbol: 'A', qty: 1000, price: 50 }], r, { index: { kind: 'symbol', symbol: 'SPY' }, limits: { equity: 100_000, maxBetaExposurePct: 10 }, hedge: { symbol: 'SPY', price: 300 } });
    // beta_A = 0.6: 0.6 × 50 000 = 30 000 -> short 100 SPY.
    expect(plan.proposals).toEqual([{ kind: 'beta-hedge', symbol: 'SPY', qty: -100, hedgeBeta: 1, betaExposureBefore: expect.closeTo(30_000, 6), betaExposureAfter: expect.closeTo(0, 6) }]);
    const viaEw = proposeHedges(book, returns, { index: ew, limits: { equity: 100_000, maxBetaExposurePct: 5 }, hedge: { symbol: 'B', price: 25 } });
    const h = viaEw.proposals[0]!;
    expect(h.kind === 'beta-hedge' && [h.hedgeBeta.toFixed(12), h.qty]).toEqual(['1.400000000000', -286]);
  });

  it('proposes nothing within the limits', () => {
    const plan = proposeHedges(book, returns, { index: ew, limits: { equity: 100_000, maxBetaExposurePct: 10, maxClusterPct: 10 }, hedge: { symbol: 'IDX', price: 300, beta: 1 } });
    expect(plan.breaches).toEqual([]);
    expect(plan.proposals).toEqual([]);
  });

  it('reports a beta breach without a hedge instrument but proposes nothing', () => {
    const plan = proposeHedges(book, returns, { index: ew, limits: { equity: 100_000, maxBetaExposurePct: 5 } });
    expect(plan.breaches[0]!.message).toBe('beta exposure to equal-weight(A,B) 10000.00 is 10.00% of equity 100000.00, max 5%');
    expect(plan.proposals).toEqual([]);
  });

  it('shrinks a cluster above its limit pro rata on its net side, rounding each cut up to a lot', () => {
    const P = [0.01, 0.02, 0.03, 0.04, 0.05];
    const Q = [0.011, 0.021, 0.029, 0.042, 0.049];
    const C = [0.01, -0.01, 0.01, -0.01, 0.01];
    // P 5 000 + Q 3 000 = 8 000 net, 8% of 100 000, max 6%: cut 2 000, i.e. 25% of each -> 25 P, 25 Q.
    const plan = proposeHedges(
      [{ symbol: 'P', qty: 100, price: 50 }, { symbol: 'Q', qty: 100, price: 30 }, { symbol: 'C', qty: 100, price: 20 }],
      { P, Q, C }, { index: ew, clusterThreshold: 0.9, limits: { equity: 100_000, maxClusterPct: 6 } },
    );
    expect(plan.breaches.map((b) => [b.limit, b.symbols])).toEqual([['cluster', ['P', 'Q']]]);
    expect(plan.proposals).toEqual([{ kind: 'cluster-reduce', symbols: ['P', 'Q'], trades: [{ symbol: 'P', qty: -25 }, { symbol: 'Q', qty: -25 }], netValueBefore: 8000, netValueAfter: 6000 }]);
    expect(hedgeOrders(plan.proposals)).toEqual([
      { symbol: 'P', side: 'sell', type: 'market', qty: 25, reduceOnly: true, tag: 'hedge:cluster' },
      { symbol: 'Q', side: 'sell', type: 'market', qty: 25, reduceOnly: true, tag: 'hedge:cluster' },
    ]);
  });

  it('turns a beta hedge into one market order', () => {
    const plan = proposeHedges(book, returns, { index: ew, limits: { equity: 100_000, maxBetaExposurePct: 5 }, hedge: { symbol: 'IDX', price: 300, beta: 1 } });
    expect(hedgeOrders(plan.proposals, 'risk')).toEqual([{ symbol: 'IDX', side: 'sell', type: 'market', qty: 33, tag: 'risk:beta' }]);
  });

  it.each([
    ['non-positive equity', { equity: 0 }, 1, /equity must be positive/],
    ['a hedge ratio above 1', { equity: 1000 }, 1.5, /hedgeRatio/],
  ] as const)('throws an InputError for %s', (_name, limits, hedgeRatio, message) => {
    expect(() => proposeHedges(book, returns, { index: ew, limits, hedgeRatio })).toThrow(message);
  });
});
