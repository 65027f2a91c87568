import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { FileParamError } from '../strategies/file-params.ts';
import { withFileParams } from './strategy-file-params.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-file-params-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** A strategy class as the app sees it: only its declared file params matter here. */
const Cls = {
  fileParams: {
    model: (json: unknown, path: string) => {
      const o = json as { weights?: unknown };
      if (!Array.isArray(o.weights)) throw new FileParamError('weights must be a list', 'weights');
      return { path, weights: o.weights };
    },
  },
};

describe('file params', () => {
  it('replaces a path by what its file loads to, and leaves the other params alone', async () => {
    const p = file('ok.json', '{"weights":[1,2]}');
    expect(await withFileParams('s', Cls, { model: p, fast: '10' })).toEqual({ model: { path: p, weights: [1, 2] }, fast: '10' });
    expect(await withFileParams('s', {}, { model: p })).toEqual({ model: p });
    expect(await withFileParams('s', Cls, {})).toEqual({});
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.json'), { field: 'param model' }, /file not found/],
    ['bad JSON, with its line', () => file('bad.json', '{\n  "weights": [1,\n}\n'), { field: 'param model', line: 3 }, /not valid JSON/],
    ['a bad field inside the file', () => file('field.json', '{"weights":3}'), { field: 'weights' }, /not a usable model file: weights must be a list/],
  ])('refuses %s with a ConfigError naming the file', async (_what, make, where, message) => {
    const p = make();
    const e = await withFileParams('s', Cls, { model: p }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).where).toEqual({ file: p, ...where });
    expect((e as ConfigError).message).toMatch(message);
  });
});
