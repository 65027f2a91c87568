// `sextant worker --queue redis://host:port [--queue-name X] [--concurrency N] [--threads N]`: serves
// the jobs of distributed `optimize` / `walkforward` runs until SIGINT or SIGTERM (then finishes the
// jobs in flight and exits 0). See docs/research.md "Distributed runs".
import { startResearchWorker } from '../app/queue.ts';
import { num, str, type CommandIO, type ParsedArgs } from './args.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const out = io.out;
  const url = str(a, 'queue')!;
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
