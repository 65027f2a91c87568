// Labels aligned with feature rows: forward returns, direction, triple barrier; uniqueness weights.
export { directionLabels, forwardReturns, type ForwardOptions } from './forward.ts';
export { tripleBarrier, type TripleBarrierLabels, type TripleBarrierOptions } from './triple-barrier.ts';
export { averageUniqueness, concurrency, withUniquenessWeights, type Weighting } from './uniqueness.ts';
