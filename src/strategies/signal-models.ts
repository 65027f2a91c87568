// The built-in signal models by name: every single-symbol rule, as the ensemble's members.
import { bollingerModel, macdModel, rsiModel, smaCrossModel } from './builtin/classic-models.ts';
import { donchianModel } from './builtin/donchian-breakout.ts';
import { mtfTrendModel } from './builtin/mtf-trend.ts';
import { rsiEnhancedModel } from './builtin/rsi-enhanced.ts';
import { zscoreModel } from './builtin/zscore-reversion.ts';
import type { SignalModelDef } from './signal.ts';

const MODELS: readonly SignalModelDef<object>[] = [
  smaCrossModel as unknown as SignalModelDef<object>,
  rsiModel as unknown as SignalModelDef<object>,
  bollingerModel as unknown as SignalModelDef<object>,
  macdModel as unknown as SignalModelDef<object>,
  donchianModel as unknown as SignalModelDef<object>,
  zscoreModel as unknown as SignalModelDef<object>,
  rsiEnhancedModel as unknown as SignalModelDef<object>,
  mtfTrendModel as unknown as SignalModelDef<object>,
];

const BY_NAME = new Map(MODELS.map((m) => [m.name, m]));

export const SIGNAL_MODEL_NAMES = MODELS.map((m) => m.name) as [string, ...string[]];

export function signalModel(name: string): SignalModelDef<object> | undefined {
  return BY_NAME.get(name);
}
