import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { wasmTierFrom } from './wasm-tier.ts';

describe('SEXTANT_WASM_TIER', () => {
  it.each([
    [undefined, 'optimize'],
    ['', 'optimize'],
    ['optimize', 'optimize'],
    ['baseline', 'baseline'],
  ])('%s reads as %s', (value, tier) => {
    expect(wasmTierFrom(value === undefined ? {} : { SEXTANT_WASM_TIER: value })).toBe(tier);
  });

  it('refuses any other value, naming the variable', () => {
    expect(() => wasmTierFrom({ SEXTANT_WASM_TIER: 'fast' })).toThrow(ConfigError);
    expect(() => wasmTierFrom({ SEXTANT_WASM_TIER: 'fast' })).toThrow('SEXTANT_WASM_TIER must be "optimize" or "baseline", got "fast"');
  });

  // A module whose one function sums 1..n in a loop: hot enough, called 2,000 times, for V8 to optimize it.
  const SUM_WASM = [0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 27, 1, 25, 1, 1, 127, 3, 64, 32, 1, 32, 0, 106, 33, 1, 32, 0, 65, 1, 107, 34, 0, 13, 0, 11, 32, 1, 11];

  /** In a child process (V8's flags are process-wide): the tier the function ends in after useWasmTier(tier) and `calls` calls. */
  function tierAfter(tier: string, calls = 2000): string {
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', `
      import { useWasmTier } from ${JSON.stringify(new URL('./wasm-tier.ts', import.meta.url).href)};
      useWasmTier(${JSON.stringify(tier)});
      const f = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${JSON.stringify(SUM_WASM)}))).exports.f;
      let s = 0;
      for (let k = 0; k < ${calls}; k++) s += f(10000);
      await new Promise((r) => setTimeout(r, 300));
      console.log(s, eval('%IsTurboFanFunction(f)') ? 'optimized' : eval('%IsLiftoffFunction(f)') ? 'baseline' : 'other');
    `], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  }

  it('baseline keeps a hot function on V8\'s baseline code; optimize lets V8 optimize it', () => {
    expect(tierAfter('baseline')).toBe('100010000000 baseline');
    expect(tierAfter('optimize')).toBe('100010000000 optimized');
  });

  it('optimize leaves code that ran only briefly (as most of PostgreSQL\'s start does) on the baseline code', () => {
    // 100 calls: about 2 ms of work, which V8's default budget would have optimized.
    expect(tierAfter('optimize', 100)).toBe('5000500000 baseline');
  });
});
