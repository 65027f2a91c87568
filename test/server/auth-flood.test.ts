// Guessing tokens is limited per address before the store is read: past the limit of failed credentials a
// minute, a made-up token gets 429 at once, while a token that was valid moments ago keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../helpers/api-server.ts';

const LIMIT = 20;

describe('a flood of bad credentials from one address', () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer({ url: 'memory://', authFailuresPerMinute: LIMIT });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  }, 60_000);

  it('turns into 429s after the limit, without locking out a known token', async () => {
    expect((await api.call('GET', '/api/v1/bots', { token: api.tokens.read })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 10; i++) {
      const guess = `sxt_${i.toString(16).padStart(16, '0')}_${'A'.repeat(43)}`;
      statuses.push((await api.call('GET', '/api/v1/bots', { token: guess })).status);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses.slice(LIMIT)).toEqual(Array(10).fill(429));
    // Anonymous requests count as failures too and are refused the same way now.
    expect((await api.call('GET', '/api/v1/bots')).status).toBe(429);
    // The token used a moment ago is a known caller: still answered.
    expect((await api.call('GET', '/api/v1/bots', { token: api.tokens.read })).status).toBe(200);
    // Health stays open.
    expect((await api.call('GET', '/api/v1/health')).status).toBe(200);
  });
});
