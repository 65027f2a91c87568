// The ML agent of the `meta` strategy: the ml-ensemble strategy's signal (a trained classifier's P(up) per
// bar from the causal feature stream, judged by adaptive thresholds, optional regime filter) as an agent.
// The model is the value the app layer loaded from `--param model=<file>` (the same file param and loader
// as ml-ensemble's), so backtest, paper and live read it the same way.
import { ConfigError } from '../../core/errors.ts';
import type { SignalModel } from '../signal.ts';
import type { AgentFactory } from './meta-agents.ts';
import { SignalAgent } from './meta-agents.ts';
import { MlEnsemble, type MlEnsembleParams } from './ml-ensemble.ts';
import { LoadedModel, ModelSchedule } from './ml-ensemble-model.ts';

/** ml-ensemble's per-symbol signal, reached through the strategy's own factory (no second copy of its pipeline). */
class MlSignalSource extends MlEnsemble {
  signalFor(symbol: string): SignalModel {
    return this.createModel(symbol);
  }
}

/** The model param as given: a loaded model or schedule, a file name the caller did not read, or nothing. */
export type ModelParam = LoadedModel | ModelSchedule | string | undefined;

/**
 * Makes the ML agent factory of an `ml-ensemble` agent spec: `params` are ml-ensemble's (entryQuantile,
 * window, regimes, ...; validated by its schema), `model` the run's loaded model. A model not loaded (a
 * file name) or none is a ConfigError naming the param.
 */
export function mlAgentFactory(model: ModelParam): ((name: string, params: Record<string, unknown>) => AgentFactory) | undefined {
  if (model === undefined) return undefined;
  if (typeof model === 'string') {
    throw new ConfigError(`the model file "${model}" was not read: backtest, paper and live read model files; this use of the strategy does not`, { field: 'param model' });
  }
  return (name, params) => {
    const r = MlEnsemble.schema.safeParse({ ...params, model });
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new ConfigError(`meta: agent ${name}: ${issue.message}`, { field: `param agents.${name}.params.${issue.path.join('.')}` });
    }
    const source = new MlSignalSource(r.data as MlEnsembleParams);
    return (symbol) => new SignalAgent(name, source.signalFor(symbol));
  };
}

export { LoadedModel, ModelSchedule };
