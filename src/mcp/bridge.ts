// `sextant mcp --server <url>`: a stdio MCP server for clients that only start commands (Claude Desktop), passing
// every message on to a running Sextant MCP endpoint over streamable HTTP (`sextant serve --mcp-port`, or
// `sextant mcp --http`) with the token of SEXTANT_TOKEN as its Bearer token. Nothing is opened here: the tools,
// scopes and audit are the server's, and its process hosts the bots, so an assistant works beside the
// dashboard on the embedded store (which only one process may open).
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError } from '../core/errors.ts';

export interface Bridge {
  /** Resolves when either side has closed. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** The MCP endpoint of a server URL: `http://host:port` means `http://host:port/mcp`. */
export function endpointOf(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new ConfigError(`"${server}" is not a URL (e.g. http://127.0.0.1:8765/mcp)`, { field: '--server' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`"${server}" is not an http(s) URL`, { field: '--server' });
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp';
  return url;
}

/** The server's own words from a failed request (its JSON-RPC error body), else the transport's message. */
function reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const body = /\{.*\}$/s.exec(text)?.[0];
  try {
    const m = (JSON.parse(body ?? '') as { error?: { message?: unknown } }).error?.message;
    if (typeof m === 'string') return m;
  } catch {
    // Not JSON: the transport's own message.
  }
  return text;
}

/**
 * Joins `local` (stdio, or an in-memory transport in tests) to the MCP endpoint at `url`. A request the server
 * cannot be reached for is answered with a JSON-RPC error naming the server, so the client never waits for ever.
 */
export async function bridge(local: Transport, url: URL, token: string, log?: (line: string) => void): Promise<Bridge> {
  const remote = new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  let closing = false;
  const closeBoth = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await Promise.allSettled([remote.terminateSession().catch(() => undefined).then(() => remote.close()), local.close()]);
    done();
  };
  const initializeIds = new Set<string | number>();

  local.onmessage = (m: JSONRPCMessage) => {
    if ('method' in m && m.method === 'initialize' && 'id' in m) initializeIds.add(m.id);
    remote.send(m).catch((e: unknown) => {
      const why = `sextant server at ${url.href}: ${reason(e)}`;
      log?.(`sextant mcp: ${why}`);
      if ('method' in m && 'id' in m) void local.send({ jsonrpc: '2.0', id: m.id, error: { code: -32000, message: why } });
    });
  };
  remote.onmessage = (m: JSONRPCMessage) => {
    // Later requests carry the protocol version the session agreed on (the client's SDK does this itself; here the client is on the other side).
    if ('id' in m && m.id !== undefined && initializeIds.delete(m.id) && 'result' in m && typeof m.result.protocolVersion === 'string') remote.setProtocolVersion(m.result.protocolVersion);
    void local.send(m);
  };
  remote.onerror = (e) => log?.(`sextant mcp: sextant server at ${url.href}: ${reason(e)}`);
  local.onclose = () => void closeBoth();
  remote.onclose = () => void closeBoth();
  await remote.start();
  await local.start();
  return { closed, close: closeBoth };
}
