import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../core/errors.ts';
import { flagError, withFlags } from './field-flags.ts';

describe('withFlags', () => {
  it('names a mapped field by its flag, keeping the message, the file and the line', () => {
    const e = flagError(new InputError('cannot read the file: ENOENT', { file: 'a.json', field: 'run' }), { run: '--run' });
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toBe('a.json, field "--run": cannot read the file: ENOENT');
    const c = flagError(new ConfigError('must be in (0, 1)', { field: 'confidence', line: 3 }), { confidence: '--confidence' });
    expect(c).toBeInstanceOf(ConfigError);
    expect((c as ConfigError).where).toEqual({ field: '--confidence', line: 3 });
  });

  it('leaves other fields, other errors and results alone', () => {
    const inFile = new InputError('bad', { file: 'a.json', field: 'equity[1].equity' });
    expect(flagError(inFile, { run: '--run' })).toBe(inFile);
    const bug = new Error('boom');
    expect(flagError(bug, { run: '--run' })).toBe(bug);
    expect(withFlags({ run: '--run' }, () => 7)).toBe(7);
    expect(() => withFlags({ run: '--run' }, () => {
      throw new InputError('x', { field: 'run' });
    })).toThrow('field "--run": x');
  });
});
