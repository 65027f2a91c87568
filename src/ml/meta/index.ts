// The meta-agent: capital allocation among agents by Hedge, keyed by regime, with a logged reason per decision.
export { Hedge, hedgeEta, hedgeRegretBound, returnToLoss } from './hedge.ts';
export { RegimeHedge, type RegimeHedgeConfig } from './regime-hedge.ts';
export { MetaAllocator, MetaAllocatorSchema, runMetaAllocator, type MetaAllocatorConfig, type MetaDecision, type MetaRun } from './allocator.ts';
