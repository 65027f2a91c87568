// PGlite runs PostgreSQL compiled to WebAssembly. V8 compiles it first with its baseline compiler (Liftoff) and
// then recompiles the hot functions with its optimizing compiler (TurboFan) on background threads: close to a
// CPU-second in every process that opens a store, which a long-running node earns back in faster queries and a
// short command (status, kill, a report, a test's many short runs) never does.
// SEXTANT_WASM_TIER=baseline keeps the baseline code; the default (optimize) leaves V8 as it is.
import { setFlagsFromString } from 'node:v8';
import { ConfigError } from '../core/errors.ts';

export type WasmTier = 'optimize' | 'baseline';

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
  else if (applied === 'baseline') setFlagsFromString('--no-liftoff-only');
  applied = tier;
}
