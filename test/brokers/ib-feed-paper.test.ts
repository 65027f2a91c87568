// `sextant paper --feed ib` end to end at the node level (startPaper, as the CLI's worker runs it): the
// paper node takes IB market data from the fake TWS through the real IBApi (client id + 1), a strategy
// trades on the bars folded from IB's 5-second bars, and the simulated venue fills at IB's quotes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPaper, type PaperSession } from '../../src/app/paper.ts';
import { until } from '../execution/execution-client.contract.ts';
import { cli } from '../helpers/in-process-cli.ts';
import { marketHarness, MD_ACCOUNT, type MarketHarness } from '../fakes/ib/market-setup.ts';

let h: MarketHarness | undefined;
let session: PaperSession | undefined;
afterEach(async () => {
  await session?.stop();
  await session?.done.catch(() => undefined);
  session = undefined;
  await h?.close();
  h = undefined;
});

describe('paper --feed ib', () => {
  it('trades on IB bars and fills at IB quotes, with no order reaching TWS', async () => {
    h = await marketHarness();
    const stateDir = mkdtempSync(join(tmpdir(), 'sextant-ib-paper-'));
    session = await startPaper({
      strategies: ['buy-and-hold'], feed: 'ib', symbols: ['AAA'], timeframe: '5s', ib: { host: '127.0.0.1', port: h.port, clientId: 20 },
      stateDir, runId: 'ib-paper', warmupBars: 0, cash: 100_000,
    });
    const market = h.market;
    await until(() => market.active('mkt').length === 1 && market.active('rtb').length === 1, 'the node subscribed at TWS', 10_000);
    // The feed's link uses the next client id after --ib-client-id.
    expect(market.active().every((s) => s.clientId === 21)).toBe(true);
    let t = Math.floor(Date.now() / 5000) * 5 - 60;
    const asks = new Set<number>();
    const drive = setInterval(() => {
      const mid = 100 + (t % 7) / 10;
      asks.add(mid + 0.02);
      market.quote('AAA', { bid: mid - 0.02, ask: mid + 0.02, bidSize: 200, askSize: 300 });
      market.bar5s('AAA', t, mid, mid + 0.1, mid - 0.1, mid, 1_000);
      t += 5;
    }, 40);
    try {
      await until(() => session!.node.status().fills > 0, 'a fill', 15_000);
    } finally {
      clearInterval(drive);
    }
    // (The node writes its fills to the store every few ms.)
    let fills = await session.store.loadFills('ib-paper');
    for (let i = 0; i < 200 && fills.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      fills = await session.store.loadFills('ib-paper');
    }
    expect(fills.length).toBeGreaterThan(0);
    expect(fills[0]).toMatchObject({ symbol: 'AAA', side: 'buy' });
    expect([...asks].some((a) => Math.abs(a - fills[0]!.price) < 1e-6)).toBe(true);
    // Paper trading: nothing was sent to TWS but market-data requests.
    expect(h.tws.requests.filter((r) => r.msgId === 3 /* PLACE_ORDER */)).toEqual([]);
    await session.stop();
    await session.done;
    await until(() => market.active().length === 0, 'the subscriptions canceled at stop', 5_000);
  }, 60_000);

  it('live --venue ib takes its market data from IB too: orders on client id 7, data on 8', async () => {
    h = await marketHarness();
    const stateDir = mkdtempSync(join(tmpdir(), 'sextant-ib-live-'));
    session = await startPaper({
      strategies: ['buy-and-hold'], venue: 'ib', symbols: ['EUR/USD'], timeframe: '5s', ib: { host: '127.0.0.1', port: h.port, clientId: 7, account: MD_ACCOUNT },
      stateDir, runId: 'ib-live', warmupBars: 0, size: 'qty:1000', positionCheckSec: 0,
    });
    const market = h.market;
    await until(() => market.active('mkt').length === 1 && market.active('rtb').length === 1, 'the feed subscribed at TWS', 10_000);
    expect(market.active().map((s) => [s.clientId, s.kind, s.whatToShow ?? ''])).toEqual(expect.arrayContaining([[8, 'mkt', ''], [8, 'rtb', 'MIDPOINT']]));
    let t = Math.floor(Date.now() / 5000) * 5 - 60;
    const drive = setInterval(() => {
      const mid = 1.1 + (t % 7) / 1000;
      // The same market at the venue's matcher and in TWS's market data.
      h!.tws.exchange.quote('EUR/USD', { bid: mid - 0.0001, ask: mid + 0.0001 });
      market.quote('EUR/USD', { bid: mid - 0.0001, ask: mid + 0.0001, bidSize: 1e6, askSize: 1e6 });
      market.bar5s('EUR/USD', t, mid, mid + 0.001, mid - 0.001, mid, 0);
      t += 5;
    }, 40);
    try {
      await until(() => h!.tws.exchange.fills().length > 0, 'a fill at the venue', 20_000);
    } finally {
      clearInterval(drive);
    }
    const placed = h.tws.requests.filter((r) => r.msgId === 3 /* PLACE_ORDER */);
    expect(placed.length).toBe(1);
    expect(placed[0]!.clientId).toBe(7);
    expect(h.tws.exchange.fills()[0]).toMatchObject({ symbol: 'EUR/USD', side: 'buy', qty: 1000 });
    await session.stop();
    await session.done;
  }, 60_000);

  it('sextant paper --feed ib on the command line: the --ib-* flags reach the feed', async () => {
    h = await marketHarness();
    const stateDir = mkdtempSync(join(tmpdir(), 'sextant-ib-cli-'));
    const market = h.market;
    let t = Math.floor(Date.now() / 5000) * 5 - 60;
    const drive = setInterval(() => {
      market.quote('AAA', { bid: 99.98, ask: 100.02, bidSize: 200, askSize: 300 });
      market.bar5s('AAA', t, 100, 100.1, 99.9, 100, 1_000);
      t += 5;
    }, 40);
    try {
      const r = await cli(['paper', '--feed', 'ib', '--ib-port', String(h.port), '--ib-client-id', '30', '--symbols', 'AAA', '--timeframe', '5s', '--strategy', 'buy-and-hold', '--warmup', '0', '--duration', '3', '--state-dir', stateDir, '--run', 'ib-cli', '--quiet']);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
    } finally {
      clearInterval(drive);
    }
    const md = h.tws.requests.filter((q) => q.msgId === 1 /* REQ_MKT_DATA */);
    expect(md.length).toBe(1);
    expect(md[0]!.clientId).toBe(31);
    expect(h.tws.requests.filter((q) => q.msgId === 3 /* PLACE_ORDER */)).toEqual([]);
    // The simulated venue filled the buy at IB's ask, 300 at a time (IB's ask size).
    const st = await cli(['status', '--state-dir', stateDir]);
    expect(st.stdout).toMatch(/run ib-cli \(stopped\).*1 orders, 4 fills/);
    expect(st.stdout).toMatch(/buy-and-hold\s+AAA\s+950\s+100\.0200/);
  }, 60_000);
});
