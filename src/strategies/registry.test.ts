import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { BUILTIN_CLASSES, builtinStrategy, builtinStrategyNames } from './builtin-classes.ts';
import { loadBuiltinStrategy, parseStrategyConfig } from './registry.ts';

const DOC = readFileSync(join(import.meta.dirname, '../../docs/strategies.md'), 'utf8');

/** The params table of a strategy's section in docs/strategies.md: name -> default column. */
function documentedParams(name: string): Map<string, string> {
  const start = DOC.indexOf(`\n## ${name}\n`);
  if (start < 0) return new Map();
  const end = DOC.indexOf('\n## ', start + 1);
  const section = DOC.slice(start, end < 0 ? undefined : end);
  const rows = [...section.matchAll(/^\| `([A-Za-z]+)` \| ([^|]+) \|/gm)];
  return new Map(rows.map((m) => [m[1]!, m[2]!.trim()]));
}

const NEW = ['donchian-breakout', 'zscore-reversion', 'rsi-enhanced', 'ensemble', 'pairs', 'stat-arb', 'mtf-trend'];

describe('the strategy registry', () => {
  it('has the classic, ensemble, pairs, stat-arb and multi-timeframe strategies', () => {
    expect(builtinStrategyNames()).toEqual(expect.arrayContaining(['sma-cross', 'rsi', 'bollinger', 'macd', 'buy-and-hold', ...NEW]));
  });

  it.each(builtinStrategyNames())('%s: has a description, parses its defaults, and describes every param', (name) => {
    const cls = builtinStrategy(name)!;
    expect(cls.description?.length ?? 0).toBeGreaterThan(30);
    expect(() => parseStrategyConfig(name, cls, {})).not.toThrow();
    const json = z.toJSONSchema(cls.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { description?: string }> };
    for (const [param, p] of Object.entries(json.properties ?? {})) expect(p.description, `${name}.${param}`).toBeTruthy();
  });

  it.each(builtinStrategyNames())('%s: docs/strategies.md documents it with every param and its default', (name) => {
    expect(DOC).toContain(`\n## ${name}\n`);
    const cls = builtinStrategy(name)!;
    const defaults = parseStrategyConfig(name, cls, {}) as Record<string, unknown>;
    const json = z.toJSONSchema(cls.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    const documented = documentedParams(name);
    expect([...documented.keys()].sort()).toEqual(Object.keys(json.properties ?? {}).sort());
    for (const [param, value] of Object.entries(defaults)) expect(documented.get(param), `${name}.${param}`).toBe(`\`${JSON.stringify(value)}\``);
  });

  it('loads each built-in by name on demand: the same names, in the same order, and the same classes as the full list', async () => {
    expect([...BUILTIN_CLASSES.keys()]).toEqual(builtinStrategyNames());
    for (const [name, cls] of BUILTIN_CLASSES) expect(await loadBuiltinStrategy(name), name).toBe(cls);
    expect(await loadBuiltinStrategy('nope')).toBeUndefined();
  });

  it('coerces CLI strings: booleans, numbers and lists', () => {
    const cls = builtinStrategy('pairs')!;
    expect(parseStrategyConfig('pairs', cls, { symbols: 'KO, PEP', entry: '2.5' })).toMatchObject({ symbols: ['KO', 'PEP'], entry: 2.5 });
    expect(parseStrategyConfig('donchian-breakout', builtinStrategy('donchian-breakout')!, { allowShort: 'true' })).toMatchObject({ allowShort: true });
    expect(() => parseStrategyConfig('stat-arb', builtinStrategy('stat-arb')!, { windw: '30' })).toThrow(ConfigError);
  });
});
