// The MCP server over stdio (an assistant such as Claude Desktop starts `sextant mcp` and speaks JSON-RPC on its
// stdin and stdout): one session, acting as the token in SEXTANT_TOKEN, verified at start and again for every
// request. stdout carries the protocol and nothing else; the session ends when the client closes stdin.
import type { Readable, Writable } from 'node:stream';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ConfigError } from '../core/errors.ts';
import type { TokenIdentity, TokenService } from '../app/access/tokens.ts';
import type { ServerServices } from '../app/server-services.ts';
import { createMcpServer, SessionAuthError } from './server.ts';

export const TOKEN_ENV = 'SEXTANT_TOKEN';

export interface StdioSession {
  readonly identity: TokenIdentity;
  /** Resolves when the client has closed the session (stdin ended) or close() was called. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** The token of SEXTANT_TOKEN, trimmed; a ConfigError naming the variable when it is not set. */
export function givenToken(token: string | undefined): string {
  if (token === undefined || token.trim() === '') {
    throw new ConfigError(`set ${TOKEN_ENV} to a Sextant API token (make one with: sextant token create --name assistant --scope read); its scope decides which tools the assistant gets`, { field: TOKEN_ENV });
  }
  return token.trim();
}

/** Who the token of SEXTANT_TOKEN is in this store; a ConfigError naming the variable when nobody. */
export async function verifiedToken(tokens: TokenService, token: string | undefined): Promise<TokenIdentity> {
  const identity = await tokens.verify(givenToken(token));
  if (identity === null) throw new ConfigError('the token is unknown, revoked or expired in this store (sextant token list shows the tokens of --state-dir or DATABASE_URL)', { field: TOKEN_ENV });
  return identity;
}

/**
 * An MCP server acting as one token for its whole session (stdio, and the tests' in-memory transport): the
 * token is checked now (ConfigError naming SEXTANT_TOKEN) and verified again for every request.
 */
export async function tokenSession(services: ServerServices, token: string | undefined, log?: (line: string) => void): Promise<{ server: Server; identity: TokenIdentity }> {
  const secret = givenToken(token);
  const identity = await verifiedToken(services.tokens, secret);
  const server = createMcpServer({
    services, via: 'stdio', log,
    identify: async () => {
      const who = await services.tokens.verify(secret);
      if (who === null) throw new SessionAuthError(`the session's token (${identity.id}) is no longer valid: revoked, expired, or its user was removed`);
      return who;
    },
  });
  return { server, identity };
}

export async function serveMcpStdio(services: ServerServices, token: string | undefined, opts: { stdin?: Readable; stdout?: Writable; log?: (line: string) => void } = {}): Promise<StdioSession> {
  const { server, identity } = await tokenSession(services, token, opts.log);
  const stdin = opts.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin, opts.stdout ?? process.stdout);
  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  transport.onclose = () => done();
  // The SDK's transport does not watch for the end of stdin: the client closing it ends the session.
  const onEnd = (): void => void server.close();
  stdin.once('end', onEnd);
  await server.connect(transport);
  return {
    identity, closed,
    close: async () => {
      stdin.off('end', onEnd);
      await server.close();
    },
  };
}
