// Logging in and out of the dashboard in Chromium, at a laptop's and a phone's width: a wrong password is
// refused next to the form, the right one shows the overview with the demo bot trading live (its equity
// moving), the session survives a reload, and logging out returns to the login page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, type Dashboard, type WidthName } from '../helpers/dashboard.ts';

let dash: Dashboard;
beforeAll(async () => {
  dash = await openDashboard();
}, 120_000);
afterAll(async () => {
  await dash?.close();
}, 60_000);

describe.each<WidthName>(['desktop', 'phone'])('login, overview and logout at the %s width', (width) => {
  it('refuses a wrong password, logs in, shows the demo bot live, keeps the session on reload, logs out', async () => {
    // The start says where to log in, and as whom (the password printed once).
    expect(dash.startLines.join('\n')).toContain(`dashboard at ${dash.url}/`);
    expect(dash.startLines.join('\n')).toContain(`log in to the dashboard at ${dash.url}/ as admin`);
    const page = await dash.page(width, { login: false, shared: true });
    await page.goto(dash.url);
    await dash.expectAccessible(page, 'login page');
    await dash.shot(page, 'login');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/wrong username or password/);

    await page.getByLabel('Password').fill(dash.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const tile = page.getByTestId('bot-demo');
    await tile.waitFor();
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');
    // Live: the equity shown changes as the synthetic market moves (the equity topic, each second).
    const first = await tile.getByTestId('equity').textContent();
    expect(first).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    await expect.poll(() => tile.getByTestId('equity').textContent()).not.toBe(first);
    await dash.expectAccessible(page, 'overview');

    await page.reload();
    await page.getByTestId('bot-demo').waitFor();
    if (width === 'phone') await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/logged out/);
    await page.reload();
    await page.getByLabel('Password').waitFor();
    dash.expectNoConsoleErrors();
  }, 180_000);
});

describe('the live connection', () => {
  it('shows a dropped connection, reconnects by itself and shows what happened meanwhile once, without a reload', async () => {
    const page = await dash.page('desktop', { path: '/logs?bot=demo', shared: true });
    const log = page.getByRole('log', { name: 'Log lines' });
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');
    const halts = log.locator('li', { hasText: 'command:halt' });
    const resumes = log.locator('li', { hasText: 'command:resume' });
    const [h0, r0] = [await halts.count(), await resumes.count()];
    const { token } = await dash.server.services.tokens.create({ name: 'e2e-reconnect', scope: 'trade' });
    const command = (kind: string): Promise<Response> => fetch(`${dash.url}/api/v1/bots/demo/${kind}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

    // Every state the connection badge shows from now on.
    await page.evaluate(() => {
      const g = globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null }; MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void }; seen: string[] };
      const badge = g.document.querySelector('[data-testid="connection"]')!;
      g.seen = [];
      new g.MutationObserver(() => {
        const text = badge.textContent ?? '';
        if (g.seen[g.seen.length - 1] !== text) g.seen.push(text);
      }).observe(badge, { subtree: true, childList: true, characterData: true });
    });
    // Every WebSocket dropped; while the page is away (it retries after half a second) the bot is paused and resumed.
    for (const client of dash.server.app.websocketServer.clients) client.terminate();
    expect((await command('pause')).status).toBe(200);
    expect((await command('resume')).status).toBe(200);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen)).toEqual(['reconnecting', 'live']);
    // Resumed after the last line seen: both commands' lines, each once.
    await expect.poll(() => halts.count()).toBe(h0 + 1);
    await expect.poll(() => resumes.count()).toBe(r0 + 1);
    dash.expectNoConsoleErrors();
  }, 120_000);
});
