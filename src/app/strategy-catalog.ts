// The built-in strategies with their rules and parameters: `sextant strategies` prints it, the API serves it
// (with each strategy's JSON Schema, so a client can render a form and validate it the same way).
import { z } from 'zod';
import { builtinStrategy, builtinStrategyNames } from '../strategies/builtin-classes.ts';

export const StrategyParamSchema = z.object({ name: z.string(), type: z.string(), default: z.unknown(), description: z.string() });
export const StrategyInfoSchema = z.object({
  name: z.string(),
  description: z.string(),
  params: z.array(StrategyParamSchema),
  /** JSON Schema (draft 2020-12) of the strategy's config as a request gives it. */
  schema: z.record(z.string(), z.unknown()),
});
export type StrategyInfo = z.infer<typeof StrategyInfoSchema>;

/** A union's JSON Schema type is a list (["string", "number"]): shown as "string|number". */
const typeOf = (t: string | string[] | undefined): string => (t === undefined ? 'any' : Array.isArray(t) ? t.join('|') : t);

export function describeStrategies(): StrategyInfo[] {
  return builtinStrategyNames().map((name) => strategyInfo(name)!);
}

/** One built-in strategy's entry, or undefined for a name that is not built in. */
export function strategyInfo(name: string): StrategyInfo | undefined {
  const cls = builtinStrategy(name);
  if (cls === undefined) return undefined;
  const schema = z.toJSONSchema(cls.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown> & { properties?: Record<string, { type?: string | string[]; default?: unknown; description?: string }> };
  const params = Object.entries(schema.properties ?? {}).map(([k, v]) => ({ name: k, type: typeOf(v.type), default: v.default ?? null, description: v.description ?? '' }));
  return { name, description: cls.description ?? '', params, schema };
}
