// Where a command's JSON goes: `--json <file>` writes the file, `--json -` prints it on stdout in place of
// the text output (so stdout stays parseable).
import { writeFileSync } from 'node:fs';
import { str, type CommandIO, type ParsedArgs } from './args.ts';

/** Writes `value` where --json says (nothing without --json). */
export function writeJsonFlag(a: ParsedArgs, value: unknown, io: CommandIO, flag = 'json'): void {
  const target = str(a, flag);
  if (target === undefined) return;
  const text = JSON.stringify(value, null, 1);
  if (target === '-') io.out(text);
  else writeFileSync(target, `${text}\n`);
}

/** True when --json - took stdout: the text output is left out. */
export function jsonOnStdout(a: ParsedArgs): boolean {
  return str(a, 'json') === '-';
}
