// The Risk and Logs pages in Chromium at a laptop's and a phone's width. Risk: the demo bot's limits with
// their usage and VaR/CVaR of its book, a limit changed by an admin (the server has it, the usage table shows
// it), a bad value refused next to its field, the defaults for new bots stored. Logs: a bot whose drawdown
// breaker trips at once shows the trip (warn) and operator commands (info), filters by level, gets a new line
// live when the bot is paused through the API (while scrolling is paused it is counted), and the bot picker
// switches to the demo bot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, type Dashboard, type WidthName } from '../helpers/dashboard.ts';

/** A bot trading BTC-USD on fast bars (api-server.ts's TRADING_BOT; that helper would load the server's sources). */
const TRADING_BOT = { strategies: [{ name: 'sma-cross' }], params: { fast: 2, slow: 4 }, symbols: ['BTC-USD'], barMs: 200, tickMs: 50, alwaysOpen: true };

let dash: Dashboard;
let admin: string;
beforeAll(async () => {
  dash = await openDashboard();
  admin = (await dash.server.services.tokens.create({ name: 'e2e-risk', scope: 'admin' })).token;
  // Trips its drawdown breaker (halting) at the first move of its equity: a warn line in its log.
  await dash.server.services.bots.create({ ...TRADING_BOT, name: 'tripper', risk: { breakers: { maxDrawdown: { maxDrawdownPct: 0.0001, action: 'halt' } } } });
  await dash.server.services.bots.start('tripper');
}, 120_000);
afterAll(async () => {
  await dash?.close();
}, 60_000);

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${dash.url}${path}`, {
    method, headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe.each<WidthName>(['desktop', 'phone'])('risk and logs at the %s width', (width) => {
  it('shows limits with usage and VaR/CVaR, applies an edited limit, refuses a bad one next to its field', async () => {
    // VaR needs 3 equity points of the demo bot.
    await expect.poll(async () => (await call('GET', '/api/v1/bots/demo/risk/report')).status).toBe(200);
    const page = await dash.page(width, { path: '/risk', shared: true });
    // No ?bot=: the first bot. (Each expect.poll here waits up to 30 s, dashboard.ts's default: CI once took over 1 s.)
    await expect.poll(() => page.getByLabel('Bot', { exact: true }).inputValue()).toBe('demo');
    const gross = page.getByTestId('limit-Gross leverage');
    await gross.waitFor();
    expect(await gross.textContent()).toMatch(/^Gross leverage0\.\d+×3×\d+%$/);
    const report = (await call('GET', '/api/v1/bots/demo/risk/report')).json as { positions: { symbol: string }[]; limits: { positions: { max: number }[] } };
    expect(report.positions.length).toBeGreaterThan(0);
    for (const p of report.positions) await page.getByTestId(`limit-Position ${p.symbol}`).waitFor();
    for (const method of ['historical', 'parametric', 'monte-carlo']) {
      // A loss is positive; a negative VaR says even the tail made money (seen when the demo bot only gained).
      const cells = await page.getByTestId(`var-${method}`).locator('td').allTextContents();
      expect(cells[1]).toMatch(/^-?\d[\d,]*\.\d{2}$/);
      expect(cells[2]).toMatch(/^-?\d+\.\d{3}%$/);
      expect(cells[3]).toMatch(/^-?\d[\d,]*\.\d{2}$/);
    }
    // CVaR is at least VaR (the mean of the tail beyond it).
    const hist = await page.getByTestId('var-historical').locator('td').allTextContents();
    expect(Number(hist[3]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(Number(hist[1]!.replace(/,/g, '')));
    await page.getByLabel('Confidence').selectOption('0.95');
    await expect.poll(() => page.getByRole('table', { name: 'Value at risk at 95%' }).count()).toBe(1);

    // An admin edits the per-position limit: stored, and the usage table measures against it.
    const limit = width === 'desktop' ? 7 : 8;
    const field = page.getByLabel('Max position (% of equity)', { exact: true }).first();
    await field.fill(String(limit));
    await page.getByRole('button', { name: 'Save limits' }).click();
    await expect.poll(() => page.getByRole('form', { name: 'Save limits' }).getByRole('status').textContent()).toBe('Saved.');
    expect((await call('GET', '/api/v1/bots/demo/risk')).json).toMatchObject({ config: { checks: { maxPositionPct: limit } } });
    await expect.poll(() => page.getByTestId(`limit-Position ${report.positions[0]!.symbol}`).locator('td').nth(2).textContent()).toBe(`${limit} %`);

    // A bad value: the server's reason next to the field, and nothing changed.
    await field.fill('-5');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await expect.poll(() => page.locator('#bot-maxPositionPct-error').textContent()).toMatch(/too small/i);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect((await call('GET', '/api/v1/bots/demo/risk')).json).toMatchObject({ config: { checks: { maxPositionPct: limit } } });
    await dash.expectAccessible(page, 'risk page');
    await dash.shot(page, 'risk');

    // The defaults for new bots (admin): a drawdown breaker, stored as the server's risk defaults.
    if (width === 'desktop') {
      await page.locator('#defaults-maxDrawdownPct').fill('15');
      await page.getByRole('button', { name: 'Save defaults' }).click();
      await expect.poll(() => page.getByRole('form', { name: 'Save defaults' }).getByRole('status').textContent()).toBe('Saved.');
      expect((await call('GET', '/api/v1/settings/risk')).json).toEqual({ risk: { breakers: { maxDrawdown: { maxDrawdownPct: 15 } } } });
    }
    dash.expectNoConsoleErrors([/status of 400/]);
  }, 180_000);

  it('shows the log with levels, filters it, appends a new line live and switches bots', async () => {
    const page = await dash.page(width, { path: '/logs?bot=tripper', shared: true });
    const log = page.getByRole('log', { name: 'Log lines' });
    const trip = log.locator('li[data-level="warn"]', { hasText: 'risk:breaker-tripped' });
    await trip.first().waitFor();
    expect(await trip.first().textContent()).toMatch(/max-drawdown|below the peak/);

    // A command through the API arrives as a new info line, without a reload.
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');
    const halts = log.locator('li[data-level="info"]', { hasText: 'command:halt' });
    const before = await halts.count();
    expect((await call('POST', '/api/v1/bots/tripper/pause')).status).toBe(200);
    await expect.poll(() => halts.count()).toBe(before + 1);

    // Level filter: without info only warnings (and errors) are left.
    await page.getByLabel(/^info/).uncheck();
    expect(await log.locator('li[data-level="info"]').count()).toBe(0);
    expect(await trip.count()).toBeGreaterThan(0);
    await page.getByLabel(/^info/).check();
    await expect.poll(() => halts.count()).toBe(before + 1);
    await dash.expectAccessible(page, 'logs page');
    await dash.shot(page, 'logs');

    // Paused scrolling: new lines still come and are counted on the button that follows them again.
    await page.getByRole('button', { name: 'Pause scrolling' }).click();
    expect((await call('POST', '/api/v1/bots/tripper/pause')).status).toBe(200);
    const follow = page.getByRole('button', { name: /Follow new lines/ });
    await expect.poll(() => follow.textContent()).toBe('Follow new lines (1 new)');
    await follow.click();
    await page.getByRole('button', { name: 'Pause scrolling' }).waitFor();

    // The picker: the demo bot's log has the restart the risk test caused.
    await page.getByLabel('Bot', { exact: true }).selectOption('demo');
    await expect.poll(() => new URL(page.url()).searchParams.get('bot')).toBe('demo');
    await log.locator('li', { hasText: 'command:stop' }).first().waitFor();
    dash.expectNoConsoleErrors([/status of 400/]);
  }, 180_000);
});
