// `sextant paper --feed ccxt:okx` at the node level (startPaper, as the CLI's worker runs it): the paper
// node streams OKX's bars, trades and best bid/ask from the fake OKX v5 server through the real ccxt.pro
// client (markets from OKX's instruments endpoint), a strategy trades on the bars, and the simulated venue
// fills at the streamed ask. Nothing but market data is asked of the venue.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPaper, type PaperSession } from '../../src/app/paper.ts';
import { until } from '../execution/execution-client.contract.ts';
import { cli } from '../helpers/in-process-cli.ts';
import { FakeOkxMarket } from '../fakes/okx/market-server.ts';

const MIN = 60_000;
let fake: FakeOkxMarket | undefined;
let session: PaperSession | undefined;
afterEach(async () => {
  await session?.stop();
  await session?.done.catch(() => undefined);
  session = undefined;
  await fake?.close();
  fake = undefined;
});

describe('paper --feed ccxt:okx', () => {
  it('trades on OKX bars and fills at the streamed OKX ask', async () => {
    fake = await FakeOkxMarket.start();
    const okx = fake;
    const stateDir = mkdtempSync(join(tmpdir(), 'sextant-okx-paper-'));
    session = await startPaper({
      strategies: ['buy-and-hold'], feed: 'ccxt:okx', symbols: ['BTC/USDT'], timeframe: '1m', baseUrl: okx.baseUrl, streamUrl: okx.streamUrl,
      stateDir, runId: 'okx-paper', warmupBars: 0, cash: 100_000,
    });
    await until(() => okx.subscribers('candle1m', 'BTC-USDT') === 1 && okx.subscribers('bbo-tbt', 'BTC-USDT') === 1 && okx.subscribers('trades', 'BTC-USDT') === 1, 'the feed subscribed at OKX', 10_000);
    let i = 0;
    const t0 = Math.floor(Date.now() / MIN) * MIN - 100 * MIN;
    const asks = new Set<number>();
    const drive = setInterval(() => {
      const mid = 42_000 + (i % 7) * 10;
      const ask = mid + 0.5;
      asks.add(ask);
      okx.bbo('BTC-USDT', { bid: mid - 0.5, bidSz: 2, ask, askSz: 3, ts: Date.now() });
      okx.trade('BTC-USDT', { px: mid, sz: 0.01, side: 'buy', ts: Date.now() });
      const bar = { ts: t0 + i * MIN, o: mid, h: mid + 20, l: mid - 20, c: mid, v: 5 };
      okx.closeBar('BTC-USDT', bar);
      okx.formBar('BTC-USDT', { ...bar, ts: bar.ts + MIN });
      i++;
    }, 40);
    try {
      await until(() => session!.node.status().fills > 0, 'a fill', 20_000);
    } finally {
      clearInterval(drive);
    }
    let fills = await session.store.loadFills('okx-paper');
    for (let k = 0; k < 200 && fills.length === 0; k++) {
      await new Promise((r) => setTimeout(r, 25));
      fills = await session.store.loadFills('okx-paper');
    }
    expect(fills.length).toBeGreaterThan(0);
    expect(fills[0]).toMatchObject({ symbol: 'BTC/USDT', side: 'buy' });
    expect([...asks].some((a) => Math.abs(a - fills[0]!.price) < 1e-6)).toBe(true);
    // Paper trading: only public market data was asked of OKX (instruments, candles), never an order path.
    expect(okx.requests.every((r) => r.path === '/api/v5/public/instruments' || r.path.startsWith('/api/v5/market/'))).toBe(true);
    await session.stop();
    await session.done;
  }, 60_000);

  it('sextant paper --feed ccxt:okx on the command line: --base-url and --stream-url reach the feed', async () => {
    fake = await FakeOkxMarket.start();
    const okx = fake;
    const stateDir = mkdtempSync(join(tmpdir(), 'sextant-okx-cli-'));
    let i = 0;
    const t0 = Math.floor(Date.now() / MIN) * MIN - 100 * MIN;
    const drive = setInterval(() => {
      okx.bbo('BTC-USDT', { bid: 41_999.5, bidSz: 2, ask: 42_000.5, askSz: 3, ts: Date.now() });
      const bar = { ts: t0 + i * MIN, o: 42_000, h: 42_010, l: 41_990, c: 42_000, v: 5 };
      okx.closeBar('BTC-USDT', bar);
      okx.formBar('BTC-USDT', { ...bar, ts: bar.ts + MIN });
      i++;
    }, 40);
    try {
      const r = await cli(['paper', '--feed', 'ccxt:okx', '--base-url', okx.baseUrl, '--stream-url', okx.streamUrl, '--symbols', 'BTC/USDT', '--timeframe', '1m',
        '--strategy', 'buy-and-hold', '--warmup', '0', '--duration', '3', '--state-dir', stateDir, '--run', 'okx-cli', '--quiet']);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
    } finally {
      clearInterval(drive);
    }
    expect(okx.subscribes).toEqual(expect.arrayContaining(['business candle1m:BTC-USDT', 'public trades:BTC-USDT', 'public bbo-tbt:BTC-USDT']));
    const st = await cli(['status', '--state-dir', stateDir]);
    // The simulated venue filled the buy at OKX's streamed ask, in one fill (less than the ask's 3 BTC).
    expect(st.stdout).toMatch(/run okx-cli \(stopped\).*1 orders, 1 fills/);
    expect(st.stdout).toMatch(/buy-and-hold\s+BTC\/USDT\s+[\d.]+\s+42000\.5000/);
  }, 60_000);
});
