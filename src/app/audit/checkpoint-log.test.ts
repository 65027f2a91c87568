// Periodic checkpoints: one JSON line per interval in which the chain grew, each one a checkpoint that
// `audit verify --from-checkpoint` accepts; a failing source is said, not thrown.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { AuditLog } from '../access/audit-log.ts';
import { readCheckpoint } from './checkpoint.ts';
import { AuditCheckpointLog } from './checkpoint-log.ts';
import { verifyAudit } from './verify-audit.ts';

let store: Store;
const dir = mkdtempSync(join(tmpdir(), 'sextant-cplog-'));
beforeAll(async () => {
  store = await openStore({ url: 'memory://' });
});
afterAll(async () => store.close());

describe('AuditCheckpointLog', () => {
  it('appends a line when the chain grew, none when it did not; each line verifies as a checkpoint', async () => {
    const log = new AuditLog(store.audit, { location: 'memory://' });
    const file = join(dir, 'checkpoints.jsonl');
    const said: string[] = [];
    const cps = new AuditCheckpointLog(log, { file, everyMs: 60_000, say: (l) => said.push(l) });
    await log.recordMutation({ actor: 'alice', source: 'cli', action: 'user.add', target: 'bob' });
    await cps.tick();
    await cps.tick();
    await log.recordMutation({ actor: 'alice', source: 'cli', action: 'user.remove', target: 'bob' });
    await cps.stop();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { count: number; hash: string });
    expect(lines.map((l) => l.count)).toEqual([1, 2]);
    expect(said).toEqual([
      `audit checkpoint: 1 entries, head ${lines[0]!.hash} (appended to ${file})`,
      `audit checkpoint: 2 entries, head ${lines[1]!.hash} (appended to ${file})`,
    ]);
    const first = join(dir, 'cp1.json');
    writeFileSync(first, JSON.stringify(lines[0]));
    expect(await verifyAudit(store, { checkpoint: readCheckpoint(first) })).toMatchObject({ ok: true, checkpoint: 'matched' });
  });

  it('says a failure and goes on', async () => {
    const said: string[] = [];
    const cps = new AuditCheckpointLog({ checkpoint: () => Promise.reject(new Error('store is closed')) }, { file: null, everyMs: 1000, say: (l) => said.push(l) });
    await cps.tick();
    expect(said).toEqual(['audit checkpoint failed: store is closed']);
  });

  it('a bad checkpoint file is bad input naming the file, line and field', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n "format": "sextant-audit-checkpoint",\n "version": 1,\n "store": "x",\n "count": 3,\n "seq": 3,\n "hash": "xyz",\n "createdTime": "2026-12-01T00:00:00.000Z"\n}\n');
    expect(() => readCheckpoint(bad)).toThrow(`${bad}:7, field "hash"`);
  });
});
