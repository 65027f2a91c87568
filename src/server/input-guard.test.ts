// The NUL guard's quick question (hasNul) and its answer with the path (nulPath) agree on any JSON value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasNul, nulPath } from './input-guard.ts';

describe('the NUL guard', () => {
  it.each([
    ['no NUL', { id: 'b1', q: ['a', 1, null, { k: 'v' }] }, null],
    ['in a value', { id: 'b\u00001' }, 'params.id'],
    ['in a key', { a: { 'k\u0000': 1 } }, 'params.a'],
    ['deep in an array', { a: [1, ['x', 'y\u0000']] }, 'params.a.1.1'],
    ['a bare string', 'x\u0000', 'params'],
  ])('%s', (_name, value, path) => {
    expect(nulPath(value, 'params')).toBe(path);
    expect(hasNul(value)).toBe(path !== null);
  });

  it('hasNul(v) is nulPath(v) !== null for any JSON value', () => {
    const str = fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', 'é'), maxLength: 4 });
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, str, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(str, tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(fc.property(json, (v) => hasNul(v) === (nulPath(v, 'body') !== null)), { numRuns: 500 });
  });
});
