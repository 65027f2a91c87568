import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { ActorCritic, base64ToFloats, floatsToBase64 } from './actor-critic.ts';
import { MlpLayout, MlpScratch, mlpForward, orthogonal, packMlp } from './mlp.ts';
import { box, discrete } from './spaces.ts';

describe('mlp', () => {
  it('orthogonal matrices have orthonormal rows (wide) or columns (tall)', () => {
    for (const [rows, cols] of [[4, 64], [64, 64], [64, 2]] as const) {
      const m = orthogonal(rows, cols, new Rng(rows * 100 + cols));
      const k = Math.min(rows, cols);
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
        let dot = 0;
        if (rows <= cols) for (let j = 0; j < cols; j++) dot += m[a * cols + j]! * m[b * cols + j]!;
        else for (let i = 0; i < rows; i++) dot += m[i * cols + a]! * m[i * cols + b]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 10);
      }
    }
  });

  it('forward pass: tanh hidden layer, linear output (hand-computed)', () => {
    const layout = new MlpLayout(2, [2], 1);
    expect(layout.size).toBe(2 * 2 + 2 + 2 * 1 + 1);
    // W1 = [[1, -1], [0.5, 2]] (in x out), b1 = [0.1, -0.2], W2 = [[3], [-1]], b2 = [0.5]
    const p = Float32Array.of(1, -1, 0.5, 2, 0.1, -0.2, 3, -1, 0.5);
    const out = new Float64Array(2);
    mlpForward(layout, packMlp(layout, p, 0), Float64Array.of(1, 2, -1, 0), 2, out, new MlpScratch(layout, 2));
    const f = (x0: number, x1: number): number => {
      const h0 = Math.tanh(x0 * 1 + x1 * 0.5 + Math.fround(0.1));
      const h1 = Math.tanh(x0 * -1 + x1 * 2 + Math.fround(-0.2));
      return 3 * h0 - h1 + 0.5;
    };
    expect(out[0]).toBeCloseTo(f(1, 2), 12);
    expect(out[1]).toBeCloseTo(f(-1, 0), 12);
  });
});

describe('ActorCritic', () => {
  it('samples discrete actions with the softmax probabilities and reports their log-probabilities', () => {
    const ac = new ActorCritic({ observationSize: 3, actionSpace: discrete(3), hidden: [8] }, false);
    ac.init(new Rng(1));
    // Make the logits large enough to matter: scale the output layer.
    for (let i = ac.actor.wOffset[1]!; i < ac.actor.size; i++) ac.params[i] = ac.params[i]! * 300;
    ac.paramsChanged();
    const obs = Float64Array.of(0.5, -1, 2);
    const rows = 20_000;
    const batch = new Float64Array(rows * 3);
    for (let r = 0; r < rows; r++) batch.set(obs, r * 3);
    const actions = new Float64Array(rows);
    const logp = new Float64Array(rows);
    ac.act(batch, rows, new Rng(2), actions, logp);
    const counts = [0, 0, 0];
    for (const a of actions) counts[a]!++;
    const probs = [0, 1, 2].map((a) => Math.exp(logp[actions.indexOf(a)]!));
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (let a = 0; a < 3; a++) expect(Math.abs(counts[a]! / rows - probs[a]!)).toBeLessThan(0.012);
    // Deterministic: the most likely action.
    const det = new Float64Array(1);
    ac.act(obs, 1, null, det);
    expect(det[0]).toBe(probs.indexOf(Math.max(...probs)));
  });

  it('samples box actions around the mean with exp(log std) and the Gaussian log-density', () => {
    const ac = new ActorCritic({ observationSize: 2, actionSpace: box(2), hidden: [4] }, false);
    ac.init(new Rng(3), Math.log(0.5));
    const obs = Float64Array.of(0.3, -0.7);
    const mean = new Float64Array(2);
    ac.act(obs, 1, null, mean);
    const a = new Float64Array(2);
    const lp = new Float64Array(1);
    ac.act(obs, 1, new Rng(4), a, lp);
    let want = 0;
    for (let j = 0; j < 2; j++) want += Math.log(1 / (0.5 * Math.sqrt(2 * Math.PI))) - ((a[j]! - mean[j]!) ** 2) / (2 * 0.25);
    expect(lp[0]).toBeCloseTo(want, 6);
  });

  it('a checkpoint (JSON) acts exactly like the policy it was taken from', () => {
    const ac = new ActorCritic({ observationSize: 4, actionSpace: discrete(2), hidden: [16, 16] }, true);
    ac.init(new Rng(5));
    const rng = new Rng(6);
    const data = Float64Array.from({ length: 400 }, () => rng.normal() * 3 + 1);
    ac.obsNorm!.update(data, 100);
    const back = ActorCritic.fromCheckpoint(JSON.parse(JSON.stringify(ac.checkpoint(123, { note: 'x' }))));
    expect(Array.from(back.params)).toEqual(Array.from(ac.params));
    const a1 = new Float64Array(100);
    const a2 = new Float64Array(100);
    const l1 = new Float64Array(100);
    const l2 = new Float64Array(100);
    ac.act(data, 100, new Rng(9), a1, l1);
    back.act(data, 100, new Rng(9), a2, l2);
    expect(Array.from(a2)).toEqual(Array.from(a1));
    expect(Array.from(l2)).toEqual(Array.from(l1));
    expect(() => ActorCritic.fromCheckpoint({ ...ac.checkpoint(0, {}), params: floatsToBase64(new Float32Array(3)) })).toThrow(/parameters/);
  });

  it('base64 float32 round-trips every value exactly', () => {
    const a = Float32Array.of(0, -0, 1.5, -3.25e-20, 3.4e38, NaN, Infinity, Math.fround(Math.PI));
    expect(Array.from(base64ToFloats(floatsToBase64(a)))).toEqual(Array.from(a));
  });
});
