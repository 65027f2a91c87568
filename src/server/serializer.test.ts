// The response serializer: which zod schemas take the parse path (no directional part), and that its answers
// (the body, or the ResponseSerializationError of a value that does not fit) are the ones of
// fastify-type-provider-zod's encode-based serializer, for the API's own schemas and arbitrary values.
import fc from 'fast-check';
import { serializerCompiler as encodeSerializer } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AccountSchema, RiskStateSchema } from '../app/bots/bot-queries.ts';
import { OrderViewSchema } from '../app/node-handle.ts';
import { ProblemSchema } from './problem.ts';
import { isSymmetric, serializerCompiler } from './serializer.ts';

type Compiler = (route: { schema: unknown; method: string; url: string; httpStatus: string }) => (data: unknown) => string;
const compile = (c: unknown, schema: z.ZodType) => (c as Compiler)({ schema, method: 'GET', url: '/x', httpStatus: '200' });
/** The body, or the error's code when serializing throws. */
const answer = (f: (d: unknown) => string, d: unknown): string => {
  try {
    return f(d);
  } catch (e) {
    return `throws ${(e as { code?: string }).code}`;
  }
};

const Json: z.ZodType = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]));

describe('isSymmetric', () => {
  it.each([
    ['an object of primitives, nullable, optional, enum, literal', z.object({ a: z.string(), b: z.number().int().nullable(), c: z.boolean().optional(), d: z.enum(['x', 'y']), e: z.literal(1) }), true],
    ['arrays, records, tuples, unions, intersections', z.object({ a: z.array(z.string()), r: z.record(z.string(), z.unknown()), t: z.tuple([z.number(), z.string()]), u: z.union([z.string(), z.number()]), i: z.intersection(z.object({ a: z.string() }), z.object({ b: z.string() })) }), true],
    ['a discriminated union', z.discriminatedUnion('k', [z.object({ k: z.literal('a'), x: z.number() }), z.object({ k: z.literal('b'), y: z.string() })]), true],
    ['a recursive JSON value (lazy)', Json, true],
    ['refinements (checks, the same both ways)', z.object({ a: z.string().min(1).max(5).refine((s) => s !== 'no') }), true],
    ['a default, even deep inside', z.object({ a: z.array(z.object({ b: z.number().default(1) })) }), false],
    ['a prefault', z.object({ a: z.string().prefault('x') }), false],
    ['a catch', z.object({ a: z.number().catch(0) }), false],
    ['a transform', z.object({ a: z.string().transform((s) => s.length) }), false],
    ['a pipe', z.object({ a: z.string().pipe(z.string().min(1)) }), false],
    ['a codec', z.object({ a: z.codec(z.string(), z.number(), { decode: Number, encode: String }) }), false],
    ['readonly', z.object({ a: z.array(z.string()).readonly() }), false],
    ["the API's account, order, problem and risk state", z.object({ a: AccountSchema, o: OrderViewSchema, p: ProblemSchema, r: RiskStateSchema }), true],
  ])('%s: %s', (_name, schema, symmetric) => {
    expect(isSymmetric(schema)).toBe(symmetric);
  });
});

describe('serializerCompiler', () => {
  const account = { botId: 'b1', equity: 100_214.6, cash: 4954.9, buyingPower: 4954.9, grossExposure: 95_259.7, netExposure: 95_259.7, pnlToday: 214.6, pnlTotal: 214.6, startingCash: 100_000, openPositions: 1, openOrders: 0, halted: false, source: 'node' };
  it.each([
    ['an account', AccountSchema, account],
    ['an account with an extra key (dropped)', AccountSchema, { ...account, secret: 'x' }],
    ['an account with a missing key', AccountSchema, { ...account, cash: undefined }],
    ['an account with a wrong type', AccountSchema, { ...account, openOrders: '1' }],
    ['an account with a non-integer count', AccountSchema, { ...account, openOrders: 1.5 }],
    ['an account with NaN', AccountSchema, { ...account, equity: Number.NaN }],
    ['an account with an unknown source', AccountSchema, { ...account, source: 'disk' }],
    ['not an object', AccountSchema, 'account'],
    ['a problem', ProblemSchema, { status: 404, code: 'not_found', message: 'no bot "x"', field: 'id' }],
    ['a JSON value', Json, { a: [1, 'x', null, { b: true }] }],
    ['a schema with a default (encode path, as before)', z.object({ a: z.number().default(1), b: z.string() }), { b: 'x' }],
  ])('%s: the same answer as the encode-based serializer', (_name, schema, value) => {
    const mine = compile(serializerCompiler, schema as z.ZodType);
    const theirs = compile(encodeSerializer, schema as z.ZodType);
    expect(answer(mine, value)).toBe(answer(theirs, value));
  });

  it('answers as the encode-based serializer for arbitrary account-like values', () => {
    const mine = compile(serializerCompiler, AccountSchema);
    const theirs = compile(encodeSerializer, AccountSchema);
    const wrong = fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null), fc.constant(undefined), fc.double(), fc.boolean());
    const num = fc.double({ noNaN: true, noDefaultInfinity: true });
    const valid: Record<string, fc.Arbitrary<unknown>> = {
      botId: fc.string({ maxLength: 8 }), equity: fc.option(num), cash: fc.option(num), buyingPower: fc.option(num), grossExposure: num, netExposure: num,
      pnlToday: fc.option(num), pnlTotal: fc.option(num), startingCash: fc.option(num), openPositions: fc.nat(), openOrders: fc.nat(), halted: fc.boolean(), source: fc.constantFrom('node', 'store'),
    };
    // Mostly valid fields, now and then a wrong one or an extra key.
    const record = fc.record(Object.fromEntries(Object.entries(valid).map(([k, a]) => [k, fc.oneof({ arbitrary: a, weight: 15 }, { arbitrary: wrong, weight: 1 })])));
    const withExtra = fc.tuple(record, fc.option(fc.string({ maxLength: 4 }))).map(([r, extra]) => (extra === null ? r : { ...r, extra }));
    let ok = 0;
    fc.assert(
      fc.property(withExtra, (v) => {
        const a = answer(mine, v);
        if (!a.startsWith('throws')) ok++;
        return a === answer(theirs, v);
      }),
      { numRuns: 300 },
    );
    expect(ok).toBeGreaterThan(60);
  });

  it('a serializer called again and again answers each value as a fresh one would (the previous text only for an equal flat value)', () => {
    const theirs = compile(encodeSerializer, AccountSchema);
    const edit = fc.oneof(
      fc.constant((a: Record<string, unknown>) => a),
      fc.constant((a: Record<string, unknown>) => ({ ...a })),
      fc.tuple(fc.constantFrom(...Object.keys(account)), fc.oneof(fc.double(), fc.constant(-0), fc.constant(0), fc.string({ maxLength: 2 }), fc.constant(null), fc.constant({}))).map(([k, v]) => (a: Record<string, unknown>) => ({ ...a, [k]: v })),
      fc.constant((a: Record<string, unknown>) => Object.fromEntries(Object.entries(a).reverse())),
      fc.constant((a: Record<string, unknown>) => ({ ...a, extra: 1 })),
      fc.constant((a: Record<string, unknown>) => Object.fromEntries(Object.entries(a).slice(1))),
    );
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 30 }), (edits) => {
        const mine = compile(serializerCompiler, AccountSchema);
        let v: Record<string, unknown> = { ...account };
        for (const e of edits) {
          v = e(v);
          if (answer(mine, v) !== answer(theirs, v)) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
