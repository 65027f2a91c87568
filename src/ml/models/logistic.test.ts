import { describe, expect, it } from 'vitest';
import { LogisticClassifier } from './logistic.ts';
import { auc } from './metrics.ts';
import { sliceSet, syntheticSet } from './synthetic.ts';

describe('logistic regression', () => {
  it('reaches the optimum: the penalised gradient vanishes (weighted rows)', async () => {
    const d = syntheticSet('linear', 400, 3, 1);
    const weight = Float64Array.from({ length: 400 }, (_, i) => 0.5 + (i % 3));
    const m = new LogisticClassifier({ l2: 2 });
    await m.fit({ ...d, weight });
    const beta = m.coefficients!;
    // Gradient of sum_i w_i logloss_i + l2/2 |beta_1..|^2 in the standardized coordinates.
    const cols = 3;
    const mean = [0, 1, 2].map((c) => { let s = 0; for (let r = 0; r < 400; r++) s += d.x[r * cols + c]!; return s / 400; });
    const std = [0, 1, 2].map((c) => { let s = 0; for (let r = 0; r < 400; r++) s += (d.x[r * cols + c]! - mean[c]!) ** 2; return Math.sqrt(s / 400); });
    const p = m.predict(d.x, 400);
    const g = new Float64Array(4);
    for (let r = 0; r < 400; r++) {
      const e = weight[r]! * (p[r]! - d.y[r]!);
      g[0]! += e;
      for (let c = 0; c < cols; c++) g[c + 1]! += e * (d.x[r * cols + c]! - mean[c]!) / std[c]!;
    }
    for (let c = 1; c <= cols; c++) g[c]! += 2 * beta[c]!;
    // (At the start the gradient is in the hundreds.)
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-6);
    // The planted signal: x0 pushes up, x1 down, x2 is noise.
    expect(beta[1]!).toBeGreaterThan(1);
    expect(beta[2]!).toBeLessThan(-0.4);
    expect(Math.abs(beta[3]!)).toBeLessThan(0.3);
  });

  it('a stronger penalty shrinks the coefficients toward 0', async () => {
    const d = syntheticSet('linear', 300, 3, 2);
    const norm = async (l2: number): Promise<number> => {
      const m = new LogisticClassifier({ l2 });
      await m.fit(d);
      return Math.hypot(...m.coefficients!.subarray(1));
    };
    const [a, b, c] = [await norm(0.01), await norm(100), await norm(1e6)];
    expect(b).toBeLessThan(a);
    expect(c).toBeLessThan(1e-3);
  });

  it('cannot see an XOR interaction (held-out AUC near 0.5), unlike the tree and net models', async () => {
    const d = syntheticSet('xor', 1000, 3, 3);
    const m = new LogisticClassifier();
    await m.fit(sliceSet(d, 0, 700));
    expect(Math.abs(auc(m.predict(sliceSet(d, 700, 1000).x, 300), d.y.subarray(700)) - 0.5)).toBeLessThan(0.08);
  });

  it('predictions do not depend on the units of a column', async () => {
    const d = syntheticSet('linear', 300, 3, 4);
    const scaled = d.x.map((v, i) => (i % 3 === 0 ? v * 1000 + 7 : v));
    const a = new LogisticClassifier();
    const b = new LogisticClassifier();
    await a.fit(d);
    await b.fit({ ...d, x: scaled });
    const pa = a.predict(d.x, 300);
    const pb = b.predict(scaled, 300);
    for (let i = 0; i < 300; i++) expect(pb[i]!).toBeCloseTo(pa[i]!, 8);
  });

  it('rejects labels other than 0/1', async () => {
    const d = syntheticSet('linear', 10, 2, 5);
    await expect(new LogisticClassifier().fit({ ...d, y: d.y.map(() => 2) })).rejects.toThrow(/0 or 1/);
  });
});
