// Execution algorithms: schedules, runtime state machines, book sweeps, impact and shortfall.
export type * from './types.ts';
export { allocateLots, floorLots, lotsIn, qtyOfLots } from './lots.ts';
export { flatProfile, profileMass, uShapedProfile, volumeProfileFromBars, type UShapeOptions, type VolumeProfile } from './profile.ts';
export { bucketIntervals, checkParent, equalIntervals, planTwap, planVwap, scheduleFromWeights, type TwapOptions, type VwapOptions } from './schedule.ts';
export {
  almgrenChriss, almgrenChrissClosedForm, executionCostMoments, planAlmgrenChriss,
  type AlmgrenChrissParams, type AlmgrenChrissPlan, type AlmgrenChrissPlanOptions, type AlmgrenChrissResult,
} from './almgren-chriss.ts';
export { depthWithin, sweepBook, type SweepResult, type SweptLevel } from './book.ts';
export { AlgoBase } from './base.ts';
export { ScheduleAlgo } from './scheduled.ts';
export { PovAlgo, planPov, type PovOptions, type VolumeForecast } from './pov.ts';
export { IcebergAlgo, planIceberg, type IcebergOptions } from './iceberg.ts';
export { makeAlgo, type AlgoSpec } from './factory.ts';
export { AlgoDesk, type OrderSubmitter } from './desk.ts';
export {
  calibrateSqrtImpact, liquidityScore, sqrtImpact, sqrtImpactCost,
  type ImpactCalibration, type ImpactObservation, type LiquidityInput, type LiquidityOptions, type LiquidityScore, type SqrtImpactInput,
} from './impact.ts';
export { implementationShortfall, reportShortfall, type ShortfallComponent, type ShortfallInput, type ShortfallResult } from './shortfall.ts';
