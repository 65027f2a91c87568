// `sextant serve [--host 127.0.0.1] [--port 8080] [--demo] [--mcp-port 8765]`: the API server with its bots (and,
// with --mcp-port, the MCP endpoint for AI assistants) until SIGINT or SIGTERM, then a graceful stop (bots stop
// with their rows committed and start again with the next serve).
import { serve } from '../server/serve.ts';
import { serveMcpHttp } from '../mcp/http.ts';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_STATE_DIR } from '../app/state-dir.ts';
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
    auditCheckpoints: { file: str(a, 'audit-checkpoints') ?? null, everyMinutes: num(a, 'audit-checkpoint-minutes') ?? 60 },
  });
  // The MCP endpoint on its own port, over the same services (docs/mcp.md): assistants beside the dashboard.
  const mcpPort = num(a, 'mcp-port');
  const mcp = mcpPort === undefined ? null : await serveMcpHttp(server.services, { host: str(a, 'host'), port: mcpPort, log: (l) => io.err(l) }).catch(async (e: unknown) => {
    await server.close();
    throw e;
  });
  if (mcp !== null) {
    io.err(`MCP (streamable HTTP) on ${mcp.url}: for assistants, with Authorization: Bearer <token>; stdio clients: sextant mcp --server ${mcp.url}`);
    const host = str(a, 'host') ?? '127.0.0.1';
    if (!['127.0.0.1', '::1', 'localhost'].includes(host)) io.err(`WARNING: the MCP port on ${host} has no TLS: tokens cross the network in clear. Keep it on 127.0.0.1 behind an HTTPS proxy.`);
  }
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
  await mcp?.close();
  await server.close();
  return EXIT_OK;
}
