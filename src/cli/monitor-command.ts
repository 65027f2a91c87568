// `sextant monitor --server <url> [--bot <id>] [--token-file <file>] [--interval <s>]`: the terminal monitor
// (docs/monitor.md) of a bot on a running `sextant serve`, over its REST API with the token in SEXTANT_TOKEN or
// --token-file. The server, token and bot are checked with one snapshot before the screen is taken, so a
// mistake is a plain error (exit 2) rather than a screen of errors.
import { readFileSync } from 'node:fs';
import { render } from 'ink';
import { createElement } from 'react';
import { ConfigError, InputError } from '../core/errors.ts';
import { ApiError, MonitorClient } from '../monitor/client.ts';
import { MonitorApp } from '../monitor/app.ts';
import { num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { EXIT_OK } from './exit-codes.ts';

export const TOKEN_ENV = 'SEXTANT_TOKEN';

function tokenOf(file: string | undefined): string {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read the token: ${(e as Error).message}`, { file, field: '--token-file' });
    }
    const token = text.trim();
    if (token === '') throw new InputError('the token file is empty', { file, field: '--token-file' });
    return token;
  }
  const token = process.env[TOKEN_ENV]?.trim();
  if (token === undefined || token === '') throw new ConfigError(`an API token is needed: set ${TOKEN_ENV} or give --token-file (sextant token create --scope trade)`, { field: TOKEN_ENV });
  return token;
}

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const server = str(a, 'server');
  if (server === undefined) {
    throw new ConfigError('the monitor reads a running server: give --server http://127.0.0.1:8080 (watching a local store without a server is not supported yet)', { field: '--server' });
  }
  const client = new MonitorClient({ server, token: tokenOf(str(a, 'token-file')) });
  const botId = str(a, 'bot');
  try {
    await client.snapshot(botId);
  } catch (e) {
    if (e instanceof ApiError) {
      const field = e.status === 401 || e.status === 403 ? (str(a, 'token-file') === undefined ? TOKEN_ENV : '--token-file') : e.status === 404 ? '--bot' : '--server';
      throw new InputError(e.message, { field });
    }
    const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    throw new InputError(`cannot reach ${client.origin}: ${why}`, { field: '--server' });
  }
  const intervalMs = Math.round((num(a, 'interval') ?? 1) * 1000);
  const app = render(createElement(MonitorApp, { client, botId, intervalMs }));
  await app.waitUntilExit();
  io.err('sextant monitor: bye');
  return EXIT_OK;
}
