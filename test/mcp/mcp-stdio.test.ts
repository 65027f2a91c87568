// `sextant mcp` as an assistant (Claude Desktop, any MCP client) runs it: a real process speaking MCP on its
// stdin and stdout through the SDK's StdioClientTransport, on a state folder whose store holds a token made
// beforehand (as `sextant token create` does). Nothing but the protocol may reach stdout: the client reports
// any line it cannot parse. Then the same folder served by `sextant serve --mcp-port`, reached through
// `sextant mcp --server` (stdio passed on over HTTP). Bad setups fail at once (exit 2), naming what to fix.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAccess } from '../../src/app/access/open.ts';
import { main } from '../../src/cli/main.ts';
import { waitFor } from '../helpers/api-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/sextant.js');
const env = { SEXTANT_FROM_SOURCE: process.env.SEXTANT_FROM_SOURCE ?? '1' };
let dir: string;
let token: { token: string; id: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sextant-mcp-stdio-'));
  token = await withAccess({ stateDir: join(dir, 'state') }, (s) => s.tokens.create({ name: 'assistant', scope: 'read' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sextant mcp over stdio', () => {
  it('serves a real MCP client: the read tools of its token, a tool call, nothing else on stdout, and ends when the client closes', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--state-dir', join(dir, 'state')], env: { ...env, SEXTANT_TOKEN: token.token }, cwd: ROOT, stderr: 'pipe' });
    let stderr = '';
    transport.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const client = new Client({ name: 'sextant-stdio-test', version: '1.0.0' });
    const errors: Error[] = [];
    client.onerror = (e) => errors.push(e);
    try {
      await client.connect(transport);
      expect(client.getServerVersion()).toMatchObject({ name: 'sextant' });
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toContain('list_strategies');
      expect(tools).toContain('get_positions');
      expect(tools).not.toContain('kill_bot');
      const r = (await client.callTool({ name: 'list_strategies', arguments: { name: 'rsi' } })) as CallToolResult;
      expect(r.isError).toBeUndefined();
      expect(r.structuredContent).toMatchObject({ strategies: [{ name: 'rsi' }] });
      expect((r.content[0] as { text: string }).text).toBe('1 strategy: rsi');
      expect(stderr).toContain(`sextant mcp on stdio as token ${token.id} "assistant" (scope read`);
    } finally {
      const pid = transport.pid!;
      await client.close();
      expect(() => process.kill(pid, 0)).toThrow();
    }
    expect(errors).toEqual([]);
  });

  it('passes stdio on to `sextant serve --mcp-port` (--server): an assistant beside the dashboard on the same embedded store', async () => {
    // The state folder of the test above, now served (its store opens in one process at a time).
    const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--mcp-port', '0', '--state-dir', join(dir, 'state')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let served = '';
    serve.stdout.on('data', (b: Buffer) => (served += b.toString()));
    serve.stderr.on('data', (b: Buffer) => (served += b.toString()));
    const exited = new Promise<number | null>((res) => serve.on('exit', (code) => res(code)));
    try {
      const url = await waitFor('the MCP port', () => Promise.resolve(/MCP \(streamable HTTP\) on (http:\/\/\S+\/mcp)/.exec(served)?.[1] ?? null), 60_000);
      const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--server', url], env: { ...env, SEXTANT_TOKEN: token.token }, cwd: ROOT, stderr: 'pipe' });
      const client = new Client({ name: 'sextant-bridge-test', version: '1.0.0' });
      try {
        await client.connect(transport);
        expect(client.getServerVersion()).toMatchObject({ name: 'sextant' });
        const r = (await client.callTool({ name: 'list_bots', arguments: {} })) as CallToolResult;
        expect(r.structuredContent).toEqual({ bots: [] });
        expect((await client.callTool({ name: 'kill_bot', arguments: { botId: 'demo' } })).isError).toBe(true);
      } finally {
        await client.close();
      }
    } finally {
      serve.kill('SIGTERM');
    }
    expect(await exited, served).toBe(0);
  });

  it('refuses bad setups with exit 2, naming the variable or flag, before any bot starts (no token, a wrong one, no store, --server with --http, a bad URL)', async () => {
    const saved = process.env.SEXTANT_TOKEN;
    const cases: [string[], string | undefined, unknown][] = [
      [['mcp', '--state-dir', join(dir, 'none')], undefined, 'sextant mcp: field "SEXTANT_TOKEN": set SEXTANT_TOKEN to a Sextant API token (make one with: sextant token create --name assistant --scope read); its scope decides which tools the assistant gets'],
      [['mcp', '--server', 'http://127.0.0.1:8765', '--http'], token.token, 'sextant mcp: field "--server": --server passes stdio on to a server: it does not go with --http'],
      [['mcp', '--server', 'ftp://127.0.0.1/mcp'], token.token, 'sextant mcp: field "--server": "ftp://127.0.0.1/mcp" is not an http(s) URL'],
      [['mcp', '--state-dir', join(dir, 'none')], token.token, expect.stringMatching(/^sextant mcp: field "--state-dir": no store at .*\/none\/db/)],
      [['mcp', '--state-dir', join(dir, 'state')], 'sxt_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'sextant mcp: field "SEXTANT_TOKEN": the token is unknown, revoked or expired in this store (sextant token list shows the tokens of --state-dir or DATABASE_URL)'],
    ];
    try {
      for (const [argv, tok, message] of cases) {
        if (tok === undefined) delete process.env.SEXTANT_TOKEN;
        else process.env.SEXTANT_TOKEN = tok;
        const out: string[] = [];
        const err: string[] = [];
        expect([await main(argv, (l) => out.push(l), (l) => err.push(l)), out, err]).toEqual([2, [], [message]]);
      }
    } finally {
      if (saved === undefined) delete process.env.SEXTANT_TOKEN;
      else process.env.SEXTANT_TOKEN = saved;
    }
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });
});
