// The Research page in Chromium at a laptop's and a phone's width: a backtest run from the form on the synthetic
// market a fresh server offers, followed live (running, then done, from the WebSocket's `jobs` topic) to its
// metrics (the page's figures are the job's own), its tearsheet opened from the link (a new tab with the
// server's HTML page), a second backtest with other params, the two compared side by side (the comparison's
// metrics are the runs' stored ones; an equity curve per run); then an optimization with its deflated Sharpe
// ratio and PBO (laptop) or a walk-forward with its folds (phone). A bad value is refused next to its field.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard, type Dashboard, type WidthName } from '../helpers/dashboard.ts';

let dash: Dashboard;
beforeAll(async () => {
  dash = await openDashboard();
}, 120_000);
afterAll(async () => {
  await dash?.close();
}, 60_000);

const money = (v: number): string => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
const pct = (v: number, digits = 2): string => `${(v * 100).toFixed(digits)}%`;
const ratio = (v: number): string => new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(v);

/**
 * Records every state and progress value the job page shows (window.seen), so that a state passed quickly
 * is still seen. (A script text: the tests are type-checked without the DOM's types.)
 */
async function watchStates(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.seen = [];
    new MutationObserver(() => {
      const state = document.querySelector('[data-testid="job-detail"] [data-testid="job-state"]')?.textContent ?? '';
      const bar = document.querySelector('[data-testid="job-detail"] [role="progressbar"]')?.getAttribute('aria-valuenow') ?? '';
      if (state !== '' && window.seen.at(-1) !== state + ' ' + bar) window.seen.push(state + ' ' + bar);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
}

/** Fills fast and slow, runs the backtest, waits for its result; returns the job id. */
async function runBacktest(page: Page, fast: number, slow: number): Promise<string> {
  await page.locator('label', { hasText: /^Backtest$/ }).click();
  await page.getByLabel('fast', { exact: true }).fill(String(fast));
  await page.getByLabel('slow', { exact: true }).fill(String(slow));
  await page.getByLabel('From', { exact: true }).fill('2021-01-01');
  return submit(page, 'Run backtest', 'backtest-result');
}

/** Submits the form and waits for the new job's result on its page; returns the job id. */
async function submit(page: Page, button: string, result: string): Promise<string> {
  const before = page.url();
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL((u) => /\/research\/j-[0-9a-f]{12}$/.test(u.pathname) && u.href !== before);
  const id = /j-[0-9a-f]{12}$/.exec(page.url())![0];
  await page.getByRole('heading', { name: `Job ${id}` }).waitFor();
  // A job's worker computes the run: on a loaded machine that may take a while.
  await page.getByTestId(result).waitFor({ timeout: 120_000 });
  return id;
}

describe.each<WidthName>(['desktop', 'phone'])('research at the %s width', (width) => {
  it('runs two backtests live, opens a tearsheet, compares the runs, and runs a search', async () => {
    const jobs = dash.server.services.jobs;
    const page = await dash.page(width, { path: '/research', shared: true });
    await page.getByRole('heading', { name: 'Research' }).waitFor();

    // A value the schema refuses is named next to its field, and nothing is submitted.
    const before = jobs.list().length;
    await page.getByLabel('fast', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await expect.poll(() => page.locator('#run-param-fast-error').textContent()).toBe('must be greater than 0');
    // A rule across params is the server's: its 400 names request.params.fast, shown next to that field.
    await page.getByLabel('fast', { exact: true }).fill('50');
    await page.getByLabel('slow', { exact: true }).fill('20');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await expect.poll(() => page.locator('#run-param-fast-error').textContent()).toBe('strategy sma-cross: fast must be shorter than slow');
    expect(jobs.list().length).toBe(before);

    // The first backtest, followed live: the page passes through running to done with no reload.
    await watchStates(page);
    const [fast1, slow1] = width === 'desktop' ? [5, 20] : [8, 24];
    const first = await runBacktest(page, fast1, slow1);
    const seen = await page.evaluate<string[]>('window.seen');
    expect(seen.some((s) => s.startsWith('running'))).toBe(true);
    expect(seen.at(-1)).toMatch(/^done/);
    const job1 = jobs.get(first);
    expect(job1.state).toBe('done');
    expect(job1.request).toMatchObject({ strategy: 'sma-cross', params: { fast: fast1, slow: slow1 }, data: ['synthetic:7'], from: '2021-01-01', save: true });
    const s1 = job1.summary as { finalValue: number; totalReturn: number; sharpe: number; tradeCount: number };
    expect(await page.getByTestId('final-value').textContent()).toBe(money(s1.finalValue));
    expect(await page.getByTestId('metric-totalReturn').textContent()).toBe(pct(s1.totalReturn));
    expect(await page.getByTestId('metric-sharpe').textContent()).toBe(ratio(s1.sharpe));
    expect(await page.getByTestId('metric-tradeCount').textContent()).toBe(String(s1.tradeCount));
    await dash.expectAccessible(page, 'research: a backtest result');
    await dash.shot(page, 'research');

    // Its tearsheet: the link opens the server's HTML page in a new tab (read while the next backtest runs).
    const [tab] = await Promise.all([page.waitForEvent('popup'), page.getByRole('link', { name: /tearsheet/ }).click()]);
    const tearsheet = (async () => {
      await tab.waitForLoadState();
      expect(new URL(tab.url()).pathname).toBe(`/api/v1/research/jobs/${first}/tearsheet`);
      expect(await tab.title()).toMatch(/tearsheet/i);
      expect(await tab.locator('h1').textContent()).toMatch(/tearsheet/i);
      expect(await tab.locator('body').textContent()).toContain('sma-cross');
      await tab.close();
    })();

    // A second backtest with other params; both are kept in the run history.
    const second = await runBacktest(page, fast1 * 3, slow1 * 3);
    await tearsheet;
    const job2 = jobs.get(second);
    const [run1, run2] = [job1.savedRunId!, job2.savedRunId!];
    await page.getByTestId(`run-${run2}`).waitFor();
    await page.getByLabel(new RegExp(`Select run ${run1}`)).check();
    await page.getByLabel(new RegExp(`Select run ${run2}`)).check();
    await page.getByRole('button', { name: 'Compare selected (2)' }).click();
    const cmp = page.getByTestId('run-compare');
    await cmp.getByRole('img', { name: 'Equity curves of 2 runs' }).waitFor();
    expect(new URL(page.url()).searchParams.get('compare')).toBe(`${run1},${run2}`);
    // The metrics side by side are the runs' own, in the order picked; the differing params are named.
    const s2 = job2.summary as typeof s1;
    // (The best run of a metric is marked; on a tie the first.)
    const bestFirst = s1.sharpe >= s2.sharpe;
    await expect.poll(() => cmp.getByTestId('compare-sharpe').locator('td').allTextContents())
      .toEqual(['Sharpe', `${ratio(s1.sharpe)}${bestFirst ? ' (best)' : ''}`, `${ratio(s2.sharpe)}${bestFirst ? '' : ' (best)'}`]);
    expect(await cmp.getByTestId('compare-tradeCount').locator('td').allTextContents()).toEqual(['Trades', String(s1.tradeCount), String(s2.tradeCount)]);
    expect(await cmp.getByRole('row', { name: /strategyParams\.fast/ }).locator('td').allTextContents()).toEqual(['strategyParams.fast', String(fast1), String(fast1 * 3)]);
    // One line per run on the chart (lightweight-charts draws into canvases: the legend names each curve).
    expect(await cmp.locator('ol li').allTextContents()).toEqual([expect.stringContaining(run1), expect.stringContaining(run2)]);
    await dash.expectAccessible(page, 'research: two runs compared');
    await dash.shot(page, 'research-compare');

    if (width === 'desktop') {
      // An optimization over a small grid: its best set and the overfitting figures of the search.
      await page.locator('label', { hasText: 'Optimization' }).click();
      await page.getByLabel('fast: hold or search').selectOption('range');
      await page.getByLabel('slow: hold or search').selectOption('range');
      for (const [k, v] of [['fast from', '5'], ['fast to', '15'], ['fast step', '5'], ['slow from', '30'], ['slow to', '50'], ['slow step', '10']] as const) await page.getByLabel(k).fill(v);
      const id = await submit(page, 'Run optimization', 'optimize-result');
      const report = jobs.result(id) as { evaluated: number; best: { params: { fast: number; slow: number } }; deflatedSharpe: { dsr: number }; pbo: { pbo: number } };
      expect(report.evaluated).toBe(9);
      expect(await page.getByTestId('best-params').textContent()).toBe(`fast=${report.best.params.fast}, slow=${report.best.params.slow}`);
      expect(await page.getByTestId('dsr').textContent()).toBe(pct(report.deflatedSharpe.dsr, 1));
      expect(await page.getByTestId('pbo').textContent()).toBe(pct(report.pbo.pbo, 1));
      await dash.expectAccessible(page, 'research: an optimization');
      await dash.shot(page, 'research-optimize');
    } else {
      // A walk-forward: its folds, each with the params chosen on its training window.
      await page.locator('label', { hasText: 'Walk-forward' }).click();
      await page.getByLabel('fast: hold or search').selectOption('list');
      await page.getByLabel('fast values').fill('5|10');
      await page.getByLabel('Folds').fill('2');
      const id = await submit(page, 'Run walk-forward', 'walkforward-result');
      const report = jobs.result(id) as { folds: { params: Record<string, number> }[] };
      expect(report.folds).toHaveLength(2);
      expect([5, 10]).toContain(report.folds[1]!.params.fast);
      const rows = page.getByRole('table', { name: 'Walk-forward folds' }).locator('tbody tr');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(1).locator('td').nth(3).textContent()).toBe(Object.entries(report.folds[1]!.params).map(([k, v]) => `${k}=${v}`).join(', '));
      await dash.expectAccessible(page, 'research: a walk-forward');
      await dash.shot(page, 'research-walkforward');
    }
    // (The refused submission's 400 is logged by the browser as a failed resource load.)
    dash.expectNoConsoleErrors([/status of 400/]);
  }, 300_000);
});
