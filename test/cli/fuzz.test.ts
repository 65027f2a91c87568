// Fuzzed command lines through the parser and checker: every one either parses or is a user error (exit 2);
// none crashes (an internal error would be exit 1 with a stack trace), whatever the tokens.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/core/errors.ts';
import { COMMANDS } from '../../src/cli/commands.ts';
import { parseCommandLine } from '../../src/cli/program.ts';

const silent = { out: (): void => {}, err: (): void => {} };

const token = (names: readonly string[], samples: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...names.map((n) => `--${n}`)),
    fc.constantFrom(...samples),
    fc.constantFrom('-', '--', '-x', '-cash', '--=', '--help=x', '0x10', 'NaN', 'Infinity', '-1', '1e400', '', ' ', '=', 'a=b', '/nonexistent/x.json', '.', 'package.json'),
    fc.string({ maxLength: 8 }),
    fc.tuple(fc.constantFrom(...names), fc.string({ maxLength: 6 })).map(([n, v]) => `--${n}=${v}`),
  );

describe('fuzzed command lines', () => {
  it('parse, or fail as bad input; never crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...COMMANDS).chain((def) => {
          const names = [...def.flags.map((f) => f.name), 'config'];
          const samples = [...def.flags.map((f) => f.sample), ...(def.args ?? []).map((a) => a.sample)];
          return fc.tuple(fc.constant(def.path), fc.array(token(names, samples), { maxLength: 8 }));
        }),
        async ([path, rest]) => {
          try {
            await parseCommandLine([...path, ...rest], silent);
          } catch (e) {
            expect(isUserError(e), `sextant ${[...path, ...rest].join(' ')}: ${String(e)}`).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
