// `npm start` = `sextant serve --demo` as a user meets it: the first start prints the admin password once and
// starts the demo paper bot; the password logs in (session cookie + CSRF token) and the dashboard's calls
// work; SIGTERM stops the server and its bot gracefully (exit 0); the next start resumes the bot where it
// stopped and prints no password; and under npm, a SIGKILLed wrapper does not leave an orphan server.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/api-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'sextant-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started { child: ChildProcessWithoutNullStreams; url: string; output: () => string; exited: Promise<number | null> }

async function start(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr.on('data', (b: Buffer) => (text += b.toString()));
  let gone = false;
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => ((gone = true), res(code))));
  const url = await waitFor('the server to listen', () => {
    const listening = /sextant server on (http:\/\/\S+)/.exec(text)?.[1] ?? null;
    if (listening === null && gone) throw new Error('the server exited before it listened');
    return Promise.resolve(listening);
  }, 90_000).catch((e: unknown) => {
    throw new Error(`${String(e)}\n${text}`);
  });
  return { child, url, output: () => text, exited };
}

const sextant = (args: readonly string[]): Promise<Started> => start(process.execPath, [join(ROOT, 'bin/sextant.js'), 'serve', '--port', '0', ...args]);

/** Whether the process named in a PGlite lock file still runs (no file: nobody holds the store). */
function lockHolderAlive(lockFile: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function login(url: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  expect(r.status).toBe(200);
  const cookie = r.headers.get('set-cookie')!;
  expect(cookie).toMatch(/^sextant_session=[A-Za-z0-9_-]{43};.*HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return { cookie: cookie.split(';')[0]!, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}

describe('sextant serve --demo (npm start)', () => {
  it('prints the admin password once, serves the demo bot, stops on SIGTERM and resumes it on the next start', async () => {
    const stateDir = join(dir, 'state');
    const first = await sextant(['--demo', '--state-dir', stateDir]);
    // The password line follows the listening line; a pipe may deliver it in a later chunk.
    const password = await waitFor('the first-start password line', () => Promise.resolve(/created user "admin" with password (\S+)/.exec(first.output())?.[1] ?? null), 30_000).catch(() => undefined);
    expect(password, first.output()).toMatch(/^[A-Za-z0-9]{20,}$/);
    const { cookie, csrf } = await login(first.url, password!);
    const bots = await fetch(`${first.url}/api/v1/bots`, { headers: { cookie } });
    expect(await bots.json()).toMatchObject([{ id: 'demo', state: 'running', mode: 'paper' }]);
    // A change with the cookie needs the CSRF token.
    expect((await fetch(`${first.url}/api/v1/bots/demo/pause`, { method: 'POST', headers: { cookie } })).status).toBe(403);
    const paused = await fetch(`${first.url}/api/v1/bots/demo/pause`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    expect(await paused.json()).toMatchObject({ status: 'done', requester: expect.stringMatching(/^api: admin from 127\.0\.0\.1$/) });
    const orders = (await (await fetch(`${first.url}/api/v1/bots/demo/orders?status=all&limit=5000`, { headers: { cookie } })).json()) as unknown[];
    first.child.kill('SIGTERM');
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toMatch(/stopping \(SIGTERM\)/);

    const second = await sextant(['--demo', '--state-dir', stateDir]);
    expect(second.output()).not.toMatch(/password/);
    const again = await login(second.url, password!);
    const demo = (await (await fetch(`${second.url}/api/v1/bots/demo`, { headers: { cookie: again.cookie } })).json()) as { state: string; status: { halted: boolean; orders: number } };
    // Resumed: the same run, still halted (a pause is stored), its orders restored.
    expect(demo.state).toBe('running');
    expect(demo.status.halted).toBe(true);
    expect(((await (await fetch(`${second.url}/api/v1/bots/demo/fills?limit=5000`, { headers: { cookie: again.cookie } })).json()) as unknown[]).length).toBeLessThanOrEqual(orders.length);
    second.child.kill('SIGINT');
    expect(await second.exited, second.output()).toBe(0);
  }, 180_000);

  it('under npm, stops (and releases the store) when the npm wrapper is SIGKILLed', async () => {
    const stateDir = join(dir, 'npm');
    const server = await start('npm', ['start', '--', '--port', '0', '--state-dir', stateDir], { ...process.env, npm_config_ignore_scripts: 'true' });
    server.child.kill('SIGKILL');
    await waitFor('the orphaned server to stop', async () => {
      try {
        await fetch(`${server.url}/api/v1/health`);
        return false;
      } catch {
        return true;
      }
    }, 60_000);
    // Not listening is not yet gone: the orphan still stops its bot and closes the store, then drops the lock.
    await waitFor('the orphaned server to release the store', () => Promise.resolve(!lockHolderAlive(join(stateDir, 'db', 'lock'))), 60_000);
    // The store is free: a new server opens it.
    const next = await sextant(['--state-dir', stateDir]);
    next.child.kill('SIGTERM');
    expect(await next.exited, next.output()).toBe(0);
  }, 180_000);
});
