// One entry point from a plain description (config, API body) to a running algorithm.
import { ConfigError } from '../../core/errors.ts';
import { planAlmgrenChriss, type AlmgrenChrissPlanOptions } from './almgren-chriss.ts';
import { IcebergAlgo, planIceberg, type IcebergOptions } from './iceberg.ts';
import { PovAlgo, type PovOptions } from './pov.ts';
import { ScheduleAlgo } from './scheduled.ts';
import { planTwap, planVwap, type TwapOptions, type VwapOptions } from './schedule.ts';
import type { AlgoOptions, ExecAlgo, OrderSink, ParentOrder } from './types.ts';

export type AlgoSpec = { readonly parent: ParentOrder; readonly participationCap?: number | null } & (
  | ({ readonly algo: 'twap' } & TwapOptions)
  | ({ readonly algo: 'vwap' } & VwapOptions)
  | ({ readonly algo: 'almgren-chriss' } & AlmgrenChrissPlanOptions)
  | ({ readonly algo: 'pov' } & PovOptions)
  | ({ readonly algo: 'iceberg' } & IcebergOptions)
);

/** Plans (where the algorithm has a plan) and builds the runtime algorithm over `sink`. */
export function makeAlgo(spec: AlgoSpec, sink: OrderSink): ExecAlgo {
  const opts: AlgoOptions = { participationCap: spec.participationCap };
  switch (spec.algo) {
    case 'twap':
      return new ScheduleAlgo(planTwap(spec.parent, spec), sink, opts);
    case 'vwap':
      return new ScheduleAlgo(planVwap(spec.parent, spec), sink, opts);
    case 'almgren-chriss':
      return new ScheduleAlgo(planAlmgrenChriss(spec.parent, spec), sink, opts);
    case 'pov':
      return new PovAlgo(spec.parent, sink, spec);
    case 'iceberg':
      return new IcebergAlgo(planIceberg(spec.parent, spec), sink, opts);
    default: {
      const never: never = spec;
      throw new ConfigError(`unknown execution algorithm ${String((never as { algo: unknown }).algo)}`, { field: 'algo' });
    }
  }
}
