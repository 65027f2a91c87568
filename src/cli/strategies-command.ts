// `sextant strategies`: every strategy with its params and defaults.
import { z } from 'zod';
import { builtinStrategy, builtinStrategyNames } from '../strategies/registry.ts';
import type { CommandIO, ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
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

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const list = describeStrategies();
  writeJsonFlag(a, list, io);
  if (jsonOnStdout(a)) return Promise.resolve(0);
  const rows = list.map((s) => [s.name, s.params.map((p) => `${p.name}=${JSON.stringify(p.default)}`).join(' ') || '-', s.description]);
  io.out(renderTable(['Strategy', 'Params (defaults)', 'Rules'], rows));
  return Promise.resolve(0);
}
