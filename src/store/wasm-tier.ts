// PGlite runs PostgreSQL compiled to WebAssembly. V8 compiles it first with its baseline compiler (Liftoff) and
// then recompiles the hot functions with its optimizing compiler (TurboFan) on background threads: close to a
// CPU-second in every process that opens a store, which a long-running node earns back in faster queries and a
// short command (status, kill, a report, a test's many short runs) never does.
// SEXTANT_WASM_TIER=baseline keeps the baseline code. The default (optimize) recompiles a function once it has run
// 100 times longer than V8's default budget: PostgreSQL's start (catalogs, the first queries) runs much code a few
// times, and optimizing it took a paper node's start 0.3-0.6 CPU-seconds on the threads that also load and open
// the node (2 cores); what stays hot (a long run's queries) is still optimized, after a few milliseconds more.
import { setFlagsFromString } from 'node:v8';
import { ConfigError } from '../core/errors.ts';

export type WasmTier = 'optimize' | 'baseline';

/** Under 'optimize': the work (V8's rough bytes executed) after which a function is optimized; V8's default is 1.8 M. */
export const OPTIMIZE_AFTER = 180_000_000;

let applied: WasmTier | null = null;

/** The tier asked for by SEXTANT_WASM_TIER (unset: optimize); a bad value names the variable. */
export function wasmTierFrom(env: NodeJS.ProcessEnv = process.env): WasmTier {
  const v = env['SEXTANT_WASM_TIER'];
  if (v === undefined || v === '' || v === 'optimize') return 'optimize';
  if (v === 'baseline') return 'baseline';
  throw new ConfigError(`SEXTANT_WASM_TIER must be "optimize" or "baseline", got "${v}"`);
}

/**
 * Applies `tier` to WebAssembly compiled from now on in this process (V8's flags are process-wide, so a module
 * compiled earlier keeps its tier). Call before the first store opens.
 */
export function useWasmTier(tier: WasmTier): void {
  if (applied === tier) return;
  if (tier === 'baseline') setFlagsFromString('--liftoff-only');
  else {
    if (applied === 'baseline') setFlagsFromString('--no-liftoff-only');
    setFlagsFromString(`--wasm-tiering-budget=${OPTIMIZE_AFTER}`);
  }
  applied = tier;
}
