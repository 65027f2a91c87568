// The Chart page in Chromium at a laptop's and a phone's width: the demo bot's candles drawn with a legend whose
// bar is the API's, new candles arriving live over the WebSocket, an indicator added (its value the API's), the
// timeframe switched to 1m (bars on minute boundaries, the API's), and a stored data set (a CSV imported into a
// fresh store's warehouse) charted with its last close. Screenshots, axe-core, no console errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, serverModule, type Dashboard, type WidthName } from '../helpers/dashboard.ts';

interface Bar { tsMs: number; close: number }
interface Candles { symbol: string; bars: Bar[]; indicators: { key: string; values: Record<string, (number | null)[]> }[] }

let dash: Dashboard;
let files: string;
/** The demo bot's first symbol, as its candles API answers without one. */
let symbol: string;
/** The stored data set's bars: 40 daily closes ending at a known one. */
const DAYS = 40;
const closeOf = (i: number): number => Math.round((50 + 8 * Math.sin(i / 6) + i * 0.25) * 100) / 100;

beforeAll(async () => {
  dash = await openDashboard();
  files = mkdtempSync(join(tmpdir(), 'sextant-chart-e2e-'));
  // A fresh store's warehouse holds no data set: one small CSV imported through the app layer.
  expect(await dash.server.services.jobs.storedSymbols()).toEqual([]);
  const rows = Array.from({ length: DAYS }, (_, i) => {
    const c = closeOf(i);
    return `${new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${c - 0.5},${c + 1},${c - 1},${c},${1000 + i}`;
  });
  const csv = join(files, 'acme.csv');
  writeFileSync(csv, ['date,open,high,low,close,volume', ...rows].join('\n') + '\n');
  const { importBars } = await serverModule('app/warehouse', () => import('../../src/app/warehouse.ts'));
  await importBars({ source: `csv:${csv}`, symbol: 'ACME', dir: dash.server.services.jobs.warehouse.dir });
  const { token } = await dash.server.services.tokens.create({ name: 'e2e-chart', scope: 'read' });
  const res = await fetch(`${dash.url}/api/v1/bots/demo/candles?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  symbol = ((await res.json()) as Candles).symbol;
}, 120_000);

afterAll(async () => {
  await dash?.close();
  if (files !== undefined) rmSync(files, { recursive: true, force: true });
}, 60_000);

/** The API's answer, with the page's session. */
async function candles(page: Page, path: string): Promise<Candles> {
  const r = await page.request.get(`${dash.url}${path}`);
  expect(r.status(), path).toBe(200);
  return (await r.json()) as Candles;
}

/** The legend's bar: its time, and the close as the page prints it. */
async function legend(page: Page): Promise<{ tsMs: number; close: number; text: string }> {
  const el = page.getByTestId('ohlc-legend');
  const text = (await el.textContent()) ?? '';
  const shown = /C ([\d,]+\.\d+)/.exec(text)?.[1];
  return { tsMs: Number(await el.getAttribute('data-time')), close: shown === undefined ? NaN : Number(shown.replaceAll(',', '')), text };
}

/** True once the legend's bar is in the API's answer with the close the legend prints (a forming bar may move between the reads). */
async function legendIsTheApis(page: Page, path: string, indicator?: string): Promise<boolean> {
  const l = await legend(page);
  const api = await candles(page, path);
  const i = api.bars.findIndex((b) => b.tsMs === l.tsMs);
  if (i < 0 || api.bars[i]!.close !== l.close) return false;
  if (indicator === undefined) return true;
  const v = api.indicators.find((x) => x.key === indicator)?.values.value?.[i];
  const shown = new RegExp(`${indicator} ([\\d,]+\\.\\d+)`).exec(l.text)?.[1];
  return typeof v === 'number' && shown !== undefined && Number(shown.replaceAll(',', '')) === Number(v.toFixed(shown.split('.')[1]!.length));
}

describe.each<WidthName>(['desktop', 'phone'])('the chart at the %s width', (width) => {
  it('shows the demo bot\'s candles live with an indicator, switches timeframe, and charts a stored data set', async () => {
    const page = await dash.page(width, { path: `/chart?bot=demo&symbol=${symbol}&tf=1s`, shared: true });
    await page.getByTestId('ohlc-legend').waitFor();
    expect(await page.locator('[role=img] canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('ohlc-legend').textContent()).toContain(`${symbol} · 1s`);
    const api1s = `/api/v1/bots/demo/candles?symbol=${symbol}&timeframe=1s&indicators=sma:3`;
    await expect.poll(() => legendIsTheApis(page, api1s)).toBe(true);

    // Live: newer candles arrive over the WebSocket (the page is not reloaded).
    const first = (await legend(page)).tsMs;
    await expect.poll(async () => (await legend(page)).tsMs).toBeGreaterThan(first);
    await expect.poll(() => page.getByTestId('chart-live').textContent()).toBe('live');

    // An indicator from the picker: in the address, as a chip, and its value in the legend is the API's.
    await page.getByLabel('Indicator', { exact: true }).selectOption('sma');
    await page.getByLabel('Period', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Add indicator' }).click();
    await page.getByRole('button', { name: 'Remove sma:3' }).waitFor();
    expect(new URL(page.url()).searchParams.get('ind')).toBe('sma:3');
    await expect.poll(() => legendIsTheApis(page, api1s, 'sma:3')).toBe(true);
    await dash.expectAccessible(page, 'chart of the demo bot');
    await dash.shot(page, 'chart');

    // Another timeframe: 1m bars, on minute boundaries, the API's.
    await page.getByRole('radio', { name: '1m' }).click();
    await expect.poll(() => page.getByTestId('ohlc-legend').textContent()).toContain(`${symbol} · 1m`);
    expect(new URL(page.url()).searchParams.get('tf')).toBe('1m');
    expect(await page.getByRole('radio', { name: '1m' }).getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => legendIsTheApis(page, `/api/v1/bots/demo/candles?symbol=${symbol}&timeframe=1m`)).toBe(true);
    expect((await legend(page)).tsMs % 60_000).toBe(0);

    // A stored data set: the imported CSV, its last close in the legend.
    await page.getByLabel('Source', { exact: true }).selectOption('data:store');
    await expect.poll(() => page.getByTestId('ohlc-legend').textContent()).toContain('ACME · 1d');
    await expect.poll(async () => (await legend(page)).close).toBe(closeOf(DAYS - 1));
    expect((await legend(page)).tsMs).toBe(Date.UTC(2024, 0, 1) + (DAYS - 1) * 86_400_000);
    expect(await page.getByLabel('Symbol', { exact: true }).inputValue()).toBe('ACME');
    await dash.expectAccessible(page, 'chart of a stored data set');
    if (width === 'desktop') {
      // The synthetic market's daily bars, for the docs: a longer history than a bot's first seconds.
      await page.getByLabel('Source', { exact: true }).selectOption('data:synthetic');
      await expect.poll(() => page.getByTestId('ohlc-legend').textContent()).toMatch(/ · 1d/);
      await dash.shot(page, 'chart-synthetic');
    }
    dash.expectNoConsoleErrors();
  }, 180_000);
});
