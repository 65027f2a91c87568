import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { MetaAllocator, runMetaAllocator } from './allocator.ts';
import { Hedge, hedgeEta, hedgeRegretBound, returnToLoss } from './hedge.ts';
import { RegimeHedge } from './regime-hedge.ts';

describe('Hedge', () => {
  it('keeps cumulative regret within sqrt(T ln N / 2) on any loss sequence at the optimal eta', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.constantFrom('uniform', 'binary', 'adversarial'),
        (n, T, seed, kind) => {
          const rng = new Rng(seed);
          const h = new Hedge(n, hedgeEta(n, T));
          const cum = new Float64Array(n);
          let expected = 0;
          for (let t = 0; t < T; t++) {
            const w = h.weights;
            // 'adversarial': the expert with the most weight loses, the others do not.
            let top = 0;
            for (let i = 1; i < n; i++) if (w[i]! > w[top]!) top = i;
            const losses = Array.from({ length: n }, (_, i) => (kind === 'uniform' ? rng.next() : kind === 'binary' ? rng.int(2) : i === top ? 1 : 0));
            for (let i = 0; i < n; i++) {
              expected += w[i]! * losses[i]!;
              cum[i]! += losses[i]!;
            }
            h.update(losses);
          }
          const regret = expected - Math.min(...cum);
          expect(regret).toBeLessThanOrEqual(hedgeRegretBound(n, T) + 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moves weight by exp(-eta x loss) exactly and stays on the simplex above its floor', () => {
    const h = new Hedge(3, 0.7);
    h.update([0, 0.5, 1]);
    const z = 1 + Math.exp(-0.35) + Math.exp(-0.7);
    expect(h.weights[0]).toBeCloseTo(1 / z, 15);
    expect(h.weights[2]).toBeCloseTo(Math.exp(-0.7) / z, 15);
    const f = new Hedge(4, 2, 0.05);
    for (let t = 0; t < 200; t++) f.update([0, 1, 1, 1]);
    expect(Math.min(...f.weights)).toBeGreaterThanOrEqual(0.05 - 1e-15);
    // The winner settles where one round's multiplicative step and the floor's mixing balance:
    // w = 0.8 w / (w + (1 - w) exp(-2)) + 0.05, found here by iterating that map.
    let fixed = 0.25;
    for (let i = 0; i < 1000; i++) fixed = (0.8 * fixed) / (fixed + (1 - fixed) * Math.exp(-2)) + 0.05;
    expect(f.weights[0]).toBeCloseTo(fixed, 12);
    expect(f.weights[0]).toBeLessThan(1 - 3 * 0.05);
    expect(f.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    // With the floor, a loser comes back within a few rounds once it starts winning.
    let t = 0;
    while (f.weights[1]! < 0.5) {
      f.update([1, 0, 1, 1]);
      t++;
    }
    expect(t).toBeLessThanOrEqual(3);
    expect(() => new Hedge(4, 0.5, 0.3)).toThrow(ConfigError);
    expect(() => new Hedge(2, 0)).toThrow(ConfigError);
  });

  it('maps returns to losses in [0, 1] around zero', () => {
    expect(returnToLoss(0, 0.02)).toBe(0.5);
    expect(returnToLoss(0.01, 0.02)).toBe(0.25);
    expect(returnToLoss(0.5, 0.02)).toBe(0);
    expect(returnToLoss(-0.03, 0.02)).toBe(1);
  });
});

describe('meta allocator', () => {
  it('gives an agent that always wins a weight of 0.99 after exactly the 23 periods Hedge predicts', () => {
    // 4 agents, eta 0.5; the winner earns +1% (loss 0.25), the others -1% (loss 0.75): its weight after t
    // periods is 1 / (1 + 3 exp(-0.25 t)), which first reaches 0.99 at t = ceil(4 ln 297) = 23.
    const agents = ['a', 'b', 'c', 'd'];
    const m = new MetaAllocator(agents, { eta: 0.5, returnScale: 0.02 });
    m.decide(0, 'bull_quiet');
    for (let t = 1; t <= 30; t++) {
      const w = m.step(t, 'bull_quiet', [-0.01, 0.01, -0.01, -0.01]).weights.b!;
      expect(w).toBeCloseTo(1 / (1 + 3 * Math.exp(-0.25 * t)), 12);
      if (t === 22) expect(w).toBeLessThan(0.99);
      if (t === 23) expect(w).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('learns different winners in different regimes where one Hedge over all periods cannot', () => {
    const rng = new Rng(8);
    const rows = 1200;
    const agents = ['trend', 'reversion'];
    const returns = new Float64Array(rows * 2);
    const regimes: string[] = [];
    for (let t = 0; t < rows; t++) {
      // Regimes alternate every 40 bars; trend earns 0.5% a bar in bull, reversion in bear (noise 1%).
      const bull = Math.floor(t / 40) % 2 === 0;
      regimes.push(bull ? 'bull_quiet' : 'bear_volatile');
      returns[t * 2] = (bull ? 0.005 : -0.005) + 0.01 * rng.normal();
      returns[t * 2 + 1] = (bull ? -0.005 : 0.005) + 0.01 * rng.normal();
    }
    const time = Float64Array.from({ length: rows }, (_, i) => i * 86_400_000);
    const keyed = runMetaAllocator(agents, returns, regimes, time, { eta: 0.2 });
    const plain = runMetaAllocator(agents, returns, regimes, time, { eta: 0.2, byRegime: false });
    // At the end of the last bull block trend holds nearly everything, at the end of the last bear block reversion.
    const lastBull = rows - 41;
    const lastBear = rows - 1;
    expect(regimes[lastBull]).toBe('bull_quiet');
    expect(keyed.weights[lastBull * 2]).toBeGreaterThan(0.95);
    expect(keyed.weights[lastBear * 2 + 1]).toBeGreaterThan(0.95);
    // On the first bar of every block after the first few, the keyed allocator already backs the right agent;
    // the plain one is still backing the last block's winner.
    let keyedRight = 0;
    let plainRight = 0;
    let blocks = 0;
    for (let t = 400; t < rows; t += 40) {
      const right = regimes[t] === 'bull_quiet' ? 0 : 1;
      blocks++;
      if (keyed.weights[t * 2 + right]! > 0.5) keyedRight++;
      if (plain.weights[t * 2 + right]! > 0.5) plainRight++;
    }
    expect(keyedRight).toBe(blocks);
    expect(plainRight).toBeLessThan(blocks / 2);
    const total = (r: Float64Array): number => r.reduce((a, b) => a + b, 0);
    expect(total(keyed.returns)).toBeGreaterThan(total(plain.returns) + 1);
  });

  it('logs every decision with the agent that moved and its trailing return in the regime', () => {
    const log: string[] = [];
    const m = new MetaAllocator(['sma-cross', 'rsi'], { eta: 1, returnScale: 0.02, lookback: 20 }, (d) => log.push(d.reason));
    m.decide(1000, 'bull_quiet');
    m.step(2000, 'bull_quiet', [0.01, -0.01]);
    const d = m.step(3000, 'bull_quiet', [0.021, -0.01]);
    m.step(4000, 'bear_quiet', [0, 0]);
    m.step(5000, 'bear_quiet', [0, 0.02]);
    expect(d.timeMs).toBe(3000);
    expect(d.regime).toBe('bull_quiet');
    expect(d.weights['sma-cross']! + d.weights.rsi!).toBeCloseTo(1, 15);
    // Weights: after losses 0.25/0.75 then 0/0.75 at eta 1, sma-cross holds 1 / (1 + exp(-1.25)).
    expect(d.weights['sma-cross']).toBeCloseTo(1 / (1 + Math.exp(-1.25)), 14);
    const w1 = 1 / (1 + Math.exp(-0.5));
    const w2 = 1 / (1 + Math.exp(-1.25));
    const w3 = (1 / 21) * (1 / (1 + Math.exp(-0.5))) + (20 / 21) * (1 / (1 + Math.exp(0.75)));
    expect(log).toEqual([
      'first decision in bull_quiet; equal weights',
      `agent sma-cross: 1-bar return +1.0% in bull_quiet; weight 0.50 -> ${w1.toFixed(2)}`,
      `agent sma-cross: 2-bar return +3.1% in bull_quiet; weight ${w1.toFixed(2)} -> ${w2.toFixed(2)}`,
      // A new regime starts from the all-period learner, which learned what bull_quiet did: no move.
      'regime bear_quiet (was bull_quiet); no history in bear_quiet: all-regime weights; weights unchanged',
      // Then 1/21 of bear_quiet's own learner (rsi: 1 / (1 + exp(-0.5))) and 20/21 of the all-period one
      // (rsi's cumulative loss 1.5 against sma-cross's 0.75).
      `agent rsi: 1-bar return +2.0% in bear_quiet; weight ${(1 - w2).toFixed(2)} -> ${w3.toFixed(2)}`,
    ]);
  });

  it('is deterministic, keeps weights on the simplex above the floor, and takes a NaN return as the worst', () => {
    const rng = new Rng(2);
    const rows = 300;
    const returns = Float64Array.from({ length: rows * 3 }, () => 0.02 * rng.normal());
    const regimes = Array.from({ length: rows }, (_, t) => ['bull_quiet', 'sideways_quiet', 'crisis'][Math.floor(t / 25) % 3]!);
    const time = Float64Array.from({ length: rows }, (_, i) => i);
    const a = runMetaAllocator(['x', 'y', 'z'], returns, regimes, time, { floor: 0.02 });
    const b = runMetaAllocator(['x', 'y', 'z'], returns, regimes, time, { floor: 0.02 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.decisions.map((d) => d.reason)).toEqual(b.decisions.map((d) => d.reason));
    expect(a.decisions).toHaveLength(rows);
    for (let t = 0; t < rows; t++) {
      const w = a.weights.subarray(t * 3, t * 3 + 3);
      expect(w[0]! + w[1]! + w[2]!).toBeCloseTo(1, 12);
      expect(Math.min(...w)).toBeGreaterThanOrEqual(0.02 - 1e-12);
    }
    // A NaN return moves the weights exactly as the worst return would.
    const nan = new MetaAllocator(['x', 'y'], { byRegime: false });
    const worst = new MetaAllocator(['x', 'y'], { byRegime: false });
    nan.decide(0, 'r');
    worst.decide(0, 'r');
    expect(nan.step(1, 'r', [0.01, NaN]).weights).toEqual(worst.step(1, 'r', [0.01, -1]).weights);
  });

  it('rejects bad settings and misaligned inputs', () => {
    expect(() => new MetaAllocator([])).toThrow(ConfigError);
    expect(() => new MetaAllocator(['a', 'a'])).toThrow(ConfigError);
    expect(() => new MetaAllocator(['a', 'b', 'c'], { floor: 0.4 })).toThrow(ConfigError);
    expect(() => new MetaAllocator(['a'], { eta: -1 })).toThrow(ConfigError);
    expect(() => new MetaAllocator(['a', 'b']).observe([0.01])).toThrow(InputError);
    expect(() => runMetaAllocator(['a'], new Float64Array(3), ['x', 'y'], [0, 1])).toThrow(InputError);
  });
});

describe('regime hedge', () => {
  it("blends a regime's learner with the all-period one by n / (n + prior)", () => {
    const h = new RegimeHedge(2, { eta: 1, prior: 10 });
    for (let t = 0; t < 10; t++) h.update('bull_quiet', [0, 1]);
    for (let t = 0; t < 30; t++) h.update('bear_quiet', [1, 0]);
    expect(h.lambda('bull_quiet')).toBe(0.5);
    expect(h.lambda('crisis')).toBe(0);
    const bull = h.learner('bull_quiet').weights[0]!;
    const g = h.global.weights[0]!;
    expect(h.weights('bull_quiet')[0]).toBeCloseTo(0.5 * bull + 0.5 * g, 15);
    expect(h.weights('never_seen')[0]).toBe(g);
  });
});
