// Every built-in strategy class at once, looked up synchronously: for catalogs and for checking requests
// (the server, jobs, research, ML/RL evaluation). Importing this loads them all (it waits for registry.ts's
// loaders at its top level); a run that trades named strategies loads only those (loadBuiltinStrategy).
import type { StrategyClass } from './strategy.ts';
import { builtinStrategyNames, loadShippedStrategies, registeredStrategy } from './registry.ts';

export { builtinStrategyNames };

/** Each shipped strategy's class by name, in registry.ts's listing order. */
export const BUILTIN_CLASSES: ReadonlyMap<string, StrategyClass<object>> = new Map(await loadShippedStrategies());

/** The built-in (or registered) strategy called `name`, or undefined. */
export function builtinStrategy(name: string): StrategyClass<object> | undefined {
  return registeredStrategy(name) ?? BUILTIN_CLASSES.get(name);
}
