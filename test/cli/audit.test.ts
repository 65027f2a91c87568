// `sextant audit verify|show|export|checkpoint` on a PGlite state folder (in-process main()): an intact trail
// verifies; a checkpoint file is never overwritten; a cut tail is seen only against the checkpoint; an edited
// entry exits 5 naming it; bad input exits 2 naming the flag or the file's field.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDriver, openStore } from '../../src/store/open.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-cli-audit-'));
const state = join(dir, 'state');
const T0 = Date.UTC(2026, 11, 1, 14, 30);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sextant(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += `${s}\n`), (s) => (err += `${s}\n`));
  return { code, out, err };
}

/** Runs SQL as the store's superuser with the append-only triggers off: what someone with the database could do. */
async function tamper(sql: string): Promise<void> {
  const db = await openDriver({ dir: join(state, 'db') });
  try {
    await db.exec(`SET session_replication_role = replica; ${sql}; SET session_replication_role = origin`);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  const store = await openStore({ dir: join(state, 'db') });
  await store.startRun({ id: 'r1', kind: 'paper', startedMs: T0 });
  const orders = ['AAPL', 'MSFT', 'AAPL'].map((symbol, i) => ({ clientOrderId: `r1-${i}`, runId: 'r1', strategyId: 'sma', symbol, side: 'buy' as const, type: 'market' as const, qty: 5, createdMs: T0 + i * 1000 }));
  await store.write({
    orders,
    orderEvents: orders.map((o) => ({ orderId: o.clientOrderId, seq: 1, type: 'OrderFilled' as const, status: 'filled' as const, filledQty: 5, avgFillPrice: 100, tsMs: o.createdMs + 1 })),
    fills: orders.map((o) => ({ fillId: `${o.clientOrderId}#1`, orderId: o.clientOrderId, seq: 1, runId: 'r1', strategyId: 'sma', symbol: o.symbol, side: 'buy' as const, qty: 5, price: 100, commission: 0.1, liquidity: 'taker' as const, tsMs: o.createdMs + 1 })),
  });
  await store.endRun('r1', 'completed', T0 + 10_000);
  await store.close();
});

describe('sextant audit', () => {
  it('verify: an intact trail, with its entry count and head; --json - for scripts', async () => {
    const r = await sextant('audit', 'verify', '--state-dir', state);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^audit trail intact: 11 entries, head 11 [0-9a-f]{64} \(\d+\.\d\d s\)\nwithout a checkpoint, entries removed from the end cannot be seen/);
    const j = await sextant('audit', 'verify', '--state-dir', state, '--json', '-');
    expect(JSON.parse(j.out)).toMatchObject({ ok: true, entries: 11, problem: null, checkpoint: 'none' });
  });

  it('show filters by kind prefix and symbol; export writes CSV with a header and JSON lines on stdout', async () => {
    const shown = JSON.parse((await sextant('audit', 'show', '--state-dir', state, '--kind', 'order.', '--symbol', 'AAPL', '--json', '-')).out) as { kind: string; symbol: string }[];
    expect(shown.map((e) => [e.kind, e.symbol])).toEqual([['order.intent', 'AAPL'], ['order.filled', 'AAPL'], ['order.intent', 'AAPL'], ['order.filled', 'AAPL']]);
    const table = await sextant('audit', 'show', '--state-dir', state, '--actor', 'venue', '--limit', '2');
    expect(table.out).toContain('system:venue');
    expect(table.out).toContain('(first 2; --after');
    const csv = join(dir, 'audit.csv');
    expect((await sextant('audit', 'export', '--state-dir', state, '--format', 'csv', '--out', csv)).code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('seq,time,ts_ms,recorded_ms,actor_kind,actor,source,kind,run_id,symbol,payload,prev_hash,hash');
    expect(lines).toHaveLength(12);
    expect(lines[1]).toMatch(/^1,2026-12-01T14:30:00\.000Z,\d+,\d+,system,node,run:r1,run\.start,r1,,"\{""config"":\{\},""kind"":""paper""\}",0{64},[0-9a-f]{64}$/);
    const jsonl = await sextant('audit', 'export', '--state-dir', state);
    expect(jsonl.out.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect((await sextant('audit', 'export', '--state-dir', state, '--out', csv)).code).toBe(2);
  });

  it('bad input exits 2 naming the flag or the field', async () => {
    const from = await sextant('audit', 'show', '--state-dir', state, '--from', 'yesterday');
    expect([from.code, from.err]).toEqual([2, expect.stringContaining('--from')]);
    const bad = join(dir, 'not-a-checkpoint.json');
    writeFileSync(bad, '{"format":"sextant-audit-checkpoint","version":1}');
    const cp = await sextant('audit', 'verify', '--state-dir', state, '--from-checkpoint', bad);
    expect([cp.code, cp.err]).toEqual([2, expect.stringContaining('field "store"')]);
    const none = await sextant('audit', 'verify', '--state-dir', join(dir, 'nowhere'));
    expect(none.code).toBe(2);
  });

  it('a cut tail passes alone but not against a checkpoint; an edited entry exits 5 naming it', async () => {
    const cp = join(dir, 'cp.json');
    const made = await sextant('audit', 'checkpoint', '--state-dir', state, '--out', cp);
    expect([made.code, made.out]).toEqual([0, expect.stringMatching(/^checkpoint of 11 entries \(head [0-9a-f]{64}\) written to .*cp\.json: keep it away from the store\n$/)]);
    const again = await sextant('audit', 'checkpoint', '--state-dir', state, '--out', cp);
    expect([again.code, again.err]).toEqual([2, expect.stringContaining('exists: an audit file is never overwritten')]);

    await tamper('DELETE FROM audit WHERE seq >= 10');
    expect((await sextant('audit', 'verify', '--state-dir', state)).code).toBe(0);
    const cut = await sextant('audit', 'verify', '--state-dir', state, '--from-checkpoint', cp);
    expect([cut.code, cut.out]).toEqual([5, 'audit trail BROKEN at entry 10: the log ends at entry 9 but the checkpoint saw 11 entries: entries 10 to 11 were removed\n9 entries before it verified\n']);

    await tamper("UPDATE audit SET payload = replace(payload, '\"qty\":5', '\"qty\":50') WHERE seq = 4");
    const edited = await sextant('audit', 'verify', '--state-dir', state);
    expect(edited.code).toBe(5);
    expect(edited.out).toContain('audit trail BROKEN at entry 4: entry 4 (fill) was edited: its content does not match its hash');
    expect(existsSync(cp)).toBe(true);
  });
});
