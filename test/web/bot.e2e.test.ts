// The Overview and Bot pages in Chromium at a laptop's and a phone's width, against the real server with the
// demo bot trading the synthetic market: every bot at a glance with its data age and venue link, one click
// into the demo bot (equity chart, positions), a manual limit order far from the market through the ticket's
// confirmation, seen working, canceled, then two more canceled at once; pause and resume. On a second bot
// with a notional limit and a one-loss breaker: an order over the limit is denied next to the quantity, a
// losing round trip trips the breaker, which is reset; then the kill switch, armed by typing the bot's id,
// halts it and cancels its working order. A read-only user is offered none of the actions.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, type Dashboard, type WidthName } from '../helpers/dashboard.ts';

/** A bot that trades only when told (its slow average needs 1000 bars), at 5% commission: any round trip loses. */
const quietBot = (id: string) => ({
  id, name: `Quiet ${id}`, mode: 'paper' as const, strategies: [{ name: 'sma-cross' }], params: { fast: 2, slow: 1000 }, symbols: ['BTC-USD'],
  commission: 0.05, alwaysOpen: true, risk: { checks: { maxOrderNotional: 5000 }, breakers: { consecutiveLosses: { losses: 1 } } },
});

let dash: Dashboard;
beforeAll(async () => {
  dash = await openDashboard();
  const bots = dash.server.services.bots;
  await Promise.all(['k-desktop', 'k-phone'].map(async (id) => {
    await bots.create(quietBot(id));
    await bots.start(id);
  }));
  await dash.server.services.users.add('viewer', 'read', 'viewer-long-password');
}, 120_000);
afterAll(async () => {
  await dash?.close();
}, 60_000);

/** Fills the ticket and sends it through its confirmation. */
async function order(page: Page, o: { strategy?: string; symbol: string; side: 'Buy' | 'Sell'; qty: string; type: 'limit' | 'market'; limit?: string }): Promise<void> {
  const ticket = page.getByRole('form', { name: 'Manual order ticket' });
  if (o.strategy !== undefined) await ticket.getByLabel('Strategy (book)').selectOption(o.strategy);
  await ticket.getByLabel('Symbol').fill(o.symbol);
  await ticket.getByLabel(o.side, { exact: true }).check();
  await ticket.getByLabel('Type').selectOption(o.type);
  await ticket.getByLabel('Quantity').fill(o.qty);
  if (o.limit !== undefined) await ticket.getByLabel('Limit price').fill(o.limit);
  await ticket.getByRole('button', { name: 'Review order' }).click();
  // Nothing is sent before the confirmation: the review says what will be.
  const words = `${o.side} ${o.qty} ${o.symbol} ${o.limit === undefined ? 'at market' : `limit ${o.limit}`}`;
  await expect.poll(() => ticket.getByTestId('order-review').textContent()).toContain(words);
  await ticket.getByRole('button', { name: 'Send order' }).click();
}

/** The order id of the ticket's last "sent" line. */
async function sentId(page: Page): Promise<string> {
  const status = page.getByRole('form', { name: 'Manual order ticket' }).getByRole('status');
  await expect.poll(() => status.textContent()).toMatch(/^Order \S+ sent/);
  return /^Order (\S+) sent/.exec((await status.textContent())!)![1]!;
}

/** The demo's manual orders go in buy-and-hold's book: that strategy never touches orders after its first buy. */
const HOLD = { strategy: 'buy-and-hold' };

const openOrderIds = (page: Page): Promise<string[]> => page.getByTestId('open-orders').locator('tbody tr td:first-child').allTextContents();

describe.each<WidthName>(['desktop', 'phone'])('the overview and bot pages at the %s width', (width) => {
  const second = `k-${width}`;

  it('overview of every bot, into the demo bot: chart, positions, a manual order confirmed, canceled, cancel all, pause and resume', async () => {
    const page = await dash.page(width, { shared: true });
    const demo = page.getByTestId('bot-demo');
    await demo.waitFor();
    await page.getByTestId(`bot-${second}`).waitFor();
    // Health: the synthetic market's data is seconds old at most, and a paper bot's venue is simulated.
    await expect.poll(() => demo.getByTestId('data-age').textContent()).toMatch(/^\d+\.\d s$/);
    expect(Number.parseFloat((await demo.getByTestId('data-age').textContent())!)).toBeLessThan(5);
    expect(await demo.getByTestId('venue-state').textContent()).toBe('simulated');
    await expect.poll(() => demo.getByTestId('position-count').textContent()).toMatch(/^[1-9]\d*$/);
    await dash.expectAccessible(page, 'overview');
    await dash.shot(page, 'overview');

    await page.getByRole('link', { name: 'Open Demo (synthetic market)', exact: true }).click();
    await expect.poll(() => page.url()).toMatch(/\/bots\/demo$/);
    await page.getByTestId('equity-chart').locator('canvas').first().waitFor();
    await expect.poll(() => page.getByTestId('positions').locator('tbody tr').count()).toBeGreaterThan(0);
    const equity = await page.getByTestId('figures').getByTestId('equity').textContent();
    expect(equity).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    await expect.poll(() => page.getByTestId('figures').getByTestId('equity').textContent()).not.toBe(equity);

    // A buy limit far below the market (BTC-USD trades near 200) rests at the venue until canceled.
    await order(page, { ...HOLD, symbol: 'BTC-USD', side: 'Buy', qty: '1', type: 'limit', limit: '50' });
    const first = await sentId(page);
    await expect.poll(() => openOrderIds(page)).toContain(first);
    await page.getByRole('button', { name: `Cancel order ${first}` }).click();
    await expect.poll(() => openOrderIds(page)).not.toContain(first);

    await order(page, { ...HOLD, symbol: 'BTC-USD', side: 'Buy', qty: '2', type: 'limit', limit: '40' });
    const a = await sentId(page);
    await order(page, { ...HOLD, symbol: 'ETH-USD', side: 'Buy', qty: '3', type: 'limit', limit: '10' });
    const b = await sentId(page);
    expect(b).not.toBe(a);
    await expect.poll(() => openOrderIds(page)).toEqual(expect.arrayContaining([a, b]));
    await page.getByRole('button', { name: 'Cancel all', exact: true }).click();
    await page.getByRole('button', { name: /^Yes, cancel/ }).click();
    await expect.poll(() => page.getByTestId('open-orders').getByRole('status').textContent()).toMatch(/\d+ orders? canceled/);
    await expect.poll(async () => (await openOrderIds(page)).filter((o) => o === a || o === b)).toEqual([]);

    // Pause halts new orders (the badge from the next second's equity), resume lifts it.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('halted').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('halted').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await dash.expectAccessible(page, 'bot page');
    // Clicking a row's Cancel scrolled the orders table sideways on a phone: back to its start for the picture.
    await page.getByTestId('open-orders').locator('.overflow-x-auto').evaluate((el) => {
      (el as unknown as { scrollLeft: number }).scrollLeft = 0;
    });
    await dash.shot(page, 'bot');
    dash.expectNoConsoleErrors();
  }, 180_000);

  it('a second bot: a denial next to the quantity, a breaker tripped and reset, the kill switch armed by typing the id', async () => {
    const page = await dash.page(width, { shared: true });
    await page.getByRole('link', { name: `Open Quiet ${second}`, exact: true }).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`/bots/${second}$`));
    const ticket = page.getByRole('form', { name: 'Manual order ticket' });

    // 100 BTC-USD at about 200 is over the bot's 5,000 notional limit: denied, said under the quantity.
    await order(page, { symbol: 'BTC-USD', side: 'Buy', qty: '100', type: 'market' });
    const qty = ticket.getByLabel('Quantity');
    await expect.poll(() => qty.getAttribute('aria-invalid')).toBe('true');
    const denial = page.locator(`[id="${await qty.getAttribute('aria-describedby')}"]`);
    expect(await denial.textContent()).toMatch(/^Denied by risk: max-order-notional: order notional [\d.]+ exceeds max 5000\.00$/);
    await dash.shot(page, 'bot-denied');

    // A round trip at 5% commission loses: the one-loss breaker trips (and halts), then is reset.
    const breaker = page.getByTestId('breaker-consecutive-losses');
    expect(await breaker.textContent()).toContain('ok');
    await order(page, { symbol: 'BTC-USD', side: 'Buy', qty: '1', type: 'market' });
    await sentId(page);
    await expect.poll(() => page.getByTestId('positions').locator('tbody tr').count()).toBe(1);
    await order(page, { symbol: 'BTC-USD', side: 'Sell', qty: '1', type: 'market' });
    await sentId(page);
    await expect.poll(() => breaker.textContent()).toMatch(/tripped: halt1 losing trades in a row \(last -[\d.]+\), limit 1/);
    await expect.poll(() => page.getByTestId('trades').locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Reset breaker consecutive-losses' }).click();
    await expect.poll(() => breaker.textContent()).toBe('consecutive-lossesok');

    // A limit far from the market is denied by the price collar (10% by default), under the limit price.
    await order(page, { symbol: 'BTC-USD', side: 'Buy', qty: '1', type: 'limit', limit: '50' });
    const limit = ticket.getByLabel('Limit price');
    await expect.poll(() => limit.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`[id="${await limit.getAttribute('aria-describedby')}"]`).textContent()).toMatch(/^Denied by risk: price-collar: /);

    // A working order 5% under the last trade's price, then the kill switch: armed only by the exact id, it
    // halts the bot and cancels the order.
    const exit = Number((await page.getByTestId('trades').locator('tbody tr td:nth-child(6)').textContent())!.replace(/,/g, ''));
    await order(page, { symbol: 'BTC-USD', side: 'Buy', qty: '1', type: 'limit', limit: String(Math.floor(exit * 0.95)) });
    const working = await sentId(page);
    await expect.poll(() => openOrderIds(page)).toEqual([working]);
    const kill = page.getByRole('form', { name: 'Kill switch' });
    const button = kill.getByRole('button', { name: /^Kill/ });
    await kill.getByLabel(/Type the bot's id/).fill('demo');
    expect(await button.isDisabled()).toBe(true);
    await kill.getByLabel(/Type the bot's id/).fill(second);
    expect(await button.isDisabled()).toBe(false);
    await button.click();
    await expect.poll(() => kill.getByTestId('kill-result').textContent()).toBe('halted; 1 order canceled; no position to flatten');
    await page.getByTestId('halted').waitFor();
    await expect.poll(() => openOrderIds(page)).toEqual([]);
    await dash.expectAccessible(page, 'bot page after the kill switch');
    dash.expectNoConsoleErrors();
  }, 180_000);
});

describe('a read-only user', () => {
  it('sees the bot but is offered no order ticket, cancel, breaker reset, command or kill switch', async () => {
    const page = await dash.page('desktop', { login: false, shared: true });
    await page.goto(`${dash.url}/bots/demo`);
    await page.getByLabel('Username').fill('viewer');
    await page.getByLabel('Password').fill('viewer-long-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByTestId('positions').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByText('Your scope can read this bot, not command it.').waitFor();
    for (const name of ['Review order', 'Pause', 'Resume', 'Stop', 'Cancel all']) expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    expect(await page.getByRole('form', { name: 'Kill switch' }).count()).toBe(0);
    dash.expectNoConsoleErrors();
  }, 120_000);
});
