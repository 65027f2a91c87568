// Resolves `--strategy`: a built-in name, or a path to a .ts/.mts/.js/.mjs file exporting a Strategy class.
// The file may live anywhere on disk and import the API as `import { Strategy, z } from 'sextant'`:
// before the first such import, module hooks (sextant-hooks.mjs) map 'sextant' to this very package,
// so the file shares the engine's module instances. A .ts file run from the built package (dist/)
// loads tsx's loader lazily, only then: Node 20 cannot strip types by itself (that came in Node 22.6).
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { watched } from './strategy-watch.ts';
import { ConfigError } from '../core/errors.ts';
import { builtinStrategyNames, loadBuiltinStrategy } from '../strategies/registry.ts';
import type { StrategyClass } from '../strategies/strategy.ts';

export interface LoadedStrategy {
  readonly name: string;
  readonly cls: StrategyClass<object>;
}

const STRATEGY_FILE = /\.(ts|mts|js|mjs)$/;
const TYPESCRIPT_FILE = /\.m?ts$/;

/** True when this module runs from TypeScript sources (tsx or vitest transpile them); false from dist/. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The package's entry as this process runs it: src/index.ts from sources, dist/index.js when built. */
export const PACKAGE_ENTRY = new URL(FROM_SOURCE ? '../index.ts' : '../index.js', import.meta.url).href;

let hooksRegistered = false;
let typescriptLoaderRegistered = FROM_SOURCE;

/**
 * Makes user files importable from anywhere: a TypeScript loader when `typescript` and none runs yet,
 * then our hooks. Node runs the hook registered last first, so ours (which maps 'sextant') go on top.
 * Also used by src/register.ts (`node --import <sextant>/dist/register.js`).
 */
export async function registerStrategyHooks(typescript: boolean): Promise<void> {
  if (typescript && !typescriptLoaderRegistered) {
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    typescriptLoaderRegistered = true;
    hooksRegistered = false;
  }
  if (hooksRegistered) return;
  register(new URL('./sextant-hooks.mjs', import.meta.url).href, {
    data: { entry: PACKAGE_ENTRY, packageRoot: new URL('../../', import.meta.url).href },
  });
  hooksRegistered = true;
}

function isStrategyClass(v: unknown): v is StrategyClass<object> {
  return typeof v === 'function' && typeof (v as { prototype?: { onBar?: unknown } }).prototype?.onBar === 'function' && typeof (v as { schema?: { safeParse?: unknown } }).schema?.safeParse === 'function';
}

export async function loadStrategy(spec: string): Promise<LoadedStrategy> {
  const builtin = await loadBuiltinStrategy(spec);
  if (builtin !== undefined) return { name: spec, cls: builtin };
  if (!STRATEGY_FILE.test(spec)) {
    throw new ConfigError(`unknown strategy "${spec}"; built-ins: ${builtinStrategyNames().join(', ')}; or give a path to a .ts, .mts, .js or .mjs file`, { field: '--strategy' });
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new ConfigError(`strategy file not found`, { file: spec, field: '--strategy' });
  let mod: Record<string, unknown>;
  try {
    await registerStrategyHooks(TYPESCRIPT_FILE.test(path));
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`cannot load strategy file: ${e instanceof Error ? e.message : String(e)}`, { file: spec, field: '--strategy' });
  }
  const cls = [mod.default, ...Object.values(mod)].find(isStrategyClass);
  if (cls === undefined) {
    throw new ConfigError('no Strategy class exported (a class extending Strategy with a static zod `schema`)', { file: spec });
  }
  return { name: spec, cls: watched(cls) };
}
