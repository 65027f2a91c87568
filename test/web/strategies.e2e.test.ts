// The Strategies page in Chromium at a laptop's and a phone's width: every built-in strategy listed with its
// description and parameters; a strategy added to a second, test-made bot through the form generated from its
// JSON Schema (a value the schema refuses is named next to its field and nothing is sent; a param the bot's
// other strategy does not take is fixed); then, with that bot running, a strategy's params changed in place
// (the server restarts the bot with them); the demo bot's params, which its buy-and-hold cannot take, are fixed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, serverModule, type Dashboard, type WidthName } from '../helpers/dashboard.ts';

let dash: Dashboard;
beforeAll(async () => {
  dash = await openDashboard();
}, 120_000);
afterAll(async () => {
  await dash?.close();
}, 60_000);

describe.each<WidthName>(['desktop', 'phone'])('strategies at the %s width', (width) => {
  it('lists the strategies, adds one to a bot from its schema, changes a running strategy\'s params', async () => {
    const bots = dash.server.services.bots;
    const id = `e2e-${width}`;
    await bots.create({ id, name: `E2E ${width}`, strategies: [{ name: 'sma-cross' }], params: { fast: 2, slow: 4 }, symbols: ['BTC-USD'], barMs: 200, tickMs: 50, alwaysOpen: true });
    const page = await dash.page(width, { path: '/strategies', shared: true });
    await page.getByRole('heading', { name: 'Built-in strategies' }).waitFor();

    // Every built-in strategy with its description; its parameters from the schema.
    const { describeStrategies } = await serverModule('app/strategy-catalog', () => import('../../src/app/strategy-catalog.ts'));
    const catalog = describeStrategies();
    await page.getByTestId('strategy-rsi').waitFor();
    expect(await page.locator('[data-testid^="strategy-"]').count()).toBe(catalog.length);
    for (const s of catalog) expect(await page.getByTestId(`strategy-${s.name}`).locator('p').first().textContent()).toBe(s.description);
    const rsi = page.getByTestId('strategy-rsi');
    await rsi.getByText('Parameters (3)').click();
    const rows = rsi.getByRole('table', { name: 'Parameters of rsi' }).locator('tbody tr');
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['period', 'integer', '14', 'whole number, ≥ 2', 'RSI period']);
    expect(await rows.nth(1).locator('td').allTextContents()).toEqual(['lower', 'number', '30', '0 to 100', 'buy on the cross up through this level']);

    // The demo bot runs buy-and-hold, which takes no params: its strategies' params cannot change.
    await expect.poll(() => page.getByTestId('bot-strategies-demo').textContent()).toContain('fixed by the other strategies');

    // Add macd to the test bot: the form is macd's schema, with the bot's values where it sets them.
    await page.getByRole('button', { name: 'Add to a bot (macd)' }).click();
    const form = page.getByRole('form', { name: 'Add macd to a bot' });
    await form.getByLabel('Bot').selectOption(id);
    expect(await form.getByLabel('fast', { exact: true }).inputValue()).toBe('2');
    expect(await form.getByLabel('slow', { exact: true }).inputValue()).toBe('4');
    // sma-cross takes no `signal`, and a bot's params go to each of its strategies: it stays at its default.
    expect(await form.getByLabel('signal', { exact: true }).isDisabled()).toBe(true);
    expect(await form.getByText(/Fixed here: sma-cross does not take it/).count()).toBe(1);
    // A value the schema refuses: its message next to the field, and the bot unchanged.
    await form.getByLabel('fast', { exact: true }).fill('1.5');
    await form.getByLabel('fast', { exact: true }).blur();
    await expect.poll(() => form.locator(`#add-macd-fast-error`).textContent()).toBe('must be a whole number');
    await form.getByLabel('fast', { exact: true }).fill('0');
    await form.getByRole('button', { name: 'Add macd' }).click();
    await expect.poll(() => form.locator(`#add-macd-fast-error`).textContent()).toBe('must be greater than 0');
    expect(await form.getByLabel('fast', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(bots.get(id).config.strategies).toEqual([{ name: 'sma-cross' }]);
    await dash.expectAccessible(page, 'strategies: the add form with an error');
    await dash.shot(page, 'strategies-add');
    await form.getByLabel('fast', { exact: true }).fill('3');
    await form.getByRole('button', { name: 'Add macd' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`macd added to E2E ${width}`);
    expect(bots.get(id).config).toMatchObject({ strategies: [{ name: 'sma-cross' }, { name: 'macd' }], params: { fast: 3, slow: 4 } });
    await expect.poll(() => page.getByTestId(`params-${id}-macd`).textContent()).toBe('fast = 3, slow = 4');

    // Running, the bot's sma-cross gets a new slow: the server restarts the bot with it.
    await bots.start(id);
    const card = page.getByTestId(`bot-strategies-${id}`);
    await expect.poll(() => page.getByTestId(`bot-state-${id}`).textContent()).toBe('running');
    await page.getByRole('button', { name: `Change parameters of sma-cross in E2E ${width}` }).click();
    const change = page.getByRole('form', { name: `Parameters of sma-cross in E2E ${width}` });
    await change.getByLabel('slow', { exact: true }).fill('9');
    await change.getByRole('button', { name: 'Save parameters' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`E2E ${width}: slow = 9 (restarted with them)`);
    expect(bots.get(id)).toMatchObject({ state: 'running', config: { params: { fast: 3, slow: 9 } } });
    await expect.poll(() => card.getByTestId(`params-${id}-sma-cross`).textContent()).toBe('fast = 3, slow = 9');
    await expect.poll(() => card.getByTestId(`params-${id}-macd`).textContent()).toBe('fast = 3, slow = 9');
    await dash.expectAccessible(page, 'strategies: params changed');
    await dash.shot(page, 'strategies');
    dash.expectNoConsoleErrors();
    await bots.stop(id);
  }, 180_000);
});
