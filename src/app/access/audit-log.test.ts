// The audit log: entries appended with the clock's time, secrets redacted from payloads at any depth, listed
// in order and chained (store tests prove the chain and the triggers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { AuditEntrySchema, type AuditEntryDto } from '../dto/access.ts';
import { AuditLog, redactPayload } from './audit-log.ts';

let store: Store;
beforeAll(async () => {
  store = await openStore({ url: 'memory://' });
});
afterAll(async () => store.close());

describe('AuditLog', () => {
  it('redacts secret-named fields at any depth and bearer tokens in values', () => {
    const token = `sxt_${'a'.repeat(16)}_${'x'.repeat(43)}`;
    expect(redactPayload({
      username: 'alice', password: 'hunter2-hunter2', role: 'trade',
      credentials: { apiKey: 'AK', api_secret: 'S' },
      venue: { name: 'alpaca', 'X-Api-Key': 'k', nested: [{ privateKey: 'p', ok: 1 }] },
      note: `used ${token}`, n: Number.NaN, skip: undefined,
    })).toEqual({
      username: 'alice', password: '[redacted]', role: 'trade',
      credentials: '[redacted]',
      venue: { name: 'alpaca', 'X-Api-Key': '[redacted]', nested: [{ privateKey: '[redacted]', ok: 1 }] },
      note: '[redacted]', n: null,
    });
  });

  it('records mutations with who, from where, what and when, redacted, on the hash chain; lists them in order', async () => {
    let now = 1_700_000_000_000;
    const log = new AuditLog(store.audit, { now: () => now });
    const a = await log.recordMutation({ actor: 'alice', source: '10.1.2.3', action: 'user.add', target: 'bob', payload: { role: 'read', password: 'bob-long-password' } });
    now += 5;
    const b = await log.recordMutation({ actor: 'token:abc', source: '127.0.0.1', action: 'POST /api/v1/bots/:id/stop', target: 'bot1' });
    const all = await log.list({ limit: 10 });
    const pick = ({ seq, tsMs, actorKind, actor, source, kind, runId, symbol, payload }: AuditEntryDto): unknown => ({ seq, tsMs, actorKind, actor, source, kind, runId, symbol, payload });
    expect(all.map((x) => pick(AuditEntrySchema.parse(x)))).toEqual([
      { seq: a, tsMs: 1_700_000_000_000, actorKind: 'user', actor: 'alice', source: '10.1.2.3', kind: 'user.add', runId: null, symbol: null, payload: { target: 'bob', role: 'read', password: '[redacted]' } },
      { seq: b, tsMs: 1_700_000_000_005, actorKind: 'token', actor: 'abc', source: '127.0.0.1', kind: 'api.POST /api/v1/bots/:id/stop', runId: null, symbol: null, payload: { target: 'bot1' } },
    ]);
    expect(all[1]!.prevHash).toBe(all[0]!.hash);
    expect(await log.list({ afterSeq: a, limit: 10 })).toHaveLength(1);
  });
});
