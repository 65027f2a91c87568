// A table of misuse cases GENERATED from the command definitions: for every command and every flag, a bad
// command line exits 2 with a message naming the flag (or the stray word), never a stack trace, and before
// any work: the command's implementation is never loaded (its load() is spied on).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMANDS, commandName } from '../../src/cli/commands.ts';
import { LOADERS } from '../../src/cli/loaders.ts';
import { main } from '../../src/cli/main.ts';
import type { CommandDef, CommandRun, FlagDef } from '../../src/cli/spec.ts';

// Every command line builds the whole program, whose version line reads package.json: read once here, not on each
// of the ~13,000 command lines below (7% of the file's CPU). The version is not what these cases check.
vi.mock('../../src/app/version.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/app/version.ts')>();
  const version = real.packageVersion();
  return { ...real, packageVersion: () => version };
});

const dir = mkdtempSync(join(tmpdir(), 'sextant-misuse-'));
const aFile = join(dir, 'a-file.txt');
writeFileSync(aFile, 'x');

interface Case {
  readonly what: string;
  readonly argv: string[];
  /** The message must contain this (the flag or the stray word). */
  readonly names: string;
}

/** Values a number flag must refuse, from its kind and range. */
function badNumbers(f: FlagDef): string[] {
  const r = f.range ?? {};
  const list = ['0x10', '0b11', '0o17', 'NaN', 'Infinity', '-Infinity', '1e400', ' 5', '5 ', '1,5', 'abc', '1_000'];
  if (r.max !== undefined) list.push(String(r.max * 10 + 1), '1e300');
  if (r.min !== undefined) list.push(r.minExclusive ? String(r.min) : String(r.min - 1));
  if (r.min !== undefined && r.min >= 0) list.push('-1');
  if (r.integer) list.push('1.5');
  return list;
}

/** Required positional arguments, so a case fails on its flag rather than on a missing argument. */
function argsOf(def: CommandDef): string[] {
  return (def.args ?? []).filter((a) => a.required).map((a) => a.sample);
}

function casesOf(def: CommandDef): Case[] {
  const base = [...def.path, ...argsOf(def)];
  const cases: Case[] = [{ what: 'unknown flag', argv: [...base, '--no-such-flag', '1'], names: '--no-such-flag' }];
  // Every argument given (optional ones too), then one more word; `sql` takes any number of words.
  if (!def.args?.some((a) => a.variadic)) cases.push({ what: 'stray positional', argv: [...def.path, ...(def.args ?? []).map((a) => a.sample), 'stray-word'], names: 'stray-word' });
  for (const f of def.flags) {
    const flag = `--${f.name}`;
    cases.push({ what: `${flag} single dash`, argv: [...base, `-${f.name}`, f.sample], names: `-${f.name}` });
    cases.push({ what: `${flag} typo`, argv: [...base, `--${f.name}x`, f.sample], names: `--${f.name}x` });
    if (f.kind === 'boolean') {
      cases.push({ what: `${flag} with a value`, argv: [...base, `${flag}=yes`], names: flag });
      continue;
    }
    cases.push({ what: `${flag} missing value`, argv: [...base, flag], names: flag });
    cases.push({ what: `${flag} followed by a flag`, argv: [...base, flag, '--quiet'], names: flag });
    cases.push({ what: `${flag} empty`, argv: [...base, flag, ''], names: flag });
    cases.push({ what: `${flag} blank`, argv: [...base, flag, '   '], names: flag });
    if (!f.repeat) cases.push({ what: `${flag} twice`, argv: [...base, flag, f.sample, flag, f.sample], names: flag });
    if (f.kind === 'number') for (const v of badNumbers(f)) cases.push({ what: `${flag} ${JSON.stringify(v)}`, argv: [...base, flag, v], names: flag });
    if (f.kind === 'choice') cases.push({ what: `${flag} not a choice`, argv: [...base, flag, 'no-such-choice'], names: flag });
    if (f.kind === 'date') cases.push({ what: `${flag} not a date`, argv: [...base, flag, 'yesterday'], names: flag }, { what: `${flag} impossible date`, argv: [...base, flag, '2020-13-45'], names: flag }, { what: `${flag} no such day`, argv: [...base, flag, '2021-02-29'], names: flag });
    if (f.kind === 'key-value') cases.push({ what: `${flag} not key=value`, argv: [...base, flag, 'novalue'], names: flag }, { what: `${flag} empty key`, argv: [...base, flag, '=5'], names: flag }, { what: `${flag} __proto__`, argv: [...base, flag, '__proto__=1'], names: flag });
    if (f.kind === 'output-file') {
      cases.push({ what: `${flag} in a missing folder`, argv: [...base, flag, '/nonexistent/x.json'], names: flag });
      cases.push({ what: `${flag} is a folder`, argv: [...base, flag, dir], names: flag });
      cases.push({ what: `${flag} under a file`, argv: [...base, flag, join(aFile, 'x.json')], names: flag });
      if (!f.stdout) cases.push({ what: `${flag} -`, argv: [...base, flag, '-'], names: flag });
    }
    if (f.kind === 'input-file') {
      cases.push({ what: `${flag} missing file`, argv: [...base, flag, '/nonexistent/x.json'], names: flag });
      cases.push({ what: `${flag} is a folder`, argv: [...base, flag, dir], names: flag });
    }
    if (f.kind === 'dir') cases.push({ what: `${flag} is a file`, argv: [...base, flag, aFile], names: flag }, { what: `${flag} under a file`, argv: [...base, flag, join(aFile, 'sub')], names: flag });
  }
  return cases;
}

const loads = new Map<CommandDef, ReturnType<typeof vi.fn>>();
const originals = { ...LOADERS };
beforeAll(() => {
  for (const def of COMMANDS) {
    const spy = vi.fn(originals[commandName(def)]!);
    loads.set(def, spy);
    LOADERS[commandName(def)] = spy as () => Promise<CommandRun>;
  }
});
afterAll(() => {
  Object.assign(LOADERS, originals);
});

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += `${s}\n`), (s) => (err += `${s}\n`));
  return { code, out, err };
}

describe.each(COMMANDS.map((d) => [commandName(d), d] as const))('sextant %s', (_name, def) => {
  const cases = casesOf(def);

  it(`refuses ${cases.length} misuses with exit 2, naming the flag, before any work`, async () => {
    // Checked in plain code and reported together (four expect() calls per case cost 4% of the file's CPU).
    const wrong: string[] = [];
    for (const c of cases) {
      const r = await run(c.argv);
      const ok = r.code === 2 && r.err.includes(c.names) && !/\n\s+at /.test(r.err) && !r.err.includes('internal error');
      if (!ok) wrong.push(`${c.what}: sextant ${c.argv.join(' ')} -> exit ${r.code}: ${r.err.trim()}`);
    }
    expect(wrong).toEqual([]);
    expect(loads.get(def)).not.toHaveBeenCalled();
    expect(readdirSync(dir)).toEqual(['a-file.txt']);
  });

  it('answers --help with exit 0 and a usage listing every flag, its default and an example', async () => {
    for (const argv of [[...def.path, '--help'], ['help', ...def.path]]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.out).toContain(`Usage: sextant ${def.path.join(' ')}`);
      for (const f of def.flags) expect(r.out).toContain(`--${f.name}`);
      for (const f of def.flags.filter((x) => x.default !== undefined)) expect(r.out.replace(/\s+/g, ' ')).toContain(`(default: ${f.default})`);
      expect(r.out).toContain(def.examples[0]!.slice(0, 40));
    }
    expect(loads.get(def)).not.toHaveBeenCalled();
  });
});
