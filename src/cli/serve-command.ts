// `sextant serve [--host 127.0.0.1] [--port 8080] [--demo]`: the API server with its bots until SIGINT or
// SIGTERM, then a graceful stop (bots stop with their rows committed and start again with the next serve).
import { serve } from '../server/serve.ts';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_STATE_DIR } from '../app/paper.ts';
import { shouldWatchParent, watchParent, type ParentGuard } from '../app/parent-guard.ts';
import { bool, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { EXIT_OK } from './exit-codes.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const cert = str(a, 'tls-cert');
  const key = str(a, 'tls-key');
  if ((cert === undefined) !== (key === undefined)) throw new ConfigError('--tls-cert and --tls-key go together', { field: cert === undefined ? '--tls-cert' : '--tls-key' });
  const origins = strs(a, 'cors-origin');
  for (const o of origins) {
    if (o === '*' || !/^https?:\/\/[^/\s]+$/.test(o)) throw new ConfigError(`"${o}" is not an origin (scheme://host[:port], no path, no wildcard)`, { field: '--cors-origin' });
  }
  const server = await serve({
    host: str(a, 'host'), port: num(a, 'port'), stateDir: str(a, 'state-dir') ?? DEFAULT_STATE_DIR, demoBot: bool(a, 'demo'), corsOrigins: origins,
    rateLimitPerMinute: num(a, 'rate-limit'), tls: cert !== undefined && key !== undefined ? { cert, key } : undefined, say: (l) => io.err(l),
  });
  let parent: ParentGuard | undefined;
  await new Promise<void>((resolve) => {
    const stop = (why: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      parent?.stop();
      io.err(`stopping (${why}): bots stop gracefully and start again with the next \`sextant serve\``);
      resolve();
    };
    const onSignal = (signal: string): void => stop(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Under npm/npx (`npm start`): a SIGKILLed wrapper cannot pass a signal on, so the server watches it.
    if (shouldWatchParent()) parent = watchParent((why) => stop(`${why}: npm/npx was killed`));
  });
  await server.close();
  return EXIT_OK;
}
