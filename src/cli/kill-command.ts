// `sextant kill [--flatten] [--resume]`: the operator kill switch of a running paper process: halt new
// orders and cancel working ones (optionally flatten every position), or resume trading.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_STATE_DIR } from '../app/paper.ts';
import { bool, str, type CommandIO, type ParsedArgs } from './args.ts';

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  if (bool(a, 'resume') && bool(a, 'flatten')) throw new ConfigError('--resume and --flatten together: kill with --flatten, or resume', { field: '--flatten' });
  const dir = str(a, 'state-dir') ?? DEFAULT_STATE_DIR;
  if (!existsSync(dir)) throw new ConfigError(`${dir} does not exist: no paper run uses it (start one with sextant paper)`, { field: '--state-dir' });
  const cmd = bool(a, 'resume') ? { command: 'resume' } : { command: 'kill', flatten: bool(a, 'flatten') };
  writeFileSync(join(dir, 'control.json'), JSON.stringify(cmd));
  io.out(`${cmd.command} requested; the paper process applies it within a second`);
  return Promise.resolve(0);
}
