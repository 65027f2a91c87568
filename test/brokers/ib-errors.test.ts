// IB message codes and what the adapter does with each: order rejections (200, 201), refused cancels
// (10148), TWS's link to IB lost and restored (1100 / 1102), farm info (2104), a client id in use (326),
// an account the login does not manage.
import { afterEach, describe, expect, it } from 'vitest';
import { IbExecutionClient } from '../../src/brokers/ib/client.ts';
import { ibCodeKind } from '../../src/brokers/ib/errors.ts';
import { ConfigError, RetryableVenueError } from '../../src/core/errors.ts';
import { Order } from '../../src/model/order.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import * as M from '../fakes/ib/messages.ts';
import { ibHarness, type IbHarness } from '../fakes/ib/setup.ts';

let h: IbHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let n = 0;
const order = (symbol: string, side: 'buy' | 'sell', qty = 10, extra: Partial<ConstructorParameters<typeof Order>[2]> = {}): Order =>
  new Order(`E-${process.pid}-${++n}`, 's', { symbol, side, type: 'market', qty, ...extra }, Date.UTC(2024, 0, 2, 14, 30));

describe('ibCodeKind', () => {
  it.each([
    [200, 'order-rejected'], [201, 'order-rejected'], [103, 'order-rejected'], [202, 'order-canceled'], [10147, 'cancel-refused'], [10148, 'cancel-refused'],
    [104, 'modify-refused'], [1100, 'connectivity-lost'], [1101, 'connectivity-restored-data-lost'], [1102, 'connectivity-restored'], [2104, 'info'],
    [2106, 'info'], [2158, 'info'], [2199, 'info'], [326, 'connection-failed'], [502, 'connection-failed'], [9999, 'other'],
  ] as const)('code %i is %s', (code, kind) => {
    expect(ibCodeKind(code)).toBe(kind);
  });
});

describe('IB error codes through a fake TWS', () => {
  it('200 (no security definition) rejects the order with the code and TWS text as the reason', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    const o = order('ZZZZ', 'buy');
    h.client.submit(o, h.driver.now());
    await until(() => o.status === 'rejected', 'rejected');
    expect(o.reason).toMatch(/^200: No security definition/);
    expect(sink.types(o.id)).toEqual(['OrderSubmitted', 'OrderRejected']);
    expect(h.exchange.requests).toEqual([]);
  });

  it('201 (order rejected) from the venue rejects the order, and nothing is sent again', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    // A venue-side refusal: this exchange refuses short sales.
    (h.exchange.opts as { shorting?: boolean }).shorting = false;
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const s = order('AAA', 'sell', 5);
    h.client.submit(s, h.driver.now());
    await until(() => s.status === 'rejected', 'rejected by the venue');
    expect(s.reason).toMatch(/^201: Order rejected - reason:/);
    await h.client.sync();
    expect(h.tws.requests.filter((r) => r.msgId === M.OUT.PLACE_ORDER)).toHaveLength(1);
    expect(sink.types(s.id)).toEqual(['OrderSubmitted', 'OrderRejected']);
  });

  it('10148 (cannot cancel, already filled) is a CommandRejected for the cancel, and the fill still arrives', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink, { answerTimeoutMs: 2_500 });
    await h.client.connect();
    await h.driver.quote('AAA', { bid: 99, ask: 100 });
    const o = order('AAA', 'buy');
    h.tws.muteNextPlace(); // TWS's answers are lost: the client still thinks the order is only submitted
    h.client.submit(o, h.driver.now());
    await h.client.sync();
    expect(o.status).toBe('submitted');
    h.client.cancel(o.id, h.driver.now());
    await until(() => sink.rejectionsOf(o.id, 'cancel').length === 1, 'cancel refused');
    expect(sink.rejectionsOf(o.id, 'cancel')[0]!.reason).toMatch(/^10148: /);
    // The lost answer is looked up by orderRef: the fill is booked once.
    await until(() => o.status === 'filled', 'filled after the lookup', 8_000);
    expect(sink.fills(o.id).map((f) => [f.qty, f.price])).toEqual([[10, 100]]);
  });

  it.each([
    [1102, 'Connectivity between IB and Trader Workstation has been restored - data maintained.'],
    [1101, 'Connectivity between IB and Trader Workstation has been restored - data lost.'],
  ])('1100 makes the client reconnecting (commands refused) until %i, which resyncs; 2104 farm messages change nothing', async (restored, restoredText) => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    h.tws.broadcast(M.errorMsg(-1, 2104, 'Market data farm connection is OK:usfarm'));
    await h.client.sync();
    expect(h.client.connectionState).toBe('connected');
    h.tws.broadcast(M.errorMsg(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.'));
    await until(() => h!.client.connectionState === 'reconnecting', 'reconnecting');
    expect(sink.connection.at(-1)).toMatchObject({ previous: 'connected', state: 'reconnecting', reason: expect.stringMatching(/1100/) });
    const o = order('AAA', 'buy');
    h.client.submit(o, h.driver.now());
    expect(o.status).toBe('rejected');
    const execsBefore = h.tws.requests.filter((r) => r.msgId === M.OUT.REQ_EXECUTIONS).length;
    h.tws.broadcast(M.errorMsg(-1, restored, restoredText));
    await until(() => h!.client.connectionState === 'connected', 'connected again');
    // Restored: the client caught up (executions asked for again) before trading.
    expect(h.tws.requests.filter((r) => r.msgId === M.OUT.REQ_EXECUTIONS).length).toBe(execsBefore + 1);
    expect(h.log.filter((l) => /2104/.test(l))).toEqual([]);
  });

  it('a client id already in use (326) fails connect with the code, and the state goes back to disconnected', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.client.connect();
    const other = new RecordingSink();
    const twin = new IbExecutionClient(h.options, other);
    await expect(twin.connect()).rejects.toThrow(/326|client id/i);
    expect(twin.connectionState).toBe('disconnected');
    expect(other.connection.map((e) => e.state)).toEqual(['connecting', 'disconnected']);
    expect(h.client.connectionState).toBe('connected');
  });

  it('TWS not listening fails connect with a retryable error naming host and port', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    await h.tws.close();
    const c = new IbExecutionClient({ ...h.options, connectTimeoutMs: 2_000 }, sink);
    await expect(c.connect()).rejects.toThrow(new RegExp(`127.0.0.1:${h.port}`));
    await expect(c.connect()).rejects.toBeInstanceOf(RetryableVenueError);
    expect(c.connectionState).toBe('disconnected');
    expect(sink.connection.map((e) => e.state)).toEqual(['connecting', 'disconnected', 'connecting', 'disconnected']);
  });

  it('bad link options are a ConfigError naming the option', () => {
    const base = { host: '127.0.0.1', port: 7497, clientId: 1, account: 'DU1234567' };
    const sink = new RecordingSink();
    expect(() => new IbExecutionClient({ ...base, port: 70_000 }, sink)).toThrow(/option "port"/);
    expect(() => new IbExecutionClient({ ...base, clientId: -1 }, sink)).toThrow(/option "clientId"/);
    expect(() => new IbExecutionClient({ ...base, host: ' ' }, sink)).toThrow(/option "host"/);
    expect(() => new IbExecutionClient({ ...base, account: '' }, sink)).toThrow(ConfigError);
    expect(new IbExecutionClient(base, sink).connectionState).toBe('disconnected');
  });

  it('an account the TWS login does not manage is a ConfigError at connect', async () => {
    const sink = new RecordingSink();
    h = await ibHarness(sink);
    const wrong = new IbExecutionClient({ ...h.options, account: 'U0000000' }, sink);
    await expect(wrong.connect()).rejects.toBeInstanceOf(ConfigError);
    expect(wrong.connectionState).toBe('disconnected');
  });
});
