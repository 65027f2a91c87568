// `sextant mcp [--http] [--host 127.0.0.1] [--port 8765] [--server <url>]`: the MCP server for AI assistants
// (docs/mcp.md) on the store of --state-dir (or DATABASE_URL), opened as `serve` opens it; or, with --server,
// stdio passed on to a running server's MCP endpoint (bridge.ts). Over stdio (default) stdout carries
// the protocol only: every line for people goes to stderr, and console.log is sent there too, so nothing a
// module prints can corrupt the stream. The session acts as the token in SEXTANT_TOKEN. With --http: the
// streamable HTTP endpoint, each request with its own Bearer token. Ends on SIGINT/SIGTERM, or (stdio) when
// the client closes stdin.
import { openCheckedServerServices } from '../app/checked-services.ts';
import { openServerServices } from '../app/server-services.ts';
import { DEFAULT_STATE_DIR } from '../app/state-dir.ts';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ConfigError } from '../core/errors.ts';
import { bridge, endpointOf } from '../mcp/bridge.ts';
import { serveMcpHttp, DEFAULT_MCP_PORT } from '../mcp/http.ts';
import { givenToken, serveMcpStdio, TOKEN_ENV, verifiedToken } from '../mcp/stdio.ts';
import { bool, num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { EXIT_OK } from './exit-codes.ts';

/** Resolves on SIGINT/SIGTERM (or `other`), with what ended it. */
function untilStopped(other?: Promise<void>): Promise<string> {
  return new Promise<string>((resolve) => {
    const onSignal = (signal: string): void => finish(signal);
    const finish = (why: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(why);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    void other?.then(() => finish('the client closed the session'));
  });
}

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const http = bool(a, 'http');
  const server = str(a, 'server');
  if (server !== undefined && http) throw new ConfigError('--server passes stdio on to a server: it does not go with --http', { field: '--server' });
  const url = server === undefined ? null : endpointOf(server);
  // Checked before anything opens: a client configured without a token fails at once, naming it.
  const token = process.env[TOKEN_ENV];
  if (!http) givenToken(token);
  if (!http) {
    // stdout is the protocol's: anything printed by a module would break the client's parser.
    console.log = console.error;
    console.info = console.error;
  }
  if (url !== null) {
    const stdin = process.stdin;
    const session = await bridge(new StdioServerTransport(stdin, process.stdout), url, givenToken(token), (l) => io.err(l));
    // The SDK's stdio transport does not watch for the end of stdin: the client closing it ends the session.
    stdin.once('end', () => void session.close());
    io.err(`sextant mcp on stdio, passed on to ${url.href}`);
    await untilStopped(session.closed);
    await session.close();
    return EXIT_OK;
  }
  const stateDir = str(a, 'state-dir') ?? DEFAULT_STATE_DIR;
  // stdio: the token is checked before the store's bots start.
  const services = http ? await openServerServices({ stateDir }) : await openCheckedServerServices({ stateDir }, async (tokens) => void (await verifiedToken(tokens, token)));
  try {
    if (http) {
      const endpoint = await serveMcpHttp(services, { host: str(a, 'host'), port: num(a, 'port') ?? DEFAULT_MCP_PORT, log: (l) => io.err(l) });
      io.err(`sextant mcp on ${endpoint.url} (streamable HTTP; store: ${services.storeLocation}); clients send Authorization: Bearer <token>`);
      const host = str(a, 'host') ?? '127.0.0.1';
      if (!['127.0.0.1', '::1', 'localhost'].includes(host)) io.err(`WARNING: listening on ${host} without TLS: tokens cross the network in clear. Bind to 127.0.0.1 behind an HTTPS proxy.`);
      const why = await untilStopped();
      io.err(`stopping (${why})`);
      await endpoint.close();
    } else {
      const session = await serveMcpStdio(services, token, { log: (l) => io.err(l) });
      io.err(`sextant mcp on stdio as token ${session.identity.id} "${session.identity.name}" (scope ${session.identity.scope}; store: ${services.storeLocation})`);
      await untilStopped(session.closed);
      await session.close();
    }
  } finally {
    await services.close();
  }
  return EXIT_OK;
}
