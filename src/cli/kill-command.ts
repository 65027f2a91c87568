// `sextant kill [--flatten] [--resume] [--run R] [--state-dir D]`: the operator kill switch of a running paper
// node: halt new orders and cancel working ones (optionally flatten every position), or resume trading. The
// command reaches the node through the control channel (docs/operations.md, "Kill switch") and prints what the
// node did; with no running node for the run it says so and exits 2.
import { ConfigError } from '../core/errors.ts';
import { connectNode } from '../app/connect-node.ts';
import type { NodeHandle } from '../app/node-handle.ts';
import { DEFAULT_STATE_DIR } from '../app/state-dir.ts';
import { bool, str, type CommandIO, type ParsedArgs } from './args.ts';
import { flagError } from './field-flags.ts';

/** The app layer names fields; this command's user knows them as flags. */
const FLAGS: Readonly<Record<string, string>> = { stateDir: '--state-dir', runId: '--run' };

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  if (bool(a, 'resume') && bool(a, 'flatten')) throw new ConfigError('--resume and --flatten together: kill with --flatten, or resume', { field: '--flatten' });
  const stateDir = str(a, 'state-dir') ?? DEFAULT_STATE_DIR;
  let handle: NodeHandle;
  try {
    handle = await connectNode({ stateDir, runId: str(a, 'run') });
  } catch (e) {
    throw flagError(e, FLAGS);
  }
  try {
    const reply = bool(a, 'resume') ? await handle.resume() : await handle.kill({ flatten: bool(a, 'flatten') });
    const node = reply.node === null ? 'no node' : `process ${reply.node.pid} on ${reply.node.host}`;
    if (reply.status !== 'done') throw new ConfigError(`run "${reply.runId}": ${reply.kind} not done (${reply.status}, ${node}): ${reply.message}`);
    io.out(`run "${reply.runId}" (${node}): ${reply.message}`);
    return 0;
  } catch (e) {
    throw flagError(e, FLAGS);
  } finally {
    await handle.close();
  }
}
