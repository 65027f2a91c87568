// `sextant worker --queue redis://host:port [--queue-name X] [--concurrency N] [--threads N]`: serves
// the jobs of distributed `optimize` / `walkforward` runs until SIGINT or SIGTERM (then finishes the
// jobs in flight and exits 0). See docs/research.md "Distributed runs".
import { ConfigError } from '../core/errors.ts';
import { startResearchWorker } from '../app/queue.ts';
import { num, parseArgs, str, type FlagSpec } from './args.ts';

const WORKER_FLAGS: readonly FlagSpec[] = [
  { name: 'queue', kind: 'string' },
  { name: 'queue-name', kind: 'string' },
  { name: 'concurrency', kind: 'number' },
  { name: 'threads', kind: 'number' },
  { name: 'lock-ms', kind: 'number' },
];

export async function workerCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, WORKER_FLAGS);
  if (a.positional.length > 0) throw new ConfigError(`unexpected argument "${a.positional[0]}"`, { field: a.positional[0] });
  const url = str(a, 'queue');
  if (url === undefined) throw new ConfigError('--queue is required, e.g. --queue redis://127.0.0.1:6379', { field: '--queue' });
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  const worker = await startResearchWorker({
    url, name: str(a, 'queue-name'), concurrency: num(a, 'concurrency'), threads: num(a, 'threads'), lockMs: num(a, 'lock-ms'), log,
  });
  out(`worker ${worker.id} serving queue "${worker.target.name}" at ${worker.target.display}; Ctrl-C stops`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (s: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // A second signal does not wait for the jobs in flight (BullMQ hands them to another worker).
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(s);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out(`worker ${worker.id}: ${signal}, finishing the jobs in flight (again to quit now)`);
  await worker.close();
  out(`worker ${worker.id} stopped after ${worker.processed} job(s)`);
  return 0;
}
