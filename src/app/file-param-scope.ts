// Which request params name a file on the server's disk (a model, a policy): the server and the MCP tools
// ask for the admin scope then. Looks at every built-in's class, so it imports them all (builtin-classes.ts),
// unlike strategy-file-params.ts, which a trading node loads.
import { fileParamsOf } from '../strategies/file-params.ts';
import { builtinStrategy } from '../strategies/builtin-classes.ts';

/**
 * The first param of `params` that one of the built-in `strategies` reads as a file (a model, a policy), or
 * null. A client of the server naming a file on the server's disk needs the admin scope (as a csv: source).
 */
export function fileParamIn(strategies: readonly unknown[], params: unknown): string | null {
  if (params === null || typeof params !== 'object') return null;
  const given = params as Record<string, unknown>;
  for (const name of strategies) {
    if (typeof name !== 'string') continue;
    for (const key of Object.keys(fileParamsOf(builtinStrategy(name)))) if (typeof given[key] === 'string' && given[key] !== '') return key;
  }
  return null;
}
