// The terminal monitor against a real server (in process) with a trading paper bot: the client's snapshot and
// errors, then the ink app (ink-testing-library): its frames show the bot, positions, orders and fills within
// 80x24 (and within 60x15 after a resize), and its keys act through the API: cancel the selected order, p
// pauses, r resumes, k then n does nothing, k then y kills (halted, no working order left).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { startApiServer, startTradingBot, waitFor, type ApiServer } from '../helpers/api-server.ts';
import { ApiError, MonitorClient } from '../../src/monitor/client.ts';
import { MonitorApp } from '../../src/monitor/app.ts';
import { main } from '../../src/cli/main.ts';

let api: ApiServer;
let id: string;

beforeAll(async () => {
  api = await startApiServer();
  id = await startTradingBot(api);
}, 30_000);
afterAll(async () => api?.close());

/** A buy limit far below the market: stays working until canceled. */
async function restingOrder(): Promise<string> {
  const r = await api.call('POST', `/api/v1/bots/${id}/orders`, { token: api.tokens.trade, body: { symbol: 'BTC-USD', side: 'buy', type: 'limit', qty: 0.01, limitPrice: 1 } });
  expect(r.status).toBe(201);
  const open = await api.call('GET', `/api/v1/bots/${id}/orders?status=open`, { token: api.tokens.read });
  const manual = (open.json as { clientOrderId: string; tag: string | null }[]).filter((o) => o.tag === 'manual');
  return manual[0]!.clientOrderId;
}

/** Another resting order, newer than those before it (and so listed above them). */
async function restingOrder2(): Promise<string> {
  const before = new Set((await openOrders()).map((o) => o.clientOrderId));
  const r = await api.call('POST', `/api/v1/bots/${id}/orders`, { token: api.tokens.trade, body: { symbol: 'BTC-USD', side: 'buy', type: 'limit', qty: 0.02, limitPrice: 2 } });
  expect(r.status).toBe(201);
  // The strategy's own orders come and go meanwhile: ours is the new manual one.
  const open = (await openOrders()) as { clientOrderId: string; tag?: string | null }[];
  return open.find((o) => !before.has(o.clientOrderId) && o.tag === 'manual')!.clientOrderId;
}

const halted = async (): Promise<boolean> => ((await api.call('GET', `/api/v1/bots/${id}/account`, { token: api.tokens.read })).json as { halted: boolean }).halted;
const openOrders = async (): Promise<{ clientOrderId: string }[]> => (await api.call('GET', `/api/v1/bots/${id}/orders?status=open`, { token: api.tokens.read })).json as { clientOrderId: string }[];

describe('the monitor client', () => {
  it('maps a running bot to a snapshot', async () => {
    await waitFor('a fill', async () => ((await api.call('GET', `/api/v1/bots/${id}/fills`, { token: api.tokens.read })).json as unknown[]).length > 0);
    const s = await new MonitorClient({ server: api.url, token: api.tokens.read }).snapshot();
    expect(s.bot).toMatchObject({ id, name: 'b1', mode: 'paper', state: 'running' });
    expect(s.account?.halted).toBe(false);
    expect(s.account!.equity).toBeGreaterThan(0);
    expect(s.fills.length).toBeGreaterThan(0);
    expect(s.fills[0]).toMatchObject({ symbol: 'BTC-USD' });
    expect(s.equity.length).toBeGreaterThan(0);
    expect(s.risk).toMatchObject({ halted: false, tripped: [] });
  });

  it('says what is wrong: a bad token, an unknown bot, not a URL', async () => {
    await expect(new MonitorClient({ server: api.url, token: 'sxt_nope' }).snapshot()).rejects.toMatchObject({ status: 401, message: 'GET /api/v1/bots: 401 the token is unknown, revoked or expired' });
    const read = new MonitorClient({ server: api.url, token: api.tokens.read });
    await expect(read.pause(id)).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/^POST \/api\/v1\/bots\/b1\/pause: 403 \S/) });
    const e = await new MonitorClient({ server: api.url, token: api.tokens.read }).snapshot('zz').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toBe(`no bot "zz" (bots: ${id})`);
    expect(() => new MonitorClient({ server: 'ftp://x', token: 't' })).toThrow('field "--server": an http:// or https:// URL is needed, not ftp:');
  });
});

describe('sextant monitor', () => {
  /** Runs the command in process with SEXTANT_TOKEN set to `token` (or unset): exit code and stderr. */
  async function monitor(args: string[], token: string | undefined): Promise<[number, string]> {
    const saved = process.env.SEXTANT_TOKEN;
    if (token === undefined) delete process.env.SEXTANT_TOKEN;
    else process.env.SEXTANT_TOKEN = token;
    const err: string[] = [];
    try {
      return [await main(['monitor', ...args], () => {}, (l) => err.push(l)), err.join('\n')];
    } finally {
      if (saved === undefined) delete process.env.SEXTANT_TOKEN;
      else process.env.SEXTANT_TOKEN = saved;
    }
  }

  it.each([
    ['no token', ['--server', 'URL'], undefined, 'field "SEXTANT_TOKEN": an API token is needed: set SEXTANT_TOKEN or give --token-file'],
    ['a bad token', ['--server', 'URL'], 'sxt_nope', 'field "SEXTANT_TOKEN": GET /api/v1/bots: 401 the token is unknown, revoked or expired'],
    ['an unknown bot', ['--server', 'URL', '--bot', 'zz'], 'READ', 'field "--bot": no bot "zz" (bots: b1)'],
    ['not http', ['--server', 'ftp://127.0.0.1'], 'READ', 'field "--server": an http:// or https:// URL is needed, not ftp:'],
    ['no server there', ['--server', 'http://127.0.0.1:9'], 'READ', 'field "--server": cannot reach http://127.0.0.1:9'],
  ])('%s: exit 2, naming the flag', async (_, args, token, want) => {
    const [code, err] = await monitor(args.map((a) => (a === 'URL' ? api.url : a)), token === 'READ' ? api.tokens.read : token);
    expect(err).toContain(want);
    expect(code).toBe(2);
  });
});

describe('the monitor app', () => {
  it('shows a new order at once through the WebSocket, without waiting for the next poll', async () => {
    const ui = render(createElement(MonitorApp, { client: new MonitorClient({ server: api.url, token: api.tokens.read }), botId: id, intervalMs: 60_000, size: { cols: 80, rows: 24 } }));
    try {
      await waitFor('the first screen', async () => (ui.lastFrame() ?? '').includes('── Open orders'), 10_000);
      await new Promise((r) => setTimeout(r, 300)); // the socket subscribed
      const t0 = Date.now();
      const orderId = await restingOrder2();
      await waitFor('the order on screen', async () => (ui.lastFrame() ?? '').split('\n').some((l) => l.slice(1).startsWith(`${orderId} `)), 5000);
      expect(Date.now() - t0).toBeLessThan(5000); // the poll would take 60 s
      await api.call('DELETE', `/api/v1/bots/${id}/orders/${orderId}`, { token: api.tokens.trade });
    } finally {
      ui.unmount();
    }
  }, 20_000);

  it('shows the bot within 80x24, redraws on resize, and acts on its keys through the API', async () => {
    const orderId = await restingOrder();
    const client = new MonitorClient({ server: api.url, token: api.tokens.trade });
    const ui = render(createElement(MonitorApp, { client, botId: id, intervalMs: 200, keys: true }));
    try {
      // The test terminal starts 100 wide; make it 80x24 as a terminal's resize would.
      const resize = (cols: number, rows: number): void => {
        Object.defineProperty(ui.stdout, 'columns', { value: cols, configurable: true });
        Object.defineProperty(ui.stdout, 'rows', { value: rows, configurable: true });
        ui.stdout.emit('resize');
      };
      const frame = (): string => ui.lastFrame() ?? '';
      const until = (what: string, ok: (f: string) => boolean): Promise<string> => waitFor(what, async () => (ok(frame()) ? frame() : null), 20_000);
      const fits = (f: string, cols: number, rows: number): void => {
        const lines = f.split('\n');
        expect(lines.length).toBeLessThanOrEqual(rows);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(cols);
      };
      resize(80, 24);
      let f = await until('the bot with its order', (x) => x.includes(orderId) && x.includes('── Recent fills') && /\d\d:\d\d:\d\d BTC-USD/.test(x));
      expect(f.split('\n')[0]).toMatch(new RegExp(`^${id} paper RUNNING \\| eq [\\d,.]+ \\| today [+-][\\d,.]+ \\| breakers none$`));
      expect(f).toMatch(/^eq [▁▂▃▄▅▆▇█]+ [\d,]+\.\.[\d,]+$/m);
      // sma-cross is long or flat: a position row or the empty table.
      expect(f).toMatch(/^(BTC-USD +sma-cross +[\d.]+ +[\d,.]+ +[\d,.]+ +[+-][\d,.]+| {2}\(no open positions\))$/m);
      fits(f, 80, 24);
      expect(f.split('\n')).toHaveLength(23);

      resize(60, 15);
      f = await until('the 60x15 layout', (x) => x.split('\n').length === 14);
      fits(f, 60, 15);
      expect(f.split('\n').at(-1)).toBe('p pause  r resume  ↑↓ select  c cancel order  k kill  F kil…');
      resize(80, 24);
      await until('80x24 again', (x) => x.split('\n').length === 23);

      // The selection (>) stays on its order when a newer one is listed above it; ↑ and ↓ move it; c cancels
      // the selected order only.
      await until('the order selected', (x) => new RegExp(`^>${orderId} `, 'm').test(x));
      const newer = await restingOrder2();
      await until('both orders, the older still selected', (x) => new RegExp(`^ ${newer} `, 'm').test(x) && new RegExp(`^>${orderId} `, 'm').test(x));
      const moveTo = async (target: string, keys: string): Promise<void> => {
        for (let i = 0; i < 5 && !new RegExp(`^>${target} `, 'm').test(frame()); i++) {
          const before = frame();
          ui.stdin.write(keys);
          await until('the selection moved', (x) => x !== before);
        }
        expect(frame()).toMatch(new RegExp(`^>${target} `, 'm'));
      };
      await moveTo(newer, '\u001B[A');
      await moveTo(orderId, '\u001B[B');
      ui.stdin.write('c');
      await until('cancel done', (x) => x.includes(`cancel ${orderId}: done`));
      const open = (await openOrders()).map((o) => o.clientOrderId);
      expect(open).not.toContain(orderId);
      expect(open).toContain(newer);

      ui.stdin.write('p');
      await until('pause done', (x) => x.includes(`pause ${id}: done`));
      expect(await halted()).toBe(true);
      await until('halted shown', (x) => x.split('\n')[0]!.includes('RUNNING HALTED'));
      ui.stdin.write('r');
      await until('resume done', (x) => x.includes(`resume ${id}: done`));
      expect(await halted()).toBe(false);

      const third = await restingOrder();
      ui.stdin.write('k');
      f = await until('the question', (x) => x.includes(`Kill ${id}: halt and cancel every order? y/n`) && x.includes('limit'));
      // The screen shown in docs/monitor.md: MONITOR_CAPTURE=1 npx vitest run test/monitor/monitor.test.ts
      if (process.env.MONITOR_CAPTURE) console.log(`CAPTURE\n${f}\nEND`);
      ui.stdin.write('n');
      await until('kill canceled', (x) => x.includes('kill canceled'));
      expect(await halted()).toBe(false);
      ui.stdin.write('k');
      await until('the question again', (x) => x.includes('? y/n'));
      ui.stdin.write('y');
      f = await until('kill done', (x) => x.includes(`kill ${id}: done`));
      expect(await halted()).toBe(true);
      // Every resting order canceled (a strategy's market order may still be filling: the venue's business).
      const left = (await openOrders()) as { clientOrderId: string; tag: string | null }[];
      expect(left.filter((o) => o.tag === 'manual')).toEqual([]);
      await until('the canceled orders gone from the screen', (x) => x.includes('HALTED') && !x.includes(` ${newer} `) && !x.includes(` ${third} `) && !x.includes(`>${newer} `) && !x.includes(`>${third} `));
      // Every frame drawn (the terminal was never larger than 80x24).
      expect(ui.frames.length).toBeGreaterThan(10);
      for (const x of ui.frames) fits(x, 80, 24);
    } finally {
      ui.unmount();
    }
  }, 60_000);
});
