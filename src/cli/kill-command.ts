// `sextant kill [--flatten] [--resume]`: the operator kill switch of a running paper process: halt new
// orders and cancel working ones (optionally flatten every position), or resume trading.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STATE_DIR } from '../app/paper.ts';
import { bool, parseArgs, str } from './args.ts';

export async function killCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, [{ name: 'flatten', kind: 'boolean' }, { name: 'resume', kind: 'boolean' }, { name: 'state-dir', kind: 'string' }]);
  const dir = str(a, 'state-dir') ?? DEFAULT_STATE_DIR;
  const cmd = bool(a, 'resume') ? { command: 'resume' } : { command: 'kill', flatten: bool(a, 'flatten') };
  writeFileSync(join(dir, 'control.json'), JSON.stringify(cmd));
  out(`${cmd.command} requested; the paper process applies it within a second`);
  return Promise.resolve(0);
}
