// Checkpoint snapshots of strategy state: only changed states are written, bad ones are reported.
import { describe, expect, it } from 'vitest';
import { Strategy } from '../strategies/strategy.ts';
import { snapshotStrategyStates } from './strategy-state.ts';

class S extends Strategy<object> {
  state: unknown = { n: 1 };
  override onBar(): void {}
  override onSave(): unknown {
    return this.state;
  }
}
class NoState extends Strategy<object> {
  override onBar(): void {}
}

describe('snapshotStrategyStates', () => {
  it('keeps a state once until it changes, per node, and skips strategies without onSave', () => {
    const a = new S({});
    const specs = [{ id: 'a', strategy: a }, { id: 'quiet', strategy: new NoState({}) }];
    const problems: string[] = [];
    const take = (list = specs): unknown => snapshotStrategyStates(list, (id, m) => problems.push(`${id} ${m}`), 5).states;
    expect(take()).toEqual([{ strategyId: 'a', state: { n: 1 } }]);
    expect(take()).toEqual([]);
    a.state = { n: 2 };
    expect(take()).toEqual([{ strategyId: 'a', state: { n: 2 } }]);
    // Another node (another list) saves its own first state even when equal.
    expect(take([{ id: 'a', strategy: a }])).toEqual([{ strategyId: 'a', state: { n: 2 } }]);
    expect(problems).toEqual([]);
  });

  it('reports a state that is not plain JSON and leaves it out', () => {
    const a = new S({});
    a.state = { when: new Date(0) };
    const problems: string[] = [];
    expect(snapshotStrategyStates([{ id: 'a', strategy: a }], (id, m) => problems.push(`${id} ${m}`), 5).states).toEqual([]);
    expect(problems.length).toBe(1);
    expect(problems[0]).toContain('a onSave:');
    expect(problems[0]).toContain('state.when');
  });
});
