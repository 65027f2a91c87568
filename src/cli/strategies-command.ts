// `sextant strategies`: every strategy with its params and defaults.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { builtinStrategy, builtinStrategyNames } from '../strategies/registry.ts';
import { parseArgs, str } from './args.ts';
import { renderTable } from './table.ts';

export interface StrategyInfo {
  name: string;
  description: string;
  params: { name: string; type: string; default: unknown; description: string }[];
}

export function describeStrategies(): StrategyInfo[] {
  return builtinStrategyNames().map((name) => {
    const cls = builtinStrategy(name)!;
    const schema = z.toJSONSchema(cls.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { type?: string; default?: unknown; description?: string }> };
    const params = Object.entries(schema.properties ?? {}).map(([k, v]) => ({ name: k, type: v.type ?? 'any', default: v.default ?? null, description: v.description ?? '' }));
    return { name, description: cls.description ?? '', params };
  });
}

export async function strategiesCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, [{ name: 'json', kind: 'string' }]);
  const list = describeStrategies();
  const json = str(a, 'json');
  if (json !== undefined) writeFileSync(json, `${JSON.stringify(list, null, 1)}\n`);
  const rows = list.map((s) => [s.name, s.params.map((p) => `${p.name}=${JSON.stringify(p.default)}`).join(' ') || '-', s.description]);
  out(renderTable(['Strategy', 'Params (defaults)', 'Rules'], rows));
  return Promise.resolve(0);
}
