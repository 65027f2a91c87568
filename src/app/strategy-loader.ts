// Resolves `--strategy`: a built-in name, or a path to a .ts/.js file exporting a Strategy class.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors.ts';
import { builtinStrategy, builtinStrategyNames } from '../strategies/registry.ts';
import type { StrategyClass } from '../strategies/strategy.ts';

export interface LoadedStrategy {
  readonly name: string;
  readonly cls: StrategyClass<object>;
}

function isStrategyClass(v: unknown): v is StrategyClass<object> {
  return typeof v === 'function' && typeof (v as { prototype?: { onBar?: unknown } }).prototype?.onBar === 'function' && typeof (v as { schema?: { safeParse?: unknown } }).schema?.safeParse === 'function';
}

export async function loadStrategy(spec: string): Promise<LoadedStrategy> {
  const builtin = builtinStrategy(spec);
  if (builtin !== undefined) return { name: spec, cls: builtin };
  if (!/\.(ts|mts|js|mjs)$/.test(spec)) {
    throw new ConfigError(`unknown strategy "${spec}"; built-ins: ${builtinStrategyNames().join(', ')}; or give a path to a .ts file`, { field: '--strategy' });
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new ConfigError(`strategy file not found`, { file: spec, field: '--strategy' });
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`cannot load strategy file: ${e instanceof Error ? e.message : String(e)}`, { file: spec });
  }
  const cls = [mod.default, ...Object.values(mod)].find(isStrategyClass);
  if (cls === undefined) {
    throw new ConfigError('no Strategy class exported (a class extending Strategy with a static zod `schema`)', { file: spec });
  }
  return { name: spec, cls };
}
