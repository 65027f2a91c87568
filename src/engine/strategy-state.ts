// Strategy.onSave / onLoad for paper and live nodes: the states of a checkpoint, taken all at the
// same moment, written to the store behind the rows of that moment, and read back on a restart.
import type { Strategy } from '../strategies/strategy.ts';
import type { JsonValue, Store } from '../store/store.ts';
import { jsonText } from '../store/validate.ts';

export interface StrategyStates {
  readonly tsMs: number;
  readonly states: readonly { readonly strategyId: string; readonly state: JsonValue }[];
}

type Specs = readonly { readonly id: string; readonly strategy: Strategy }[];

/**
 * JSON of each strategy's state as last handed to the store, per node (keyed by the node's list of
 * strategies): an unchanged state is not written again.
 */
const lastSaved = new WeakMap<Specs, Map<string, string>>();

/**
 * Calls onSave on every strategy that has one and keeps the states that changed since the last
 * snapshot. A state that throws or is not plain JSON is reported through `problem` and left out, so
 * one strategy cannot stop the others' checkpoints.
 */
export function snapshotStrategyStates(strategies: Specs, problem: (strategyId: string, message: string) => void, tsMs: number): StrategyStates {
  const states: { strategyId: string; state: JsonValue }[] = [];
  let saved = lastSaved.get(strategies);
  if (saved === undefined) lastSaved.set(strategies, (saved = new Map()));
  for (const s of strategies) {
    if (s.strategy.onSave === undefined) continue;
    try {
      const state = s.strategy.onSave();
      const text = jsonText(state, 'state');
      if (saved.get(s.id) === text) continue;
      saved.set(s.id, text);
      states.push({ strategyId: s.id, state: state as JsonValue });
    } catch (e) {
      problem(s.id, `onSave: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { tsMs, states };
}

/** Commits the states together with every row buffered in the store so far (one transaction: a checkpoint). */
export async function saveStrategyStates(store: Store, runId: string, s: StrategyStates): Promise<void> {
  await store.saveStrategyStates(s.states.map((x) => ({ runId, strategyId: x.strategyId, state: x.state, tsMs: s.tsMs })));
}

/** Stored states of the strategies that have onLoad, by strategy id. */
export async function loadStrategyStates(store: Store, runId: string, strategies: Specs): Promise<Map<string, JsonValue>> {
  const out = new Map<string, JsonValue>();
  const rows = await Promise.all(strategies.filter((s) => s.strategy.onLoad !== undefined).map((s) => store.loadStrategyState(runId, s.id)));
  for (const r of rows) if (r !== null) out.set(r.strategyId, r.state);
  return out;
}
