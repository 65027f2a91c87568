// The top level of `sextant`: usage without a command (exit 2), --help / help (exit 0), --version from
// package.json, and unknown commands and flags answered with the nearest known one (exit 2).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { main } from '../../src/cli/main.ts';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += `${s}\n`), (s) => (err += `${s}\n`));
  return { code, out, err };
}

describe('sextant', () => {
  it('prints its usage and exits 2 without a command', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: sextant');
  });

  it.each([[['--help']], [['-h']], [['help']]])('%j lists every command and exits 0', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`\\n  ${c.path[0]}\\b`));
    expect(r.out).toContain('Exit codes: 0 done, 1 internal error, 2 bad input, 3 the run finished but a strategy failed, 4 a live node refused to trade after reconciling with its venue, 5 the audit trail failed verification.');
  });

  it.each([[['--version']], [['-v']]])('%j prints the version of package.json', async (argv) => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const r = await run(argv);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${pkg.version}\n`);
  });

  it.each([
    [['backtst'], 'unknown command "backtst" (did you mean backtest?)'],
    [['help', 'backtst'], 'unknown command "backtst"'],
    [['backtest', '--strategy', 'sma-cross', '--parm', 'fast=5'], 'unknown flag --parm (did you mean --param?)'],
    [['backtest', '--strategy', 'sma-cross', '-cash', '5000'], 'unknown flag -cash (flags start with two dashes: did you mean --cash?)'],
    [['backtest', '--strategy', 'sma-cross', '--cash'], '--cash needs a value'],
    [['backtest', '--strategy', 'sma-cross', 'extra'], 'unexpected argument "extra"'],
    [['option', '--type', 'call', '--spot', '42', '--strike', '40', '--days', '30', '--vol', '0.2', '--rate', '0x10'], '--rate must be a decimal number, got "0x10"'],
    [['backtest', '--strategy', 'sma-cross', '--leverage', '1e20'], '--leverage must be >= 1 and <= 100, got "1e20"'],
    [['optimize', '--strategy', 'sma-cross', '--space', 'fast=2:4', '--threads', '1e308'], '--threads must be an integer >= 0 and <= 256'],
    [['paper', '--state-dir', ''], '--state-dir must not be empty'],
    [['backtest', '--strategy', 'sma-cross', '--json', '/nonexistent/x.json'], '--json /nonexistent/x.json: directory /nonexistent does not exist'],
    [['data'], 'Usage: sextant data'],
    [['data', '--warehouse', '.'], 'data needs a subcommand; usage: sextant data import <source> [flags] | sextant data download [flags] | sextant data list [flags]'],
  ])('%j is exit 2: %s', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
