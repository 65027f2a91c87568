// Named types of the research API (from the generated schema).
import type { GetOk, PostBody } from '../../api/types';

export type Job = GetOk<'/api/v1/research/jobs/{id}'>;
export type JobKind = Job['kind'];
export type JobSubmit = PostBody<'/api/v1/research/jobs'>;
export type JobResult = GetOk<'/api/v1/research/jobs/{id}/result'>;
export type BacktestReport = Extract<JobResult, { kind: 'backtest' }>['result'];
export type PastRun = GetOk<'/api/v1/research/runs'>[number];
export type RunComparison = GetOk<'/api/v1/research/runs/compare'>;
export type RunEquity = GetOk<'/api/v1/research/runs/{runId}/equity'>;
export type DataSources = GetOk<'/api/v1/data/sources'>;

/** Optimization and walk-forward results are documents of their own (docs/cli.md); the fields the page reads. */
export interface TrialRow {
  readonly id: number;
  readonly params: Record<string, unknown>;
  readonly score: number | null;
  readonly metrics: Record<string, number | null>;
}
export interface OptimizeReport {
  readonly strategy: string;
  readonly engine: string;
  readonly bars: number;
  readonly method: string;
  readonly objective: string;
  readonly space: string;
  readonly evaluated: number;
  readonly skipped: number;
  readonly trials: readonly TrialRow[];
  readonly best: TrialRow | null;
  readonly deflatedSharpe: { dsr: number | null; sharpe: number | null; expectedMaxSharpe: number; numTrials: number; trialSharpeVariance: number } | null;
  readonly pbo: { pbo: number; blocks: number; combinations: number; meanLogit: number; probOosLoss: number; degradationSlope: number | null } | null;
  readonly seconds: number;
}
export interface WalkForwardFold {
  readonly fold: number;
  readonly train: { from: string; to: string; bars: number };
  readonly test: { from: string; to: string; bars: number };
  readonly params: Record<string, unknown>;
  readonly trainScore: number | null;
  readonly testScore: number | null;
  readonly testMetrics: Record<string, number | null>;
}
export interface WalkForwardReport {
  readonly strategy: string;
  readonly engine: string;
  readonly objective: string;
  readonly folds: readonly WalkForwardFold[];
  readonly efficiency?: number | null;
  readonly metrics?: Record<string, number | null>;
  /** Out-of-sample equity: the test windows chained. */
  readonly equity?: readonly { time: string; equity: number }[];
}
