import { describe, expect, it } from 'vitest';
import { TFJS_VERSION, tfReady } from './tf-backend.ts';

describe('tfReady', () => {
  it('starts the wasm backend once for concurrent callers', async () => {
    const [a, b, c] = await Promise.all([tfReady(), tfReady(), tfReady()]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(a.getBackend()).toBe('wasm');
    expect(await tfReady()).toBe(a);
    const sum = a.tidy(() => a.add(a.tensor1d([1, 2]), a.tensor1d([3, 4])).dataSync());
    expect(Array.from(sum)).toEqual([4, 6]);
  });

  it('records the tfjs version', () => {
    expect(TFJS_VERSION).toMatch(/^4\.\d+\.\d+$/);
  });
});
