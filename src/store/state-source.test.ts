// A store's state source: every batch committed while it is set carries the strategies' states of that
// moment (a checkpoint), whoever triggers the commit; fills and state come back from the same moment.
import { describe, expect, it } from 'vitest';
import { openStore } from './open.ts';

describe('store: strategy states ride along with every commit', () => {
  it('commits the source\'s states with each batch (a flush or a write), and stops when the source is removed', async () => {
    const store = await openStore({ url: 'memory://', env: {} });
    try {
      const runId = (await store.startRun({ id: 'state-source', kind: 'paper', startedMs: 1 })).id;
      let bars = 0;
      store.setStateSource(() => [{ runId, strategyId: 's1', state: { bars }, tsMs: 1000 + bars }]);
      bars = 5;
      store.appendRiskEvents([{ runId, tsMs: 10, kind: 'note', reason: 'a row to commit' }]);
      await store.flush();
      expect(await store.loadStrategyState(runId, 's1')).toEqual({ runId, strategyId: 's1', state: { bars: 5 }, tsMs: 1005 });
      bars = 9;
      await store.write({ riskEvents: [{ runId, tsMs: 11, kind: 'note', reason: 'written directly' }] });
      expect((await store.loadStrategyState(runId, 's1'))?.state).toEqual({ bars: 9 });
      store.setStateSource(null);
      bars = 12;
      await store.write({ riskEvents: [{ runId, tsMs: 12, kind: 'note', reason: 'after the source was removed' }] });
      expect((await store.loadStrategyState(runId, 's1'))?.state).toEqual({ bars: 9 });
    } finally {
      await store.close();
    }
  });
});
