// ctx.indicators, built at run time from the registry: one method per one-series indicator that
// forwards to the context's cached ctx.indicator, so both forms hand out the same Line objects.
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { listIndicators } from '../indicators/registry.ts';
import type { Line } from '../strategies/context.ts';
import type { TypedIndicators } from '../strategies/typed-indicators.ts';

type LineOf = (symbol: string, name: string, params: Readonly<Record<string, unknown>>, output?: string) => Line;

export function typedIndicators(line: LineOf): TypedIndicators {
  const out: Record<string, (symbol: string, arg?: unknown) => unknown> = {};
  for (const def of listIndicators()) {
    if (def.inputs === 'pair') continue;
    const own = Object.keys((def.schema as unknown as z.ZodObject).shape).filter((k) => k !== 'source');
    const lone = own.length === 1 ? own[0]! : undefined;
    const params = (arg: unknown): Readonly<Record<string, unknown>> => {
      if (arg === undefined) return {};
      if (typeof arg === 'object' && arg !== null) return arg as Record<string, unknown>;
      if (lone === undefined) throw new ConfigError(`indicators.${def.name}: give params as an object (${own.join(', ') || 'it takes none'})`, { field: 'params' });
      return { [lone]: arg };
    };
    out[def.name] = def.outputs.length === 1
      ? (symbol, arg) => line(symbol, def.name, params(arg))
      : (symbol, arg) => {
          const p = params(arg);
          return Object.freeze(Object.fromEntries(def.outputs.map((o) => [o, line(symbol, def.name, p, o)])));
        };
  }
  return Object.freeze(out) as unknown as TypedIndicators;
}
