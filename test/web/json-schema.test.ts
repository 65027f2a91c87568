// The dashboard's forms from JSON Schemas (web/src/lib/json-schema.ts) against the strategies' real schemas:
// each param gets the input its type needs, the form refuses exactly the values the server's strategy schema
// refuses (for every built-in strategy and a spread of values), with messages naming the schema's bound, and
// the params sent are the values that differ from the defaults.
import { describe, expect, it } from 'vitest';
import { describeStrategies } from '../../src/app/strategy-catalog.ts';
import { builtinStrategy } from '../../src/strategies/builtin-classes.ts';
import { parseStrategyConfig } from '../../src/strategies/registry.ts';
import { initialValues, paramsOf, schemaFields, validateField } from '../../web/src/lib/json-schema.ts';

const catalog = describeStrategies();
const schemaOf = (name: string): unknown => catalog.find((s) => s.name === name)!.schema;

describe('forms from the strategies\' JSON Schemas', () => {
  it('gives each param the input of its type, with its bounds and default', () => {
    const rsi = schemaFields(schemaOf('rsi'));
    expect(rsi.map((f) => [f.name, f.kind, f.default, f.min, f.max, f.step])).toEqual([
      ['period', 'integer', 14, { value: 2, exclusive: false }, null, 1],
      ['lower', 'number', 30, { value: 0, exclusive: false }, { value: 100, exclusive: false }, null],
      ['upper', 'number', 70, { value: 0, exclusive: false }, { value: 100, exclusive: false }, null],
    ]);
    const bollinger = schemaFields(schemaOf('bollinger'));
    expect(bollinger.find((f) => f.name === 'exit')).toMatchObject({ kind: 'enum', options: ['middle', 'upper'], default: 'middle' });
    expect(bollinger.find((f) => f.name === 'mult')).toMatchObject({ kind: 'number', min: { value: 0, exclusive: true } });
    expect(schemaFields(schemaOf('donchian-breakout')).find((f) => f.name === 'allowShort')).toMatchObject({ kind: 'boolean', default: false });
    // Lists, objects and unions are typed as text (the server parses `rsi:0.8,zscore-reversion:0.2`).
    expect(schemaFields(schemaOf('ensemble')).find((f) => f.name === 'members')!.kind).toBe('text');
    expect(schemaFields(schemaOf('mtf-trend')).find((f) => f.name === 'timeframe')!.kind).toBe('text');
    expect(initialValues(rsi, { period: 9 })).toEqual({ period: '9', lower: '30', upper: '70' });
  });

  it('names the bound a value breaks', () => {
    const [period, lower] = schemaFields(schemaOf('rsi'));
    expect(validateField(period!, '1')).toBe('must be at least 2');
    expect(validateField(period!, '2.5')).toBe('must be a whole number');
    expect(validateField(period!, 'x')).toBe('must be a number');
    expect(validateField(period!, '')).toBeNull();
    expect(validateField(lower!, '100.5')).toBe('must be at most 100');
    const threshold = schemaFields(schemaOf('book-imbalance')).find((f) => f.name === 'threshold')!;
    expect(validateField(threshold, '0')).toBe('must be greater than 0');
    expect(validateField(threshold, '1')).toBe('must be less than 1');
    const exit = schemaFields(schemaOf('bollinger')).find((f) => f.name === 'exit')!;
    expect(validateField(exit, 'lower')).toBe('must be one of middle, upper');
  });

  it('refuses exactly what the server refuses, for every built-in strategy', () => {
    const candidates = ['-1', '0', '0.5', '1', '1.5', '2', '3', '9.99', '50', '99', '100', '100.5', '400', '401', '-0.5', '-1.5', 'middle', 'upper', 'lower', 'vote', 'obv'];
    let checked = 0;
    for (const s of catalog) {
      for (const f of schemaFields(s.schema)) {
        if (f.kind === 'text' || f.kind === 'boolean' || f.kind === 'string') continue;
        for (const raw of candidates) {
          if ((f.kind === 'enum') !== Number.isNaN(Number(raw))) continue;
          const value = f.kind === 'enum' ? raw : Number(raw);
          // The param's own schema (rules across params, such as fast < slow, are the server's to tell).
          const own = (builtinStrategy(s.name)!.schema as unknown as { shape: Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }> }).shape[f.name]!;
          const server = own.safeParse(value);
          expect(validateField(f, raw) === null, `${s.name}.${f.name} = ${raw}: server says ${server.error?.issues[0]?.message ?? 'ok'}`).toBe(server.success);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('leaves rules across params to the server, which names the param', () => {
    const fast = schemaFields(schemaOf('sma-cross')).find((f) => f.name === 'fast')!;
    expect(validateField(fast, '50')).toBeNull();
    expect(() => parseStrategyConfig('sma-cross', builtinStrategy('sma-cross')!, { fast: 50, slow: 30 })).toThrow(expect.objectContaining({ where: { field: 'param fast' } }));
  });

  it('sends the values that differ from the defaults, and those the caller already sets', () => {
    const fields = schemaFields(schemaOf('bollinger'));
    expect(paramsOf(fields, { period: '20', mult: '2.5', exit: 'middle' })).toEqual({ mult: 2.5 });
    expect(paramsOf(fields, { period: '20', mult: '', exit: 'upper' })).toEqual({ exit: 'upper' });
    // A bot that sets period: putting it back to the default is a change to send.
    expect(paramsOf(fields, { period: '20', mult: '2', exit: 'middle' }, { period: 10 })).toEqual({ period: 20 });
    const donchian = schemaFields(schemaOf('donchian-breakout'));
    expect(paramsOf(donchian, { entry: '20', exit: '10', allowShort: true })).toEqual({ allowShort: true });
  });
});
